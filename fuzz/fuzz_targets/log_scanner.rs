//! Fuzz the log scanner: arbitrary windows, bases, sequence numbers and EOF
//! flags must never panic, and every yielded record must verify.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mars_core::crc32c::{checksum, SoftCrc32c};
use mars_core::log::{find_proof, Scanner, Verdict, HEADER_LEN};

/// Rewrites the CRC of every plausible record (magic and in-window length)
/// so the fuzzer gets past the checksum and reaches the semantic checks.
fn fix_crcs(buf: &mut [u8]) {
    let mut at = 0;
    while at + HEADER_LEN <= buf.len() {
        if buf[at..at + 4] == *b"MRSL" {
            let total = u32::from_le_bytes(buf[at + 8..at + 12].try_into().unwrap()) as usize;
            if total >= 72 && total % 8 == 0 && at + total <= buf.len() {
                let end = at + total;
                buf[end - 8..end - 4].copy_from_slice(b"MRSE");
                let crc = checksum(&SoftCrc32c, &buf[at..end - 4]);
                buf[end - 4..end].copy_from_slice(&crc.to_le_bytes());
            }
        }
        at += 8;
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((ctl, window)) = data.split_first_chunk::<9>() else {
        return;
    };
    let mut fixed;
    let window = if ctl[0] & 2 == 2 {
        fixed = window.to_vec();
        fix_crcs(&mut fixed);
        &fixed[..]
    } else {
        window
    };
    let at_eof = ctl[0] & 1 == 1;
    let base = u64::from(ctl[1]) * 8;
    let seq = u64::from_le_bytes([ctl[2], ctl[3], ctl[4], ctl[5], ctl[6], ctl[7], ctl[8], 0]);
    let mut s = Scanner::new(window, base, seq, at_eof, &SoftCrc32c);
    let mut expect = seq;
    for r in s.by_ref() {
        assert_eq!(r.header.seq, expect);
        expect += 1;
        let start = (r.offset - base) as usize;
        let rec = &window[start..start + r.total_len];
        let n = rec.len();
        assert_eq!(
            checksum(&SoftCrc32c, &rec[..n - 4]).to_le_bytes(),
            rec[n - 4..]
        );
        assert_eq!(r.payload, &rec[HEADER_LEN..HEADER_LEN + r.payload.len()]);
    }
    match s.verdict() {
        Some(Verdict::Unverified {
            offset,
            search_from,
            ..
        }) => {
            assert!(search_from > offset);
            let _ = find_proof(&SoftCrc32c, window, base, offset, expect, s.log_id());
        }
        Some(_) => {}
        None => panic!("scanner ended without a verdict"),
    }
});
