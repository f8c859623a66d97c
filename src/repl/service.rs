// SPDX-License-Identifier: GPL-2.0

//! The server side of the data ports (log fetch, 7778; full sync, 7779):
//! after the same authentication as the metadata port, a session answers
//! requests one at a time:
//!
//! - `ResourceInfoRequest`: where the primary's logs stand (current log and
//!   its durable end, the `replay-HOST` position of its data device);
//! - `FileInfoRequest`, `ReadRange`: a log file's servable size and bytes.
//!   Of the log a primary appends to, only the durable part is served, so a
//!   secondary never holds records its primary could lose in a crash;
//! - `BlockDigestsRequest`, `BlockRead`: SHA-256 digests and bytes of a
//!   primary's data device, read as bios.
//!
//! Anything that is not a request for a log of an existing resource, or
//! a range outside the file or device, is refused with an `Error` frame
//! and the connection is closed (a correct client never asks for it).

use super::Primaries;
use crate::ffi::net::sha256;
use crate::ffi::{fpath, DataBuf, File};
use crate::logfile::log_path;
use crate::mars_core::names::{parse_entry_name, Entry, LogName, ResourceName};
use crate::mars_core::tree::ReplayValue;
use crate::mars_core::wire::{LogPos, Message, DIGEST_LEN, MAX_DATA};
use crate::net::conn::{Conn, Deadline};
use crate::net::{Cluster, Fail};
use crate::primary::Engine;
use crate::tree;
use kernel::prelude::*;
use kernel::sync::Arc;

/// A client that sends no request for this long is gone (clients poll
/// about once a second while idle).
const IDLE_MS: u64 = 60_000;
/// How long sending one answer may take.
const SEND_MS: u64 = 30_000;
/// Most device bytes one digest request may cover.
pub(crate) const MAX_DIGEST_SPAN: u64 = 64 << 20;

/// Error codes of `Error` frames on the data ports.
pub(crate) mod code {
    /// This host is not primary for the resource (nothing to serve yet).
    pub(crate) const NOT_PRIMARY: u32 = 1;
    /// No such log file (yet).
    pub(crate) const NO_FILE: u32 = 2;
    /// A request no correct client makes; the server closes.
    pub(crate) const BAD_REQUEST: u32 = 3;
    /// Reading the file or device failed.
    pub(crate) const IO: u32 = 4;
    /// The primary is in emergency mode: no full sync until it ends (writes
    /// bypass the log, a copy could not be made consistent).
    pub(crate) const EMERGENCY: u32 = 5;
}

/// A request, copied out of the frame.
enum Request {
    Info(ResourceName),
    File(ResourceName, LogName),
    Read(ResourceName, LogName, u64, u32),
    Digests(ResourceName, u64, u32, u32),
    Block(ResourceName, u64, u32),
}

/// Parses `resource-RES/log-NNNNNNNNN-HOST`.
pub(crate) fn parse_log_path(path: &str) -> Option<(ResourceName, LogName)> {
    let (dir, file) = path.split_once('/')?;
    match parse_entry_name(dir).ok()? {
        Entry::Resource(res) => Some((res, LogName::parse(file).ok()?)),
        _ => None,
    }
}

fn resource(name: &str) -> Result<ResourceName, &'static str> {
    ResourceName::new(name).map_err(|_| "bad resource name")
}

fn parse(msg: &Message<'_>) -> Result<Request, &'static str> {
    let log = |p: &str| parse_log_path(p).ok_or("not a log path");
    Ok(match *msg {
        Message::ResourceInfoRequest { resource: r } => Request::Info(resource(r)?),
        Message::FileInfoRequest { path } => {
            let (r, l) = log(path)?;
            Request::File(r, l)
        }
        Message::ReadRange { path, offset, len } => {
            let (r, l) = log(path)?;
            Request::Read(r, l, offset, len)
        }
        Message::BlockDigestsRequest {
            resource: r,
            offset,
            block_size,
            count,
        } => Request::Digests(resource(r)?, offset, block_size, count),
        Message::BlockRead {
            resource: r,
            offset,
            len,
        } => Request::Block(resource(r)?, offset, len),
        _ => return Err("unexpected message"),
    })
}

/// One data session after authentication.
pub(crate) struct DataSession<'a> {
    cluster: &'a Cluster,
    primaries: &'a Primaries,
    /// The log file read last, kept open.
    open: Option<(ResourceName, LogName, File)>,
    /// Read buffer (1 MiB, 512-aligned: device reads are bios).
    buf: Option<DataBuf>,
}

/// What a request ended in: an answer was sent, or the connection closes.
type Step = Result<(), Fail>;

impl<'a> DataSession<'a> {
    /// A session with an authenticated peer.
    pub(crate) fn new(cluster: &'a Cluster, primaries: &'a Primaries) -> Self {
        DataSession {
            cluster,
            primaries,
            open: None,
            buf: None,
        }
    }

    /// Answers requests until the client leaves or misbehaves.
    pub(crate) fn serve(&mut self, conn: &mut Conn) -> Step {
        loop {
            let req = {
                let (frame, stamp) = conn.recv(Deadline::after_ms(IDLE_MS))?;
                self.cluster.merge_clock(stamp);
                parse(&frame.message)
            };
            match req {
                Ok(r) => self.answer(conn, r)?,
                Err(why) => return refuse(conn, why),
            }
        }
    }
}

/// Sends an `Error` and closes: the request was hostile or broken.
fn refuse(conn: &mut Conn, why: &'static str) -> Step {
    let _ = conn.send(
        &Message::Error {
            code: code::BAD_REQUEST,
            message: why,
        },
        Deadline::after_ms(SEND_MS),
    );
    Err(Fail::BadFrame(why))
}

/// Sends an `Error` the client may act on; the session goes on.
fn error(conn: &mut Conn, code: u32, message: &str) -> Step {
    conn.send(
        &Message::Error { code, message },
        Deadline::after_ms(SEND_MS),
    )
}

impl DataSession<'_> {
    #[inline(never)]
    fn answer(&mut self, conn: &mut Conn, req: Request) -> Step {
        match req {
            Request::Info(res) => self.info(conn, &res),
            Request::File(res, log) => match self.servable(&res, &log) {
                Ok((size, complete)) => {
                    let path =
                        fpath!("resource-{}/{}", res.as_str(), log).map_err(|_| Fail::NoMemory)?;
                    conn.send(
                        &Message::FileInfo {
                            path: path.as_str(),
                            size,
                            complete,
                        },
                        Deadline::after_ms(SEND_MS),
                    )
                }
                Err(e) if e == ENOENT => error(conn, code::NO_FILE, "no such log"),
                Err(_) => error(conn, code::IO, "cannot open the log"),
            },
            Request::Read(res, log, offset, len) => self.read(conn, &res, &log, offset, len),
            Request::Digests(res, offset, bs, count) => self.digests(conn, &res, offset, bs, count),
            Request::Block(res, offset, len) => self.block(conn, &res, offset, len),
        }
    }

    fn engine(&self, res: &ResourceName) -> Option<Arc<Engine>> {
        self.primaries.get(res)
    }

    fn info(&mut self, conn: &mut Conn, res: &ResourceName) -> Step {
        let Some(engine) = self.engine(res) else {
            return error(conn, code::NOT_PRIMARY, "not primary here");
        };
        let me = self.cluster.host;
        let number = engine.log_number.load(kernel::sync::atomic::Relaxed);
        let (mark_log, mark_pos) = engine.durable();
        let end = if mark_log == number { mark_pos } else { 0 };
        let current_log = LogName { number, host: me };
        let appended = log_path(res, &current_log)
            .and_then(|p| File::open_rw(&p))
            .map_or(end, |f| f.size().max(end));
        let written = tree::replay_link(res, &me)
            .and_then(|l| tree::read(&l))
            .ok()
            .flatten()
            .and_then(|v| ReplayValue::parse(v.as_str()).ok())
            .map_or(
                LogPos {
                    number: 0,
                    host: me,
                    pos: 0,
                },
                |r| LogPos {
                    number: r.log.number,
                    host: r.log.host,
                    pos: r.pos,
                },
            );
        conn.send(
            &Message::ResourceInfo {
                resource: res.as_str(),
                size: engine.size,
                current: LogPos {
                    number,
                    host: me,
                    pos: end,
                },
                appended,
                written,
            },
            Deadline::after_ms(SEND_MS),
        )
    }

    /// Opens `log` (or reuses the open file) and says how much of it may be
    /// served and whether it is complete: all of it, unless a primary here
    /// appends to it (then its durable part, and it is not complete).
    fn servable(&mut self, res: &ResourceName, log: &LogName) -> Result<(u64, bool)> {
        let reuse = matches!(&self.open, Some((r, l, _)) if r == res && l == log);
        if !reuse {
            self.open = None;
            let file = File::open_rw(&log_path(res, log)?)?;
            self.open = Some((*res, *log, file));
        }
        let size = self.open.as_ref().map_or(0, |(_, _, f)| f.size());
        let me = self.cluster.host;
        if let Some(engine) = self.engine(res) {
            let current = engine.log_number.load(kernel::sync::atomic::Relaxed);
            if log.host == me && log.number >= current {
                let (mark_log, mark_pos) = engine.durable();
                let end = if mark_log == log.number { mark_pos } else { 0 };
                return Ok((size.min(end), false));
            }
        }
        Ok((size, true))
    }

    fn buffer(&mut self) -> Result<&mut DataBuf, Fail> {
        if self.buf.is_none() {
            self.buf = Some(DataBuf::alloc_own(MAX_DATA).map_err(|_| Fail::NoMemory)?);
        }
        self.buf.as_mut().ok_or(Fail::Internal)
    }

    #[inline(never)]
    fn read(
        &mut self,
        conn: &mut Conn,
        res: &ResourceName,
        log: &LogName,
        offset: u64,
        len: u32,
    ) -> Step {
        let size = match self.servable(res, log) {
            Ok((size, _)) => size,
            Err(e) if e == ENOENT => return error(conn, code::NO_FILE, "no such log"),
            Err(_) => return error(conn, code::IO, "cannot open the log"),
        };
        if offset > size {
            return refuse(conn, "offset past the end of the log");
        }
        let n = size
            .saturating_sub(offset)
            .min(u64::from(len))
            .min(MAX_DATA as u64) as usize;
        self.buffer()?;
        let mut done = 0usize;
        let (Some((_, _, file)), Some(buf)) = (&self.open, self.buf.as_mut()) else {
            return Err(Fail::Internal);
        };
        while done < n {
            let part = buf.get_mut(done..n).ok_or(Fail::Internal)?;
            match file.read_at(part, offset.saturating_add(done as u64)) {
                Ok(0) => break,
                Ok(k) => done = done.saturating_add(k),
                Err(_) => return error(conn, code::IO, "reading the log failed"),
            }
        }
        let bytes = buf.get(..done).ok_or(Fail::Internal)?;
        conn.send(
            &Message::Data { offset, bytes },
            Deadline::after_ms(SEND_MS),
        )
    }

    /// The device range `[offset, offset + len)` checked against the
    /// primary's device: 512-aligned, inside it.
    fn device_range(engine: &Engine, offset: u64, len: u64) -> bool {
        (offset | len) % 512 == 0 && offset.checked_add(len).is_some_and(|e| e <= engine.size)
    }

    #[inline(never)]
    fn digests(
        &mut self,
        conn: &mut Conn,
        res: &ResourceName,
        offset: u64,
        bs: u32,
        count: u32,
    ) -> Step {
        let Some(engine) = self.engine(res) else {
            return error(conn, code::NOT_PRIMARY, "not primary here");
        };
        if engine.emergency.load(kernel::sync::atomic::Relaxed) {
            return error(conn, code::EMERGENCY, "emergency mode: no full sync now");
        }
        let span = u64::from(bs).saturating_mul(u64::from(count));
        // The last block may end at the device's end, short.
        let len = span.min(engine.size.saturating_sub(offset));
        if span > MAX_DIGEST_SPAN || len == 0 || !Self::device_range(&engine, offset, len) {
            return refuse(conn, "digest range outside the device");
        }
        let mut out = KVVec::with_capacity((count as usize).saturating_mul(DIGEST_LEN), GFP_KERNEL)
            .map_err(|_| Fail::NoMemory)?;
        let buf = self.buffer()?;
        let bs64 = u64::from(bs).max(512);
        let step = (MAX_DATA as u64 / bs64).max(1).saturating_mul(bs64);
        let mut pos = offset;
        let end = offset.saturating_add(len);
        while pos < end {
            let n = step.min(end.saturating_sub(pos)) as usize;
            let chunk = buf.get_mut(..n).ok_or(Fail::Internal)?;
            if engine.bdev.read_at(chunk, pos).is_err() {
                return error(conn, code::IO, "reading the data device failed");
            }
            for block in chunk.chunks(bs64 as usize) {
                out.extend_from_slice(&sha256(block), GFP_KERNEL)
                    .map_err(|_| Fail::NoMemory)?;
            }
            pos = pos.saturating_add(n as u64);
        }
        conn.send(
            &Message::BlockDigests {
                offset,
                block_size: bs,
                digests: &out,
            },
            Deadline::after_ms(SEND_MS),
        )
    }

    #[inline(never)]
    fn block(&mut self, conn: &mut Conn, res: &ResourceName, offset: u64, len: u32) -> Step {
        let Some(engine) = self.engine(res) else {
            return error(conn, code::NOT_PRIMARY, "not primary here");
        };
        if engine.emergency.load(kernel::sync::atomic::Relaxed) {
            return error(conn, code::EMERGENCY, "emergency mode: no full sync now");
        }
        if !Self::device_range(&engine, offset, u64::from(len)) {
            return refuse(conn, "block range outside the device");
        }
        let buf = self.buffer()?;
        let chunk = buf.get_mut(..len as usize).ok_or(Fail::Internal)?;
        if engine.bdev.read_at(chunk, offset).is_err() {
            return error(conn, code::IO, "reading the data device failed");
        }
        conn.send(
            &Message::BlockData {
                offset,
                bytes: chunk,
            },
            Deadline::after_ms(SEND_MS),
        )
    }
}
