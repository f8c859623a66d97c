//! Whole command flows against a fake kernel thread, and the waits timing
//! out when no kernel answers.

mod common;

use std::fs;
use std::os::unix::fs::MetadataExt;

use common::{disk, FakeDevices, FakeKernel, Fx, STAMP};

fn mtime(fx: &Fx, rel: &str) -> String {
    let m = fs::symlink_metadata(fx.mars.join(rel)).unwrap();
    format!("{}.{:09}", m.mtime(), m.mtime_nsec())
}

#[test]
fn create_cluster_with_and_without_module() {
    let fx = Fx::new();
    let out = fx.run(&["create-cluster", "--ip", "10.0.0.1"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Created cluster"), "{out:?}");
    assert!(out.stderr.contains("not a mount point"), "{out:?}");
    assert_eq!(fx.read("ips/ip-node1").as_deref(), Some("10.0.0.1"));
    let uuid = fx.read("uuid").unwrap();
    assert!(mars_core::tree::Uuid::parse(&uuid).is_ok(), "{uuid}");
    // Stamps come from the module's Lamport clock; the trigger was poked.
    assert_eq!(mtime(&fx, "uuid"), STAMP);
    assert_eq!(mtime(&fx, "ips/ip-node1"), STAMP);
    assert_eq!(fx.triggered(), "1\n");

    let fx = Fx::new();
    fx.unload();
    let out = fx.run(&["create-cluster"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("load the kernel module"), "{out:?}");
    assert_ne!(mtime(&fx, "uuid"), STAMP);
    assert!(fx.read("ips/ip-node1").is_some());
}

#[test]
fn full_lifecycle_with_fake_kernel() {
    let fx = Fx::with_cluster();
    let _k = FakeKernel::start(&fx);
    let img = disk(&fx, "vdb", 8 << 20);
    let dev = img.to_str().unwrap();
    let probe = FakeDevices::default();
    assert_eq!(
        fx.run_lib(&["--timeout", "10", "create-resource", "r0", dev], &probe),
        0
    );
    assert_eq!(fx.read("resource-r0/size").as_deref(), Some("8388608"));
    assert_eq!(fx.read("resource-r0/data-node1").as_deref(), Some(dev));
    assert_eq!(fx.read("resource-r0/device-node1").as_deref(), Some("r0"));
    assert_eq!(fx.read("resource-r0/primary").as_deref(), Some("node1"));
    for s in ["attach", "connect", "allow-replay", "log-rotate"] {
        assert_eq!(
            fx.read(&format!("resource-r0/todo-node1/{s}")).as_deref(),
            Some("1"),
            "{s}"
        );
        assert_eq!(mtime(&fx, &format!("resource-r0/todo-node1/{s}")), STAMP);
    }
    assert_eq!(mtime(&fx, "resource-r0/size"), STAMP);
    assert!(!fx.mars.join(".tmp-resource-r0").exists());
    assert!(fx.dev.join("r0").exists());
    assert_eq!(fx.triggered(), "1\n");

    let out = fx.run(&["view-role", "r0"]);
    assert_eq!(out.stdout, "primary\n", "{out:?}");
    let out = fx.run(&["--timeout", "10", "log-rotate", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("now writing log 2"), "{out:?}");
    assert_eq!(
        fx.read("resource-r0/todo-node1/log-rotate").as_deref(),
        Some("2")
    );

    let out = fx.run(&["--timeout", "10", "secondary", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(fx.read("resource-r0/primary").as_deref(), Some("(none)"));
    assert!(!fx.dev.join("r0").exists());
    let out = fx.run(&["--timeout", "10", "primary", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("is primary for r0"), "{out:?}");

    let out = fx.run(&["--timeout", "10", "down", "all"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Resource r0 is down"), "{out:?}");
    for s in ["attach", "connect", "allow-replay"] {
        assert_eq!(
            fx.read(&format!("resource-r0/todo-node1/{s}")).as_deref(),
            Some("0")
        );
    }
    assert_eq!(fx.run(&["view-is-attached", "r0"]).stdout, "0\n");
    let out = fx.run(&["--timeout", "10", "up", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(fx.run(&["view-state", "all"]).stdout, "r0 Up\n");

    let out = fx.run(&["--timeout", "10", "delete-resource", "r0", "--force"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Deleted resource r0"), "{out:?}");
    assert!(!fx.mars.join("resource-r0").exists());
    let left: Vec<_> = fs::read_dir(&fx.mars)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn waits_time_out_with_a_clear_message() {
    let fx = Fx::with_cluster();
    fx.resource("r0", false, false, 0);
    fx.link("resource-r0/actual-node1/state", "Down");
    let out = fx.run(&["--timeout", "0.3", "up", "r0"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr
            .contains("timed out after 0.3 s waiting for r0 to be attached"),
        "{out:?}"
    );
    assert!(out.stderr.contains("state Down, attached no"), "{out:?}");
    assert!(out.stderr.contains("\n\n  tip: "), "{out:?}");
    // The wanted state stays written.
    assert_eq!(
        fx.read("resource-r0/todo-node1/attach").as_deref(),
        Some("1")
    );

    let img = disk(&fx, "vdc", 4 << 20);
    let code = fx.run_lib(
        &[
            "--timeout",
            "0.2",
            "create-resource",
            "r1",
            img.to_str().unwrap(),
        ],
        &FakeDevices::default(),
    );
    assert_eq!(code, 3);
    assert_eq!(fx.read("resource-r1/primary").as_deref(), Some("node1"));

    // A kernel error ends the wait at once, with the kernel's reason.
    fx.link("resource-r0/actual-node1/state", "Error");
    fx.link(
        "resource-r0/actual-node1/error",
        "cannot open /dev/vdb: busy",
    );
    let started = std::time::Instant::now();
    let out = fx.run(&["--timeout", "30", "up", "r0"]);
    assert_eq!(out.code, 5, "{out:?}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{out:?}"
    );
    assert!(
        out.stderr.contains(
            "the kernel reports an error instead of r0 to be attached: r0: cannot open /dev/vdb: busy"
        ),
        "{out:?}"
    );
    assert!(out.stderr.contains("marsadm down RES"), "{out:?}");

    // --timeout 0 does not wait, but a state the kernel already reports
    // is confirmed (r0 is reported detached).
    let out = fx.run(&["--timeout", "0", "down", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Resource r0 is down"), "{out:?}");
}

/// `down` right after the last opener closed: the stale `open-count`
/// (the module refreshes it when it scans) is checked again after a fresh
/// scan instead of refusing at once.
#[test]
fn down_rechecks_a_stale_open_count() {
    let fx = Fx::with_cluster();
    fx.resource("r0", true, false, 1);
    fs::write(fx.proc_dir.join("scans"), "5\n").unwrap();
    let (mars, proc_dir) = (fx.mars.clone(), fx.proc_dir.clone());
    // The fake module: once triggered, reports the device closed, then
    // detached, and counts two scans.
    let kernel = std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while fs::read_to_string(proc_dir.join("trigger")).unwrap_or_default() != "1\n" {
            assert!(std::time::Instant::now() < deadline, "never triggered");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let set = |rel: &str, v: &str| {
            let p = mars.join("resource-r0/actual-node1").join(rel);
            let _ = fs::remove_file(&p);
            std::os::unix::fs::symlink(v, &p).unwrap();
        };
        set("open-count", "0");
        fs::write(proc_dir.join("scans"), "7\n").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(200));
        set("is-attached", "0");
        set("state", "Down");
    });
    let out = fx.run(&["--timeout", "10", "down", "r0"]);
    kernel.join().unwrap();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Resource r0 is down"), "{out:?}");
    assert_eq!(
        fx.read("resource-r0/todo-node1/attach").as_deref(),
        Some("0")
    );
}
