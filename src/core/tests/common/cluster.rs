//! A host model of the cluster metadata exchange, shared by the
//! `exchange` benchmark and the `exchange_cost` test: nodes with a `/mars`
//! tree (path -> stamp, target, local change sequence number), and one
//! push round over one connection through the real wire encoder/decoder,
//! `merge::decide` and `exchange::Cursor`.
//!
//! The tree of `hosts` x `resources` (every host a member of every
//! resource: the worst case) holds, per resource, `size` and `primary` and
//! per host `data-H`, `device-H`, `replay-H`, `version-N-H`,
//! `todo-H/{attach,connect,sync,allow-replay}`,
//! `actual-H/{is-attached,is-replaying,is-primary,state,log-number,
//! open-count,writeback-pending}`; per host `ips/ip-H` and
//! `actual-H/{alive,time,rest-space,total-space}`; and `uuid`.

#![allow(dead_code)]

use std::collections::BTreeMap;

use mars_core::crc32c::SoftCrc32c;
use mars_core::exchange::Cursor;
use mars_core::lamport::Stamp;
use mars_core::merge::{decide, relayable, Decision};
use mars_core::names::HostName;
use mars_core::wire::{
    decode_frame, encode_frame, EncodeError, EntriesBuilder, Message, TreeEntry, HEADER_LEN,
    PROTOCOL_MAX,
};

/// Payload budget of one TreeEntries frame in the model (64 KiB).
pub const BATCH: usize = 64 << 10;
/// Refuse stamps more than 300 s ahead (the sysctl default).
pub const MAX_FUTURE: Stamp = Stamp { sec: 300, nsec: 0 };
/// The model's real time at the start.
pub const T0: Stamp = Stamp {
    sec: 1_800_000_000,
    nsec: 0,
};

/// One link in a node's tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// Lamport stamp (mtime).
    pub stamp: Stamp,
    /// Target.
    pub target: String,
    /// Local change sequence number of the last change.
    pub seq: u64,
}

/// A node: its tree and its change index.
#[derive(Clone, Debug)]
pub struct Node {
    /// This host.
    pub me: HostName,
    /// The tree.
    pub tree: BTreeMap<String, Link>,
    /// Change sequence number -> path (one per path: the latest change).
    pub by_seq: BTreeMap<u64, String>,
    /// Last local change sequence number.
    pub seq: u64,
}

/// Byte and entry counts of one round.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RoundStats {
    /// Frames pushed (TreeEntries batches + Sync).
    pub frames_out: usize,
    /// Bytes pushed (all frames, headers included).
    pub bytes_out: usize,
    /// Bytes answered (the SyncAck frame).
    pub bytes_back: usize,
    /// Entries sent.
    pub entries: usize,
    /// Entries the receiver adopted.
    pub adopted: usize,
}

/// Host name `host-I`.
pub fn host(i: usize) -> HostName {
    HostName::new(&format!("host-{i}")).unwrap()
}

fn s(sec: u64) -> Stamp {
    Stamp {
        sec: T0.sec - 1000 + sec,
        nsec: 123_456_789,
    }
}

/// Every link of the converged cluster tree: (path, stamp, target).
pub fn cluster_tree(hosts: usize, resources: usize) -> Vec<(String, Stamp, String)> {
    let mut v = vec![(
        "uuid".to_string(),
        s(1),
        "0123abcd-4567-89ef-0123-456789abcdef".to_string(),
    )];
    for h in 0..hosts {
        let a = format!("actual-host-{h}");
        v.push((
            format!("ips/ip-host-{h}"),
            s(2),
            format!("10.1.0.{}:7777", h + 1),
        ));
        v.push((format!("{a}/alive"), T0, T0.to_string()));
        v.push((format!("{a}/time"), T0, T0.to_string()));
        v.push((format!("{a}/rest-space"), s(3), "79094333440".into()));
        v.push((format!("{a}/total-space"), s(3), "107374182400".into()));
    }
    for r in 0..resources {
        let res = format!("resource-res-{r:03}");
        v.push((format!("{res}/size"), s(4), "107374182400".into()));
        v.push((format!("{res}/primary"), s(5), "host-0".into()));
        for h in 0..hosts {
            let log = "log-000000042-host-0";
            v.push((
                format!("{res}/data-host-{h}"),
                s(4),
                format!("/dev/vg0/res-{r:03}"),
            ));
            v.push((
                format!("{res}/device-host-{h}"),
                s(4),
                format!("res-{r:03}"),
            ));
            v.push((
                format!("{res}/replay-host-{h}"),
                s(6),
                format!("{log},1048576,1048576"),
            ));
            v.push((
                format!("{res}/version-000000042-host-{h}"),
                s(6),
                format!("0123456789abcdef,{log},1048576:fedcba9876543210"),
            ));
            for w in ["attach", "connect", "sync", "allow-replay"] {
                v.push((format!("{res}/todo-host-{h}/{w}"), s(4), "1".into()));
            }
            let a = format!("{res}/actual-host-{h}");
            for (k, t) in [
                ("is-attached", "1"),
                ("is-replaying", "1"),
                ("is-primary", if h == 0 { "1" } else { "0" }),
                ("state", "uptodate"),
                ("log-number", "42"),
                ("open-count", "0"),
                ("writeback-pending", "0"),
            ] {
                v.push((format!("{a}/{k}"), s(6), t.into()));
            }
        }
    }
    v
}

impl Node {
    /// An empty node.
    pub fn new(me: HostName) -> Self {
        Self {
            me,
            tree: BTreeMap::new(),
            by_seq: BTreeMap::new(),
            seq: 0,
        }
    }

    /// A node holding the whole converged tree.
    pub fn converged(me: HostName, hosts: usize, resources: usize) -> Self {
        let mut n = Self::new(me);
        for (p, st, t) in cluster_tree(hosts, resources) {
            n.set(p, st, t);
        }
        n
    }

    /// Records a change of `path` (local write or adoption).
    pub fn set(&mut self, path: String, stamp: Stamp, target: String) {
        self.seq += 1;
        let seq = self.seq;
        self.by_seq.insert(seq, path.clone());
        if let Some(old) = self.tree.insert(path, Link { stamp, target, seq }) {
            self.by_seq.remove(&old.seq);
        }
    }

    /// Receives one frame from `sender`; returns the answer frame, if any.
    fn receive(
        &mut self,
        sender: &HostName,
        frame: &[u8],
        now: Stamp,
        st: &mut RoundStats,
    ) -> Option<Vec<u8>> {
        let (f, n) = decode_frame(&SoftCrc32c, frame).expect("valid frame");
        assert_eq!(n, frame.len());
        match f.message {
            Message::TreeEntries(batch) => {
                for e in batch.iter() {
                    let local = self.tree.get(e.path).map(|l| (l.stamp, l.target.as_str()));
                    let d = decide(
                        &self.me, sender, e.path, e.stamp, e.target, local, now, MAX_FUTURE,
                    )
                    .expect("entry accepted");
                    if d == Decision::Adopt {
                        st.adopted += 1;
                        self.set(e.path.to_string(), e.stamp, e.target.to_string());
                    }
                }
                None
            }
            Message::Sync { upto, .. } => {
                let mut out = vec![0u8; HEADER_LEN + 20];
                let m = Message::SyncAck { upto, real: now };
                let k = encode_frame(&SoftCrc32c, PROTOCOL_MAX, now, &m, &mut out).unwrap();
                out.truncate(k);
                Some(out)
            }
            m => panic!("unexpected {m:?}"),
        }
    }
}

fn flush(b: EntriesBuilder<'_>, now: Stamp, out: &mut Vec<Vec<u8>>) {
    let mut frame = vec![0u8; HEADER_LEN + 4 + BATCH];
    let m = Message::TreeEntries(b.finish());
    let k = encode_frame(&SoftCrc32c, PROTOCOL_MAX, now, &m, &mut frame).unwrap();
    frame.truncate(k);
    out.push(frame);
}

/// The frames `from` pushes on a connection with `cursor`: its relayable
/// changes since the cursor in TreeEntries batches, then Sync(upto).
pub fn push_frames(from: &Node, cursor: &mut Cursor, now: Stamp) -> (Vec<Vec<u8>>, usize) {
    let mut frames = Vec::new();
    let mut entries = 0;
    let mut buf = vec![0u8; BATCH];
    let mut b = EntriesBuilder::new(&mut buf);
    let mut pending: Vec<&String> = Vec::new();
    for (_, path) in from.by_seq.range(cursor.sent() + 1..) {
        if relayable(&from.me, path) {
            pending.push(path);
        }
    }
    for path in pending {
        let l = &from.tree[path];
        let e = TreeEntry {
            path,
            stamp: l.stamp,
            target: &l.target,
        };
        match b.push(&e) {
            Ok(()) => {}
            Err(EncodeError::BufferTooSmall) => {
                flush(b, now, &mut frames);
                b = EntriesBuilder::new(&mut buf);
                b.push(&e).unwrap();
            }
            Err(e) => panic!("{e}"),
        }
        entries += 1;
    }
    if !b.is_empty() {
        flush(b, now, &mut frames);
    }
    let mut sync = vec![0u8; HEADER_LEN + 20];
    let k = encode_frame(
        &SoftCrc32c,
        PROTOCOL_MAX,
        now,
        &Message::Sync {
            upto: from.seq,
            real: now,
        },
        &mut sync,
    )
    .unwrap();
    sync.truncate(k);
    frames.push(sync);
    cursor.mark_sent(from.seq);
    (frames, entries)
}

/// One round on the connection `from` -> `to`: push, apply, SyncAck, ack.
pub fn round(from: &Node, cursor: &mut Cursor, to: &mut Node, now: Stamp) -> RoundStats {
    let mut st = RoundStats::default();
    let (frames, entries) = push_frames(from, cursor, now);
    st.entries = entries;
    st.frames_out = frames.len();
    for f in &frames {
        st.bytes_out += f.len();
        if let Some(ack) = to.receive(&from.me, f, now, &mut st) {
            st.bytes_back += ack.len();
            let (a, _) = decode_frame(&SoftCrc32c, &ack).unwrap();
            match a.message {
                Message::SyncAck { upto, .. } => cursor.ack(upto).unwrap(),
                m => panic!("unexpected {m:?}"),
            }
        }
    }
    assert_eq!(cursor.acked(), from.seq);
    st
}

/// `from` rewrites its heartbeat `actual-H/alive` at `now`.
pub fn heartbeat(from: &mut Node, now: Stamp) {
    let p = format!("actual-{}/alive", from.me);
    from.set(p, now, now.to_string());
}

/// A connected pair after the first full exchange: node 0 (converged tree)
/// pushing to node 1 (which starts with the converged tree too, so the
/// cursor is the only state that matters), at time `T0 + 3 s`.
pub fn idle_pair(hosts: usize, resources: usize) -> (Node, Cursor, Node, Stamp) {
    let a = Node::converged(host(0), hosts, resources);
    let mut b = Node::converged(host(1), hosts, resources);
    let mut c = Cursor::new();
    round(&a, &mut c, &mut b, T0);
    (a, c, b, T0.saturating_add(Stamp { sec: 3, nsec: 0 }))
}
