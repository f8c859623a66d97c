//! Atomic writing and reading of symlinks in the /mars tree.
//!
//! A link is written as: remove a stale `.tmp-NAME`, create symlink
//! `.tmp-NAME` -> VALUE in the same directory, set its atime and mtime to
//! the Lamport stamp (`utimensat` with `AT_SYMLINK_NOFOLLOW`), rename it onto
//! `NAME` and fsync the directory. Readers therefore see the old or the new
//! link, never a missing or half-written one.

use std::fs;
use std::io;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use mars_core::lamport::Stamp;
use mars_core::names::TMP_PREFIX;
use mars_core::tree::TOMBSTONE;
use rustix::fs::{utimensat, AtFlags, Timespec, Timestamps, CWD};

/// Writes `dir/name` -> `value` atomically with mtime `stamp`.
pub fn write_link(dir: &Path, name: &str, value: &str, stamp: Stamp) -> io::Result<()> {
    let tmp = dir.join(format!("{TMP_PREFIX}{name}"));
    remove_if_exists(&tmp)?;
    symlink(value, &tmp)?;
    let done = set_link_time(&tmp, stamp).and_then(|()| fs::rename(&tmp, dir.join(name)));
    if done.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    done?;
    fsync_dir(dir)
}

/// Sets atime and mtime of the symlink `path` itself to `stamp`.
pub fn set_link_time(path: &Path, stamp: Stamp) -> io::Result<()> {
    let ts = Timespec {
        tv_sec: i64::try_from(stamp.sec).map_err(|_| io::Error::other("stamp out of range"))?,
        tv_nsec: stamp.nsec.into(),
    };
    let times = Timestamps {
        last_access: ts,
        last_modification: ts,
    };
    utimensat(CWD, path, &times, AtFlags::SYMLINK_NOFOLLOW).map_err(io::Error::from)
}

/// Removes a file or symlink; a missing one is fine.
pub fn remove_if_exists(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Flushes a directory's entries to disk.
pub fn fsync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// Reads the target of the symlink `path`: `None` if it does not exist or
/// holds the tombstone `.deleted`.
pub fn read_link(path: &Path) -> io::Result<Option<String>> {
    match fs::read_link(path) {
        Ok(t) => {
            let s = t.into_os_string().into_string().map_err(|_| {
                io::Error::new(io::ErrorKind::InvalidData, "link target is not UTF-8")
            })?;
            Ok(if s == TOMBSTONE { None } else { Some(s) })
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The mtime of the symlink `path` itself as a stamp.
pub fn link_stamp(path: &Path) -> io::Result<Stamp> {
    let t = fs::symlink_metadata(path)?.modified()?;
    Ok(system_time_stamp(t))
}

/// Converts a system time to a stamp (times before 1970 become zero).
pub fn system_time_stamp(t: SystemTime) -> Stamp {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    Stamp::new(d.as_secs(), d.subsec_nanos()).unwrap_or(Stamp::ZERO)
}

/// The real-time clock as a stamp.
pub fn now_stamp() -> Stamp {
    system_time_stamp(SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_read_and_stamp() {
        let d = tempfile::tempdir().unwrap();
        let st = Stamp::new(1_700_000_000, 123_456_789).unwrap();
        write_link(d.path(), "primary", "node1", st).unwrap();
        assert_eq!(
            read_link(&d.path().join("primary")).unwrap().as_deref(),
            Some("node1")
        );
        assert_eq!(link_stamp(&d.path().join("primary")).unwrap(), st);
        assert!(!d.path().join(".tmp-primary").exists());
        // Overwrite, even with a stale temporary lying around.
        symlink("junk", d.path().join(".tmp-primary")).unwrap();
        let st2 = st.next();
        write_link(d.path(), "primary", "(none)", st2).unwrap();
        assert_eq!(
            read_link(&d.path().join("primary")).unwrap().as_deref(),
            Some("(none)")
        );
        assert_eq!(link_stamp(&d.path().join("primary")).unwrap(), st2);
        assert!(fs::symlink_metadata(d.path().join(".tmp-primary")).is_err());
    }

    #[test]
    fn missing_and_tombstone() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(read_link(&d.path().join("x")).unwrap(), None);
        symlink(TOMBSTONE, d.path().join("y")).unwrap();
        assert_eq!(read_link(&d.path().join("y")).unwrap(), None);
    }
}
