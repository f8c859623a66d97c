// SPDX-License-Identifier: GPL-2.0

//! The index of data not yet written back to the data device.
//!
//! Every write appended to the log stays in memory until writeback has put
//! it on the data device; this map says, for every byte of the device,
//! which pending record holds its newest data. Extents never overlap: a new
//! write trims or splits the extents it covers. Reads consult it first, so
//! they always return the newest data; writeback consults it to skip bytes
//! that a newer record will write anyway.

use kernel::prelude::*;
use kernel::rbtree::{RBTree, RBTreeNode, RBTreeNodeReservation};

/// What an extent points into: a pending record's payload.
pub(crate) trait Chunk: Clone {
    /// Whether `self` and `other` are the same record.
    fn same(&self, other: &Self) -> bool;
}

/// A maximal run of bytes `[start, end)` served by `chunk` from payload
/// offset `offset` on.
#[derive(Clone)]
pub(crate) struct Extent<T: Chunk> {
    /// One past the last byte.
    pub(crate) end: u64,
    /// The record holding the data.
    pub(crate) chunk: T,
    /// Offset within the record's payload of the extent's first byte.
    pub(crate) offset: u64,
}

/// One piece of a lookup: either data from a record or a gap that the data
/// device itself holds.
pub(crate) enum Piece<T: Chunk> {
    /// `[start, end)` comes from `chunk`'s payload at `offset`.
    Data {
        /// First byte.
        start: u64,
        /// One past the last byte.
        end: u64,
        /// The record.
        chunk: T,
        /// Offset within the record's payload.
        offset: u64,
    },
    /// `[start, end)` is not pending: read it from the data device.
    Gap {
        /// First byte.
        start: u64,
        /// One past the last byte.
        end: u64,
    },
}

/// The map from device byte ranges to pending records.
pub(crate) struct Overlay<T: Chunk> {
    map: RBTree<u64, Extent<T>>,
}

impl<T: Chunk> Overlay<T> {
    /// An empty map.
    pub(crate) fn new() -> Self {
        Overlay { map: RBTree::new() }
    }

    /// Whether nothing is pending.
    pub(crate) fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The first extent starting at or after `key`.
    fn first_from(&self, key: u64) -> Option<(u64, Extent<T>)> {
        self.map.cursor_lower_bound(&key).map(|c| {
            let (k, e) = c.current();
            (*k, e.clone())
        })
    }

    /// The first extent starting after `key`.
    fn first_after(&self, key: u64) -> Option<(u64, Extent<T>)> {
        key.checked_add(1).and_then(|k| self.first_from(k))
    }

    /// The extent starting before `start` that reaches past it, if any.
    fn overlapping_predecessor(&self, start: u64) -> Option<(u64, Extent<T>)> {
        let prev = match self.map.cursor_lower_bound(&start) {
            Some(c) => c.peek_prev().map(|(k, e)| (*k, e.clone())),
            None => self.map.cursor_back().map(|c| {
                let (k, e) = c.current();
                (*k, e.clone())
            }),
        }?;
        (prev.0 < start && prev.1.end > start).then_some(prev)
    }

    /// Records that `[start, start + len)` now lives in `chunk` (payload
    /// offset 0 on). Either fully done or, on allocation failure, nothing
    /// changed.
    pub(crate) fn insert(&mut self, start: u64, len: u64, chunk: &T) -> Result {
        let end = start.checked_add(len).ok_or(EINVAL)?;
        if len == 0 {
            return Ok(());
        }
        // At most three new nodes: a tail of the predecessor, a tail of the
        // last covered extent, and the new extent. Reserve them first.
        let mut spare: KVec<RBTreeNodeReservation<u64, Extent<T>>> =
            KVec::with_capacity(3, GFP_KERNEL)?;
        for _ in 0..3 {
            spare.push(RBTreeNodeReservation::new(GFP_KERNEL)?, GFP_KERNEL)?;
        }
        let mut covered: KVec<u64> = KVec::new();
        let mut next = self.first_from(start);
        while let Some((k, _)) = next {
            if k >= end {
                break;
            }
            covered.push(k, GFP_KERNEL)?;
            next = self.first_after(k);
        }
        // Nothing has changed so far; from here on nothing can fail.
        if let Some((k, e)) = self.overlapping_predecessor(start) {
            if e.end > end {
                let tail = Extent {
                    end: e.end,
                    chunk: e.chunk.clone(),
                    offset: e.offset.saturating_add(end.saturating_sub(k)),
                };
                self.insert_reserved(&mut spare, end, tail);
            }
            if let Some(p) = self.map.get_mut(&k) {
                p.end = start;
            }
        }
        for k in covered.iter() {
            if let Some(e) = self.map.remove(k) {
                if e.end > end {
                    let tail = Extent {
                        end: e.end,
                        chunk: e.chunk,
                        offset: e.offset.saturating_add(end.saturating_sub(*k)),
                    };
                    self.insert_reserved(&mut spare, end, tail);
                }
            }
        }
        let new = Extent {
            end,
            chunk: chunk.clone(),
            offset: 0,
        };
        self.insert_reserved(&mut spare, start, new);
        Ok(())
    }

    fn insert_reserved(
        &mut self,
        spare: &mut KVec<RBTreeNodeReservation<u64, Extent<T>>>,
        key: u64,
        value: Extent<T>,
    ) {
        // The caller reserved one node per insertion.
        if let Some(r) = spare.pop() {
            let node: RBTreeNode<u64, Extent<T>> = r.into_node(key, value);
            self.map.insert(node);
        }
    }

    /// Splits `[start, end)` into pieces, in order, and hands each to `f`.
    pub(crate) fn lookup(
        &self,
        start: u64,
        end: u64,
        mut f: impl FnMut(Piece<T>) -> Result,
    ) -> Result {
        let mut at = start;
        if let Some((k, e)) = self.overlapping_predecessor(start) {
            let stop = e.end.min(end);
            f(Piece::Data {
                start,
                end: stop,
                chunk: e.chunk.clone(),
                offset: e.offset.saturating_add(start.saturating_sub(k)),
            })?;
            at = stop;
        }
        let mut next = self.first_from(at);
        while at < end {
            let Some((k, e)) = next else { break };
            if k >= end {
                break;
            }
            if k > at {
                f(Piece::Gap { start: at, end: k })?;
            }
            let stop = e.end.min(end);
            f(Piece::Data {
                start: k,
                end: stop,
                chunk: e.chunk,
                offset: e.offset,
            })?;
            at = stop;
            next = self.first_after(k);
        }
        if at < end {
            f(Piece::Gap { start: at, end })?;
        }
        Ok(())
    }

    /// Calls `f(start, end, offset)` for each part of `[start, start +
    /// len)` that `chunk` still serves (the rest was overwritten since).
    pub(crate) fn owned(
        &self,
        start: u64,
        len: u64,
        chunk: &T,
        mut f: impl FnMut(u64, u64, u64) -> Result,
    ) -> Result {
        let end = start.checked_add(len).ok_or(EINVAL)?;
        self.lookup(start, end, |p| match p {
            Piece::Data {
                start,
                end,
                chunk: c,
                offset,
            } if c.same(chunk) => f(start, end, offset),
            _ => Ok(()),
        })
    }

    /// Forgets the parts of `[start, start + len)` that `chunk` still
    /// serves: it has been written back.
    pub(crate) fn remove(&mut self, start: u64, len: u64, chunk: &T) -> Result {
        let mut keys: KVec<u64> = KVec::new();
        self.owned(start, len, chunk, |s, _, _| {
            keys.push(s, GFP_KERNEL).map_err(Into::into)
        })?;
        for k in keys.iter() {
            // A record's extents start where they start in the map: a
            // newer write only ever trims them, and a trimmed head keeps
            // its key.
            self.map.remove(k);
        }
        Ok(())
    }
}

#[kunit_tests(mars_overlay)]
mod tests {
    use super::{Chunk, Overlay, Piece};
    use kernel::prelude::*;

    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    struct Id(u32);

    impl Chunk for Id {
        fn same(&self, other: &Self) -> bool {
            self == other
        }
    }

    /// (start, end, Some((id, offset))) or (start, end, None) for gaps.
    fn pieces(o: &Overlay<Id>, start: u64, end: u64) -> KVec<(u64, u64, Option<(u32, u64)>)> {
        let mut v = KVec::new();
        o.lookup(start, end, |p| {
            let item = match p {
                Piece::Data {
                    start,
                    end,
                    chunk,
                    offset,
                } => (start, end, Some((chunk.0, offset))),
                Piece::Gap { start, end } => (start, end, None),
            };
            v.push(item, GFP_KERNEL)?;
            Ok(())
        })
        .unwrap();
        v
    }

    #[test]
    fn empty_is_one_gap() {
        let o = Overlay::<Id>::new();
        assert_eq!(&pieces(&o, 0, 4096)[..], &[(0, 4096, None)]);
    }

    #[test]
    fn overwrite_middle_splits() {
        let mut o = Overlay::new();
        o.insert(0, 4096, &Id(1)).unwrap();
        o.insert(1024, 512, &Id(2)).unwrap();
        assert_eq!(
            &pieces(&o, 0, 4096)[..],
            &[
                (0, 1024, Some((1, 0))),
                (1024, 1536, Some((2, 0))),
                (1536, 4096, Some((1, 1536)))
            ]
        );
    }

    #[test]
    fn overwrite_spanning_several() {
        let mut o = Overlay::new();
        o.insert(0, 1024, &Id(1)).unwrap();
        o.insert(2048, 1024, &Id(2)).unwrap();
        o.insert(512, 2048, &Id(3)).unwrap();
        assert_eq!(
            &pieces(&o, 0, 4096)[..],
            &[
                (0, 512, Some((1, 0))),
                (512, 2560, Some((3, 0))),
                (2560, 3072, Some((2, 512))),
                (3072, 4096, None)
            ]
        );
    }

    #[test]
    fn lookup_inside_an_extent() {
        let mut o = Overlay::new();
        o.insert(0, 8192, &Id(1)).unwrap();
        assert_eq!(
            &pieces(&o, 4096, 6144)[..],
            &[(4096, 6144, Some((1, 4096)))]
        );
    }

    #[test]
    fn remove_keeps_newer_data() {
        let mut o = Overlay::new();
        o.insert(0, 4096, &Id(1)).unwrap();
        o.insert(0, 1024, &Id(2)).unwrap();
        let mut owned = KVec::new();
        o.owned(0, 4096, &Id(1), |s, e, off| {
            owned.push((s, e, off), GFP_KERNEL).map_err(Into::into)
        })
        .unwrap();
        assert_eq!(&owned[..], &[(1024, 4096, 1024)]);
        o.remove(0, 4096, &Id(1)).unwrap();
        assert_eq!(
            &pieces(&o, 0, 4096)[..],
            &[(0, 1024, Some((2, 0))), (1024, 4096, None)]
        );
        o.remove(0, 1024, &Id(2)).unwrap();
        assert!(o.is_empty());
    }
}
