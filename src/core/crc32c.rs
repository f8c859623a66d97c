//! CRC-32C (Castagnoli) with the Linux kernel's calling convention.
//!
//! [`Crc32c::update`] behaves like the kernel's `crc32c(seed, buf, len)`: the
//! running value is neither inverted on entry nor on exit. The standard
//! CRC-32C of a buffer (check value 0xE3069283 for "123456789") is therefore
//! `!update(!0, data)`, see [`checksum`] and [`Crc32cDigest`]. In the kernel the
//! trait is implemented by calling the exported `crc32c()`; everywhere else
//! [`SoftCrc32c`] is a portable slice-by-8 implementation.

/// A CRC-32C engine with the kernel contract (no pre/post inversion).
pub trait Crc32c {
    /// Continues the raw CRC `crc` over `data` and returns the new raw value.
    fn update(&self, crc: u32, data: &[u8]) -> u32;
}

/// The standard CRC-32C of `data` (initial value and final xor `0xFFFF_FFFF`).
pub fn checksum<C: Crc32c + ?Sized>(crc: &C, data: &[u8]) -> u32 {
    !crc.update(!0, data)
}

/// Incremental standard CRC-32C: feed pieces with [`Crc32cDigest::update`],
/// read the result with [`Crc32cDigest::value`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Crc32cDigest {
    raw: u32,
}

impl Crc32cDigest {
    /// A digest over zero bytes.
    pub const fn new() -> Self {
        Self { raw: !0 }
    }

    /// Feeds `data` into the digest.
    pub fn update<C: Crc32c + ?Sized>(&mut self, crc: &C, data: &[u8]) {
        self.raw = crc.update(self.raw, data);
    }

    /// The standard CRC-32C of all bytes fed so far.
    pub const fn value(&self) -> u32 {
        !self.raw
    }
}

impl Default for Crc32cDigest {
    fn default() -> Self {
        Self::new()
    }
}

/// The reflected CRC-32C polynomial.
pub const POLY: u32 = 0x82F6_3B78;

/// Known-answer vectors `(input, standard CRC-32C)` shared with the kernel's
/// KUnit test so both implementations are checked against the same data.
pub const TEST_VECTORS: &[(&[u8], u32)] = &[
    (b"", 0x0000_0000),
    (b"a", 0xC1D0_4330),
    (b"123456789", 0xE306_9283),
    (&[0u8; 32], 0x8A91_36AA),
    (&[0xFFu8; 32], 0x62A8_AB43),
    (
        &[
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
            24, 25, 26, 27, 28, 29, 30, 31,
        ],
        0x46DD_794E,
    ),
];

/// Builds the eight slice-by-8 lookup tables at compile time.
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]
const fn make_tables() -> [[u32; 256]; 8] {
    // Evaluated by the compiler only; an out-of-range index would fail the build.
    let mut t = [[0u32; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { (c >> 1) ^ POLY } else { c >> 1 };
            k += 1;
        }
        t[0][i] = c;
        i += 1;
    }
    let mut i = 0;
    while i < 256 {
        let mut j = 1;
        while j < 8 {
            let prev = t[j - 1][i];
            t[j][i] = (prev >> 8) ^ t[0][(prev & 0xFF) as usize];
            j += 1;
        }
        i += 1;
    }
    t
}

static TABLES: [[u32; 256]; 8] = make_tables();

/// Table lookup by the low byte of `v`; the index is always in range.
#[inline(always)]
fn look(table: &[u32; 256], v: u32) -> u32 {
    match table.get(usize::from(v.to_le_bytes()[0])) {
        Some(x) => *x,
        None => 0,
    }
}

/// Portable CRC-32C, slice-by-8 with compile-time tables.
#[derive(Clone, Copy, Debug, Default)]
pub struct SoftCrc32c;

impl Crc32c for SoftCrc32c {
    fn update(&self, crc: u32, data: &[u8]) -> u32 {
        let [t0, t1, t2, t3, t4, t5, t6, t7] = &TABLES;
        let mut crc = crc;
        let chunks = data.chunks_exact(8);
        let tail = chunks.remainder();
        for chunk in chunks {
            let Ok(&[b0, b1, b2, b3, b4, b5, b6, b7]) = <&[u8; 8]>::try_from(chunk) else {
                continue;
            };
            let lo = u32::from_le_bytes([b0, b1, b2, b3]) ^ crc;
            let hi = u32::from_le_bytes([b4, b5, b6, b7]);
            crc = look(t7, lo)
                ^ look(t6, lo >> 8)
                ^ look(t5, lo >> 16)
                ^ look(t4, lo >> 24)
                ^ look(t3, hi)
                ^ look(t2, hi >> 8)
                ^ look(t1, hi >> 16)
                ^ look(t0, hi >> 24);
        }
        for &b in tail {
            crc = look(t0, crc ^ u32::from(b)) ^ (crc >> 8);
        }
        crc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors() {
        for (data, want) in TEST_VECTORS {
            assert_eq!(checksum(&SoftCrc32c, data), *want, "{data:?}");
        }
    }

    #[test]
    fn incremental_matches_oneshot() {
        let data: std::vec::Vec<u8> = (0..1000u32).map(|i| (i * 7 + 3) as u8).collect();
        for split in [0, 1, 7, 8, 9, 500, 999, 1000] {
            let mut d = Crc32cDigest::new();
            d.update(&SoftCrc32c, &data[..split]);
            d.update(&SoftCrc32c, &data[split..]);
            assert_eq!(d.value(), checksum(&SoftCrc32c, &data));
        }
    }

    #[test]
    fn raw_update_has_no_inversion() {
        // Kernel contract: crc32c(0, "", 0) == 0 and seed passes through.
        assert_eq!(SoftCrc32c.update(0, b""), 0);
        assert_eq!(SoftCrc32c.update(0x1234_5678, b""), 0x1234_5678);
        assert_eq!(SoftCrc32c.update(0, &[0u8; 16]), 0);
    }
}
