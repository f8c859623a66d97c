//! Tree entries on the wire: `(path, mtime stamp, link target)` triples.
//!
//! A batch is a `u32` count followed by the entries. Decoding validates the
//! whole batch once; iteration then borrows `&str` slices from the payload.

use super::super::bytes::{Reader, Writer};
use super::super::lamport::Stamp;
use super::super::names::check_tree_path;
use super::{check_text, EncodeError};

/// One symlink of the `/mars` tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeEntry<'a> {
    /// Path relative to `/mars` (validated with the tree grammar, non-empty).
    pub path: &'a str,
    /// The link's mtime (Lamport stamp).
    pub stamp: Stamp,
    /// The link target (no control characters, at most `MAX_TEXT` bytes).
    pub target: &'a str,
}

impl<'a> TreeEntry<'a> {
    /// Whether all fields satisfy the protocol rules.
    pub fn is_valid(&self) -> bool {
        !self.path.is_empty()
            && check_tree_path(self.path).is_ok()
            && self.stamp.is_valid()
            && check_text(self.target)
    }

    /// Reads and validates one entry.
    pub fn read(r: &mut Reader<'a>) -> Option<Self> {
        let path = r.str16()?;
        let sec = r.u64()?;
        let nsec = r.u32()?;
        let target = r.str16()?;
        let e = TreeEntry {
            path,
            stamp: Stamp { sec, nsec },
            target,
        };
        e.is_valid().then_some(e)
    }

    /// Writes one entry (validated first).
    pub fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        if !self.is_valid() {
            return Err(EncodeError::Invalid);
        }
        w.str16(self.path)
            .and_then(|()| w.u64(self.stamp.sec))
            .and_then(|()| w.u32(self.stamp.nsec))
            .and_then(|()| w.str16(self.target))
            .ok_or(EncodeError::BufferTooSmall)
    }
}

/// A validated batch of entries (the bytes after the count).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entries<'a> {
    count: u32,
    bytes: &'a [u8],
}

impl<'a> Entries<'a> {
    /// Validates `count` entries filling exactly `bytes`.
    pub fn parse(count: u32, bytes: &'a [u8]) -> Option<Self> {
        let mut r = Reader::new(bytes);
        for _ in 0..count {
            TreeEntry::read(&mut r)?;
        }
        (r.remaining() == 0).then_some(Self { count, bytes })
    }

    /// Number of entries.
    pub fn len(&self) -> u32 {
        self.count
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The encoded entries (without the count).
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Iterates over the entries.
    pub fn iter(&self) -> EntriesIter<'a> {
        EntriesIter {
            left: self.count,
            r: Reader::new(self.bytes),
        }
    }
}

impl<'a> IntoIterator for Entries<'a> {
    type Item = TreeEntry<'a>;
    type IntoIter = EntriesIter<'a>;

    fn into_iter(self) -> EntriesIter<'a> {
        self.iter()
    }
}

/// Iterator over an [`Entries`] batch.
#[derive(Clone, Debug)]
pub struct EntriesIter<'a> {
    left: u32,
    r: Reader<'a>,
}

impl<'a> Iterator for EntriesIter<'a> {
    type Item = TreeEntry<'a>;

    fn next(&mut self) -> Option<TreeEntry<'a>> {
        self.left = self.left.checked_sub(1)?;
        TreeEntry::read(&mut self.r)
    }
}

/// Builds a batch of entries in a caller buffer.
#[derive(Debug)]
pub struct EntriesBuilder<'b> {
    w: Writer<'b>,
    count: u32,
}

impl<'b> EntriesBuilder<'b> {
    /// Starts an empty batch in `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        Self {
            w: Writer::new(buf),
            count: 0,
        }
    }

    /// Appends an entry; on error the batch is unchanged.
    pub fn push(&mut self, e: &TreeEntry<'_>) -> Result<(), EncodeError> {
        let count = self
            .count
            .checked_add(1)
            .ok_or(EncodeError::BufferTooSmall)?;
        let start = self.w.position();
        if let Err(err) = e.write(&mut self.w) {
            self.w.rewind(start);
            return Err(err);
        }
        self.count = count;
        Ok(())
    }

    /// Number of entries so far.
    pub fn len(&self) -> u32 {
        self.count
    }

    /// Whether no entry was pushed.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Bytes used so far.
    pub fn bytes_used(&self) -> usize {
        self.w.position()
    }
}

impl<'b> EntriesBuilder<'b> {
    /// The finished batch, borrowing the builder's buffer.
    pub fn finish(self) -> Entries<'b> {
        Entries {
            count: self.count,
            bytes: self.w.into_written(),
        }
    }
}
