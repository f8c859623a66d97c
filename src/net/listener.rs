// SPDX-License-Identifier: GPL-2.0

//! The metadata listener: accepts connections on the `port` module
//! parameter (default 7777) at `listen_addr` (default: every address,
//! IPv6 dual-stack, IPv4 only if IPv6 is not available), and runs one
//! server session thread per connection, at most [`MAX_SESSIONS`] at once.

use super::conn::{POLL_MS, USER_TIMEOUT_MS};
use super::server::{self, Session};
use super::{Cluster, Service};
use crate::ffi::net::{self as fnet, DataPort, Socket};
use crate::ffi::{self, fpath, Thread, ThreadMain};
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use kernel::prelude::*;
use kernel::sync::atomic::Relaxed;
use kernel::sync::Arc;

/// Connections served at once; more are closed at once (a flood of
/// connection attempts costs no more than this many threads and buffers).
pub(crate) const MAX_SESSIONS: u32 = 32;

struct Listener {
    cluster: Arc<Cluster>,
    service: Service,
}

/// Starts the listener thread of `service`.
pub(crate) fn start(cluster: &Arc<Cluster>, service: Service) -> Result<Thread> {
    let l = Arc::new(
        Listener {
            cluster: cluster.clone(),
            service,
        },
        GFP_KERNEL,
    )?;
    let name = match service {
        Service::Meta => fpath!("mars_listen")?,
        Service::Data(DataPort::Fetch) => fpath!("mars_listen_fetch")?,
        Service::Data(DataPort::Sync) => fpath!("mars_listen_sync")?,
    };
    Thread::spawn(l, &name)
}

impl Listener {
    /// Binds the listening socket, or says why not (once per reason).
    fn bind(&self, port: u16) -> Result<Socket> {
        let mut buf = [0u8; 64];
        let text = fnet::listen_addr(&mut buf);
        let addrs: [Option<IpAddr>; 2] = if text.is_empty() {
            [
                Some(IpAddr::V6(Ipv6Addr::UNSPECIFIED)),
                Some(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
            ]
        } else {
            [Some(text.parse::<IpAddr>().map_err(|_| EINVAL)?), None]
        };
        let mut err = EINVAL;
        for addr in addrs.iter().flatten() {
            let s = match Socket::new_for(addr) {
                Ok(s) => s,
                Err(e) => {
                    err = e;
                    continue;
                }
            };
            s.set_opts(POLL_MS, None, USER_TIMEOUT_MS);
            match s.listen(addr, port, 64) {
                Ok(()) => return Ok(s),
                Err(e) => err = e,
            }
        }
        Err(err)
    }

    /// Accepts until stopped; `sessions` holds the running ones.
    fn serve(&self, ls: &Socket, sessions: &mut KVec<(Arc<Session>, Thread)>) {
        while !ffi::should_stop() {
            sessions.retain(|(s, _)| !s.is_done());
            let sock = match ls.accept() {
                Ok(s) => s,
                Err(e) if e == EAGAIN => continue,
                // kthread_stop() interrupts a blocked accept.
                Err(_) if ffi::should_stop() => break,
                Err(e) => {
                    self.cluster
                        .warn(format_args!("accept failed: error {}", e.to_errno()));
                    fnet::sleep_ms(POLL_MS);
                    continue;
                }
            };
            if self.cluster.servers.load(Relaxed) >= MAX_SESSIONS {
                self.cluster.warn(format_args!(
                    "too many connections ({}): closing a new one",
                    MAX_SESSIONS
                ));
                continue;
            }
            match server::start(&self.cluster, sock, self.service) {
                Ok(pair) => {
                    let _ = sessions.push(pair, GFP_KERNEL);
                }
                Err(e) => self.cluster.warn(format_args!(
                    "cannot start a session thread: error {}",
                    e.to_errno()
                )),
            }
        }
    }
}

impl ThreadMain for Listener {
    fn run(&self) {
        let port = self.service.port();
        let mut sessions = KVec::new();
        let mut said = None;
        while !ffi::should_stop() {
            match self.bind(port) {
                Ok(ls) => {
                    pr_info!("cluster: listening on port {}\n", port);
                    said = None;
                    self.serve(&ls, &mut sessions);
                }
                Err(e) => {
                    if said != Some(e.to_errno()) {
                        pr_warn!(
                            "cluster: cannot listen on port {}: error {} (retrying)\n",
                            port,
                            e.to_errno()
                        );
                        said = Some(e.to_errno());
                    }
                    fnet::sleep_ms(2000);
                }
            }
        }
        // Each session ends within a socket timeout of being stopped.
        sessions.clear();
    }
}
