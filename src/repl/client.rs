// SPDX-License-Identifier: GPL-2.0

//! The client side of the data ports: connect to a host's log fetch or
//! full sync port (its address from `ips/ip-HOST`, the port from the
//! module parameters), authenticate as on the metadata port, and ask one
//! request at a time. Every answer must come within `stall_s` seconds
//! (module parameter): a connection that makes no progress for that long
//! fails with [`Fail::Timeout`] and the worker makes a new one.

use crate::ffi::fpath;
use crate::ffi::net::{self as fnet, DataPort};
use crate::mars_core::names::HostName;
use crate::mars_core::tree::IpValue;
use crate::mars_core::wire::Message;
use crate::net::auth::{self, Secret};
use crate::net::conn::{self, Conn, Deadline};
use crate::net::Fail;
use crate::tree;
use kernel::prelude::*;

/// The address of `host` from `ips/ip-HOST`.
fn address_of(host: &HostName) -> Result<IpValue, Fail> {
    let path = fpath!("{}/ips/ip-{}", tree::ROOT, host.as_str()).map_err(|_| Fail::NoMemory)?;
    let value = tree::read(&path)
        .map_err(|_| Fail::Unreachable)?
        .ok_or(Fail::Unreachable)?;
    IpValue::parse(value.as_str()).map_err(|_| Fail::Unreachable)
}

/// Connects to `to`'s data port `port` and authenticates as `me`.
#[inline(never)]
pub(crate) fn connect(me: &HostName, to: &HostName, port: DataPort) -> Result<Conn, Fail> {
    let addr = address_of(to)?;
    let secret = Secret::load()?;
    let sock = conn::connect(&addr.addr, port.port(), port.tos())?;
    let mut conn = Conn::bulk(sock);
    let peer = auth::client(&mut conn, me, &secret)?;
    if peer.host != *to {
        return Err(Fail::WrongHost);
    }
    Ok(conn)
}

/// The stall timeout as a deadline from now.
pub(crate) fn stall_deadline() -> Deadline {
    Deadline::after_ms(u64::from(fnet::stall_s()).saturating_mul(1000))
}

/// Sends `req` and receives the answer (any message: the caller checks
/// its type, `Error` included).
pub(crate) fn ask<'c>(conn: &'c mut Conn, req: &Message<'_>) -> Result<Message<'c>, Fail> {
    conn.send(req, stall_deadline())?;
    let (frame, _) = conn.recv(stall_deadline())?;
    Ok(frame.message)
}
