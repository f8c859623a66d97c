//! Fuzz the wire decoder: arbitrary bytes must never panic; whatever
//! decodes must re-encode to the same bytes and carry only valid names.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mars_core::crc32c::{checksum, SoftCrc32c};
use mars_core::names::check_tree_path;
use mars_core::wire::{decode_frame, encode_frame, frame_len, Message, HEADER_LEN, PROTOCOL_MAX};

fn check(buf: &[u8]) {
    if let Ok((f, n)) = decode_frame(&SoftCrc32c, buf) {
        let mut out = vec![0u8; n];
        let m = encode_frame(&SoftCrc32c, f.version, f.stamp, &f.message, &mut out).unwrap();
        assert_eq!(&out[..m], &buf[..n]);
        match f.message {
            Message::TreeEntries(e) => {
                assert_eq!(e.iter().count(), e.len() as usize);
                for entry in e.iter() {
                    assert!(check_tree_path(entry.path).is_ok());
                    assert!(!entry.path.split('/').any(|c| c == ".."));
                }
            }
            Message::PushLink(e) => assert!(check_tree_path(e.path).is_ok()),
            _ => {}
        }
        assert_eq!(frame_len(&SoftCrc32c, &buf[..n]), Ok(n));
    }
}

fuzz_target!(|data: &[u8]| {
    // Raw bytes (mostly rejected by magic/CRC) ...
    check(data);
    // ... and the same bytes as a payload behind a valid header, so the
    // payload parsers are reached. The first two bytes pick the type.
    if let Some((ty, payload)) = data.split_first_chunk::<2>() {
        let mut f = vec![0u8; HEADER_LEN];
        f[0..4].copy_from_slice(b"MRSW");
        f[4..6].copy_from_slice(&PROTOCOL_MAX.to_le_bytes());
        f[6..8].copy_from_slice(&(u16::from_le_bytes(*ty) % 20).to_le_bytes());
        f[12..16].copy_from_slice(&(payload.len() as u32).to_le_bytes());
        f[28..32].copy_from_slice(&checksum(&SoftCrc32c, payload).to_le_bytes());
        let hc = checksum(&SoftCrc32c, &f[..36]);
        f[36..40].copy_from_slice(&hc.to_le_bytes());
        f.extend_from_slice(payload);
        check(&f);
    }
});
