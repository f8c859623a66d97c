// SPDX-License-Identifier: GPL-2.0

//! Appending records to the current transaction log file
//! `/mars/resource-RES/log-NNNNNNNNN-HOST`, and closing a log with its
//! `version-NNNNNNNNN-HOST` link (the digest chain over logs).

use super::crc::KernelCrc32c;
use super::ffi::{File, Path};
use super::mars_core::names::{HostName, LogName, ResourceName};
use super::mars_core::tree::{Digest, VersionValue};
use super::tree;
use kernel::prelude::*;

/// The log being written by a primary.
pub(crate) struct LogWriter {
    file: File,
    /// Which log this is.
    pub(crate) name: LogName,
    /// Bytes appended so far (the offset of the next record).
    pub(crate) pos: u64,
    /// Sequence number of the next record.
    pub(crate) next_seq: u64,
    /// Offset up to which the log is known durable (fsynced).
    pub(crate) durable: u64,
}

/// Path of log `name` of resource `res`.
pub(crate) fn log_path(res: &ResourceName, name: &LogName) -> Result<Path> {
    tree::resource_entry(res, format_args!("{}", name))
}

impl LogWriter {
    /// Creates log `number` of `host` as a new, empty file.
    pub(crate) fn create(res: &ResourceName, host: HostName, number: u32) -> Result<Self> {
        let name = LogName { number, host };
        let path = log_path(res, &name)?;
        let file = File::open_rw_create(&path)?;
        if file.size() != 0 {
            // Never append to a log that recovery did not account for.
            pr_err!("{}: refusing to reuse non-empty log {}\n", res.as_str(), path);
            return Err(EEXIST);
        }
        Ok(LogWriter {
            file,
            name,
            pos: 0,
            next_seq: 1,
            durable: 0,
        })
    }

    /// Appends one encoded record. On failure the log is cut back to where
    /// it was, so a failed append never leaves a torn record behind.
    pub(crate) fn append(&mut self, record: &[u8]) -> Result {
        let end = self.pos.checked_add(record.len() as u64).ok_or(EINVAL)?;
        if let Err(e) = self.file.write_all_at(record, self.pos) {
            let _ = self.file.truncate(self.pos);
            return Err(e);
        }
        self.pos = end;
        self.next_seq = self.next_seq.checked_add(1).ok_or(EOVERFLOW)?;
        Ok(())
    }

    /// Makes everything appended so far durable.
    pub(crate) fn sync(&mut self) -> Result {
        if self.durable != self.pos {
            self.file.sync()?;
            self.durable = self.pos;
        }
        Ok(())
    }

    /// Syncs the log and writes its `version-` link, chained to the
    /// previous log's digest. The log is complete from now on.
    pub(crate) fn close(mut self, res: &ResourceName) -> Result {
        self.sync()?;
        write_version(res, &self.name, self.pos)
    }
}

/// Writes `version-N-HOST` for log `name` that ended at `endpos`.
pub(crate) fn write_version(res: &ResourceName, name: &LogName, endpos: u64) -> Result {
    let prev = match name.number.checked_sub(1).filter(|n| *n > 0) {
        Some(p) => {
            let prev_name = LogName {
                number: p,
                host: name.host,
            };
            let link = tree::resource_entry(res, format_args!("version-{:09}-{}", p, prev_name.host.as_str()))?;
            match tree::read(&link)? {
                Some(v) => VersionValue::parse(v.as_str()).map(|v| v.digest).unwrap_or(Digest::ZERO),
                None => Digest::ZERO,
            }
        }
        None => Digest::ZERO,
    };
    let value = VersionValue::new(&KernelCrc32c, *name, endpos, prev);
    let link = tree::resource_entry(res, format_args!("version-{:09}-{}", name.number, name.host.as_str()))?;
    let text = super::ffi::fpath!("{}", value)?;
    tree::write(&link, text.as_str())
}
