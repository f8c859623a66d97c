// SPDX-License-Identifier: GPL-2.0

//! The `/mars` symlink tree as the kernel reads and writes it.
//!
//! Names and values follow the core crate's grammar (`mars_core::names`,
//! `mars_core::tree`); this file only moves them between the file system
//! and memory. Every link the kernel writes carries a fresh Lamport stamp
//! as its mtime and replaces the old link atomically (see
//! `mars_symlink` in rust/glue_vfs.c).

use super::ffi::{self, fpath, Path};
use super::mars_core::lamport::Stamp;
use super::mars_core::names::{HostName, LogName, ResourceName};
use super::mars_core::tree::{ReplayValue, TOMBSTONE};
use kernel::prelude::*;

/// Root of the tree.
pub(crate) const ROOT: &str = "/mars";

/// Longest link value the kernel reads.
const VALUE_MAX: usize = 320;

/// A link's target (on the heap, to keep kernel stacks small).
pub(crate) struct Value {
    buf: KBox<[u8; VALUE_MAX]>,
    len: usize,
}

impl Value {
    /// The target text.
    pub(crate) fn as_str(&self) -> &str {
        core::str::from_utf8(self.buf.get(..self.len).unwrap_or(&[])).unwrap_or("")
    }
}

/// Reads link `path`. A missing link and the `.deleted` tombstone both
/// read as `None`.
pub(crate) fn read(path: &Path) -> Result<Option<Value>> {
    let mut v = Value {
        buf: KBox::zeroed(GFP_KERNEL)?,
        len: 0,
    };
    match ffi::readlink(path, &mut v.buf[..]) {
        Ok((text, _, _)) => {
            if text == TOMBSTONE {
                return Ok(None);
            }
            v.len = text.len();
            Ok(Some(v))
        }
        Err(e) if e == ENOENT => Ok(None),
        Err(e) => Err(e),
    }
}

/// Writes link `path` -> `value` with a fresh Lamport stamp.
pub(crate) fn write(path: &Path, value: &str) -> Result {
    let stamp = lamport_stamp();
    let target = fpath!("{}", value)?;
    ffi::symlink(path, &target, stamp.sec, stamp.nsec)?;
    // The cluster layer sends it to the peers within 100 ms.
    ffi::net::tree_changed();
    Ok(())
}

/// Writes link `path` -> `value` and makes it durable before returning:
/// for every link a later decision depends on (`replay-HOST`, `version-`
/// links), so that a power cut can never bring back an older value after
/// the action that relied on the new one.
pub(crate) fn write_durable(path: &Path, value: &str) -> Result {
    write(path, value)?;
    ffi::dir_sync(path)
}

/// `/mars/resource-RES/replay-HOST`.
pub(crate) fn replay_link(res: &ResourceName, host: &HostName) -> Result<Path> {
    resource_entry(res, format_args!("replay-{}", host.as_str()))
}

/// Sets `replay-HOST` of `res` to the start of `pos.0` at offset `pos.1`
/// (durably if `durable`, see [`write_durable`]).
pub(crate) fn write_replay(
    res: &ResourceName,
    host: &HostName,
    pos: (LogName, u64),
    durable: bool,
) -> Result {
    let value = ReplayValue {
        log: pos.0,
        pos: pos.1,
        len: pos.1,
    };
    let link = replay_link(res, host)?;
    let text = fpath!("{}", value)?;
    if durable {
        write_durable(&link, text.as_str())
    } else {
        write(&link, text.as_str())
    }
}

/// The current Lamport stamp, fresh (greater than every one handed out).
pub(crate) fn lamport_stamp() -> Stamp {
    let ns = ffi::lamport_tick();
    Stamp {
        sec: ns / 1_000_000_000,
        nsec: (ns % 1_000_000_000) as u32,
    }
}

/// Writes link `path` -> `value` unless it already has that value, so
/// reported state does not churn the Lamport clock.
pub(crate) fn update(path: &Path, value: &str) -> Result {
    match read(path)? {
        Some(v) if v.as_str() == value => Ok(()),
        _ => write(path, value),
    }
}

/// Creates directory `path` unless it exists.
pub(crate) fn ensure_dir(path: &Path) -> Result {
    match ffi::mkdir(path) {
        Err(e) if e == EEXIST => Ok(()),
        r => r,
    }
}

/// `/mars/resource-RES`.
pub(crate) fn resource_dir(res: &ResourceName) -> Result<Path> {
    fpath!("{}/resource-{}", ROOT, res.as_str())
}

/// `/mars/resource-RES/NAME`.
pub(crate) fn resource_entry(res: &ResourceName, name: fmt::Arguments<'_>) -> Result<Path> {
    fpath!("{}/resource-{}/{}", ROOT, res.as_str(), name)
}

/// `/mars/resource-RES/actual-HOST`.
pub(crate) fn actual_dir(res: &ResourceName, host: &HostName) -> Result<Path> {
    fpath!(
        "{}/resource-{}/actual-{}",
        ROOT,
        res.as_str(),
        host.as_str()
    )
}

use core::fmt;

/// Largest directory listing read (names and NULs): about a million entries.
const READDIR_MAX: usize = 32 << 20;

/// Calls `f` with each name in directory `path` (without `.` and `..`).
/// The listing buffer grows until the whole directory fits.
pub(crate) fn for_each_name(path: &Path, mut f: impl FnMut(&str) -> Result) -> Result {
    let mut len = 64 * 1024;
    let (buf, n) = loop {
        let mut buf = KVVec::<u8>::from_elem(0u8, len, GFP_KERNEL)?;
        match ffi::readdir(path, &mut buf) {
            Ok(names) => {
                let n = names.len();
                break (buf, n);
            }
            Err(e) if e == ENOSPC && len < READDIR_MAX => len = len.saturating_mul(4),
            Err(e) => return Err(e),
        }
    };
    let names = buf.get(..n).ok_or(EINVAL)?;
    for name in names.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        if let Ok(name) = core::str::from_utf8(name) {
            f(name)?;
        }
    }
    Ok(())
}
