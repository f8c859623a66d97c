//! The authentication test vector of `docs/protocol.md`: HMAC-SHA256 of a
//! fixed `auth::mac_input`, so the kernel (KUnit), marsadm and the Python
//! test client can be checked against the same bytes.

use hmac::{Hmac, Mac};
use mars_core::auth::{
    format_secret, mac_input, macs_equal, parse_secret, Role, MAC_INPUT_MAX, SECRET_LEN,
};
use mars_core::names::HostName;
use sha2::Sha256;

/// Secret bytes 0x00..=0x1f, as the secret file holds them.
const SECRET_FILE: &[u8] = b"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";

fn seq<const N: usize>(start: u8) -> [u8; N] {
    core::array::from_fn(|i| start.wrapping_add(i as u8))
}

fn hmac(secret: &[u8; SECRET_LEN], input: &[u8]) -> [u8; 32] {
    let mut m = Hmac::<Sha256>::new_from_slice(secret).unwrap();
    m.update(input);
    m.finalize().into_bytes().into()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The vector: version 2, uuid 0x10..=0x1f, client nonce 0x20..=0x3f,
/// server nonce 0x40..=0x5f, client host `alpha`, server host `beta`.
fn vector(role: Role) -> (Vec<u8>, [u8; 32]) {
    let secret = parse_secret(SECRET_FILE).unwrap();
    assert_eq!(&format_secret(&secret)[..], SECRET_FILE);
    let mut out = [0u8; MAC_INPUT_MAX];
    let n = mac_input(
        role,
        2,
        &seq(0x10),
        &seq(0x20),
        &seq(0x40),
        &HostName::new("alpha").unwrap(),
        &HostName::new("beta").unwrap(),
        &mut out,
    );
    (out[..n].to_vec(), hmac(&secret, &out[..n]))
}

#[test]
fn rfc4231_case_2_sanity() {
    // The crate pair itself against RFC 4231 test case 2.
    let mut m = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
    m.update(b"what do ya want for nothing?");
    assert_eq!(
        hex(&m.finalize().into_bytes()),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn documented_vector() {
    let (input, server) = vector(Role::Server);
    let (_, client) = vector(Role::Client);
    println!("input(server) = {}", hex(&input));
    println!("mac(server)   = {}", hex(&server));
    println!("mac(client)   = {}", hex(&client));
    assert_eq!(input.len(), 9 + 1 + 2 + 16 + 32 + 32 + 2 + 5 + 2 + 4);
    assert_eq!(hex(&input), INPUT_SERVER);
    assert_eq!(hex(&server), SERVER_MAC);
    assert_eq!(hex(&client), CLIENT_MAC);
    assert!(!macs_equal(&server, &client));
}

const INPUT_SERVER: &str = concat!(
    "4d4152532d41555448010200101112131415161718191a1b1c1d1e1f",
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
    "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f",
    "0500616c706861040062657461",
);
const SERVER_MAC: &str = "6f19cf0f3f3742faef29f659da4217a0f77f6debe829b1bc2ae50e42a955e88b";
const CLIENT_MAC: &str = "f26471e5b5c155510050a9b45674070affaf0916ad41433bbeecbf91262c3e72";
