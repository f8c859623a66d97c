// SPDX-License-Identifier: GPL-2.0

//! Where a primary's data path spends its time: nanoseconds per stage of
//! the write path, summed by the threads as they go (a clock read per
//! stage, no locks), printed to dmesg and reset when the operator asks
//! (`echo 1 >/proc/sys/mars/profile`). For benchmarks and for finding out
//! why a resource is slow, without perf.

use crate::ffi;
use kernel::prelude::*;
use kernel::sync::atomic::{Atomic, Relaxed};
use kernel::time::{Instant, Monotonic};

/// One stage of the write path.
#[derive(Clone, Copy)]
pub(crate) enum Stage {
    /// Taking a payload buffer and copying the request's data into it.
    Copy,
    /// Checksumming the record.
    Checksum,
    /// Appending groups of records to the log file.
    Append,
    /// Waiting for log fsyncs (flushes, FUA, once a second under load).
    LogSync,
    /// Writeback: writing records to the data device and waiting for it.
    Writeback,
    /// Writeback: flushing the data device's cache.
    DeviceFlush,
}

const STAGES: usize = 6;
const NAMES: [&str; STAGES] = [
    "copy",
    "checksum",
    "log append",
    "log sync",
    "writeback",
    "device flush",
];

/// The counters of one resource.
pub(crate) struct Profile {
    ns: [Atomic<i64>; STAGES],
    records: Atomic<u64>,
    bytes: Atomic<u64>,
    /// The request generation last answered (see `ffi::profile_requests`).
    seen: Atomic<u64>,
}

impl Profile {
    /// Zeroed counters.
    pub(crate) fn new() -> Self {
        Profile {
            ns: [const { Atomic::new(0) }; STAGES],
            records: Atomic::new(0),
            bytes: Atomic::new(0),
            seen: Atomic::new(ffi::profile_requests()),
        }
    }

    /// Adds the time since `since` to `stage`.
    pub(crate) fn add(&self, stage: Stage, since: Instant<Monotonic>) {
        if let Some(c) = self.ns.get(stage as usize) {
            c.fetch_add(since.elapsed().as_nanos(), Relaxed);
        }
    }

    /// Counts one write record of `len` data bytes.
    pub(crate) fn record(&self, len: u64) {
        self.records.fetch_add(1, Relaxed);
        self.bytes.fetch_add(len, Relaxed);
    }

    /// Prints and resets the counters if the operator asked since the
    /// last time.
    pub(crate) fn answer(&self, res: &str) {
        let asked = ffi::profile_requests();
        if self.seen.xchg(asked, Relaxed) == asked {
            return;
        }
        let records = self.records.xchg(0, Relaxed);
        let mib = self.bytes.xchg(0, Relaxed) >> 20;
        pr_info!(
            "{}: profile: {} records, {} MiB written\n",
            res,
            records,
            mib
        );
        for (name, c) in NAMES.iter().zip(self.ns.iter()) {
            let ns = c.xchg(0, Relaxed).max(0) as u64;
            let per_mib = ns.checked_div(mib).unwrap_or(0) / 1000;
            pr_info!(
                "{}: profile: {:>12}: {} ms, {} us per MiB\n",
                res,
                name,
                ns / 1_000_000,
                per_mib
            );
        }
    }
}
