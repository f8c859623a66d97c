//! Fuzz the /mars tree name and value parsers: no panics, and accepted
//! input is safe (no '/', '..' or control characters in names) and
//! canonical (formats back to the same string).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mars_core::crc32c::SoftCrc32c;
use mars_core::lamport::Stamp;
use mars_core::names::{check_tree_path, parse_entry_name, ActualName, HostName};
use mars_core::tree::{
    check_data_path, parse_device, parse_size, parse_switch, IpValue, Link, PrimaryValue,
    ReplayValue, Uuid, VersionValue,
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
        assert!(!s.starts_with('/') && !s.split('/').any(|c| c == ".." || c.is_empty()) || s.is_empty());
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
});
