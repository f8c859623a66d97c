// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of the cluster layer's kernel pieces: HMAC-SHA256 from the
//! kernel's crypto library against RFC 4231, and the authentication MAC
//! over the core's input layout against the vector in docs/protocol.md.

#[kernel::macros::kunit_tests(mars_net)]
mod tests {
    use crate::ffi::net::hmac_sha256;
    use crate::mars_core::auth::{mac_input, Role, MAC_INPUT_MAX};
    use crate::mars_core::names::HostName;

    fn hex(s: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, o) in out.iter_mut().enumerate() {
            let b = s.get(i * 2..i * 2 + 2).unwrap_or("00");
            *o = u8::from_str_radix(b, 16).unwrap_or(0);
        }
        out
    }

    #[test]
    fn hmac_sha256_matches_rfc4231() {
        // Test case 1.
        assert_eq!(
            hmac_sha256(&[0x0b; 20], b"Hi There"),
            hex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        );
        // Test case 2: a key shorter than the block.
        assert_eq!(
            hmac_sha256(b"Jefe", b"what do ya want for nothing?"),
            hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        );
        // Test case 3: 20-byte key, 50 bytes of 0xdd.
        assert_eq!(
            hmac_sha256(&[0xaa; 20], &[0xdd; 50]),
            hex("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
        );
        // Test case 6: a key longer than the block is hashed first.
        assert_eq!(
            hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            ),
            hex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        );
    }

    fn seq<const N: usize>(start: u8) -> [u8; N] {
        let mut a = [0u8; N];
        for (i, b) in a.iter_mut().enumerate() {
            *b = start.wrapping_add(i as u8);
        }
        a
    }

    #[test]
    fn auth_macs_match_the_protocol_test_vector() {
        // docs/protocol.md, "Test vector": the kernel's HMAC over the
        // core's input gives the values Python's hmac module gives.
        let secret: [u8; 32] = seq(0);
        let uuid: [u8; 16] = seq(0x10);
        let (nc, ns): ([u8; 32], [u8; 32]) = (seq(0x20), seq(0x40));
        let (a, b) = (
            HostName::new("alpha").unwrap(),
            HostName::new("beta").unwrap(),
        );
        let mut input = [0u8; MAC_INPUT_MAX];
        let n = mac_input(Role::Server, 2, &uuid, &nc, &ns, &a, &b, &mut input);
        assert_eq!(
            hmac_sha256(&secret, &input[..n]),
            hex("6f19cf0f3f3742faef29f659da4217a0f77f6debe829b1bc2ae50e42a955e88b")
        );
        let n = mac_input(Role::Client, 2, &uuid, &nc, &ns, &a, &b, &mut input);
        assert_eq!(
            hmac_sha256(&secret, &input[..n]),
            hex("f26471e5b5c155510050a9b45674070affaf0916ad41433bbeecbf91262c3e72")
        );
    }
}
