// SPDX-License-Identifier: GPL-2.0

//! The log-sync thread of a primary resource: it fsyncs the log for
//! flushes and FUA writes while the I/O thread goes on appending, and ends
//! those requests when their records are durable.
//!
//! A flush completes with the first fsync that started after its records
//! were appended: the I/O thread queues it with the log's end at that
//! moment ([`LogSync::queue`]), the thread takes everything queued, fsyncs
//! once up to the furthest end ([`LogFile::sync_upto`]) and ends the lot
//! (a group commit). Flushes queued while an fsync runs share the next.

use super::engine::Engine;
use super::profile::Stage;
use crate::ffi::{self, Rq, ThreadMain};
use crate::logfile::{LogFile, LogWriter};
use kernel::prelude::*;
use kernel::sync::atomic::Relaxed;
use kernel::sync::{new_condvar, new_mutex, Arc, CondVar, Mutex};
use kernel::time::{Instant, Monotonic};

/// Requests waiting for a sync, each with the result it ends with once
/// the log is durable.
pub(super) type Waiters = KVec<(Rq, Result)>;

/// What the I/O thread asked for and the sync thread has not done yet.
struct Wanted {
    /// The log the work is for: its number and file.
    log: Option<(u32, Arc<LogFile>)>,
    /// Make the log durable up to here.
    upto: u64,
    /// Requests to end once it is.
    waiters: Waiters,
    /// The thread is syncing (with work it took from here).
    busy: bool,
}

impl Wanted {
    /// Whether nothing is queued or in flight.
    fn done(&self) -> bool {
        !self.busy && self.waiters.is_empty() && !self.sync_wanted()
    }

    fn sync_wanted(&self) -> bool {
        self.log
            .as_ref()
            .is_some_and(|(_, f)| f.durable() < self.upto && !f.poisoned())
    }
}

/// The log-sync thread's state, shared with the I/O thread.
#[pin_data]
pub(crate) struct LogSync {
    engine: Arc<Engine>,
    #[pin]
    wanted: Mutex<Wanted>,
    /// Signalled when work is queued (for the thread) and when the thread
    /// finished some (for the I/O thread switching logs).
    #[pin]
    changed: CondVar,
}

impl LogSync {
    /// The state for a thread syncing `engine`'s logs.
    pub(crate) fn new(engine: Arc<Engine>) -> Result<Arc<Self>> {
        Arc::pin_init(
            try_pin_init!(LogSync {
                engine,
                wanted <- new_mutex!(Wanted {
                    log: None,
                    upto: 0,
                    waiters: KVec::new(),
                    busy: false,
                }),
                changed <- new_condvar!(),
            }),
            GFP_KERNEL,
        )
    }

    /// Asks for `log` to be made durable up to its current end, and for
    /// `waiters` to end then; returns at once. Work still queued for an
    /// earlier log is finished first (the wait is short: the I/O thread
    /// synced that log itself when it closed it).
    pub(super) fn queue(&self, log: &LogWriter, waiters: &mut Waiters) {
        let e = &self.engine;
        let number = log.name.number;
        let mut w = self.wanted.lock();
        let same = |w: &Wanted| {
            w.log
                .as_ref()
                .is_some_and(|(_, f)| Arc::ptr_eq(f, log.file()))
        };
        while !same(&w) && !w.done() && !e.failed.load(Relaxed) {
            let _ = self.changed.wait_interruptible_timeout(&mut w, 10);
        }
        if !same(&w) {
            if !w.done() {
                // The data path failed while the earlier log's work was
                // queued: nothing more becomes durable.
                drop(w);
                for (rq, _) in waiters.drain_all() {
                    rq.end(Err(EIO));
                }
                return;
            }
            w.log = Some((number, log.file().clone()));
            w.upto = 0;
        }
        w.upto = w.upto.max(log.pos);
        for waiter in waiters.drain_all() {
            // On allocation failure the request is dropped, which ends it
            // with EIO.
            let _ = w.waiters.push(waiter, GFP_KERNEL);
        }
        drop(w);
        self.changed.notify_all();
    }

    /// Takes the queued work: the log, how far to sync it, the waiters.
    fn take(&self, w: &mut Wanted) -> Option<(u32, Arc<LogFile>, u64, Waiters)> {
        if w.waiters.is_empty() && !w.sync_wanted() {
            return None;
        }
        let (number, file) = w.log.clone()?;
        w.busy = true;
        Some((number, file, w.upto, core::mem::take(&mut w.waiters)))
    }

    /// Syncs `file` (log `number`) up to `upto` and ends `waiters`.
    fn sync(&self, number: u32, file: &LogFile, upto: u64, waiters: Waiters) {
        let e = &self.engine;
        ffi::debug_log_sync_delay();
        let t = Instant::<Monotonic>::now();
        let r = file.sync_upto(upto);
        e.profile.add(Stage::LogSync, t);
        match r {
            Ok(()) => e.set_durable(number, file.durable()),
            Err(err) => e.fail("syncing the log", err),
        }
        // After a failure of the data path (here or elsewhere) no flush
        // succeeds: what it covers may never reach the data device.
        let ok = r.is_ok() && !e.failed.load(Relaxed);
        for (rq, result) in waiters {
            rq.end(if ok { result } else { Err(EIO) });
        }
    }
}

impl ThreadMain for LogSync {
    fn run(&self) {
        loop {
            let work = {
                let mut w = self.wanted.lock();
                loop {
                    if let Some(work) = self.take(&mut w) {
                        break Some(work);
                    }
                    // Nothing to do: keep no log open, the I/O thread may
                    // have closed it, and its space must come back when it
                    // is deleted.
                    w.log = None;
                    // Stops only with nothing queued: the device is gone
                    // and the I/O thread has stopped before this thread.
                    if ffi::should_stop() {
                        break None;
                    }
                    let _ = self.changed.wait_interruptible_timeout(&mut w, 20);
                }
            };
            let Some((number, file, upto, waiters)) = work else {
                return;
            };
            self.sync(number, &file, upto, waiters);
            drop(file);
            self.wanted.lock().busy = false;
            self.changed.notify_all();
        }
    }
}
