//! Errors and exit codes.
//!
//! Every error carries a plain-words message (what is wrong) and, where we
//! know one, a hint (what to do). The kind decides the exit code:
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | success |
//! | 1 | refused: invalid input or a precondition failed; nothing was changed |
//! | 2 | command line not understood (printed by the argument parser) |
//! | 3 | timeout: the wanted state was written but the kernel did not report it in time |
//! | 4 | system error: reading or writing /mars or /proc/sys/mars failed |
//! | 5 | failed: the wanted state is written but the kernel reports an error for it |
//! | 6 | not confirmed: the wanted state is written, marsadm did not wait (`--timeout 0`) |
//!
//! Errors print in the argument parser's style (`error: WHAT`, a blank line,
//! `  tip: WHAT TO DO`), or as one JSON object on stdout with `--json`.

use std::fmt;
use std::io;
use std::path::Path;

/// What kind of failure, which decides the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Invalid input or unmet precondition; /mars is unchanged.
    Refused,
    /// The kernel did not reach the wanted state in time.
    Timeout,
    /// An operating system call failed.
    System,
    /// The kernel reported an error (`state Error`) while we waited.
    Failed,
    /// The wanted state is written; marsadm did not wait (`--timeout 0`)
    /// and the kernel had not reported it yet.
    NotConfirmed,
}

impl Kind {
    /// The process exit code for this kind.
    pub const fn exit_code(self) -> i32 {
        match self {
            Kind::Refused => 1,
            Kind::Timeout => 3,
            Kind::System => 4,
            Kind::Failed => 5,
            Kind::NotConfirmed => 6,
        }
    }

    /// The kind's name in JSON errors.
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Refused => "refused",
            Kind::Timeout => "timeout",
            Kind::System => "system",
            Kind::Failed => "failed",
            Kind::NotConfirmed => "not_confirmed",
        }
    }
}

/// A marsadm error: kind, message and an optional hint.
#[derive(Debug)]
pub struct Error {
    /// The kind (exit code).
    pub kind: Kind,
    /// What went wrong, in words.
    pub msg: String,
    /// What the operator can do about it.
    pub hint: Option<String>,
}

/// Result with a marsadm [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A refusal without a hint.
    pub fn refused(msg: impl Into<String>) -> Self {
        Self {
            kind: Kind::Refused,
            msg: msg.into(),
            hint: None,
        }
    }

    /// A timeout.
    pub fn timeout(msg: impl Into<String>) -> Self {
        Self {
            kind: Kind::Timeout,
            msg: msg.into(),
            hint: None,
        }
    }

    /// The kernel reported an error for the wanted state.
    pub fn failed(msg: impl Into<String>) -> Self {
        Self {
            kind: Kind::Failed,
            msg: msg.into(),
            hint: None,
        }
    }

    /// The wanted state is written but not (yet) reported by the kernel.
    pub fn not_confirmed(msg: impl Into<String>) -> Self {
        Self {
            kind: Kind::NotConfirmed,
            msg: msg.into(),
            hint: None,
        }
    }

    /// A system error while doing `what` with `path`. A permission error
    /// (EACCES, EPERM) says so and that marsadm needs root.
    pub fn io(what: &str, path: &Path, err: io::Error) -> Self {
        let e = Self {
            kind: Kind::System,
            msg: format!("cannot {what} {}: {err}", path.display()),
            hint: None,
        };
        if is_permission(&err) {
            e.hint("permission denied: run marsadm as root")
        } else {
            e
        }
    }

    /// Adds a hint (what to do).
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a hint unless it has one already.
    #[must_use]
    pub fn or_hint(self, hint: impl Into<String>) -> Self {
        if self.hint.is_some() {
            self
        } else {
            self.hint(hint)
        }
    }

    /// The exit code of this error.
    pub const fn exit_code(&self) -> i32 {
        self.kind.exit_code()
    }
}

/// Whether an I/O error is EACCES or EPERM.
pub fn is_permission(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::PermissionDenied
        || err.raw_os_error() == Some(rustix::io::Errno::PERM.raw_os_error())
}

impl Error {
    /// The error as one JSON object: `error` (the kind's name), `message`,
    /// `hint` (null if none) and `exit_code`.
    pub fn to_json(&self) -> String {
        json_error(
            self.kind.name(),
            &self.msg,
            self.hint.as_deref(),
            self.exit_code(),
        )
    }
}

/// A JSON error object (see [`Error::to_json`]), on one line.
pub fn json_error(kind: &str, msg: &str, hint: Option<&str>, code: i32) -> String {
    serde_json::json!({
        "error": kind,
        "message": msg,
        "hint": hint,
        "exit_code": code,
    })
    .to_string()
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.kind {
            Kind::NotConfirmed => "warning",
            _ => "error",
        };
        write!(f, "{label}: {}", self.msg)?;
        if let Some(h) = &self.hint {
            write!(f, "\n\n  tip: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_codes() {
        let e = Error::refused("bad").hint("fix it");
        assert_eq!(e.to_string(), "error: bad\n\n  tip: fix it");
        assert_eq!(
            e.to_json(),
            r#"{"error":"refused","exit_code":1,"hint":"fix it","message":"bad"}"#
        );
        assert_eq!(e.exit_code(), 1);
        assert_eq!(Error::timeout("t").exit_code(), 3);
        assert_eq!(Error::failed("f").exit_code(), 5);
        let io = Error::io("read", Path::new("/x"), io::Error::other("boom"));
        assert_eq!(io.exit_code(), 4);
        assert!(io.to_string().contains("cannot read /x: boom"));
        assert_eq!(io.hint, None);
        let denied = Error::io("write", Path::new("/x"), io::Error::from_raw_os_error(1));
        assert_eq!(
            denied.hint.as_deref(),
            Some("permission denied: run marsadm as root")
        );
        assert_eq!(Error::not_confirmed("n").exit_code(), 6);
        assert!(Error::not_confirmed("n")
            .to_string()
            .starts_with("warning: n"));
    }
}
