//! The cost of the cluster metadata exchange in the host model
//! (`common/cluster.rs`): an idle round costs a constant number of bytes
//! whatever the tree size, a full exchange converges a fresh node, one
//! change costs one more entry. `-- --nocapture` prints the byte counts
//! that `docs/benchmarks.md` quotes.

#[path = "common/cluster.rs"]
mod cluster;

use cluster::{heartbeat, host, idle_pair, round, Node, T0};
use mars_core::exchange::Cursor;
use mars_core::lamport::Stamp;

fn idle_round_bytes(hosts: usize, resources: usize) -> (usize, usize, usize) {
    let (mut a, mut c, mut b, now) = idle_pair(hosts, resources);
    heartbeat(&mut a, now);
    let st = round(&a, &mut c, &mut b, now);
    assert_eq!((st.entries, st.adopted, st.frames_out), (1, 1, 2));
    (st.bytes_out, st.bytes_back, st.bytes_out + st.bytes_back)
}

#[test]
fn idle_round_bytes_do_not_depend_on_tree_size() {
    let small = idle_round_bytes(10, 1);
    for (h, r) in [(2, 0), (3, 10), (10, 100)] {
        assert_eq!(idle_round_bytes(h, r), small, "{h} hosts x {r} resources");
    }
    println!(
        "idle round: {} bytes pushed + {} bytes SyncAck = {} bytes",
        small.0, small.1, small.2
    );
}

#[test]
fn full_exchange_and_one_change_at_10_x_100() {
    let (hosts, resources) = (10, 100);
    let total = cluster::cluster_tree(hosts, resources).len();
    // A fresh node receives from every member what that member may send;
    // afterwards it holds the whole tree.
    let mut fresh = Node::new(host(hosts));
    let mut first = None;
    let mut all_bytes = 0;
    let base = Node::converged(host(0), hosts, resources);
    for i in 0..hosts {
        let mut m = base.clone();
        m.me = host(i);
        let st = round(&m, &mut Cursor::new(), &mut fresh, T0);
        all_bytes += st.bytes_out + st.bytes_back;
        first.get_or_insert(st);
    }
    let tree: Vec<_> = fresh
        .tree
        .iter()
        .map(|(p, l)| (p.clone(), l.stamp, l.target.clone()))
        .collect();
    let mut want = cluster::cluster_tree(hosts, resources);
    want.sort();
    assert_eq!(tree, want);
    let first = first.unwrap();
    println!(
        "tree: {total} links; full exchange from one member: {} entries, {} frames, {} bytes (+{} SyncAck)",
        first.entries, first.frames_out, first.bytes_out, first.bytes_back
    );
    println!("joining node, first exchange with all {hosts} members: {all_bytes} bytes in total");

    // One changed entry plus the heartbeat.
    let (mut a, mut c, mut b, now) = idle_pair(hosts, resources);
    heartbeat(&mut a, now);
    a.set(
        "resource-res-042/todo-host-0/attach".into(),
        now,
        "0".into(),
    );
    let st = round(&a, &mut c, &mut b, now);
    assert_eq!((st.entries, st.adopted), (2, 2));
    println!(
        "round with one change: {} bytes pushed + {} bytes SyncAck",
        st.bytes_out, st.bytes_back
    );
    // Stamps from the future are refused, not adopted.
    let later = now.saturating_add(Stamp { sec: 301, nsec: 0 });
    assert!(mars_core::merge::decide(
        &b.me,
        &a.me,
        "actual-host-0/alive",
        later,
        &later.to_string(),
        None,
        now,
        cluster::MAX_FUTURE
    )
    .is_err());
}
