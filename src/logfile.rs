// SPDX-License-Identifier: GPL-2.0

//! Appending records to the current transaction log file
//! `/mars/resource-RES/log-NNNNNNNNN-HOST`, making them durable, and
//! closing a log with its `version-NNNNNNNNN-HOST` link (the digest chain
//! over logs).

use super::crc::KernelCrc32c;
use super::ffi::{File, IoVec, Path};
use super::mars_core::log::{encode_record, Header, MIN_RECORD_LEN};
use super::mars_core::names::{HostName, LogName, ResourceName};
use super::mars_core::tree::{Digest, VersionValue};
use super::tree;
use kernel::prelude::*;
use kernel::sync::atomic::{Acquire, Atomic, Relaxed, Release};
use kernel::sync::{new_mutex, Arc, Mutex};

/// A log file as the threads of a primary share it: the I/O thread
/// appends (through its [`LogWriter`]), the log-sync thread and the I/O
/// thread make it durable with [`LogFile::sync_upto`].
///
/// Durability rules kept here: fsyncs run one at a time, and a failed
/// fsync poisons the file (the kernel reports a writeback error only once,
/// so a later fsync would "succeed" over lost pages): every later sync and
/// append fails.
#[pin_data]
pub(crate) struct LogFile {
    file: File,
    /// Held across an fsync: a caller waiting for it finds its bytes
    /// covered when the fsync in flight started after they were appended
    /// (a group commit), and sees a failure the other caller got.
    #[pin]
    syncing: Mutex<()>,
    /// Offset up to which the file is durable; grows under `syncing`,
    /// read without it.
    durable: Atomic<u64>,
    /// An fsync failed: the file can no longer be trusted.
    poisoned: Atomic<bool>,
}

impl LogFile {
    fn new(file: File) -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(LogFile {
                file,
                syncing <- new_mutex!(()),
                durable: Atomic::new(0),
                poisoned: Atomic::new(false),
            }),
            GFP_KERNEL,
        )
    }

    /// Offset up to which the file is known durable.
    pub(crate) fn durable(&self) -> u64 {
        self.durable.load(Acquire)
    }

    /// Whether an fsync of the file failed.
    pub(crate) fn poisoned(&self) -> bool {
        self.poisoned.load(Acquire)
    }

    /// Makes the first `upto` bytes durable; the caller appended them
    /// before calling. Fsyncs unless an fsync that started after they
    /// were appended already did.
    pub(crate) fn sync_upto(&self, upto: u64) -> Result {
        let _one_at_a_time = self.syncing.lock();
        if self.poisoned() {
            return Err(EIO);
        }
        if self.durable.load(Relaxed) >= upto {
            return Ok(());
        }
        // Only the data up to `upto`: what the I/O thread appended since
        // is not waited for (it is, with its metadata, at the next sync).
        if let Err(e) = self.file.sync_upto(upto) {
            self.poisoned.store(true, Release);
            return Err(e);
        }
        self.durable.store(upto, Release);
        Ok(())
    }
}

/// The log being written by a primary, as the I/O thread sees it.
///
/// Once an fsync has made new write records durable, a flush marker is
/// appended whose `durable_upto` proves every record before it durable
/// (as does the `durable_upto` in every later record's header), so
/// recovery can tell media damage in the last flushed group from a torn
/// tail.
pub(crate) struct LogWriter {
    file: Arc<LogFile>,
    /// Which log this is.
    pub(crate) name: LogName,
    /// Bytes appended so far (the offset of the next record).
    pub(crate) pos: u64,
    /// Sequence number of the next record.
    pub(crate) next_seq: u64,
    /// End of the last write record appended (markers excluded).
    data_end: u64,
    /// End of the write records a flush marker proves durable.
    proven: u64,
    /// Offset up to which writeback of the file was started (see
    /// [`WRITEBACK_AHEAD`]).
    written_out: u64,
    /// The log's id, in every record (random: a record-shaped payload in
    /// user data cannot carry it).
    pub(crate) id: u32,
}

/// Appended bytes after which writeback of the log file is started
/// without waiting, so that the next fsync (a flush, or the once-a-second
/// sync under load) finds little left to write.
const WRITEBACK_AHEAD: u64 = 2 << 20;

/// Path of log `name` of resource `res`.
pub(crate) fn log_path(res: &ResourceName, name: &LogName) -> Result<Path> {
    tree::resource_entry(res, format_args!("{}", name))
}

impl LogWriter {
    /// Creates log `number` of `host` as a new, empty file.
    pub(crate) fn create(res: &ResourceName, host: HostName, number: u32) -> Result<Self> {
        let name = LogName { number, host };
        let path = log_path(res, &name)?;
        let file = File::open_rw_create(&path)?;
        if file.size() != 0 {
            // Never append to a log that recovery did not account for.
            pr_err!(
                "{}: refusing to reuse non-empty log {}\n",
                res.as_str(),
                path
            );
            return Err(EEXIST);
        }
        Ok(LogWriter {
            file: LogFile::new(file)?,
            name,
            pos: 0,
            next_seq: 1,
            data_end: 0,
            proven: 0,
            written_out: 0,
            id: super::ffi::random_u32(),
        })
    }

    /// Appends encoded write records (numbered `next_seq`, `next_seq + 1`,
    /// ... in order, starting at offset `pos`) with one write into the
    /// file. On failure the log is cut back to where it was, so a failed
    /// append never leaves a torn record behind (if even that fails, the
    /// log is poisoned). `parts` holds the `count` records back to back,
    /// each in any number of pieces.
    pub(crate) fn append_batch(&mut self, parts: &[IoVec<'_>], count: usize) -> Result {
        self.write_records(parts, count)?;
        self.data_end = self.pos;
        // Whole pages only: a partly written last page is written again
        // with the next append anyway.
        let upto = self.pos & !4095;
        if upto.saturating_sub(self.written_out) >= WRITEBACK_AHEAD {
            // Errors surface at the next fsync, which poisons the log.
            let _ = self
                .file
                .file
                .start_writeback(self.written_out, upto - self.written_out);
            self.written_out = upto;
        }
        Ok(())
    }

    /// Appends one record (a flush marker).
    fn append_raw(&mut self, record: &[u8]) -> Result {
        self.write_records(&[IoVec::new(record)], 1)
    }

    /// Writes `count` records (in the pieces `records`) at the end, all or
    /// nothing: on failure the log is cut back (or poisoned if even that
    /// fails).
    fn write_records(&mut self, records: &[IoVec<'_>], count: usize) -> Result {
        if self.file.poisoned() {
            return Err(EIO);
        }
        let bytes = records
            .iter()
            .try_fold(0u64, |t, r| t.checked_add(r.len() as u64))
            .ok_or(EINVAL)?;
        let end = self.pos.checked_add(bytes).ok_or(EINVAL)?;
        let count = u64::try_from(count).map_err(|_| EINVAL)?;
        let next_seq = self.next_seq.checked_add(count).ok_or(EOVERFLOW)?;
        if let Err(e) = self.file.file.write_vectored_all_at(records, self.pos) {
            if self.file.file.truncate(self.pos).is_err() {
                self.file.poisoned.store(true, Release);
            }
            return Err(e);
        }
        self.pos = end;
        self.next_seq = next_seq;
        Ok(())
    }

    /// The file, for the log-sync thread.
    pub(crate) fn file(&self) -> &Arc<LogFile> {
        &self.file
    }

    /// Offset up to which the log is known durable.
    pub(crate) fn durable(&self) -> u64 {
        self.file.durable()
    }

    /// Whether anything (a write record or a marker) awaits an fsync.
    pub(crate) fn has_unsynced(&self) -> bool {
        self.pos > self.durable()
    }

    /// Appends a flush marker if an fsync made write records durable that
    /// no marker proves yet (the marker itself becomes durable with the
    /// next sync). Only a proof for recovery: failing to add it loses
    /// nothing.
    pub(crate) fn mark_durable(&mut self) {
        let durable = self.durable();
        if self.proven < self.data_end && durable >= self.data_end {
            if self.append_marker(durable).is_ok() {
                self.proven = self.data_end;
            }
        }
    }

    /// Makes everything appended so far durable, including a flush marker
    /// for the write records among it.
    pub(crate) fn sync(&mut self) -> Result {
        self.file.sync_upto(self.pos)?;
        self.mark_durable();
        self.file.sync_upto(self.pos)
    }

    fn append_marker(&mut self, durable: u64) -> Result {
        let header =
            Header::flush(self.next_seq, tree::lamport_stamp(), durable).with_log_id(self.id);
        let mut buf = [0u8; MIN_RECORD_LEN];
        encode_record(&KernelCrc32c, &header, &[], &mut buf).map_err(|_| EINVAL)?;
        self.append_raw(&buf)
    }

    /// Appends a gap marker (see `Kind::Gap`) and makes it durable: the
    /// first record of the log in which logging resumes after writes went
    /// straight to the data device.
    pub(crate) fn append_gap(&mut self) -> Result {
        let header =
            Header::gap(self.next_seq, tree::lamport_stamp(), self.pos).with_log_id(self.id);
        let mut buf = [0u8; MIN_RECORD_LEN];
        encode_record(&KernelCrc32c, &header, &[], &mut buf).map_err(|_| EINVAL)?;
        self.append_raw(&buf)?;
        self.sync()
    }

    /// Syncs the log and writes its `version-` link, chained to the
    /// previous log's digest, durably. The log is complete from now on.
    pub(crate) fn close(mut self, res: &ResourceName) -> Result {
        self.sync()?;
        write_version(res, &self.name, self.pos)
    }
}

/// Writes `version-N-HOST` for log `name` that ended at `endpos`.
pub(crate) fn write_version(res: &ResourceName, name: &LogName, endpos: u64) -> Result {
    let prev = match name.number.checked_sub(1).filter(|n| *n > 0) {
        Some(p) => {
            let prev_name = LogName {
                number: p,
                host: name.host,
            };
            let link = tree::resource_entry(
                res,
                format_args!("version-{:09}-{}", p, prev_name.host.as_str()),
            )?;
            match tree::read(&link)? {
                Some(v) => VersionValue::parse(v.as_str())
                    .map(|v| v.digest)
                    .unwrap_or(Digest::ZERO),
                None => Digest::ZERO,
            }
        }
        None => Digest::ZERO,
    };
    let value = VersionValue::new(&KernelCrc32c, *name, endpos, prev);
    let link = tree::resource_entry(
        res,
        format_args!("version-{:09}-{}", name.number, name.host.as_str()),
    )?;
    let text = super::ffi::fpath!("{}", value)?;
    tree::write_durable(&link, text.as_str())
}
