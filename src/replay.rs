// SPDX-License-Identifier: GPL-2.0

//! Replaying transaction logs onto the data device.
//!
//! After a crash the primary replays its logs from the `replay-HOST`
//! position before `/dev/mars/RES` appears; secondaries will replay fetched
//! logs with the same code. Replay is idempotent: applying a record twice
//! leaves the same data. The scanner (mars_core::log) decides what is a
//! torn tail (dropped: the log is truncated there) and what is corruption
//! (replay stops with an error and the resource does not come up).

use super::crc::KernelCrc32c;
use super::ffi::{Bdev, DataBuf, File, WriteBatch};
use super::logfile::log_path;
use super::mars_core::bytes::le_u64;
use super::mars_core::lamport::Stamp;
use super::mars_core::log::scanner::{find_proof, Proof, Scanner, Verdict};
use super::mars_core::log::{CorruptionKind, Kind, HEADER_LEN, MAGIC, MAX_PAYLOAD, MAX_RECORD_LEN};
use super::mars_core::names::{HostName, LogName, ResourceName};
use super::mars_core::tree::{ReplayValue, VersionValue};
use super::tree;
use core::fmt;
use kernel::prelude::*;

/// Bytes read per step: room for the largest record plus more.
const WINDOW: usize = MAX_RECORD_LEN + (1 << 20);

/// Most records staged before they are written together.
const STAGE_RANGES: usize = 256;

/// Replayed data on its way to the data device: payloads copied into one
/// aligned buffer (log records sit at any 8-byte offset of the window)
/// and written as bios, many in flight at once. A record overlapping one
/// already staged first waits for those, so the device ends up with the
/// records applied in log order.
pub(crate) struct Stage {
    buf: DataBuf,
    used: usize,
    /// (device position, offset in `buf`, length) of each staged payload.
    ranges: KVec<(u64, usize, usize)>,
}

impl Stage {
    /// An empty stage (allocates 4 MiB).
    pub(crate) fn new() -> Result<Self> {
        Ok(Stage {
            buf: DataBuf::alloc_own(MAX_PAYLOAD)?,
            used: 0,
            ranges: KVec::with_capacity(STAGE_RANGES, GFP_KERNEL)?,
        })
    }

    /// Stages `data` for device position `pos`, writing what is staged
    /// first if it overlaps or the stage is full.
    fn push(&mut self, bdev: &Bdev, pos: u64, data: &[u8]) -> Result {
        let len = data.len();
        let end = pos.checked_add(len as u64).ok_or(EINVAL)?;
        let overlaps = self
            .ranges
            .iter()
            .any(|&(p, _, l)| p < end && pos < p.saturating_add(l as u64));
        let full = self.used.saturating_add(len) > self.buf.len();
        if overlaps || full || self.ranges.len() >= STAGE_RANGES {
            self.write(bdev)?;
        }
        let at = self.used;
        let next = at.checked_add(len).ok_or(EINVAL)?;
        self.buf
            .get_mut(at..next)
            .ok_or(EINVAL)?
            .copy_from_slice(data);
        self.ranges.push((pos, at, len), GFP_KERNEL)?;
        // Every payload starts 512-aligned, as bios need.
        self.used = next.checked_next_multiple_of(512).ok_or(EINVAL)?;
        Ok(())
    }

    /// Writes what is staged and waits for it.
    pub(crate) fn write(&mut self, bdev: &Bdev) -> Result {
        if self.ranges.is_empty() {
            return Ok(());
        }
        let mut batch = WriteBatch::new(bdev)?;
        for &(pos, at, len) in self.ranges.iter() {
            let data = self.buf.get(at..at.saturating_add(len)).ok_or(EINVAL)?;
            batch.add(pos, data)?;
        }
        batch.wait()?;
        drop(batch);
        self.ranges.clear();
        self.used = 0;
        Ok(())
    }
}

/// What replay did.
pub(crate) struct Replayed {
    /// The last log seen and the offset of its end (after truncation of a
    /// torn tail), if there was any log.
    pub(crate) last: Option<(LogName, u64)>,
    /// Records applied.
    pub(crate) records: u64,
    /// Torn tail dropped, if any: (log, offset).
    pub(crate) truncated: Option<(LogName, u64)>,
    /// The Lamport stamp of the last record applied.
    pub(crate) last_stamp: Option<Stamp>,
}

impl Replayed {
    /// Nothing replayed yet.
    pub(crate) fn new() -> Self {
        Replayed {
            last: None,
            records: 0,
            truncated: None,
            last_stamp: None,
        }
    }
}

/// How a log is replayed.
#[derive(Clone, Copy)]
enum Mode {
    /// Crash recovery of this host's own logs: a torn tail of the last log
    /// (past its recorded end) is dropped, the file truncated there.
    Recovery {
        is_last: bool,
        closed_at: Option<u64>,
    },
    /// A secondary applying a fetched log, which may still grow: an
    /// incomplete record at the end is where it stops for now (the file is
    /// never truncated); any other bad record is corruption.
    Follow,
}

/// Why replay stopped.
pub(crate) enum ReplayError {
    /// An I/O error (reading a log, writing the data device).
    Io(Error),
    /// A record that must be intact is not.
    Corrupt {
        /// The log.
        log: LogName,
        /// Offset of the bad record.
        offset: u64,
        /// What is wrong.
        kind: CorruptionKind,
    },
    /// A record addresses bytes past the end of the device.
    BeyondDevice {
        /// The log.
        log: LogName,
        /// Offset of the record.
        offset: u64,
    },
    /// A gap marker: the primary wrote to its data device without logging
    /// (emergency mode) before this record; a secondary stops here.
    Gap {
        /// The log.
        log: LogName,
        /// Offset of the marker.
        offset: u64,
    },
    /// The replay position lies past the end of its log.
    BadPosition {
        /// The log.
        log: LogName,
        /// The recorded position.
        pos: u64,
        /// The log's size.
        size: u64,
    },
}

impl From<Error> for ReplayError {
    fn from(e: Error) -> Self {
        ReplayError::Io(e)
    }
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Io(e) => write!(f, "I/O error {} during replay", e.to_errno()),
            ReplayError::Corrupt { log, offset, kind } => {
                write!(f, "{} corrupt at offset {}: {}", log, offset, kind)
            }
            ReplayError::BeyondDevice { log, offset } => {
                write!(f, "{} record at offset {} lies beyond the device end", log, offset)
            }
            ReplayError::Gap { log, offset } => write!(
                f,
                "{} has a gap marker at offset {}: the primary wrote without logging (emergency mode)",
                log, offset
            ),
            ReplayError::BadPosition { log, pos, size } => write!(
                f,
                "replay position {} lies beyond the end of {} ({} bytes): /mars lost log data that was synced; \
                 if the data device is known good, point replay-HOST at {},{},{} and run up",
                pos, log, size, log, size, size
            ),
        }
    }
}

/// Numbers of this host's logs of `res`, ascending.
pub(crate) fn list_logs(res: &ResourceName, host: &HostName) -> Result<KVec<u32>> {
    let mut numbers = KVec::new();
    tree::for_each_name(&tree::resource_dir(res)?, |name| {
        if let Ok(log) = LogName::parse(name) {
            if log.host == *host {
                numbers.push(log.number, GFP_KERNEL)?;
            }
        }
        Ok(())
    })?;
    numbers.sort_unstable();
    Ok(numbers)
}

/// Fills `buf` from `file` at `pos` as far as the file goes; returns bytes.
fn fill(file: &File, buf: &mut [u8], pos: u64) -> Result<usize> {
    let mut done = 0usize;
    while let Some(rest) = buf.get_mut(done..).filter(|r| !r.is_empty()) {
        let n = file.read_at(rest, pos.checked_add(done as u64).ok_or(EINVAL)?)?;
        if n == 0 {
            break;
        }
        done = done.checked_add(n).ok_or(EINVAL)?;
    }
    Ok(done)
}

/// The sequence number of the record at `pos`, or 1 at the start of a log.
fn seq_at(file: &File, pos: u64) -> Result<u64> {
    if pos == 0 {
        return Ok(1);
    }
    let mut head = [0u8; HEADER_LEN];
    let n = fill(file, &mut head, pos)?;
    let head = head.get(..n).unwrap_or(&[]);
    match (super::mars_core::bytes::le_u32(head, 0), le_u64(head, 16)) {
        (Some(MAGIC), Some(seq)) => Ok(seq),
        _ => Ok(1),
    }
}

/// The id of the log in `file`, from its first record if that is intact
/// (every record of the log must carry it; only records with it count as
/// proof of durability). `window` is scratch space.
fn log_id_of(file: &File, window: &mut VVec<u8>) -> Result<Option<u32>> {
    let size = file.size();
    let filled = fill(file, window, 0)?;
    let win = window.get(..filled).unwrap_or(&[]);
    let mut scanner = Scanner::new(win, 0, 1, filled as u64 >= size, &KernelCrc32c);
    Ok(scanner.next().map(|rec| rec.header.log_id))
}

/// Replays this host's logs of `res` onto `bdev` from `from` (the
/// `replay-HOST` position; `None`: from the first log) to the end.
pub(crate) fn replay(
    res: &ResourceName,
    host: &HostName,
    from: Option<ReplayValue>,
    bdev: &Bdev,
    dev_size: u64,
) -> core::result::Result<Replayed, ReplayError> {
    if from.is_some_and(|r| r.log.host != *host) {
        // A position in another host's log is a secondary's: its worker
        // replays the fetched logs (`follow`), never truncating them.
        return Ok(Replayed::new());
    }
    let logs = list_logs(res, host)?;
    let mut window = VVec::<u8>::from_elem(0u8, WINDOW, GFP_KERNEL).map_err(|_| ENOMEM)?;
    let mut stage = Stage::new()?;
    let mut out = Replayed::new();
    let last_number = logs.last().copied();
    for &number in logs.iter() {
        let name = LogName {
            number,
            host: *host,
        };
        let start = match from {
            Some(r) if r.log.host == *host && number < r.log.number => continue,
            Some(r) if r.log.host == *host && number == r.log.number => r.pos,
            _ => 0,
        };
        let file = File::open_rw(&log_path(res, &name)?)?;
        let size = file.size();
        if start > size {
            return Err(ReplayError::BadPosition {
                log: name,
                pos: start,
                size,
            });
        }
        let is_last = Some(number) == last_number;
        let closed_at = closed_end(res, &name)?;
        let end = replay_one(
            &file,
            name,
            start,
            size,
            Mode::Recovery { is_last, closed_at },
            bdev,
            dev_size,
            &mut window,
            &mut stage,
            &mut out,
        )?;
        out.last = Some((name, end));
    }
    stage.write(bdev)?;
    bdev.flush()?;
    Ok(out)
}

/// Where log `name` ended when it was closed (its `version-` link), if it
/// was: everything before that offset had been synced.
fn closed_end(res: &ResourceName, name: &LogName) -> Result<Option<u64>> {
    let link = tree::resource_entry(
        res,
        format_args!("version-{:09}-{}", name.number, name.host.as_str()),
    )?;
    Ok(tree::read(&link)?
        .and_then(|v| VersionValue::parse(v.as_str()).ok())
        .filter(|v| v.log == *name)
        .map(|v| v.endpos))
}

/// Applies the records of the fetched log `name` in `file` from `start`
/// (up to offset `upto`, what is durable of the copy) to the last complete one (the caller writes the stage and flushes the
/// device before it records the position); returns the offset after it.
/// An incomplete record at the end is left for later; any other bad
/// record is corruption. Recovery and secondaries share this code.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
pub(crate) fn follow(
    file: &File,
    name: LogName,
    start: u64,
    upto: u64,
    bdev: &Bdev,
    dev_size: u64,
    window: &mut VVec<u8>,
    stage: &mut Stage,
    out: &mut Replayed,
) -> core::result::Result<u64, ReplayError> {
    let size = file.size().min(upto);
    if start >= size {
        return Ok(start);
    }
    replay_one(
        file,
        name,
        start,
        size,
        Mode::Follow,
        bdev,
        dev_size,
        window,
        stage,
        out,
    )
}

/// The offset of the first record from `start` on that is not intact in
/// `file` (its size if all are): where a fetched copy that a crash may
/// have damaged is cut back to, to be fetched again.
pub(crate) fn intact_end(file: &File, start: u64, window: &mut VVec<u8>) -> Result<u64> {
    let size = file.size();
    if start >= size {
        return Ok(size);
    }
    let mut pos = start;
    let mut expected = seq_at(file, start)?;
    let mut log_id = log_id_of(file, window)?;
    loop {
        let filled = fill(file, window, pos)?;
        let at_eof = pos.saturating_add(filled as u64) >= size;
        let win = window.get(..filled).unwrap_or(&[]);
        let mut scanner =
            Scanner::new(win, pos, expected, at_eof, &KernelCrc32c).with_log_id(log_id);
        for _ in scanner.by_ref() {}
        expected = scanner.expected_seq();
        log_id = scanner.log_id();
        match scanner.verdict() {
            Some(Verdict::CleanEnd { .. }) => return Ok(size),
            Some(Verdict::NeedMore { offset }) if offset > pos => pos = offset,
            Some(Verdict::IncompleteTail { offset, .. })
            | Some(Verdict::Corruption { offset, .. })
            | Some(Verdict::Unverified { offset, .. }) => return Ok(offset),
            _ => return Ok(pos),
        }
    }
}

/// A window big enough for any record, for [`follow`].
pub(crate) fn new_window() -> Result<VVec<u8>> {
    VVec::<u8>::from_elem(0u8, WINDOW, GFP_KERNEL).map_err(|_| ENOMEM)
}

/// Replays one log from `start`; returns the offset where it ends.
///
/// In recovery a bad record is a torn tail (dropped) only in the last log
/// and only past the end a `version-` link recorded for it; anywhere else
/// the log had been synced there, so it is corruption.
#[allow(clippy::too_many_arguments)]
#[inline(never)] // its own frame: `replay` would approach the stack-frame limit
fn replay_one(
    file: &File,
    name: LogName,
    start: u64,
    size: u64,
    mode: Mode,
    bdev: &Bdev,
    dev_size: u64,
    window: &mut VVec<u8>,
    stage: &mut Stage,
    out: &mut Replayed,
) -> core::result::Result<u64, ReplayError> {
    let mut pos = start;
    let mut expected = seq_at(file, start)?;
    let mut log_id = log_id_of(file, window)?;
    loop {
        // Never past `size` (a secondary replays only what is durable).
        let filled = fill(file, window, pos)?
            .min(usize::try_from(size.saturating_sub(pos)).unwrap_or(usize::MAX));
        let at_eof = pos.saturating_add(filled as u64) >= size;
        let win = window.get(..filled).unwrap_or(&[]);
        let mut scanner =
            Scanner::new(win, pos, expected, at_eof, &KernelCrc32c).with_log_id(log_id);
        for rec in scanner.by_ref() {
            if rec.header.kind == Kind::Gap && matches!(mode, Mode::Follow) {
                return Err(ReplayError::Gap {
                    log: name,
                    offset: rec.offset,
                });
            }
            if rec.header.kind != Kind::Write {
                continue;
            }
            let end = rec.header.offset.checked_add(rec.header.len);
            if end.is_none_or(|e| e > dev_size) {
                return Err(ReplayError::BeyondDevice {
                    log: name,
                    offset: rec.offset,
                });
            }
            stage.push(bdev, rec.header.offset, rec.payload)?;
            out.records = out.records.saturating_add(1);
            out.last_stamp = Some(rec.header.stamp);
        }
        expected = scanner.expected_seq();
        log_id = scanner.log_id();
        let torn = |offset: u64, kind| -> core::result::Result<u64, ReplayError> {
            let Mode::Recovery { is_last, closed_at } = mode else {
                // A fetched log: the rest of the record is still to come.
                return Ok(offset);
            };
            // Logs before the last were synced before the next began; a
            // closed log was synced up to its recorded end.
            if !is_last || closed_at.is_some_and(|end| offset < end) {
                return Err(ReplayError::Corrupt {
                    log: name,
                    offset,
                    kind,
                });
            }
            file.truncate(offset)?;
            file.sync()?;
            Ok(offset)
        };
        match scanner.verdict() {
            Some(Verdict::CleanEnd { offset }) => return Ok(offset),
            Some(Verdict::NeedMore { offset }) => {
                if offset == pos && filled == 0 {
                    return Err(ReplayError::Io(EIO));
                }
                pos = offset;
            }
            Some(Verdict::IncompleteTail { offset, kind }) => {
                let end = torn(offset, kind)?;
                if matches!(mode, Mode::Recovery { .. }) {
                    out.truncated = Some((name, offset));
                }
                return Ok(end);
            }
            Some(Verdict::Corruption { offset, kind }) => {
                return Err(ReplayError::Corrupt {
                    log: name,
                    offset,
                    kind,
                })
            }
            Some(Verdict::Unverified { offset, kind, .. }) if matches!(mode, Mode::Follow) => {
                // Fetched bytes were durable records on the primary.
                return Err(ReplayError::Corrupt {
                    log: name,
                    offset,
                    kind,
                });
            }
            Some(Verdict::Unverified {
                offset,
                kind,
                search_from,
            }) => {
                // Search the rest of the log for a record proving the bad
                // one had been durable.
                let mut base = search_from;
                loop {
                    let filled = fill(file, window, base)?;
                    let win = window.get(..filled).unwrap_or(&[]);
                    match find_proof(&KernelCrc32c, win, base, offset, expected, log_id) {
                        Proof::Found { .. } => {
                            return Err(ReplayError::Corrupt {
                                log: name,
                                offset,
                                kind,
                            })
                        }
                        Proof::NotFound { next } => {
                            if base.saturating_add(filled as u64) >= size || next <= base {
                                let end = torn(offset, kind)?;
                                out.truncated = Some((name, offset));
                                return Ok(end);
                            }
                            base = next;
                        }
                    }
                }
            }
            None => return Err(ReplayError::Io(EIO)),
        }
    }
}
