//! The cluster merge rule: which links are exchanged, who owns them, and
//! whether a received entry replaces the local one.
//!
//! Exchanged = every path [`LinkKind::parse`] accepts except `join-via`.
//! An owned path (`actual-H/*`, and inside `resource-R/`: `actual-H/*`,
//! `replay-H`, `version-N-H`, `data-H`, `device-H`, `syncstatus-H`,
//! `syncpos-H`) is written and sent only by its owner H; shared paths
//! (`uuid`, `ips/ip-H`, `resource-R/size`, `resource-R/primary`,
//! `resource-R/todo-H/*`) are sent and relayed by every member. The
//! switches `todo-H/*` are shared so that a `--global` command on one host
//! can set them for every member (newest wins, as for every link). The member
//! list `ips/` must be shared: a host that joined through one member
//! learns the others, and they learn it, only by relay (each host
//! connects only to the hosts it knows of). An entry wins iff
//! `(stamp, target bytes)` is lexicographically greater, so every node
//! picks the same winner whatever the order of arrival. A deletion is the
//! tombstone target [`TOMBSTONE`], valid for every exchanged link.

use core::fmt;

use super::lamport::Stamp;
use super::names::{parse_entry_name, Entry, HostName};
use super::tree::{LinkError, LinkKind, ValueError, TOMBSTONE};

/// The host owning `path`, `None` for a shared path. Errors if `path`
/// names no link of the tree grammar. (`join-via` is `None` too, but it is
/// not exchanged: see [`is_exchanged`].)
pub fn owner(path: &str) -> Result<Option<HostName>, LinkError> {
    LinkKind::parse(path)?;
    Ok(owner_of_link(path))
}

/// The owner of a path already accepted by [`LinkKind::parse`]: the host
/// of the first component that names one.
fn owner_of_link(path: &str) -> Option<HostName> {
    for part in path.split('/') {
        let host = match parse_entry_name(part) {
            Ok(
                Entry::Actual(h)
                | Entry::Replay(h)
                | Entry::Data(h)
                | Entry::Device(h)
                | Entry::SyncStatus(h)
                | Entry::SyncPos(h),
            ) => h,
            Ok(Entry::Version(l)) => l.host,
            // Shared names (`todo-H/` too), directories without a host, or
            // the open-ended names inside `actual-H/` (already past the
            // owner then).
            _ => continue,
        };
        return Some(host);
    }
    None
}

/// Whether `path` is a link exchanged between members.
pub fn is_exchanged(path: &str) -> bool {
    matches!(LinkKind::parse(path), Ok(k) if k != LinkKind::JoinVia)
}

/// Whether entry `a` strictly beats entry `b`: `(stamp, target bytes)`
/// compared lexicographically.
pub fn wins(a: (Stamp, &str), b: (Stamp, &str)) -> bool {
    (a.0, a.1.as_bytes()) > (b.0, b.1.as_bytes())
}

/// Why a received entry is refused (not adopted; the receiver logs it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The path is valid but not exchanged (log file, `join-via`, ...).
    NotExchanged,
    /// The path or the target violates the tree grammar.
    Invalid(LinkError),
    /// The path is owned by a host other than the sender.
    WrongSender,
    /// The path is owned by the receiver: only it writes its entries.
    OwnEntry,
    /// The stamp is further ahead of the real clock than allowed.
    FromFuture,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotExchanged => f.write_str("link is not exchanged"),
            Refusal::Invalid(e) => write!(f, "invalid entry: {e}"),
            Refusal::WrongSender => f.write_str("entry owned by another host than the sender"),
            Refusal::OwnEntry => f.write_str("entry owned by this host"),
            Refusal::FromFuture => f.write_str("stamp too far in the future"),
        }
    }
}

/// What to do with an acceptable entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Write it: it beats the local entry (or there is none).
    Adopt,
    /// Keep the local entry.
    Keep,
}

/// Checks an entry `(path, stamp, target)` received from `sender` by host
/// `me` and decides it against the local entry, in this order: exchanged
/// path, grammar of the target (the tombstone is always valid), stamp
/// valid, owner (`OwnEntry` before `WrongSender`), stamp at most
/// `now_real + max_future`, then [`Decision::Adopt`] iff it [`wins`] over
/// `local` (no local entry: adopt).
#[allow(clippy::too_many_arguments)]
pub fn decide(
    me: &HostName,
    sender: &HostName,
    path: &str,
    stamp: Stamp,
    target: &str,
    local: Option<(Stamp, &str)>,
    now_real: Stamp,
    max_future: Stamp,
) -> Result<Decision, Refusal> {
    let kind = match LinkKind::parse(path) {
        Ok(LinkKind::JoinVia) | Err(LinkError::NotALink) => return Err(Refusal::NotExchanged),
        Ok(k) => k,
        Err(e) => return Err(Refusal::Invalid(e)),
    };
    if target != TOMBSTONE {
        kind.value_kind()
            .check(target)
            .map_err(|e| Refusal::Invalid(LinkError::Value(e)))?;
    }
    if !stamp.is_valid() {
        return Err(Refusal::Invalid(LinkError::Value(ValueError::BadStamp)));
    }
    if let Some(o) = owner_of_link(path) {
        if o == *me && sender != me {
            return Err(Refusal::OwnEntry);
        }
        if o != *sender {
            return Err(Refusal::WrongSender);
        }
    }
    if stamp > now_real.saturating_add(max_future) {
        return Err(Refusal::FromFuture);
    }
    Ok(match local {
        Some(l) if !wins((stamp, target), l) => Decision::Keep,
        _ => Decision::Adopt,
    })
}

/// Whether host `me` may send the entry at `path`: exchanged, and shared or
/// owned by `me` (entries of third hosts are never relayed).
pub fn relayable(me: &HostName, path: &str) -> bool {
    match LinkKind::parse(path) {
        Ok(LinkKind::JoinVia) | Err(_) => false,
        Ok(_) => owner_of_link(path).is_none_or(|o| o == *me),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> HostName {
        HostName::new(s).unwrap()
    }

    const fn st(sec: u64) -> Stamp {
        Stamp { sec, nsec: 0 }
    }

    const NOW: Stamp = st(1000);
    const FUT: Stamp = st(300);

    #[test]
    fn owners() {
        let cases = [
            ("uuid", None),
            ("ips/ip-b", None),
            ("actual-b/alive", Some("b")),
            ("actual-b/whatever-key", Some("b")),
            ("resource-r/size", None),
            ("resource-r/primary", None),
            ("resource-r/data-b", Some("b")),
            ("resource-r/device-b", Some("b")),
            ("resource-r/replay-b", Some("b")),
            ("resource-r/version-000000003-b", Some("b")),
            ("resource-r/syncstatus-b", Some("b")),
            ("resource-r/syncpos-b", Some("b")),
            ("resource-r/todo-b/attach", None),
            ("resource-r/todo-b/log-rotate", None),
            ("resource-r/todo-b/invalidate", None),
            ("resource-r/replay-lag", Some("lag")),
            ("resource-r/actual-b/replay-lag", Some("b")),
            ("resource-r/actual-b/is-primary", Some("b")),
            ("resource-data-x/size", None),
        ];
        for (p, o) in cases {
            assert_eq!(owner(p).unwrap(), o.map(h), "{p}");
            assert!(is_exchanged(p), "{p}");
        }
        assert!(owner("resource-r/log-000000001-b").is_err());
        assert!(owner("../x").is_err());
    }

    #[test]
    fn not_exchanged() {
        for p in [
            "join-via",
            "cluster-secret",
            "resource-r",
            "resource-r/log-000000001-a",
            ".tmp-uuid",
            "resource-r/.tmp-size",
            "ips",
            "",
        ] {
            assert!(!is_exchanged(p), "{p}");
            assert!(!relayable(&h("a"), p), "{p}");
        }
        assert_eq!(
            decide(
                &h("a"),
                &h("b"),
                "join-via",
                st(1),
                "1.2.3.4",
                None,
                NOW,
                FUT
            ),
            Err(Refusal::NotExchanged)
        );
        assert_eq!(
            decide(
                &h("a"),
                &h("b"),
                "resource-r/log-000000001-b",
                st(1),
                "x",
                None,
                NOW,
                FUT
            ),
            Err(Refusal::NotExchanged)
        );
    }

    #[test]
    fn relay_rules() {
        let a = h("a");
        assert!(relayable(&a, "uuid"));
        assert!(relayable(&a, "resource-r/primary"));
        assert!(relayable(&a, "ips/ip-a"));
        assert!(relayable(&a, "resource-r/todo-a/attach"));
        assert!(relayable(&a, "ips/ip-b"));
        // Switches are shared: any member relays another's.
        assert!(relayable(&a, "resource-r/todo-b/connect"));
        assert!(relayable(&a, "resource-r/todo-b/invalidate"));
        assert!(!relayable(&a, "resource-r/syncstatus-b"));
        assert!(!relayable(&a, "resource-r/actual-b/is-primary"));
    }

    #[test]
    fn decisions() {
        let (a, b, c) = (h("a"), h("b"), h("c"));
        let d = |sender: &HostName, p: &str, s: Stamp, t: &str, l: Option<(Stamp, &str)>| {
            decide(&a, sender, p, s, t, l, NOW, FUT)
        };
        assert_eq!(
            d(&b, "resource-r/size", st(5), "1024", None),
            Ok(Decision::Adopt)
        );
        assert_eq!(
            d(&b, "resource-r/size", st(5), "1024", Some((st(5), "1024"))),
            Ok(Decision::Keep)
        );
        assert_eq!(
            d(&b, "resource-r/size", st(5), "2048", Some((st(5), "1024"))),
            Ok(Decision::Adopt)
        );
        assert_eq!(
            d(&b, "resource-r/size", st(4), "2048", Some((st(5), "1024"))),
            Ok(Decision::Keep)
        );
        assert_eq!(
            d(
                &b,
                "resource-r/size",
                st(6),
                TOMBSTONE,
                Some((st(5), "1024"))
            ),
            Ok(Decision::Adopt)
        );
        assert_eq!(
            d(&b, "resource-r/size", st(6), TOMBSTONE, None),
            Ok(Decision::Adopt)
        );
        assert!(matches!(
            d(&b, "resource-r/size", st(5), "big", None),
            Err(Refusal::Invalid(LinkError::Value(_)))
        ));
        assert!(matches!(
            d(&b, "resource-R/size", st(5), "1", None),
            Err(Refusal::Invalid(LinkError::Path(_)))
        ));
        // The member list is shared: relayed by anyone, newest wins.
        assert_eq!(
            d(&b, "ips/ip-c", st(5), "1.2.3.4", None),
            Ok(Decision::Adopt)
        );
        assert_eq!(
            d(&c, "ips/ip-c", st(5), "1.2.3.4", None),
            Ok(Decision::Adopt)
        );
        assert_eq!(
            d(&b, "actual-a/alive", st(5), "5.000000000", None),
            Err(Refusal::OwnEntry)
        );
        // A `--global` switch written by c reaches a through b, and may
        // name a's own switch.
        assert_eq!(
            d(
                &b,
                "resource-r/todo-a/connect",
                st(5),
                "0",
                Some((st(4), "1"))
            ),
            Ok(Decision::Adopt)
        );
        assert_eq!(
            d(&b, "resource-r/todo-c/sync", st(5), "0", Some((st(6), "1"))),
            Ok(Decision::Keep)
        );
        assert_eq!(
            d(&c, "resource-r/syncstatus-b", st(5), "0", None),
            Err(Refusal::WrongSender)
        );
        assert_eq!(
            d(&b, "actual-b/alive", st(1300), "1300.000000000", None),
            Ok(Decision::Adopt)
        );
        assert_eq!(
            d(
                &b,
                "actual-b/alive",
                Stamp { sec: 1300, nsec: 1 },
                "1300.000000001",
                None
            ),
            Err(Refusal::FromFuture)
        );
        assert_eq!(
            decide(
                &a,
                &b,
                "uuid",
                Stamp::MAX,
                TOMBSTONE,
                None,
                Stamp::MAX,
                Stamp::MAX
            ),
            Ok(Decision::Adopt)
        );
        assert!(matches!(
            d(
                &b,
                "uuid",
                Stamp {
                    sec: 1,
                    nsec: 1_000_000_000
                },
                TOMBSTONE,
                None
            ),
            Err(Refusal::Invalid(_))
        ));
    }

    #[test]
    fn wins_is_strict_total() {
        assert!(wins((st(2), "a"), (st(1), "z")));
        assert!(wins((st(1), "b"), (st(1), "a")));
        assert!(!wins((st(1), "a"), (st(1), "a")));
        assert!(wins((st(1), "ab"), (st(1), "a")));
    }
}
