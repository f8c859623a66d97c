// SPDX-License-Identifier: GPL-2.0

//! A framed connection: whole frames out, whole frames in, every received
//! frame checked by the core decoder, every wait bounded by a deadline and
//! cut short by `kthread_stop()`.

use super::Fail;
use crate::crc::KernelCrc32c;
use crate::ffi::net::{mono_ns, Socket};
use crate::ffi::should_stop;
use crate::mars_core::lamport::Stamp;
use crate::mars_core::wire::{self, decode_frame, encode_frame, frame_len, Frame, Message};
use crate::tree::lamport_stamp;
use core::net::IpAddr;
use kernel::prelude::*;

/// Largest frame accepted on a metadata connection (entry batches are cut
/// well below it); anything longer is refused as oversized.
pub(crate) const MAX_META_FRAME: usize = 256 * 1024;
/// Each socket call returns after this long, to look at `kthread_stop()`.
pub(crate) const POLL_MS: u32 = 500;
/// TCP_USER_TIMEOUT: unacknowledged data for this long kills the connection.
pub(crate) const USER_TIMEOUT_MS: u32 = 20_000;

/// How long a connection attempt may take.
pub(crate) const CONNECT_MS: u32 = 3000;

/// Connects a socket to `addr`:`port` (at most [`CONNECT_MS`]) with the
/// options of every MARS connection: [`POLL_MS`] socket timeouts, `tos`,
/// [`USER_TIMEOUT_MS`].
pub(crate) fn connect(addr: &IpAddr, port: u16, tos: Option<u8>) -> Result<Socket, Fail> {
    let mut sock = Socket::new_for(addr).map_err(|_| Fail::Unreachable)?;
    sock.set_opts(CONNECT_MS, tos, USER_TIMEOUT_MS);
    sock.connect(addr, port).map_err(|e| {
        if e == ETIMEDOUT {
            Fail::Timeout
        } else if e == ECONNREFUSED {
            Fail::Refused
        } else {
            Fail::Unreachable
        }
    })?;
    sock.set_opts(POLL_MS, tos, USER_TIMEOUT_MS);
    Ok(sock)
}

/// A deadline on the monotonic clock.
#[derive(Clone, Copy)]
pub(crate) struct Deadline(u64);

impl Deadline {
    /// `ms` milliseconds from now.
    pub(crate) fn after_ms(ms: u64) -> Self {
        Deadline(mono_ns().saturating_add(ms.saturating_mul(1_000_000)))
    }

    fn passed(&self) -> bool {
        mono_ns() >= self.0
    }
}

/// One connection to or from a peer.
pub(crate) struct Conn {
    sock: Socket,
    inbuf: KVVec<u8>,
    outbuf: KVVec<u8>,
    /// Largest frame sent or accepted on this connection.
    limit: usize,
    /// Protocol version in use (the only one we speak until negotiated).
    pub(crate) version: u16,
    /// Bytes sent and received, for the statistics.
    pub(crate) sent: u64,
    pub(crate) received: u64,
}

impl Conn {
    /// Wraps a connected socket of the metadata port.
    pub(crate) fn new(sock: Socket) -> Self {
        Self::with_limit(sock, MAX_META_FRAME)
    }

    /// Wraps a connected socket of a data port: frames up to the protocol's
    /// largest (1 MiB of data).
    pub(crate) fn bulk(sock: Socket) -> Self {
        Self::with_limit(sock, wire::MAX_FRAME)
    }

    fn with_limit(sock: Socket, limit: usize) -> Self {
        Conn {
            sock,
            inbuf: KVVec::new(),
            outbuf: KVVec::new(),
            limit,
            version: wire::PROTOCOL_MAX,
            sent: 0,
            received: 0,
        }
    }

    /// Encodes and sends `msg` completely before `deadline`.
    pub(crate) fn send(&mut self, msg: &Message<'_>, deadline: Deadline) -> Result<(), Fail> {
        let need = wire::MAX_FRAME.min(self.limit);
        if self.outbuf.len() < need {
            self.outbuf
                .resize(need, 0, GFP_KERNEL)
                .map_err(|_| Fail::NoMemory)?;
        }
        let stamp = lamport_stamp();
        let n = encode_frame(&KernelCrc32c, self.version, stamp, msg, &mut self.outbuf)
            .map_err(|_| Fail::Internal)?;
        self.send_raw(n, deadline)
    }

    /// Sends the first `n` bytes of the output buffer.
    fn send_raw(&mut self, n: usize, deadline: Deadline) -> Result<(), Fail> {
        let mut done = 0;
        while done < n {
            let part = self.outbuf.get(done..n).ok_or(Fail::Internal)?;
            match self.sock.send(part) {
                Ok(0) => return Err(Fail::Closed),
                Ok(k) => done = done.saturating_add(k),
                Err(e) if e == EAGAIN => {}
                Err(_) => return Err(Fail::Closed),
            }
            if should_stop() {
                return Err(Fail::Stopped);
            }
            if done < n && deadline.passed() {
                return Err(Fail::Timeout);
            }
        }
        self.sent = self.sent.saturating_add(n as u64);
        Ok(())
    }

    /// Receives exactly `len` more bytes into the input buffer at `at`.
    fn fill(&mut self, at: usize, len: usize, deadline: Deadline) -> Result<(), Fail> {
        let end = at.checked_add(len).ok_or(Fail::Internal)?;
        if self.inbuf.len() < end {
            self.inbuf
                .resize(end, 0, GFP_KERNEL)
                .map_err(|_| Fail::NoMemory)?;
        }
        let mut done = at;
        while done < end {
            let part = self.inbuf.get_mut(done..end).ok_or(Fail::Internal)?;
            match self.sock.recv(part) {
                Ok(0) => return Err(Fail::Closed),
                Ok(k) => done = done.saturating_add(k),
                Err(e) if e == EAGAIN => {}
                Err(_) => return Err(Fail::Closed),
            }
            if should_stop() {
                return Err(Fail::Stopped);
            }
            if done < end && deadline.passed() {
                return Err(Fail::Timeout);
            }
        }
        self.received = self.received.saturating_add(len as u64);
        Ok(())
    }

    /// Receives one whole frame before `deadline` and decodes it. A frame
    /// the core decoder refuses, or one longer than [`MAX_META_FRAME`],
    /// fails with [`Fail::BadFrame`] (the caller closes the connection).
    /// (The limit is [`MAX_META_FRAME`] on the metadata port.)
    pub(crate) fn recv(&mut self, deadline: Deadline) -> Result<(Frame<'_>, Stamp), Fail> {
        self.fill(0, wire::HEADER_LEN, deadline)?;
        let head = self.inbuf.get(..wire::HEADER_LEN).ok_or(Fail::Internal)?;
        let len = frame_len(&KernelCrc32c, head).map_err(|_| Fail::BadFrame("header"))?;
        if len > self.limit {
            return Err(Fail::BadFrame("oversized frame"));
        }
        let rest = len.checked_sub(wire::HEADER_LEN).ok_or(Fail::Internal)?;
        self.fill(wire::HEADER_LEN, rest, deadline)?;
        let buf = self.inbuf.get(..len).ok_or(Fail::Internal)?;
        let (frame, _) = decode_frame(&KernelCrc32c, buf).map_err(|_| Fail::BadFrame("payload"))?;
        if frame.version != self.version {
            return Err(Fail::BadFrame("version"));
        }
        let stamp = frame.stamp;
        Ok((frame, stamp))
    }

    /// Shuts the connection down (the peer sees the end of the stream).
    pub(crate) fn shutdown(&self) {
        self.sock.shutdown();
    }
}
