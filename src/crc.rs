// SPDX-License-Identifier: GPL-2.0

//! CRC-32C in the kernel: the core crate's `Crc32c` trait implemented with
//! the kernel's accelerated `crc32c()`.

use super::ffi;
use super::mars_core::crc32c::Crc32c;
use kernel::prelude::*;

/// The kernel's CRC-32C (same contract as the core trait: no inversion).
pub(crate) struct KernelCrc32c;

impl Crc32c for KernelCrc32c {
    fn update(&self, crc: u32, data: &[u8]) -> u32 {
        ffi::crc32c(crc, data)
    }
}

#[kunit_tests(mars_crc32c)]
mod tests {
    use super::KernelCrc32c;
    use crate::ffi;
    use crate::mars_core::crc32c::{checksum, Crc32c, SoftCrc32c, TEST_VECTORS};
    use kernel::prelude::*;

    #[test]
    fn kernel_crc32c_matches_published_vectors() {
        for (data, want) in TEST_VECTORS {
            assert_eq!(checksum(&KernelCrc32c, data), *want);
        }
    }

    #[test]
    fn kernel_and_software_crc32c_agree() -> Result {
        let mut buf = KVec::from_elem(0u8, 1031, GFP_KERNEL)?;
        for (i, b) in buf.iter_mut().enumerate() {
            *b = (i.wrapping_mul(131) ^ (i >> 3)) as u8;
        }
        for len in [0usize, 1, 7, 8, 9, 63, 64, 65, 1031] {
            let data = &buf[..len];
            assert_eq!(KernelCrc32c.update(!0, data), SoftCrc32c.update(!0, data));
        }
        Ok(())
    }

    #[test]
    fn crc32c_is_incremental() {
        let whole = ffi::crc32c(!0, b"123456789");
        let split = ffi::crc32c(ffi::crc32c(!0, b"1234"), b"56789");
        assert_eq!(whole, split);
    }
}
