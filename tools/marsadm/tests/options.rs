//! The command line: input is checked before the environment, `--dry-run`
//! works without the module, and errors have one style (and JSON with
//! --json).

mod common;

use common::{disk, FakeDevices, Fx};
use serde_json::Value;

/// Runs and checks exit code, stderr text and that nothing changed.
fn refused(fx: &Fx, args: &[&str], code: i32, msg: &str) {
    let before = fx.snapshot();
    let out = fx.run(args);
    assert_eq!(out.code, code, "{args:?}: {out:?}");
    assert!(out.stderr.contains(msg), "{args:?}: want {msg:?}: {out:?}");
    assert_eq!(fx.snapshot(), before, "{args:?} changed the tree");
}

#[test]
fn input_errors_before_the_module_check() {
    let fx = Fx::with_cluster();
    fx.unload();
    refused(
        &fx,
        &["create-resource", "r0", "relative"],
        1,
        "device path \"relative\" is not usable",
    );
    refused(
        &fx,
        &["create-resource", "r0", "/dev/null", "--size", "1000"],
        1,
        "multiple of 4096",
    );
    refused(&fx, &["up", "r9"], 1, "resource 'r9' does not exist");
    refused(&fx, &["primary", "r9"], 1, "resource 'r9' does not exist");
    refused(
        &fx,
        &["log-rotate", "r9"],
        1,
        "resource 'r9' does not exist",
    );
    // Good input: then the module.
    fx.resource("r0", false, false, 0);
    refused(&fx, &["up", "r0"], 1, "kernel module is not loaded");
}

#[test]
fn dry_run_needs_no_module() {
    let fx = Fx::with_cluster();
    fx.resource("r0", false, false, 0);
    fx.unload();
    let before = fx.snapshot();
    let out = fx.run(&["--dry-run", "up", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("write link resource-r0/todo-node1/attach -> 1"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("the kernel module is not loaded; the real command needs it"),
        "{out:?}"
    );
    let img = disk(&fx, "vdb", 4 << 20);
    let code = fx.run_lib(
        &["--dry-run", "create-resource", "r1", img.to_str().unwrap()],
        &FakeDevices::default(),
    );
    assert_eq!(code, 0);
    assert_eq!(fx.snapshot().len(), before.len() + 1, "only the disk image");
    assert!(fx.read("resource-r1/size").is_none());
    // The real run: everything checked, then the module is missing.
    let code = fx.run_lib(
        &["create-resource", "r1", img.to_str().unwrap()],
        &FakeDevices::default(),
    );
    assert_eq!(code, 1);
    assert!(fx.read("resource-r1/size").is_none());
}

#[test]
fn one_error_style() {
    let fx = Fx::with_cluster();
    // marsadm's own errors look like the parser's: "error: ", blank line,
    // "  tip: ".
    let out = fx.run(&["up", "r9"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .starts_with("error: resource 'r9' does not exist\n\n  tip: 'marsadm view all' lists"),
        "{out:?}"
    );
    let out = fx.run(&["up", "R9"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.starts_with("error: invalid value 'R9'"),
        "{out:?}"
    );
}

#[test]
fn errors_as_json_with_json() {
    let fx = Fx::with_cluster();
    let out = fx.run(&["view", "r9", "--json"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stderr, "", "{out:?}");
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["error"], "refused");
    assert_eq!(v["message"], "resource 'r9' does not exist");
    assert_eq!(v["exit_code"], 1);
    assert!(v["hint"].as_str().unwrap().contains("marsadm view all"));
    // The parser's errors too.
    let out = fx.run(&["view", "R9", "--json"]);
    assert_eq!(out.code, 2, "{out:?}");
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["error"], "usage");
    assert_eq!(v["exit_code"], 2);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid value 'R9' for '[TARGET]'"),
        "{v}"
    );
}
