//! Writes seed inputs for the fuzz targets into `fuzz/seeds/TARGET/`.
//! Run on demand: `cargo test -p mars-core --test fuzz_seeds -- --ignored`.

use mars_core::crc32c::SoftCrc32c;
use mars_core::lamport::Stamp;
use mars_core::log::{encode_record, encoded_len, Header, Kind};
use mars_core::names::HostName;
use mars_core::tree::Uuid;
use mars_core::wire::{
    encode_frame, EntriesBuilder, Hello, HelloAck, Message, TreeEntry, PROTOCOL_MAX,
};
use std::path::PathBuf;

fn dir(target: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/seeds")
        .join(target);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn log(n: u64, size: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for seq in 1..=n {
        let at = out.len() as u64;
        let kind = [Kind::Write, Kind::Discard, Kind::Flush][(seq % 3) as usize];
        let h = Header {
            kind,
            flags: 0,
            seq,
            stamp: Stamp { sec: seq, nsec: 1 },
            offset: if kind == Kind::Flush { 0 } else { seq * 512 },
            len: if kind == Kind::Flush { 0 } else { size as u64 },
            durable_upto: at.saturating_sub(100) & !7,
            log_id: 7,
        };
        let p = if kind == Kind::Write {
            vec![seq as u8; size]
        } else {
            Vec::new()
        };
        let mut rec = vec![0u8; encoded_len(p.len()).unwrap()];
        encode_record(&SoftCrc32c, &h, &p, &mut rec).unwrap();
        out.extend_from_slice(&rec);
    }
    out
}

#[test]
#[ignore]
fn write_seeds() {
    let d = dir("log_scanner");
    for (i, (n, size, ctl)) in [(1, 0, 1u8), (4, 13, 1), (6, 100, 0), (5, 8, 3), (3, 40, 2)]
        .into_iter()
        .enumerate()
    {
        let mut seed = vec![ctl, 0, 1, 0, 0, 0, 0, 0, 0];
        let mut l = log(n, size);
        if i == 2 {
            l.truncate(l.len() - 20);
        }
        seed.extend_from_slice(&l);
        std::fs::write(d.join(format!("seed-{i}")), seed).unwrap();
    }

    let d = dir("wire_decoder");
    let host = HostName::new("node-a").unwrap();
    let mut ebuf = vec![0u8; 1024];
    let mut b = EntriesBuilder::new(&mut ebuf);
    b.push(&TreeEntry {
        path: "resource-r/replay-node-a",
        stamp: Stamp { sec: 5, nsec: 6 },
        target: "log-000000001-node-a,0,0",
    })
    .unwrap();
    b.push(&TreeEntry {
        path: "uuid",
        stamp: Stamp::ZERO,
        target: ".deleted",
    })
    .unwrap();
    let entries = b.finish();
    let msgs = [
        Message::Hello(Hello {
            min_version: 2,
            max_version: 2,
            features: 0,
            cluster: Uuid([1; 16]),
            nonce: [2; 32],
            host,
        }),
        Message::ListTree { path: "resource-r" },
        Message::TreeEntries(entries),
        Message::ReadRange {
            path: "resource-r/log-000000001-node-a",
            offset: 0,
            len: 4096,
        },
        Message::Data {
            offset: 8,
            bytes: b"abc",
        },
        Message::BlockDigestsRequest {
            resource: "r0",
            offset: 0,
            block_size: 4096,
            count: 2,
        },
        Message::Error {
            code: 3,
            message: "boom",
        },
        Message::HelloAck(HelloAck {
            version: 2,
            features: 0,
            cluster: Uuid([1; 16]),
            nonce: [3; 32],
            mac: [4; 32],
            host,
        }),
        Message::Auth { mac: [5; 32] },
        Message::Sync {
            upto: 42,
            real: Stamp {
                sec: 1_700_000_000,
                nsec: 7,
            },
        },
        Message::SyncAck {
            upto: 42,
            real: Stamp {
                sec: 1_700_000_001,
                nsec: 999_999_999,
            },
        },
    ];
    for (i, m) in msgs.iter().enumerate() {
        let mut out = vec![0u8; 2048];
        let n = encode_frame(
            &SoftCrc32c,
            PROTOCOL_MAX,
            Stamp { sec: 1, nsec: 2 },
            m,
            &mut out,
        )
        .unwrap();
        std::fs::write(d.join(format!("frame-{i}")), &out[..n]).unwrap();
        // Payload-only form: 2-byte type then the payload.
        let mut p = m.message_type().code().to_le_bytes().to_vec();
        p.extend_from_slice(&out[40..n]);
        std::fs::write(d.join(format!("payload-{i}")), p).unwrap();
    }

    let d = dir("merge_decide");
    let secret = mars_core::auth::format_secret(&[0x5a; 32]);
    std::fs::write(d.join("secret"), secret).unwrap();
    for (i, (sec, parts)) in [
        (5, ["a", "b", "resource-r/size", "1024", "512"]),
        (5, ["a", "b", "ips/ip-b", "10.0.0.2:7777", ""]),
        (5, ["a", "b", "ips/ip-a", "10.0.0.1", ""]),
        (5, ["a", "b", "resource-r/todo-c/attach", "1", ""]),
        (
            5,
            ["a", "b", "actual-b/alive", "5.000000000", "4.000000000"],
        ),
        (u64::MAX, ["a", "b", "uuid", ".deleted", ""]),
        (5, ["a", "b", "join-via", "[::1]:7777", ""]),
        (
            5,
            ["a", "b", "resource-r/version-000000001-b", ".deleted", "x"],
        ),
    ]
    .into_iter()
    .enumerate()
    {
        // stamp, local stamp, now, max_future: (sec u64, nsec as u64) each.
        let mut seed = Vec::new();
        for (s, ns) in [(sec, 1u64), (sec, 0), (1000, 0), (300, 0)] {
            seed.extend_from_slice(&u64::to_le_bytes(s));
            seed.extend_from_slice(&u64::to_le_bytes(ns)[..4]);
        }
        seed.extend_from_slice(parts.join("\0").as_bytes());
        std::fs::write(d.join(format!("seed-{i}")), seed).unwrap();
    }

    let d = dir("tree_parsers");
    for (i, s) in [
        "resource-r1",
        "log-000000001-node-a",
        ".tmp-version-000000002-b",
        "replay-h",
        "log-000000007-alpha,4096,8192",
        "0123456789abcdef,log-000000002-a,500:0000000000000000",
        "(none)",
        "/dev/vdb",
        "1048576",
        "1",
        "10.0.0.1:7777",
        "[::1]:7777",
        "0123abcd-4567-89ef-0123-456789abcdef",
        "1700000000.000000042",
        ".deleted",
        "resource-r/actual-h/is-primary",
        "resource-r/todo-h/log-rotate=7",
        "resource-r/actual-h/log-number=0",
        "actual-h/rest-space=79094333440",
        ".deleted-resource-r-1700000000.000000042",
        ".tmp-resource-r",
        "resource-r/actual-h/error=(none)",
    ]
    .iter()
    .enumerate()
    {
        std::fs::write(d.join(format!("seed-{i}")), s).unwrap();
    }
}
