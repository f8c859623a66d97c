// SPDX-License-Identifier: GPL-2.0

//! The writeback thread of a primary resource: queued records to the data
//! device as bios, batch after batch in log order, skipping bytes newer
//! records overwrote; flushes the data device and moves `replay-HOST`
//! forward.

use super::engine::{Engine, Rec, IDLE_SYNC_MS, SYNC_MS};
use super::profile::Stage;
use crate::ffi::{self, ThreadMain, WriteBatch};
use crate::mars_core::names::LogName;
use crate::mars_core::sort::heap_sort_by_key;
use crate::tree;
use kernel::prelude::*;
use kernel::sync::atomic::Relaxed;
use kernel::sync::Arc;
use kernel::time::{Instant, Monotonic};

/// The writeback thread of a primary resource.
pub(crate) struct Writeback {
    engine: Arc<Engine>,
}

impl Writeback {
    /// A writeback worker for `engine`.
    pub(crate) fn new(engine: Arc<Engine>) -> Result<Arc<Self>> {
        Ok(Arc::new(Writeback { engine }, GFP_KERNEL)?)
    }

    /// Writes one batch of records to the data device as bios, then drops
    /// them from the overlay; returns the last one's log position.
    ///
    /// Each byte is written from the newest record holding it (the pieces
    /// the overlay says a record still owns are disjoint), sorted by
    /// position so that adjacent pieces merge into one bio, all in flight
    /// at once. Until they have completed, reads take these bytes from the
    /// overlay; afterwards from the device. They become durable with the
    /// next [`Self::sync`] (a cache flush), which alone moves
    /// `replay-HOST` forward.
    fn write_back(&self, recs: &KVec<Arc<Rec>>) -> Result<(LogName, u64)> {
        let e = &self.engine;
        let last = recs.last().map(|r| (r.log, r.log_end)).ok_or(EINVAL)?;
        // (device start, device end, record index, payload offset)
        let mut pieces: KVec<(u64, u64, usize, u64)> = KVec::with_capacity(recs.len(), GFP_KERNEL)?;
        // The lock is taken per record: the I/O thread needs it for every
        // read and write in between.
        for (i, rec) in recs.iter().enumerate() {
            e.overlay
                .lock()
                .owned(rec.dev_off, rec.len, rec, |s, end, off| {
                    Ok(pieces.push((s, end, i, off), GFP_KERNEL)?)
                })?;
        }
        // Not `sort_unstable`: its scratch array would be 1.5 KiB of stack.
        heap_sort_by_key(&mut pieces, |p| p.0);
        let t = Instant::<Monotonic>::now();
        let mut batch = WriteBatch::new(&e.bdev)?;
        for (start, end, i, off) in pieces.iter() {
            let rec = recs.get(*i).ok_or(EINVAL)?;
            let from = usize::try_from(*off).map_err(|_| EINVAL)?;
            let n = usize::try_from(end - start).map_err(|_| EINVAL)?;
            let data = rec.payload().get(from..from.saturating_add(n)).ok_or(EIO)?;
            batch.add(*start, data)?;
        }
        batch.wait()?;
        drop(batch);
        e.profile.add(Stage::Writeback, t);
        for rec in recs.iter() {
            e.overlay.lock().remove(rec.dev_off, rec.len, rec)?;
        }
        Ok(last)
    }

    /// Makes what was written back durable and records in `replay-HOST`
    /// as much of it as is also durable in the log. Returns whether all
    /// of `upto` could be recorded.
    ///
    /// `replay-HOST` is written without a directory sync: a position that
    /// lags after a power cut only replays records again (idempotent), and
    /// the journal commits renames in order, so a log deleted because of a
    /// newer position never outlives that position.
    fn sync(&self, upto: (LogName, u64), device_synced: &mut bool) -> Result<bool> {
        let e = &self.engine;
        if !*device_synced {
            let t = Instant::<Monotonic>::now();
            e.bdev.flush()?;
            e.profile.add(Stage::DeviceFlush, t);
            *device_synced = true;
        }
        let pos = e.clamp_durable(upto.0, upto.1);
        if e.failed.load(Relaxed) {
            return Ok(false);
        }
        if let Some(pos) = pos {
            self.report(upto.0, pos);
        }
        Ok(pos == Some(upto.1))
    }

    /// Records how far writeback has come in `replay-HOST`.
    fn report(&self, log: LogName, pos: u64) {
        let e = &self.engine;
        if let Err(err) = tree::write_replay(&e.res, &e.host, (log, pos), false) {
            pr_warn!(
                "{}: cannot update replay-{}: {}\n",
                e.res.as_str(),
                e.host.as_str(),
                err.to_errno()
            );
        }
    }
}

impl ThreadMain for Writeback {
    fn run(&self) {
        let e = &self.engine;
        // Written back but not yet synced and recorded: where replay-HOST
        // will move.
        let mut unsynced: Option<(LogName, u64)> = None;
        // Whether the data device was synced since the last write-back.
        let mut device_synced = true;
        let mut last_sync = Instant::<Monotonic>::now();
        loop {
            let stopping = ffi::should_stop();
            let recs = {
                let mut b = e.backlog.lock();
                if b.queue.is_empty() && !stopping {
                    let wait = if unsynced.is_none() { 100 } else { 20 };
                    let _ = e.progress.wait_interruptible_timeout(&mut b, wait);
                }
                core::mem::take(&mut b.queue)
            };
            if recs.is_empty() && stopping && (unsynced.is_none() || e.failed.load(Relaxed)) {
                break;
            }
            if !recs.is_empty() {
                let bytes: u64 = recs.iter().map(|r| r.record.encoded_len()).sum();
                // After a failure nothing more is written to the data
                // device: it stays at what is durable, the logs hold the rest.
                let mut written = false;
                ffi::debug_writeback_delay();
                if !e.failed.load(Relaxed) {
                    match self.write_back(&recs) {
                        Ok(pos) => {
                            written = true;
                            unsynced = Some(pos);
                            device_synced = false;
                        }
                        Err(err) => e.fail("writeback to the data device", err),
                    }
                }
                drop(recs);
                {
                    let mut b = e.backlog.lock();
                    b.bytes = b.bytes.saturating_sub(bytes);
                    b.unsynced |= written;
                }
                e.progress.notify_all();
            }
            if e.failed.load(Relaxed) {
                // Never record a position after a failure.
                unsynced = None;
                e.backlog.lock().unsynced = false;
                continue;
            }
            // Sync (one device flush and one link update for many records)
            // once a second when busy, soon after the queue runs empty, and
            // before stopping.
            let idle = e.backlog.lock().queue.is_empty();
            if let Some(pos) = unsynced {
                let ms = last_sync.elapsed().as_millis();
                if ms >= SYNC_MS || (idle && ms >= IDLE_SYNC_MS) || stopping {
                    match self.sync(pos, &mut device_synced) {
                        // All recorded; or stopping, when the I/O thread
                        // has made the log as durable as it will get.
                        Ok(true) => unsynced = None,
                        Ok(false) if stopping => unsynced = None,
                        // Part of it is not durable in the log yet: again
                        // after the next log fsync.
                        Ok(false) => {}
                        Err(err) => e.fail("syncing the data device", err),
                    }
                    if unsynced.is_none() || e.failed.load(Relaxed) {
                        e.backlog.lock().unsynced = false;
                    }
                    last_sync = Instant::<Monotonic>::now();
                    e.progress.notify_all();
                }
            }
        }
    }
}
