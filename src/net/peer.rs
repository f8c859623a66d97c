// SPDX-License-Identifier: GPL-2.0

//! One outgoing peer: connect (with capped exponential backoff while the
//! peer is down), authenticate, then push this host's changes round by
//! round (entries, `Sync`, wait for `SyncAck`).

use super::auth::{self, Secret};
use super::conn::{self, Conn, Deadline};
use super::{Cluster, Fail, LinkState, PeerStatus};
use crate::ffi::net as fnet;
use crate::ffi::{self, fpath, Thread, ThreadMain};
use crate::mars_core::exchange::Cursor;
use crate::mars_core::names::HostName;
use crate::mars_core::tree::IpValue;
use crate::mars_core::wire::{Entries, EntriesBuilder, Message, TreeEntry};
use kernel::prelude::*;
use kernel::sync::{new_mutex, Arc, Mutex};

/// First retry delay after a failed connection; doubles up to the cap.
const BACKOFF_MIN_MS: u32 = 250;
const BACKOFF_MAX_MS: u32 = 4000;
/// How long the peer may take to acknowledge a round. A dead peer is
/// found sooner by keepalive and TCP_USER_TIMEOUT; a live but loaded one
/// (each adopted link is a rename in its /mars, behind its log fsyncs)
/// must not be given up, or every reconnect's full exchange loads it more.
const ROUND_ACK_MS: u64 = 45_000;
/// Payload bytes of one `TreeEntries` batch.
const BATCH_BYTES: usize = 60 * 1024;
/// IPv4 TOS of metadata connections: low delay.
const META_TOS: u8 = 0x10;
/// The default metadata port when `ips/ip-HOST` names none.
pub(crate) fn port_of(addr: &IpValue) -> u16 {
    addr.port.unwrap_or_else(fnet::metadata_port)
}

/// State of one peer thread.
#[pin_data]
pub(crate) struct PeerMain {
    cluster: Arc<Cluster>,
    /// The peer's host (None: the `join-via` peer, name not known yet).
    pub(crate) key: Option<HostName>,
    pub(crate) addr: IpValue,
    #[pin]
    pub(crate) status: Mutex<PeerStatus>,
}

/// Starts the thread for `key` at `addr`.
pub(crate) fn start(
    cluster: &Arc<Cluster>,
    key: Option<HostName>,
    addr: IpValue,
) -> Result<(Arc<PeerMain>, Thread)> {
    let host = key;
    let main = Arc::pin_init(
        pin_init!(PeerMain {
            cluster: cluster.clone(),
            key,
            addr,
            status <- new_mutex!(PeerStatus {
                host,
                state: LinkState::Connecting,
                reason: None,
                rounds: 0,
                conn_rounds: 0,
            }),
        }),
        GFP_KERNEL,
    )?;
    let name = match &key {
        Some(h) => fpath!("mars_peer/{}", h.as_str())?,
        None => fpath!("mars_peer/join")?,
    };
    let t = Thread::spawn(main.clone(), &name)?;
    Ok((main, t))
}

impl PeerMain {
    fn set_state(&self, state: LinkState, reason: Option<Fail>) {
        let mut s = self.status.lock();
        s.state = state;
        s.reason = reason;
        if state != LinkState::Connected {
            s.conn_rounds = 0;
        }
    }

    /// One connection: connect, authenticate, exchange until it fails.
    #[inline(never)]
    fn session(&self, backoff: &mut u32) -> Result<(), Fail> {
        let secret = Secret::load()?;
        let sock = conn::connect(&self.addr.addr, port_of(&self.addr), Some(META_TOS))?;
        let mut conn = Conn::new(sock);
        let me = self.cluster.host;
        let peer = auth::client(&mut conn, &me, &secret)?;
        drop(secret);
        if self.key.is_some_and(|k| k != peer.host) {
            return Err(Fail::WrongHost);
        }
        {
            let mut s = self.status.lock();
            s.host = Some(peer.host);
        }
        self.set_state(LinkState::Connected, None);
        pr_info!("cluster: connected to peer {}\n", peer.host.as_str());
        self.cluster.note_contact(&peer.host, None);
        *backoff = BACKOFF_MIN_MS;
        let mut cursor = Cursor::new();
        let mut seen_gen = self.cluster.round_gen().wrapping_sub(1);
        loop {
            if ffi::should_stop() {
                conn.shutdown();
                return Err(Fail::Stopped);
            }
            let gen = self.cluster.round_gen();
            if gen == seen_gen {
                fnet::sleep_ms(100);
                continue;
            }
            seen_gen = gen;
            self.round(&mut conn, &mut cursor, &peer.host)?;
            let mut s = self.status.lock();
            s.rounds = s.rounds.saturating_add(1);
            s.conn_rounds = s.conn_rounds.saturating_add(1);
        }
    }

    /// Sends every change the peer has not acknowledged, then `Sync`, and
    /// waits for the matching `SyncAck`.
    #[inline(never)]
    fn round(&self, conn: &mut Conn, cursor: &mut Cursor, host: &HostName) -> Result<(), Fail> {
        let (batches, upto) = self.collect(cursor.sent())?;
        let deadline = Deadline::after_ms(ROUND_ACK_MS);
        for (count, bytes) in batches.iter() {
            let entries = Entries::parse(*count, bytes).ok_or(Fail::Internal)?;
            conn.send(&Message::TreeEntries(entries), deadline)?;
        }
        cursor.mark_sent(upto);
        let real = super::now_real();
        conn.send(&Message::Sync { upto, real }, deadline)?;
        let (frame, stamp) = conn.recv(deadline)?;
        match frame.message {
            Message::SyncAck { upto: acked, real } => {
                cursor
                    .ack(acked)
                    .map_err(|_| Fail::BadFrame("bad SyncAck"))?;
                self.cluster.merge_clock(stamp);
                self.cluster.note_contact(host, Some(real));
                Ok(())
            }
            _ => Err(Fail::BadFrame("expected SyncAck")),
        }
    }

    /// The changes after `sent` that this host may send, as encoded
    /// `TreeEntries` payloads, and the sequence number they cover.
    #[inline(never)]
    fn collect(&self, sent: u64) -> Result<(KVec<(u32, KVVec<u8>)>, u64), Fail> {
        let me = self.cluster.host;
        let index = self.cluster.index.lock();
        let upto = index.seq();
        let mut out = KVec::new();
        let mut buf = KVVec::from_elem(0u8, BATCH_BYTES, GFP_KERNEL).map_err(|_| Fail::NoMemory)?;
        let mut b = EntriesBuilder::new(&mut buf);
        for s in index.changed_since(sent) {
            if !s.relayable_by(&me) {
                continue;
            }
            let e = TreeEntry {
                path: s.path(),
                stamp: s.stamp,
                target: s.target(),
            };
            if b.push(&e).is_err() {
                let done = b.finish();
                if !done.is_empty() {
                    out.push((done.len(), copy(done.as_bytes())?), GFP_KERNEL)
                        .map_err(|_| Fail::NoMemory)?;
                }
                // An entry always fits an empty batch (paths and targets
                // are bounded well below it).
                b = EntriesBuilder::new(&mut buf);
                let _ = b.push(&e);
            }
        }
        let done = b.finish();
        if !done.is_empty() {
            out.push((done.len(), copy(done.as_bytes())?), GFP_KERNEL)
                .map_err(|_| Fail::NoMemory)?;
        }
        Ok((out, upto))
    }
}

fn copy(bytes: &[u8]) -> Result<KVVec<u8>, Fail> {
    let mut v = KVVec::with_capacity(bytes.len(), GFP_KERNEL).map_err(|_| Fail::NoMemory)?;
    v.extend_from_slice(bytes, GFP_KERNEL)
        .map_err(|_| Fail::NoMemory)?;
    Ok(v)
}

impl ThreadMain for PeerMain {
    fn run(&self) {
        let mut backoff = BACKOFF_MIN_MS;
        let mut last: Option<Fail> = None;
        while !ffi::should_stop() {
            self.set_state(LinkState::Connecting, last);
            let r = self.session(&mut backoff);
            let Err(f) = r else { continue };
            if f == Fail::Stopped {
                break;
            }
            let was_connected = self.status.lock().state == LinkState::Connected;
            if was_connected {
                self.cluster.warn(format_args!(
                    "lost peer {} ({}): {}",
                    self.key.as_ref().map_or("-", |h| h.as_str()),
                    self.addr,
                    f.word()
                ));
            }
            let state = if f.is_refusal() {
                LinkState::Refused
            } else {
                LinkState::Down
            };
            if f.is_refusal() && last != Some(f) {
                self.cluster.warn(format_args!(
                    "peer {} ({}): {}",
                    self.key.as_ref().map_or("-", |h| h.as_str()),
                    self.addr,
                    f.word()
                ));
            }
            if let Fail::BadFrame(what) = f {
                self.cluster
                    .warn(format_args!("peer {}: bad frame: {}", self.addr, what));
            }
            self.set_state(state, Some(f));
            last = Some(f);
            fnet::sleep_ms(backoff);
            backoff = backoff.saturating_mul(2).min(BACKOFF_MAX_MS);
        }
        self.set_state(LinkState::Down, Some(Fail::Stopped));
    }
}
