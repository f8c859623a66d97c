//! Cluster membership against a fake /proc/sys/mars: create-cluster's
//! secret, join-cluster's refusals (each changes nothing) and its wait,
//! leave-cluster, wait-cluster, update-cluster, and cron purging old
//! tombstones.

mod common;

use std::fs;
use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::Fx;
use mars_core::lamport::Stamp;
use marsadm::secret::Secret;

const UUID: &str = "0123abcd-4567-89ef-0123-456789abcdef";

/// A valid secret file outside /mars, mode 0600.
fn secret_file(fx: &Fx) -> PathBuf {
    let p = fx.tmp.path().join("copied-secret");
    fs::write(&p, Secret::random().unwrap().to_file_content()).unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
    p
}

/// Installs a valid secret in /mars.
fn install_secret(fx: &Fx) {
    let p = fx.mars.join("cluster-secret");
    fs::write(&p, Secret::random().unwrap().to_file_content()).unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
}

fn peers(fx: &Fx, text: &str) {
    fs::write(fx.proc_dir.join("peers"), text).unwrap();
}

/// Runs `then` once `cond` holds (within 10 s), in a thread.
fn when(
    cond: impl Fn() -> bool + Send + 'static,
    then: impl FnOnce() + Send + 'static,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !cond() {
            assert!(Instant::now() < deadline, "condition never held");
            std::thread::sleep(Duration::from_millis(10));
        }
        then();
    })
}

fn is_link_to(p: &Path, v: &str) -> bool {
    fs::read_link(p).is_ok_and(|t| t.as_os_str() == v)
}

#[test]
fn create_cluster_makes_a_private_secret_and_never_shows_it() {
    let fx = Fx::new();
    let out = fx.run(&["--dry-run", "create-cluster", "--address", "10.0.0.1"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains(
            "create file cluster-secret (mode 0600): (a new random 256-bit secret, not shown)"
        ),
        "{out:?}"
    );
    assert!(!fx.mars.join("cluster-secret").exists());

    let out = fx.run(&["create-cluster", "--address", "10.0.0.1"]);
    assert_eq!(out.code, 0, "{out:?}");
    let p = fx.mars.join("cluster-secret");
    let md = fs::symlink_metadata(&p).unwrap();
    assert!(md.file_type().is_file());
    assert_eq!(md.mode() & 0o777, 0o600);
    let text = fs::read(&p).unwrap();
    assert!(Secret::parse(&text).is_ok());
    let hex = String::from_utf8(text[..64].to_vec()).unwrap();
    assert!(!out.stdout.contains(&hex) && !out.stderr.contains(&hex));
    assert!(!fx.mars.join(".tmp-cluster-secret").exists());
    assert!(out.stdout.contains("join-cluster 10.0.0.1"), "{out:?}");
    // Nothing shows it later either.
    let out = fx.run(&["view", "--json"]);
    assert!(!out.stdout.contains(&hex));

    // --ip stays as an alias; loopback and IPv6 when named.
    for a in ["127.0.0.1", "[fd00::1]:7777"] {
        let fx = Fx::new();
        let out = fx.run(&["create-cluster", "--ip", a]);
        assert_eq!(out.code, 0, "{out:?}");
        assert_eq!(fx.read("ips/ip-node1").as_deref(), Some(a));
    }
    // An interrupted run (secret written, no uuid) can be repeated.
    let fx = Fx::new();
    install_secret(&fx);
    let out = fx.run(&["create-cluster", "--address", "10.0.0.1"]);
    assert_eq!(out.code, 0, "{out:?}");
    // A pending join is not silently replaced by a new cluster.
    let fx = Fx::new();
    fx.link("join-via", "10.0.0.2");
    fx.assert_refused(
        &["create-cluster", "--address", "10.0.0.1"],
        1,
        "this host is joining a cluster through 10.0.0.2",
    );
}

#[test]
fn join_refusals_change_nothing() {
    let join = ["join-cluster", "10.0.0.2", "--address", "10.0.0.1"];
    let with = |extra: &[&str]| -> Vec<String> {
        join.iter()
            .chain(extra.iter())
            .map(|s| s.to_string())
            .collect()
    };
    let refused = |fx: &Fx, args: &[String], msg: &str| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        fx.assert_refused(&a, 1, msg);
    };

    let fx = Fx::with_cluster();
    install_secret(&fx);
    refused(&fx, &with(&[]), "already belongs to a cluster (uuid");

    let fx = Fx::new();
    install_secret(&fx);
    fx.file("something-else", 10);
    refused(&fx, &with(&[]), "is not empty (it holds something-else)");

    let fx = Fx::new();
    install_secret(&fx);
    fx.assert_refused(
        &["join-cluster", "10.0.0", "--address", "10.0.0.1"],
        1,
        "\"10.0.0\" is not a valid peer address",
    );
    fx.assert_refused(
        &["join-cluster", "10.0.0.1", "--address", "10.0.0.1"],
        1,
        "is this host's own address",
    );
    fx.assert_refused(
        &["join-cluster", "10.0.0.2", "--address", "10.0.0.x"],
        1,
        "--address \"10.0.0.x\" is not a valid address",
    );

    // The secret: missing, readable by others, a symlink, garbled.
    let fx = Fx::new();
    refused(&fx, &with(&[]), "there is no cluster secret");
    install_secret(&fx);
    let p = fx.mars.join("cluster-secret");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
    refused(
        &fx,
        &with(&[]),
        "is readable or writable by others (mode 0644)",
    );
    fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
    let real = fx.tmp.path().join("elsewhere");
    fs::rename(&p, &real).unwrap();
    symlink(&real, &p).unwrap();
    refused(&fx, &with(&[]), "is not a regular file");
    fs::remove_file(&p).unwrap();
    fs::write(&p, "0123\n").unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
    refused(&fx, &with(&[]), "is not a MARS cluster secret");
    let missing = fx.tmp.path().join("no-such-file");
    refused(
        &fx,
        &with(&["--secret-file", missing.to_str().unwrap()]),
        "does not exist",
    );
    let bad = fx.tmp.path().join("bad-secret");
    fs::write(&bad, "not a secret\n").unwrap();
    refused(
        &fx,
        &with(&["--secret-file", bad.to_str().unwrap()]),
        "is not a MARS cluster secret",
    );

    // The module must be loaded.
    let fx = Fx::new();
    install_secret(&fx);
    fx.unload();
    refused(&fx, &with(&[]), "the MARS kernel module is not loaded");
}

#[test]
fn join_waits_for_the_uuid_and_the_peer() {
    let fx = Fx::new();
    let copy = secret_file(&fx);
    peers(&fx, "");
    // The fake kernel: once join-via is there, it adopts the peer's tree
    // and reports a synced round with it.
    let (mars, proc_dir) = (fx.mars.clone(), fx.proc_dir.clone());
    let m2 = mars.clone();
    let k = when(
        move || fs::symlink_metadata(m2.join("join-via")).is_ok(),
        move || {
            fs::create_dir_all(mars.join("ips")).unwrap();
            symlink("10.0.0.2", mars.join("ips/ip-node2")).unwrap();
            fs::write(
                proc_dir.join("peers"),
                "node2 10.0.0.2 connected 20 -4 1 0 -\n",
            )
            .unwrap();
            std::thread::sleep(Duration::from_millis(300));
            symlink(UUID, mars.join("uuid")).unwrap();
            fs::write(
                proc_dir.join("peers"),
                "node2 10.0.0.2 connected 20 -4 2 1 -\n",
            )
            .unwrap();
        },
    );
    let out = fx.run(&[
        "--timeout",
        "10",
        "join-cluster",
        "10.0.0.2",
        "--address",
        "10.0.0.1",
        "--secret-file",
        copy.to_str().unwrap(),
    ]);
    k.join().unwrap();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains(&format!(
            "Joined cluster {UUID} through 'node2' at 10.0.0.2: this host 'node1' is a member, at 10.0.0.1. Members: node1, node2."
        )),
        "{out:?}"
    );
    assert!(out.stdout.contains("marsadm wait-cluster"), "{out:?}");
    assert!(fs::symlink_metadata(fx.mars.join("join-via")).is_err());
    assert_eq!(fx.read("ips/ip-node1").as_deref(), Some("10.0.0.1"));
    let installed = fx.mars.join("cluster-secret");
    assert_eq!(fs::read(&installed).unwrap(), fs::read(&copy).unwrap());
    assert_eq!(fs::metadata(&installed).unwrap().mode() & 0o777, 0o600);
    assert_eq!(fx.triggered(), "1\n");
}

#[test]
fn join_times_out_naming_the_reason_and_can_be_aborted() {
    let fx = Fx::new();
    install_secret(&fx);
    peers(&fx, "- 10.0.0.2 refused 150 - 0 0 auth-failed\n");
    let out = fx.run(&[
        "--timeout",
        "0.5",
        "join-cluster",
        "10.0.0.2",
        "--address",
        "10.0.0.1",
    ]);
    assert_eq!(out.code, 3, "{out:?}");
    for want in [
        "timed out after 0.5 s waiting for the join through 10.0.0.2",
        "no cluster uuid received yet",
        "refused (auth-failed: authentication failed: the cluster secrets differ)",
        "join-via stays, so the kernel keeps trying",
        "'marsadm leave-cluster'",
    ] {
        assert!(out.stderr.contains(want), "{want}: {out:?}");
    }
    assert_eq!(fx.read("join-via").as_deref(), Some("10.0.0.2"));
    // view shows the pending join and the refusal.
    let out = fx.run(&["view"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("(none yet: joining through 10.0.0.2)"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("join peer: REFUSED (auth-failed"),
        "{out:?}"
    );
    assert!(out.stdout.contains("different cluster secrets"), "{out:?}");
    // Running it again is allowed (same leftovers), leaving aborts it.
    let out = fx.run(&[
        "--timeout",
        "0.2",
        "join-cluster",
        "10.0.0.2",
        "--address",
        "10.0.0.1",
    ]);
    assert_eq!(out.code, 3, "{out:?}");
    peers(&fx, "");
    let out = fx.run(&["--timeout", "2", "leave-cluster"]);
    assert_eq!(out.code, 0, "{out:?}");
    for gone in ["join-via", "cluster-secret", "ips", "uuid"] {
        assert!(
            fs::symlink_metadata(fx.mars.join(gone)).is_err(),
            "{gone}: {out:?}"
        );
    }
    let out = fx.run(&["leave-cluster"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("nothing to do"), "{out:?}");
}

/// node1 and node2 in a cluster, node2 owns resource r1, node1 none.
fn two_nodes() -> Fx {
    let fx = Fx::with_cluster();
    install_secret(&fx);
    fx.link("ips/ip-node2", "10.0.0.2");
    fx.link("resource-r1/size", "1048576");
    fx.link("resource-r1/data-node2", "/dev/vdb");
    fx.link("resource-r1/data-node1", ".deleted");
    fx.link("actual-node2/alive", "1700000000.000000000");
    fx.link("actual-node1/alive", "1700000000.000000000");
    fx
}

#[test]
fn leave_is_refused_while_a_member() {
    let fx = two_nodes();
    fx.resource("r0", true, false, 0);
    fx.link("resource-r2/data-node1", "/dev/vdc");
    fx.assert_refused(
        &["leave-cluster"],
        1,
        "this host 'node1' is a member of resource(s) r0, r2: it cannot leave the cluster",
    );
    fx.assert_refused(
        &["leave-cluster", "--force"],
        1,
        "member of resource(s) r0, r2",
    );
}

#[test]
fn leave_tells_the_peers_then_forgets_the_cluster() {
    let fx = two_nodes();
    peers(&fx, "node2 10.0.0.2 connected 40 12 7 1 -\n");
    let out = fx.run(&["--dry-run", "leave-cluster"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("delete link ips/ip-node1 (write ips/ip-node1 -> .deleted)"),
        "{out:?}"
    );
    assert!(out.stdout.contains("remove directory ips/"), "{out:?}");
    assert_eq!(fx.read("uuid").as_deref(), Some(UUID));

    // The fake kernel confirms two rounds once the tombstone is written.
    let (mars, proc_dir) = (fx.mars.clone(), fx.proc_dir.clone());
    let k = when(
        move || is_link_to(&mars.join("ips/ip-node1"), ".deleted"),
        move || {
            fs::write(
                proc_dir.join("peers"),
                "node2 10.0.0.2 connected 40 12 9 1 -\n",
            )
            .unwrap()
        },
    );
    let out = fx.run(&["--timeout", "10", "leave-cluster"]);
    k.join().unwrap();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains(&format!(
            "This host 'node1' left cluster {UUID}; confirmed by node2."
        )),
        "{out:?}"
    );
    for gone in [
        "uuid",
        "ips",
        "cluster-secret",
        "resource-r1",
        "actual-node2",
    ] {
        assert!(
            fs::symlink_metadata(fx.mars.join(gone)).is_err(),
            "{gone}: {out:?}"
        );
    }
    assert!(fx.read("actual-node1/alive").is_some());
    // The host can start again.
    let out = fx.run(&["create-cluster", "--address", "10.0.0.1"]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn leave_times_out_naming_the_peers_and_force_leaves() {
    let fx = two_nodes();
    fx.link("ips/ip-node3", "10.0.0.3");
    peers(
        &fx,
        "node2 10.0.0.2 connected 40 12 7 1 -\nnode3 10.0.0.3 down 90000 - 3 0 unreachable\n",
    );
    let out = fx.run(&["--timeout", "0.5", "leave-cluster"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr
            .contains("waiting for every peer to confirm that this host leaves"),
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains("node2 at 10.0.0.2: connected, 7 round(s)"),
        "{out:?}"
    );
    assert!(
        out.stderr.contains("node3 at 10.0.0.3: down (unreachable"),
        "{out:?}"
    );
    assert!(out.stderr.contains("leave-cluster --force"), "{out:?}");
    // The tombstone stays written; the cluster is still here.
    assert_eq!(fx.read("ips/ip-node1").as_deref(), Some(".deleted"));
    assert_eq!(fx.read("uuid").as_deref(), Some(UUID));
    let out = fx.run(&["leave-cluster", "--force"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr
            .contains("--force: not waiting for the peers (node2, node3)"),
        "{out:?}"
    );
    assert!(fx.read("uuid").is_none());

    // Without the module: only the local part, with a warning.
    let fx = two_nodes();
    fx.unload();
    let out = fx.run(&["leave-cluster"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr.contains("the peers (node2) are not told"),
        "{out:?}"
    );
    assert!(fx.read("uuid").is_none());
}

#[test]
fn wait_cluster_names_the_unreachable_peers() {
    let fx = Fx::with_cluster();
    let out = fx.run(&["--timeout", "0.3", "wait-cluster"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("No peers"), "{out:?}");

    fx.link("ips/ip-node2", "10.0.0.2");
    fx.link("ips/ip-node3", "[fd00::3]:7777");
    fx.link("ips/ip-node4", ".deleted");
    peers(
        &fx,
        "node2 10.0.0.2 connected 40 12 7 1 -\nnode3 [fd00::3]:7777 refused 100 - 0 0 auth-failed\n",
    );
    let out = fx.run(&["--timeout", "0.5", "wait-cluster"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr
            .contains("timed out after 0.5 s waiting for a round trip with every peer"),
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains("node3 at [fd00::3]:7777: refused (auth-failed"),
        "{out:?}"
    );
    assert!(!out.stderr.contains("node4"), "{out:?}");
    assert!(out.stderr.contains("tip: "), "{out:?}");
    assert_eq!(fx.triggered(), "1\n");

    // Two more rounds with every peer: done.
    let proc_dir = fx.proc_dir.clone();
    let p2 = proc_dir.clone();
    let k = when(
        move || fs::read_to_string(p2.join("trigger")).unwrap_or_default() == "1\n",
        move || {
            fs::write(
                proc_dir.join("peers"),
                "node2 10.0.0.2 connected 40 12 9 1 -\nnode3 [fd00::3]:7777 connected 10 0 2 1 -\n",
            )
            .unwrap()
        },
    );
    fs::write(fx.proc_dir.join("trigger"), "").unwrap();
    let out = fx.run(&["--timeout", "10", "wait-cluster"]);
    k.join().unwrap();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("Completed a round trip with every peer: node2, node3."),
        "{out:?}"
    );

    fx.unload();
    fx.assert_refused(&["wait-cluster"], 1, "the MARS kernel module is not loaded");
}

#[test]
fn update_cluster_triggers() {
    let fx = Fx::with_cluster();
    fx.link("ips/ip-node2", "10.0.0.2");
    let out = fx.run(&["update-cluster"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("with the 1 peer(s) now"), "{out:?}");
    assert_eq!(fx.triggered(), "1\n");
    let out = fx.run(&["--timeout", "1", "update-cluster"]);
    assert_eq!(out.code, 2, "{out:?}");
    let out = fx.run(&["--dry-run", "update-cluster"]);
    assert_eq!(out.code, 2, "{out:?}");
    peers(&fx, "node2 10.0.0.2 down - - 0 0 timeout\n");
    let out = fx.run(&["--timeout", "0.3", "update-cluster", "--wait"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.contains("node2 at 10.0.0.2: down (timeout"),
        "{out:?}"
    );
}

#[test]
fn view_shows_the_connections() {
    let fx = Fx::with_cluster();
    fx.link("ips/ip-node2", "10.0.0.2");
    fx.link("ips/ip-node3", "10.0.0.3");
    fx.link("actual-node2/alive", "1700000000.000000000");
    peers(
        &fx,
        "node2 10.0.0.2 connected 1500 -12 42 1 -\nnode9 10.0.0.9 connecting - - 0 0 -\nthis is garbage\n",
    );
    let out = fx.run(&["view"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains(
            "connected, last contact 1 s ago, clock -12 ms, 42 round(s), synced; module last seen"
        ),
        "{out:?}"
    );
    assert!(out.stdout.contains("NOT CONNECTED"), "{out:?}");
    assert!(out.stdout.contains("node9  10.0.0.9"), "{out:?}");
    assert!(out.stdout.contains("not a member: connecting"), "{out:?}");
    assert!(out.stderr.contains("line 3 skipped"), "{out:?}");
    let out = fx.run(&["view", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let c = &v["cluster"];
    assert_eq!(c["peers_reported"], true);
    assert_eq!(c["hosts"][1]["connection"]["rounds"], 42);
    assert_eq!(c["hosts"][1]["connection"]["clock_offset_ms"], -12);
    assert_eq!(c["hosts"][2]["connection"], serde_json::Value::Null);
    assert_eq!(c["unlisted_peers"][0]["host"], "node9");
    assert_eq!(
        c["unlisted_peers"][0]["connection"]["last_contact_ms_ago"],
        serde_json::Value::Null
    );
}

#[test]
fn cron_purges_old_tombstones() {
    let fx = Fx::with_cluster();
    let now = marsadm::links::now_stamp();
    let old = Stamp::new(now.sec - 8 * 86_400, 0).unwrap();
    let recent = Stamp::new(now.sec - 6 * 86_400, 0).unwrap();
    fs::create_dir_all(fx.mars.join("resource-r1")).unwrap();
    fs::create_dir_all(fx.mars.join("ips")).unwrap();
    let put = |dir: &str, name: &str, v: &str, s: Stamp| {
        marsadm::links::write_link(&fx.mars.join(dir), name, v, s).unwrap()
    };
    put("ips", "ip-node7", ".deleted", old);
    put("resource-r1", "data-node7", ".deleted", old);
    put("resource-r1", "data-node8", ".deleted", recent);
    put("resource-r1", "size", "1048576", old);
    let out = fx.run(&["--dry-run", "cron"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("remove ips/ip-node7"), "{out:?}");
    assert!(fx.read("ips/ip-node7").is_some());
    let out = fx.run(&["cron"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Purged 2 tombstone(s)"), "{out:?}");
    assert!(fx.read("ips/ip-node7").is_none());
    assert!(fx.read("resource-r1/data-node7").is_none());
    assert_eq!(
        fx.read("resource-r1/data-node8").as_deref(),
        Some(".deleted")
    );
    assert_eq!(fx.read("resource-r1/size").as_deref(), Some("1048576"));
    let out = fx.run(&["cron"]);
    assert!(!out.stdout.contains("Purged"), "{out:?}");
}
