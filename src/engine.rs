// SPDX-License-Identifier: GPL-2.0

//! The primary's data path for one resource: `/dev/mars/RES` requests in,
//! log records out, writeback to the data device behind.
//!
//! Two kernel threads share an [`Engine`]:
//!
//! - the **I/O thread** ([`IoWorker`]) takes requests from the block device
//!   in arrival order. A write becomes one checksummed log record appended
//!   to the current log, is entered into the overlay (the index of data not
//!   yet written back) and queued for writeback; it completes as soon as it
//!   is in the log (the device has a volatile write cache). A flush, or a
//!   FUA write, completes only after the log is fsynced; all flushes of a
//!   batch share one fsync (group commit). A read is served from the
//!   overlay where it has newer data, else from the data device.
//! - the **writeback thread** ([`Writeback`]) writes queued records to the
//!   data device in log order, skipping bytes a newer record overwrote,
//!   fsyncs the data device, drops the records from the overlay and moves
//!   `replay-HOST` forward. A crash at any point is repaired by replaying
//!   the logs from `replay-HOST`.
//!
//! When /mars fills up (a log append fails with ENOSPC, or free space falls
//! below the emergency limit) the resource enters **emergency mode**: the
//! I/O thread waits until everything pending is written back and
//! `replay-HOST` points at the end of the log, then writes go straight to
//! the data device (FUA and flush by fsyncing it). Logging resumes in a
//! new log when the control thread sees enough free space again.

use super::crc::KernelCrc32c;
use super::ffi::{self, Bdev, Disk, Rq, RqInfo, ThreadMain};
use super::logfile::LogWriter;
use super::mars_core::log::writer::{encoded_len, RecordWriter};
use super::mars_core::log::{Header, HEADER_LEN};
use super::mars_core::names::{HostName, LogName, ResourceName};
use super::overlay::{Chunk, Overlay, Piece};
use super::tree;
use kernel::prelude::*;
use kernel::sync::atomic::{Atomic, Relaxed};
use kernel::sync::{new_condvar, new_mutex, Arc, CondVar, Mutex};
use kernel::time::{Instant, Monotonic};

/// A write held in memory until writeback: the whole encoded log record.
pub(crate) struct Rec {
    buf: KVVec<u8>,
    /// Device byte offset of the data.
    pub(crate) dev_off: u64,
    /// Data length.
    pub(crate) len: u64,
    /// The log holding the record and the log offset just past it.
    pub(crate) log: LogName,
    /// Log offset just past the record.
    pub(crate) log_end: u64,
}

impl Rec {
    /// The written data.
    pub(crate) fn payload(&self) -> &[u8] {
        let end = HEADER_LEN.saturating_add(self.len as usize);
        self.buf.get(HEADER_LEN..end).unwrap_or(&[])
    }
}

/// Encodes a write record for `header` into a new buffer; `fill` copies
/// the data (`header.len` bytes) straight into its place after the
/// header, and the checksum covers it without a second copy.
pub(crate) fn encode_write(
    header: &Header,
    fill: impl FnOnce(&mut [u8]) -> Result,
) -> Result<KVVec<u8>> {
    let len = usize::try_from(header.len).map_err(|_| EINVAL)?;
    let total = encoded_len(len).ok_or(EINVAL)?;
    let mut buf = KVVec::<u8>::from_elem(0u8, total, GFP_KERNEL)?;
    let (head, rest) = buf.split_at_mut_checked(HEADER_LEN).ok_or(EINVAL)?;
    let mut w = RecordWriter::begin(&KernelCrc32c, header, head).map_err(|_| EINVAL)?;
    let (payload, tail) = rest.split_at_mut_checked(len).ok_or(EINVAL)?;
    fill(payload)?;
    w.payload(&KernelCrc32c, payload).map_err(|_| EINVAL)?;
    w.finish(&KernelCrc32c, tail).map_err(|_| EINVAL)?;
    Ok(buf)
}

impl Chunk for Arc<Rec> {
    fn same(&self, other: &Self) -> bool {
        Arc::ptr_eq(self, other)
    }
}

/// Requests the I/O thread takes per batch.
const BATCH: usize = 32;

/// Longest time written-back data stays unsynced on a busy device.
const SYNC_MS: i64 = 1000;
/// Shortest time between syncs when the queue runs empty.
const IDLE_SYNC_MS: i64 = 200;

/// State shared by the I/O thread, the writeback thread and the control
/// thread.
#[pin_data]
pub(crate) struct Engine {
    /// The resource.
    pub(crate) res: ResourceName,
    /// This host.
    pub(crate) host: HostName,
    /// The data device.
    pub(crate) bdev: Arc<Bdev>,
    /// The device's size in bytes.
    pub(crate) size: u64,
    /// Memory that pending records may hold before writes wait.
    mem_limit: u64,
    #[pin]
    overlay: Mutex<Overlay<Arc<Rec>>>,
    /// Records waiting for writeback, oldest first.
    #[pin]
    queue: Mutex<KVec<Arc<Rec>>>,
    /// Signalled when the queue grows (for writeback) and when writeback
    /// finished a batch (for the I/O thread waiting on memory or drain).
    #[pin]
    progress: CondVar,
    /// Bytes held by pending records.
    pending_bytes: Atomic<u64>,
    /// Written back but not yet synced and recorded in `replay-HOST`.
    unsynced: Atomic<bool>,
    /// Current log number (for reports).
    pub(crate) log_number: Atomic<u32>,
    /// Log number the operator wants to be current (todo-HOST/log-rotate).
    pub(crate) rotate_to: Atomic<u32>,
    /// Set by the control thread when /mars is (nearly) full.
    pub(crate) space_low: Atomic<bool>,
    /// Whether the I/O thread runs in emergency mode (writes bypass the log).
    pub(crate) emergency: Atomic<bool>,
    /// A fatal error stopped the data path (writes fail with EIO).
    pub(crate) failed: Atomic<bool>,
    /// How far the logs are durable: every log numbered below `.0` is
    /// complete and synced, log `.0` up to offset `.1`. Writeback never
    /// records a replay position beyond it.
    #[pin]
    durable_mark: Mutex<(u32, u64)>,
}

impl Engine {
    /// A new engine for `res` on `bdev`.
    pub(crate) fn new(
        res: ResourceName,
        host: HostName,
        bdev: Arc<Bdev>,
        size: u64,
        mem_limit: u64,
        first_log: u32,
    ) -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(Engine {
                res,
                host,
                bdev,
                size,
                mem_limit,
                overlay <- new_mutex!(Overlay::new()),
                queue <- new_mutex!(KVec::new()),
                progress <- new_condvar!(),
                pending_bytes: Atomic::new(0),
                unsynced: Atomic::new(false),
                log_number: Atomic::new(first_log),
                rotate_to: Atomic::new(0),
                space_low: Atomic::new(false),
                emergency: Atomic::new(false),
                failed: Atomic::new(false),
                durable_mark <- new_mutex!((first_log, 0)),
            }),
            GFP_KERNEL,
        )
    }

    /// Stops the data path for good: reads and writes fail, writeback
    /// stops writing and never moves `replay-HOST` again. The operator's
    /// down/up replays the logs from where writeback had safely come.
    pub(crate) fn fail(&self, what: &str, err: Error) {
        if !self.failed.load(Relaxed) {
            pr_err!(
                "{}: {} failed ({}): resource stopped, take it down and up to recover\n",
                self.res.as_str(),
                what,
                err.to_errno()
            );
        }
        self.failed.store(true, Relaxed);
        self.progress.notify_all();
    }

    /// Records that `log` is durable up to `pos` (all logs before it are
    /// complete).
    fn set_durable(&self, log: u32, pos: u64) {
        *self.durable_mark.lock() = (log, pos);
        self.progress.notify_all();
    }

    /// The part of a written-back position `(log, pos)` that is durable in
    /// the log, which is as far as `replay-HOST` may move; `None` while an
    /// earlier log is not complete.
    fn clamp_durable(&self, log: LogName, pos: u64) -> Option<u64> {
        let (mark_log, mark_pos) = *self.durable_mark.lock();
        if log.number < mark_log {
            Some(pos)
        } else if log.number == mark_log {
            Some(pos.min(mark_pos))
        } else {
            None
        }
    }

    /// Bytes of log not yet written back.
    pub(crate) fn pending_bytes(&self) -> u64 {
        self.pending_bytes.load(Relaxed)
    }

    /// Whether nothing waits for writeback.
    fn drained(&self) -> bool {
        self.queue.lock().is_empty() && self.pending_bytes() == 0 && !self.unsynced.load(Relaxed)
    }

    /// Waits (bounded steps) until writeback has caught up completely.
    fn wait_drained(&self) {
        while !self.drained() && !self.failed.load(Relaxed) {
            let mut q = self.queue.lock();
            if q.is_empty() && self.pending_bytes() == 0 && !self.unsynced.load(Relaxed) {
                break;
            }
            let _ = self.progress.wait_interruptible_timeout(&mut q, 10);
        }
    }
}

// ------------------------------------------------------------- I/O thread

/// The I/O thread of a primary resource.
#[pin_data]
pub(crate) struct IoWorker {
    engine: Arc<Engine>,
    disk: Arc<Disk>,
    #[pin]
    log: Mutex<Option<LogWriter>>,
}

impl IoWorker {
    /// A worker serving `disk`, appending to `log`.
    pub(crate) fn new(engine: Arc<Engine>, disk: Arc<Disk>, log: LogWriter) -> Result<Arc<Self>> {
        Arc::pin_init(
            try_pin_init!(IoWorker {
                engine,
                disk,
                log <- new_mutex!(Some(log)),
            }),
            GFP_KERNEL,
        )
    }

    /// Takes the log back when the thread has stopped (to close it).
    pub(crate) fn take_log(&self) -> Option<LogWriter> {
        self.log.lock().take()
    }

    /// Encodes the write `rq` as a record and appends it to the log.
    fn log_write(&self, log: &mut LogWriter, rq: &Rq, info: &RqInfo) -> Result<Arc<Rec>> {
        let header = Header::write(
            log.next_seq,
            tree::lamport_stamp(),
            info.pos,
            info.len,
            log.durable,
        )
        .with_log_id(log.id);
        let buf = encode_write(&header, |payload| rq.copy_out(payload))?;
        log.append(&buf)?;
        Ok(Arc::new(
            Rec {
                buf,
                dev_off: info.pos,
                len: info.len,
                log: log.name,
                log_end: log.pos,
            },
            GFP_KERNEL,
        )?)
    }

    /// Handles one write in normal mode: log, overlay, writeback queue.
    fn write(&self, log: &mut LogWriter, rq: &Rq, info: &RqInfo) -> Result {
        let e = &self.engine;
        // Bound the memory pending records hold: wait for writeback.
        while e.pending_bytes() > e.mem_limit && !e.failed.load(Relaxed) {
            let mut q = e.queue.lock();
            let _ = e.progress.wait_interruptible_timeout(&mut q, 10);
        }
        let rec = self.log_write(log, rq, info)?;
        // The record is in the log now: if it cannot be indexed and queued
        // the data path stops (reads would miss it, writeback would never
        // write it); the next start replays it from the log.
        let bytes = rec.buf.len() as u64;
        if let Err(err) = e.overlay.lock().insert(info.pos, info.len, &rec) {
            e.fail("indexing a write", err);
            return Err(err);
        }
        {
            // Counted under the queue lock, so writeback (which takes the
            // queue under it) never subtracts before this adds.
            let mut q = e.queue.lock();
            if let Err(err) = q.push(rec, GFP_KERNEL) {
                drop(q);
                e.fail("queueing a write for writeback", err.into());
                return Err(ENOMEM);
            }
            e.pending_bytes.fetch_add(bytes, Relaxed);
        }
        e.progress.notify_all();
        Ok(())
    }

    /// Handles one write in emergency mode: straight to the data device.
    fn write_direct(&self, rq: &Rq, info: &RqInfo, scratch: &mut KVVec<u8>) -> Result {
        let len = usize::try_from(info.len).map_err(|_| EINVAL)?;
        let buf = scratch.get_mut(..len).ok_or(EINVAL)?;
        rq.copy_out(buf)?;
        self.engine.bdev.file().write_all_at(buf, info.pos)
    }

    /// Serves a read: newest data from the overlay, the rest from disk.
    fn read(&self, rq: &Rq, info: &RqInfo, scratch: &mut KVVec<u8>) -> Result {
        let e = &self.engine;
        let end = info.pos.checked_add(info.len).ok_or(EINVAL)?;
        let mut pieces: KVec<Piece<Arc<Rec>>> = KVec::new();
        e.overlay
            .lock()
            .lookup(info.pos, end, |p| Ok(pieces.push(p, GFP_KERNEL)?))?;
        for p in pieces.iter() {
            match p {
                Piece::Data {
                    start,
                    end,
                    chunk,
                    offset,
                } => {
                    let from = usize::try_from(*offset).map_err(|_| EINVAL)?;
                    let n = usize::try_from(end - start).map_err(|_| EINVAL)?;
                    let data = chunk
                        .payload()
                        .get(from..from.saturating_add(n))
                        .ok_or(EIO)?;
                    rq.copy_in(start - info.pos, data)?;
                }
                Piece::Gap { start, end } => {
                    let n = usize::try_from(end - start).map_err(|_| EINVAL)?;
                    let buf = scratch.get_mut(..n).ok_or(EINVAL)?;
                    e.bdev.file().read_exact_at(buf, *start)?;
                    rq.copy_in(start - info.pos, buf)?;
                }
            }
        }
        Ok(())
    }

    /// Syncs the log: for a flush (`data_only`: only if write records are
    /// not durable yet) or everything including a pending flush marker. A
    /// failure stops the data path (the log is poisoned, so no later flush
    /// can succeed over lost pages either).
    fn sync_log(&self, log: &mut LogWriter, data_only: bool) -> Result {
        let e = &self.engine;
        let r = if data_only {
            log.sync_data()
        } else {
            log.sync()
        };
        match r {
            Ok(()) => {
                e.set_durable(log.name.number, log.durable);
                Ok(())
            }
            Err(err) => {
                e.fail("syncing the log", err);
                Err(err)
            }
        }
    }

    /// Switches to emergency mode: drain writeback, then bypass the log.
    ///
    /// Once writeback has drained, every record of the current log is on
    /// the data device: the data device is synced, the log is closed, an
    /// empty successor is started (if /mars can still hold an empty file)
    /// and `replay-HOST` moves, durably, to the successor's start, so the
    /// full log can be deleted (`marsadm log-delete`) and no crash can
    /// replay old records over the direct writes that follow. Any failure
    /// on the way stops the data path instead (writes end with an error,
    /// nothing is corrupted): the pointer never moves past records that
    /// are not durable on the data device.
    fn enter_emergency(&self, slot: &mut Option<LogWriter>) {
        let e = &self.engine;
        let Some(mut log) = slot.take() else {
            e.emergency.store(true, Relaxed);
            return;
        };
        pr_warn!(
            "{}: /mars is full: EMERGENCY MODE, writes bypass the log ({} ends at {})\n",
            e.res.as_str(),
            log.name,
            log.pos
        );
        if self.sync_log(&mut log, false).is_err() {
            *slot = Some(log);
            return;
        }
        e.wait_drained();
        if e.failed.load(Relaxed) {
            *slot = Some(log);
            return;
        }
        if let Err(err) = e.bdev.file().sync() {
            e.fail("syncing the data device", err);
            *slot = Some(log);
            return;
        }
        let name = log.name;
        if let Err(err) = log.close(&e.res) {
            e.fail("closing the full log", err);
            return;
        }
        let Some(next) = name.number.checked_add(1) else {
            e.fail("numbering the next log", EOVERFLOW);
            return;
        };
        let next_name = LogName {
            number: next,
            host: e.host,
        };
        *slot = LogWriter::create(&e.res, e.host, next).ok();
        e.log_number.store(next, Relaxed);
        e.set_durable(next, 0);
        match tree::write_replay(&e.res, &e.host, (next_name, 0), true) {
            Ok(()) => e.emergency.store(true, Relaxed),
            Err(err) => e.fail("recording the replay position for emergency mode", err),
        }
    }

    /// Leaves emergency mode: the data device is synced first (writes that
    /// went straight to it would otherwise stay in its cache while later
    /// flushes only sync the log), then logging resumes in the (empty) log
    /// started when the emergency began, or in a new one.
    fn leave_emergency(&self, slot: &mut Option<LogWriter>) -> Result {
        let e = &self.engine;
        if let Err(err) = e.bdev.file().sync() {
            e.fail("syncing the data device when leaving emergency mode", err);
            return Err(err);
        }
        if slot.is_none() {
            *slot = Some(LogWriter::create(
                &e.res,
                e.host,
                e.log_number.load(Relaxed),
            )?);
        }
        e.emergency.store(false, Relaxed);
        if let Some(log) = slot.as_ref() {
            pr_info!(
                "{}: /mars has space again: logging resumes in {}\n",
                e.res.as_str(),
                log.name
            );
        }
        Ok(())
    }

    /// Closes the current log and starts the next one; returns its number.
    fn rotate(&self, slot: &mut Option<LogWriter>) -> Result<u32> {
        let e = &self.engine;
        let old = slot.take().ok_or(EINVAL)?;
        let next = old.name.number.checked_add(1).ok_or(EOVERFLOW)?;
        // A log whose close failed may not be complete on disk: the data
        // path stops (the caller fails it) rather than move on past it.
        old.close(&e.res)?;
        let new = LogWriter::create(&e.res, e.host, next)?;
        e.log_number.store(next, Relaxed);
        // Writeback may now move `replay-HOST` to the end of the old log.
        e.set_durable(next, 0);
        *slot = Some(new);
        Ok(next)
    }

    /// One batch of requests.
    fn serve(&self, batch: &mut KVec<Rq>, slot: &mut Option<LogWriter>, scratch: &mut KVVec<u8>) {
        let e = &self.engine;
        let mut waiting: KVec<(Rq, Result)> = KVec::new();
        let mut need_sync = false;
        for rq in batch.drain_all() {
            let info = rq.info();
            let failed = e.failed.load(Relaxed);
            match info.op {
                ffi::RQ_READ => {
                    let r = if failed {
                        Err(EIO)
                    } else {
                        self.read(&rq, &info, scratch)
                    };
                    rq.end(r);
                }
                ffi::RQ_WRITE | ffi::RQ_FLUSH if failed => rq.end(Err(EIO)),
                ffi::RQ_WRITE if e.emergency.load(Relaxed) => {
                    let r = self.write_direct(&rq, &info, scratch);
                    if info.fua != 0 {
                        need_sync = true;
                        // On allocation failure the request is dropped, which ends it with EIO.
                        let _ = waiting.push((rq, r), GFP_KERNEL);
                    } else {
                        rq.end(r);
                    }
                }
                ffi::RQ_WRITE => {
                    let r = match slot.as_mut() {
                        Some(log) => self.write(log, &rq, &info),
                        None => Err(EIO),
                    };
                    let r = match r {
                        Err(err) if err == ENOSPC && !e.failed.load(Relaxed) => {
                            self.enter_emergency(slot);
                            if e.emergency.load(Relaxed) {
                                self.write_direct(&rq, &info, scratch)
                            } else {
                                Err(EIO)
                            }
                        }
                        r => r,
                    };
                    if info.fua != 0 {
                        need_sync = true;
                    }
                    // Complete after this batch's sync (ordering with FUA
                    // and flushes in the same batch stays simple).
                    // On allocation failure the request is dropped, which ends it with EIO.
                    let _ = waiting.push((rq, r), GFP_KERNEL);
                }
                ffi::RQ_FLUSH => {
                    need_sync = true;
                    let _ = waiting.push((rq, Ok(())), GFP_KERNEL);
                }
                _ => rq.end(Err(EOPNOTSUPP)),
            }
        }
        if need_sync {
            let r = if e.failed.load(Relaxed) {
                Err(EIO)
            } else if e.emergency.load(Relaxed) {
                e.bdev
                    .file()
                    .sync()
                    .inspect_err(|err| e.fail("syncing the data device", *err))
            } else {
                match slot.as_mut() {
                    Some(log) => self.sync_log(log, true),
                    None => Err(EIO),
                }
            };
            if r.is_err() {
                for (rq, _) in waiting.drain_all() {
                    rq.end(Err(EIO));
                }
                return;
            }
        }
        for (rq, r) in waiting.drain_all() {
            rq.end(r);
        }
    }

    /// Work done when no request is waiting: emergency transitions, log
    /// rotation, and making a pending flush marker durable.
    fn idle(&self, slot: &mut Option<LogWriter>, leave_failed: &mut bool) {
        let e = &self.engine;
        if e.failed.load(Relaxed) {
            return;
        }
        if e.emergency.load(Relaxed) && !e.space_low.load(Relaxed) {
            match self.leave_emergency(slot) {
                Ok(()) => *leave_failed = false,
                Err(err) => {
                    // Said once per episode, not every 100 ms.
                    if !*leave_failed {
                        pr_err!(
                            "{}: cannot leave emergency mode yet: {}\n",
                            e.res.as_str(),
                            err.to_errno()
                        );
                    }
                    *leave_failed = true;
                }
            }
        } else if !e.emergency.load(Relaxed) && e.space_low.load(Relaxed) {
            self.enter_emergency(slot);
        }
        let want = e.rotate_to.load(Relaxed);
        let cur = e.log_number.load(Relaxed);
        if want > cur && !e.emergency.load(Relaxed) && !e.failed.load(Relaxed) {
            match self.rotate(slot) {
                Ok(n) => pr_info!("{}: log rotated to {}\n", e.res.as_str(), n),
                Err(err) => e.fail("rotating the log", err),
            }
        }
        if let Some(log) = slot
            .as_mut()
            .filter(|l| l.has_unsynced() && !e.emergency.load(Relaxed))
        {
            // Like a disk cache written out when idle: records not flushed
            // by the user become durable (so writeback can record them),
            // and a pending flush marker proves the last group of records.
            let _ = self.sync_log(log, false);
        }
    }
}

impl ThreadMain for IoWorker {
    fn run(&self) {
        let e = &self.engine;
        let mut slot = self.log.lock().take();
        let mut batch: KVec<Rq> = KVec::new();
        let mut leave_failed = false;
        let mut last_log_sync = Instant::<Monotonic>::now();
        let mut scratch = match KVVec::<u8>::from_elem(0u8, ffi::BLK_MAX_IO, GFP_KERNEL) {
            Ok(s) => s,
            Err(_) => {
                e.fail("allocating the I/O thread's buffer", ENOMEM);
                KVVec::new()
            }
        };
        loop {
            self.disk.wait(100);
            if self.disk.take(&mut batch, BATCH).is_err() {
                continue;
            }
            if batch.is_empty() {
                if ffi::should_stop() {
                    break;
                }
                self.idle(&mut slot, &mut leave_failed);
                last_log_sync = Instant::<Monotonic>::now();
                continue;
            }
            self.serve(&mut batch, &mut slot, &mut scratch);
            // Under a steady load without flushes the log is still synced
            // once a second, so `replay-HOST` keeps moving and logs can be
            // deleted.
            if last_log_sync.elapsed().as_millis() >= SYNC_MS {
                if let Some(log) = slot
                    .as_mut()
                    .filter(|l| l.has_unsynced_data() && !e.failed.load(Relaxed))
                {
                    let _ = self.sync_log(log, true);
                }
                last_log_sync = Instant::<Monotonic>::now();
            }
        }
        if let Some(log) = slot.as_mut() {
            if !e.failed.load(Relaxed) {
                let _ = self.sync_log(log, false);
            }
        }
        *self.log.lock() = slot;
    }
}

// -------------------------------------------------------- writeback thread

/// The writeback thread of a primary resource.
pub(crate) struct Writeback {
    engine: Arc<Engine>,
}

impl Writeback {
    /// A writeback worker for `engine`.
    pub(crate) fn new(engine: Arc<Engine>) -> Result<Arc<Self>> {
        Ok(Arc::new(Writeback { engine }, GFP_KERNEL)?)
    }

    /// Writes one batch of records back into the data device's page cache
    /// and drops them from the overlay; returns the last one's position.
    ///
    /// Reads see the data there from now on (they read through the same
    /// page cache); it becomes durable with the next [`Self::sync`], which
    /// alone moves `replay-HOST` forward.
    fn write_back(&self, recs: &KVec<Arc<Rec>>) -> Result<(LogName, u64)> {
        let e = &self.engine;
        let mut last = None;
        let mut ranges: KVec<(u64, u64, u64)> = KVec::new();
        for rec in recs.iter() {
            ranges.clear();
            e.overlay
                .lock()
                .owned(rec.dev_off, rec.len, rec, |s, end, off| {
                    Ok(ranges.push((s, end, off), GFP_KERNEL)?)
                })?;
            for (s, end, off) in ranges.iter() {
                let from = usize::try_from(*off).map_err(|_| EINVAL)?;
                let n = usize::try_from(end - s).map_err(|_| EINVAL)?;
                let data = rec.payload().get(from..from.saturating_add(n)).ok_or(EIO)?;
                e.bdev.file().write_all_at(data, *s)?;
            }
            e.overlay.lock().remove(rec.dev_off, rec.len, rec)?;
            last = Some((rec.log, rec.log_end));
        }
        last.ok_or(EINVAL)
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
            e.bdev.file().sync()?;
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
                let mut q = e.queue.lock();
                if q.is_empty() && !stopping {
                    let wait = if unsynced.is_none() { 100 } else { 20 };
                    let _ = e.progress.wait_interruptible_timeout(&mut q, wait);
                }
                core::mem::take(&mut *q)
            };
            if recs.is_empty() && stopping && (unsynced.is_none() || e.failed.load(Relaxed)) {
                break;
            }
            if !recs.is_empty() {
                let bytes: u64 = recs.iter().map(|r| r.buf.len() as u64).sum();
                // After a failure nothing more is written to the data
                // device: it stays at what is durable, the logs hold the rest.
                if !e.failed.load(Relaxed) {
                    match self.write_back(&recs) {
                        Ok(pos) => {
                            e.unsynced.store(true, Relaxed);
                            unsynced = Some(pos);
                            device_synced = false;
                        }
                        Err(err) => e.fail("writeback to the data device", err),
                    }
                }
                drop(recs);
                e.pending_bytes.fetch_sub(bytes, Relaxed);
                e.progress.notify_all();
            }
            if e.failed.load(Relaxed) {
                // Never record a position after a failure.
                unsynced = None;
                e.unsynced.store(false, Relaxed);
                continue;
            }
            // Sync (one device flush and one link update for many records)
            // once a second when busy, soon after the queue runs empty, and
            // before stopping.
            let idle = e.queue.lock().is_empty();
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
                        e.unsynced.store(false, Relaxed);
                    }
                    last_sync = Instant::<Monotonic>::now();
                    e.progress.notify_all();
                }
            }
        }
    }
}

#[kunit_tests(mars_record)]
mod tests {
    use super::encode_write;
    use crate::crc::KernelCrc32c;
    use crate::mars_core::lamport::Stamp;
    use crate::mars_core::log::scanner::{Scanner, Verdict};
    use crate::mars_core::log::Header;
    use kernel::prelude::*;

    /// A write request maps to one record that the scanner reads back
    /// with the same position, length, sequence number and data.
    #[test]
    fn write_request_maps_to_one_record() {
        let stamp = Stamp {
            sec: 1_700_000_000,
            nsec: 5,
        };
        let mut log = KVec::new();
        for (seq, pos, len) in [(1u64, 0u64, 512u64), (2, 4096, 4096), (3, 1 << 20, 12288)] {
            let header = Header::write(seq, stamp, pos, len, 0);
            let buf = encode_write(&header, |p| {
                for (i, b) in p.iter_mut().enumerate() {
                    *b = (i as u64 ^ seq) as u8;
                }
                Ok(())
            })
            .unwrap();
            log.extend_from_slice(&buf, GFP_KERNEL).unwrap();
        }
        let mut scanner = Scanner::new(&log, 0, 1, true, &KernelCrc32c);
        let mut n = 0u64;
        for rec in scanner.by_ref() {
            n += 1;
            assert_eq!(rec.header.seq, n);
            assert_eq!(rec.payload.len() as u64, rec.header.len);
            assert!(rec
                .payload
                .iter()
                .enumerate()
                .all(|(i, b)| *b == (i as u64 ^ n) as u8));
        }
        assert_eq!(n, 3);
        assert_eq!(
            scanner.verdict(),
            Some(Verdict::CleanEnd {
                offset: log.len() as u64
            })
        );
    }

    /// A failing copy (e.g. a request whose length does not match) makes
    /// no record.
    #[test]
    fn failed_copy_makes_no_record() {
        let header = Header::write(1, Stamp { sec: 1, nsec: 0 }, 0, 4096, 0);
        assert!(encode_write(&header, |_| Err(EINVAL)).is_err());
    }
}
