//! Bounds-checked little-endian field access for fixed-layout formats.
//!
//! The log record and the wire frame are parsed with these helpers so that a
//! short or hostile buffer yields `None` instead of a panic.

/// Reads `N` bytes at `off`, or `None` if the buffer is too short.
pub fn array<const N: usize>(buf: &[u8], off: usize) -> Option<[u8; N]> {
    let end = off.checked_add(N)?;
    let src = buf.get(off..end)?;
    let mut out = [0u8; N];
    out.copy_from_slice(src);
    Some(out)
}

/// Reads a little-endian `u16` at `off`.
pub fn le_u16(buf: &[u8], off: usize) -> Option<u16> {
    array(buf, off).map(u16::from_le_bytes)
}

/// Reads a little-endian `u32` at `off`.
pub fn le_u32(buf: &[u8], off: usize) -> Option<u32> {
    array(buf, off).map(u32::from_le_bytes)
}

/// Reads a little-endian `u64` at `off`.
pub fn le_u64(buf: &[u8], off: usize) -> Option<u64> {
    array(buf, off).map(u64::from_le_bytes)
}

/// Copies `src` into `buf` at `off`; `None` if it does not fit.
pub fn put(buf: &mut [u8], off: usize, src: &[u8]) -> Option<()> {
    let end = off.checked_add(src.len())?;
    buf.get_mut(off..end)?.copy_from_slice(src);
    Some(())
}

/// A forward-only reader over a byte slice; every read is bounds-checked.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Starts reading at the beginning of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { rest: buf }
    }

    /// Bytes not yet consumed.
    pub fn remaining(&self) -> usize {
        self.rest.len()
    }

    /// Takes the next `n` bytes.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, tail) = self.rest.split_at_checked(n)?;
        self.rest = tail;
        Some(head)
    }

    /// Takes the next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        let out = array(self.rest, 0)?;
        self.rest = self.rest.get(N..)?;
        Some(out)
    }

    /// Reads a `u8`.
    pub fn u8(&mut self) -> Option<u8> {
        self.array::<1>().map(|[b]| b)
    }

    /// Reads a little-endian `u16`.
    pub fn u16(&mut self) -> Option<u16> {
        self.array().map(u16::from_le_bytes)
    }

    /// Reads a little-endian `u32`.
    pub fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_le_bytes)
    }

    /// Reads a little-endian `u64`.
    pub fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_le_bytes)
    }

    /// Reads a `u16` length followed by that many bytes of UTF-8.
    pub fn str16(&mut self) -> Option<&'a str> {
        let len = self.u16()?;
        core::str::from_utf8(self.take(usize::from(len))?).ok()
    }
}

/// A forward-only writer into a caller buffer; every write is bounds-checked.
#[derive(Debug)]
pub struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl<'a> Writer<'a> {
    /// Starts writing at the beginning of `buf`.
    pub fn new(buf: &'a mut [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Bytes written so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Moves back to `pos` (no-op if `pos` is ahead), dropping later bytes.
    pub fn rewind(&mut self, pos: usize) {
        if pos < self.pos {
            self.pos = pos;
        }
    }

    /// Ends writing and returns the written part of the buffer.
    pub fn into_written(self) -> &'a [u8] {
        let pos = self.pos;
        let buf: &'a [u8] = self.buf;
        buf.get(..pos).unwrap_or(&[])
    }

    /// Appends `src`; `None` if it does not fit.
    pub fn bytes(&mut self, src: &[u8]) -> Option<()> {
        put(self.buf, self.pos, src)?;
        self.pos = self.pos.checked_add(src.len())?;
        Some(())
    }

    /// Appends a `u8`.
    pub fn u8(&mut self, v: u8) -> Option<()> {
        self.bytes(&[v])
    }

    /// Appends a little-endian `u16`.
    pub fn u16(&mut self, v: u16) -> Option<()> {
        self.bytes(&v.to_le_bytes())
    }

    /// Appends a little-endian `u32`.
    pub fn u32(&mut self, v: u32) -> Option<()> {
        self.bytes(&v.to_le_bytes())
    }

    /// Appends a little-endian `u64`.
    pub fn u64(&mut self, v: u64) -> Option<()> {
        self.bytes(&v.to_le_bytes())
    }

    /// Appends a `u16` length and the bytes of `s`; `None` if too long.
    pub fn str16(&mut self, s: &str) -> Option<()> {
        self.u16(u16::try_from(s.len()).ok()?)?;
        self.bytes(s.as_bytes())
    }
}
