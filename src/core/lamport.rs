//! Lamport clock and timestamps.
//!
//! A [`Stamp`] is a `(seconds, nanoseconds)` pair that fits a symlink mtime
//! (`struct timespec`). The [`LamportClock`] hands out strictly increasing
//! stamps that are never behind the real-time clock and moves past every
//! stamp received from a peer (unless it is implausibly far in the future).
//! There is no locking here: the kernel wraps the clock in its own lock.

use core::fmt;
use core::str::FromStr;

/// Nanoseconds per second.
pub const NSEC_PER_SEC: u32 = 1_000_000_000;

/// A point in Lamport time: seconds and nanoseconds (`nsec < 1e9` when valid).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp {
    /// Seconds since the Unix epoch.
    pub sec: u64,
    /// Nanoseconds within the second, `0..1_000_000_000`.
    pub nsec: u32,
}

impl Stamp {
    /// The zero stamp.
    pub const ZERO: Stamp = Stamp { sec: 0, nsec: 0 };
    /// The largest valid stamp.
    pub const MAX: Stamp = Stamp {
        sec: u64::MAX,
        nsec: NSEC_PER_SEC - 1,
    };

    /// A stamp, or `None` if `nsec` is not below one second.
    pub const fn new(sec: u64, nsec: u32) -> Option<Stamp> {
        if nsec < NSEC_PER_SEC {
            Some(Stamp { sec, nsec })
        } else {
            None
        }
    }

    /// Whether `nsec` is in range.
    pub const fn is_valid(&self) -> bool {
        self.nsec < NSEC_PER_SEC
    }

    /// The stamp one nanosecond later (saturating at [`Stamp::MAX`]).
    /// An out-of-range `nsec` is treated as the end of its second.
    pub fn next(self) -> Stamp {
        match self.nsec.checked_add(1) {
            Some(n) if n < NSEC_PER_SEC => Stamp {
                sec: self.sec,
                nsec: n,
            },
            _ => match self.sec.checked_add(1) {
                Some(sec) => Stamp { sec, nsec: 0 },
                None => Stamp::MAX,
            },
        }
    }

    /// `self + d` for a duration `d` given as a stamp, saturating at
    /// [`Stamp::MAX`]. Out-of-range `nsec` values are clamped first.
    pub fn saturating_add(self, d: Stamp) -> Stamp {
        let a = self.clamped();
        let b = d.clamped();
        // Both below 1e9, so the sum fits in u32 (< 2e9 < 4.29e9).
        let mut nsec = a.nsec.saturating_add(b.nsec);
        let mut carry = 0;
        if nsec >= NSEC_PER_SEC {
            nsec = nsec.saturating_sub(NSEC_PER_SEC);
            carry = 1;
        }
        match a.sec.checked_add(b.sec).and_then(|s| s.checked_add(carry)) {
            Some(sec) => Stamp { sec, nsec },
            None => Stamp::MAX,
        }
    }

    /// A duration of `ns` nanoseconds expressed as a stamp.
    #[allow(clippy::cast_possible_truncation)]
    pub const fn from_nanos(ns: u64) -> Stamp {
        let per_sec = NSEC_PER_SEC as u64;
        let sec = match ns.checked_div(per_sec) {
            Some(s) => s,
            None => 0,
        };
        // The remainder is below 1e9 and fits in u32.
        let nsec = match ns.checked_rem(per_sec) {
            Some(r) => r as u32,
            None => 0,
        };
        Stamp { sec, nsec }
    }

    fn clamped(self) -> Stamp {
        if self.nsec < NSEC_PER_SEC {
            self
        } else {
            Stamp {
                sec: self.sec,
                nsec: NSEC_PER_SEC - 1,
            }
        }
    }
}

impl fmt::Display for Stamp {
    /// Formats as `SEC.NNNNNNNNN` (nine fractional digits).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:09}", self.sec, self.nsec)
    }
}

/// Error from parsing a [`Stamp`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadStamp;

impl fmt::Display for BadStamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid timestamp, expected SEC.NNNNNNNNN")
    }
}

/// Parses an unsigned decimal with no sign and no leading zeros (except "0").
pub(crate) fn parse_decimal_u64(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 20 || (b.len() > 1 && b.first() == Some(&b'0')) {
        return None;
    }
    let mut v: u64 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v
            .checked_mul(10)?
            .checked_add(u64::from(c.wrapping_sub(b'0')))?;
    }
    Some(v)
}

impl FromStr for Stamp {
    type Err = BadStamp;

    /// Parses exactly `SEC.NNNNNNNNN`: decimal seconds without leading zeros,
    /// a dot, and exactly nine digits of nanoseconds.
    fn from_str(s: &str) -> Result<Stamp, BadStamp> {
        let (sec, nsec) = s.split_once('.').ok_or(BadStamp)?;
        if nsec.len() != 9 || !nsec.bytes().all(|c| c.is_ascii_digit()) {
            return Err(BadStamp);
        }
        let sec = parse_decimal_u64(sec).ok_or(BadStamp)?;
        let mut n: u32 = 0;
        for c in nsec.bytes() {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u32::from(c.wrapping_sub(b'0'))))
                .ok_or(BadStamp)?;
        }
        Stamp::new(sec, n).ok_or(BadStamp)
    }
}

/// A received stamp was further ahead of real time than allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooFarInFuture {
    /// The rejected stamp.
    pub received: Stamp,
    /// The latest acceptable stamp at the time (`now + max_future`).
    pub limit: Stamp,
}

impl fmt::Display for TooFarInFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Lamport stamp {} is too far in the future (limit {})",
            self.received, self.limit
        )
    }
}

/// Default tolerance for peer stamps ahead of local real time: 10 minutes.
pub const DEFAULT_MAX_FUTURE: Stamp = Stamp { sec: 600, nsec: 0 };

/// A Lamport clock layered on real time.
#[derive(Clone, Debug)]
pub struct LamportClock {
    last: Stamp,
    max_future: Stamp,
}

impl LamportClock {
    /// A clock at zero that accepts peer stamps up to `max_future` ahead of
    /// real time.
    pub const fn new(max_future: Stamp) -> Self {
        Self {
            last: Stamp::ZERO,
            max_future,
        }
    }

    /// Issues a new stamp, strictly greater than every stamp issued or merged
    /// before and not below `now_real`: `max(now_real, last + 1ns)`.
    pub fn tick(&mut self, now_real: Stamp) -> Stamp {
        let next = core::cmp::max(now_real, self.last.next());
        self.last = next;
        next
    }

    /// Moves the clock to at least `received`, so the next [`tick`] is later.
    /// Rejects (and ignores) stamps more than `max_future` ahead of `now_real`.
    ///
    /// [`tick`]: LamportClock::tick
    pub fn merge(&mut self, received: Stamp, now_real: Stamp) -> Result<(), TooFarInFuture> {
        let limit = now_real.saturating_add(self.max_future);
        if received > limit {
            return Err(TooFarInFuture { received, limit });
        }
        if received > self.last {
            self.last = received;
        }
        Ok(())
    }

    /// The latest stamp issued or merged (not advanced).
    pub const fn current(&self) -> Stamp {
        self.last
    }

    /// What the clock reads at `now_real` without issuing a stamp:
    /// `max(now_real, current())`.
    pub fn read(&self, now_real: Stamp) -> Stamp {
        core::cmp::max(now_real, self.last)
    }

    /// The configured future tolerance.
    pub const fn max_future(&self) -> Stamp {
        self.max_future
    }

    /// Changes the future tolerance.
    pub fn set_max_future(&mut self, max_future: Stamp) {
        self.max_future = max_future;
    }
}

impl Default for LamportClock {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_FUTURE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    fn st(sec: u64, nsec: u32) -> Stamp {
        Stamp::new(sec, nsec).unwrap()
    }

    #[test]
    fn tick_is_strictly_increasing() {
        let mut c = LamportClock::default();
        let a = c.tick(st(100, 5));
        assert_eq!(a, st(100, 5));
        let b = c.tick(st(100, 5));
        assert_eq!(b, st(100, 6));
        let d = c.tick(st(50, 0));
        assert_eq!(d, st(100, 7));
        c.tick(st(100, 999_999_999));
        assert_eq!(c.tick(st(1, 0)), st(101, 0));
    }

    #[test]
    fn merge_and_future_limit() {
        let mut c = LamportClock::new(st(10, 0));
        assert!(c.merge(st(105, 0), st(100, 0)).is_ok());
        assert_eq!(c.tick(st(100, 0)), st(105, 1));
        assert!(c.merge(st(110, 1), st(100, 0)).is_err());
        assert_eq!(c.current(), st(105, 1));
        assert!(c.merge(st(110, 0), st(100, 0)).is_ok());
    }

    #[test]
    fn saturation() {
        assert_eq!(Stamp::MAX.next(), Stamp::MAX);
        assert_eq!(Stamp::MAX.saturating_add(st(1, 1)), Stamp::MAX);
        let bad = Stamp {
            sec: 3,
            nsec: u32::MAX,
        };
        assert_eq!(bad.next(), st(4, 0));
        let mut c = LamportClock::default();
        assert_eq!(c.tick(bad), bad);
        assert_eq!(c.tick(Stamp::ZERO), st(4, 0));
        assert_eq!(
            st(1, 600_000_000).saturating_add(st(2, 600_000_000)),
            st(4, 200_000_000)
        );
    }

    #[test]
    fn format_parse() {
        assert_eq!(st(1700000000, 42).to_string(), "1700000000.000000042");
        assert_eq!(
            "1700000000.000000042".parse::<Stamp>(),
            Ok(st(1700000000, 42))
        );
        assert_eq!("0.000000000".parse::<Stamp>(), Ok(Stamp::ZERO));
        for bad in [
            "",
            ".",
            "1",
            "1.",
            "1.00000000",
            "1.0000000000",
            "01.000000000",
            "-1.000000000",
            "+1.000000000",
            "1.00000000a",
            "18446744073709551616.000000000",
            " 1.000000000",
        ] {
            assert!(bad.parse::<Stamp>().is_err(), "{bad}");
        }
        assert_eq!(
            "18446744073709551615.999999999".parse::<Stamp>(),
            Ok(Stamp::MAX)
        );
    }
}
