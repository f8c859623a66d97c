//! Sorting without scratch space: an in-place heap sort.
//!
//! `core`'s `sort_unstable` keeps a scratch array of up to 48 elements on
//! the stack for its small-sort step; for 32-byte elements that is a
//! frame of over 1.5 KiB, too much for a kernel thread whose stack the
//! block layer and file systems below it also need. Heap sort needs no
//! scratch and no recursion, and is O(n log n) in the worst case.

/// Sorts `v` in place by `key`, ascending (not stable).
pub fn heap_sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    let len = v.len();
    let mut start = len / 2;
    while start > 0 {
        start = start.saturating_sub(1);
        sift_down(v, start, len, &key);
    }
    let mut end = len;
    while end > 1 {
        end = end.saturating_sub(1);
        v.swap(0, end);
        sift_down(v, 0, end, &key);
    }
}

/// Whether the element at `a` has a greater key than the one at `b`.
fn greater<T, K: Ord>(v: &[T], a: usize, b: usize, key: &impl Fn(&T) -> K) -> bool {
    match (v.get(a), v.get(b)) {
        (Some(x), Some(y)) => key(x) > key(y),
        _ => false,
    }
}

/// Moves the element at `root` down the heap `v[..end]` to its place.
fn sift_down<T, K: Ord>(v: &mut [T], mut root: usize, end: usize, key: &impl Fn(&T) -> K) {
    loop {
        let Some(mut child) = root.checked_mul(2).and_then(|c| c.checked_add(1)) else {
            return;
        };
        if child >= end {
            return;
        }
        if let Some(right) = child.checked_add(1) {
            if right < end && greater(v, right, child, key) {
                child = right;
            }
        }
        if !greater(v, child, root, key) {
            return;
        }
        v.swap(root, child);
        root = child;
    }
}

#[cfg(test)]
mod tests {
    use super::heap_sort_by_key;
    use std::vec::Vec;

    /// Sorts like the standard library for every length up to 200 and
    /// many orders (random, sorted, reversed, few distinct keys).
    #[test]
    fn sorts_like_std() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in 0..200usize {
            for pattern in 0..4 {
                let mut v: Vec<(u64, usize)> = (0..len)
                    .map(|i| {
                        let k = match pattern {
                            0 => next(),
                            1 => i as u64,
                            2 => (len - i) as u64,
                            _ => next() % 3,
                        };
                        (k, i)
                    })
                    .collect();
                let mut want = v.clone();
                want.sort_by_key(|p| p.0);
                heap_sort_by_key(&mut v, |p| p.0);
                let keys: Vec<u64> = v.iter().map(|p| p.0).collect();
                let want_keys: Vec<u64> = want.iter().map(|p| p.0).collect();
                assert_eq!(keys, want_keys, "len {len} pattern {pattern}");
                // A permutation: every element is still there once.
                let mut ids: Vec<usize> = v.iter().map(|p| p.1).collect();
                ids.sort_unstable();
                assert_eq!(ids, (0..len).collect::<Vec<_>>());
            }
        }
    }
}
