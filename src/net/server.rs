// SPDX-License-Identifier: GPL-2.0

//! One accepted connection: authenticate the peer, then merge what it
//! pushes (`TreeEntries`) into the tree and acknowledge each `Sync`.
//! Anything else, a frame the decoder refuses, or silence for longer than
//! [`IDLE_MS`] closes the connection with one rate-limited dmesg line.

use super::auth::{self, Secret};
use super::conn::{Conn, Deadline, POLL_MS, USER_TIMEOUT_MS};
use super::{Cluster, Fail, Service};
use crate::ffi::net::Socket;
use crate::ffi::{self, fpath, Thread, ThreadMain};
use crate::mars_core::merge::Refusal;
use crate::mars_core::names::HostName;
use crate::mars_core::wire::Message;
use crate::repl::service::DataSession;
use kernel::prelude::*;
use kernel::sync::atomic::{Atomic, Relaxed};
use kernel::sync::{new_mutex, Arc, Mutex};

/// A peer that sends nothing for this long (it rounds every 3 s) is gone.
const IDLE_MS: u64 = 20_000;
/// How long answering a `Sync` may take.
const SEND_MS: u64 = 10_000;

/// State of one session thread.
#[pin_data]
pub(crate) struct Session {
    cluster: Arc<Cluster>,
    service: Service,
    #[pin]
    sock: Mutex<Option<Socket>>,
    done: Atomic<bool>,
}

impl Session {
    /// Whether the session ended (its thread may be reaped).
    pub(crate) fn is_done(&self) -> bool {
        self.done.load(Relaxed)
    }
}

/// Starts a session thread for `sock`.
pub(crate) fn start(
    cluster: &Arc<Cluster>,
    sock: Socket,
    service: Service,
) -> Result<(Arc<Session>, Thread)> {
    let s = Arc::pin_init(
        pin_init!(Session {
            cluster: cluster.clone(),
            service,
            sock <- new_mutex!(Some(sock)),
            done: Atomic::new(false),
        }),
        GFP_KERNEL,
    )?;
    cluster.servers.fetch_add(1, Relaxed);
    match Thread::spawn(s.clone(), &fpath!("mars_srv")?) {
        Ok(t) => Ok((s, t)),
        Err(e) => {
            cluster.servers.fetch_sub(1, Relaxed);
            Err(e)
        }
    }
}

impl Session {
    #[inline(never)]
    fn serve(&self, conn: &mut Conn) -> Result<HostName, (Option<HostName>, Fail)> {
        // A host outside any cluster only talks while it is joining one.
        let own = auth::local_uuid();
        if own.is_none() && !super::joining() {
            return Err((None, Fail::NotMember));
        }
        let secret = Secret::load().map_err(|f| (None, f))?;
        let peer = auth::server(conn, &self.cluster.host, own, &secret).map_err(|f| (None, f))?;
        drop(secret);
        let host = peer.host;
        let fail = |f| (Some(host), f);
        if let Service::Data(_) = self.service {
            return self.serve_data(conn).map(|()| host).map_err(fail);
        }
        loop {
            let (frame, stamp) = conn.recv(Deadline::after_ms(IDLE_MS)).map_err(fail)?;
            self.cluster.merge_clock(stamp);
            match frame.message {
                Message::TreeEntries(entries) => {
                    let mut adopted = false;
                    for e in entries.iter() {
                        match self.cluster.apply(&host, &e) {
                            Ok(a) => adopted |= a,
                            Err(r) => self.refused(&host, e.path, r),
                        }
                    }
                    self.cluster.note_contact(&host, None);
                    if adopted {
                        // The control thread acts on the news at once; the
                        // manager rescans and the peers relay it.
                        ffi::net::trigger();
                    }
                }
                Message::Sync { upto, real } => {
                    self.cluster.note_contact(&host, Some(real));
                    let real = super::now_real();
                    conn.send(
                        &Message::SyncAck { upto, real },
                        Deadline::after_ms(SEND_MS),
                    )
                    .map_err(fail)?;
                }
                _ => return Err(fail(Fail::BadFrame("unexpected message"))),
            }
        }
    }

    /// A data port session (its own frame: it holds buffers).
    #[inline(never)]
    fn serve_data(&self, conn: &mut Conn) -> Result<(), Fail> {
        let primaries = self.cluster.primaries.clone();
        DataSession::new(&self.cluster, &primaries).serve(conn)
    }

    fn refused(&self, host: &HostName, path: &str, r: Refusal) {
        self.cluster.warn(format_args!(
            "entry {} from {} refused: {}",
            path,
            host.as_str(),
            r
        ));
    }
}

impl ThreadMain for Session {
    fn run(&self) {
        if let Some(sock) = self.sock.lock().take() {
            let who = sock.peer().ok();
            let mut conn = match self.service {
                Service::Meta => Conn::new(sock),
                Service::Data(port) => {
                    sock.set_opts(POLL_MS, port.tos(), USER_TIMEOUT_MS);
                    Conn::bulk(sock)
                }
            };
            if let Err((host, f)) = self.serve(&mut conn) {
                let name = host.as_ref().map_or("?", |h| h.as_str());
                match (f, who) {
                    (Fail::Stopped | Fail::Closed, _) => {}
                    (Fail::Timeout, _) if host.is_some() => self.cluster.warn(format_args!(
                        "peer {} silent for {} s: connection closed",
                        name,
                        IDLE_MS / 1000
                    )),
                    (f, Some((addr, port))) => self.cluster.warn_once(
                        addr,
                        f.word(),
                        format_args!(
                            "connection from {} port {} (host {}) closed: {}{}{}",
                            addr,
                            port,
                            name,
                            f.word(),
                            if matches!(f, Fail::BadFrame(_)) {
                                ": "
                            } else {
                                ""
                            },
                            match f {
                                Fail::BadFrame(w) => w,
                                _ => "",
                            }
                        ),
                    ),
                    (f, None) => self
                        .cluster
                        .warn(format_args!("connection closed: {}", f.word())),
                }
            }
            conn.shutdown();
        }
        self.cluster.servers.fetch_sub(1, Relaxed);
        self.done.store(true, Relaxed);
    }
}
