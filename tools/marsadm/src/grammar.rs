//! The links marsadm writes: path helpers and the check of every
//! (path, value) pair, on top of the `mars-core` tree grammar.
//!
//! [`check_link`] is the single gate: a link is only written if its path
//! names wanted state (the operator's links, see
//! [`LinkKind::is_wanted`](mars_core::tree::LinkKind::is_wanted)) and its
//! value parses with the core grammar.

use mars_core::names::{ResourceName, Switch};
use mars_core::tree::{LinkError, LinkKind};

/// Checks that `rel` (a path relative to /mars) is an entry marsadm writes
/// and that `value` is valid for it. Returns a message on failure.
pub fn check_link(rel: &str, value: &str) -> Result<(), String> {
    let kind = match LinkKind::parse(rel) {
        Ok(k) if k.is_wanted() => k,
        Ok(_) | Err(LinkError::NotALink) => return Err(format!("marsadm never writes {rel}")),
        Err(e) => return Err(format!("invalid path {rel}: {e}")),
    };
    kind.value_kind()
        .check(value)
        .map_err(|e| format!("invalid value {value:?} for {rel}: {e}"))
}

/// Checks a kernel-written link marsadm may write on a member's behalf:
/// `join-resource` seeds `syncstatus-HOST` (a full sync starts at 0), and
/// `leave-resource` deletes the leaving host's `syncstatus-`, `syncpos-`
/// and `replay-HOST` (`value` is then the tombstone, not checked here).
pub fn check_member_link(rel: &str, value: Option<&str>) -> Result<(), String> {
    let kind = match LinkKind::parse(rel) {
        Ok(k @ (LinkKind::SyncStatus | LinkKind::SyncPos | LinkKind::Replay)) => k,
        Ok(_) | Err(LinkError::NotALink) => {
            return Err(format!("marsadm never writes {rel} for a member"))
        }
        Err(e) => return Err(format!("invalid path {rel}: {e}")),
    };
    match value {
        None => Ok(()),
        Some(_) if kind != LinkKind::SyncStatus => Err(format!("marsadm only deletes {rel}")),
        Some(v) => kind
            .value_kind()
            .check(v)
            .map_err(|e| format!("invalid value {v:?} for {rel}: {e}")),
    }
}

/// The rel path of a `todo-HOST/` switch of a resource.
pub fn todo_switch(res: &ResourceName, host: &str, sw: Switch) -> String {
    format!("resource-{res}/todo-{host}/{}", sw.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_marsadm_writes() {
        for (p, v) in [
            ("uuid", "0123abcd-4567-89ef-0123-456789abcdef"),
            ("ips/ip-node1", "10.0.0.1"),
            ("resource-r0/size", "1048576"),
            ("resource-r0/data-node1", "/dev/vdb"),
            ("resource-r0/device-node1", "r0"),
            ("resource-r0/primary", "node1"),
            ("resource-r0/primary", "(none)"),
            ("resource-r0/todo-node1/attach", "1"),
            ("resource-r0/todo-node1/allow-replay", "0"),
            ("resource-r0/todo-node1/log-rotate", "7"),
            ("resource-r0/todo-node1/invalidate", "1"),
            ("resource-r0/todo-node1/sync", "0"),
        ] {
            assert_eq!(check_link(p, v), Ok(()), "{p} -> {v}");
        }
    }

    #[test]
    fn member_links() {
        assert_eq!(
            check_member_link("resource-r0/syncstatus-n2", Some("0")),
            Ok(())
        );
        assert_eq!(check_member_link("resource-r0/syncpos-n2", None), Ok(()));
        assert_eq!(check_member_link("resource-r0/replay-n2", None), Ok(()));
        for (p, v) in [
            ("resource-r0/syncstatus-n2", Some("x")),
            ("resource-r0/syncpos-n2", Some("log-000000001-a,0,0")),
            ("resource-r0/size", None),
            ("resource-r0/actual-n2/is-attached", None),
            ("resource-r0/log-000000001-n2", None),
        ] {
            assert!(check_member_link(p, v).is_err(), "{p}");
        }
    }

    #[test]
    fn rejected_links() {
        for (p, v) in [
            ("uuid", "xyz"),
            ("ips/ip-node1", "10.0.0"),
            ("resource-r0/size", "1000"),
            ("resource-r0/data-node1", "dev/vdb"),
            ("resource-r0/device-node1", "R0"),
            ("resource-r0/primary", "none"),
            ("resource-r0/primary", ".deleted"),
            ("resource-r0/todo-node1/attach", "2"),
            ("resource-r0/todo-node1/log-rotate", "0"),
            ("resource-r0/todo-node1/log-rotate", "1000000000"),
            ("resource-r0/log-rotate", "1"),
            ("resource-r0/actual-node1/is-primary", "1"),
            ("resource-r0/actual-node1/log-number", "1"),
            ("actual-node1/rest-space", "1"),
            ("resource-r0/replay-node1", "log-000000001-node1,0,0"),
            ("resource-r0/syncstatus-node1", "0"),
            ("resource-r0/../uuid", "x"),
            ("resource-all/size", "4096"),
        ] {
            assert!(check_link(p, v).is_err(), "{p} -> {v}");
        }
        assert_eq!(
            check_link("resource-r0/actual-node1/is-primary", "1"),
            Err("marsadm never writes resource-r0/actual-node1/is-primary".to_string())
        );
    }
}
