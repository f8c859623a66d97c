//! The committed man pages (docs/man/) and completion scripts
//! (tools/marsadm/completions/) are what `marsadm generate` makes from the
//! current command line definitions: `make docs-gen` refreshes them.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const HINT: &str = "out of date with the CLI: run 'make docs-gen' and commit the result";

fn marsadm(args: &[&str]) -> Vec<u8> {
    let o = Command::new(env!("CARGO_BIN_EXE_marsadm"))
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "marsadm {args:?}: {o:?}");
    o.stdout
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(rd) = fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    rd.map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&p).unwrap())
        })
        .collect()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn man_pages_are_up_to_date() {
    let tmp = tempfile::tempdir().unwrap();
    marsadm(&["generate", "man", tmp.path().to_str().unwrap()]);
    let fresh = files(tmp.path());
    let committed = files(&root().join("docs/man"));
    assert!(fresh.len() > 10, "{:?}", fresh.keys());
    assert_eq!(
        fresh.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>(),
        "docs/man: the set of pages is {HINT}"
    );
    for (name, text) in &fresh {
        assert!(committed[name] == *text, "docs/man/{name} is {HINT}");
    }
}

#[test]
fn completions_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let committed = files(&dir);
    let mut names = Vec::new();
    for (shell, file) in [
        ("bash", "marsadm"),
        ("zsh", "_marsadm"),
        ("fish", "marsadm.fish"),
    ] {
        let fresh = marsadm(&["generate", "completions", shell]);
        assert!(
            committed.get(file) == Some(&fresh),
            "tools/marsadm/completions/{file} ({shell}) is {HINT}"
        );
        names.push(file.to_string());
    }
    names.sort();
    assert_eq!(committed.keys().cloned().collect::<Vec<_>>(), names);
}

#[test]
fn generate_refuses_a_missing_directory() {
    let o = Command::new(env!("CARGO_BIN_EXE_marsadm"))
        .args(["generate", "man", "/nonexistent/dir"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a directory"));
    let o = Command::new(env!("CARGO_BIN_EXE_marsadm"))
        .args(["generate", "completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
