// SPDX-License-Identifier: GPL-2.0

//! The exchange index: every exchanged link of `/mars` with its stamp,
//! target and a local change sequence number.
//!
//! A rescan of the tree (every round) and every adopted remote entry give a
//! changed link the next sequence number; a peer connection sends what has
//! a number above the one its peer last acknowledged (the core's
//! `exchange::Cursor`), so an idle round sends nothing of the tree. The
//! numbers are local to this host and this module load: a new connection
//! always starts with a full exchange.

use crate::ffi::{self, fpath, Path};
use crate::mars_core::lamport::Stamp;
use crate::mars_core::merge;
use crate::mars_core::names::{parse_entry_name, Entry, HostName};
use crate::tree;
use kernel::prelude::*;

/// Longest link target read from the tree (the wire's `MAX_TEXT`).
const TARGET_MAX: usize = 1024;

/// One exchanged link.
pub(crate) struct Slot {
    path: KVec<u8>,
    target: KVec<u8>,
    pub(crate) stamp: Stamp,
    pub(crate) seq: u64,
    /// The host owning the path (`None`: shared), parsed once here rather
    /// than on every round of every peer.
    owner: Option<HostName>,
    seen: bool,
}

impl Slot {
    /// Path relative to `/mars`.
    pub(crate) fn path(&self) -> &str {
        core::str::from_utf8(&self.path).unwrap_or("")
    }

    /// Link target.
    pub(crate) fn target(&self) -> &str {
        core::str::from_utf8(&self.target).unwrap_or("")
    }

    /// Whether host `me` may send this link (shared, or owned by `me`):
    /// `mars_core::merge::relayable` without parsing the path again.
    pub(crate) fn relayable_by(&self, me: &HostName) -> bool {
        self.owner.is_none_or(|o| o == *me)
    }
}

/// The index, sorted by path.
pub(crate) struct Index {
    slots: KVec<Slot>,
    seq: u64,
}

fn bytes_of(s: &str) -> Result<KVec<u8>> {
    let mut v = KVec::with_capacity(s.len(), GFP_KERNEL)?;
    v.extend_from_slice(s.as_bytes(), GFP_KERNEL)?;
    Ok(v)
}

impl Index {
    /// An empty index.
    pub(crate) fn new() -> Self {
        Index {
            slots: KVec::new(),
            seq: 0,
        }
    }

    /// The newest change sequence number.
    pub(crate) fn seq(&self) -> u64 {
        self.seq
    }

    fn find(&self, path: &str) -> core::result::Result<usize, usize> {
        self.slots
            .binary_search_by(|s| s.path.as_slice().cmp(path.as_bytes()))
    }

    /// The stamp and target of `path`, if indexed.
    pub(crate) fn get(&self, path: &str) -> Option<(Stamp, &str)> {
        let i = self.find(path).ok()?;
        self.slots.get(i).map(|s| (s.stamp, s.target()))
    }

    /// Records `path` -> `target` at `stamp`; returns whether it changed
    /// (then it gets a new sequence number).
    pub(crate) fn upsert(&mut self, path: &str, stamp: Stamp, target: &str) -> Result<bool> {
        match self.find(path) {
            Ok(i) => {
                let Some(s) = self.slots.get_mut(i) else {
                    return Err(EINVAL);
                };
                s.seen = true;
                if s.stamp == stamp && s.target.as_slice() == target.as_bytes() {
                    return Ok(false);
                }
                let t = bytes_of(target)?;
                s.target = t;
                s.stamp = stamp;
                self.seq = self.seq.saturating_add(1);
                s.seq = self.seq;
                Ok(true)
            }
            Err(i) => {
                let slot = Slot {
                    path: bytes_of(path)?,
                    target: bytes_of(target)?,
                    stamp,
                    seq: self.seq.saturating_add(1),
                    owner: merge::owner(path).map_err(|_| EINVAL)?,
                    seen: true,
                };
                self.slots.reserve(1, GFP_KERNEL)?;
                self.slots
                    .insert_within_capacity(i, slot)
                    .map_err(|_| ENOMEM)?;
                self.seq = self.seq.saturating_add(1);
                Ok(true)
            }
        }
    }

    /// The slots changed after `seq`, in path order.
    pub(crate) fn changed_since(&self, seq: u64) -> impl Iterator<Item = &Slot> {
        self.slots.iter().filter(move |s| s.seq > seq)
    }

    /// Every slot, in path order.
    pub(crate) fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// Re-reads every exchanged link of `/mars`. Links that disappeared
    /// (removed without a tombstone, such as a resource deleted locally)
    /// are forgotten, not propagated.
    #[inline(never)]
    pub(crate) fn rescan(&mut self) -> Result {
        for s in self.slots.iter_mut() {
            s.seen = false;
        }
        let mut names = KVec::<KVec<u8>>::new();
        let root = fpath!("{}", tree::ROOT)?;
        tree::for_each_name(&root, |name| {
            names.push(bytes_of(name)?, GFP_KERNEL)?;
            Ok(())
        })?;
        for name in names.iter() {
            let name = core::str::from_utf8(name).unwrap_or("");
            match parse_entry_name(name) {
                Ok(Entry::Uuid) => self.scan_link(name)?,
                Ok(Entry::Ips | Entry::Actual(_)) => self.scan_dir(name, 0)?,
                Ok(Entry::Resource(_)) => self.scan_dir(name, 1)?,
                _ => {}
            }
        }
        self.slots.retain(|s| s.seen);
        Ok(())
    }

    /// Indexes the exchanged links in directory `dir` (relative), going
    /// `depth` more directories down.
    fn scan_dir(&mut self, dir: &str, depth: u32) -> Result {
        let mut names = KVec::<KVec<u8>>::new();
        let path = fpath!("{}/{}", tree::ROOT, dir)?;
        let listed = tree::for_each_name(&path, |name| {
            names.push(bytes_of(name)?, GFP_KERNEL)?;
            Ok(())
        });
        match listed {
            Err(e) if e == ENOENT || e == ENOTDIR => return Ok(()),
            r => r?,
        }
        for name in names.iter() {
            let name = core::str::from_utf8(name).unwrap_or("");
            let rel = fpath!("{}/{}", dir, name)?;
            let is_dir = matches!(
                parse_entry_name(name),
                Ok(Entry::Todo(_) | Entry::Actual(_))
            );
            if is_dir {
                if depth > 0 {
                    self.scan_dir(rel.as_str(), depth - 1)?;
                }
            } else if merge::is_exchanged(rel.as_str()) {
                self.scan_link(rel.as_str())?;
            }
        }
        Ok(())
    }

    /// A link on disk only ever moves forward in the merge order. If it
    /// now holds a value that loses against the indexed one, a write
    /// with an old stamp (a slow local writer racing an adopted newer
    /// value: both rename over the same name) undid the newer value:
    /// put the indexed one back, as every peer has it. Returns whether it
    /// did.
    fn restore_if_behind(
        &mut self,
        path: &Path,
        rel: &str,
        stamp: Stamp,
        target: &str,
    ) -> Result<bool> {
        let Ok(i) = self.find(rel) else {
            return Ok(false);
        };
        let Some(slot) = self.slots.get_mut(i) else {
            return Ok(false);
        };
        let same = slot.stamp == stamp && slot.target.as_slice() == target.as_bytes();
        if same || merge::wins((stamp, target), (slot.stamp, slot.target())) {
            return Ok(false);
        }
        slot.seen = true;
        let newer = fpath!("{}", slot.target())?;
        ffi::symlink(path, &newer, slot.stamp.sec, slot.stamp.nsec)?;
        Ok(true)
    }

    /// Indexes one link (relative path), if it is a readable symlink.
    fn scan_link(&mut self, rel: &str) -> Result {
        let path = fpath!("{}/{}", tree::ROOT, rel)?;
        let mut buf = KVec::<u8>::from_elem(0u8, TARGET_MAX + 1, GFP_KERNEL)?;
        match ffi::readlink(&path, &mut buf) {
            Ok((target, sec, nsec)) => {
                let stamp = Stamp::new(sec, nsec).unwrap_or(Stamp::ZERO);
                if self.restore_if_behind(&path, rel, stamp, target)? {
                    return Ok(());
                }
                match self.upsert(rel, stamp, target) {
                    // Not a link of the grammar: not ours to send.
                    Err(e) if e == EINVAL => Ok(()),
                    r => r.map(|_| ()),
                }
            }
            // Gone meanwhile, not a link, or a target too long to send.
            Err(_) => Ok(()),
        }
    }
}
