//! `view`, `view --json` and the `view-*` macros on a hand-built tree.

mod common;

use common::Fx;
use serde_json::Value;

/// r0: primary, open once, logs 1..3, replay in log 2.
fn tree() -> Fx {
    let fx = Fx::with_cluster();
    fx.resource("r0", true, true, 1);
    fx.file("resource-r0/log-000000001-node1", 1000);
    fx.file("resource-r0/log-000000002-node1", 3000);
    fx.file("resource-r0/log-000000003-node1", 500);
    fx.link("resource-r0/actual-node1/log-number", "3");
    fx.link("resource-r0/replay-node1", "log-000000002-node1,1200,3000");
    fx.link("actual-node1/alive", "1700000000.000000000");
    fx.link("actual-node1/rest-space", "1073741824");
    fx.link("actual-node1/total-space", "4294967296");
    fx.link("actual-node1/is-emergency", "0");
    fx.resource("r1", false, false, 0);
    fx
}

/// Collapses runs of spaces (the alignment is not under test here).
fn squash(s: &str) -> String {
    s.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lag: rest of log 2 (3000 - 1200) + all of log 3 (500).
const LAG: u64 = 1800 + 500;

#[test]
fn text_view() {
    let fx = tree();
    let out = fx.run(&["view", "all"]);
    assert_eq!(out.code, 0, "{out:?}");
    let t = squash(&out.stdout);
    for want in [
        "Cluster 0123abcd-4567-89ef-0123-456789abcdef",
        "space:         1.0 GiB free of 4.0 GiB (25% free)",
        "host:          node1  10.0.0.1         this host,",
        "Resource r0",
        "state:         Up (working normally)",
        "role:          primary (designated primary: node1)",
        "attached:      yes",
        "data device:   /dev/vdb",
        "open 1 time(s): in use",
        "size:          1.0 MiB (1048576 bytes)",
        "current log:   3",
        "logs:          log-000000001-node1     1000 B",
        "               log-000000002-node1     2.9 KiB",
        "written back to: log-000000002-node1 at byte 1200 (of 3000)",
        "writeback lag: 2.2 KiB (2300 bytes)",
        "emergency:     no",
        "error:         none",
        "Resource r1",
        "state:         Down (disk detached, MARS does not use it)",
        "role:          none (designated primary: none)",
    ] {
        assert!(
            t.contains(&squash(want)),
            "missing {want:?} in\n{}",
            out.stdout
        );
    }
}

#[test]
fn json_view() {
    let fx = tree();
    let out = fx.run(&["view", "r0", "--json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["schema"], 1);
    assert_eq!(v["host"], "node1");
    assert_eq!(v["module_loaded"], true);
    assert_eq!(v["cluster"]["uuid"], "0123abcd-4567-89ef-0123-456789abcdef");
    assert_eq!(v["cluster"]["free_bytes"], 1073741824u64);
    assert_eq!(v["cluster"]["hosts"][0]["name"], "node1");
    assert_eq!(v["cluster"]["hosts"][0]["ip"], "10.0.0.1");
    let r = &v["resources"][0];
    assert_eq!(v["resources"].as_array().unwrap().len(), 1);
    assert_eq!(r["name"], "r0");
    assert_eq!(r["role"], "primary");
    assert_eq!(r["state"], "Up");
    assert_eq!(r["attached"], true);
    assert_eq!(r["open_count"], 1);
    assert_eq!(r["size_bytes"], 1048576);
    assert_eq!(r["log_number"], 3);
    assert_eq!(r["logs"].as_array().unwrap().len(), 3);
    assert_eq!(r["logs"][1]["name"], "log-000000002-node1");
    assert_eq!(r["logs"][1]["size_bytes"], 3000);
    assert_eq!(r["log_bytes"], 4500);
    assert_eq!(r["replay"]["log"], "log-000000002-node1");
    assert_eq!(r["replay"]["position"], 1200);
    assert_eq!(r["writeback_lag_bytes"], LAG);
    assert_eq!(r["emergency"], false);
    assert_eq!(r["error"], Value::Null);
    assert_eq!(r["data_device"], "/dev/vdb");
    assert_eq!(r["device_present"], true);
}

#[test]
fn macros() {
    let fx = tree();
    let one = |m: &str, res: &str| fx.run(&[m, res]).stdout;
    assert_eq!(one("view-state", "r0"), "Up\n");
    assert_eq!(one("view-role", "r0"), "primary\n");
    assert_eq!(one("view-role", "r1"), "none\n");
    assert_eq!(one("view-is-attached", "r0"), "1\n");
    assert_eq!(one("view-is-primary", "r1"), "0\n");
    assert_eq!(one("view-open-count", "r0"), "1\n");
    assert_eq!(one("view-log-number", "r0"), "3\n");
    assert_eq!(one("view-writeback-lag", "r0"), format!("{LAG}\n"));
    assert_eq!(one("view-is-emergency", "r0"), "0\n");
    assert_eq!(one("view-state", "all"), "r0 Up\nr1 Down\n");
}

#[test]
fn view_with_error_and_without_module() {
    let fx = tree();
    fx.link("resource-r1/actual-node1/state", "Error");
    fx.link("resource-r1/actual-node1/error", "I/O error on /dev/vdb");
    fx.link("resource-r1/todo-node1/attach", "1");
    fx.unload();
    let out = fx.run(&["view", "r1"]);
    assert_eq!(out.code, 0, "{out:?}");
    let t = squash(&out.stdout);
    assert!(t.contains("NOT LOADED"), "{out:?}");
    assert!(t.contains("error: I/O error on /dev/vdb"), "{out:?}");
    assert!(t.contains("attached: no (wanted: yes;"), "{out:?}");
    assert!(out.stdout.contains("see the error line below"), "{out:?}");
}
