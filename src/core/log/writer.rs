//! Building log records: in one call, or incrementally without a second pass.
//!
//! The kernel writes the header with [`RecordWriter::begin`], copies the bio
//! segments into its buffer itself and feeds each piece to
//! [`RecordWriter::payload`] (which only updates the running CRC), then
//! [`RecordWriter::finish`] writes padding and trailer.

use core::fmt;

use super::super::bytes::put;
use super::super::crc32c::{Crc32c, Crc32cDigest};
use super::{CorruptionKind, Header, END_MAGIC, HEADER_LEN, MAX_PAYLOAD, TRAILER_LEN};

/// Total record length for a payload of `payload_len` bytes, or `None` if the
/// payload exceeds [`MAX_PAYLOAD`].
pub const fn encoded_len(payload_len: usize) -> Option<usize> {
    if payload_len > MAX_PAYLOAD {
        return None;
    }
    // Cannot overflow: payload_len <= 4 MiB.
    match HEADER_LEN.checked_add(payload_len) {
        Some(n) => match n.checked_add(7) {
            Some(r) => (r & !7usize).checked_add(TRAILER_LEN),
            None => None,
        },
        None => None,
    }
}

/// Why a record could not be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The header violates a format rule.
    Invalid(CorruptionKind),
    /// The output buffer is too small.
    BufferTooSmall,
    /// The payload fed does not match the header's data length.
    PayloadMismatch,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::Invalid(k) => write!(f, "invalid record header: {k}"),
            EncodeError::BufferTooSmall => f.write_str("output buffer too small"),
            EncodeError::PayloadMismatch => f.write_str("payload length differs from header"),
        }
    }
}

/// An in-progress record: the header is written, the payload is being fed.
#[derive(Clone, Debug)]
pub struct RecordWriter {
    digest: Crc32cDigest,
    payload_len: usize,
    fed: usize,
    total_len: usize,
}

impl RecordWriter {
    /// Validates `header`, writes it into `head[..64]` and starts the CRC.
    pub fn begin<C: Crc32c + ?Sized>(
        crc: &C,
        header: &Header,
        head: &mut [u8],
    ) -> Result<Self, EncodeError> {
        header.validate().map_err(EncodeError::Invalid)?;
        let payload_len = usize::try_from(header.payload_len())
            .map_err(|_| EncodeError::Invalid(CorruptionKind::BadLength))?;
        let total_len =
            encoded_len(payload_len).ok_or(EncodeError::Invalid(CorruptionKind::BadLength))?;
        let total32 = u32::try_from(total_len)
            .map_err(|_| EncodeError::Invalid(CorruptionKind::BadLength))?;
        header
            .encode(total32, head)
            .ok_or(EncodeError::BufferTooSmall)?;
        let mut digest = Crc32cDigest::new();
        digest.update(
            crc,
            head.get(..HEADER_LEN).ok_or(EncodeError::BufferTooSmall)?,
        );
        Ok(Self {
            digest,
            payload_len,
            fed: 0,
            total_len,
        })
    }

    /// Feeds the next piece of payload (already copied by the caller to
    /// its place after the header) into the CRC.
    pub fn payload<C: Crc32c + ?Sized>(
        &mut self,
        crc: &C,
        bytes: &[u8],
    ) -> Result<(), EncodeError> {
        let fed = self
            .fed
            .checked_add(bytes.len())
            .filter(|&n| n <= self.payload_len)
            .ok_or(EncodeError::PayloadMismatch)?;
        self.digest.update(crc, bytes);
        self.fed = fed;
        Ok(())
    }

    /// Total record length.
    pub fn total_len(&self) -> usize {
        self.total_len
    }

    /// Declared payload length.
    pub fn payload_len(&self) -> usize {
        self.payload_len
    }

    /// Bytes [`finish`](Self::finish) writes: padding plus trailer. They
    /// go right after the payload, at record offset `64 + payload_len`.
    pub fn tail_len(&self) -> usize {
        self.total_len
            .saturating_sub(HEADER_LEN)
            .saturating_sub(self.payload_len)
    }

    /// Writes zero padding, end magic and CRC into `tail[..tail_len()]`.
    /// Returns the total record length.
    pub fn finish<C: Crc32c + ?Sized>(
        self,
        crc: &C,
        tail: &mut [u8],
    ) -> Result<usize, EncodeError> {
        if self.fed != self.payload_len {
            return Err(EncodeError::PayloadMismatch);
        }
        let tail_len = self.tail_len();
        let pad = tail_len.saturating_sub(TRAILER_LEN);
        let tail = tail
            .get_mut(..tail_len)
            .ok_or(EncodeError::BufferTooSmall)?;
        let (padding, trailer) = tail
            .split_at_mut_checked(pad)
            .ok_or(EncodeError::BufferTooSmall)?;
        padding.fill(0);
        put(trailer, 0, &END_MAGIC.to_le_bytes()).ok_or(EncodeError::BufferTooSmall)?;
        let mut digest = self.digest;
        digest.update(crc, padding);
        digest.update(crc, &END_MAGIC.to_le_bytes());
        put(trailer, 4, &digest.value().to_le_bytes()).ok_or(EncodeError::BufferTooSmall)?;
        Ok(self.total_len)
    }
}

/// Encodes a whole record (`header` + `payload`) into `out`; returns its
/// length. For writes `payload.len()` must equal `header.len`; other kinds
/// take an empty payload.
pub fn encode_record<C: Crc32c + ?Sized>(
    crc: &C,
    header: &Header,
    payload: &[u8],
    out: &mut [u8],
) -> Result<usize, EncodeError> {
    if u64::try_from(payload.len()).ok() != Some(header.payload_len()) {
        return Err(EncodeError::PayloadMismatch);
    }
    let total = header
        .total_len()
        .ok_or(EncodeError::Invalid(CorruptionKind::BadLength))?;
    let out = out.get_mut(..total).ok_or(EncodeError::BufferTooSmall)?;
    let (head, rest) = out
        .split_at_mut_checked(HEADER_LEN)
        .ok_or(EncodeError::BufferTooSmall)?;
    let mut w = RecordWriter::begin(crc, header, head)?;
    let (body, tail) = rest
        .split_at_mut_checked(payload.len())
        .ok_or(EncodeError::BufferTooSmall)?;
    body.copy_from_slice(payload);
    w.payload(crc, body)?;
    w.finish(crc, tail)
}

#[cfg(test)]
mod tests {
    use super::super::super::crc32c::{checksum, SoftCrc32c};
    use super::super::super::lamport::Stamp;
    use super::super::{Kind, MAGIC};
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(encoded_len(0), Some(72));
        assert_eq!(encoded_len(1), Some(80));
        assert_eq!(encoded_len(8), Some(80));
        assert_eq!(encoded_len(4096), Some(4168));
        assert_eq!(encoded_len(MAX_PAYLOAD), Some(MAX_PAYLOAD + 72));
        assert_eq!(encoded_len(MAX_PAYLOAD + 1), None);
    }

    #[test]
    fn layout() {
        let h = Header::write(1, Stamp { sec: 2, nsec: 3 }, 512, 5, 0);
        let mut buf = [0xAAu8; 96];
        let n = encode_record(&SoftCrc32c, &h, b"hello", &mut buf).unwrap();
        assert_eq!(n, 80);
        assert_eq!(&buf[0..4], &MAGIC.to_le_bytes());
        assert_eq!(&buf[64..69], b"hello");
        assert_eq!(&buf[69..72], &[0, 0, 0]);
        assert_eq!(&buf[72..76], b"MRSE");
        let crc = checksum(&SoftCrc32c, &buf[..76]);
        assert_eq!(&buf[76..80], &crc.to_le_bytes());
        assert_eq!(buf[80], 0xAA);
    }

    #[test]
    fn incremental_equals_oneshot() {
        let payload: std::vec::Vec<u8> = (0..1000u32).map(|i| i as u8).collect();
        let h = Header::write(7, Stamp { sec: 9, nsec: 1 }, 4096, 1000, 64);
        let mut a = std::vec![0u8; 1080];
        let n = encode_record(&SoftCrc32c, &h, &payload, &mut a).unwrap();
        let mut b = std::vec![0u8; n];
        let (head, rest) = b.split_at_mut(64);
        let mut w = RecordWriter::begin(&SoftCrc32c, &h, head).unwrap();
        for piece in payload.chunks(333) {
            w.payload(&SoftCrc32c, piece).unwrap();
        }
        rest[..1000].copy_from_slice(&payload);
        let tl = w.tail_len();
        assert_eq!(
            w.finish(&SoftCrc32c, &mut rest[1000..1000 + tl]).unwrap(),
            n
        );
        assert_eq!(a[..n], b[..]);
    }

    #[test]
    fn rejects() {
        let mut buf = [0u8; 200];
        let mut h = Header::write(1, Stamp::ZERO, 0, 4, 0);
        assert_eq!(
            encode_record(&SoftCrc32c, &h, b"abc", &mut buf),
            Err(EncodeError::PayloadMismatch)
        );
        h.flags = 1;
        assert_eq!(
            encode_record(&SoftCrc32c, &h, b"abcd", &mut buf),
            Err(EncodeError::Invalid(CorruptionKind::BadFlags))
        );
        let d = Header {
            kind: Kind::Discard,
            len: u64::MAX,
            offset: 1,
            ..Header::write(1, Stamp::ZERO, 0, 0, 0)
        };
        assert!(encode_record(&SoftCrc32c, &d, b"", &mut buf).is_err());
        let mut small = [0u8; 79];
        assert_eq!(
            encode_record(
                &SoftCrc32c,
                &Header::write(1, Stamp::ZERO, 0, 1, 0),
                b"x",
                &mut small
            ),
            Err(EncodeError::BufferTooSmall)
        );
        let mut w = RecordWriter::begin(
            &SoftCrc32c,
            &Header::write(1, Stamp::ZERO, 0, 2, 0),
            &mut buf,
        )
        .unwrap();
        assert!(w.payload(&SoftCrc32c, b"abc").is_err());
        assert_eq!(
            w.clone().finish(&SoftCrc32c, &mut [0u8; 8]),
            Err(EncodeError::PayloadMismatch)
        );
    }
}
