//! Frames: the 40-byte header around a message payload.

use super::super::bytes::{le_u16, le_u32, le_u64, put, Writer};
use super::super::crc32c::{checksum, Crc32c};
use super::super::lamport::Stamp;
use super::message::Message;
use super::{
    off, DecodeError, EncodeError, MessageType, HEADER_LEN, MAGIC, MAX_PAYLOAD, PROTOCOL_MAX,
    PROTOCOL_MIN,
};

/// A decoded frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    /// Protocol version the frame was encoded with.
    pub version: u16,
    /// The sender's Lamport stamp.
    pub stamp: Stamp,
    /// The message.
    pub message: Message<'a>,
}

/// Encodes `message` as a frame into `out`; returns the frame length.
pub fn encode_frame<C: Crc32c + ?Sized>(
    crc: &C,
    version: u16,
    stamp: Stamp,
    message: &Message<'_>,
    out: &mut [u8],
) -> Result<usize, EncodeError> {
    if !(PROTOCOL_MIN..=PROTOCOL_MAX).contains(&version) || !stamp.is_valid() {
        return Err(EncodeError::Invalid);
    }
    let (head, body) = out
        .split_at_mut_checked(HEADER_LEN)
        .ok_or(EncodeError::BufferTooSmall)?;
    let mut w = Writer::new(body);
    message.write_payload(&mut w)?;
    let payload = w.into_written();
    if payload.len() > MAX_PAYLOAD {
        return Err(EncodeError::Invalid);
    }
    let len = u32::try_from(payload.len()).map_err(|_| EncodeError::Invalid)?;
    let payload_crc = checksum(crc, payload);
    let fields: [(usize, &[u8]); 10] = [
        (off::MAGIC, &MAGIC.to_le_bytes()),
        (off::VERSION, &version.to_le_bytes()),
        (off::TYPE, &message.message_type().code().to_le_bytes()),
        (off::FLAGS, &0u16.to_le_bytes()),
        (off::RESERVED, &0u16.to_le_bytes()),
        (off::PAYLOAD_LEN, &len.to_le_bytes()),
        (off::STAMP_SEC, &stamp.sec.to_le_bytes()),
        (off::STAMP_NSEC, &stamp.nsec.to_le_bytes()),
        (off::PAYLOAD_CRC, &payload_crc.to_le_bytes()),
        (off::RESERVED2, &0u32.to_le_bytes()),
    ];
    for (at, bytes) in fields {
        put(head, at, bytes).ok_or(EncodeError::BufferTooSmall)?;
    }
    let header_crc = checksum(crc, head.get(..off::HEADER_CRC).unwrap_or(&[]));
    put(head, off::HEADER_CRC, &header_crc.to_le_bytes()).ok_or(EncodeError::BufferTooSmall)?;
    HEADER_LEN
        .checked_add(payload.len())
        .ok_or(EncodeError::Invalid)
}

/// Decodes one frame from the start of `buf`; returns it and the number of
/// bytes it occupied. Checks, in order: header length, magic, header CRC,
/// version, payload length bound, flags/reserved/stamp, message type, full
/// frame present, payload CRC, payload fields.
pub fn decode_frame<'a, C: Crc32c + ?Sized>(
    crc: &C,
    buf: &'a [u8],
) -> Result<(Frame<'a>, usize), DecodeError> {
    let head = match buf.get(..HEADER_LEN) {
        Some(h) => h,
        None => return Err(DecodeError::NeedMore(HEADER_LEN.saturating_sub(buf.len()))),
    };
    let field16 = |at| le_u16(head, at).ok_or(DecodeError::Malformed);
    let field32 = |at| le_u32(head, at).ok_or(DecodeError::Malformed);
    if field32(off::MAGIC)? != MAGIC {
        return Err(DecodeError::BadMagic);
    }
    let covered = head.get(..off::HEADER_CRC).ok_or(DecodeError::Malformed)?;
    if field32(off::HEADER_CRC)? != checksum(crc, covered) {
        return Err(DecodeError::BadChecksum);
    }
    let version = field16(off::VERSION)?;
    if !(PROTOCOL_MIN..=PROTOCOL_MAX).contains(&version) {
        return Err(DecodeError::BadVersion);
    }
    let len = usize::try_from(field32(off::PAYLOAD_LEN)?).map_err(|_| DecodeError::TooLong)?;
    if len > MAX_PAYLOAD {
        return Err(DecodeError::TooLong);
    }
    if field16(off::FLAGS)? != 0 || field16(off::RESERVED)? != 0 || field32(off::RESERVED2)? != 0 {
        return Err(DecodeError::Malformed);
    }
    let stamp = Stamp {
        sec: le_u64(head, off::STAMP_SEC).ok_or(DecodeError::Malformed)?,
        nsec: field32(off::STAMP_NSEC)?,
    };
    if !stamp.is_valid() {
        return Err(DecodeError::Malformed);
    }
    let ty = MessageType::from_code(field16(off::TYPE)?).ok_or(DecodeError::BadType)?;
    // len <= MAX_PAYLOAD, so this cannot overflow.
    let total = HEADER_LEN.checked_add(len).ok_or(DecodeError::TooLong)?;
    let payload = match buf.get(HEADER_LEN..total) {
        Some(p) => p,
        None => return Err(DecodeError::NeedMore(total.saturating_sub(buf.len()))),
    };
    if field32(off::PAYLOAD_CRC)? != checksum(crc, payload) {
        return Err(DecodeError::BadChecksum);
    }
    let message = Message::read_payload(ty, payload).ok_or(DecodeError::Malformed)?;
    Ok((
        Frame {
            version,
            stamp,
            message,
        },
        total,
    ))
}

/// Reads the payload length from a complete, CRC-checked header, so a
/// reader knows how many bytes to receive. Same checks as [`decode_frame`]
/// up to the length bound.
pub fn frame_len<C: Crc32c + ?Sized>(crc: &C, head: &[u8]) -> Result<usize, DecodeError> {
    match decode_frame(crc, head) {
        Ok((_, n)) => Ok(n),
        Err(DecodeError::NeedMore(_)) if head.len() >= HEADER_LEN => {
            let len = le_u32(head, off::PAYLOAD_LEN).ok_or(DecodeError::Malformed)?;
            let len = usize::try_from(len).map_err(|_| DecodeError::TooLong)?;
            HEADER_LEN.checked_add(len).ok_or(DecodeError::TooLong)
        }
        Err(e) => Err(e),
    }
}
