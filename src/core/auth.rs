//! Peer authentication: the MAC input and the cluster secret file.
//!
//! Both sides of a connection prove knowledge of the cluster secret with
//! HMAC-SHA256(secret, input), where the input (built by [`mac_input`])
//! binds the role, the protocol version, the server's cluster uuid, both
//! fresh nonces and both host names (see `docs/protocol.md`). This module
//! only builds bytes and compares MACs; the HMAC itself is computed by the
//! kernel crypto library (or a host crate in tests).
//!
//! The secret file `/mars/cluster-secret` holds exactly 64 lowercase hex
//! digits and one `\n`. Errors never contain secret bytes.

use core::fmt;

use super::bytes::Writer;
use super::names::{HostName, MAX_NAME_LEN};

/// Length of the cluster secret in bytes.
pub const SECRET_LEN: usize = 32;
/// Length of a connection nonce.
pub const NONCE_LEN: usize = 32;
/// Length of a MAC (HMAC-SHA256).
pub const MAC_LEN: usize = 32;
/// Length of the secret file: two hex digits per byte and a newline.
pub const SECRET_FILE_LEN: usize = 2 * SECRET_LEN + 1;
/// Domain separation prefix of the MAC input.
pub const MAC_DOMAIN: &[u8; 9] = b"MARS-AUTH";
/// Largest MAC input: prefix, role, version, uuid, two nonces and two
/// `str16` host names of at most [`MAX_NAME_LEN`] bytes.
pub const MAC_INPUT_MAX: usize =
    MAC_DOMAIN.len() + 1 + 2 + 16 + 2 * NONCE_LEN + 2 * (2 + MAX_NAME_LEN);

/// Which side a proof is for (the role byte of the MAC input).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Role {
    /// The answering side's proof, sent in `HelloAck`.
    Server = 1,
    /// The connecting side's proof, sent in `Auth`.
    Client = 2,
}

/// Builds the MAC input into `out` and returns its length:
///
/// `b"MARS-AUTH" || role u8 || version u16 LE || uuid [16] || client nonce
/// [32] || server nonce [32] || client host str16 || server host str16`
///
/// (`str16` = `u16` LE length, then the bytes). `uuid` is the server's
/// cluster uuid. [`MAC_INPUT_MAX`] always suffices, so the length is never 0.
#[allow(clippy::too_many_arguments)]
pub fn mac_input(
    role: Role,
    version: u16,
    uuid: &[u8; 16],
    client_nonce: &[u8; NONCE_LEN],
    server_nonce: &[u8; NONCE_LEN],
    client_host: &HostName,
    server_host: &HostName,
    out: &mut [u8; MAC_INPUT_MAX],
) -> usize {
    let mut w = Writer::new(out);
    let done = w
        .bytes(MAC_DOMAIN)
        .and_then(|()| w.u8(role as u8))
        .and_then(|()| w.u16(version))
        .and_then(|()| w.bytes(uuid))
        .and_then(|()| w.bytes(client_nonce))
        .and_then(|()| w.bytes(server_nonce))
        .and_then(|()| w.str16(client_host.as_str()))
        .and_then(|()| w.str16(server_host.as_str()));
    // Host names are at most MAX_NAME_LEN bytes, so this cannot fail.
    done.map_or(0, |()| w.position())
}

/// Why a secret file was rejected. Never carries secret bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretError {
    /// The file is not [`SECRET_FILE_LEN`] bytes long (actual length).
    WrongLength(usize),
    /// The byte at this offset is not a lowercase hex digit.
    BadDigit(usize),
    /// The 65th byte is not `\n`.
    NoNewline,
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretError::WrongLength(n) => write!(
                f,
                "cluster secret file has {n} bytes, expected {SECRET_FILE_LEN} \
                 (64 lowercase hex digits and a newline)"
            ),
            SecretError::BadDigit(at) => write!(
                f,
                "cluster secret file: byte {at} is not a lowercase hex digit"
            ),
            SecretError::NoNewline => {
                f.write_str("cluster secret file does not end with a newline")
            }
        }
    }
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => c.checked_sub(b'0'),
        b'a'..=b'f' => c.checked_sub(b'a').and_then(|v| v.checked_add(10)),
        _ => None,
    }
}

/// Parses the content of the secret file: exactly 64 lowercase hex digits
/// and one `\n`.
pub fn parse_secret(file: &[u8]) -> Result<[u8; SECRET_LEN], SecretError> {
    if file.len() != SECRET_FILE_LEN {
        return Err(SecretError::WrongLength(file.len()));
    }
    let mut out = [0u8; SECRET_LEN];
    for (i, o) in out.iter_mut().enumerate() {
        let at = i.checked_mul(2).ok_or(SecretError::BadDigit(0))?;
        let digit = |k: usize| {
            file.get(k)
                .copied()
                .and_then(hex_val)
                .ok_or(SecretError::BadDigit(k))
        };
        let hi = digit(at)?;
        let lo = digit(at.checked_add(1).ok_or(SecretError::BadDigit(at))?)?;
        *o = (hi << 4) | lo;
    }
    if file.last() != Some(&b'\n') {
        return Err(SecretError::NoNewline);
    }
    Ok(out)
}

/// Formats a secret as the file content (64 lowercase hex digits, `\n`).
pub fn format_secret(secret: &[u8; SECRET_LEN]) -> [u8; SECRET_FILE_LEN] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [b'\n'; SECRET_FILE_LEN];
    for (pair, b) in out.chunks_exact_mut(2).zip(secret) {
        if let [hi, lo] = pair {
            *hi = HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
            *lo = HEX.get(usize::from(b & 0xF)).copied().unwrap_or(b'0');
        }
    }
    out
}

/// Compares two MACs in constant time (no early exit on a mismatch).
pub fn macs_equal(a: &[u8; MAC_LEN], b: &[u8; MAC_LEN]) -> bool {
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b) {
        diff |= core::hint::black_box(x ^ y);
    }
    core::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    fn h(s: &str) -> HostName {
        HostName::new(s).unwrap()
    }

    #[test]
    fn input_layout() {
        let mut out = [0u8; MAC_INPUT_MAX];
        let n = mac_input(
            Role::Client,
            0x0102,
            &[3; 16],
            &[4; 32],
            &[5; 32],
            &h("ab"),
            &h("xyz"),
            &mut out,
        );
        let mut want = b"MARS-AUTH".to_vec();
        want.push(2);
        want.extend_from_slice(&[0x02, 0x01]);
        want.extend_from_slice(&[3; 16]);
        want.extend_from_slice(&[4; 32]);
        want.extend_from_slice(&[5; 32]);
        want.extend_from_slice(&[2, 0, b'a', b'b', 3, 0, b'x', b'y', b'z']);
        assert_eq!(&out[..n], &want[..]);
    }

    #[test]
    fn input_max_fits_longest_names() {
        let long = "a".repeat(MAX_NAME_LEN);
        let mut out = [0u8; MAC_INPUT_MAX];
        let n = mac_input(
            Role::Server,
            2,
            &[0; 16],
            &[0; 32],
            &[0; 32],
            &h(&long),
            &h(&long),
            &mut out,
        );
        assert_eq!(n, MAC_INPUT_MAX);
    }

    #[test]
    fn secret_round_trip_and_errors() {
        let mut s = [0u8; 32];
        for (i, b) in s.iter_mut().enumerate() {
            *b = (i * 37 + 200) as u8;
        }
        let f = format_secret(&s);
        assert_eq!(f[64], b'\n');
        assert!(f[..64]
            .iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c)));
        assert_eq!(parse_secret(&f), Ok(s));

        assert_eq!(parse_secret(&f[..64]), Err(SecretError::WrongLength(64)));
        assert_eq!(parse_secret(b""), Err(SecretError::WrongLength(0)));
        let mut bad = f;
        bad[10] = b'A';
        assert_eq!(parse_secret(&bad), Err(SecretError::BadDigit(10)));
        bad = f;
        bad[63] = b'g';
        assert_eq!(parse_secret(&bad), Err(SecretError::BadDigit(63)));
        bad = f;
        bad[64] = b' ';
        assert_eq!(parse_secret(&bad), Err(SecretError::NoNewline));
        let mut crlf = f.to_vec();
        crlf.insert(64, b'\r');
        assert_eq!(parse_secret(&crlf), Err(SecretError::WrongLength(66)));
    }

    #[test]
    fn errors_never_show_the_secret() {
        let mut f = format_secret(&[0xab; 32]);
        f[5] = b'Z';
        let msg = parse_secret(&f).unwrap_err().to_string();
        assert!(!msg.contains("ab") && !msg.contains('Z'), "{msg}");
        for e in [SecretError::WrongLength(3), SecretError::NoNewline] {
            assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn mac_compare() {
        let a = [9u8; 32];
        let mut b = a;
        assert!(macs_equal(&a, &b));
        for i in [0, 17, 31] {
            b = a;
            b[i] ^= 0x80;
            assert!(!macs_equal(&a, &b));
        }
    }
}
