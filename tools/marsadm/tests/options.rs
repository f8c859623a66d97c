//! The command line: errors have one style (and JSON with --json).

mod common;

use common::Fx;
use serde_json::Value;

#[test]
fn one_error_style() {
    let fx = Fx::with_cluster();
    // marsadm's own errors look like the parser's: "error: ", blank line,
    // "  tip: ".
    let out = fx.run(&["up", "r9"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .starts_with("error: resource 'r9' does not exist\n\n  tip: 'marsadm view all' lists"),
        "{out:?}"
    );
    let out = fx.run(&["up", "R9"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.starts_with("error: invalid value 'R9'"),
        "{out:?}"
    );
}

#[test]
fn errors_as_json_with_json() {
    let fx = Fx::with_cluster();
    let out = fx.run(&["view", "r9", "--json"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stderr, "", "{out:?}");
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["error"], "refused");
    assert_eq!(v["message"], "resource 'r9' does not exist");
    assert_eq!(v["exit_code"], 1);
    assert!(v["hint"].as_str().unwrap().contains("marsadm view all"));
    // The parser's errors too.
    let out = fx.run(&["view", "R9", "--json"]);
    assert_eq!(out.code, 2, "{out:?}");
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["error"], "usage");
    assert_eq!(v["exit_code"], 2);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid value 'R9' for '[TARGET]'"),
        "{v}"
    );
}
