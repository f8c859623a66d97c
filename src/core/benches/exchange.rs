//! Host benchmark of one cluster metadata exchange round at 10 nodes x 100
//! resources (every host in every resource), through the real wire
//! encoder/decoder, `merge::decide` and `exchange::Cursor` (model in
//! `tests/common/cluster.rs`): (a) the full first exchange from one member
//! to a fresh node, (b) an idle round (heartbeat + Sync + SyncAck), (c) a
//! round with one changed entry. Prints the bytes of each. Also the part
//! of (a) spent choosing what the member may send (`relayable` over its
//! whole tree).
//!
//! `cargo bench -p mars-core --bench exchange`

#[path = "../tests/common/cluster.rs"]
mod cluster;

use cluster::{heartbeat, host, idle_pair, round, Node, T0};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use mars_core::exchange::Cursor;
use mars_core::lamport::Stamp;
use std::time::Duration;

const HOSTS: usize = 10;
const RESOURCES: usize = 100;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("exchange-10x100");

    let member = Node::converged(host(0), HOSTS, RESOURCES);
    let st = round(&member, &mut Cursor::new(), &mut Node::new(host(HOSTS)), T0);
    println!(
        "full exchange from one member: {} entries, {} frames, {} bytes pushed, {} bytes SyncAck",
        st.entries, st.frames_out, st.bytes_out, st.bytes_back
    );
    // Part of (a): choosing what a member may send, over its whole tree.
    g.bench_function("relayable-filter-whole-tree", |b| {
        b.iter(|| {
            member
                .tree
                .keys()
                .filter(|p| mars_core::merge::relayable(&member.me, p))
                .count()
        })
    });
    g.bench_function("full-exchange-one-member", |b| {
        b.iter_batched(
            || (Node::new(host(HOSTS)), Cursor::new()),
            |(mut fresh, mut cur)| round(&member, &mut cur, &mut fresh, T0),
            BatchSize::LargeInput,
        )
    });

    let (mut a, mut cur, mut b, mut now) = idle_pair(HOSTS, RESOURCES);
    let tick = Stamp { sec: 0, nsec: 1000 };
    heartbeat(&mut a, now);
    let st = round(&a, &mut cur, &mut b, now);
    println!(
        "idle round: {} bytes pushed, {} bytes SyncAck",
        st.bytes_out, st.bytes_back
    );
    g.bench_function("idle-round", |bch| {
        bch.iter(|| {
            now = now.saturating_add(tick);
            heartbeat(&mut a, now);
            round(&a, &mut cur, &mut b, now)
        })
    });

    let path = "resource-res-042/todo-host-0/attach".to_string();
    let mut on = false;
    now = now.saturating_add(tick);
    heartbeat(&mut a, now);
    a.set(path.clone(), now, "0".into());
    let st = round(&a, &mut cur, &mut b, now);
    println!(
        "one change: {} bytes pushed, {} bytes SyncAck",
        st.bytes_out, st.bytes_back
    );
    g.bench_function("one-change-round", |bch| {
        bch.iter(|| {
            now = now.saturating_add(tick);
            on = !on;
            heartbeat(&mut a, now);
            a.set(path.clone(), now, if on { "1" } else { "0" }.into());
            round(&a, &mut cur, &mut b, now)
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
