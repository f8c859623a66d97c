// SPDX-License-Identifier: GPL-2.0

//! The I/O thread of a primary resource: requests of `/dev/mars/RES` in
//! arrival order, writes into the log, reads from the overlay and the data
//! device, flushes handed to the log-sync thread, emergency mode and log
//! rotation.

use super::engine::{encode_write, Engine, Rec, BATCH, SYNC_MS};
use super::logsync::{LogSync, Waiters};
use super::overlay::Piece;
use super::profile::Stage;
use crate::ffi::{self, DataBuf, Disk, ReadRq, Rq, RqInfo, ThreadMain, WriteBatch};
use crate::logfile::LogWriter;
use crate::mars_core::log::Header;
use crate::mars_core::names::LogName;
use crate::tree;
use kernel::prelude::*;
use kernel::sync::atomic::Relaxed;
use kernel::sync::{new_mutex, Arc, Mutex};
use kernel::time::{Instant, Monotonic};

/// Log bytes gathered before they are appended with one write.
const GROUP_BYTES: u64 = 4 << 20;

/// Writes encoded as log records, not yet appended: the I/O thread appends
/// them with one write into the log file (see [`IoWorker::commit`]).
struct Group {
    /// The requests and their records, in arrival order.
    writes: KVec<(Rq, Arc<Rec>)>,
    /// Encoded bytes of the records.
    bytes: u64,
}

/// The I/O thread of a primary resource.
#[pin_data]
pub(crate) struct IoWorker {
    engine: Arc<Engine>,
    disk: Arc<Disk>,
    /// Makes the log durable for flushes.
    sync: Arc<LogSync>,
    #[pin]
    log: Mutex<Option<LogWriter>>,
}

impl IoWorker {
    /// A worker serving `disk`, appending to `log`.
    pub(crate) fn new(
        engine: Arc<Engine>,
        disk: Arc<Disk>,
        sync: Arc<LogSync>,
        log: LogWriter,
    ) -> Result<Arc<Self>> {
        Arc::pin_init(
            try_pin_init!(IoWorker {
                engine,
                disk,
                sync,
                log <- new_mutex!(Some(log)),
            }),
            GFP_KERNEL,
        )
    }

    /// Takes the log back when the thread has stopped (to close it).
    pub(crate) fn take_log(&self) -> Option<LogWriter> {
        self.log.lock().take()
    }

    /// Encodes the write `rq` as the record that will follow `group` in
    /// `log` (its sequence number and end offset count the records of the
    /// group before it).
    fn encode(&self, log: &LogWriter, group: &Group, rq: &Rq, info: &RqInfo) -> Result<Arc<Rec>> {
        let count = u64::try_from(group.writes.len()).map_err(|_| EINVAL)?;
        let seq = log.next_seq.checked_add(count).ok_or(EOVERFLOW)?;
        let header = Header::write(
            seq,
            tree::lamport_stamp(),
            info.pos,
            info.len,
            log.durable(),
        )
        .with_log_id(log.id);
        let prof = &self.engine.profile;
        let t = Instant::<Monotonic>::now();
        let payload = DataBuf::copy_of_request(rq, &self.engine.cache, &self.engine.reserve)?;
        prof.add(Stage::Copy, t);
        let t = Instant::<Monotonic>::now();
        let record = encode_write(&header, payload)?;
        prof.add(Stage::Checksum, t);
        prof.record(info.len);
        let log_end = log
            .pos
            .checked_add(group.bytes)
            .and_then(|p| p.checked_add(record.encoded_len()))
            .ok_or(EINVAL)?;
        Ok(Arc::new(
            Rec {
                record,
                dev_off: info.pos,
                len: info.len,
                log: log.name,
                log_end,
            },
            GFP_KERNEL,
        )?)
    }

    /// Appends the records of `group` to the log with one write, then
    /// indexes and queues them for writeback; their requests go to
    /// `waiting` (they complete after the batch's sync, if any). If /mars
    /// is full the resource enters emergency mode and the group is written
    /// straight to the data device instead.
    fn commit(
        &self,
        group: &mut Group,
        slot: &mut Option<LogWriter>,
        waiting: &mut KVec<(Rq, Result)>,
    ) {
        if group.writes.is_empty() {
            return;
        }
        let e = &self.engine;
        // Bound the memory pending records hold: wait for writeback.
        {
            let mut b = e.backlog.lock();
            while b.bytes > e.mem_limit && !e.failed.load(Relaxed) {
                let _ = e.progress.wait_interruptible_timeout(&mut b, 10);
            }
        }
        let r = match slot.as_mut() {
            _ if e.failed.load(Relaxed) => Err(EIO),
            Some(log) => {
                let count = group.writes.len();
                let mut vecs = KVec::with_capacity(count.saturating_mul(3), GFP_KERNEL);
                if let Ok(v) = vecs.as_mut() {
                    for (_, rec) in group.writes.iter() {
                        for part in rec.record.parts() {
                            // Cannot fail: the capacity is there.
                            let _ = v.push(part, GFP_NOWAIT);
                        }
                    }
                }
                let t = Instant::<Monotonic>::now();
                let r = match vecs {
                    Ok(v) => log.append_batch(&v, count),
                    Err(_) => Err(ENOMEM),
                };
                e.profile.add(Stage::Append, t);
                r
            }
            None => Err(EIO),
        };
        group.bytes = 0;
        match r {
            Ok(()) => {
                for (rq, rec) in group.writes.drain_all() {
                    let r = self.index(rec);
                    // On allocation failure the request is dropped, which ends it with EIO.
                    let _ = waiting.push((rq, r), GFP_KERNEL);
                }
            }
            Err(err) if err == ENOSPC && !e.failed.load(Relaxed) => {
                self.enter_emergency(slot);
                for (rq, rec) in group.writes.drain_all() {
                    let r = if e.emergency.load(Relaxed) {
                        self.write_through(rec.payload(), rec.dev_off)
                    } else {
                        Err(EIO)
                    };
                    let _ = waiting.push((rq, r), GFP_KERNEL);
                }
            }
            Err(err) => {
                for (rq, _) in group.writes.drain_all() {
                    let _ = waiting.push((rq, Err(err)), GFP_KERNEL);
                }
            }
        }
    }

    /// Enters a record that is in the log into the overlay and the
    /// writeback queue. If that fails the data path stops (reads would miss
    /// it, writeback would never write it) and the write ends with EIO;
    /// the next start replays it from the log.
    fn index(&self, rec: Arc<Rec>) -> Result {
        let e = &self.engine;
        let bytes = rec.record.encoded_len();
        if let Err(err) = e.overlay.lock().insert(rec.dev_off, rec.len, &rec) {
            e.fail("indexing a write", err);
            return Err(EIO);
        }
        {
            let mut b = e.backlog.lock();
            let pushed = if ffi::fail_queue() {
                Err(ENOMEM)
            } else {
                b.queue.push(rec, GFP_KERNEL).map_err(Error::from)
            };
            if let Err(err) = pushed {
                drop(b);
                e.fail("queueing a write for writeback", err);
                return Err(EIO);
            }
            b.bytes = b.bytes.saturating_add(bytes);
        }
        e.progress.notify_all();
        Ok(())
    }

    /// Handles one write in emergency mode: straight to the data device.
    fn write_direct(&self, rq: &Rq, info: &RqInfo) -> Result {
        self.engine.wrote_direct.store(true, Relaxed);
        let buf = DataBuf::copy_of_request(rq, &self.engine.cache, &self.engine.reserve)?;
        self.write_through(&buf, info.pos)
    }

    /// Writes `data` to the data device at `pos` and waits for it (not
    /// durable before the next flush of the device).
    fn write_through(&self, data: &[u8], pos: u64) -> Result {
        let mut batch = WriteBatch::new(&self.engine.bdev)?;
        batch.add(pos, data)?;
        batch.wait()
    }

    /// Serves a read: the newest data from the overlay (copied now), the
    /// rest read from the data device by bios straight into the request's
    /// pages; the request ends when they complete, so reads run at queue
    /// depth and never hold up the requests behind them.
    fn read(&self, rq: Rq, info: &RqInfo) {
        let rq = rq.into_read();
        let r = self.fill_read(&rq, info);
        rq.finish(r);
    }

    fn fill_read(&self, rq: &ReadRq, info: &RqInfo) -> Result {
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
                    rq.read_from(start - info.pos, end - start, &e.bdev, *start)?;
                }
            }
        }
        Ok(())
    }

    /// Syncs the log here and now, including a flush marker, before it is
    /// closed or left. A failure stops the data path (the log is
    /// poisoned, so no later flush can succeed over lost pages either).
    fn sync_log(&self, log: &mut LogWriter) -> Result {
        let e = &self.engine;
        let t = Instant::<Monotonic>::now();
        let r = log.sync();
        e.profile.add(Stage::LogSync, t);
        match r {
            Ok(()) => {
                e.set_durable(log.name.number, log.durable());
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
        if self.sync_log(&mut log).is_err() {
            *slot = Some(log);
            return;
        }
        e.wait_drained();
        if e.failed.load(Relaxed) {
            *slot = Some(log);
            return;
        }
        if let Err(err) = e.bdev.flush() {
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
        if let Err(err) = e.bdev.flush() {
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
        if e.wrote_direct.load(Relaxed) {
            self.mark_gap(slot)?;
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

    /// Starts the log in which logging resumes with a gap marker, so that
    /// secondaries stop there (they never saw the direct writes), and
    /// moves `replay-HOST` past it durably (the data device was flushed:
    /// nothing before the marker is left to write back), so that a full
    /// sync starting from now does not stop at it. Only the I/O thread
    /// writes the position here: writeback has nothing queued.
    fn mark_gap(&self, slot: &mut Option<LogWriter>) -> Result {
        let e = &self.engine;
        let Some(log) = slot.as_mut() else {
            return Err(EINVAL);
        };
        if let Err(err) = log.append_gap() {
            e.fail("marking the emergency gap in the log", err);
            return Err(err);
        }
        let (name, end) = (log.name, log.pos);
        e.set_durable(name.number, end);
        if let Err(err) = tree::write_replay(&e.res, &e.host, (name, end), true) {
            e.fail("recording the replay position after emergency mode", err);
            return Err(err);
        }
        e.wrote_direct.store(false, Relaxed);
        pr_warn!(
            "{}: writes went straight to the data device during emergency mode: secondaries stop at the gap in {} and need 'marsadm invalidate'\n",
            e.res.as_str(),
            name
        );
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

    /// Waits a little for memory: writeback returns reserve buffers as it
    /// writes records back (and wakes `progress`). Says so once per
    /// episode; a failed data path ends the wait (its writes fail).
    fn wait_for_memory(&self) {
        let e = &self.engine;
        if !e.memory_short.xchg(true, Relaxed) {
            pr_warn!(
                "{}: memory is short: writes wait for the reserve\n",
                e.res.as_str()
            );
        }
        let mut b = e.backlog.lock();
        if !e.failed.load(Relaxed) {
            let _ = e.progress.wait_interruptible_timeout(&mut b, 10);
        }
    }

    /// One batch of requests.
    #[inline(never)] // its frame stays out of `run`'s
    fn serve(&self, batch: &mut KVec<Rq>, slot: &mut Option<LogWriter>) {
        let e = &self.engine;
        let mut waiting: Waiters = KVec::new();
        let mut group = Group {
            writes: KVec::new(),
            bytes: 0,
        };
        let mut need_sync = false;
        for rq in batch.drain_all() {
            let info = rq.info();
            // A write that found no memory for its record (the reserve's
            // buffers are all in flight) is dispatched again once
            // writeback has given some back.
            loop {
                // Writes for the log gather in `group`; anything else
                // commits the group first, so reads see those writes and
                // order holds.
                let for_log = info.op == ffi::RQ_WRITE
                    && slot.is_some()
                    && !e.failed.load(Relaxed)
                    && !e.emergency.load(Relaxed);
                if !for_log {
                    self.commit(&mut group, slot, &mut waiting);
                }
                let failed = e.failed.load(Relaxed);
                match info.op {
                    ffi::RQ_READ if failed => rq.end(Err(EIO)),
                    ffi::RQ_READ => self.read(rq, &info),
                    ffi::RQ_WRITE | ffi::RQ_FLUSH if failed => rq.end(Err(EIO)),
                    ffi::RQ_WRITE if e.emergency.load(Relaxed) => {
                        let r = self.write_direct(&rq, &info);
                        if info.fua != 0 {
                            need_sync = true;
                            // On allocation failure the request is dropped, which ends it with EIO.
                            let _ = waiting.push((rq, r), GFP_KERNEL);
                        } else {
                            rq.end(r);
                        }
                    }
                    ffi::RQ_WRITE => {
                        if info.fua != 0 {
                            need_sync = true;
                        }
                        // Completes once it is in the log (a FUA write
                        // once that is durable).
                        let Some(log) = slot.as_ref() else {
                            let _ = waiting.push((rq, Err(EIO)), GFP_KERNEL);
                            break;
                        };
                        match self.encode(log, &group, &rq, &info) {
                            Ok(rec) => {
                                let bytes = rec.record.encoded_len();
                                if !rec.is_reserved() && e.memory_short.xchg(false, Relaxed) {
                                    pr_info!("{}: memory is back\n", e.res.as_str());
                                }
                                // On allocation failure the request is
                                // dropped, which ends it with EIO.
                                if group.writes.push((rq, rec), GFP_KERNEL).is_ok() {
                                    group.bytes = group.bytes.saturating_add(bytes);
                                }
                                if group.bytes >= GROUP_BYTES {
                                    self.commit(&mut group, slot, &mut waiting);
                                }
                            }
                            Err(err) if err == ENOMEM => {
                                // Reserve buffers held by the group come
                                // back only once it is in the log and
                                // written back.
                                self.commit(&mut group, slot, &mut waiting);
                                self.wait_for_memory();
                                continue;
                            }
                            Err(err) => {
                                let _ = waiting.push((rq, Err(err)), GFP_KERNEL);
                            }
                        }
                    }
                    ffi::RQ_FLUSH => {
                        need_sync = true;
                        let _ = waiting.push((rq, Ok(())), GFP_KERNEL);
                    }
                    _ => rq.end(Err(EOPNOTSUPP)),
                }
                break;
            }
        }
        self.commit(&mut group, slot, &mut waiting);
        if !need_sync {
            for (rq, r) in waiting.drain_all() {
                rq.end(r);
            }
            return;
        }
        if e.failed.load(Relaxed) {
            for (rq, _) in waiting.drain_all() {
                rq.end(Err(EIO));
            }
        } else if e.emergency.load(Relaxed) {
            let r = e
                .bdev
                .flush()
                .inspect_err(|err| e.fail("syncing the data device", *err));
            for (rq, rr) in waiting.drain_all() {
                rq.end(r.and(rr));
            }
        } else {
            self.hand_to_sync(&mut waiting, slot.as_ref());
        }
    }

    /// Ends the requests of a batch with a flush or FUA write: writes
    /// without FUA (and failed requests) now, flushes and FUA writes by
    /// the log-sync thread once the log is durable up to its end now,
    /// right away if it is already.
    fn hand_to_sync(&self, waiting: &mut Waiters, log: Option<&LogWriter>) {
        let Some(log) = log else {
            for (rq, _) in waiting.drain_all() {
                rq.end(Err(EIO));
            }
            return;
        };
        let synced = log.durable() >= log.pos;
        let mut for_sync: Waiters = KVec::new();
        for (rq, r) in waiting.drain_all() {
            let info = rq.info();
            let needs_sync = info.op == ffi::RQ_FLUSH || info.fua != 0;
            if r.is_err() || !needs_sync || synced {
                rq.end(r);
            } else {
                // On allocation failure the request is dropped, which
                // ends it with EIO.
                let _ = for_sync.push((rq, r), GFP_KERNEL);
            }
        }
        if !for_sync.is_empty() {
            self.sync.queue(log, &mut for_sync);
        }
    }

    /// Work done when no request is waiting: emergency transitions, log
    /// rotation, and making a pending flush marker durable.
    #[inline(never)] // its frame stays out of `run`'s
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
        if let Some(log) = slot.as_mut().filter(|_| !e.emergency.load(Relaxed)) {
            // Like a disk cache written out when idle: records not flushed
            // by the user become durable (so writeback can record them),
            // then a flush marker proves the last group of records (and
            // becomes durable at the next idle moment).
            log.mark_durable();
            if log.has_unsynced() {
                self.sync.queue(log, &mut KVec::new());
            }
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
        loop {
            e.profile.answer(e.res.as_str());
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
            self.serve(&mut batch, &mut slot);
            // Under a steady load without flushes the log is still synced
            // once a second, so `replay-HOST` keeps moving and logs can be
            // deleted.
            if last_log_sync.elapsed().as_millis() >= SYNC_MS {
                if let Some(log) = slot
                    .as_ref()
                    .filter(|l| l.has_unsynced() && !e.failed.load(Relaxed))
                {
                    self.sync.queue(log, &mut KVec::new());
                }
                last_log_sync = Instant::<Monotonic>::now();
            }
        }
        if let Some(log) = slot.as_mut() {
            if !e.failed.load(Relaxed) {
                let _ = self.sync_log(log);
            }
        }
        *self.log.lock() = slot;
    }
}
