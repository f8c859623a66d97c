//! Transaction log format v1: record layout, constants and header codec.
//!
//! A log file is a sequence of records at 8-byte aligned offsets. Each record
//! is a 64-byte header, the payload, zero padding to 8 bytes, and an 8-byte
//! trailer (end magic and a CRC-32C over everything before the CRC field).
//! All integers are little-endian. See `docs/log-format.md`.
//!
//! [`writer`] builds records (in one go or incrementally for the kernel),
//! [`scanner`] walks a window of a log and tells a torn tail from corruption.

pub mod scanner;
pub mod writer;

use core::fmt;

use super::bytes::{le_u16, le_u32, le_u64, put};
use super::lamport::Stamp;

pub use scanner::{find_proof, Proof, Record, Scanner, Verdict};
pub use writer::{encode_record, encoded_len, EncodeError, RecordWriter};

/// Header magic: `b"MRSL"` read as a little-endian `u32`.
pub const MAGIC: u32 = u32::from_le_bytes(*b"MRSL");
/// Trailer magic: `b"MRSE"` read as a little-endian `u32`.
pub const END_MAGIC: u32 = u32::from_le_bytes(*b"MRSE");
/// Format version written and accepted.
pub const VERSION: u16 = 1;
/// Header length in bytes.
pub const HEADER_LEN: usize = 64;
/// [`HEADER_LEN`] as stored in the header.
const HEADER_LEN_U16: u16 = 64;
/// Trailer length in bytes (end magic + CRC).
pub const TRAILER_LEN: usize = 8;
/// Record alignment in the log file.
pub const ALIGN: usize = 8;
/// Largest payload of a write record: 4 MiB.
pub const MAX_PAYLOAD: usize = 4 << 20;
/// Smallest record (no payload).
pub const MIN_RECORD_LEN: usize = HEADER_LEN + TRAILER_LEN;
/// Largest record (maximum payload).
pub const MAX_RECORD_LEN: usize = HEADER_LEN + MAX_PAYLOAD + TRAILER_LEN;

/// Header field offsets.
pub mod off {
    /// `u32` magic.
    pub const MAGIC: usize = 0;
    /// `u16` format version.
    pub const VERSION: usize = 4;
    /// `u16` header length.
    pub const HEADER_LEN: usize = 6;
    /// `u32` total record length.
    pub const TOTAL_LEN: usize = 8;
    /// `u16` record kind.
    pub const KIND: usize = 12;
    /// `u16` flags.
    pub const FLAGS: usize = 14;
    /// `u64` sequence number.
    pub const SEQ: usize = 16;
    /// `u64` Lamport seconds.
    pub const STAMP_SEC: usize = 24;
    /// `u32` Lamport nanoseconds.
    pub const STAMP_NSEC: usize = 32;
    /// `u32` log id: the same random value in every record of one log.
    pub const LOG_ID: usize = 36;
    /// `u64` device byte offset.
    pub const DEV_OFFSET: usize = 40;
    /// `u64` data length.
    pub const DATA_LEN: usize = 48;
    /// `u64` durable-up-to log offset.
    pub const DURABLE_UPTO: usize = 56;
}

/// Record kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Data written to the device; the payload is the data.
    Write = 1,
    /// Discard of `len` bytes (reserved): no payload.
    Discard = 2,
    /// Flush marker: no payload, `offset` and `len` are zero; written after
    /// each fsync of the log with `durable_upto` at its own offset.
    Flush = 3,
    /// Gap marker: no payload, `offset` and `len` are zero. The first
    /// record of the log in which logging resumed after emergency mode:
    /// writes went straight to the primary's data device before it, so a
    /// secondary replaying the logs must stop here (its copy lacks them).
    Gap = 4,
}

impl Kind {
    /// The on-disk code.
    pub const fn code(self) -> u16 {
        self as u16
    }

    /// Looks up an on-disk code.
    pub const fn from_code(code: u16) -> Option<Kind> {
        match code {
            1 => Some(Kind::Write),
            2 => Some(Kind::Discard),
            3 => Some(Kind::Flush),
            4 => Some(Kind::Gap),
            _ => None,
        }
    }
}

/// Why a record is bad. The scanner reports it either as corruption or as
/// the reason a tail is incomplete.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CorruptionKind {
    /// Header magic is wrong.
    BadMagic,
    /// Trailer magic is wrong.
    BadEndMagic,
    /// Format version (or header length) is not supported.
    BadVersion,
    /// Total length is out of range, unaligned or inconsistent with the
    /// data length; or offset + length overflows; or the record is cut off.
    BadLength,
    /// CRC mismatch.
    BadChecksum,
    /// Sequence number is not the expected one.
    SequenceGap,
    /// Unknown record kind.
    BadKind,
    /// Unknown flag bits.
    BadFlags,
    /// An intact record of another log (its log id differs).
    ForeignRecord,
    /// Lamport nanoseconds are not below one second.
    BadStamp,
    /// `durable_upto` points at or past the record itself.
    BadDurable,
}

impl fmt::Display for CorruptionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CorruptionKind::BadMagic => "bad magic",
            CorruptionKind::BadEndMagic => "bad end magic",
            CorruptionKind::BadVersion => "unsupported format version",
            CorruptionKind::BadLength => "bad length",
            CorruptionKind::BadChecksum => "checksum mismatch",
            CorruptionKind::SequenceGap => "sequence number gap",
            CorruptionKind::BadKind => "unknown record kind",
            CorruptionKind::BadFlags => "unknown flags",
            CorruptionKind::ForeignRecord => "record of another log (log id differs)",
            CorruptionKind::BadStamp => "bad Lamport timestamp",
            CorruptionKind::BadDurable => "durable mark points past the record",
        })
    }
}

/// The decoded, validated fields of a record header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// Record kind.
    pub kind: Kind,
    /// Flags (must be zero in v1).
    pub flags: u16,
    /// Per-log sequence number (first record 1).
    pub seq: u64,
    /// Lamport timestamp of the write.
    pub stamp: Stamp,
    /// Device byte offset.
    pub offset: u64,
    /// Data length in bytes (payload length for writes, range for discards).
    pub len: u64,
    /// Log offset known durable when the record was created.
    pub durable_upto: u64,
    /// The log's id, the same in all its records (0 in tests that do not
    /// care). A record copied from elsewhere, or a record-shaped payload,
    /// does not carry it: the writer draws it at random and never shows it
    /// to the users of the device.
    pub log_id: u32,
}

impl Header {
    /// A write header for `len` payload bytes at device `offset`.
    pub const fn write(seq: u64, stamp: Stamp, offset: u64, len: u64, durable_upto: u64) -> Self {
        Self {
            kind: Kind::Write,
            flags: 0,
            seq,
            stamp,
            offset,
            len,
            durable_upto,
            log_id: 0,
        }
    }

    /// The same header for log `log_id`.
    pub const fn with_log_id(mut self, log_id: u32) -> Self {
        self.log_id = log_id;
        self
    }

    /// A flush marker: written right after the log was fsynced up to
    /// `durable_upto` (its own offset), it proves every record before it
    /// durable, so damage there is corruption, never a torn tail.
    pub const fn flush(seq: u64, stamp: Stamp, durable_upto: u64) -> Self {
        Self {
            kind: Kind::Flush,
            flags: 0,
            seq,
            stamp,
            offset: 0,
            len: 0,
            durable_upto,
            log_id: 0,
        }
    }

    /// A gap marker (see [`Kind::Gap`]).
    pub const fn gap(seq: u64, stamp: Stamp, durable_upto: u64) -> Self {
        Self {
            kind: Kind::Gap,
            ..Self::flush(seq, stamp, durable_upto)
        }
    }

    /// Payload bytes that follow the header.
    pub const fn payload_len(&self) -> u64 {
        match self.kind {
            Kind::Write => self.len,
            Kind::Discard | Kind::Flush | Kind::Gap => 0,
        }
    }

    /// Checks the field rules that do not depend on the record's position.
    pub fn validate(&self) -> Result<(), CorruptionKind> {
        if self.flags != 0 {
            return Err(CorruptionKind::BadFlags);
        }
        if !self.stamp.is_valid() {
            return Err(CorruptionKind::BadStamp);
        }
        if self.offset.checked_add(self.len).is_none() {
            return Err(CorruptionKind::BadLength);
        }
        match self.kind {
            Kind::Write if self.len > MAX_PAYLOAD as u64 => Err(CorruptionKind::BadLength),
            Kind::Flush | Kind::Gap if self.len != 0 || self.offset != 0 => {
                Err(CorruptionKind::BadLength)
            }
            _ => Ok(()),
        }
    }

    /// Total record length for this header, if valid.
    pub fn total_len(&self) -> Option<usize> {
        encoded_len(usize::try_from(self.payload_len()).ok()?)
    }

    /// Writes the 64 header bytes (with `total_len`) into `out[..64]`.
    pub fn encode(&self, total_len: u32, out: &mut [u8]) -> Option<()> {
        let out = out.get_mut(..HEADER_LEN)?;
        put(out, off::MAGIC, &MAGIC.to_le_bytes())?;
        put(out, off::VERSION, &VERSION.to_le_bytes())?;
        put(out, off::HEADER_LEN, &HEADER_LEN_U16.to_le_bytes())?;
        put(out, off::TOTAL_LEN, &total_len.to_le_bytes())?;
        put(out, off::KIND, &self.kind.code().to_le_bytes())?;
        put(out, off::FLAGS, &self.flags.to_le_bytes())?;
        put(out, off::SEQ, &self.seq.to_le_bytes())?;
        put(out, off::STAMP_SEC, &self.stamp.sec.to_le_bytes())?;
        put(out, off::STAMP_NSEC, &self.stamp.nsec.to_le_bytes())?;
        put(out, off::LOG_ID, &self.log_id.to_le_bytes())?;
        put(out, off::DEV_OFFSET, &self.offset.to_le_bytes())?;
        put(out, off::DATA_LEN, &self.len.to_le_bytes())?;
        put(out, off::DURABLE_UPTO, &self.durable_upto.to_le_bytes())
    }

    /// Decodes and validates header bytes whose CRC has already been
    /// verified (`total_len` is the record length found at offset 8).
    pub fn decode(buf: &[u8], total_len: usize) -> Result<Header, CorruptionKind> {
        let short = CorruptionKind::BadLength;
        if le_u16(buf, off::VERSION).ok_or(short)? != VERSION
            || usize::from(le_u16(buf, off::HEADER_LEN).ok_or(short)?) != HEADER_LEN
        {
            return Err(CorruptionKind::BadVersion);
        }
        let kind =
            Kind::from_code(le_u16(buf, off::KIND).ok_or(short)?).ok_or(CorruptionKind::BadKind)?;
        let h = Header {
            kind,
            flags: le_u16(buf, off::FLAGS).ok_or(short)?,
            seq: le_u64(buf, off::SEQ).ok_or(short)?,
            stamp: Stamp {
                sec: le_u64(buf, off::STAMP_SEC).ok_or(short)?,
                nsec: le_u32(buf, off::STAMP_NSEC).ok_or(short)?,
            },
            offset: le_u64(buf, off::DEV_OFFSET).ok_or(short)?,
            len: le_u64(buf, off::DATA_LEN).ok_or(short)?,
            durable_upto: le_u64(buf, off::DURABLE_UPTO).ok_or(short)?,
            log_id: le_u32(buf, off::LOG_ID).ok_or(short)?,
        };
        h.validate()?;
        if h.total_len() != Some(total_len) {
            return Err(CorruptionKind::BadLength);
        }
        Ok(h)
    }
}
