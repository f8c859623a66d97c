//! `view --watch`, `events` and `wait-resource` against the fixture: the
//! long-running ones are started as processes, their output read line by
//! line while the tree changes, then they are killed.

mod common;

use std::time::Duration;

use common::{FakeKernel, Fx, Running};
use serde_json::Value;

fn tree() -> Fx {
    let fx = Fx::with_cluster();
    fx.resource("r0", true, true, 1);
    fx.link("resource-r0/actual-node1/log-number", "3");
    fs_version(&fx, "0.1.0");
    fx
}

fn fs_version(fx: &Fx, v: &str) {
    std::fs::write(fx.proc_dir.join("version"), format!("{v}\n")).unwrap();
}

#[test]
fn events_once_prints_the_current_state() {
    let fx = tree();
    fx.resource("r1", false, false, 0);
    let out = fx.run(&["events", "--once"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "exists module loaded:yes version:0.1.0\n\
         exists resource r0 state:Up role:primary attached:yes wanted_attached:yes primary:yes open_count:1 log_number:3 emergency:no error:none\n\
         exists resource r1 state:Down role:none attached:no wanted_attached:no primary:no open_count:0 log_number:1 emergency:no error:none\n\
         exists -\n"
    );
    let out = fx.run(&["events", "r1", "--once", "--json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let v: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(v.len(), 3, "{out:?}");
    assert_eq!(v[0]["object"], "module");
    assert_eq!(v[1]["event"], "exists");
    assert_eq!(v[1]["resource"], "r1");
    assert_eq!(v[1]["fields"]["attached"], false);
    assert_eq!(v[1]["fields"]["error"], Value::Null);
    assert_eq!(v[2]["event"], "exists-done");
    // Refusals change nothing and say why, in JSON with --json.
    let out = fx.run(&["events", "r9", "--once", "--json"]);
    assert_eq!(out.code, 1, "{out:?}");
    let e: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(e["error"], "refused");
    assert_eq!(fx.run(&["events", "--interval", "0", "--once"]).code, 2);
}

#[test]
fn events_stream_one_line_per_changed_field() {
    let fx = tree();
    let mut ev = Running::start(&fx, &["events", "all", "--interval", "0.1"]);
    ev.until(|l| l == "exists -");
    fx.link("resource-r0/actual-node1/state", "Emergency");
    fx.link("resource-r0/actual-node1/is-emergency", "1");
    ev.until(|l| l == "change resource r0 state:Up->Emergency");
    ev.until(|l| l == "change resource r0 emergency:no->yes");
    fx.resource("r1", false, false, 0);
    ev.until(|l| l.starts_with("create resource r1 state:Down "));
    std::fs::remove_dir_all(fx.mars.join("resource-r1")).unwrap();
    ev.until(|l| l == "destroy resource r1");
    std::fs::remove_file(fx.proc_dir.join("version")).unwrap();
    ev.until(|l| l == "change module version:0.1.0->unknown");
    // Nothing but the changes: no line repeats the state.
    assert!(!ev.seen.iter().skip(4).any(|l| l.starts_with("exists")));
}

#[test]
fn events_json_stream() {
    let fx = tree();
    let mut ev = Running::start(&fx, &["events", "r0", "--json", "--interval", "0.1"]);
    ev.until(|l| l.contains("exists-done"));
    fx.link("resource-r0/actual-node1/error", "attach failed (-5)");
    let l = ev.until(|l| l.contains("\"change\""));
    let v: Value = serde_json::from_str(&l).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"event": "change", "object": "resource", "resource": "r0",
            "field": "error", "old": null, "new": "attach failed (-5)"})
    );
    // Another resource is not watched.
    fx.resource("r1", false, false, 0);
    fx.link("resource-r0/actual-node1/log-number", "4");
    let l = ev.until(|l| l.contains("log_number"));
    assert!(!ev.seen.iter().any(|l| l.contains("r1")), "{l}");
}

#[test]
fn view_watch_repeats_the_view_when_not_a_terminal() {
    let fx = tree();
    let mut w = Running::start(&fx, &["view", "--watch", "--interval", "0.1"]);
    w.until(|l| l.contains("state:") && l.contains("Up"));
    fx.link("resource-r0/actual-node1/state", "Recovering");
    w.until(|l| l.contains("state:") && l.contains("Recovering"));
    assert!(w.seen.iter().any(|l| l == "----"), "{:?}", w.seen);
    assert!(!w.seen.iter().any(|l| l.contains('\x1b')), "{:?}", w.seen);
    // Options that mean nothing together are refused.
    assert_eq!(fx.run(&["view", "--watch", "--json"]).code, 2);
    assert_eq!(fx.run(&["view", "--interval", "1"]).code, 2);
    // Nothing to watch: the first look refuses, as view does.
    let empty = Fx::new();
    let out = empty.run(&["view", "--watch"]);
    assert_eq!(out.code, 1, "{out:?}");
}

#[test]
fn wait_resource_states_and_exit_codes() {
    let fx = Fx::with_cluster();
    fx.resource("r0", false, false, 0);
    let out = fx.run(&["wait-resource", "r0", "down"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "Resource r0 is Down.\n");
    // Time is up: 3, with what the kernel reports.
    let out = fx.run(&["--timeout", "0.3", "wait-resource", "r0", "Up"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("timed out after"), "{out:?}");
    assert!(out.stderr.contains("state Down"), "{out:?}");
    let out = fx.run(&["--timeout", "0", "wait-resource", "r0", "Up"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("looked once"), "{out:?}");
    // It becomes Up while waited for.
    let before = fx.snapshot();
    let mars = fx.mars.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        let p = mars.join("resource-r0/actual-node1/state");
        std::fs::remove_file(&p).unwrap();
        std::os::unix::fs::symlink("Up", &p).unwrap();
    });
    let out = fx.run(&["--timeout", "10", "wait-resource", "r0", "Up"]);
    t.join().unwrap();
    assert_eq!(out.code, 0, "{out:?}");
    // It wrote nothing but what the "kernel" changed.
    let after = fx.snapshot();
    let changed: Vec<_> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(changed, ["mars/resource-r0/actual-node1/state"]);
    assert_eq!(fx.triggered(), "");
    // The kernel reports Error instead: 5; waiting for Error: 0.
    fx.link("resource-r0/actual-node1/state", "Error");
    fx.link("resource-r0/actual-node1/error", "attach failed (-5)");
    let out = fx.run(&["--timeout", "5", "wait-resource", "r0", "Up"]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains("attach failed (-5)"), "{out:?}");
    assert_eq!(fx.run(&["wait-resource", "r0", "Error"]).code, 0);
    // Refusals and command line errors.
    assert_eq!(fx.run(&["wait-resource", "r9", "Up"]).code, 1);
    let out = fx.run(&["wait-resource", "r0", "Sideways"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("Up, Down, Recovering"), "{out:?}");
    assert_eq!(fx.run(&["--dry-run", "wait-resource", "r0", "Up"]).code, 2);
}

#[test]
fn wait_resource_with_the_fake_kernel() {
    let fx = Fx::with_cluster();
    let _k = FakeKernel::start(&fx);
    fx.resource("r0", false, false, 0);
    assert_eq!(fx.run(&["--timeout", "10", "up", "r0"]).code, 0);
    let out = fx.run(&["--timeout", "10", "wait-resource", "r0", "Up"]);
    assert_eq!(out.code, 0, "{out:?}");
}
