//! Wire protocol: every message round-trips; hostile bytes never panic.

use mars_core::crc32c::SoftCrc32c;
use mars_core::lamport::Stamp;
use mars_core::names::HostName;
use mars_core::tree::Uuid;
use mars_core::wire::{
    decode_frame, encode_frame, DecodeError, EntriesBuilder, Hello, HelloAck, LogPos, Message,
    TreeEntry, HEADER_LEN, MAX_FRAME, PROTOCOL_MAX,
};
use proptest::prelude::*;

fn host() -> impl Strategy<Value = HostName> {
    "[a-z][-a-z0-9]{0,20}".prop_filter_map("reserved", |s| HostName::new(&s).ok())
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        host().prop_map(|h| format!("resource-{h}")),
        (host(), host()).prop_map(|(r, h)| format!("resource-{r}/log-000000001-{h}")),
        (host(), host()).prop_map(|(r, h)| format!("resource-{r}/actual-{h}/is-primary")),
    ]
}

fn file_path() -> impl Strategy<Value = String> {
    path().prop_filter("non-empty", |p| !p.is_empty())
}

fn stamp() -> impl Strategy<Value = Stamp> {
    (any::<u64>(), 0u32..1_000_000_000).prop_map(|(sec, nsec)| Stamp { sec, nsec })
}

fn text() -> impl Strategy<Value = String> {
    "[ -~]{0,100}"
}

/// Owned inputs for a message (messages borrow).
#[derive(Clone, Debug)]
struct Owned {
    kind: u8,
    host: HostName,
    a: u64,
    b: u32,
    c: u32,
    s1: String,
    entries: Vec<(String, Stamp, String)>,
    bytes: Vec<u8>,
    nonce: [u8; 32],
}

fn owned() -> impl Strategy<Value = Owned> {
    (
        1u8..=19,
        host(),
        0u64..1 << 50,
        any::<u32>(),
        1u32..1000,
        (file_path(), path(), text()),
        proptest::collection::vec((file_path(), stamp(), text()), 0..5),
        proptest::collection::vec(any::<u8>(), 0..700),
        any::<[u8; 32]>(),
    )
        .prop_map(
            |(kind, host, a, b, c, (fp, p, t), entries, bytes, nonce)| Owned {
                kind,
                host,
                a,
                b,
                c,
                s1: match kind {
                    3 => p,
                    13 => t,
                    _ => fp,
                },
                entries,
                bytes,
                nonce,
            },
        )
}

fn with_message<R>(o: &Owned, buf: &mut [u8], f: impl FnOnce(&Message<'_>) -> R) -> R {
    let mut b = EntriesBuilder::new(buf);
    for (p, s, t) in &o.entries {
        b.push(&TreeEntry {
            path: p,
            stamp: *s,
            target: t,
        })
        .unwrap();
    }
    let entries = b.finish();
    let digests_len = o.bytes.len() / 32 * 32;
    let m = match o.kind {
        1 => Message::Hello(Hello {
            min_version: 1,
            max_version: 1 + (o.b % 3) as u16,
            features: o.a,
            cluster: Uuid([o.b as u8; 16]),
            nonce: o.nonce,
            host: o.host,
        }),
        2 => Message::HelloAck(HelloAck {
            version: PROTOCOL_MAX,
            features: o.a,
            cluster: Uuid([o.c as u8; 16]),
            nonce: o.nonce,
            mac: [o.b as u8; 32],
            host: o.host,
        }),
        3 => Message::ListTree { path: &o.s1 },
        4 => Message::TreeEntries(entries),
        5 => {
            let (p, s, t) =
                o.entries
                    .first()
                    .cloned()
                    .unwrap_or(("uuid".into(), Stamp::ZERO, "x".into()));
            return with_push(&p, s, &t, f);
        }
        6 => Message::FileInfoRequest { path: &o.s1 },
        7 => Message::FileInfo {
            path: &o.s1,
            size: o.a,
            complete: o.b % 2 == 1,
        },
        8 => Message::ReadRange {
            path: &o.s1,
            offset: o.a,
            len: o.b % (1 << 20),
        },
        9 => Message::Data {
            offset: o.a,
            bytes: &o.bytes,
        },
        10 => Message::BlockDigestsRequest {
            resource: "r0",
            offset: o.a,
            block_size: 4096,
            count: o.c,
        },
        11 => Message::BlockDigests {
            offset: o.a,
            block_size: 512 << (o.c % 12),
            digests: &o.bytes[..digests_len],
        },
        12 => Message::BlockData {
            offset: o.a,
            bytes: &o.bytes,
        },
        13 => Message::Error {
            code: o.b,
            message: &o.s1,
        },
        14 => Message::Auth { mac: o.nonce },
        15 => Message::Sync {
            upto: o.a,
            real: Stamp {
                sec: o.a ^ u64::from(o.b),
                nsec: o.b % 1_000_000_000,
            },
        },
        17 => Message::BlockRead {
            resource: "data",
            offset: o.a,
            len: 1 + o.b % (1 << 20),
        },
        18 => Message::ResourceInfoRequest { resource: "r0" },
        19 => Message::ResourceInfo {
            resource: "r0",
            size: o.a,
            current: LogPos {
                number: o.b,
                host: o.host,
                pos: o.a / 2,
            },
            appended: o.a,
            written: LogPos {
                number: o.c,
                host: o.host,
                pos: u64::from(o.b),
            },
        },
        _ => Message::SyncAck {
            upto: o.a,
            real: Stamp {
                sec: u64::from(o.c),
                nsec: o.b % 1_000_000_000,
            },
        },
    };
    f(&m)
}

fn with_push<R>(p: &str, s: Stamp, t: &str, f: impl FnOnce(&Message<'_>) -> R) -> R {
    f(&Message::PushLink(TreeEntry {
        path: p,
        stamp: s,
        target: t,
    }))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn round_trip(o in owned(), st in stamp()) {
        let mut ebuf = vec![0u8; 8192];
        let mut out = vec![0u8; 16384];
        let (n, ok) = with_message(&o, &mut ebuf, |m| {
            let n = encode_frame(&SoftCrc32c, PROTOCOL_MAX, st, m, &mut out).unwrap();
            let (f, used) = decode_frame(&SoftCrc32c, &out[..n]).unwrap();
            (n, used == n && f.message == *m && f.stamp == st && f.version == PROTOCOL_MAX)
        });
        prop_assert!(ok);
        // Every truncation asks for more bytes.
        for cut in [0, 1, HEADER_LEN - 1, HEADER_LEN, n - 1] {
            if cut < n {
                let need = matches!(decode_frame(&SoftCrc32c, &out[..cut]), Err(DecodeError::NeedMore(k)) if k > 0 && cut + k <= n);
                prop_assert!(need, "cut {}", cut);
            }
        }
        // Too small an output buffer is an error, not a panic.
        let mut small = vec![0u8; n - 1];
        let res = with_message(&o, &mut ebuf, |m| encode_frame(&SoftCrc32c, PROTOCOL_MAX, st, m, &mut small));
        prop_assert!(res.is_err());
    }

    #[test]
    fn bit_flip_detected(o in owned(), at in any::<usize>(), bit in 0u8..8) {
        let mut ebuf = vec![0u8; 8192];
        let mut out = vec![0u8; 16384];
        let n = with_message(&o, &mut ebuf, |m| encode_frame(&SoftCrc32c, PROTOCOL_MAX, Stamp::ZERO, m, &mut out).unwrap());
        out[at % n] ^= 1 << bit;
        prop_assert!(decode_frame(&SoftCrc32c, &out[..n]).is_err());
    }

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        if let Ok((_, n)) = decode_frame(&SoftCrc32c, &bytes) {
            prop_assert!(n <= bytes.len() && n <= MAX_FRAME);
        }
    }

    #[test]
    fn arbitrary_payload_with_valid_header(ty in 0u16..20, payload in proptest::collection::vec(any::<u8>(), 0..300)) {
        // Valid header and CRCs around random payloads: exercises the
        // payload parsers behind the checksums.
        let mut f = vec![0u8; HEADER_LEN];
        f[0..4].copy_from_slice(b"MRSW");
        f[4..6].copy_from_slice(&PROTOCOL_MAX.to_le_bytes());
        f[6..8].copy_from_slice(&ty.to_le_bytes());
        f[12..16].copy_from_slice(&(payload.len() as u32).to_le_bytes());
        f[28..32].copy_from_slice(&mars_core::crc32c::checksum(&SoftCrc32c, &payload).to_le_bytes());
        let hc = mars_core::crc32c::checksum(&SoftCrc32c, &f[..36]);
        f[36..40].copy_from_slice(&hc.to_le_bytes());
        f.extend_from_slice(&payload);
        if let Ok((fr, n)) = decode_frame(&SoftCrc32c, &f) {
            prop_assert_eq!(n, f.len());
            // Whatever decodes re-encodes to the same bytes.
            let mut out = vec![0u8; f.len()];
            let m = encode_frame(&SoftCrc32c, PROTOCOL_MAX, fr.stamp, &fr.message, &mut out).unwrap();
            prop_assert_eq!(&out[..m], &f[..]);
        }
    }
}

#[test]
fn hostile_names_rejected() {
    for bad in [
        "../etc",
        "resource-x/../../etc",
        "/abs",
        "resource-x//log",
        "resource-X",
    ] {
        let mut out = vec![0u8; 512];
        let m = Message::FileInfoRequest { path: bad };
        assert!(
            encode_frame(&SoftCrc32c, PROTOCOL_MAX, Stamp::ZERO, &m, &mut out).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn v2_layouts() {
    let host = HostName::new("ab").unwrap();
    let mut out = vec![0u8; 512];
    let hello = Message::Hello(Hello {
        min_version: 2,
        max_version: 2,
        features: 0,
        cluster: Uuid([1; 16]),
        nonce: [2; 32],
        host,
    });
    let n = encode_frame(&SoftCrc32c, 2, Stamp::ZERO, &hello, &mut out).unwrap();
    // min, max, features, uuid, nonce, str16 host.
    assert_eq!(n - HEADER_LEN, 2 + 2 + 8 + 16 + 32 + 2 + 2);
    let ack = Message::HelloAck(HelloAck {
        version: 2,
        features: 0,
        cluster: Uuid([1; 16]),
        nonce: [3; 32],
        mac: [4; 32],
        host,
    });
    let n = encode_frame(&SoftCrc32c, 2, Stamp::ZERO, &ack, &mut out).unwrap();
    assert_eq!(n - HEADER_LEN, 2 + 8 + 16 + 32 + 32 + 2 + 2);
    assert_eq!(&out[HEADER_LEN + 10..HEADER_LEN + 26], &[1; 16]);
    let n = encode_frame(
        &SoftCrc32c,
        2,
        Stamp::ZERO,
        &Message::Auth { mac: [5; 32] },
        &mut out,
    )
    .unwrap();
    assert_eq!(&out[HEADER_LEN..n], &[5; 32]);
    let real = Stamp {
        sec: 0x0102,
        nsec: 3,
    };
    let n = encode_frame(
        &SoftCrc32c,
        2,
        Stamp::ZERO,
        &Message::Sync { upto: 9, real },
        &mut out,
    )
    .unwrap();
    assert_eq!(
        &out[HEADER_LEN..n],
        &[9, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0]
    );
    assert_eq!(u16::from_le_bytes([out[6], out[7]]), 15);
}

#[test]
fn v2_rules_enforced() {
    let mut out = vec![0u8; 512];
    let bad_real = Stamp {
        sec: 1,
        nsec: 1_000_000_000,
    };
    for m in [
        Message::Sync {
            upto: 1,
            real: bad_real,
        },
        Message::SyncAck {
            upto: 1,
            real: bad_real,
        },
        Message::HelloAck(HelloAck {
            version: 1,
            features: 0,
            cluster: Uuid([0; 16]),
            nonce: [0; 32],
            mac: [0; 32],
            host: HostName::new("a").unwrap(),
        }),
    ] {
        assert!(
            encode_frame(&SoftCrc32c, 2, Stamp::ZERO, &m, &mut out).is_err(),
            "{m:?}"
        );
    }
    // Version 1 frames are refused in both directions.
    let m = Message::Auth { mac: [0; 32] };
    assert!(encode_frame(&SoftCrc32c, 1, Stamp::ZERO, &m, &mut out).is_err());
    let n = encode_frame(&SoftCrc32c, 2, Stamp::ZERO, &m, &mut out).unwrap();
    out[4] = 1;
    let hc = mars_core::crc32c::checksum(&SoftCrc32c, &out[..36]);
    out[36..40].copy_from_slice(&hc.to_le_bytes());
    assert_eq!(
        decode_frame(&SoftCrc32c, &out[..n]),
        Err(DecodeError::BadVersion)
    );
    // A Sync payload with nsec = 1e9 behind a valid header is malformed.
    let n = encode_frame(
        &SoftCrc32c,
        2,
        Stamp::ZERO,
        &Message::Sync {
            upto: 1,
            real: Stamp::ZERO,
        },
        &mut out,
    )
    .unwrap();
    out[HEADER_LEN + 16..HEADER_LEN + 20].copy_from_slice(&1_000_000_000u32.to_le_bytes());
    let pc = mars_core::crc32c::checksum(&SoftCrc32c, &out[HEADER_LEN..n]);
    out[28..32].copy_from_slice(&pc.to_le_bytes());
    let hc = mars_core::crc32c::checksum(&SoftCrc32c, &out[..36]);
    out[36..40].copy_from_slice(&hc.to_le_bytes());
    assert_eq!(
        decode_frame(&SoftCrc32c, &out[..n]),
        Err(DecodeError::Malformed)
    );
}
