// SPDX-License-Identifier: GPL-2.0

//! What the primary's threads share: the [`Engine`] (overlay, writeback
//! queue, durable mark, failure state) and the in-memory write records.

use super::overlay::{Chunk, Overlay};
use super::profile::Profile;
use crate::crc::KernelCrc32c;
use crate::ffi::{Bdev, BufPool, DataBuf, IoVec, BLK_MAX_IO};
use crate::mars_core::log::writer::RecordWriter;
use crate::mars_core::log::{Header, HEADER_LEN};
use crate::mars_core::names::{HostName, LogName, ResourceName};
use kernel::prelude::*;
use kernel::sync::atomic::{Atomic, Relaxed};
use kernel::sync::{new_condvar, new_mutex, Arc, CondVar, Mutex};
/// Padding plus trailer after a payload: at most 7 + 8 bytes.
const MAX_TAIL: usize = 16;

/// An encoded write record: header, payload and tail apart, so that the
/// payload sits in its own aligned buffer and writeback can write it to
/// the data device with bios. In the log the three parts follow each
/// other (see [`Record::parts`]).
pub(crate) struct Record {
    head: [u8; HEADER_LEN],
    payload: DataBuf,
    tail: [u8; MAX_TAIL],
    tail_len: usize,
}

impl Record {
    /// The record as it goes into the log: header, payload, tail.
    pub(crate) fn parts(&self) -> [IoVec<'_>; 3] {
        [
            IoVec::new(&self.head),
            IoVec::new(&self.payload),
            IoVec::new(self.tail.get(..self.tail_len).unwrap_or(&[])),
        ]
    }

    /// Length of the record in the log.
    pub(crate) fn encoded_len(&self) -> u64 {
        (HEADER_LEN + self.payload.len() + self.tail_len) as u64
    }
}

/// A write held in memory until writeback: its log record and where it
/// goes.
pub(crate) struct Rec {
    pub(super) record: Record,
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
        &self.record.payload
    }

    /// Whether the payload came from the reserve.
    pub(super) fn is_reserved(&self) -> bool {
        self.record.payload.is_reserved()
    }
}

/// Payload buffers of the reserve each resource keeps (see
/// [`DataBuf::alloc`]): two of the largest request, so that a write always
/// finds one once writeback has returned those in flight.
pub(super) const RESERVE_BUFS: u32 = 2;

/// Payload buffers of the largest request each resource keeps for reuse by
/// large writes (see [`DataBuf::copy_of_request`]): enough for a queue
/// depth of four and a group waiting for writeback.
pub(super) const CACHE_BUFS: u32 = 8;

/// Encodes a write record for `header` around `payload` (`header.len`
/// bytes, the written data): the checksum covers it where it is, with no
/// copy.
pub(crate) fn encode_write(header: &Header, payload: DataBuf) -> Result<Record> {
    if payload.len() as u64 != header.len {
        return Err(EINVAL);
    }
    let mut head = [0u8; HEADER_LEN];
    let mut tail = [0u8; MAX_TAIL];
    let mut w = RecordWriter::begin(&KernelCrc32c, header, &mut head).map_err(|_| EINVAL)?;
    let tail_len = w.tail_len();
    w.payload(&KernelCrc32c, &payload).map_err(|_| EINVAL)?;
    w.finish(&KernelCrc32c, &mut tail).map_err(|_| EINVAL)?;
    Ok(Record {
        head,
        payload,
        tail,
        tail_len,
    })
}

impl Chunk for Arc<Rec> {
    fn same(&self, other: &Self) -> bool {
        Arc::ptr_eq(self, other)
    }
}

/// Requests the I/O thread takes per batch.
pub(super) const BATCH: usize = 32;

/// Longest time written-back data stays unsynced on a busy device.
pub(super) const SYNC_MS: i64 = 1000;
/// Shortest time between syncs when the queue runs empty.
pub(super) const IDLE_SYNC_MS: i64 = 200;

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
    pub(super) mem_limit: u64,
    /// Buffers for records when memory is short: the I/O thread's
    /// guarantee of progress (writeback returns them).
    pub(super) reserve: Arc<BufPool>,
    /// Large payload buffers for reuse.
    pub(super) cache: Arc<BufPool>,
    /// Where the time goes.
    pub(super) profile: Profile,
    #[pin]
    pub(super) overlay: Mutex<Overlay<Arc<Rec>>>,
    /// What waits for writeback, under one lock.
    #[pin]
    pub(super) backlog: Mutex<Backlog>,
    /// Signalled (with `backlog` held or not) when the queue grows, for
    /// writeback, and when writeback finished a batch or a sync, for the
    /// I/O thread waiting on memory or drain.
    #[pin]
    pub(super) progress: CondVar,
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
    /// A write went straight to the data device during this emergency
    /// (logging resumes with a gap marker then).
    pub(super) wrote_direct: Atomic<bool>,
    /// The I/O thread found no memory for a record and waits for the
    /// reserve (said once per episode).
    pub(super) memory_short: Atomic<bool>,
    /// How far the logs are durable: every log numbered below `.0` is
    /// complete and synced, log `.0` up to offset `.1`. Writeback never
    /// records a replay position beyond it.
    #[pin]
    pub(super) durable_mark: Mutex<(u32, u64)>,
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
        let reserve = BufPool::new(RESERVE_BUFS, BLK_MAX_IO)?;
        let cache = BufPool::new_cache(CACHE_BUFS, BLK_MAX_IO)?;
        Arc::pin_init(
            pin_init!(Engine {
                res,
                host,
                bdev,
                size,
                mem_limit,
                reserve,
                cache,
                profile: Profile::new(),
                overlay <- new_mutex!(Overlay::new()),
                backlog <- new_mutex!(Backlog {
                    queue: KVec::new(),
                    bytes: 0,
                    unsynced: false,
                }),
                progress <- new_condvar!(),
                log_number: Atomic::new(first_log),
                rotate_to: Atomic::new(0),
                space_low: Atomic::new(false),
                emergency: Atomic::new(false),
                failed: Atomic::new(false),
                wrote_direct: Atomic::new(false),
                memory_short: Atomic::new(false),
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
    /// complete). The mark only moves forward: the log-sync thread may
    /// report on a log the I/O thread has closed since.
    pub(super) fn set_durable(&self, log: u32, pos: u64) {
        {
            let mut mark = self.durable_mark.lock();
            if (log, pos) > *mark {
                *mark = (log, pos);
            }
        }
        self.progress.notify_all();
    }

    /// How far the logs are durable: `(log number, offset)`; every log
    /// numbered below it is complete. Log fetch serves no further.
    pub(crate) fn durable(&self) -> (u32, u64) {
        *self.durable_mark.lock()
    }

    /// The part of a written-back position `(log, pos)` that is durable in
    /// the log, which is as far as `replay-HOST` may move; `None` while an
    /// earlier log is not complete.
    pub(super) fn clamp_durable(&self, log: LogName, pos: u64) -> Option<u64> {
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
        self.backlog.lock().bytes
    }

    /// Waits (bounded steps) until writeback has caught up completely, or
    /// the data path failed.
    pub(super) fn wait_drained(&self) {
        let mut b = self.backlog.lock();
        while !b.drained() && !self.failed.load(Relaxed) {
            let _ = self.progress.wait_interruptible_timeout(&mut b, 10);
        }
    }
}

/// The writeback backlog: what the I/O thread queued and writeback has not
/// yet made durable. One lock, so that "drained" is one consistent view.
pub(crate) struct Backlog {
    /// Records waiting for writeback, oldest first.
    pub(super) queue: KVec<Arc<Rec>>,
    /// Bytes held by records not yet written back (queued or being
    /// written).
    pub(super) bytes: u64,
    /// Written back but not yet synced and recorded in `replay-HOST`.
    pub(super) unsynced: bool,
}

impl Backlog {
    /// Whether nothing waits for writeback.
    pub(super) fn drained(&self) -> bool {
        self.queue.is_empty() && self.bytes == 0 && !self.unsynced
    }
}

#[kunit_tests(mars_record)]
mod tests {
    use super::encode_write;
    use crate::crc::KernelCrc32c;
    use crate::ffi::BLK_MAX_IO;
    use crate::ffi::{BufPool, DataBuf};
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
        let reserve = BufPool::new(1, BLK_MAX_IO).unwrap();
        let mut log = KVec::new();
        for (seq, pos, len) in [(1u64, 0u64, 512u64), (2, 4096, 4096), (3, 1 << 20, 12288)] {
            let header = Header::write(seq, stamp, pos, len, 0);
            let mut payload = DataBuf::alloc(len as usize, &reserve).unwrap();
            for (i, b) in payload.iter_mut().enumerate() {
                *b = (i as u64 ^ seq) as u8;
            }
            // Payloads are aligned for bios.
            assert_eq!(payload.as_ptr() as usize % 512, 0);
            let record = encode_write(&header, payload).unwrap();
            for part in record.parts() {
                log.extend_from_slice(part.as_slice(), GFP_KERNEL).unwrap();
            }
            assert_eq!(record.encoded_len() as usize % 8, 0);
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

    /// A payload whose length differs from the header's makes no record.
    #[test]
    fn mismatched_payload_makes_no_record() {
        let header = Header::write(1, Stamp { sec: 1, nsec: 0 }, 0, 4096, 0);
        let reserve = BufPool::new(1, BLK_MAX_IO).unwrap();
        let payload = DataBuf::alloc(512, &reserve).unwrap();
        assert!(encode_write(&header, payload).is_err());
    }

    /// The reserve hands out its buffers (zeroed, also when reused) until
    /// all are taken, then `ENOMEM`; a dropped buffer goes back to it.
    /// This is the I/O thread's progress guarantee when memory is short.
    #[test]
    fn reserve_lends_and_takes_back() {
        let reserve = BufPool::new(2, 8192).unwrap();
        let mut a = DataBuf::alloc_reserved(8192, &reserve).unwrap();
        let b = DataBuf::alloc_reserved(100, &reserve).unwrap();
        assert!(a.is_reserved() && b.is_reserved());
        assert_eq!((a.len(), b.len()), (8192, 100));
        assert!(a.iter().all(|x| *x == 0));
        a.fill(0xa5);
        assert_eq!(DataBuf::alloc_reserved(1, &reserve).err(), Some(ENOMEM));
        drop(a);
        let c = DataBuf::alloc_reserved(8192, &reserve).unwrap();
        assert!(c.iter().all(|x| *x == 0));
        // Larger than the reserve's buffers: never from the reserve.
        drop(b);
        assert_eq!(DataBuf::alloc_reserved(8193, &reserve).err(), Some(ENOMEM));
        // With memory at hand a buffer is its own.
        let d = DataBuf::alloc(4096, &reserve).unwrap();
        assert!(!d.is_reserved() && d.iter().all(|x| *x == 0));
    }
}
