//! Log records: round trips and the scanner under truncation and bit flips.

use mars_core::crc32c::SoftCrc32c;
use mars_core::lamport::Stamp;
use mars_core::log::{encode_record, encoded_len, Header, Kind, Scanner, Verdict};
use proptest::prelude::*;

#[derive(Clone, Debug)]
struct Spec {
    kind: Kind,
    stamp: Stamp,
    offset: u64,
    len: u64,
    payload: Vec<u8>,
    durable_pick: usize,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop_oneof![6 => Just(Kind::Write), 1 => Just(Kind::Discard), 1 => Just(Kind::Flush), 1 => Just(Kind::Gap)],
        (any::<u64>(), 0u32..1_000_000_000),
        0u64..1 << 40,
        proptest::collection::vec(any::<u8>(), 0..600),
        0u64..1 << 30,
        any::<usize>(),
    )
        .prop_map(|(kind, (sec, nsec), offset, payload, dlen, durable_pick)| {
            let (offset, len, payload) = match kind {
                Kind::Write => (offset, payload.len() as u64, payload),
                Kind::Discard => (offset, dlen, Vec::new()),
                Kind::Flush | Kind::Gap => (0, 0, Vec::new()),
            };
            Spec {
                kind,
                stamp: Stamp { sec, nsec },
                offset,
                len,
                payload,
                durable_pick,
            }
        })
}

/// Encodes the specs as a log starting at seq 1; returns the log, the
/// headers and record offsets.
fn build(specs: &[Spec]) -> (Vec<u8>, Vec<Header>, Vec<u64>) {
    let mut log = Vec::new();
    let mut headers = Vec::new();
    let mut offs: Vec<u64> = Vec::new();
    for (i, s) in specs.iter().enumerate() {
        let at = log.len() as u64;
        // durable_upto: some earlier record boundary (or this record's start).
        let durable = if offs.is_empty() {
            0
        } else {
            *offs.get(s.durable_pick % (offs.len() + 1)).unwrap_or(&at)
        };
        let h = Header {
            kind: s.kind,
            flags: 0,
            seq: i as u64 + 1,
            stamp: s.stamp,
            offset: s.offset,
            len: s.len,
            durable_upto: durable,
            log_id: 0x1234_5678,
        };
        let mut rec = vec![0u8; encoded_len(s.payload.len()).unwrap()];
        encode_record(&SoftCrc32c, &h, &s.payload, &mut rec).unwrap();
        offs.push(at);
        headers.push(h);
        log.extend_from_slice(&rec);
    }
    (log, headers, offs)
}

fn scan(buf: &[u8], at_eof: bool) -> (Vec<(u64, Header, Vec<u8>)>, Verdict) {
    let mut s = Scanner::new(buf, 0, 1, at_eof, &SoftCrc32c);
    let recs = s
        .by_ref()
        .map(|r| (r.offset, r.header, r.payload.to_vec()))
        .collect();
    (recs, s.verdict().unwrap())
}

fn assert_prefix(
    recs: &[(u64, Header, Vec<u8>)],
    specs: &[Spec],
    headers: &[Header],
    offs: &[u64],
) {
    assert!(recs.len() <= specs.len());
    for (i, (off, h, p)) in recs.iter().enumerate() {
        assert_eq!(*off, offs[i]);
        assert_eq!(*h, headers[i]);
        assert_eq!(*p, specs[i].payload);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn round_trip(specs in proptest::collection::vec(spec(), 0..12)) {
        let (log, headers, offs) = build(&specs);
        let (recs, v) = scan(&log, true);
        prop_assert_eq!(recs.len(), specs.len());
        assert_prefix(&recs, &specs, &headers, &offs);
        prop_assert_eq!(v, Verdict::CleanEnd { offset: log.len() as u64 });
    }

    #[test]
    fn truncation(specs in proptest::collection::vec(spec(), 1..10), cut in any::<usize>(), eof in any::<bool>()) {
        let (log, headers, offs) = build(&specs);
        let cut = cut % (log.len() + 1);
        let (recs, v) = scan(&log[..cut], eof);
        assert_prefix(&recs, &specs, &headers, &offs);
        let ends: Vec<u64> = offs.iter().skip(1).copied().chain([log.len() as u64]).collect();
        let n_complete = ends.iter().filter(|&&e| e as usize <= cut).count();
        prop_assert_eq!(recs.len(), n_complete);
        let next = offs.get(n_complete).copied().unwrap_or(log.len() as u64);
        match v {
            Verdict::CleanEnd { offset } => prop_assert!(eof && offset == cut as u64 && next == cut as u64),
            Verdict::NeedMore { offset } => prop_assert!(!eof && offset == next),
            Verdict::IncompleteTail { offset, .. } => prop_assert!(eof && offset == next),
            other => prop_assert!(false, "unexpected {:?}", other),
        }
    }

    #[test]
    fn bit_flips(specs in proptest::collection::vec(spec(), 1..10), flips in proptest::collection::vec(any::<(usize, u8)>(), 1..4), eof in any::<bool>()) {
        let (mut log, headers, offs) = build(&specs);
        let mut first = usize::MAX;
        for (at, bit) in &flips {
            let at = at % log.len();
            log[at] ^= 1 << (bit % 8);
            first = first.min(at);
        }
        if log == build(&specs).0 {
            return Ok(()); // flips cancelled out
        }
        let (recs, v) = scan(&log, eof);
        assert_prefix(&recs, &specs, &headers, &offs);
        // The record containing the first flipped byte is never yielded.
        let k = offs.iter().rposition(|&o| o as usize <= first).unwrap();
        prop_assert!(recs.len() <= k);
        if flips.len() == 1 {
            prop_assert_eq!(recs.len(), k);
            // A flipped length can make the record look longer than the
            // window: the caller then reads on to the end of the log, where
            // the verdict must be final.
            let (v, eof) = match v {
                Verdict::NeedMore { offset } => {
                    prop_assert!(!eof && offset == offs[k]);
                    let (recs, v) = scan(&log, true);
                    prop_assert_eq!(recs.len(), k);
                    (v, true)
                }
                v => (v, eof),
            };
            let proven = headers[k + 1..].iter().any(|h| h.durable_upto > offs[k]);
            match v {
                Verdict::Corruption { offset, .. } => prop_assert!(offset == offs[k]),
                Verdict::IncompleteTail { offset, .. } => prop_assert!(eof && !proven && offset == offs[k]),
                Verdict::Unverified { offset, .. } => prop_assert!(!eof && !proven && offset == offs[k]),
                other => prop_assert!(false, "unexpected {:?}", other),
            }
            if proven {
                prop_assert!(matches!(v, Verdict::Corruption { .. }), "{:?}", v);
            }
        } else {
            let clean_all = matches!(v, Verdict::CleanEnd { .. }) && recs.len() == specs.len();
            prop_assert!(!clean_all);
        }
    }

    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2000), base in any::<u64>(), seq in any::<u64>(), eof in any::<bool>()) {
        let mut s = Scanner::new(&bytes, base, seq, eof, &SoftCrc32c);
        for r in s.by_ref() {
            prop_assert!(r.payload.len() as u64 <= r.header.len);
        }
        prop_assert!(s.verdict().is_some());
    }

    #[test]
    fn garbage_after_log(specs in proptest::collection::vec(spec(), 1..5), tail in proptest::collection::vec(any::<u8>(), 0..500)) {
        let (mut log, headers, offs) = build(&specs);
        log.extend_from_slice(&tail);
        let (recs, _) = scan(&log, true);
        prop_assert_eq!(recs.len(), specs.len());
        assert_prefix(&recs, &specs, &headers, &offs);
    }
}
