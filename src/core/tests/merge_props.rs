//! The cluster merge rule converges, and the exchange cursor is sound.
//!
//! Merge: N model nodes (one `BTreeMap` tree each) make random local
//! writes (random stamps with many ties, tombstones, shared and owned
//! entries), then push their relayable entries to each other in a random
//! schedule with duplicates and shuffled batches, through `merge::decide`.
//! After a final round over every ordered pair (in random order) all nodes
//! hold the same map: the per-path maximum by `merge::wins`.
//!
//! Cursor: a model of one outgoing connection under random change / send /
//! ack / bad-ack / reconnect sequences.

use std::collections::BTreeMap;

use mars_core::exchange::{synced, Cursor};
use mars_core::lamport::Stamp;
use mars_core::merge::{decide, relayable, wins, Decision, Refusal};
use mars_core::names::HostName;
use mars_core::tree::TOMBSTONE;
use proptest::prelude::*;

type Tree = BTreeMap<String, (Stamp, String)>;

const FAR: Stamp = Stamp {
    sec: 1 << 40,
    nsec: 0,
};

fn host(i: usize) -> HostName {
    HostName::new(&format!("h{i}")).unwrap()
}

/// A write: which path template, for which resource, which value, tombstone.
#[derive(Clone, Debug)]
struct Write {
    kind: u8,
    res: u8,
    val: u8,
    tomb: bool,
    stamp: Stamp,
}

fn write() -> impl Strategy<Value = Write> {
    (
        0u8..8,
        0u8..3,
        0u8..4,
        prop::bool::weighted(0.2),
        0u64..4,
        0u32..3,
    )
        .prop_map(|(kind, res, val, tomb, sec, nsec)| Write {
            kind,
            res,
            val,
            tomb,
            stamp: Stamp { sec, nsec },
        })
}

/// The (path, target) a write by node `me` makes.
fn materialize(me: usize, w: &Write) -> (String, String) {
    let (r, v) = (w.res, w.val);
    let (path, target) = match w.kind {
        0 => (
            "uuid".to_string(),
            format!("0123abcd-4567-89ef-0123-456789abcd{v:02x}"),
        ),
        1 => (
            format!("resource-r{r}/size"),
            format!("{}", 1024 * (u64::from(v) + 1)),
        ),
        2 => (
            format!("resource-r{r}/primary"),
            if v == 0 {
                "(none)".into()
            } else {
                format!("h{v}")
            },
        ),
        3 => (format!("ips/ip-h{me}"), format!("10.0.0.{v}")),
        4 => (format!("actual-h{me}/alive"), format!("{v}.000000000")),
        // Switches are shared: any node sets any member's (`--global`).
        5 => (
            format!("resource-r{r}/todo-h{}/connect", (v + r) % 3),
            format!("{}", v % 2),
        ),
        6 => (
            format!("resource-r{r}/data-h{me}"),
            format!("/dev/vd{}", (b'a' + v) as char),
        ),
        _ => (
            format!("resource-r{r}/actual-h{me}/is-primary"),
            format!("{}", v % 2),
        ),
    };
    (
        path,
        if w.tomb {
            TOMBSTONE.to_string()
        } else {
            target
        },
    )
}

fn apply_local(t: &mut Tree, path: String, stamp: Stamp, target: String) {
    let keep = t
        .get(&path)
        .is_some_and(|(s, v)| !wins((stamp, &target), (*s, v)));
    if !keep {
        t.insert(path, (stamp, target));
    }
}

/// Node `from` pushes its relayable entries, in a shuffled order, to `to`.
fn push(nodes: &mut [Tree], from: usize, to: usize, shuffle: u64) -> Result<(), Refusal> {
    let me = host(to);
    let sender = host(from);
    let mut batch: Vec<(String, (Stamp, String))> = nodes[from]
        .iter()
        .filter(|(p, _)| relayable(&sender, p))
        .map(|(p, e)| (p.clone(), e.clone()))
        .collect();
    if !batch.is_empty() {
        let n = batch.len();
        batch.rotate_left((shuffle as usize) % n);
        if shuffle & 1 == 1 {
            batch.reverse();
        }
    }
    let tree = &mut nodes[to];
    for (p, (s, v)) in batch {
        let local = tree.get(&p).map(|(ls, lv)| (*ls, lv.as_str()));
        match decide(&me, &sender, &p, s, &v, local, Stamp::ZERO, FAR)? {
            Decision::Adopt => {
                tree.insert(p, (s, v));
            }
            Decision::Keep => {}
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn nodes_converge_to_the_per_path_maximum(
        writes in prop::collection::vec(prop::collection::vec(write(), 0..12), 2..6),
        schedule in prop::collection::vec((any::<usize>(), any::<usize>(), any::<u64>()), 0..40),
        final_order in any::<u64>(),
    ) {
        let n = writes.len();
        let mut nodes = vec![Tree::new(); n];
        let mut expected = Tree::new();
        for (i, ws) in writes.iter().enumerate() {
            for w in ws {
                let (p, t) = materialize(i, w);
                apply_local(&mut nodes[i], p.clone(), w.stamp, t.clone());
                apply_local(&mut expected, p, w.stamp, t);
            }
        }
        for (a, b, sh) in schedule {
            let (from, to) = (a % n, b % n);
            if from != to {
                prop_assert_eq!(push(&mut nodes, from, to, sh), Ok(()));
            }
        }
        let mut pairs: Vec<(usize, usize)> =
            (0..n).flat_map(|a| (0..n).map(move |b| (a, b))).filter(|(a, b)| a != b).collect();
        let k = pairs.len();
        pairs.rotate_left((final_order as usize) % k);
        for (from, to) in pairs {
            prop_assert_eq!(push(&mut nodes, from, to, final_order), Ok(()));
        }
        for t in &nodes {
            prop_assert_eq!(t, &expected);
        }
        // Idempotent: another full round changes nothing.
        let before = nodes.clone();
        for from in 0..n {
            for to in 0..n {
                if from != to {
                    prop_assert_eq!(push(&mut nodes, from, to, 0), Ok(()));
                }
            }
        }
        prop_assert_eq!(nodes, before);
    }

    #[test]
    fn pairwise_commutative_and_idempotent(a in write(), b in write(), me in 0usize..3) {
        // Two entries for the same shared path from another node, in both
        // orders, applied once or twice: the same winner.
        let (pa, ta) = materialize(9, &Write { kind: 1, ..a.clone() });
        let (_, tb) = materialize(9, &Write { kind: 1, res: a.res, ..b.clone() });
        let run = |order: &[(Stamp, &str)]| {
            let mut t = Tree::new();
            for (s, v) in order {
                let local = t.get(&pa).map(|(ls, lv)| (*ls, lv.as_str()));
                if decide(&host(me), &host(7), &pa, *s, v, local, Stamp::ZERO, FAR).unwrap() == Decision::Adopt {
                    t.insert(pa.clone(), (*s, v.to_string()));
                }
            }
            t
        };
        let ea = (a.stamp, ta.as_str());
        let eb = (b.stamp, tb.as_str());
        let ab = run(&[ea, eb]);
        prop_assert_eq!(&ab, &run(&[eb, ea]));
        prop_assert_eq!(&ab, &run(&[ea, eb, ea, eb]));
        prop_assert_eq!(run(&[ea]), run(&[ea, ea]));
        // Exactly one of the two wins unless they are equal.
        prop_assert!(ea == eb || wins(ea, eb) != wins(eb, ea));
    }

    #[test]
    fn owned_entries_only_from_their_owner(w in write(), owner in 0usize..3, sender in 0usize..3, me in 0usize..3) {
        // Kinds 4, 6 and 7 are owned (kind 3, `ips/ip-H`, and kind 5,
        // `todo-H/`, are shared).
        let w = Write { kind: [4, 6, 7][usize::from(w.kind % 3)], ..w };
        let (p, t) = materialize(owner, &w);
        let r = decide(&host(me), &host(sender), &p, w.stamp, &t, None, Stamp::ZERO, FAR);
        if sender == owner {
            prop_assert_eq!(r, Ok(Decision::Adopt));
        } else if owner == me {
            prop_assert_eq!(r, Err(Refusal::OwnEntry));
        } else {
            prop_assert_eq!(r, Err(Refusal::WrongSender));
        }
        prop_assert_eq!(relayable(&host(sender), &p), sender == owner);
    }

    #[test]
    fn switches_from_any_sender(w in write(), writer in 0usize..3, sender in 0usize..3, me in 0usize..3) {
        // `todo-H/` is shared: adopted from any sender, relayed by anyone.
        let w = Write { kind: 5, ..w };
        let (p, t) = materialize(writer, &w);
        let r = decide(&host(me), &host(sender), &p, w.stamp, &t, None, Stamp::ZERO, FAR);
        prop_assert_eq!(r, Ok(Decision::Adopt));
        prop_assert!(relayable(&host(sender), &p));
    }

    #[test]
    fn cursor_matches_model(ops in prop::collection::vec((0u8..5, any::<u64>()), 0..80)) {
        let mut c = Cursor::new();
        let mut local_seq = 0u64;
        let mut received = std::collections::BTreeSet::new();
        let mut in_flight: std::collections::VecDeque<(u64, u64)> = Default::default();
        for (op, x) in ops {
            match op {
                // A local change.
                0 => local_seq += 1,
                // Push everything pending, then Sync(upto = local_seq).
                1 => {
                    for seq in 1..=local_seq {
                        if c.pending(seq) {
                            received.insert(seq);
                        }
                    }
                    c.mark_sent(local_seq);
                    prop_assert!((1..=local_seq).all(|s| !c.pending(s)));
                    in_flight.push_back((local_seq, local_seq));
                }
                // The peer answers the oldest Sync.
                2 => {
                    if let Some((upto, round_start)) = in_flight.pop_front() {
                        prop_assert_eq!(c.ack(upto), Ok(()));
                        prop_assert_eq!(c.acked(), upto);
                        prop_assert!((1..=upto).all(|s| received.contains(&s)));
                        prop_assert!(synced(c.acked(), round_start));
                    }
                }
                // A hostile ack: refused iff outside acked..=sent, and then
                // nothing changes.
                3 => {
                    let before = c;
                    let upto = if x % 2 == 0 { x } else { c.sent().wrapping_add(x % 4) };
                    let r = c.ack(upto);
                    let inside = (before.acked()..=before.sent()).contains(&upto);
                    prop_assert_eq!(r.is_ok(), inside);
                    if r.is_err() {
                        prop_assert_eq!(c, before);
                    } else {
                        // A premature but in-range ack: drop older Syncs it covers.
                        in_flight.retain(|(u, _)| *u > upto);
                    }
                }
                // Reconnect: new connection, full exchange from cursor 0.
                _ => {
                    c = Cursor::new();
                    in_flight.clear();
                    prop_assert!((1..=local_seq).all(|s| c.pending(s)));
                }
            }
            prop_assert!(c.acked() <= c.sent() && c.sent() <= local_seq);
        }
    }
}
