// SPDX-License-Identifier: GPL-2.0

//! The cluster layer: in-kernel TCP between the hosts of `/mars/ips/`,
//! authenticated connections and the exchange of the `/mars` tree.
//!
//! Threads (all stopped on `rmmod` through [`Net`]'s drop):
//! - `mars_cluster` ([`Manager`]): every round (3 s, or at once on a
//!   trigger) writes this host's heartbeat `actual-HOST/alive`, rescans the
//!   tree into the [`Index`], and keeps one peer thread per `ips/ip-HOST`
//!   (and one for `join-via`).
//! - `mars_peer/HOST` ([`peer`]): connects out, authenticates and pushes
//!   this host's changes to that peer, round by round.
//! - `mars_listen` ([`listener`]): accepts connections on the metadata port
//!   and runs one `mars_srv` thread ([`server`]) per connection, which
//!   authenticates the peer and merges what it pushes into the tree.
//!
//! Each pair of hosts thus has two connections, one per direction; a host
//! only ever writes what it received into its own tree, after the core's
//! merge rule (`mars_core::merge`) accepted it.

pub(crate) mod auth;
pub(crate) mod conn;
mod index;
mod kunit;
mod listener;
mod peer;
mod server;

use crate::ffi::net::{self as fnet, DataPort, PeersFile, PeersText};
use crate::ffi::{self, fpath, Thread, ThreadMain};
use crate::mars_core::lamport::{LamportClock, Stamp};
use crate::mars_core::merge::{self, Decision, Refusal};
use crate::mars_core::names::{HostName, JOIN_VIA};
use crate::mars_core::tree::{IpValue, TOMBSTONE};
use crate::mars_core::wire::TreeEntry;
use crate::repl::Primaries;
use crate::tree;
use core::fmt::{self, Write};
use core::net::IpAddr;
use index::Index;
use kernel::prelude::*;
use kernel::sync::atomic::{Atomic, Relaxed};
use kernel::sync::{new_mutex, Arc, Mutex};

/// Milliseconds between exchange rounds when nothing triggers one.
const ROUND_MS: u64 = 3000;
/// Shortest time between two rescans for links the module wrote itself.
const SCAN_GAP_MS: u64 = 500;

/// Why a connection ended or could not be made (the `REASON` column of
/// `/proc/sys/mars/peers`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fail {
    /// The peer's proof was wrong (or ours was refused).
    AuthFailed,
    /// The peer belongs to another cluster.
    UuidMismatch,
    /// No usable `/mars/cluster-secret`.
    NoSecret,
    /// The secret file may be read by group or others.
    SecretMode,
    /// The peer did not answer in time.
    Timeout,
    /// The peer refused the connection or closed it during the handshake.
    Refused,
    /// This host belongs to no cluster and is not joining one.
    NotMember,
    /// Neither side of a connection knows a cluster uuid.
    NoUuid,
    /// No route, host down.
    Unreachable,
    /// A frame the decoder refused, or an unexpected message.
    BadFrame(&'static str),
    /// The peer closed the connection.
    Closed,
    /// The peer answered under another host name than its `ips/` entry.
    WrongHost,
    /// Out of memory.
    NoMemory,
    /// A bug or an impossible state.
    Internal,
    /// `kthread_stop()`.
    Stopped,
}

impl Fail {
    /// One word for the peers file.
    pub(crate) fn word(&self) -> &'static str {
        match self {
            Fail::AuthFailed => "auth-failed",
            Fail::UuidMismatch => "uuid-mismatch",
            Fail::NoSecret => "no-secret",
            Fail::SecretMode => "secret-mode",
            Fail::Timeout => "timeout",
            Fail::Refused => "refused",
            Fail::NotMember => "not-member",
            Fail::NoUuid => "no-uuid",
            Fail::Unreachable => "unreachable",
            Fail::BadFrame(_) => "bad-frame",
            Fail::Closed => "closed",
            Fail::WrongHost => "wrong-host",
            Fail::NoMemory => "no-memory",
            Fail::Internal => "internal",
            Fail::Stopped => "stopped",
        }
    }

    /// Whether the peers file shows the peer as `refused` (rather than
    /// `down`): the peer answered but we could not agree.
    fn is_refusal(&self) -> bool {
        matches!(
            self,
            Fail::AuthFailed
                | Fail::UuidMismatch
                | Fail::NoSecret
                | Fail::SecretMode
                | Fail::WrongHost
        )
    }
}

/// What a listener serves.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    /// The tree exchange (`port`, 7777).
    Meta,
    /// Log fetch or full sync ([`crate::repl::service`]).
    Data(DataPort),
}

impl Service {
    /// The TCP port.
    pub(crate) fn port(self) -> u16 {
        match self {
            Service::Meta => fnet::metadata_port(),
            Service::Data(d) => d.port(),
        }
    }
}

/// Connection state of one peer, as the peers file shows it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkState {
    Connecting,
    Connected,
    Down,
    Refused,
}

impl LinkState {
    fn word(self) -> &'static str {
        match self {
            LinkState::Connecting => "connecting",
            LinkState::Connected => "connected",
            LinkState::Down => "down",
            LinkState::Refused => "refused",
        }
    }
}

/// What the peers file shows of one outgoing peer.
pub(crate) struct PeerStatus {
    pub(crate) host: Option<HostName>,
    pub(crate) state: LinkState,
    pub(crate) reason: Option<Fail>,
    pub(crate) rounds: u64,
    pub(crate) conn_rounds: u64,
}

/// When we last heard from a host, on any connection.
struct Contact {
    host: HostName,
    last_ns: u64,
    offset_ms: Option<i64>,
}

/// Limits the dmesg lines about peers to a burst of 10 per 10 s, and the
/// same refusal of the same address to once a minute.
struct WarnLimit {
    window_start: u64,
    count: u32,
    suppressed: u32,
    /// Recent refusals: (address, reason, when), oldest overwritten.
    recent: [(Option<IpAddr>, &'static str, u64); 8],
    next: usize,
}

/// State shared by the cluster threads.
#[pin_data]
pub(crate) struct Cluster {
    pub(crate) host: HostName,
    #[pin]
    index: Mutex<Index>,
    #[pin]
    peers: Mutex<KVec<Arc<peer::PeerMain>>>,
    #[pin]
    contacts: Mutex<KVec<Contact>>,
    #[pin]
    warn: Mutex<WarnLimit>,
    /// Bumped whenever peers should run a round (after a rescan, after an
    /// adopted remote change).
    round_gen: Atomic<u32>,
    /// Server sessions running (bounded by the listener).
    pub(crate) servers: Atomic<u32>,
    /// The primaries running here (for the data ports' sessions).
    pub(crate) primaries: Arc<Primaries>,
}

impl Cluster {
    fn new(host: HostName, primaries: Arc<Primaries>) -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(Cluster {
                host,
                primaries,
                index <- new_mutex!(Index::new()),
                peers <- new_mutex!(KVec::new()),
                contacts <- new_mutex!(KVec::new()),
                warn <- new_mutex!(WarnLimit {
                    window_start: 0,
                    count: 0,
                    suppressed: 0,
                    recent: [(None, "", 0); 8],
                    next: 0,
                }),
                round_gen: Atomic::new(0),
                servers: Atomic::new(0),
            }),
            GFP_KERNEL,
        )
    }

    /// Prints one line about peers to dmesg, at most 10 per 10 s.
    pub(crate) fn warn(&self, args: fmt::Arguments<'_>) {
        let now = fnet::mono_ns();
        let mut w = self.warn.lock();
        if now.saturating_sub(w.window_start) > 10_000_000_000 {
            if w.suppressed > 0 {
                pr_warn!("cluster: {} messages suppressed\n", w.suppressed);
            }
            w.window_start = now;
            w.count = 0;
            w.suppressed = 0;
        }
        if w.count < 10 {
            w.count += 1;
            pr_warn!("cluster: {}\n", args);
        } else {
            w.suppressed = w.suppressed.saturating_add(1);
        }
    }

    /// Like [`Cluster::warn`], but the same `reason` for the same `addr`
    /// only once a minute (a host with a wrong secret retries every few
    /// seconds).
    pub(crate) fn warn_once(&self, addr: IpAddr, reason: &'static str, args: fmt::Arguments<'_>) {
        let now = fnet::mono_ns();
        {
            let mut w = self.warn.lock();
            let seen = w.recent.iter().any(|(a, r, t)| {
                *a == Some(addr) && *r == reason && now.saturating_sub(*t) < 60_000_000_000
            });
            if seen {
                return;
            }
            let i = w.next % w.recent.len();
            if let Some(slot) = w.recent.get_mut(i) {
                *slot = (Some(addr), reason, now);
            }
            w.next = i + 1;
        }
        self.warn(args);
    }

    /// The round generation peers compare with.
    pub(crate) fn round_gen(&self) -> u32 {
        self.round_gen.load(Relaxed)
    }

    pub(crate) fn request_round(&self) {
        self.round_gen.fetch_add(1, Relaxed);
    }

    /// Notes a frame from `host`, and its real-time clock if known.
    pub(crate) fn note_contact(&self, host: &HostName, peer_real: Option<Stamp>) {
        let now = fnet::mono_ns();
        let offset_ms = peer_real.map(|s| {
            let theirs = i128::from(s.sec) * 1000 + i128::from(s.nsec / 1_000_000);
            let ours = i128::from(fnet::real_ns() / 1_000_000);
            i64::try_from(theirs - ours).unwrap_or(i64::MAX)
        });
        let mut c = self.contacts.lock();
        if let Some(e) = c.iter_mut().find(|e| e.host == *host) {
            e.last_ns = now;
            if offset_ms.is_some() {
                e.offset_ms = offset_ms;
            }
            return;
        }
        let _ = c.push(
            Contact {
                host: *host,
                last_ns: now,
                offset_ms,
            },
            GFP_KERNEL,
        );
    }

    /// Merges a received stamp into the Lamport clock with the core's
    /// bound (`/proc/sys/mars/max_future_s`); false if it was refused.
    pub(crate) fn merge_clock(&self, stamp: Stamp) -> bool {
        let now = now_real();
        let mut clock = LamportClock::new(max_future());
        if clock.merge(stamp, now).is_err() {
            return false;
        }
        let ns = stamp
            .sec
            .checked_mul(1_000_000_000)
            .and_then(|n| n.checked_add(u64::from(stamp.nsec)));
        if let Some(ns) = ns {
            fnet::lamport_merge(ns);
        }
        true
    }

    /// Merges one entry received from `sender` into the tree; returns
    /// whether it was adopted.
    #[inline(never)]
    pub(crate) fn apply(&self, sender: &HostName, e: &TreeEntry<'_>) -> Result<bool, Refusal> {
        let mut index = self.index.lock();
        let path = fpath!("{}/{}", tree::ROOT, e.path).map_err(|_| Refusal::NotExchanged)?;
        let mut buf =
            KVec::<u8>::from_elem(0u8, 1100, GFP_KERNEL).map_err(|_| Refusal::NotExchanged)?;
        let local = match ffi::readlink(&path, &mut buf) {
            Ok((t, sec, nsec)) => Some((Stamp::new(sec, nsec).unwrap_or(Stamp::ZERO), t)),
            Err(_) => None,
        };
        let decision = merge::decide(
            &self.host,
            sender,
            e.path,
            e.stamp,
            e.target,
            local,
            now_real(),
            max_future(),
        )?;
        if decision != Decision::Adopt {
            return Ok(false);
        }
        if !self.merge_clock(e.stamp) {
            return Err(Refusal::FromFuture);
        }
        let written = make_parents(e.path).and_then(|()| {
            let target = fpath!("{}", e.target)?;
            ffi::symlink(&path, &target, e.stamp.sec, e.stamp.nsec)
        });
        if let Err(err) = written {
            self.warn(format_args!(
                "cannot write {} from {}: error {}",
                e.path,
                sender.as_str(),
                err.to_errno()
            ));
            return Ok(false);
        }
        let _ = index.upsert(e.path, e.stamp, e.target);
        Ok(true)
    }

    /// Rescans the tree (after writing this host's heartbeat if `beat`)
    /// and asks every peer for a round.
    #[inline(never)]
    fn round(&self, beat: bool) {
        if beat && auth::local_uuid().is_some() {
            let _ = heartbeat(&self.host);
        }
        let r = self.index.lock().rescan();
        if let Err(e) = r {
            self.warn(format_args!("cannot scan /mars: error {}", e.to_errno()));
        }
        self.request_round();
    }

    /// The peers wanted now: every live `ips/ip-HOST` but ours (only while
    /// ours is listed), and `join-via`.
    #[inline(never)]
    fn wanted_peers(&self) -> KVec<(Option<HostName>, IpValue)> {
        let mut out = KVec::new();
        {
            let index = self.index.lock();
            // Our own entry, live or the tombstone `leave-cluster` wrote:
            // the tombstone still has to reach the peers, so they stay
            // until marsadm removed `ips/` here.
            let me_listed = index.get(&fmt_ip_path(&self.host)).is_some();
            for s in index.slots() {
                let Some(name) = s.path().strip_prefix("ips/ip-") else {
                    continue;
                };
                let (Ok(host), Ok(addr)) = (HostName::new(name), IpValue::parse(s.target())) else {
                    continue;
                };
                if me_listed && host != self.host && s.target() != TOMBSTONE {
                    let _ = out.push((Some(host), addr), GFP_KERNEL);
                }
            }
        }
        if let Ok(p) = fpath!("{}/{}", tree::ROOT, JOIN_VIA) {
            if let Ok(Some(v)) = tree::read(&p) {
                if let Ok(addr) = IpValue::parse(v.as_str()) {
                    let _ = out.push((None, addr), GFP_KERNEL);
                }
            }
        }
        out
    }
}

fn fmt_ip_path(host: &HostName) -> PathText {
    let mut t = PathText::default();
    let _ = write!(t, "ips/ip-{}", host.as_str());
    t
}

/// A short path on the stack (for index lookups).
struct PathText {
    buf: [u8; 80],
    len: usize,
}

impl Default for PathText {
    fn default() -> Self {
        PathText {
            buf: [0; 80],
            len: 0,
        }
    }
}

impl core::ops::Deref for PathText {
    type Target = str;
    fn deref(&self) -> &str {
        core::str::from_utf8(self.buf.get(..self.len).unwrap_or(&[])).unwrap_or("")
    }
}

impl Write for PathText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
        self.buf
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Whether `/mars/join-via` exists (`marsadm join-cluster` is running).
pub(crate) fn joining() -> bool {
    fpath!("{}/{}", tree::ROOT, JOIN_VIA)
        .ok()
        .and_then(|p| tree::read(&p).ok())
        .flatten()
        .is_some()
}

/// Creates the directories above tree path `rel`.
fn make_parents(rel: &str) -> Result {
    let mut end = 0;
    for comp in rel.split('/') {
        end += comp.len();
        if end >= rel.len() {
            break;
        }
        let dir = fpath!("{}/{}", tree::ROOT, rel.get(..end).ok_or(EINVAL)?)?;
        tree::ensure_dir(&dir)?;
        end += 1;
    }
    Ok(())
}

/// Writes `actual-HOST/alive` -> the fresh stamp itself.
fn heartbeat(host: &HostName) -> Result {
    let dir = fpath!("{}/actual-{}", tree::ROOT, host.as_str())?;
    tree::ensure_dir(&dir)?;
    let stamp = tree::lamport_stamp();
    let target = fpath!("{}", stamp)?;
    ffi::symlink(
        &fpath!("{}/alive", dir.as_str())?,
        &target,
        stamp.sec,
        stamp.nsec,
    )
}

/// The real-time clock as a stamp.
pub(crate) fn now_real() -> Stamp {
    let ns = fnet::real_ns();
    Stamp {
        sec: ns / 1_000_000_000,
        nsec: (ns % 1_000_000_000) as u32,
    }
}

fn max_future() -> Stamp {
    Stamp {
        sec: u64::from(fnet::max_future_s()),
        nsec: 0,
    }
}

/// A `core::fmt::Write` into a byte slice that stops at its end.
struct SliceWriter<'a> {
    out: &'a mut [u8],
    len: usize,
}

impl Write for SliceWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
        self.out
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

impl PeersText for Cluster {
    fn write_text(&self, out: &mut [u8]) -> usize {
        let mut w = SliceWriter { out, len: 0 };
        let now = fnet::mono_ns();
        let peers = self.peers.lock();
        let contacts = self.contacts.lock();
        for p in peers.iter() {
            let st = p.status.lock();
            let contact = st
                .host
                .as_ref()
                .and_then(|h| contacts.iter().find(|c| c.host == *h));
            let host = st.host.as_ref().map_or("-", |h| h.as_str());
            let _ = write!(w, "{} {} {} ", host, p.addr, st.state.word());
            let _ = match contact {
                Some(c) => write!(w, "{} ", now.saturating_sub(c.last_ns) / 1_000_000),
                None => w.write_str("- "),
            };
            let _ = match contact.and_then(|c| c.offset_ms) {
                Some(o) => write!(w, "{} ", o),
                None => w.write_str("- "),
            };
            let synced = st.state == LinkState::Connected && st.conn_rounds > 0;
            let _ = writeln!(
                w,
                "{} {} {}",
                st.rounds,
                u8::from(synced),
                st.reason.map_or("-", |r| r.word())
            );
        }
        w.len
    }
}

/// The manager thread: rounds and the set of peer threads.
struct Manager {
    cluster: Arc<Cluster>,
}

impl Manager {
    /// Starts and stops peer threads to match the tree.
    #[inline(never)]
    fn reconcile(&self, running: &mut KVec<(Arc<peer::PeerMain>, Thread)>) {
        let wanted = self.cluster.wanted_peers();
        let mut i = 0;
        while i < running.len() {
            let keep = running
                .get(i)
                .is_some_and(|(p, _)| wanted.iter().any(|(h, a)| p.key == *h && p.addr == *a));
            if keep {
                i += 1;
                continue;
            }
            if let Ok((p, t)) = running.remove(i) {
                self.cluster.peers.lock().retain(|q| !Arc::ptr_eq(q, &p));
                drop(t);
            }
        }
        for (host, addr) in wanted.iter() {
            if running
                .iter()
                .any(|(p, _)| p.key == *host && p.addr == *addr)
            {
                continue;
            }
            let started = peer::start(&self.cluster, *host, *addr);
            match started {
                Ok((p, t)) => {
                    if self
                        .cluster
                        .peers
                        .lock()
                        .push(p.clone(), GFP_KERNEL)
                        .is_ok()
                    {
                        let _ = running.push((p, t), GFP_KERNEL);
                    }
                }
                Err(e) => self.cluster.warn(format_args!(
                    "cannot start a peer thread for {}: error {}",
                    addr,
                    e.to_errno()
                )),
            }
        }
    }
}

impl ThreadMain for Manager {
    fn run(&self) {
        let mut running = KVec::new();
        let mut last_trigger = fnet::trigger_generation();
        let mut last_write = fnet::tree_generation();
        let (mut next, mut last_scan) = (0u64, 0u64);
        while !ffi::should_stop() {
            let now = fnet::mono_ns();
            // The heartbeat only on the timer: a trigger follows every
            // adopted remote change, and a heartbeat there would answer
            // each heartbeat received with one sent, without end.
            let timer = now >= next;
            // A trigger (marsadm, an adopted remote change) rescans now;
            // links the module wrote itself (replay positions move with
            // every writeback batch) at most every SCAN_GAP_MS.
            let trigger = fnet::trigger_generation();
            let write = fnet::tree_generation();
            let written =
                write != last_write && now.saturating_sub(last_scan) >= SCAN_GAP_MS * 1_000_000;
            if timer || trigger != last_trigger || written {
                last_trigger = trigger;
                last_write = write;
                last_scan = now;
                if timer {
                    next = now.saturating_add(ROUND_MS * 1_000_000);
                }
                self.cluster.round(timer);
                self.reconcile(&mut running);
            }
            fnet::sleep_ms(100);
        }
        self.cluster.peers.lock().clear();
        // Dropping the threads stops them (each within a socket timeout).
        running.clear();
    }
}

/// The running cluster layer; dropping it stops every thread and closes
/// every socket.
pub(crate) struct Net {
    // Field order is drop order: nobody reads the peers file while the
    // threads go; the listener (and its sessions) before the manager.
    _file: PeersFile<Cluster>,
    _listener: Thread,
    _fetch_listener: Thread,
    _sync_listener: Thread,
    _manager: Thread,
}

impl Net {
    /// Starts the cluster layer of `host`.
    pub(crate) fn start(host: HostName, primaries: Arc<Primaries>) -> Result<Self> {
        let cluster = Cluster::new(host, primaries)?;
        let manager = Thread::spawn(
            Arc::new(
                Manager {
                    cluster: cluster.clone(),
                },
                GFP_KERNEL,
            )?,
            &fpath!("mars_cluster")?,
        )?;
        let listener = listener::start(&cluster, Service::Meta)?;
        let fetch_listener = listener::start(&cluster, Service::Data(DataPort::Fetch))?;
        let sync_listener = listener::start(&cluster, Service::Data(DataPort::Sync))?;
        Ok(Net {
            _file: PeersFile::new(cluster),
            _listener: listener,
            _fetch_listener: fetch_listener,
            _sync_listener: sync_listener,
            _manager: manager,
        })
    }
}
