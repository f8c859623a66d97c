// SPDX-License-Identifier: GPL-2.0

//! Log fetch and replay on a secondary, one bounded step each per turn of
//! the worker.
//!
//! Fetch: one log at a time, in log-number order, from the log holding
//! the replay position on. Each step asks the primary how much of the log
//! it serves (`FileInfo`: all of a closed log, the durable part of the
//! current one) and appends up to 1 MiB from the local copy's size on, so
//! a fetch resumes after any break without sending anything twice. A log
//! the primary has closed is fsynced here before the next one is started,
//! so only the newest local copy can have lost bytes in a crash (the
//! worker cuts it back to its last intact record when it starts).
//!
//! Replay: the records of the local copies, checked by the core scanner,
//! applied in log order with the same code as crash recovery
//! ([`crate::replay::follow`]); `replay-HOST` moves only after the data
//! device has been flushed. An incomplete record at the end of the copy
//! waits for the rest; any other bad record stops the worker with an
//! error (the primary is unaffected).

use super::client::ask;
use super::secondary::{Run, Worker};
use super::service::code;
use super::sync::resource_info;
use crate::ffi::net::{self as fnet, DataPort};
use crate::ffi::{fpath, File, IoVec};
use crate::logfile::log_path;
use crate::mars_core::names::{HostName, LogName};
use crate::mars_core::tree::ReplayValue;
use crate::mars_core::wire::{Message, MAX_DATA};
use crate::net::Fail;
use crate::replay::{self, ReplayError, Replayed};
use crate::resource::Message as Text;
use crate::tree;
use kernel::prelude::*;

/// How often a fetched copy is synced for replay at most (see
/// `apply_fetched`), unless this much more was fetched.
const SYNC_EVERY_NS: u64 = 1_000_000_000;
const SYNC_EVERY_BYTES: u64 = 8 << 20;

/// What the primary said of a log.
enum Remote {
    /// Servable size and whether it is complete.
    Info(u64, bool),
    /// It has no such log.
    Missing,
}

impl Worker {
    fn remote_info(
        &self,
        run: &mut Run,
        primary: &HostName,
        log: &LogName,
    ) -> Result<Remote, Fail> {
        let conn = self.ensure(&mut run.fetch, primary, DataPort::Fetch)?;
        let path = fpath!("resource-{}/{}", self.res.as_str(), log).map_err(|_| Fail::NoMemory)?;
        match ask(
            conn,
            &Message::FileInfoRequest {
                path: path.as_str(),
            },
        )? {
            Message::FileInfo { size, complete, .. } => Ok(Remote::Info(size, complete)),
            Message::Error {
                code: code::NO_FILE,
                ..
            } => Ok(Remote::Missing),
            Message::Error { .. } => Err(Fail::Refused),
            _ => Err(Fail::BadFrame("unexpected answer")),
        }
    }

    /// The log being fetched: the newest local copy from the replay
    /// position's log on, or that log itself.
    fn fetch_log(&self, run: &mut Run) -> Result<Option<LogName>, Fail> {
        if run.replay.is_none() {
            run.replay = self.replay_link();
        }
        let Some(pos) = run.replay else {
            return Ok(None);
        };
        let newest = self
            .newest_fetched(pos.log.number)
            .map_err(|_| Fail::Internal)?;
        Ok(Some(newest.unwrap_or(pos.log)))
    }

    /// One fetch step; whether it fetched anything.
    #[inline(never)]
    pub(super) fn fetch_step(&self, run: &mut Run, primary: &HostName) -> Result<bool, Fail> {
        let Some(log) = self.fetch_log(run)? else {
            // Never synced and no position: nothing to follow from.
            self.set_connection("none", None);
            return Ok(false);
        };
        let file = File::open_rw_create(&log_path(&self.res, &log).map_err(|_| Fail::NoMemory)?)
            .map_err(|_| Fail::Internal)?;
        let local = file.size();
        let (size, complete) = match self.remote_info(run, primary, &log)? {
            Remote::Info(s, c) => (s, c),
            Remote::Missing => {
                if local == 0 {
                    self.fail(Text::new(format_args!(
                        "{} is gone on the primary {} before it was fetched: run 'marsadm invalidate {}'",
                        log,
                        primary.as_str(),
                        self.res.as_str()
                    )));
                }
                return Ok(false);
            }
        };
        if local > size {
            self.fail(Text::new(format_args!(
                "the local copy of {} ({} bytes) is longer than the primary's ({} bytes): the histories differ; run 'marsadm invalidate {}'",
                log,
                local,
                size,
                self.res.as_str()
            )));
            return Ok(false);
        }
        if local < size {
            let want = (size - local).min(MAX_DATA as u64) as u32;
            let conn = self.ensure(&mut run.fetch, primary, DataPort::Fetch)?;
            let path =
                fpath!("resource-{}/{}", self.res.as_str(), log).map_err(|_| Fail::NoMemory)?;
            let answer = ask(
                conn,
                &Message::ReadRange {
                    path: path.as_str(),
                    offset: local,
                    len: want,
                },
            )?;
            let got = match answer {
                Message::Data { offset, bytes } if offset == local && !bytes.is_empty() => {
                    file.write_vectored_all_at(&[IoVec::new(bytes)], local)
                        .map_err(|_| Fail::Internal)?;
                    bytes.len() as u64
                }
                Message::Data { .. } => return Ok(false),
                Message::Error { .. } => return Err(Fail::Refused),
                _ => return Err(Fail::BadFrame("unexpected answer")),
            };
            let mut s = self.status.lock();
            s.copying = true;
            s.fetch_pos = Some((log, local + got));
            s.fetch_lag = size - local - got;
            return Ok(true);
        }
        {
            let mut s = self.status.lock();
            s.fetch_pos = Some((log, local));
        }
        if !complete {
            // Caught up with the log the primary writes: how far behind
            // is that (it may have moved on)?
            self.note_fetch_lag(run, primary, &log, local)?;
            return Ok(false);
        }
        // The log is complete and fetched: durable here before the next.
        file.sync().map_err(|_| Fail::Internal)?;
        let next = LogName {
            number: log.number.checked_add(1).ok_or(Fail::Internal)?,
            host: log.host,
        };
        match self.remote_info(run, primary, &next)? {
            Remote::Info(..) => {
                File::open_rw_create(&log_path(&self.res, &next).map_err(|_| Fail::NoMemory)?)
                    .map_err(|_| Fail::Internal)?;
                Ok(true)
            }
            Remote::Missing => {
                let other = LogName {
                    number: next.number,
                    host: *primary,
                };
                if other != next {
                    if let Remote::Info(..) = self.remote_info(run, primary, &other)? {
                        File::open_rw_create(
                            &log_path(&self.res, &other).map_err(|_| Fail::NoMemory)?,
                        )
                        .map_err(|_| Fail::Internal)?;
                        return Ok(true);
                    }
                }
                Ok(false)
            }
        }
    }

    fn note_fetch_lag(
        &self,
        run: &mut Run,
        primary: &HostName,
        log: &LogName,
        local: u64,
    ) -> Result<(), Fail> {
        let conn = self.ensure(&mut run.fetch, primary, DataPort::Fetch)?;
        let (_, current, _, _) = resource_info(conn, &self.res)?;
        let lag = if current.number == log.number {
            current.pos.saturating_sub(local)
        } else {
            current.pos
        };
        let mut s = self.status.lock();
        s.fetch_lag = lag;
        s.copying = lag > 0;
        Ok(())
    }

    /// One replay step; whether it applied or moved anything.
    #[inline(never)]
    pub(super) fn replay_step(&self, run: &mut Run) -> bool {
        if run.replay.is_none() {
            run.replay = self.replay_link();
        }
        let Some(pos) = run.replay else {
            return false;
        };
        let Some((end, size, stamp)) = self.apply_fetched(run, &pos) else {
            return false;
        };
        let next = self.next_copy(&pos.log).filter(|_| end >= size);
        let new = match next {
            Some(log) => ReplayValue {
                log,
                pos: 0,
                len: 0,
            },
            None => ReplayValue {
                log: pos.log,
                pos: end,
                len: end,
            },
        };
        if new == pos {
            let mut s = self.status.lock();
            s.replaying = false;
            s.replay_lag = size.saturating_sub(end);
            return false;
        }
        if tree::write_replay(&self.res, &self.host, (new.log, new.pos), false).is_err() {
            self.fail(Text::new(format_args!(
                "cannot write replay-{}",
                self.host.as_str()
            )));
            return false;
        }
        run.replay = Some(new);
        let mut s = self.status.lock();
        s.replaying = true;
        s.replay_lag = if next.is_some() {
            0
        } else {
            size.saturating_sub(end)
        };
        if stamp.is_some() {
            s.replayed_stamp = stamp;
        }
        true
    }

    /// Applies the records of the copy from `pos` on, durable on the device
    /// when it returns: (end of the last complete record, the copy's size,
    /// the stamp of the last record applied). `None` after a failure (the
    /// worker stopped) or without a copy.
    #[inline(never)]
    fn apply_fetched(
        &self,
        run: &mut Run,
        pos: &ReplayValue,
    ) -> Option<(u64, u64, Option<crate::mars_core::lamport::Stamp>)> {
        let file = File::open_rw(&log_path(&self.res, &pos.log).ok()?).ok()?;
        let size = file.size();
        // Only what is durable in the copy is replayed, so a crash never
        // leaves the device ahead of the copy; the copy is synced when
        // replay has caught up with its durable part, at most once a
        // second (or every 8 MiB): one fsync for many fetch steps.
        let mut limit = match run.synced {
            Some((log, n)) if log == pos.log => n,
            _ => 0,
        };
        let now = fnet::mono_ns();
        // Caught up: at the durable end, or stopped short of it at a record
        // that continues past it.
        let caught_up = pos.pos >= limit || run.stalled_at == Some((pos.log, pos.pos));
        if caught_up
            && size > limit
            && (now.saturating_sub(run.synced_at) >= SYNC_EVERY_NS
                || size - limit >= SYNC_EVERY_BYTES)
        {
            if file.sync().is_err() {
                self.fail(Text::new(format_args!(
                    "cannot sync the fetched copy of {}",
                    pos.log
                )));
                return None;
            }
            run.synced = Some((pos.log, size));
            run.synced_at = now;
            limit = size;
        }
        if pos.pos >= limit {
            return Some((pos.pos, size, None));
        }
        let mut done = Replayed::new();
        let end = match replay::follow(
            &file,
            pos.log,
            pos.pos,
            limit,
            &self.bdev,
            self.size,
            &mut run.window,
            &mut run.stage,
            &mut done,
        ) {
            Ok(end) => end,
            Err(e) => {
                self.replay_failed(e);
                return None;
            }
        };
        run.stalled_at = (end == pos.pos).then_some((pos.log, pos.pos));
        if end > pos.pos && (run.stage.write(&self.bdev).is_err() || self.bdev.flush().is_err()) {
            self.fail(Text::new(format_args!(
                "I/O error on the data device during replay; take the resource down and up"
            )));
            return None;
        }
        Some((end, size, done.last_stamp))
    }

    /// The local copy of the log after `log`, if the fetch has started it
    /// (then `log` is complete here).
    #[inline(never)]
    fn next_copy(&self, log: &LogName) -> Option<LogName> {
        let next = LogName {
            number: log.number.checked_add(1)?,
            host: log.host,
        };
        if self.has_copy(&next) {
            return Some(next);
        }
        self.newest_fetched(next.number)
            .ok()
            .flatten()
            .filter(|l| l.number == next.number)
    }

    fn has_copy(&self, log: &LogName) -> bool {
        log_path(&self.res, log)
            .and_then(|p| File::open_rw(&p))
            .is_ok()
    }

    #[inline(never)]
    fn replay_failed(&self, e: ReplayError) {
        let msg = match e {
            ReplayError::Corrupt { log, offset, kind } => Text::new(format_args!(
                "fetched {} is corrupt at offset {} ({}): replay stopped here, the data device stays consistent; take the resource down and up to fetch it again",
                log, offset, kind
            )),
            ReplayError::Gap { log, offset } => Text::new(format_args!(
                "the primary wrote in emergency mode before {} offset {}: those writes are missing here; replay stopped at the gap, the data device stays consistent (as of before it); run 'marsadm invalidate {}'",
                log, offset, self.res.as_str()
            )),
            e => Text::new(format_args!("replay stopped: {}", e)),
        };
        self.fail(msg);
    }
}
