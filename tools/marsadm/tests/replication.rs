//! Replication commands against a temporary /mars: join-resource,
//! leave-resource, invalidate, the pause/resume switches, the replicas in
//! `view` and `wait-resource RES UpToDate`. This host is `node1`, a
//! secondary of resource r0 whose primary is `node2`.

mod common;

use common::{disk, FakeDevices, FakeKernel, Fx};

/// Size of r0 in the tests (8 MiB).
const SIZE: u64 = 8 << 20;

/// r0 created on node2 (primary there), known here through the exchange.
fn remote_resource(fx: &Fx) {
    fx.link("ips/ip-node2", "10.0.0.2");
    fx.link("resource-r0/size", &SIZE.to_string());
    fx.link("resource-r0/data-node2", "/dev/vdb");
    fx.link("resource-r0/device-node2", "r0");
    fx.link("resource-r0/primary", "node2");
    for s in ["attach", "connect", "allow-replay"] {
        fx.link(&format!("resource-r0/todo-node2/{s}"), "1");
    }
    fx.link("resource-r0/actual-node2/is-attached", "1");
    fx.link("resource-r0/actual-node2/is-primary", "1");
    fx.link("resource-r0/actual-node2/state", "Up");
}

/// node1 as a member of r0 that has finished its sync.
fn joined(fx: &Fx) {
    remote_resource(fx);
    fx.link("resource-r0/data-node1", "/dev/vdc");
    fx.link("resource-r0/device-node1", "r0");
    for s in ["attach", "connect", "sync", "allow-replay"] {
        fx.link(&format!("resource-r0/todo-node1/{s}"), "1");
    }
    fx.link("resource-r0/syncstatus-node1", &SIZE.to_string());
    fx.link("resource-r0/actual-node1/is-attached", "1");
    fx.link("resource-r0/actual-node1/is-primary", "0");
    fx.link("resource-r0/actual-node1/state", "Up");
}

#[test]
fn join_refusals_change_nothing() {
    let fx = Fx::with_cluster();
    fx.assert_refused(
        &["join-resource", "r0", "/dev/vdc"],
        1,
        "is not known on this host",
    );
    let out = fx.run(&["join-resource", "r0", "/dev/vdc"]);
    assert!(out.stderr.contains("marsadm wait-cluster"), "{out:?}");
    fx.assert_refused(&["join-resource", "r0", "vdc"], 1, "not usable");
    joined(&fx);
    fx.assert_refused(
        &["join-resource", "r0", "/dev/vdd"],
        1,
        "already a member of resource 'r0'",
    );
    let fx = Fx::new();
    fx.assert_refused(
        &["join-resource", "r0", "/dev/vdc"],
        1,
        "there is no MARS cluster",
    );
}

#[test]
fn join_refuses_small_and_used_devices() {
    let fx = Fx::with_cluster();
    remote_resource(&fx);
    let probe = FakeDevices::default();
    let small = disk(&fx, "small", SIZE / 2);
    let before = fx.snapshot();
    let code = fx.run_lib(&["join-resource", "r0", small.to_str().unwrap()], &probe);
    assert_eq!(code, 1);
    assert_eq!(fx.snapshot(), before);
    // Already the data device of another resource on this host.
    let big = disk(&fx, "big", SIZE);
    fx.link("resource-r1/size", "1048576");
    fx.link("resource-r1/data-node1", big.to_str().unwrap());
    let before = fx.snapshot();
    let code = fx.run_lib(&["join-resource", "r0", big.to_str().unwrap()], &probe);
    assert_eq!(code, 1, "a device of another resource");
    assert_eq!(fx.snapshot(), before);
    fx.unload();
    let other = disk(&fx, "other", SIZE);
    let before = fx.snapshot();
    let code = fx.run_lib(&["join-resource", "r0", other.to_str().unwrap()], &probe);
    assert_eq!(code, 1, "module not loaded");
    assert_eq!(fx.snapshot(), before);
}

#[test]
fn small_device_message_names_both_sizes() {
    use marsadm::commands::membership::join_resource;
    let fx = Fx::with_cluster();
    remote_resource(&fx);
    let small = disk(&fx, "small", SIZE / 2);
    let ctx = marsadm::config::Ctx::new(
        &fx.mars,
        &fx.proc_dir,
        &fx.dev,
        mars_core::names::HostName::new("node1").unwrap(),
    );
    let res = mars_core::names::ResourceName::new("r0").unwrap();
    let e = join_resource(&ctx, &FakeDevices::default(), &res, &small).unwrap_err();
    assert!(
        e.msg.contains("4.0 MiB") && e.msg.contains("8.0 MiB"),
        "{e}"
    );
    assert!(e.msg.contains("is smaller than resource 'r0'"), "{e}");
}

#[test]
fn join_writes_the_membership_and_waits_for_the_attach() {
    let fx = Fx::with_cluster();
    remote_resource(&fx);
    let _k = FakeKernel::start(&fx);
    let dev = disk(&fx, "vdc", SIZE + 4096);
    let dev = dev.to_str().unwrap();
    let code = fx.run_lib(
        &["--timeout", "10", "join-resource", "r0", dev],
        &FakeDevices::default(),
    );
    assert_eq!(code, 0);
    assert_eq!(fx.read("resource-r0/data-node1").as_deref(), Some(dev));
    assert_eq!(fx.read("resource-r0/device-node1").as_deref(), Some("r0"));
    for s in ["attach", "connect", "sync", "allow-replay"] {
        let v = fx.read(&format!("resource-r0/todo-node1/{s}"));
        assert_eq!(v.as_deref(), Some("1"), "{s}");
    }
    assert_eq!(
        fx.read("resource-r0/syncstatus-node1").as_deref(),
        Some("0")
    );
    assert_eq!(fx.read("resource-r0/primary").as_deref(), Some("node2"));
    assert_eq!(fx.triggered(), "1\n");
    let out = fx.run(&["view", "r0"]);
    assert!(out.stdout.contains("Inconsistent"), "{out:?}");
    assert!(out.stdout.contains("full sync 0.0%"), "{out:?}");
}

#[test]
fn join_shows_the_kernels_error() {
    let fx = Fx::with_cluster();
    remote_resource(&fx);
    fx.link("resource-r0/actual-node1/state", "Error");
    fx.link("resource-r0/actual-node1/error", "cannot open /dev/vdc");
    let dev = disk(&fx, "vdc", SIZE);
    let code = fx.run_lib(
        &[
            "--timeout",
            "2",
            "join-resource",
            "r0",
            dev.to_str().unwrap(),
        ],
        &FakeDevices::default(),
    );
    assert_eq!(code, 5);
}

#[test]
fn leave_is_refused_on_the_primary() {
    let fx = Fx::with_cluster();
    fx.resource("r0", true, true, 0);
    fx.assert_refused(
        &["leave-resource", "r0"],
        1,
        "is the designated primary of resource 'r0'",
    );
    let out = fx.run(&["leave-resource", "r0"]);
    assert!(out.stderr.contains("hand the primary role over"), "{out:?}");
    fx.assert_refused(&["leave-resource", "r9"], 1, "does not exist");
}

#[test]
fn leave_deletes_the_membership_then_the_fetched_logs() {
    let fx = Fx::with_cluster();
    joined(&fx);
    fx.link("resource-r0/syncpos-node1", "log-000000001-node2,10,100");
    fx.link("resource-r0/replay-node1", "log-000000002-node2,0,100");
    fx.link("resource-r0/todo-node1/invalidate", "2");
    fx.file("resource-r0/log-000000001-node2", 100);
    fx.file("resource-r0/log-000000002-node2", 100);
    fx.file("resource-r0/log-000000001-node1", 50);
    let _k = FakeKernel::start(&fx);
    let out = fx.run(&["--timeout", "10", "leave-resource", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("left resource r0"), "{out:?}");
    assert!(
        out.stdout.contains("keeps the last consistent state"),
        "{out:?}"
    );
    for rel in [
        "data-node1",
        "device-node1",
        "todo-node1/attach",
        "todo-node1/connect",
        "todo-node1/sync",
        "todo-node1/allow-replay",
        "todo-node1/invalidate",
        "syncstatus-node1",
        "syncpos-node1",
        "replay-node1",
    ] {
        let p = fx.mars.join("resource-r0").join(rel);
        let t = std::fs::read_link(&p).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(t.to_str(), Some(".deleted"), "{rel}");
    }
    assert!(!fx.mars.join("resource-r0/log-000000001-node2").exists());
    assert!(!fx.mars.join("resource-r0/log-000000002-node2").exists());
    assert!(fx.mars.join("resource-r0/log-000000001-node1").exists());
    // The other member is untouched.
    assert_eq!(
        fx.read("resource-r0/data-node2").as_deref(),
        Some("/dev/vdb")
    );
    assert_eq!(
        fx.read("resource-r0/todo-node2/attach").as_deref(),
        Some("1")
    );
}

#[test]
fn leave_dry_run_and_an_inconsistent_copy() {
    let fx = Fx::with_cluster();
    joined(&fx);
    fx.link("resource-r0/syncstatus-node1", "4096");
    let before = fx.snapshot();
    let out = fx.run(&["--dry-run", "leave-resource", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("delete link resource-r0/data-node1"),
        "{out:?}"
    );
    assert_eq!(fx.snapshot(), before);
    let _k = FakeKernel::start(&fx);
    let out = fx.run(&["--timeout", "10", "leave-resource", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("NOT consistent"), "{out:?}");
}

#[test]
fn invalidate_bumps_the_counter_and_waits() {
    let fx = Fx::with_cluster();
    fx.resource("r0", true, true, 0);
    fx.assert_refused(&["invalidate", "r0"], 1, "designated primary");
    let fx = Fx::with_cluster();
    joined(&fx);
    fx.link("resource-r0/todo-node1/invalidate", "4");
    let out = fx.run(&["--timeout", "0.3", "invalidate", "r0"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(
        fx.read("resource-r0/todo-node1/invalidate").as_deref(),
        Some("5")
    );
    std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(300));
            fx.link("resource-r0/actual-node1/invalidated", "6");
        });
        let out = fx.run(&["--timeout", "10", "invalidate", "r0"]);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(out.stdout.contains("Inconsistent until"), "{out:?}");
    });
    assert_eq!(
        fx.read("resource-r0/todo-node1/invalidate").as_deref(),
        Some("6")
    );
}

#[test]
fn pause_and_resume_switches() {
    let fx = Fx::with_cluster();
    joined(&fx);
    let out = fx.run(&["pause-fetch", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("log fetch paused on node1"), "{out:?}");
    assert_eq!(
        fx.read("resource-r0/todo-node1/connect").as_deref(),
        Some("0")
    );
    assert_eq!(
        fx.read("resource-r0/todo-node2/connect").as_deref(),
        Some("1")
    );
    let out = fx.run(&["connect", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        fx.read("resource-r0/todo-node1/connect").as_deref(),
        Some("1")
    );
    let out = fx.run(&["disconnect", "r0", "--global"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("node1, node2"), "{out:?}");
    for h in ["node1", "node2"] {
        let v = fx.read(&format!("resource-r0/todo-{h}/connect"));
        assert_eq!(v.as_deref(), Some("0"), "{h}");
    }
    for (cmd, sw, v) in [
        ("pause-replay", "allow-replay", "0"),
        ("resume-replay", "allow-replay", "1"),
        ("pause-sync", "sync", "0"),
        ("resume-sync", "sync", "1"),
    ] {
        let out = fx.run(&[cmd, "all"]);
        assert_eq!(out.code, 0, "{cmd}: {out:?}");
        let got = fx.read(&format!("resource-r0/todo-node1/{sw}"));
        assert_eq!(got.as_deref(), Some(v), "{cmd}");
    }
    let out = fx.run(&["pause-sync", "r0"]);
    assert!(out.stdout.contains("paused on node1"), "{out:?}");
    let out = fx.run(&["pause-sync", "r0"]);
    assert!(out.stdout.contains("(it already was)"), "{out:?}");
    let out = fx.run(&["view", "r0"]);
    assert!(out.stdout.contains("PAUSED: fetch"), "{out:?}");
    assert!(out.stdout.contains("marsadm resume-sync r0"), "{out:?}");
    // Refusals: no waiting, a resource this host is not a member of.
    assert_eq!(fx.run(&["--timeout", "3", "pause-fetch", "r0"]).code, 2);
    fx.link("resource-r1/size", "1048576");
    fx.link("resource-r1/data-node2", "/dev/vdd");
    fx.assert_refused(&["pause-fetch", "r1"], 1, "not a member");
    let out = fx.run(&["pause-fetch", "r1", "--global"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        fx.read("resource-r1/todo-node2/connect").as_deref(),
        Some("0")
    );
    assert!(!fx.mars.join("resource-r1/todo-node1").exists());
}

#[test]
fn view_shows_each_replica() {
    let fx = Fx::with_cluster();
    joined(&fx);
    fx.link("resource-r0/syncstatus-node1", &(SIZE / 4).to_string());
    fx.link("resource-r0/actual-node1/is-syncing", "1");
    fx.link("resource-r0/actual-node1/sync-rate", "1048576");
    fx.link("resource-r0/actual-node1/connection", "connected");
    fx.link("resource-r0/actual-node1/fetch-lag", "2097152");
    fx.link("resource-r0/actual-node1/replay-lag", "0");
    fx.link("resource-r0/actual-node1/lag-seconds", "30");
    fx.file("resource-r0/log-000000001-node2", 3000);
    let out = fx.run(&["view", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    for want in [
        "node2  primary: UpToDate",
        "node1  secondary (this host): Inconsistent (NOT USABLE",
        "full sync 25.0% (2.0 MiB done) at 1.0 MiB/s, about 6 s left",
        "fetch connected; behind: 2.0 MiB to fetch, 0 B to replay (30 s behind in time)",
        "holds back 2.9 KiB of logs",
    ] {
        assert!(out.stdout.contains(want), "{want:?} in {out:?}");
    }
    let out = fx.run(&["--timeout", "0", "wait-resource", "r0", "UpToDate"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.contains("node1 Inconsistent sync 25.0%"),
        "{out:?}"
    );
    // Sync done, replayed past syncpos, nothing left: UpToDate.
    fx.link("resource-r0/syncstatus-node1", &SIZE.to_string());
    fx.link("resource-r0/syncpos-node1", "log-000000001-node2,100,3000");
    fx.link("resource-r0/replay-node1", "log-000000001-node2,3000,3000");
    fx.link("resource-r0/actual-node1/fetch-lag", "0");
    let out = fx.run(&["view", "--json", "r0"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let me = &v["resources"][0]["replicas"][0];
    assert_eq!(me["host"], "node1");
    assert_eq!(me["disk"], "UpToDate", "{me:#}");
    assert_eq!(me["sync"], serde_json::Value::Null);
    assert_eq!(me["logs_held_bytes"], 0);
    let out = fx.run(&["--timeout", "5", "wait-resource", "r0", "uptodate"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("every member is UpToDate"), "{out:?}");
    // Not yet replayed to the end of the sync: Inconsistent again.
    fx.link("resource-r0/replay-node1", "log-000000001-node2,50,3000");
    let out = fx.run(&["view", "--json", "r0"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["resources"][0]["replicas"][0]["disk"], "Inconsistent");
}
