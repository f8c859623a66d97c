//! `metrics`: the Prometheus text format, parsed strictly, and the values
//! it reports for a hand-built tree.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use common::Fx;

/// One parsed sample: name, labels, value.
type Sample = (String, BTreeMap<String, String>, f64);

fn valid_name(n: &str) -> bool {
    let mut c = n.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_' || f == ':')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_' || x == ':')
}

fn valid_label_name(n: &str) -> bool {
    valid_name(n) && !n.contains(':') && !n.starts_with("__")
}

/// Parses `{a="x",b="y"}` (after the name) into labels and the rest.
fn labels(s: &str) -> (BTreeMap<String, String>, &str) {
    let mut m = BTreeMap::new();
    let Some(mut rest) = s.strip_prefix('{') else {
        return (m, s);
    };
    loop {
        if let Some(r) = rest.strip_prefix('}') {
            return (m, r);
        }
        let eq = rest.find('=').expect("label without =");
        let key = &rest[..eq];
        assert!(valid_label_name(key), "label name {key:?}");
        let mut chars = rest[eq + 1..].char_indices();
        assert_eq!(chars.next().map(|c| c.1), Some('"'), "unquoted label value");
        let mut val = String::new();
        let end = loop {
            let (i, c) = chars.next().expect("unterminated label value");
            match c {
                '\\' => match chars.next().expect("dangling backslash").1 {
                    '\\' => val.push('\\'),
                    '"' => val.push('"'),
                    'n' => val.push('\n'),
                    o => panic!("bad escape \\{o}"),
                },
                '"' => break eq + 1 + i + 1,
                '\n' => panic!("raw newline in a label value"),
                c => val.push(c),
            }
        };
        assert!(
            m.insert(key.to_string(), val).is_none(),
            "label {key} twice"
        );
        rest = &rest[end..];
        rest = rest.strip_prefix(',').unwrap_or(rest);
    }
}

/// Parses the exposition text strictly: every sample's family has HELP
/// and TYPE before it, once each, names are valid, values are numbers.
fn parse(text: &str) -> Vec<Sample> {
    let mut help = BTreeSet::new();
    let mut types = BTreeMap::new();
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(r) = line.strip_prefix("# HELP ") {
            let (name, h) = r.split_once(' ').expect("HELP without text");
            assert!(valid_name(name), "{name:?}");
            assert!(!h.is_empty());
            assert!(help.insert(name.to_string()), "HELP {name} twice");
        } else if let Some(r) = line.strip_prefix("# TYPE ") {
            let (name, t) = r.split_once(' ').expect("TYPE without type");
            assert!(help.contains(name), "TYPE {name} before its HELP");
            assert_eq!(t, "gauge");
            assert!(
                types.insert(name.to_string(), t.to_string()).is_none(),
                "TYPE {name} twice"
            );
        } else {
            assert!(!line.starts_with('#'), "stray comment {line:?}");
            let end = line.find(['{', ' ']).expect("sample without value");
            let name = &line[..end];
            assert!(valid_name(name), "{name:?}");
            assert!(types.contains_key(name), "{name}: no TYPE before it");
            let (l, rest) = labels(&line[end..]);
            let v = rest.strip_prefix(' ').expect("no space before the value");
            let v: f64 = v.parse().unwrap_or_else(|_| panic!("value {v:?}"));
            out.push((name.to_string(), l, v));
        }
    }
    out
}

fn get(s: &[Sample], name: &str, l: &[(&str, &str)]) -> Option<f64> {
    let want: BTreeMap<String, String> = l
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let m: Vec<f64> = s
        .iter()
        .filter(|(n, ls, _)| n == name && *ls == want)
        .map(|x| x.2)
        .collect();
    assert!(m.len() <= 1, "{name} {l:?} more than once");
    m.first().copied()
}

#[test]
fn prometheus_text_of_a_tree() {
    let fx = Fx::with_cluster();
    fx.resource("r0", true, true, 1);
    fx.file("resource-r0/log-000000001-node1", 1000);
    fx.file("resource-r0/log-000000002-node1", 3000);
    fx.link("resource-r0/actual-node1/log-number", "2");
    fx.link("resource-r0/replay-node1", "log-000000001-node1,400,1000");
    fx.link("actual-node1/rest-space", "1073741824");
    fx.link("actual-node1/total-space", "4294967296");
    fx.link("actual-node1/is-emergency", "0");
    fx.resource("r1", false, false, 0);
    fx.link("resource-r1/actual-node1/state", "Error");
    fx.link("resource-r1/actual-node1/error", "attach failed (-5)");
    // A version with characters that must be escaped in a label value.
    fs::write(fx.proc_dir.join("version"), "1.0\"x\\y\nz\n").unwrap();
    let out = fx.run(&["metrics"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "");
    let s = parse(&out.stdout);
    assert_eq!(get(&s, "mars_up", &[]), Some(1.0));
    assert_eq!(get(&s, "mars_module_loaded", &[]), Some(1.0));
    assert_eq!(get(&s, "mars_mars_free_bytes", &[]), Some(1073741824.0));
    assert_eq!(get(&s, "mars_mars_size_bytes", &[]), Some(4294967296.0));
    assert_eq!(get(&s, "mars_emergency", &[]), Some(0.0));
    let info = s.iter().find(|x| x.0 == "mars_info").unwrap();
    assert_eq!(info.1["module_version"], "1.0\"x\\y\nz");
    assert!(out.stdout.contains(r#"module_version="1.0\"x\\y\nz""#));
    let r0 = [("resource", "r0")];
    let r1 = [("resource", "r1")];
    for st in ["Up", "Down", "Recovering", "Emergency", "Error", "Unknown"] {
        let want = if st == "Up" { 1.0 } else { 0.0 };
        assert_eq!(
            get(
                &s,
                "mars_resource_state",
                &[("resource", "r0"), ("state", st)]
            ),
            Some(want)
        );
    }
    assert_eq!(
        get(
            &s,
            "mars_resource_state",
            &[("resource", "r1"), ("state", "Error")]
        ),
        Some(1.0)
    );
    assert_eq!(get(&s, "mars_resource_log_bytes", &r0), Some(4000.0));
    assert_eq!(get(&s, "mars_resource_log_files", &r0), Some(2.0));
    // Rest of log 1 (600) and all of log 2 (3000).
    assert_eq!(
        get(&s, "mars_resource_writeback_pending_bytes", &r0),
        Some(3600.0)
    );
    assert_eq!(get(&s, "mars_resource_log_number", &r0), Some(2.0));
    assert_eq!(get(&s, "mars_resource_emergency", &r0), Some(0.0));
    assert_eq!(get(&s, "mars_resource_error", &r0), Some(0.0));
    assert_eq!(get(&s, "mars_resource_error", &r1), Some(1.0));
    assert_eq!(get(&s, "mars_resource_primary", &r0), Some(1.0));
    assert_eq!(get(&s, "mars_resource_open_count", &r0), Some(1.0));
    assert_eq!(get(&s, "mars_resource_attached", &r1), Some(0.0));
    assert_eq!(get(&s, "mars_resource_size_bytes", &r1), Some(1048576.0));
}

#[test]
fn unknown_values_are_absent_and_failures_are_mars_up_0() {
    let fx = Fx::with_cluster();
    fx.link("resource-r0/size", "1048576");
    fx.link("resource-r0/data-node1", "/dev/vdb");
    fx.unload();
    let out = fx.run(&["metrics"]);
    assert_eq!(out.code, 0, "{out:?}");
    let s = parse(&out.stdout);
    assert_eq!(get(&s, "mars_module_loaded", &[]), Some(0.0));
    assert_eq!(
        get(
            &s,
            "mars_resource_state",
            &[("resource", "r0"), ("state", "Unknown")]
        ),
        Some(1.0)
    );
    // Not reported: no sample (HELP and TYPE stay).
    assert_eq!(
        get(&s, "mars_resource_log_number", &[("resource", "r0")]),
        None
    );
    assert!(out.stdout.contains("# TYPE mars_resource_log_number gauge"));

    let empty = Fx::new();
    let out = empty.run(&["metrics"]);
    assert_eq!(out.code, 0, "{out:?}");
    let s = parse(&out.stdout);
    assert_eq!(get(&s, "mars_up", &[]), Some(0.0));
    assert!(out.stderr.contains("no MARS cluster"), "{out:?}");
    assert!(!s.iter().any(|x| x.0.starts_with("mars_resource")));
    // --dry-run and --timeout mean nothing here.
    assert_eq!(fx.run(&["--dry-run", "metrics"]).code, 2);
}

#[test]
fn parser_rejects_bad_text() {
    for bad in [
        "x 1\n",                                         // no HELP/TYPE
        "# HELP 1x h\n# TYPE 1x gauge\n1x 1\n",          // bad name
        "# HELP x h\n# TYPE x gauge\nx{a=\"b\nc\"} 1\n", // raw newline
        "# HELP x h\n# TYPE x gauge\nx{a=\"\\q\"} 1\n",  // bad escape
    ] {
        assert!(
            std::panic::catch_unwind(|| parse(bad)).is_err(),
            "accepted {bad:?}"
        );
    }
}
