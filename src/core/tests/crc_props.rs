//! CRC-32C: the soft implementation against the `crc32c` crate.

use mars_core::crc32c::{checksum, Crc32c, Crc32cDigest, SoftCrc32c, TEST_VECTORS};
use proptest::prelude::*;

#[test]
fn vectors_match_reference() {
    for (data, want) in TEST_VECTORS {
        assert_eq!(crc32c::crc32c(data), *want);
        assert_eq!(checksum(&SoftCrc32c, data), *want);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn matches_reference(data in proptest::collection::vec(any::<u8>(), 0..4096), split in 0usize..4096) {
        prop_assert_eq!(checksum(&SoftCrc32c, &data), crc32c::crc32c(&data));
        let split = split.min(data.len());
        let mut d = Crc32cDigest::new();
        d.update(&SoftCrc32c, &data[..split]);
        d.update(&SoftCrc32c, &data[split..]);
        prop_assert_eq!(d.value(), crc32c::crc32c(&data));
    }

    #[test]
    fn raw_seed_matches_reference(seed in any::<u32>(), data in proptest::collection::vec(any::<u8>(), 0..300)) {
        // crc32c_append(c, d) == !update(!c, d)
        prop_assert_eq!(!SoftCrc32c.update(!seed, &data), crc32c::crc32c_append(seed, &data));
    }
}
