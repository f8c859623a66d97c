//! Wire protocol v2: framing, message types and version negotiation.
//!
//! Every message is a frame: a fixed 40-byte header followed by the
//! payload. The header carries its own CRC-32C (checked before any header
//! field is trusted) and the CRC-32C of the payload. All integers are
//! little-endian. See `docs/protocol.md`.

pub mod entries;
pub mod frame;
pub mod message;

use core::fmt;

pub use entries::{Entries, EntriesBuilder, EntriesIter, TreeEntry};
pub use frame::{decode_frame, encode_frame, frame_len, Frame};
pub use message::{Hello, HelloAck, LogPos, Message};

/// Frame magic: `b"MRSW"` read as a little-endian `u32`.
pub const MAGIC: u32 = u32::from_le_bytes(*b"MRSW");
/// Oldest protocol version this code speaks.
pub const PROTOCOL_MIN: u16 = 2;
/// Newest protocol version this code speaks.
pub const PROTOCOL_MAX: u16 = 2;
/// Frame header length.
pub const HEADER_LEN: usize = 40;
/// Largest data block carried by one message (`Data`, `BlockData`,
/// `BlockDigests`, `ReadRange` length): 1 MiB.
pub const MAX_DATA: usize = 1 << 20;
/// Largest payload of any frame: [`MAX_DATA`] plus 4 KiB for fields.
pub const MAX_PAYLOAD: usize = MAX_DATA + 4096;
/// Largest frame.
pub const MAX_FRAME: usize = HEADER_LEN + MAX_PAYLOAD;
/// Longest link target or error message carried, in bytes.
pub const MAX_TEXT: usize = 1024;
/// Size of one block digest (SHA-256).
pub const DIGEST_LEN: usize = 32;
/// Smallest block size for digests.
pub const MIN_BLOCK_SIZE: u32 = 512;
/// Largest block size for digests.
pub const MAX_BLOCK_SIZE: u32 = 1 << 20;

/// Frame header field offsets.
pub mod off {
    /// `u32` magic.
    pub const MAGIC: usize = 0;
    /// `u16` protocol version of this frame.
    pub const VERSION: usize = 4;
    /// `u16` message type.
    pub const TYPE: usize = 6;
    /// `u16` flags (zero in v2).
    pub const FLAGS: usize = 8;
    /// `u16` reserved (zero).
    pub const RESERVED: usize = 10;
    /// `u32` payload length.
    pub const PAYLOAD_LEN: usize = 12;
    /// `u64` Lamport seconds.
    pub const STAMP_SEC: usize = 16;
    /// `u32` Lamport nanoseconds.
    pub const STAMP_NSEC: usize = 24;
    /// `u32` CRC-32C of the payload.
    pub const PAYLOAD_CRC: usize = 28;
    /// `u32` reserved (zero).
    pub const RESERVED2: usize = 32;
    /// `u32` CRC-32C of header bytes 0..36.
    pub const HEADER_CRC: usize = 36;
}

/// Message type codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageType {
    /// Connection opening.
    Hello = 1,
    /// Answer to `Hello` with the negotiated version.
    HelloAck = 2,
    /// Request a tree listing.
    ListTree = 3,
    /// A batch of tree entries.
    TreeEntries = 4,
    /// Push one tree entry.
    PushLink = 5,
    /// Ask for a file's size.
    FileInfoRequest = 6,
    /// A file's size and completeness.
    FileInfo = 7,
    /// Ask for a byte range of a file.
    ReadRange = 8,
    /// File bytes.
    Data = 9,
    /// Ask for block digests of the data device.
    BlockDigestsRequest = 10,
    /// Block digests.
    BlockDigests = 11,
    /// Device blocks.
    BlockData = 12,
    /// An error report.
    Error = 13,
    /// The client's authentication proof.
    Auth = 14,
    /// End of a pushed batch of changes: covered change sequence number.
    Sync = 15,
    /// Answer to `Sync`: the changes up to `upto` are applied.
    SyncAck = 16,
    /// Ask for bytes of a data device.
    BlockRead = 17,
    /// Ask where a resource's logs stand.
    ResourceInfoRequest = 18,
    /// Where a resource's logs stand.
    ResourceInfo = 19,
}

impl MessageType {
    /// All types in code order.
    pub const ALL: [MessageType; 19] = [
        MessageType::Hello,
        MessageType::HelloAck,
        MessageType::ListTree,
        MessageType::TreeEntries,
        MessageType::PushLink,
        MessageType::FileInfoRequest,
        MessageType::FileInfo,
        MessageType::ReadRange,
        MessageType::Data,
        MessageType::BlockDigestsRequest,
        MessageType::BlockDigests,
        MessageType::BlockData,
        MessageType::Error,
        MessageType::Auth,
        MessageType::Sync,
        MessageType::SyncAck,
        MessageType::BlockRead,
        MessageType::ResourceInfoRequest,
        MessageType::ResourceInfo,
    ];

    /// The wire code.
    pub const fn code(self) -> u16 {
        self as u16
    }

    /// Looks up a wire code.
    pub fn from_code(code: u16) -> Option<MessageType> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// Why bytes could not be decoded into a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// At least this many more bytes are needed.
    NeedMore(usize),
    /// Wrong frame magic.
    BadMagic,
    /// Unsupported protocol version.
    BadVersion,
    /// Payload length above [`MAX_PAYLOAD`].
    TooLong,
    /// Header or payload CRC mismatch.
    BadChecksum,
    /// Unknown message type.
    BadType,
    /// A field is invalid (bad name, bound exceeded, trailing bytes, ...).
    Malformed,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::NeedMore(n) => write!(f, "incomplete frame, {n} more bytes needed"),
            DecodeError::BadMagic => f.write_str("bad frame magic"),
            DecodeError::BadVersion => f.write_str("unsupported protocol version"),
            DecodeError::TooLong => f.write_str("payload too long"),
            DecodeError::BadChecksum => f.write_str("frame checksum mismatch"),
            DecodeError::BadType => f.write_str("unknown message type"),
            DecodeError::Malformed => f.write_str("malformed message"),
        }
    }
}

/// Why a frame could not be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The output buffer is too small.
    BufferTooSmall,
    /// The message violates a bound or grammar the decoder enforces.
    Invalid,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::BufferTooSmall => f.write_str("output buffer too small"),
            EncodeError::Invalid => f.write_str("message violates protocol bounds"),
        }
    }
}

/// An inclusive range of protocol versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VersionRange {
    /// Oldest version.
    pub min: u16,
    /// Newest version.
    pub max: u16,
}

/// The versions this code supports.
pub const SUPPORTED: VersionRange = VersionRange {
    min: PROTOCOL_MIN,
    max: PROTOCOL_MAX,
};

/// The two sides share no protocol version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoCommonVersion;

impl fmt::Display for NoCommonVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no common protocol version")
    }
}

/// Picks the highest version in both ranges.
pub fn negotiate(ours: VersionRange, theirs: VersionRange) -> Result<u16, NoCommonVersion> {
    let lo = core::cmp::max(ours.min, theirs.min);
    let hi = core::cmp::min(ours.max, theirs.max);
    if ours.min > ours.max || theirs.min > theirs.max || lo > hi {
        return Err(NoCommonVersion);
    }
    Ok(hi)
}

/// Whether `s` is acceptable as a link target or message text: at most
/// [`MAX_TEXT`] bytes, no control characters.
pub fn check_text(s: &str) -> bool {
    s.len() <= MAX_TEXT && !s.bytes().any(|c| c < 0x20 || c == 0x7F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(min: u16, max: u16) -> VersionRange {
        VersionRange { min, max }
    }

    #[test]
    fn negotiation() {
        assert_eq!(negotiate(r(1, 1), r(1, 1)), Ok(1));
        assert_eq!(negotiate(r(1, 3), r(2, 5)), Ok(3));
        assert_eq!(negotiate(r(1, 3), r(4, 5)), Err(NoCommonVersion));
        assert_eq!(negotiate(r(3, 1), r(1, 5)), Err(NoCommonVersion));
    }
}
