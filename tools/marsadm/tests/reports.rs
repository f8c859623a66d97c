//! What marsadm says about states: one marker for unknown values, truthful
//! notes (module never ran, host not a member, recovery), plain words for
//! empty devices and missing permissions, a truthful create-cluster, and
//! `check` with monitoring exit codes.

mod common;

use common::{disk, FakeDevices, Fx};
use serde_json::Value;

/// r0 exists, the kernel has reported nothing about it.
fn unreported() -> Fx {
    let fx = Fx::with_cluster();
    fx.link("resource-r0/size", "1048576");
    fx.link("resource-r0/data-node1", "/dev/vdb");
    fx.link("resource-r0/device-node1", "r0");
    fx.link("resource-r0/primary", "(none)");
    fx
}

fn squash(s: &str) -> String {
    s.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn unknown_values_print_the_same_marker() {
    let fx = unreported();
    let one = |m: &str| fx.run(&[m, "r0"]).stdout;
    assert_eq!(one("view-is-attached"), "unknown\n");
    assert_eq!(one("view-is-primary"), "unknown\n");
    assert_eq!(one("view-is-emergency"), "unknown\n");
    assert_eq!(one("view-open-count"), "unknown\n");
    assert_eq!(one("view-log-number"), "unknown\n");
    assert_eq!(one("view-role"), "unknown\n");
    assert_eq!(one("view-state"), "Unknown\n");
    let t = squash(&fx.run(&["view", "r0"]).stdout);
    assert!(t.contains("attached: unknown"), "{t}");
    assert!(t.contains("current log: unknown"), "{t}");
    assert!(t.contains("role: unknown"), "{t}");
    let v: Value = serde_json::from_str(&fx.run(&["view", "r0", "--json"]).stdout).unwrap();
    assert_eq!(v["resources"][0]["attached"], Value::Null);
    assert_eq!(v["resources"][0]["open_count"], Value::Null);
    assert_eq!(v["resources"][0]["log_number"], Value::Null);
    // Reported values are unchanged.
    fx.resource("r1", false, false, 0);
    assert_eq!(fx.run(&["view-is-attached", "r1"]).stdout, "0\n");
    assert_eq!(fx.run(&["view-open-count", "r1"]).stdout, "0\n");
}

#[test]
fn module_that_never_ran_and_wrong_host() {
    let fx = unreported();
    fx.unload();
    let t = squash(&fx.run(&["view"]).stdout);
    assert!(
        t.contains("NOT LOADED: it has not run on this host yet"),
        "{t}"
    );
    assert!(!t.contains("from its last run"), "{t}");
    fx.link("actual-node1/alive", "1700000000.000000000");
    let t = squash(&fx.run(&["view"]).stdout);
    assert!(
        t.contains("NOT LOADED: the states below are from its last run,"),
        "{t}"
    );
    let out = fx.run(&["--host", "other", "view"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        squash(&out.stdout)
            .contains("NOT A MEMBER: 'other' is not a member of this cluster (no ips/ip-other)"),
        "{out:?}"
    );
    let v: Value =
        serde_json::from_str(&fx.run(&["--host", "other", "view", "--json"]).stdout).unwrap();
    assert_eq!(v["cluster"]["this_host_member"], false);
    let v: Value = serde_json::from_str(&fx.run(&["view", "--json"]).stdout).unwrap();
    assert_eq!(v["cluster"]["this_host_member"], true);
}

#[test]
fn recovery_is_shown_as_recovering() {
    let fx = Fx::with_cluster();
    fx.resource("r0", false, false, 0);
    // Crash replay: attach wanted, the kernel replays before it reports
    // the disk attached.
    fx.link("resource-r0/todo-node1/attach", "1");
    fx.link("resource-r0/actual-node1/state", "Recovering");
    let t = squash(&fx.run(&["view", "r0"]).stdout);
    assert!(t.contains("state: Recovering (writing back logs"), "{t}");
    assert!(
        t.contains(
            "attached: no (wanted: yes; the kernel is replaying the logs onto the disk first)"
        ),
        "{t}"
    );
    assert!(!t.contains("Down"), "{t}");
    assert_eq!(fx.run(&["view-state", "r0"]).stdout, "Recovering\n");
    let out = fx.run(&["check", "r0"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stdout,
        "MARS WARNING - r0: Recovering: replaying the logs onto the disk\n"
    );
}

#[test]
fn empty_device_is_called_empty() {
    let fx = Fx::with_cluster();
    let img = disk(&fx, "loop0", 0);
    let before = fx.snapshot();
    let code = fx.run_lib(
        &["create-resource", "r0", img.to_str().unwrap()],
        &FakeDevices::default(),
    );
    assert_eq!(code, 1);
    assert_eq!(fx.snapshot(), before);
    // The message, through the library's error.
    let e = marsadm::commands::resource::create_resource(
        &marsadm::context(
            &<marsadm::cli::Cli as clap::Parser>::try_parse_from(fx.args(&[
                "create-resource",
                "r0",
                img.to_str().unwrap(),
            ]))
            .unwrap(),
        )
        .unwrap(),
        &FakeDevices::default(),
        &mars_core::names::ResourceName::new("r0").unwrap(),
        &img,
        None,
    )
    .unwrap_err();
    assert!(
        e.msg.ends_with(
            "is empty (0 bytes): a loop device without a backing file, or a disk without a medium?"
        ),
        "{e}"
    );
    assert!(!e.msg.contains("too small"), "{e}");
    assert!(e.hint.unwrap().contains("losetup"));
}

/// As root the test runs marsadm as `nobody`: writing /mars fails with
/// EACCES, and the message names permissions, not a full disk.
#[test]
fn permission_denied_says_run_as_root() {
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let fx = Fx::with_cluster();
    fx.resource("r0", false, false, 0);
    // /proc/self belongs to the effective user.
    let root = std::fs::metadata("/proc/self").unwrap().uid() == 0;
    for p in [fx.tmp.path().to_path_buf(), fx.mars.clone()] {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let before = fx.snapshot();
    let args = fx.args(&["up", "r0"]);
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_marsadm"));
    cmd.args(&args[1..]);
    if root {
        cmd.uid(65534).gid(65534);
    }
    let o = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(err.contains("Permission denied"), "{err}");
    assert!(
        err.contains("tip: permission denied: run marsadm as root"),
        "{err}"
    );
    assert!(!err.contains("disk full"), "{err}");
    assert_eq!(fx.snapshot(), before);
}

#[test]
fn create_cluster_needs_an_empty_dir_and_does_not_invent_a_uuid() {
    let fx = Fx::new();
    fx.file("something-else", 10);
    let before = fx.snapshot();
    let out = fx.run(&["create-cluster", "--ip", "10.0.0.1"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains(&format!(
            "error: {} is not empty (it holds something-else); create-cluster needs an empty",
            fx.mars.display()
        )),
        "{out:?}"
    );
    assert_eq!(fx.snapshot(), before);
    // A fresh ext4 filesystem's lost+found is fine, and so are what a
    // loaded module reports by itself and what an interrupted
    // create-cluster of this host left.
    let fx = Fx::new();
    std::fs::create_dir(fx.mars.join("lost+found")).unwrap();
    fx.link("actual-node1/rest-space", "1000");
    fx.link("ips/ip-node1", "10.0.0.9");
    let fx2 = Fx::new();
    fx2.link("ips/ip-node2", "10.0.0.2");
    let out = fx2.run(&["create-cluster"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("is not empty (it holds ips)"),
        "{out:?}"
    );
    let out = fx.run(&["--dry-run", "create-cluster", "--ip", "10.0.0.1"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("write link uuid -> (a new random UUID, generated by the real run)"),
        "{out:?}"
    );
    assert!(fx.read("uuid").is_none());
    let out = fx.run(&["create-cluster", "--ip", "10.0.0.1"]);
    assert_eq!(out.code, 0, "{out:?}");
    let uuid = fx.read("uuid").unwrap();
    assert!(out.stdout.contains(&uuid), "{out:?}");
}

#[test]
fn check_exit_codes() {
    let fx = Fx::with_cluster();
    fx.resource("r0", true, true, 0);
    fx.resource("r1", false, false, 0);
    let out = fx.run(&["check"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "MARS OK - r0: Up; r1: Down\n");
    // Wanted attached, not yet: WARNING.
    fx.link("resource-r1/todo-node1/attach", "1");
    let out = fx.run(&["check", "r1"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stdout,
        "MARS WARNING - r1: Down, attached no but wanted yes\n"
    );
    // Error: CRITICAL, and view itself still exits 0.
    fx.link("resource-r1/actual-node1/state", "Error");
    fx.link("resource-r1/actual-node1/error", "I/O error on /dev/vdb");
    let out = fx.run(&["check", "all"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stdout,
        "MARS CRITICAL - r0: Up; r1: Error: I/O error on /dev/vdb\n"
    );
    assert_eq!(fx.run(&["view", "r1"]).code, 0);
    let out = fx.run(&["check", "--json"]);
    assert_eq!(out.code, 2, "{out:?}");
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["status"], "CRITICAL");
    assert_eq!(v["exit_code"], 2);
    assert_eq!(v["resources"][1]["name"], "r1");
    assert_eq!(v["resources"][1]["status"], "CRITICAL");
    // Unknown resource, no cluster, no module: UNKNOWN (3), on stdout.
    let out = fx.run(&["--host", "node7", "check"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(
        out.stdout,
        "MARS UNKNOWN - this host 'node7' is not a member of the cluster\n"
    );
    let out = fx.run(&["check", "r9"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(out.stdout, "MARS UNKNOWN - resource 'r9' does not exist\n");
    fx.unload();
    let out = fx.run(&["check", "r0"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(out.stdout, "MARS UNKNOWN - r0: kernel module not loaded\n");
    let fx = Fx::new();
    assert_eq!(fx.run(&["check"]).code, 3);
}

#[test]
fn version_of_marsadm_and_module() {
    let fx = Fx::with_cluster();
    let me = env!("CARGO_PKG_VERSION");
    // The module does not say its version.
    let out = fx.run(&["--version"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        format!("marsadm {me}\nkernel module: loaded, version unknown (it does not say)\n")
    );
    std::fs::write(fx.proc_dir.join("version"), format!("{me}\n")).unwrap();
    let out = fx.run(&["--version"]);
    assert_eq!(out.stdout, format!("marsadm {me}\nkernel module: {me}\n"));
    assert_eq!(out.stderr, "", "{out:?}");
    let v: Value = serde_json::from_str(&fx.run(&["view", "--json"]).stdout).unwrap();
    assert_eq!(v["marsadm_version"], me);
    assert_eq!(v["module_version"], me);
    // A different module: a warning.
    std::fs::write(fx.proc_dir.join("version"), "0.0.1\n").unwrap();
    let out = fx.run(&["--version"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, format!("marsadm {me}\nkernel module: 0.0.1\n"));
    assert!(
        out.stderr.starts_with(&format!(
            "warning: marsadm {me} and the loaded kernel module 0.0.1 differ"
        )),
        "{out:?}"
    );
    assert!(
        squash(&fx.run(&["view"]).stdout).contains(&format!(
            "versions: marsadm {me}, kernel module 0.0.1: DIFFERENT"
        )),
        "view"
    );
    fx.unload();
    let out = fx.run(&["--version"]);
    assert!(out.stdout.contains("kernel module: not loaded"), "{out:?}");
    let v: Value = serde_json::from_str(&fx.run(&["view", "--json"]).stdout).unwrap();
    assert_eq!(v["module_version"], Value::Null);
}
