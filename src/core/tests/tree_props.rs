//! Tree names and values: round trips and hostile strings.

use mars_core::crc32c::SoftCrc32c;
use mars_core::lamport::Stamp;
use mars_core::names::{
    check_tree_path, parse_entry_name, ActualKey, ActualName, Entry, HostName, LogName,
    ResourceName, Switch, TmpName, MAX_LOG_NUMBER, RESERVED,
};
use mars_core::retention::{delete_limit, writeback_lag, KeepReason};
use mars_core::tree::{
    check_link, check_text, check_word, parse_log_number_value, parse_log_rotate, parse_size,
    parse_switch, DataPath, Digest, IpValue, LinkKind, PrimaryValue, ReplayValue, Uuid, ValueKind,
    VersionValue, NO_ERROR,
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
        (
            prop::sample::select(vec![
                "replay",
                "data",
                "device",
                "todo",
                "actual",
                "ip",
                "syncstatus",
                "syncpos"
            ]),
            name()
        )
            .prop_map(|(p, h)| format!("{p}-{h}")),
        prop::sample::select(vec![
            "primary",
            "size",
            "ips",
            "uuid",
            "attach",
            "connect",
            "sync",
            "allow-replay",
            "log-rotate",
            "invalidate"
        ])
        .prop_map(String::from),
        prop::sample::select(ActualKey::ALL.to_vec()).prop_map(|k| k.as_str().to_string()),
    ]
}

fn stamp() -> impl Strategy<Value = Stamp> {
    (any::<u64>(), 0u32..1_000_000_000).prop_map(|(sec, nsec)| Stamp { sec, nsec })
}

fn resource() -> impl Strategy<Value = ResourceName> {
    name().prop_map(|s| ResourceName::new(&s).unwrap())
}

/// A link marsadm may write, with a valid value and its kind.
fn wanted_link() -> impl Strategy<Value = (String, String, LinkKind<'static>)> {
    let sw = prop::sample::select(Switch::ALL.to_vec());
    prop_oneof![
        any::<[u8; 16]>().prop_map(|u| ("uuid".into(), Uuid(u).to_string(), LinkKind::Uuid)),
        (host(), any::<std::net::Ipv4Addr>()).prop_map(|(h, a)| (
            format!("ips/ip-{h}"),
            a.to_string(),
            LinkKind::Ip
        )),
        (resource(), 1u64..(u64::MAX / 512)).prop_map(|(r, n)| (
            format!("resource-{r}/size"),
            (n * 512).to_string(),
            LinkKind::Size
        )),
        (resource(), host(), name()).prop_map(|(r, h, d)| (
            format!("resource-{r}/data-{h}"),
            format!("/dev/{d}"),
            LinkKind::Data
        )),
        (resource(), host(), resource()).prop_map(|(r, h, d)| (
            format!("resource-{r}/device-{h}"),
            d.to_string(),
            LinkKind::Device
        )),
        (resource(), host()).prop_map(|(r, h)| (
            format!("resource-{r}/primary"),
            h.to_string(),
            LinkKind::Primary
        )),
        (resource(), host(), sw, any::<bool>()).prop_map(|(r, h, w, on)| (
            format!("resource-{r}/todo-{h}/{}", w.as_str()),
            u8::from(on).to_string(),
            LinkKind::Switch(w)
        )),
        (resource(), host(), 1..=MAX_LOG_NUMBER).prop_map(|(r, h, n)| (
            format!("resource-{r}/todo-{h}/log-rotate"),
            n.to_string(),
            LinkKind::LogRotate
        )),
        (resource(), host(), any::<u64>()).prop_map(|(r, h, n)| (
            format!("resource-{r}/todo-{h}/invalidate"),
            n.to_string(),
            LinkKind::Invalidate
        )),
    ]
}

/// A link the kernel writes, with a valid value.
fn reported_link() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        (resource(), host(), 0..=MAX_LOG_NUMBER)
            .prop_map(|(r, h, n)| (format!("resource-{r}/actual-{h}/log-number"), n.to_string())),
        (resource(), host(), any::<u64>()).prop_map(|(r, h, n)| (
            format!("resource-{r}/actual-{h}/writeback-pending"),
            n.to_string()
        )),
        (host(), any::<u64>(), any::<bool>()).prop_map(|(h, n, rest)| (
            format!(
                "actual-{h}/{}",
                if rest { "rest-space" } else { "total-space" }
            ),
            n.to_string()
        )),
        (resource(), host(), "[ -~]{1,200}")
            .prop_map(|(r, h, e)| (format!("resource-{r}/actual-{h}/error"), e)),
        (resource(), host()).prop_map(|(r, h)| (
            format!("resource-{r}/actual-{h}/error"),
            NO_ERROR.to_string()
        )),
        (host(), stamp()).prop_map(|(h, st)| (format!("actual-{h}/alive"), st.to_string())),
        (resource(), host(), any::<u64>())
            .prop_map(|(r, h, n)| (format!("resource-{r}/syncstatus-{h}"), n.to_string())),
        (resource(), host(), log_name(), any::<u64>(), any::<u64>()).prop_map(
            |(r, h, log, pos, len)| (
                format!("resource-{r}/syncpos-{h}"),
                ReplayValue { log, pos, len }.to_string()
            )
        ),
        (
            resource(),
            host(),
            prop::sample::select(vec![
                "sync-rate",
                "fetch-lag",
                "replay-lag",
                "lag-seconds",
                "invalidated"
            ]),
            any::<u64>()
        )
            .prop_map(|(r, h, k, n)| (format!("resource-{r}/actual-{h}/{k}"), n.to_string())),
        (
            resource(),
            host(),
            prop::sample::select(vec!["connected", "connecting", "down", "paused", "none"])
        )
            .prop_map(|(r, h, w)| (format!("resource-{r}/actual-{h}/connection"), w.to_string())),
        (resource(), host(), log_name(), any::<u64>(), any::<u64>()).prop_map(
            |(r, h, log, pos, len)| (
                format!("resource-{r}/actual-{h}/fetch-pos"),
                ReplayValue { log, pos, len }.to_string()
            )
        ),
        (resource(), host(), log_name(), any::<u64>(), any::<u64>()).prop_map(
            |(r, h, log, pos, len)| (
                format!("resource-{r}/replay-{h}"),
                ReplayValue { log, pos, len }.to_string()
            )
        ),
    ]
}

/// Characters that hostile input likes.
fn hostile() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just('/'),
            Just('.'),
            Just('-'),
            Just(','),
            Just(':'),
            Just('\0'),
            Just('\n'),
            Just('['),
            Just(']'),
            Just('0'),
            Just('1'),
            Just('9'),
            Just('a'),
            Just('f'),
            Just('z'),
            Just('A'),
            Just('é'),
            any::<char>(),
        ],
        0..80,
    )
    .prop_map(|v| v.into_iter().collect())
}

const VALUE_KINDS: [ValueKind; 15] = [
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
];

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
    fn hidden_entries_round_trip(r in resource(), st in stamp()) {
        let d = Entry::DeletedResource(r, st);
        let s = d.to_string();
        prop_assert_eq!(parse_entry_name(&s), Ok(d));
        let tmp = format!(".tmp-{s}");
        prop_assert!(parse_entry_name(&tmp).is_err());
        let t = TmpName(Entry::Resource(r)).to_string();
        let inner = format!("resource-{r}");
        prop_assert_eq!(parse_entry_name(&t), Ok(Entry::Tmp(&inner)));
    }

    #[test]
    fn wanted_links_check(l in wanted_link()) {
        let (path, value, kind) = l;
        prop_assert!(check_tree_path(&path).is_ok());
        let got = check_link(&path, &value);
        prop_assert_eq!(got, Ok(kind));
        prop_assert!(kind.is_wanted());
    }

    #[test]
    fn reported_links_check(l in reported_link()) {
        let (path, value) = l;
        let kind = check_link(&path, &value);
        prop_assert!(kind.is_ok(), "{} -> {}: {:?}", path, value, kind);
        prop_assert!(!kind.unwrap().is_wanted());
    }

    #[test]
    fn log_number_values(n in 0..=MAX_LOG_NUMBER, big in (u64::from(MAX_LOG_NUMBER) + 1)..) {
        prop_assert_eq!(parse_log_number_value(&n.to_string()), Ok(n));
        prop_assert_eq!(parse_log_rotate(&n.to_string()).ok(), (n > 0).then_some(n));
        prop_assert!(parse_log_number_value(&big.to_string()).is_err());
        let padded = format!("0{n}");
        prop_assert!(parse_log_number_value(&padded).is_err());
    }

    #[test]
    fn lag_is_bounded(sizes in proptest::collection::vec((1u32..20, any::<u32>()), 0..12), rn in 1u32..20, pos in any::<u32>()) {
        let h = HostName::new("a").unwrap();
        let logs: Vec<(LogName, u64)> = sizes.iter().map(|&(n, s)| (LogName { number: n, host: h }, u64::from(s))).collect();
        let total: u64 = logs.iter().map(|l| l.1).sum();
        prop_assert_eq!(writeback_lag(logs.iter().copied(), None), total);
        let r = ReplayValue { log: LogName { number: rn, host: h }, pos: u64::from(pos), len: 0 };
        let lag = writeback_lag(logs.iter().copied(), Some(&r));
        let later: u64 = logs.iter().filter(|l| l.0.number > rn).map(|l| l.1).sum();
        prop_assert!(later <= lag && lag <= total);
    }

    #[test]
    fn delete_limit_is_safe(
        newest in proptest::option::of(1u32..50),
        members in proptest::collection::vec((0usize..4, proptest::option::of(1u32..50)), 0..4),
        writing in proptest::collection::vec((0usize..4, proptest::option::of(0u32..50)), 0..4),
    ) {
        let hosts = ["a", "b", "c", "d"].map(|s| HostName::new(s).unwrap());
        let m: Vec<_> = members.iter().map(|&(i, n)| (hosts[i], n)).collect();
        let w: Vec<_> = writing.iter().map(|&(i, n)| (hosts[i], n)).collect();
        let d = delete_limit(newest, m.iter().copied(), w.iter().copied());
        // Never the newest, never one a member still needs or a host writes.
        prop_assert!(d.below <= newest.unwrap_or(0));
        for (_, n) in &m {
            prop_assert!(d.below <= n.unwrap_or(0));
        }
        for (_, n) in &w {
            if let Some(n) = n.filter(|&n| n > 0) {
                prop_assert!(d.below <= n);
            }
        }
        if m.is_empty() || m.iter().any(|(_, n)| n.is_none()) {
            prop_assert_eq!(d.below, 0);
        }
        if let KeepReason::Newest(n) = d.reason {
            prop_assert_eq!(Some(n), newest);
        }
        // Not more conservative than needed.
        if let (Some(newest), false) = (newest, m.is_empty()) {
            if m.iter().all(|(_, n)| n.is_some()) {
                let floor = m.iter().filter_map(|(_, n)| *n)
                    .chain(w.iter().filter_map(|(_, n)| *n).filter(|&n| n > 0))
                    .chain([newest]).min().unwrap();
                prop_assert_eq!(d.below, floor);
            }
        }
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
        if let Ok(v) = parse_log_number_value(&s) { prop_assert_eq!(v.to_string(), s.clone()); }
        if let Ok(v) = parse_log_rotate(&s) { prop_assert!(v > 0); prop_assert_eq!(v.to_string(), s.clone()); }
        if check_text(&s).is_ok() { prop_assert!(!s.is_empty() && !s.chars().any(|c| c.is_control())); }
        if check_word(&s).is_ok() { prop_assert!(!s.is_empty() && s.bytes().all(|c| c.is_ascii_alphanumeric())); }
        if let Ok(k) = LinkKind::parse(&s) {
            prop_assert!(check_tree_path(&s).is_ok() && !s.is_empty());
            prop_assert_eq!(check_link(&s, "0").is_ok(), k.value_kind().check("0").is_ok());
        }
        // Every value grammar holds up against hostile input.
        for kind in VALUE_KINDS {
            let _ = kind.check(&s);
        }
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
    assert_eq!(parse_entry_name("log-rotate"), Ok(Entry::LogRotate));
    assert_eq!(parse_entry_name("invalidate"), Ok(Entry::Invalidate));
    for k in ActualKey::ALL {
        assert_eq!(ActualName::parse(k.as_str()), Ok(ActualName::Known(k)));
        // Outside `actual-HOST/` a host-named entry of the same spelling
        // wins (`replay-lag`: the replay link of host `lag`).
        match parse_entry_name(k.as_str()) {
            Ok(Entry::Status(got)) => assert_eq!(got, k),
            Ok(Entry::Replay(h)) => assert_eq!(format!("replay-{h}"), k.as_str()),
            other => panic!("{}: {other:?}", k.as_str()),
        }
    }
}
