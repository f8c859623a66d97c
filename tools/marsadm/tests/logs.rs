//! `log-delete` and `cron`: delete only logs every member has written back,
//! never the newest one.

mod common;

use common::{FakeKernel, Fx};

fn exists(fx: &Fx, rel: &str) -> bool {
    std::fs::symlink_metadata(fx.mars.join(rel)).is_ok()
}

fn logs_tree() -> Fx {
    let fx = Fx::with_cluster();
    fx.resource("r0", true, true, 0);
    for (n, size) in [(1, 1000), (2, 2000), (3, 3000), (4, 4000)] {
        fx.file(&format!("resource-r0/log-00000000{n}-node1"), size);
        fx.link(
            &format!("resource-r0/version-00000000{n}-node1"),
            "0000000000000000,log-000000001-node1,0:0000000000000000",
        );
    }
    fx.link("resource-r0/actual-node1/log-number", "4");
    fx.link("resource-r0/replay-node1", "log-000000004-node1,10,4000");
    fx
}

#[test]
fn deletes_only_written_back_logs() {
    let fx = logs_tree();
    // A second member that has only reached log 3.
    fx.link("ips/ip-node2", "10.0.0.2");
    fx.link("resource-r0/data-node2", "/dev/vdb");
    fx.link("resource-r0/replay-node2", "log-000000003-node1,0,3000");
    let before = fx.snapshot();
    let out = fx.run(&["--dry-run", "log-delete", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("would delete 2 logs"), "{out:?}");
    assert_eq!(fx.snapshot(), before);

    let out = fx.run(&["log-delete", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("deleted 2 logs: log-000000001-node1 (1000 B), log-000000002-node1 (2.0 KiB); 2.9 KiB freed (and 2 version links)"), "{out:?}");
    for n in [1, 2] {
        assert!(!exists(&fx, &format!("resource-r0/log-00000000{n}-node1")));
        assert!(!exists(
            &fx,
            &format!("resource-r0/version-00000000{n}-node1")
        ));
    }
    for n in [3, 4] {
        assert!(exists(&fx, &format!("resource-r0/log-00000000{n}-node1")));
        assert!(exists(
            &fx,
            &format!("resource-r0/version-00000000{n}-node1")
        ));
    }
    // Kernel-written links are untouched.
    assert!(exists(&fx, "resource-r0/replay-node1"));
    let out = fx.run(&["log-delete", "all"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("no log can be deleted ('node2' is writing back log 3)"),
        "{out:?}"
    );
}

#[test]
fn keeps_newest_and_waits_for_every_member() {
    let fx = logs_tree();
    fx.link("resource-r0/replay-node1", "log-000000009-node1,0,0");
    fx.run(&["log-delete", "r0"]);
    assert!(exists(&fx, "resource-r0/log-000000004-node1"));
    assert!(!exists(&fx, "resource-r0/log-000000003-node1"));

    let fx = logs_tree();
    fx.link("resource-r0/data-node2", "/dev/vdb");
    let before = fx.snapshot();
    let out = fx.run(&["log-delete", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("'node2' has not reported a writeback position"),
        "{out:?}"
    );
    assert_eq!(fx.snapshot(), before);
}

#[test]
fn cron_rotates_big_logs_then_deletes() {
    let fx = logs_tree();
    fx.file("resource-r0/log-000000004-node1", 5000);
    let _k = FakeKernel::start(&fx);
    let out = fx.run(&["--timeout", "10", "cron", "--rotate-size", "4096"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("log 4 is 4.9 KiB (more than 4.0 KiB), rotating"),
        "{out:?}"
    );
    assert!(out.stdout.contains("now writing log 5"), "{out:?}");
    assert_eq!(
        fx.read("resource-r0/todo-node1/log-rotate").as_deref(),
        Some("5")
    );
    // The fake kernel does not write back, so the replay link still names log 4.
    assert!(out.stdout.contains("deleted 3 logs"), "{out:?}");
    assert!(exists(&fx, "resource-r0/log-000000004-node1"));
    // Small logs: nothing to rotate, quiet.
    let out = fx.run(&["--timeout", "10", "cron"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "", "{out:?}");
}
