//! Tree names and values: round trips and hostile strings.

use mars_core::crc32c::SoftCrc32c;
use mars_core::names::{
    check_tree_path, parse_entry_name, ActualName, Entry, HostName, LogName, ResourceName, Switch,
    RESERVED,
};
use mars_core::tree::{
    parse_size, parse_switch, DataPath, Digest, IpValue, PrimaryValue, ReplayValue, Uuid,
    VersionValue,
};
use proptest::prelude::*;

fn name() -> impl Strategy<Value = String> {
    "[a-z][-a-z0-9]{0,62}".prop_filter("reserved", |s| !RESERVED.contains(&s.as_str()))
}

fn host() -> impl Strategy<Value = HostName> {
    name().prop_map(|s| HostName::new(&s).unwrap())
}

fn log_name() -> impl Strategy<Value = LogName> {
    (1u32..=999_999_999, host()).prop_map(|(number, host)| LogName { number, host })
}

fn entry() -> impl Strategy<Value = String> {
    prop_oneof![
        name().prop_map(|r| format!("resource-{r}")),
        log_name().prop_map(|l| l.to_string()),
        log_name().prop_map(|l| format!("version-{:09}-{}", l.number, l.host)),
        (prop::sample::select(vec!["replay", "data", "device", "todo", "actual", "ip", "syncstatus", "syncpos"]), name())
            .prop_map(|(p, h)| format!("{p}-{h}")),
        prop::sample::select(vec!["primary", "size", "ips", "uuid", "attach", "connect", "sync", "allow-replay", "is-primary", "open-count"]).prop_map(String::from),
    ]
}

/// Characters that hostile input likes.
fn hostile() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just('/'), Just('.'), Just('-'), Just(','), Just(':'), Just('\0'), Just('\n'), Just('['), Just(']'),
            Just('0'), Just('1'), Just('9'), Just('a'), Just('f'), Just('z'), Just('A'), Just('é'), any::<char>(),
        ],
        0..80,
    )
    .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn names_round_trip(s in name()) {
        let h = HostName::new(&s).unwrap();
        prop_assert_eq!(h.as_str(), s.as_str());
        prop_assert_eq!(ResourceName::new(&s).unwrap().to_string(), s);
    }

    #[test]
    fn entries_round_trip(s in entry(), tmp in any::<bool>()) {
        let s = if tmp { format!(".tmp-{s}") } else { s };
        let e = parse_entry_name(&s).unwrap();
        prop_assert_eq!(e.to_string(), s.clone());
        let mut out = String::new();
        e.write_into(&mut out).unwrap();
        prop_assert_eq!(out, s);
    }

    #[test]
    fn hostile_strings_are_safe(s in hostile()) {
        // Anything accepted as a name or entry is a safe path component and
        // formats back to exactly the input (one canonical spelling).
        if let Ok(e) = parse_entry_name(&s) {
            prop_assert!(!s.contains('/') && s != ".." && s != "." && !s.chars().any(|c| c.is_control()));
            prop_assert_eq!(e.to_string(), s.clone());
        }
        if let Ok(h) = HostName::new(&s) { prop_assert_eq!(h.as_str(), s.as_str()); }
        if let Ok(a) = ActualName::parse(&s) { prop_assert!(!s.contains('/') && a.as_str() == s); }
        if check_tree_path(&s).is_ok() {
            prop_assert!(!s.starts_with('/') && !s.split('/').any(|c| c == ".." || c == "."));
        }
        if let Ok(v) = ReplayValue::parse(&s) { prop_assert_eq!(v.to_string(), s.clone()); }
        if let Ok(v) = VersionValue::parse(&s) { prop_assert_eq!(v.to_string(), s.clone()); }
        if let Ok(v) = PrimaryValue::parse(&s) { prop_assert_eq!(v.to_string(), s.clone()); }
        if let Ok(v) = DataPath::new(&s) {
            prop_assert!(v.as_str().starts_with('/') && !s.split('/').any(|c| c == ".."));
        }
        if let Ok(v) = parse_size(&s) { prop_assert_eq!(v.to_string(), s.clone()); }
        if let Ok(v) = parse_switch(&s) { prop_assert_eq!(if v { "1" } else { "0" }, s.as_str()); }
        if let Ok(v) = Uuid::parse(&s) { prop_assert_eq!(v.to_string(), s.clone()); }
        if let Ok(v) = IpValue::parse(&s) { prop_assert_eq!(IpValue::parse(&v.to_string()), Ok(v)); }
        if let Ok(v) = s.parse::<mars_core::lamport::Stamp>() { prop_assert_eq!(v.to_string(), s.clone()); }
    }

    #[test]
    fn values_round_trip(l in log_name(), pos in any::<u64>(), len in any::<u64>(), prev in any::<u64>(), u in any::<[u8; 16]>(), sz in 1u64..(u64::MAX / 512)) {
        let r = ReplayValue { log: l, pos, len };
        prop_assert_eq!(ReplayValue::parse(&r.to_string()), Ok(r));
        let v = VersionValue::new(&SoftCrc32c, l, pos, Digest(prev));
        prop_assert_eq!(VersionValue::parse(&v.to_string()), Ok(v));
        prop_assert!(v.verify(&SoftCrc32c));
        let uu = Uuid(u);
        prop_assert_eq!(Uuid::parse(&uu.to_string()), Ok(uu));
        prop_assert_eq!(parse_size(&(sz * 512).to_string()), Ok(sz * 512));
        let p = PrimaryValue::Host(l.host);
        prop_assert_eq!(PrimaryValue::parse(&p.to_string()), Ok(p));
    }

    #[test]
    fn ip_round_trip(a in any::<std::net::IpAddr>(), port in proptest::option::of(1u16..)) {
        let v = IpValue { addr: a, port };
        prop_assert_eq!(IpValue::parse(&v.to_string()), Ok(v));
    }
}

#[test]
fn switches() {
    for w in Switch::ALL {
        assert_eq!(parse_entry_name(w.as_str()), Ok(Entry::Switch(w)));
    }
}
