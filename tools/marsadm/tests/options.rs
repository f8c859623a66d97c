//! The command line: input is checked before the environment, `--dry-run`
//! works without the module, options that mean nothing for a command are
//! refused, resource lists and `all` are accepted alike, every command's
//! help has an example, and errors have one style (and JSON with --json).

mod common;

use common::{disk, FakeDevices, FakeKernel, Fx};
use serde_json::Value;

/// Runs and checks exit code, stderr text and that nothing changed.
fn refused(fx: &Fx, args: &[&str], code: i32, msg: &str) {
    fx.assert_refused(args, code, msg);
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
fn meaningless_options_are_refused() {
    let fx = Fx::with_cluster();
    fx.resource("r0", true, true, 0);
    refused(
        &fx,
        &["--dry-run", "view"],
        2,
        "error: --dry-run means nothing for 'view': it changes nothing anyway",
    );
    refused(
        &fx,
        &["view-state", "r0", "--timeout", "5"],
        2,
        "error: --timeout means nothing for 'view-state': it does not wait for the kernel",
    );
    refused(
        &fx,
        &["--timeout", "5", "log-delete", "r0"],
        2,
        "--timeout means nothing for 'log-delete'",
    );
    refused(
        &fx,
        &["--timeout", "5", "check"],
        2,
        "--timeout means nothing for 'check'",
    );
    refused(
        &fx,
        &["-vv", "up", "r0"],
        2,
        "cannot be used multiple times",
    );
    // Where they mean something they are accepted.
    let out = fx.run(&["--dry-run", "--timeout", "5", "-v", "down", "r0", "--force"]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn resource_lists_and_defaults() {
    let fx = Fx::with_cluster();
    fx.resource("r0", false, false, 0);
    fx.resource("r1", false, false, 0);
    fx.resource("r2", false, false, 0);
    let _k = FakeKernel::start(&fx);
    let out = fx.run(&["--timeout", "10", "up", "r0,r2"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Resource r0 is up"), "{out:?}");
    assert!(out.stdout.contains("Resource r2 is up"), "{out:?}");
    assert_eq!(
        fx.read("resource-r1/todo-node1/attach").as_deref(),
        Some("0")
    );
    // The view macros default to all, like view, and take lists.
    let out = fx.run(&["view-state"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "r0 Up\nr1 Down\nr2 Up\n");
    assert_eq!(
        fx.run(&["view-is-attached", "r2,r1"]).stdout,
        "r2 1\nr1 0\n"
    );
    assert_eq!(fx.run(&["view-state", "r1"]).stdout, "Down\n");
    // One bad name in a list refuses the whole list.
    refused(&fx, &["down", "r0,r9"], 1, "resource 'r9' does not exist");
    assert_eq!(
        fx.read("resource-r0/todo-node1/attach").as_deref(),
        Some("1")
    );
    refused(&fx, &["up", "r0,,r1"], 2, "has an empty name");
    refused(&fx, &["up", "r0,all"], 2, "'all' cannot be part of a list");
}

#[test]
fn every_command_help_has_an_example() {
    let fx = Fx::new();
    for cmd in [
        "create-cluster",
        "join-cluster",
        "leave-cluster",
        "wait-cluster",
        "update-cluster",
        "create-resource",
        "delete-resource",
        "up",
        "down",
        "attach",
        "detach",
        "primary",
        "secondary",
        "log-rotate",
        "log-delete",
        "cron",
        "view",
        "check",
        "view-state",
        "view-role",
        "view-is-attached",
        "view-is-primary",
        "view-is-emergency",
        "view-open-count",
        "view-log-number",
        "view-writeback-lag",
    ] {
        let out = fx.run(&[cmd, "--help"]);
        assert_eq!(out.code, 0, "{cmd}: {out:?}");
        assert!(out.stdout.contains("Example: "), "{cmd} help: {out:?}");
        assert!(
            out.stdout.contains(&format!("marsadm {cmd}")) || cmd == "cron" || cmd == "view-state",
            "{cmd} example does not use it: {out:?}"
        );
    }
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
    let out = fx.run(&["--dry-run", "view", "--json"]);
    assert_eq!(out.code, 2, "{out:?}");
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        v["message"],
        "--dry-run means nothing for 'view': it changes nothing anyway"
    );
}
