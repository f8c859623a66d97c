//! The JSON schemas in docs/schema/ describe real output: `view --json`,
//! `check --json`, `events --json` and JSON errors are validated against
//! them, for trees with known and unknown values. Every object schema
//! forbids fields it does not describe (additionalProperties: false), so
//! a field added to the output without the schema fails here.

mod common;

use std::path::Path;

use common::{Fx, Running};
use serde_json::Value;

fn schema(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/schema")
        .join(format!("{name}.schema.json"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every object schema says additionalProperties: false.
fn closed(v: &Value, at: &str) {
    match v {
        Value::Object(m) => {
            if m.get("type") == Some(&Value::from("object")) {
                assert_eq!(
                    m.get("additionalProperties"),
                    Some(&Value::Bool(false)),
                    "{at}: an object schema without additionalProperties: false"
                );
            }
            for (k, x) in m {
                closed(x, &format!("{at}/{k}"));
            }
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| closed(x, &format!("{at}/{i}"))),
        _ => {}
    }
}

/// Validates `instance` against schema `name`, with every error listed.
fn valid(name: &str, instance: &Value) {
    let s = schema(name);
    jsonschema::draft202012::meta::validate(&s)
        .unwrap_or_else(|e| panic!("{name}.schema.json is not a valid 2020-12 schema: {e}"));
    closed(&s, name);
    let v = jsonschema::draft202012::new(&s).unwrap();
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{name}: {}\n{instance:#}",
        errors.join("\n")
    );
}

fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// r0: everything reported; r1: nothing reported.
fn tree() -> Fx {
    let fx = Fx::with_cluster();
    fx.resource("r0", true, true, 1);
    fx.file("resource-r0/log-000000001-node1", 1000);
    fx.link("resource-r0/replay-node1", "log-000000001-node1,100,1000");
    fx.link("resource-r0/actual-node1/error", "attach failed (-5)");
    fx.link("actual-node1/alive", "1700000000.000000000");
    fx.link("actual-node1/rest-space", "1073741824");
    fx.link("actual-node1/total-space", "4294967296");
    fx.link("actual-node1/is-emergency", "0");
    fx.link("ips/ip-node2", "10.0.0.2");
    // node2 is a secondary of r0 halfway through its full sync.
    fx.link("resource-r0/data-node2", "/dev/vdb");
    fx.link("resource-r0/syncstatus-node2", "524288");
    fx.link("resource-r0/todo-node2/sync", "0");
    fx.link("resource-r0/actual-node2/is-attached", "1");
    fx.link("resource-r0/actual-node2/sync-rate", "1024");
    fx.link("resource-r0/actual-node2/connection", "connected");
    fx.link("resource-r0/actual-node2/fetch-lag", "0");
    fx.link("resource-r1/size", "1048576");
    fx.link("resource-r1/data-node1", "/dev/vdc");
    std::fs::write(fx.proc_dir.join("version"), "0.1.0\n").unwrap();
    fx
}

#[test]
fn view_json_matches_its_schema() {
    let fx = tree();
    let out = fx.run(&["view", "--json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let v = json(&out.stdout);
    assert_eq!(v["resources"][0]["replay"]["position"], 100);
    let node2 = &v["resources"][0]["replicas"][1];
    assert_eq!(node2["disk"], "Inconsistent", "{node2:#}");
    assert_eq!(node2["sync"]["percent"], 50.0);
    assert_eq!(node2["sync"]["eta_seconds"], 512);
    assert_eq!(node2["paused"]["sync"], true);
    assert_eq!(v["resources"][0]["replicas"][0]["disk"], "UpToDate");
    assert_eq!(v["resources"][1]["state"], "Unknown");
    assert_eq!(v["cluster"]["peers_reported"], false);
    valid("view", &v);
    // With the module's connections: a listed peer, a join peer, a refused one.
    std::fs::write(
        fx.proc_dir.join("peers"),
        "node2 10.0.0.2 connected 120 -3 42 1 -
- 10.0.0.9 refused 5 - 0 0 auth-failed
",
    )
    .unwrap();
    fx.link("join-via", "10.0.0.9");
    let out = fx.run(&["view", "--json"]);
    let v = json(&out.stdout);
    assert_eq!(v["cluster"]["hosts"][1]["connection"]["state"], "connected");
    assert_eq!(v["cluster"]["unlisted_peers"][0]["host"], Value::Null);
    assert_eq!(v["cluster"]["joining_via"], "10.0.0.9");
    valid("view", &v);
    // Without the module and as a host that is not a member.
    fx.unload();
    let out = fx.run(&["--host", "node9", "view", "--json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let v = json(&out.stdout);
    assert_eq!(v["module_version"], Value::Null);
    valid("view", &v);
}

#[test]
fn check_json_matches_its_schema() {
    let fx = tree();
    let out = fx.run(&["check", "--json"]);
    let v = json(&out.stdout);
    assert_eq!(v["exit_code"], out.code);
    assert!(!v["resources"].as_array().unwrap().is_empty());
    valid("check", &v);
    let empty = Fx::new();
    let out = empty.run(&["check", "--json"]);
    assert_eq!(out.code, 3, "{out:?}");
    valid("check", &json(&out.stdout));
}

#[test]
fn events_json_matches_its_schema() {
    let fx = tree();
    let out = fx.run(&["events", "--json", "--once"]);
    assert_eq!(out.code, 0, "{out:?}");
    for l in out.stdout.lines() {
        valid("events", &json(l));
    }
    let mut ev = Running::start(&fx, &["events", "--json", "--interval", "0.1"]);
    ev.until(|l| l.contains("exists-done"));
    fx.link("resource-r0/actual-node1/state", "Emergency");
    fx.link("resource-r0/actual-node1/open-count", "0");
    fx.link("resource-r0/actual-node1/error", "(none)");
    ev.until(|l| l.contains("\"error\""));
    fx.resource("r2", false, false, 0);
    ev.until(|l| l.contains("\"create\""));
    std::fs::remove_dir_all(fx.mars.join("resource-r2")).unwrap();
    ev.until(|l| l.contains("\"destroy\""));
    std::fs::remove_file(fx.proc_dir.join("version")).unwrap();
    ev.until(|l| l.contains("\"module\"") && l.contains("\"change\""));
    for l in &ev.seen {
        valid("events", &json(l));
    }
    for kind in ["exists", "exists-done", "change", "create", "destroy"] {
        let needle = format!("\"event\":\"{kind}\"");
        assert!(ev.seen.iter().any(|l| l.contains(&needle)), "no {kind}");
    }
}

#[test]
fn json_errors_match_their_schema() {
    let fx = tree();
    let empty = Fx::new();
    for (f, args, code) in [
        (&fx, &["view", "r9", "--json"][..], 1),
        (&fx, &["view", "R0", "--json"][..], 2),
        (&fx, &["events", "r9", "--json", "--once"][..], 1),
        (&empty, &["view", "--json"][..], 1),
    ] {
        let out = f.run(args);
        assert_eq!(out.code, code, "{args:?}: {out:?}");
        let v = json(out.stdout.trim());
        assert_eq!(v["exit_code"], code);
        valid("error", &v);
    }
}
