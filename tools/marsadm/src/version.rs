//! marsadm's version and the loaded module's: the `--version` text, and
//! the warning when they differ.
//!
//! The module's version is read from `/proc/sys/mars/version` (the
//! control directory given with `--proc-dir`), else, for the real control
//! directory only, from `/sys/module/mars/version`. A loaded module that
//! offers neither has an unknown version.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

/// marsadm's own version (the top-level VERSION file).
pub const MARSADM: &str = env!("CARGO_PKG_VERSION");

/// The default control directory.
const PROC_DIR: &str = "/proc/sys/mars";
/// Where the kernel shows a module's `MODULE_VERSION`.
const SYS_VERSION: &str = "/sys/module/mars/version";

/// What is known about the module's version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Module {
    /// The control directory does not exist.
    NotLoaded,
    /// Loaded, version not offered.
    Unknown,
    /// Loaded, this version.
    Version(String),
}

fn read_trimmed(p: &Path) -> Option<String> {
    let s = fs::read_to_string(p).ok()?;
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// The module's version, as seen through control directory `proc_dir`.
pub fn module(proc_dir: &Path) -> Module {
    if !proc_dir.is_dir() {
        return Module::NotLoaded;
    }
    let sys = (proc_dir == Path::new(PROC_DIR)).then(|| PathBuf::from(SYS_VERSION));
    read_trimmed(&proc_dir.join("version"))
        .or_else(|| sys.and_then(|p| read_trimmed(&p)))
        .map_or(Module::Unknown, Module::Version)
}

/// The control directory from the raw arguments (`--proc-dir DIR`,
/// `--proc-dir=DIR`), else `MARS_PROC_DIR`, else the default: `--version`
/// is answered before the arguments are parsed.
pub fn proc_dir_from_args(args: &[OsString]) -> PathBuf {
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if a == "--proc-dir" {
            if let Some(v) = it.next() {
                return PathBuf::from(v);
            }
        } else if let Some(v) = a.to_str().and_then(|s| s.strip_prefix("--proc-dir=")) {
            return PathBuf::from(v);
        }
    }
    std::env::var_os("MARS_PROC_DIR").map_or_else(|| PathBuf::from(PROC_DIR), PathBuf::from)
}

/// The `--version` text (stdout) and a warning (stderr) if the versions
/// differ.
pub fn report(proc_dir: &Path) -> (String, Option<String>) {
    let m = module(proc_dir);
    let module_line = match &m {
        Module::NotLoaded => format!(
            "kernel module: not loaded ({} does not exist)",
            proc_dir.display()
        ),
        Module::Unknown => "kernel module: loaded, version unknown (it does not say)".to_string(),
        Module::Version(v) => format!("kernel module: {v}"),
    };
    let warning = match &m {
        Module::Version(v) if v != MARSADM => Some(format!(
            "warning: marsadm {MARSADM} and the loaded kernel module {v} differ\n\n  tip: install matching versions (marsadm and mars.ko from the same release)"
        )),
        _ => None,
    };
    (format!("marsadm {MARSADM}\n{module_line}\n"), warning)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_dir_from_the_arguments() {
        let a = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            proc_dir_from_args(&a(&["marsadm", "--proc-dir", "/x", "--version"])),
            PathBuf::from("/x")
        );
        assert_eq!(
            proc_dir_from_args(&a(&["marsadm", "--proc-dir=/y", "--version"])),
            PathBuf::from("/y")
        );
    }

    #[test]
    fn versions() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(module(&d.path().join("nope")), Module::NotLoaded);
        assert_eq!(module(d.path()), Module::Unknown);
        fs::write(d.path().join("version"), "9.9.9\n").unwrap();
        assert_eq!(module(d.path()), Module::Version("9.9.9".into()));
        let (text, warn) = report(d.path());
        assert_eq!(text, format!("marsadm {MARSADM}\nkernel module: 9.9.9\n"));
        assert!(warn.unwrap().contains("differ"));
    }
}
