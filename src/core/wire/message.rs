//! Message payloads: the [`Message`] enum and its payload codec.

use super::super::auth::{MAC_LEN, NONCE_LEN};
use super::super::bytes::{Reader, Writer};
use super::super::lamport::Stamp;
use super::super::names::{check_tree_path, HostName, ResourceName};
use super::super::tree::Uuid;
use super::entries::{Entries, TreeEntry};
use super::{
    check_text, EncodeError, MessageType, DIGEST_LEN, MAX_BLOCK_SIZE, MAX_DATA, MIN_BLOCK_SIZE,
    PROTOCOL_MAX, PROTOCOL_MIN,
};

/// Connection opening, sent by the connecting side (the client).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hello {
    /// Oldest protocol version the sender speaks.
    pub min_version: u16,
    /// Newest protocol version the sender speaks.
    pub max_version: u16,
    /// Feature bits (none defined in v2, sent as zero).
    pub features: u64,
    /// The client's cluster uuid; all-zero while joining (uuid unknown).
    pub cluster: Uuid,
    /// The client's fresh random nonce.
    pub nonce: [u8; NONCE_LEN],
    /// The client's host name.
    pub host: HostName,
}

/// Answer to [`Hello`], carrying the server's authentication proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HelloAck {
    /// The negotiated protocol version (`PROTOCOL_MIN..=PROTOCOL_MAX`).
    pub version: u16,
    /// Feature bits accepted (zero in v2).
    pub features: u64,
    /// The server's cluster uuid.
    pub cluster: Uuid,
    /// The server's fresh random nonce.
    pub nonce: [u8; NONCE_LEN],
    /// The server's proof: HMAC-SHA256 over the `auth::mac_input` with
    /// role `Server`.
    pub mac: [u8; MAC_LEN],
    /// The server's host name.
    pub host: HostName,
}

/// A protocol message, borrowing variable-length fields from the frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Message<'a> {
    /// Connection opening.
    Hello(Hello),
    /// Answer with the negotiated version.
    HelloAck(HelloAck),
    /// Request the entries under a tree path.
    ListTree {
        /// Path relative to `/mars` (empty = whole tree).
        path: &'a str,
    },
    /// A batch of tree entries.
    TreeEntries(Entries<'a>),
    /// Push one tree entry to the peer.
    PushLink(TreeEntry<'a>),
    /// Ask for a file's size.
    FileInfoRequest {
        /// File path relative to `/mars`.
        path: &'a str,
    },
    /// A file's size.
    FileInfo {
        /// File path relative to `/mars`.
        path: &'a str,
        /// Current size in bytes.
        size: u64,
        /// Whether the file is complete (will not grow).
        complete: bool,
    },
    /// Ask for bytes of a file.
    ReadRange {
        /// File path relative to `/mars`.
        path: &'a str,
        /// Start offset.
        offset: u64,
        /// Number of bytes, at most [`MAX_DATA`].
        len: u32,
    },
    /// File bytes (answer to `ReadRange`).
    Data {
        /// Offset of the first byte.
        offset: u64,
        /// The bytes, at most [`MAX_DATA`].
        bytes: &'a [u8],
    },
    /// Ask for digests of device blocks.
    BlockDigestsRequest {
        /// The resource whose data device is meant.
        resource: &'a str,
        /// Device byte offset of the first block.
        offset: u64,
        /// Block size: a power of two in `512..=1 MiB`.
        block_size: u32,
        /// Number of blocks, `1..=MAX_DATA / 32`.
        count: u32,
    },
    /// Digests of device blocks (answer to `BlockDigestsRequest`).
    BlockDigests {
        /// Device byte offset of the first block.
        offset: u64,
        /// Block size.
        block_size: u32,
        /// Concatenated 32-byte digests.
        digests: &'a [u8],
    },
    /// Device blocks.
    BlockData {
        /// Device byte offset.
        offset: u64,
        /// The bytes, at most [`MAX_DATA`].
        bytes: &'a [u8],
    },
    /// An error report.
    Error {
        /// Error code.
        code: u32,
        /// Human-readable text (no control characters).
        message: &'a str,
    },
    /// The client's authentication proof (answer to `HelloAck`).
    Auth {
        /// HMAC-SHA256 over the `auth::mac_input` with role `Client`.
        mac: [u8; MAC_LEN],
    },
    /// End of a pushed batch: the sender's changes up to `upto` were sent.
    Sync {
        /// The sender's local change sequence number covered.
        upto: u64,
        /// The sender's real-time clock.
        real: Stamp,
    },
    /// Answer to `Sync`: everything up to `upto` is applied.
    SyncAck {
        /// The `upto` of the `Sync` answered.
        upto: u64,
        /// The receiver's real-time clock.
        real: Stamp,
    },
    /// Ask for bytes of a resource's data device (answered by `BlockData`).
    BlockRead {
        /// The resource.
        resource: &'a str,
        /// Device byte offset.
        offset: u64,
        /// Number of bytes, `1..=MAX_DATA`.
        len: u32,
    },
    /// Ask where a resource's logs stand on the server.
    ResourceInfoRequest {
        /// The resource.
        resource: &'a str,
    },
    /// Answer to `ResourceInfoRequest`.
    ResourceInfo {
        /// The resource.
        resource: &'a str,
        /// Size of the resource in bytes.
        size: u64,
        /// The log the server appends to now and the end of what it serves
        /// of it (its durable end); number 0: none.
        current: LogPos,
        /// The size of the current log (appended, not necessarily durable
        /// yet): no record beyond it can be on the server's data device.
        appended: u64,
        /// How far the server's data device holds the logs (its
        /// `replay-HOST` position); number 0: none.
        written: LogPos,
    },
}

/// A position in a log: its number, origin host and byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogPos {
    /// Log number (0: no log).
    pub number: u32,
    /// The host that wrote the log.
    pub host: HostName,
    /// Byte offset.
    pub pos: u64,
}

fn read_log_pos(r: &mut Reader<'_>) -> Option<LogPos> {
    Some(LogPos {
        number: r.u32()?,
        host: HostName::new(r.str16()?).ok()?,
        pos: r.u64()?,
    })
}

fn write_log_pos(w: &mut Writer<'_>, p: &LogPos) -> Option<()> {
    w.u32(p.number)
        .and_then(|()| w.str16(p.host.as_str()))
        .and_then(|()| w.u64(p.pos))
}

fn resource_ok(s: &str) -> bool {
    ResourceName::new(s).is_ok()
}

fn read_stamp(r: &mut Reader<'_>) -> Option<Stamp> {
    let sec = r.u64()?;
    Stamp::new(sec, r.u32()?)
}

fn block_size_ok(bs: u32) -> bool {
    bs.is_power_of_two() && (MIN_BLOCK_SIZE..=MAX_BLOCK_SIZE).contains(&bs)
}

fn range_ok(offset: u64, len: usize) -> bool {
    len <= MAX_DATA
        && u64::try_from(len)
            .ok()
            .and_then(|l| offset.checked_add(l))
            .is_some()
}

fn file_path_ok(p: &str) -> bool {
    !p.is_empty() && check_tree_path(p).is_ok()
}

impl<'a> Message<'a> {
    /// The type code.
    pub fn message_type(&self) -> MessageType {
        match self {
            Message::Hello(_) => MessageType::Hello,
            Message::HelloAck(_) => MessageType::HelloAck,
            Message::ListTree { .. } => MessageType::ListTree,
            Message::TreeEntries(_) => MessageType::TreeEntries,
            Message::PushLink(_) => MessageType::PushLink,
            Message::FileInfoRequest { .. } => MessageType::FileInfoRequest,
            Message::FileInfo { .. } => MessageType::FileInfo,
            Message::ReadRange { .. } => MessageType::ReadRange,
            Message::Data { .. } => MessageType::Data,
            Message::BlockDigestsRequest { .. } => MessageType::BlockDigestsRequest,
            Message::BlockDigests { .. } => MessageType::BlockDigests,
            Message::BlockData { .. } => MessageType::BlockData,
            Message::Error { .. } => MessageType::Error,
            Message::Auth { .. } => MessageType::Auth,
            Message::Sync { .. } => MessageType::Sync,
            Message::SyncAck { .. } => MessageType::SyncAck,
            Message::BlockRead { .. } => MessageType::BlockRead,
            Message::ResourceInfoRequest { .. } => MessageType::ResourceInfoRequest,
            Message::ResourceInfo { .. } => MessageType::ResourceInfo,
        }
    }

    /// Whether every field satisfies the protocol rules.
    pub fn is_valid(&self) -> bool {
        match *self {
            Message::Hello(h) => h.min_version <= h.max_version,
            Message::HelloAck(h) => (PROTOCOL_MIN..=PROTOCOL_MAX).contains(&h.version),
            Message::ListTree { path } => check_tree_path(path).is_ok(),
            Message::TreeEntries(_) => true,
            Message::PushLink(e) => e.is_valid(),
            Message::FileInfoRequest { path } | Message::FileInfo { path, .. } => {
                file_path_ok(path)
            }
            Message::ReadRange { path, offset, len } => {
                file_path_ok(path) && usize::try_from(len).is_ok_and(|l| range_ok(offset, l))
            }
            Message::Data { offset, bytes } | Message::BlockData { offset, bytes } => {
                range_ok(offset, bytes.len())
            }
            Message::BlockDigestsRequest {
                resource,
                offset,
                block_size,
                count,
            } => {
                resource_ok(resource)
                    && block_size_ok(block_size)
                    && count > 0
                    && usize::try_from(count)
                        .ok()
                        .and_then(|c| c.checked_mul(DIGEST_LEN))
                        .is_some_and(|n| n <= MAX_DATA)
                    && u64::from(count)
                        .checked_mul(u64::from(block_size))
                        .and_then(|n| offset.checked_add(n))
                        .is_some()
            }
            Message::BlockDigests {
                block_size,
                digests,
                ..
            } => {
                block_size_ok(block_size)
                    && digests.len() % DIGEST_LEN == 0
                    && digests.len() <= MAX_DATA
            }
            Message::Error { message, .. } => check_text(message),
            Message::Auth { .. } => true,
            Message::Sync { real, .. } | Message::SyncAck { real, .. } => real.is_valid(),
            Message::BlockRead {
                resource,
                offset,
                len,
            } => {
                resource_ok(resource)
                    && len > 0
                    && usize::try_from(len).is_ok_and(|l| range_ok(offset, l))
            }
            Message::ResourceInfoRequest { resource } => resource_ok(resource),
            Message::ResourceInfo { resource, .. } => resource_ok(resource),
        }
    }

    /// Writes the payload into `w`.
    pub fn write_payload(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        if !self.is_valid() {
            return Err(EncodeError::Invalid);
        }
        let done = match *self {
            Message::Hello(h) => w
                .u16(h.min_version)
                .and_then(|()| w.u16(h.max_version))
                .and_then(|()| w.u64(h.features))
                .and_then(|()| w.bytes(&h.cluster.0))
                .and_then(|()| w.bytes(&h.nonce))
                .and_then(|()| w.str16(h.host.as_str())),
            Message::HelloAck(h) => w
                .u16(h.version)
                .and_then(|()| w.u64(h.features))
                .and_then(|()| w.bytes(&h.cluster.0))
                .and_then(|()| w.bytes(&h.nonce))
                .and_then(|()| w.bytes(&h.mac))
                .and_then(|()| w.str16(h.host.as_str())),
            Message::ListTree { path } | Message::FileInfoRequest { path } => w.str16(path),
            Message::TreeEntries(e) => w.u32(e.len()).and_then(|()| w.bytes(e.as_bytes())),
            Message::PushLink(e) => return e.write(w),
            Message::FileInfo {
                path,
                size,
                complete,
            } => w
                .str16(path)
                .and_then(|()| w.u64(size))
                .and_then(|()| w.u8(u8::from(complete))),
            Message::ReadRange { path, offset, len } => w
                .str16(path)
                .and_then(|()| w.u64(offset))
                .and_then(|()| w.u32(len)),
            Message::Data { offset, bytes } | Message::BlockData { offset, bytes } => {
                w.u64(offset).and_then(|()| w.bytes(bytes))
            }
            Message::BlockDigestsRequest {
                resource,
                offset,
                block_size,
                count,
            } => w
                .str16(resource)
                .and_then(|()| w.u64(offset))
                .and_then(|()| w.u32(block_size))
                .and_then(|()| w.u32(count)),
            Message::BlockDigests {
                offset,
                block_size,
                digests,
            } => w
                .u64(offset)
                .and_then(|()| w.u32(block_size))
                .and_then(|()| w.bytes(digests)),
            Message::Error { code, message } => w.u32(code).and_then(|()| w.str16(message)),
            Message::Auth { mac } => w.bytes(&mac),
            Message::Sync { upto, real } | Message::SyncAck { upto, real } => w
                .u64(upto)
                .and_then(|()| w.u64(real.sec))
                .and_then(|()| w.u32(real.nsec)),
            Message::BlockRead {
                resource,
                offset,
                len,
            } => w
                .str16(resource)
                .and_then(|()| w.u64(offset))
                .and_then(|()| w.u32(len)),
            Message::ResourceInfoRequest { resource } => w.str16(resource),
            Message::ResourceInfo {
                resource,
                size,
                current,
                appended,
                written,
            } => w
                .str16(resource)
                .and_then(|()| w.u64(size))
                .and_then(|()| write_log_pos(w, &current))
                .and_then(|()| w.u64(appended))
                .and_then(|()| write_log_pos(w, &written)),
        };
        done.ok_or(EncodeError::BufferTooSmall)
    }

    /// Decodes and validates the payload of a message of type `ty`; the whole
    /// payload must be consumed.
    pub fn read_payload(ty: MessageType, payload: &'a [u8]) -> Option<Message<'a>> {
        let mut r = Reader::new(payload);
        let host = |s: &str| HostName::new(s).ok();
        let msg = match ty {
            MessageType::Hello => Message::Hello(Hello {
                min_version: r.u16()?,
                max_version: r.u16()?,
                features: r.u64()?,
                cluster: Uuid(r.array()?),
                nonce: r.array()?,
                host: host(r.str16()?)?,
            }),
            MessageType::HelloAck => Message::HelloAck(HelloAck {
                version: r.u16()?,
                features: r.u64()?,
                cluster: Uuid(r.array()?),
                nonce: r.array()?,
                mac: r.array()?,
                host: host(r.str16()?)?,
            }),
            MessageType::ListTree => Message::ListTree { path: r.str16()? },
            MessageType::TreeEntries => {
                let count = r.u32()?;
                let rest = r.take(r.remaining())?;
                Message::TreeEntries(Entries::parse(count, rest)?)
            }
            MessageType::PushLink => Message::PushLink(TreeEntry::read(&mut r)?),
            MessageType::FileInfoRequest => Message::FileInfoRequest { path: r.str16()? },
            MessageType::FileInfo => Message::FileInfo {
                path: r.str16()?,
                size: r.u64()?,
                complete: match r.u8()? {
                    0 => false,
                    1 => true,
                    _ => return None,
                },
            },
            MessageType::ReadRange => Message::ReadRange {
                path: r.str16()?,
                offset: r.u64()?,
                len: r.u32()?,
            },
            MessageType::Data => Message::Data {
                offset: r.u64()?,
                bytes: r.take(r.remaining())?,
            },
            MessageType::BlockDigestsRequest => Message::BlockDigestsRequest {
                resource: r.str16()?,
                offset: r.u64()?,
                block_size: r.u32()?,
                count: r.u32()?,
            },
            MessageType::BlockDigests => Message::BlockDigests {
                offset: r.u64()?,
                block_size: r.u32()?,
                digests: r.take(r.remaining())?,
            },
            MessageType::BlockData => Message::BlockData {
                offset: r.u64()?,
                bytes: r.take(r.remaining())?,
            },
            MessageType::Error => Message::Error {
                code: r.u32()?,
                message: r.str16()?,
            },
            MessageType::Auth => Message::Auth { mac: r.array()? },
            MessageType::Sync => Message::Sync {
                upto: r.u64()?,
                real: read_stamp(&mut r)?,
            },
            MessageType::SyncAck => Message::SyncAck {
                upto: r.u64()?,
                real: read_stamp(&mut r)?,
            },
            MessageType::BlockRead => Message::BlockRead {
                resource: r.str16()?,
                offset: r.u64()?,
                len: r.u32()?,
            },
            MessageType::ResourceInfoRequest => Message::ResourceInfoRequest {
                resource: r.str16()?,
            },
            MessageType::ResourceInfo => Message::ResourceInfo {
                resource: r.str16()?,
                size: r.u64()?,
                current: read_log_pos(&mut r)?,
                appended: r.u64()?,
                written: read_log_pos(&mut r)?,
            },
        };
        (r.remaining() == 0 && msg.is_valid()).then_some(msg)
    }
}
