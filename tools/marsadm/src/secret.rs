//! The cluster secret in `/mars/cluster-secret`: 32 random bytes written as
//! 64 lowercase hex digits and one newline, in a regular file of mode 0600.
//! The kernel proves knowledge of it to every peer (HMAC-SHA256); marsadm
//! only creates, checks and installs it, and never prints it.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use mars_core::names::{CLUSTER_SECRET, TMP_PREFIX};
use rustix::rand::{getrandom, GetRandomFlags};

use crate::error::{Error, Result};
use crate::links::{fsync_dir, remove_if_exists};

/// Length of the secret in bytes (256 bits).
pub const SECRET_BYTES: usize = 32;

/// What a dry run shows instead of the secret.
pub const NOT_SHOWN: &str = "(a new random 256-bit secret, not shown)";

/// A cluster secret. Its `Debug` does not show the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret([u8; SECRET_BYTES]);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(not shown)")
    }
}

/// Why a secret file's content is not a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// Not 65 bytes.
    Length(usize),
    /// No newline at the end.
    NoNewline,
    /// A byte that is not a lowercase hex digit.
    NotHex,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Length(n) => write!(
                f,
                "it has {n} bytes, a secret has 65 (64 lowercase hex digits and a newline)"
            ),
            ParseError::NoNewline => f.write_str("it does not end with a newline"),
            ParseError::NotHex => {
                f.write_str("it holds something else than 64 lowercase hex digits")
            }
        }
    }
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

impl Secret {
    /// 32 bytes from the kernel's random number generator.
    pub fn random() -> Result<Secret> {
        let mut b = [0u8; SECRET_BYTES];
        let n = getrandom(&mut b[..], GetRandomFlags::empty()).map_err(|e| {
            Error::io(
                "read random bytes for",
                Path::new("the cluster secret"),
                e.into(),
            )
        })?;
        if n != b.len() {
            return Err(Error::refused("short read from getrandom").hint("run the command again"));
        }
        Ok(Secret(b))
    }

    /// Parses a secret file's content: exactly 64 lowercase hex digits and
    /// one `\n`.
    pub fn parse(text: &[u8]) -> Result<Secret, ParseError> {
        if text.len() != 2 * SECRET_BYTES + 1 {
            return Err(ParseError::Length(text.len()));
        }
        let (hex, nl) = text.split_at(2 * SECRET_BYTES);
        if nl != b"\n" {
            return Err(ParseError::NoNewline);
        }
        let mut b = [0u8; SECRET_BYTES];
        for (i, pair) in hex.chunks_exact(2).enumerate() {
            let (Some(h), Some(l)) = (hex_digit(pair[0]), hex_digit(pair[1])) else {
                return Err(ParseError::NotHex);
            };
            b[i] = (h << 4) | l;
        }
        Ok(Secret(b))
    }

    /// The file content: 64 lowercase hex digits and a newline.
    pub fn to_file_content(&self) -> Vec<u8> {
        let mut s = Vec::with_capacity(2 * SECRET_BYTES + 1);
        for b in self.0 {
            s.extend_from_slice(format!("{b:02x}").as_bytes());
        }
        s.push(b'\n');
        s
    }
}

/// Writes `dir/cluster-secret` atomically with mode 0600 from its creation:
/// a new temporary file of mode 0600, written, flushed, renamed into place,
/// the directory flushed.
pub fn write_secret(dir: &Path, secret: &Secret) -> io::Result<()> {
    let tmp = dir.join(format!("{TMP_PREFIX}{CLUSTER_SECRET}"));
    remove_if_exists(&tmp)?;
    let done = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(&secret.to_file_content())?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, dir.join(CLUSTER_SECRET))
    })();
    if done.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    done?;
    fsync_dir(dir)
}

/// Reads and parses a secret file the operator names (`--secret-file`).
pub fn read_secret_file(path: &Path) -> Result<Secret> {
    let md = fs::metadata(path).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            Error::refused(format!("the secret file {} does not exist", path.display()))
                .hint("copy /mars/cluster-secret from a member first (see 'Setting up a 3-node cluster' in the user guide)")
        } else {
            Error::io("look at", path, e)
        }
    })?;
    if !md.is_file() {
        return Err(Error::refused(format!(
            "the secret file {} is not a regular file",
            path.display()
        ))
        .hint("give the copy of a member's /mars/cluster-secret"));
    }
    let text = fs::read(path).map_err(|e| Error::io("read", path, e))?;
    Secret::parse(&text).map_err(|e| {
        Error::refused(format!(
            "{} is not a MARS cluster secret: {e}",
            path.display()
        ))
        .hint("copy /mars/cluster-secret of a member unchanged (for example with scp), do not retype it")
    })
}

/// Checks the installed `/mars/cluster-secret`: a regular file (not a
/// symlink), no permission bits for group or others, content a secret.
pub fn check_installed(mars: &Path) -> Result<Secret> {
    let p = mars.join(CLUSTER_SECRET);
    let md = match fs::symlink_metadata(&p) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(Error::refused(format!(
                "there is no cluster secret: {} does not exist",
                p.display()
            ))
            .hint(format!("copy it from a member: 'ssh root@MEMBER cat /mars/cluster-secret | install -m 0600 /dev/stdin {}', or pass --secret-file FILE", p.display())));
        }
        Err(e) => return Err(Error::io("look at", &p, e)),
    };
    if !md.file_type().is_file() {
        return Err(Error::refused(format!(
            "{} is not a regular file (a symlink or directory is never accepted)",
            p.display()
        ))
        .hint(format!(
            "remove it and install the real file with 'install -m 0600 COPY {}'",
            p.display()
        )));
    }
    if md.mode() & 0o077 != 0 {
        return Err(Error::refused(format!(
            "{} is readable or writable by others (mode {:04o}); the kernel does not use it so",
            p.display(),
            md.mode() & 0o7777
        ))
        .hint(format!("'chmod 0600 {}' (and ask yourself who may have read it: if in doubt, make a new cluster)", p.display())));
    }
    let text = fs::read(&p).map_err(|e| Error::io("read", &p, e))?;
    Secret::parse(&text).map_err(|e| {
        Error::refused(format!("{} is not a MARS cluster secret: {e}", p.display()))
            .hint("copy /mars/cluster-secret of a member unchanged, or pass --secret-file FILE")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn parse_and_format() {
        let s = Secret::random().unwrap();
        let text = s.to_file_content();
        assert_eq!(text.len(), 65);
        assert!(text[..64]
            .iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c)));
        assert_eq!(Secret::parse(&text).unwrap(), s);
        assert_ne!(Secret::random().unwrap(), s);
        assert_eq!(format!("{s:?}"), "Secret(not shown)");
        let good = [b'a'; 64];
        let mut t = good.to_vec();
        t.push(b'\n');
        assert!(Secret::parse(&t).is_ok());
        assert_eq!(Secret::parse(&good), Err(ParseError::Length(64)));
        t[64] = b' ';
        assert_eq!(Secret::parse(&t), Err(ParseError::NoNewline));
        t[64] = b'\n';
        t[3] = b'A';
        assert_eq!(Secret::parse(&t), Err(ParseError::NotHex));
        t[3] = b'g';
        assert_eq!(Secret::parse(&t), Err(ParseError::NotHex));
        let mut crlf = good.to_vec();
        crlf.extend_from_slice(b"\r\n");
        assert_eq!(Secret::parse(&crlf), Err(ParseError::Length(66)));
    }

    #[test]
    fn write_and_check() {
        let d = tempfile::tempdir().unwrap();
        let s = Secret::random().unwrap();
        write_secret(d.path(), &s).unwrap();
        let p = d.path().join(CLUSTER_SECRET);
        assert_eq!(fs::metadata(&p).unwrap().mode() & 0o777, 0o600);
        assert_eq!(check_installed(d.path()).unwrap(), s);
        assert!(!d.path().join(".tmp-cluster-secret").exists());
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        let e = check_installed(d.path()).unwrap_err();
        assert!(e.msg.contains("mode 0640"), "{}", e.msg);
        fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
        // A symlink to a good file is refused.
        let e2 = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(&p, e2.path().join(CLUSTER_SECRET)).unwrap();
        let e = check_installed(e2.path()).unwrap_err();
        assert!(e.msg.contains("not a regular file"), "{}", e.msg);
        let e = check_installed(&d.path().join("nope")).unwrap_err();
        assert!(e.msg.contains("does not exist"), "{}", e.msg);
        // A rewrite replaces it.
        let s2 = Secret::random().unwrap();
        write_secret(d.path(), &s2).unwrap();
        assert_eq!(read_secret_file(&p).unwrap(), s2);
    }
}
