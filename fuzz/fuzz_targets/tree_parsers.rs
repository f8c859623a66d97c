//! Fuzz the /mars tree name and value parsers: no panics, and accepted
//! input is safe (no '/', '..' or control characters in names) and
//! canonical (formats back to the same string).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mars_core::crc32c::SoftCrc32c;
use mars_core::lamport::Stamp;
use mars_core::names::{check_tree_path, parse_entry_name, ActualName, HostName};
use mars_core::retention::writeback_lag;
use mars_core::tree::{
    check_data_path, check_link, check_text, check_word, parse_device, parse_log_number_value,
    parse_log_rotate, parse_size, parse_switch, IpValue, Link, LinkKind, PrimaryValue, ReplayValue,
    Uuid, ValueKind, VersionValue,
};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(e) = parse_entry_name(s) {
        assert!(!s.contains('/') && s != ".." && !s.chars().any(|c| c.is_control()));
        assert_eq!(e.to_string(), s);
    }
    if let Ok(h) = HostName::new(s) {
        assert_eq!(h.as_str(), s);
    }
    if let Ok(a) = ActualName::parse(s) {
        assert_eq!(a.as_str(), s);
    }
    if check_tree_path(s).is_ok() {
        assert!(
            !s.starts_with('/') && !s.split('/').any(|c| c == ".." || c.is_empty()) || s.is_empty()
        );
    }
    if let Ok(v) = ReplayValue::parse(s) {
        assert_eq!(v.to_string(), s);
    }
    if let Ok(v) = VersionValue::parse(s) {
        assert_eq!(v.to_string(), s);
        let _ = v.verify(&SoftCrc32c);
    }
    if let Ok(v) = PrimaryValue::parse(s) {
        assert_eq!(v.to_string(), s);
    }
    if check_data_path(s).is_ok() {
        assert!(s.starts_with('/') && !s.split('/').any(|c| c == ".."));
    }
    if let Ok(d) = parse_device(s) {
        assert_eq!(d.as_str(), s);
    }
    if let Ok(v) = parse_size(s) {
        assert_eq!(v.to_string(), s);
    }
    let _ = parse_switch(s);
    if let Ok(v) = Uuid::parse(s) {
        assert_eq!(v.to_string(), s);
    }
    if let Ok(v) = IpValue::parse(s) {
        assert_eq!(IpValue::parse(&v.to_string()), Ok(v));
    }
    if let Ok(v) = s.parse::<Stamp>() {
        assert_eq!(v.to_string(), s);
    }
    let _ = Link::parse(s, ReplayValue::parse);
    if let Ok(v) = parse_log_number_value(s) {
        assert_eq!(v.to_string(), s);
    }
    if let Ok(v) = parse_log_rotate(s) {
        assert!(v > 0);
        assert_eq!(v.to_string(), s);
    }
    if check_text(s).is_ok() {
        assert!(!s.is_empty() && !s.chars().any(|c| c.is_control()));
    }
    if check_word(s).is_ok() {
        assert!(!s.is_empty() && s.bytes().all(|c| c.is_ascii_alphanumeric()));
    }
    for kind in [
        ValueKind::Uuid,
        ValueKind::Ip,
        ValueKind::Size,
        ValueKind::DataPath,
        ValueKind::Device,
        ValueKind::Primary,
        ValueKind::Switch,
        ValueKind::LogRotate,
        ValueKind::LogNumber,
        ValueKind::Count,
        ValueKind::Replay,
        ValueKind::Version,
        ValueKind::Stamp,
        ValueKind::Word,
        ValueKind::Text,
    ] {
        let _ = kind.check(s);
    }
    // A (path, value) pair: split at the first '='.
    if let Some((path, value)) = s.split_once('=') {
        if let Ok(kind) = check_link(path, value) {
            assert!(check_tree_path(path).is_ok() && !path.is_empty());
            assert_eq!(LinkKind::parse(path), Ok(kind));
            assert!(kind.value_kind().check(value).is_ok());
        }
    }
    if let Ok(r) = ReplayValue::parse(s) {
        let logs = [(r.log, r.len), (r.log, r.pos)];
        assert!(writeback_lag(logs, Some(&r)) <= writeback_lag(logs, None));
    }
});
