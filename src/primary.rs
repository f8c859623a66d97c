// SPDX-License-Identifier: GPL-2.0

//! The primary's data path for one resource: `/dev/mars/RES` requests in,
//! log records out, writeback to the data device behind.
//!
//! Three kernel threads share an [`Engine`]:
//!
//! - the **I/O thread** ([`IoWorker`]) takes requests from the block device
//!   in arrival order. A write becomes one checksummed log record appended
//!   to the current log, is entered into the overlay (the index of data not
//!   yet written back) and queued for writeback; it completes as soon as it
//!   is in the log (the device has a volatile write cache). A read is
//!   served from the overlay where it has newer data, else from the data
//!   device by bios.
//! - the **log-sync thread** ([`LogSync`]) ends flushes and FUA writes: it
//!   fsyncs the log while the I/O thread goes on appending, and all
//!   flushes queued meanwhile share the next fsync (group commit).
//! - the **writeback thread** ([`Writeback`]) writes queued records to the
//!   data device in log order, skipping bytes a newer record overwrote,
//!   fsyncs the data device, drops the records from the overlay and moves
//!   `replay-HOST` forward. A crash at any point is repaired by replaying
//!   the logs from `replay-HOST`.
//!
//! When /mars fills up (a log append fails with ENOSPC, or free space falls
//! below the emergency limit) the resource enters **emergency mode**: the
//! I/O thread waits until everything pending is written back and
//! `replay-HOST` points at the end of the log, then writes go straight to
//! the data device (FUA and flush by fsyncing it). Logging resumes in a
//! new log when the control thread sees enough free space again.
//!
//! Files: [`engine`] (the state the threads share and the records),
//! [`io`] (the I/O thread), [`logsync`] (the log-sync thread),
//! [`writeback`] (the writeback thread), [`overlay`] (the index of data
//! not yet written back), [`profile`] (where the time goes).

pub(crate) mod engine;
pub(crate) mod io;
pub(crate) mod logsync;
pub(crate) mod overlay;
pub(crate) mod profile;
pub(crate) mod writeback;

pub(crate) use engine::Engine;
pub(crate) use io::IoWorker;
pub(crate) use logsync::LogSync;
pub(crate) use writeback::Writeback;
