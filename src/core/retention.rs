//! Log retention: how much log a host still has to write back, and which
//! logs of a resource every member has written back (so they may go).
//!
//! Both take the tree's facts as iterators (log files with their sizes,
//! `replay-HOST` positions, `actual-HOST/log-number` values), so callers
//! keep their own collections and nothing here allocates.

use core::fmt;

use super::names::{HostName, LogName};
use super::tree::ReplayValue;

/// Log bytes `replay` has not written back yet: the rest of the replay log
/// plus all logs with a higher number. Without a replay position every log
/// byte counts. `logs` yields each log file with its size. Saturates at
/// `u64::MAX`.
pub fn writeback_lag<I>(logs: I, replay: Option<&ReplayValue>) -> u64
where
    I: IntoIterator<Item = (LogName, u64)>,
{
    logs.into_iter()
        .map(|(log, size)| match replay {
            None => size,
            Some(r) if log.number > r.log.number => size,
            Some(r) if log == r.log => size.saturating_sub(r.pos),
            Some(_) => 0,
        })
        .fold(0, u64::saturating_add)
}

/// Why logs (from some number on) must be kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeepReason {
    /// The resource has no logs.
    NoLogs,
    /// The resource has no members (no `data-HOST` link).
    NoMembers,
    /// A member has no `replay-HOST` link yet: nothing may be deleted.
    NoPosition(HostName),
    /// A member still writes back this log.
    WritingBack(HostName, u32),
    /// A host still writes (appends to) this log.
    Writing(HostName, u32),
    /// This is the newest log, which is always kept.
    Newest(u32),
}

impl fmt::Display for KeepReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeepReason::NoLogs => f.write_str("there are no logs"),
            KeepReason::NoMembers => f.write_str("the resource has no members"),
            KeepReason::NoPosition(h) => {
                write!(f, "'{h}' has not reported a writeback position yet")
            }
            KeepReason::WritingBack(h, n) => write!(f, "'{h}' is writing back log {n}"),
            KeepReason::Writing(h, n) => write!(f, "'{h}' is writing log {n}"),
            KeepReason::Newest(n) => write!(f, "log {n} is the newest, which is always kept"),
        }
    }
}

/// Which logs of a resource may be deleted: those numbered below `below`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeleteLimit {
    /// Logs with a number below this may be deleted (`0`: none).
    pub below: u32,
    /// Why the log numbered `below` (and later ones) must stay.
    pub reason: KeepReason,
}

impl DeleteLimit {
    /// Whether the log numbered `number` may be deleted.
    pub const fn allows(&self, number: u32) -> bool {
        number < self.below
    }
}

/// Computes which logs every member has written back.
///
/// `newest` is the highest log number present (`None`: no logs).
/// `members` yields each member host (one with a `data-HOST` link) with the
/// log number of its `replay-HOST` link (`None`: no link yet). `writing`
/// yields hosts with their `actual-HOST/log-number` (`0` or `None`: none).
/// Logs below the lowest replay log of all members may go, but never the
/// newest log and never a log at or after one a host is writing. On ties
/// the first host in iteration order is named in the reason.
pub fn delete_limit<M, W>(newest: Option<u32>, members: M, writing: W) -> DeleteLimit
where
    M: IntoIterator<Item = (HostName, Option<u32>)>,
    W: IntoIterator<Item = (HostName, Option<u32>)>,
{
    let none = |reason| DeleteLimit { below: 0, reason };
    let Some(newest) = newest else {
        return none(KeepReason::NoLogs);
    };
    let mut needed: Option<(u32, KeepReason)> = None;
    for (h, replay) in members {
        let Some(n) = replay else {
            return none(KeepReason::NoPosition(h));
        };
        match needed {
            Some((m, _)) if m <= n => {}
            _ => needed = Some((n, KeepReason::WritingBack(h, n))),
        }
    }
    let Some(mut needed) = needed else {
        return none(KeepReason::NoMembers);
    };
    for (h, cur) in writing {
        if let Some(n) = cur.filter(|&n| n > 0 && n < needed.0) {
            needed = (n, KeepReason::Writing(h, n));
        }
    }
    if needed.0 >= newest {
        DeleteLimit {
            below: newest,
            reason: KeepReason::Newest(newest),
        }
    } else {
        DeleteLimit {
            below: needed.0,
            reason: needed.1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;
    use std::vec::Vec;

    fn h(s: &str) -> HostName {
        HostName::new(s).unwrap()
    }

    fn log(n: u32) -> LogName {
        LogName {
            number: n,
            host: h("a"),
        }
    }

    fn replay(s: &str) -> ReplayValue {
        ReplayValue::parse(s).unwrap()
    }

    #[test]
    fn lag() {
        let logs = [(log(1), 100), (log(2), 1000), (log(3), 50)];
        assert_eq!(writeback_lag(logs, None), 1150);
        let r = replay("log-000000002-a,400,1000");
        assert_eq!(writeback_lag(logs, Some(&r)), 600 + 50);
        assert_eq!(
            writeback_lag(logs, Some(&replay("log-000000003-a,50,50"))),
            0
        );
        assert_eq!(
            writeback_lag(logs, Some(&replay("log-000000003-a,80,80"))),
            0
        );
        // Same number, other origin host: not the replay log, not later.
        assert_eq!(
            writeback_lag(logs, Some(&replay("log-000000002-b,0,0"))),
            50
        );
        assert_eq!(writeback_lag([], None), 0);
        assert_eq!(
            writeback_lag([(log(1), u64::MAX), (log(2), 1)], None),
            u64::MAX
        );
    }

    fn limit(
        newest: Option<u32>,
        members: &[(&str, Option<u32>)],
        writing: &[(&str, Option<u32>)],
    ) -> DeleteLimit {
        let m: Vec<_> = members.iter().map(|&(s, n)| (h(s), n)).collect();
        let w: Vec<_> = writing.iter().map(|&(s, n)| (h(s), n)).collect();
        delete_limit(newest, m, w)
    }

    #[test]
    fn deletes_only_what_everyone_wrote_back() {
        let d = limit(Some(4), &[("a", Some(3))], &[]);
        assert_eq!(d.below, 3);
        assert_eq!(d.reason, KeepReason::WritingBack(h("a"), 3));
        assert!(d.allows(2) && !d.allows(3));
        let d = limit(Some(4), &[("a", Some(3)), ("b", Some(2))], &[]);
        assert_eq!((d.below, d.reason), (2, KeepReason::WritingBack(h("b"), 2)));
        // Ties name the first host.
        let d = limit(Some(4), &[("a", Some(2)), ("b", Some(2))], &[]);
        assert_eq!(d.reason, KeepReason::WritingBack(h("a"), 2));
        let d = limit(Some(4), &[("a", Some(4)), ("b", None)], &[]);
        assert_eq!((d.below, d.reason), (0, KeepReason::NoPosition(h("b"))));
        assert!(d.reason.to_string().contains("'b'"));
        // A host writing an older log holds it back; 0 means none.
        let d = limit(
            Some(9),
            &[("a", Some(8))],
            &[("a", Some(0)), ("b", Some(5)), ("c", None)],
        );
        assert_eq!((d.below, d.reason), (5, KeepReason::Writing(h("b"), 5)));
        assert_eq!(d.reason.to_string(), "'b' is writing log 5");
    }

    #[test]
    fn never_the_newest() {
        let d = limit(Some(2), &[("a", Some(9))], &[]);
        assert_eq!((d.below, d.reason), (2, KeepReason::Newest(2)));
        let d = limit(Some(5), &[("a", Some(5))], &[]);
        assert_eq!((d.below, d.reason), (5, KeepReason::Newest(5)));
        assert_eq!(limit(None, &[("a", None)], &[]).reason, KeepReason::NoLogs);
        assert_eq!(limit(Some(3), &[], &[]).reason, KeepReason::NoMembers);
        assert_eq!(limit(Some(3), &[], &[]).below, 0);
    }
}
