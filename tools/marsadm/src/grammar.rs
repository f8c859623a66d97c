//! Tree grammar that `mars-core` does not (yet) have, plus the check of
//! every (path, value) pair marsadm writes.
//!
//! Local additions (candidates for `mars_core::names` / `mars_core::tree`):
//! - the `todo-HOST/log-rotate` entry with a log number value;
//! - the `actual-HOST/log-number`, `rest-space`, `total-space` values;
//! - the `.deleted-resource-RES-STAMP` name used while deleting a resource.
//!
//! [`check_link`] is the single gate: a link is only written if its path is
//! one marsadm may write and its value parses with the core grammar.

use mars_core::lamport::Stamp;
use mars_core::names::{parse_entry_name, Entry, ResourceName, Switch, MAX_LOG_NUMBER, TMP_PREFIX};
use mars_core::tree::{
    check_data_path, parse_device, parse_size, parse_switch, parse_u64, IpValue, PrimaryValue,
    Uuid, ValueError,
};

/// `todo-HOST/log-rotate`: the log number the operator wants to be current.
pub const LOG_ROTATE: &str = "log-rotate";
/// `actual-HOST/log-number`: the kernel's current log number (0 = none yet).
pub const LOG_NUMBER: &str = "log-number";
/// `/mars/actual-HOST/rest-space`: free bytes in /mars.
pub const REST_SPACE: &str = "rest-space";
/// `/mars/actual-HOST/total-space`: size of /mars in bytes.
pub const TOTAL_SPACE: &str = "total-space";
/// Value of `actual-HOST/error` when there is no error.
pub const NO_ERROR: &str = "(none)";

/// Parses a log number value: decimal `0..=999999999` (0: no log yet).
pub fn parse_log_number(s: &str) -> Result<u32, ValueError> {
    let v = parse_u64(s)?;
    u32::try_from(v)
        .ok()
        .filter(|&n| n <= MAX_LOG_NUMBER)
        .ok_or(ValueError::BadNumber)
}

/// Name under which a resource directory is built before it appears.
pub fn tmp_resource_dir(res: &ResourceName) -> String {
    format!("{TMP_PREFIX}resource-{res}")
}

/// Name a resource directory is renamed to before it is removed.
pub fn deleted_resource_dir(res: &ResourceName, stamp: Stamp) -> String {
    format!(".deleted-resource-{res}-{stamp}")
}

/// Checks that `rel` (a path relative to /mars) is an entry marsadm writes
/// and that `value` is valid for it. Returns a message on failure.
pub fn check_link(rel: &str, value: &str) -> Result<(), String> {
    let bad = |e: ValueError| format!("invalid value {value:?} for {rel}: {e}");
    let parts: Vec<&str> = rel.split('/').collect();
    let entries: Result<Vec<Entry<'_>>, _> = parts
        .iter()
        .map(|p| {
            if *p == LOG_ROTATE {
                Ok(None)
            } else {
                parse_entry_name(p).map(Some)
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map(|v| v.into_iter().flatten().collect());
    let entries = entries.map_err(|e| format!("invalid path {rel}: {e}"))?;
    let is_log_rotate = parts.last() == Some(&LOG_ROTATE);
    match (entries.as_slice(), is_log_rotate) {
        ([Entry::Uuid], false) => Uuid::parse(value).map(drop).map_err(bad),
        ([Entry::Ips, Entry::Ip(_)], false) => IpValue::parse(value).map(drop).map_err(bad),
        ([Entry::Resource(_), Entry::Size], false) => parse_size(value).map(drop).map_err(bad),
        ([Entry::Resource(_), Entry::Data(_)], false) => check_data_path(value).map_err(bad),
        ([Entry::Resource(_), Entry::Device(_)], false) => {
            parse_device(value).map(drop).map_err(bad)
        }
        ([Entry::Resource(_), Entry::Primary], false) => {
            PrimaryValue::parse(value).map(drop).map_err(bad)
        }
        ([Entry::Resource(_), Entry::Todo(_), Entry::Switch(_)], false) => {
            parse_switch(value).map(drop).map_err(bad)
        }
        ([Entry::Resource(_), Entry::Todo(_)], true) if parts.len() == 3 => {
            match parse_log_number(value).map_err(bad)? {
                0 => Err(bad(ValueError::BadNumber)),
                _ => Ok(()),
            }
        }
        _ => Err(format!("marsadm never writes {rel}")),
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
        ] {
            assert_eq!(check_link(p, v), Ok(()), "{p} -> {v}");
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
            ("resource-r0/todo-node1/attach", "2"),
            ("resource-r0/todo-node1/log-rotate", "0"),
            ("resource-r0/todo-node1/log-rotate", "1000000000"),
            ("resource-r0/log-rotate", "1"),
            ("resource-r0/actual-node1/is-primary", "1"),
            ("resource-r0/replay-node1", "log-000000001-node1,0,0"),
            ("resource-r0/../uuid", "x"),
            ("resource-all/size", "4096"),
        ] {
            assert!(check_link(p, v).is_err(), "{p} -> {v}");
        }
    }

    #[test]
    fn log_numbers() {
        assert_eq!(parse_log_number("0"), Ok(0));
        assert_eq!(parse_log_number("999999999"), Ok(999_999_999));
        assert!(parse_log_number("1000000000").is_err());
        assert!(parse_log_number("01").is_err());
        assert!(parse_log_number("").is_err());
    }
}
