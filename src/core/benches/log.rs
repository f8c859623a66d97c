//! Host benchmarks of the core: record encoding (with CRC-32C), scanning a
//! log buffer, plain CRC-32C, and a memcpy of the same sizes as baseline.
//!
//! `cargo bench -p mars-core --bench log`

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use mars_core::crc32c::{checksum, SoftCrc32c};
use mars_core::lamport::Stamp;
use mars_core::log::{encode_record, encoded_len, Header, Scanner, Verdict};
use std::time::Duration;

/// Size of the scanned log buffer.
const LOG_BYTES: usize = 16 << 20;

fn payload(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 + 7) as u8).collect()
}

fn build_log(rec_payload: usize) -> Vec<u8> {
    let data = payload(rec_payload);
    let rec_len = encoded_len(rec_payload).unwrap();
    let n = LOG_BYTES / rec_len;
    let mut log = vec![0u8; n * rec_len];
    for i in 0..n {
        let at = i * rec_len;
        let h = Header::write(
            i as u64 + 1,
            Stamp { sec: 1, nsec: 0 },
            (i * rec_payload) as u64,
            rec_payload as u64,
            at as u64,
        );
        encode_record(&SoftCrc32c, &h, &data, &mut log[at..at + rec_len]).unwrap();
    }
    log
}

fn bench(c: &mut Criterion) {
    for (name, size) in [("4KiB", 4096usize), ("1MiB", 1 << 20)] {
        let data = payload(size);
        let mut out = vec![0u8; encoded_len(size).unwrap()];
        let mut g = c.benchmark_group(format!("record-{name}"));
        g.throughput(Throughput::Bytes(size as u64));
        g.bench_function("encode", |b| {
            let h = Header::write(1, Stamp { sec: 1, nsec: 0 }, 0, size as u64, 0);
            b.iter(|| {
                encode_record(&SoftCrc32c, black_box(&h), black_box(&data), &mut out).unwrap()
            })
        });
        g.bench_function("crc32c", |b| {
            b.iter(|| checksum(&SoftCrc32c, black_box(&data)))
        });
        g.bench_function("memcpy", |b| {
            b.iter(|| out[..size].copy_from_slice(black_box(&data)))
        });
        g.finish();

        let log = build_log(size);
        let mut copy = vec![0u8; log.len()];
        let mut g = c.benchmark_group(format!("scan-16MiB-of-{name}-records"));
        g.throughput(Throughput::Bytes(log.len() as u64));
        g.bench_function("scan", |b| {
            b.iter(|| {
                let mut s = Scanner::new(black_box(&log), 0, 1, true, &SoftCrc32c);
                let n = s.by_ref().count();
                assert!(matches!(s.verdict(), Some(Verdict::CleanEnd { .. })));
                n
            })
        });
        g.bench_function("memcpy", |b| {
            b.iter(|| copy.copy_from_slice(black_box(&log)))
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
