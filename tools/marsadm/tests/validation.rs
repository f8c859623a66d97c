//! Every command refuses bad input with a clear message, a non-zero exit
//! code, and /mars (and the trigger) unchanged.

mod common;

use common::{disk, FakeDevices, Fx, STAMP};

/// Runs the binary and checks: exit code, message, tree unchanged.
fn refused(fx: &Fx, args: &[&str], code: i32, msg: &str) {
    let trigger = fx.triggered();
    fx.assert_refused(args, code, msg);
    assert_eq!(fx.triggered(), trigger, "{args:?} poked the kernel");
}

#[test]
fn create_cluster_needs_mars_dir() {
    let fx = Fx::new();
    std::fs::remove_dir(&fx.mars).unwrap();
    refused(
        &fx,
        &["create-cluster"],
        1,
        "create and mount a filesystem on",
    );
    std::fs::write(&fx.mars, "").unwrap();
    refused(&fx, &["create-cluster"], 1, "is not a directory");
}

#[test]
fn create_cluster_refuses_existing_and_bad_ip() {
    let fx = Fx::with_cluster();
    refused(&fx, &["create-cluster"], 1, "a cluster already exists");
    let fx = Fx::new();
    refused(
        &fx,
        &["create-cluster", "--ip", "10.0.0"],
        1,
        "is not a valid address",
    );
    refused(
        &fx,
        &["--host", "Bad", "create-cluster"],
        2,
        "invalid value",
    );
    refused(
        &fx,
        &["--host", "localhost", "create-cluster"],
        2,
        "reserved",
    );
}

#[test]
fn create_resource_validation() {
    let fx = Fx::new();
    refused(
        &fx,
        &["create-resource", "r0", "/dev/null"],
        1,
        "no MARS cluster",
    );
    let fx = Fx::with_cluster();
    refused(
        &fx,
        &["--host", "node2", "create-resource", "r0", "/dev/null"],
        1,
        "not a member of the cluster",
    );
    refused(
        &fx,
        &["create-resource", "R0", "/dev/null"],
        2,
        "invalid value",
    );
    refused(&fx, &["create-resource", "all", "/dev/null"], 2, "reserved");
    refused(
        &fx,
        &["create-resource", "r0", "dev/null"],
        1,
        "is not usable",
    );
    refused(
        &fx,
        &["create-resource", "r0", "/dev/../dev/null"],
        1,
        "is not usable",
    );
    refused(
        &fx,
        &["create-resource", "r0", "/dev/null"],
        1,
        "not a block device (it is a character device)",
    );
    let img = disk(&fx, "img", 4 << 20);
    refused(
        &fx,
        &["create-resource", "r0", img.to_str().unwrap()],
        1,
        "not a block device (it is a regular file)",
    );
    refused(
        &fx,
        &["create-resource", "r0", "/nonexistent/disk"],
        1,
        "does not exist",
    );
    refused(
        &fx,
        &["create-resource", "r0", "/dev/null", "--size", "1000"],
        1,
        "multiple of 4096",
    );
    refused(
        &fx,
        &["create-resource", "r0", "/dev/null", "--size", "lots"],
        2,
        "not a size",
    );
    fx.resource("r0", true, true, 0);
    refused(
        &fx,
        &["create-resource", "r0", "/dev/null"],
        1,
        "already exists",
    );
    // The device is checked before the module (input first).
    fx.unload();
    refused(
        &fx,
        &["create-resource", "r1", "/dev/null"],
        1,
        "not a block device",
    );
}

#[test]
fn create_resource_device_checks() {
    let fx = Fx::with_cluster();
    let small = disk(&fx, "small", 512 * 1024);
    let big = disk(&fx, "big", 8 << 20);
    let busy = disk(&fx, "busy", 8 << 20);
    let probe = FakeDevices {
        busy: vec![busy.clone()],
    };
    let before = fx.snapshot();
    let s = |p: &std::path::Path| p.to_str().unwrap().to_string();
    assert_eq!(
        fx.run_lib(&["create-resource", "r0", &s(&small)], &probe),
        1
    );
    assert_eq!(
        fx.run_lib(
            &["create-resource", "r0", &s(&big), "--size", "16M"],
            &probe
        ),
        1
    );
    assert_eq!(fx.run_lib(&["create-resource", "r0", &s(&busy)], &probe), 1);
    assert_eq!(fx.snapshot(), before);
    // Another resource already uses the disk, by name or through a symlink.
    fx.resource("r1", false, false, 0);
    fx.link("resource-r1/data-node1", &s(&big));
    let alias = fx.tmp.path().join("alias");
    std::os::unix::fs::symlink(&big, &alias).unwrap();
    assert_eq!(fx.snapshot().len(), before.len() + 17 + 1);
    let before = fx.snapshot();
    assert_eq!(fx.run_lib(&["create-resource", "r0", &s(&big)], &probe), 1);
    assert_eq!(
        fx.run_lib(&["create-resource", "r0", &s(&alias)], &probe),
        1
    );
    assert_eq!(fx.snapshot(), before);
}

#[test]
fn switch_commands_validation() {
    let fx = Fx::with_cluster();
    for cmd in ["up", "down", "attach", "detach", "log-rotate", "log-delete"] {
        refused(&fx, &[cmd, "r9"], 1, "resource 'r9' does not exist");
    }
    fx.resource("r0", true, true, 1);
    refused(
        &fx,
        &["--host", "node2", "up", "r0"],
        1,
        "not a member of the cluster",
    );
    fx.link("ips/ip-node2", "10.0.0.2");
    refused(
        &fx,
        &["--host", "node2", "up", "r0"],
        1,
        "not a member of resource 'r0'",
    );
    refused(
        &fx,
        &["down", "r0"],
        1,
        "in use: /dev/mars/r0 is open (1 opener), unmount it first",
    );
    refused(&fx, &["detach", "r0"], 1, "unmount it first");
    refused(&fx, &["secondary", "r0"], 1, "unmount it first");
    fx.resource("r1", true, false, 0);
    // `all` refuses everything if one resource is in use.
    refused(&fx, &["down", "all"], 1, "resource 'r0' is in use");
    refused(&fx, &["log-rotate", "r1"], 1, "not primary on this host");
    refused(
        &fx,
        &["delete-resource", "r1"],
        1,
        "is not down on this host",
    );
    fx.link("resource-r1/data-node2", "/dev/vdc");
    refused(
        &fx,
        &["delete-resource", "r1", "--force"],
        1,
        "has other members (node2)",
    );
    fx.link("resource-r1/primary", "node2");
    refused(
        &fx,
        &["primary", "r1"],
        1,
        "'node2' is the designated primary",
    );
    fx.resource("r2", false, false, 0);
    refused(&fx, &["primary", "r2"], 1, "is detached on this host");
    refused(&fx, &["view", "r9"], 1, "does not exist");
    refused(&fx, &["view-state", "r9"], 1, "does not exist");
    fx.unload();
    refused(&fx, &["up", "r0"], 1, "kernel module is not loaded");
    refused(&fx, &["primary", "r0"], 1, "kernel module is not loaded");
}

#[test]
fn dry_run_changes_nothing() {
    let fx = Fx::with_cluster();
    fx.resource("r0", false, false, 0);
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
            .contains("write link resource-r0/todo-node1/connect -> 1"),
        "{out:?}"
    );
    assert_eq!(fx.snapshot(), before);
    assert_eq!(fx.triggered(), "");
    let out = fx.run(&["--dry-run", "delete-resource", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("remove directory resource-r0/"),
        "{out:?}"
    );
    assert_eq!(fx.snapshot(), before);
    let fx = Fx::new();
    let before = fx.snapshot();
    let out = fx.run(&["--dry-run", "create-cluster", "--ip", "10.0.0.1"]);
    assert!(
        out.stdout.contains("write link ips/ip-node1 -> 10.0.0.1"),
        "{out:?}"
    );
    assert_eq!(fx.snapshot(), before);
    assert!(STAMP.starts_with("17"));
}
