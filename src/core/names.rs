//! Names in the `/mars` tree: host and resource names and every entry name.
//!
//! Host and resource names follow `[a-z][-a-z0-9]*`, at most
//! [`MAX_NAME_LEN`] bytes, and must not be a reserved word. The grammar can
//! never produce `/`, `..` or control characters, so a validated name is safe
//! to use as a path component. Entry names are parsed into [`Entry`] and
//! formatted back with `Display`.

use core::fmt;

use super::lamport::Stamp;

/// Maximum length of a host, resource or device name in bytes.
pub const MAX_NAME_LEN: usize = 63;

/// Words that are not allowed as host or resource names.
pub const RESERVED: &[&str] = &[
    "none",
    "all",
    "any",
    "full",
    "empty",
    "undefined",
    "remote",
    "local",
    "localhost",
];

/// Number of decimal digits in a log number.
pub const LOG_DIGITS: usize = 9;
/// Largest log number (nine digits).
pub const MAX_LOG_NUMBER: u32 = 999_999_999;
/// Prefix of temporary names used for atomic link updates.
pub const TMP_PREFIX: &str = ".tmp-";
/// Prefix of a resource directory that is being deleted:
/// `.deleted-resource-RES-STAMP` (see [`Entry::DeletedResource`]).
pub const DELETED_RESOURCE_PREFIX: &str = ".deleted-resource-";
/// Name of the `todo-HOST/log-rotate` link (see [`Entry::LogRotate`]).
pub const LOG_ROTATE: &str = "log-rotate";
/// Name of the `todo-HOST/invalidate` link (see [`Entry::Invalidate`]).
pub const INVALIDATE: &str = "invalidate";
/// Name of the cluster secret file in `/mars` (see [`Entry::ClusterSecret`]).
pub const CLUSTER_SECRET: &str = "cluster-secret";
/// Name of the join request link in `/mars` (see [`Entry::JoinVia`]).
pub const JOIN_VIA: &str = "join-via";

/// Why a name was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameError {
    /// The name is empty.
    Empty,
    /// The name is longer than allowed.
    TooLong,
    /// The name contains a character outside `[-a-z0-9]` or does not start
    /// with a letter.
    BadChar,
    /// The name is a reserved word.
    Reserved,
    /// A log number is not nine digits in `1..=999999999`.
    BadLogNumber,
    /// The entry name is not one the tree uses.
    UnknownEntry,
    /// A path has an empty component or a leading/trailing `/`.
    BadPath,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameError::Empty => "name is empty",
            NameError::TooLong => "name is too long",
            NameError::BadChar => "name must match [a-z][-a-z0-9]*",
            NameError::Reserved => "name is a reserved word",
            NameError::BadLogNumber => "log number must be 9 digits in 000000001..999999999",
            NameError::UnknownEntry => "unknown entry name",
            NameError::BadPath => "malformed tree path",
        })
    }
}

/// Checks the `[a-z][-a-z0-9]*` charset and the length, not reserved words.
pub fn check_token(s: &str, max: usize) -> Result<(), NameError> {
    let b = s.as_bytes();
    let first = *b.first().ok_or(NameError::Empty)?;
    if b.len() > max {
        return Err(NameError::TooLong);
    }
    if !first.is_ascii_lowercase() {
        return Err(NameError::BadChar);
    }
    if !b
        .iter()
        .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    {
        return Err(NameError::BadChar);
    }
    Ok(())
}

/// Validates a host/resource/device name (charset, length, reserved words).
pub fn check_name(s: &str) -> Result<(), NameError> {
    check_token(s, MAX_NAME_LEN)?;
    if RESERVED.contains(&s) {
        return Err(NameError::Reserved);
    }
    Ok(())
}

/// Fixed-capacity storage for a validated name (no allocation).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct NameBuf {
    len: u8,
    bytes: [u8; MAX_NAME_LEN],
}

impl NameBuf {
    fn new(s: &str) -> Result<Self, NameError> {
        check_name(s)?;
        let mut bytes = [0u8; MAX_NAME_LEN];
        let dst = bytes.get_mut(..s.len()).ok_or(NameError::TooLong)?;
        dst.copy_from_slice(s.as_bytes());
        let len = u8::try_from(s.len()).map_err(|_| NameError::TooLong)?;
        Ok(Self { len, bytes })
    }

    fn as_str(&self) -> &str {
        let b = self.bytes.get(..usize::from(self.len)).unwrap_or(&[]);
        core::str::from_utf8(b).unwrap_or("")
    }
}

macro_rules! name_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(NameBuf);

        impl Ord for $name {
            fn cmp(&self, other: &Self) -> core::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl $name {
            /// Validates `s` and stores it inline.
            pub fn new(s: &str) -> Result<Self, NameError> {
                NameBuf::new(s).map(Self)
            }

            /// The name as a string slice.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl core::str::FromStr for $name {
            type Err = NameError;

            fn from_str(s: &str) -> Result<Self, NameError> {
                Self::new(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.as_str())
            }
        }
    };
}

name_type!(
    /// A validated host name.
    HostName
);
name_type!(
    /// A validated resource name.
    ResourceName
);
name_type!(
    /// A validated device name (`/dev/mars/NAME`), same grammar as resources.
    DeviceName
);

/// A log file identity: log number and the host that wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LogName {
    /// Log number, `1..=999999999`.
    pub number: u32,
    /// Origin host.
    pub host: HostName,
}

impl LogName {
    /// Parses `NNNNNNNNN-HOST` (after a `log-` or `version-` prefix).
    pub fn parse_suffix(s: &str) -> Result<LogName, NameError> {
        let (digits, rest) = s
            .split_at_checked(LOG_DIGITS)
            .ok_or(NameError::BadLogNumber)?;
        let number = parse_log_number(digits)?;
        let host = rest.strip_prefix('-').ok_or(NameError::BadLogNumber)?;
        Ok(LogName {
            number,
            host: HostName::new(host)?,
        })
    }

    /// Parses `log-NNNNNNNNN-HOST`.
    pub fn parse(s: &str) -> Result<LogName, NameError> {
        Self::parse_suffix(s.strip_prefix("log-").ok_or(NameError::UnknownEntry)?)
    }
}

impl fmt::Display for LogName {
    /// Formats as `log-NNNNNNNNN-HOST`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "log-{:09}-{}", self.number, self.host)
    }
}

/// Parses exactly nine digits in `1..=999999999`.
pub fn parse_log_number(digits: &str) -> Result<u32, NameError> {
    if digits.len() != LOG_DIGITS || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(NameError::BadLogNumber);
    }
    let mut n: u32 = 0;
    for c in digits.bytes() {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u32::from(c.wrapping_sub(b'0'))))
            .ok_or(NameError::BadLogNumber)?;
    }
    if n == 0 || n > MAX_LOG_NUMBER {
        return Err(NameError::BadLogNumber);
    }
    Ok(n)
}

/// Switches inside `todo-HOST/` (desired state, values `0`/`1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Switch {
    /// `attach`: use the local data device.
    Attach,
    /// `connect`: fetch logs from the primary.
    Connect,
    /// `sync`: run a full sync when needed.
    Sync,
    /// `allow-replay`: replay fetched logs.
    AllowReplay,
}

impl Switch {
    /// All switches.
    pub const ALL: [Switch; 4] = [
        Switch::Attach,
        Switch::Connect,
        Switch::Sync,
        Switch::AllowReplay,
    ];

    /// The entry name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Switch::Attach => "attach",
            Switch::Connect => "connect",
            Switch::Sync => "sync",
            Switch::AllowReplay => "allow-replay",
        }
    }

    /// Looks up a switch by entry name.
    pub fn from_name(s: &str) -> Option<Switch> {
        Self::ALL.into_iter().find(|w| w.as_str() == s)
    }
}

/// Well-known entries inside `actual-HOST/` (reported state).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActualKey {
    /// `is-attached`
    IsAttached,
    /// `is-copying`
    IsCopying,
    /// `is-replaying`
    IsReplaying,
    /// `is-syncing`
    IsSyncing,
    /// `is-primary`
    IsPrimary,
    /// `is-emergency`
    IsEmergency,
    /// `open-count`
    OpenCount,
    /// `state`
    State,
    /// `error`
    Error,
    /// `alive`
    Alive,
    /// `time`
    Time,
    /// `log-number`: the log the kernel writes now (`0`: none yet).
    LogNumber,
    /// `writeback-pending`: log bytes not yet written back.
    WritebackPending,
    /// `rest-space` (in `/mars/actual-HOST/`): free bytes in `/mars`.
    RestSpace,
    /// `total-space` (in `/mars/actual-HOST/`): size of `/mars` in bytes.
    TotalSpace,
    /// `sync-rate`: bytes per second of the running full sync.
    SyncRate,
    /// `fetch-lag`: log bytes the primary has that this host has not
    /// fetched.
    FetchLag,
    /// `replay-lag`: log bytes fetched but not yet replayed. Spelled like
    /// `replay-HOST` of a host named `lag`: outside `actual-HOST/` the
    /// host-named entry wins (see [`parse_entry_name`]).
    ReplayLag,
    /// `lag-seconds`: how many seconds this host's replica is behind.
    LagSeconds,
    /// `connection`: the log fetch connection to the primary, a word
    /// (`connected`, `connecting`, `down`, `paused`, `none`).
    Connection,
    /// `fetch-pos`: fetched up to this log position (`replay-` grammar).
    FetchPos,
    /// `invalidated`: the last `todo-HOST/invalidate` request the kernel
    /// has acted on (full sync restarted from 0).
    Invalidated,
}

impl ActualKey {
    /// All known keys.
    pub const ALL: [ActualKey; 22] = [
        ActualKey::IsAttached,
        ActualKey::IsCopying,
        ActualKey::IsReplaying,
        ActualKey::IsSyncing,
        ActualKey::IsPrimary,
        ActualKey::IsEmergency,
        ActualKey::OpenCount,
        ActualKey::State,
        ActualKey::Error,
        ActualKey::Alive,
        ActualKey::Time,
        ActualKey::LogNumber,
        ActualKey::WritebackPending,
        ActualKey::RestSpace,
        ActualKey::TotalSpace,
        ActualKey::SyncRate,
        ActualKey::FetchLag,
        ActualKey::ReplayLag,
        ActualKey::LagSeconds,
        ActualKey::Connection,
        ActualKey::FetchPos,
        ActualKey::Invalidated,
    ];

    /// The entry name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ActualKey::IsAttached => "is-attached",
            ActualKey::IsCopying => "is-copying",
            ActualKey::IsReplaying => "is-replaying",
            ActualKey::IsSyncing => "is-syncing",
            ActualKey::IsPrimary => "is-primary",
            ActualKey::IsEmergency => "is-emergency",
            ActualKey::OpenCount => "open-count",
            ActualKey::State => "state",
            ActualKey::Error => "error",
            ActualKey::Alive => "alive",
            ActualKey::Time => "time",
            ActualKey::LogNumber => "log-number",
            ActualKey::WritebackPending => "writeback-pending",
            ActualKey::RestSpace => "rest-space",
            ActualKey::TotalSpace => "total-space",
            ActualKey::SyncRate => "sync-rate",
            ActualKey::FetchLag => "fetch-lag",
            ActualKey::ReplayLag => "replay-lag",
            ActualKey::LagSeconds => "lag-seconds",
            ActualKey::Connection => "connection",
            ActualKey::FetchPos => "fetch-pos",
            ActualKey::Invalidated => "invalidated",
        }
    }

    /// Looks up a key by entry name.
    pub fn from_name(s: &str) -> Option<ActualKey> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// An entry inside `actual-HOST/`: a known key or any other valid token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActualName<'a> {
    /// A well-known key.
    Known(ActualKey),
    /// Another `[a-z][-a-z0-9]*` name (at most [`MAX_NAME_LEN`] bytes).
    Other(&'a str),
}

impl<'a> ActualName<'a> {
    /// Parses any valid name that may appear inside `actual-HOST/`.
    pub fn parse(s: &'a str) -> Result<Self, NameError> {
        if let Some(k) = ActualKey::from_name(s) {
            return Ok(ActualName::Known(k));
        }
        check_token(s, MAX_NAME_LEN)?;
        Ok(ActualName::Other(s))
    }

    /// The entry name.
    pub fn as_str(&self) -> &'a str {
        match self {
            ActualName::Known(k) => k.as_str(),
            ActualName::Other(s) => s,
        }
    }
}

/// One name in the `/mars` tree (a single path component).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Entry<'a> {
    /// `resource-RES/` directory.
    Resource(ResourceName),
    /// `log-NNNNNNNNN-HOST` log file.
    Log(LogName),
    /// `version-NNNNNNNNN-HOST` link.
    Version(LogName),
    /// `replay-HOST` link.
    Replay(HostName),
    /// `primary` link.
    Primary,
    /// `data-HOST` link.
    Data(HostName),
    /// `device-HOST` link.
    Device(HostName),
    /// `size` link.
    Size,
    /// `todo-HOST/` directory.
    Todo(HostName),
    /// A switch inside `todo-HOST/`.
    Switch(Switch),
    /// `log-rotate` inside `todo-HOST/`: the log number wanted as current.
    LogRotate,
    /// `invalidate` inside `todo-HOST/`: a request counter; each increase
    /// asks the host to restart its full sync from 0.
    Invalidate,
    /// `actual-HOST/` directory.
    Actual(HostName),
    /// A well-known entry inside `actual-HOST/` (unknown ones: [`ActualName`]).
    Status(ActualKey),
    /// `ips/` directory.
    Ips,
    /// `ip-HOST` link.
    Ip(HostName),
    /// `uuid` link.
    Uuid,
    /// `syncstatus-HOST` link.
    SyncStatus(HostName),
    /// `syncpos-HOST` link.
    SyncPos(HostName),
    /// `.tmp-NAME`: temporary name for an atomic update of entry `NAME`
    /// (also `.tmp-resource-RES/` while a resource is built, see [`TmpName`]).
    Tmp(&'a str),
    /// `.deleted-resource-RES-STAMP/`: resource directory renamed aside
    /// before it is removed (`STAMP` as [`Stamp`] formats it).
    DeletedResource(ResourceName, Stamp),
    /// `cluster-secret`: the regular file (mode 0600) holding the cluster's
    /// 256-bit authentication secret. Local: never exchanged, never sent.
    ClusterSecret,
    /// `join-via` link: the address of a cluster member this host asks to
    /// join through (`marsadm join-cluster`). Local: never exchanged.
    JoinVia,
}

/// Formats the temporary name `.tmp-NAME` of an entry without allocating,
/// for example `TmpName(Entry::Resource(r))` is `.tmp-resource-R`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TmpName<T>(pub T);

impl<T: fmt::Display> fmt::Display for TmpName<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{TMP_PREFIX}{}", self.0)
    }
}

/// Parses the part of `.deleted-resource-RES-STAMP` after the prefix.
fn parse_deleted_resource(s: &str) -> Result<Entry<'_>, NameError> {
    // A resource name never contains '.', a stamp never contains '-'.
    let (res, stamp) = s.rsplit_once('-').ok_or(NameError::UnknownEntry)?;
    let stamp = stamp
        .parse::<Stamp>()
        .map_err(|_| NameError::UnknownEntry)?;
    Ok(Entry::DeletedResource(ResourceName::new(res)?, stamp))
}

/// Parses a single entry name. Unknown names are rejected (see
/// [`ActualName::parse`] for the open-ended `actual-HOST/` directory).
pub fn parse_entry_name(s: &str) -> Result<Entry<'_>, NameError> {
    if let Some(inner) = s.strip_prefix(TMP_PREFIX) {
        // No temporary name of a temporary or otherwise hidden name.
        if inner.starts_with('.') {
            return Err(NameError::BadChar);
        }
        // Any entry name, including open-ended names inside `actual-HOST/`.
        if parse_entry_name(inner).is_err() {
            ActualName::parse(inner)?;
        }
        return Ok(Entry::Tmp(inner));
    }
    if let Some(rest) = s.strip_prefix(DELETED_RESOURCE_PREFIX) {
        return parse_deleted_resource(rest);
    }
    match s {
        "primary" => return Ok(Entry::Primary),
        "size" => return Ok(Entry::Size),
        "ips" => return Ok(Entry::Ips),
        "uuid" => return Ok(Entry::Uuid),
        LOG_ROTATE => return Ok(Entry::LogRotate),
        INVALIDATE => return Ok(Entry::Invalidate),
        CLUSTER_SECRET => return Ok(Entry::ClusterSecret),
        JOIN_VIA => return Ok(Entry::JoinVia),
        _ => {}
    }
    if let Some(w) = Switch::from_name(s) {
        return Ok(Entry::Switch(w));
    }
    // A host-named entry wins over a status key spelled the same
    // (`replay-lag` is `replay-HOST` of host `lag` here); inside
    // `actual-HOST/` names are read with [`ActualName::parse`].
    match parse_prefixed(s) {
        Err(e) => ActualKey::from_name(s).map(Entry::Status).ok_or(e),
        ok => ok,
    }
}

/// Parses a `PREFIX-REST` entry name (`resource-RES`, `log-N-HOST`, ...).
fn parse_prefixed(s: &str) -> Result<Entry<'_>, NameError> {
    let (prefix, rest) = s.split_once('-').ok_or(NameError::UnknownEntry)?;
    let host = || HostName::new(rest);
    Ok(match prefix {
        "resource" => Entry::Resource(ResourceName::new(rest)?),
        "log" => Entry::Log(LogName::parse_suffix(rest)?),
        "version" => Entry::Version(LogName::parse_suffix(rest)?),
        "replay" => Entry::Replay(host()?),
        "data" => Entry::Data(host()?),
        "device" => Entry::Device(host()?),
        "todo" => Entry::Todo(host()?),
        "actual" => Entry::Actual(host()?),
        "ip" => Entry::Ip(host()?),
        "syncstatus" => Entry::SyncStatus(host()?),
        "syncpos" => Entry::SyncPos(host()?),
        _ => return Err(NameError::UnknownEntry),
    })
}

impl Entry<'_> {
    /// Writes the entry name into `w`.
    pub fn write_into<W: fmt::Write + ?Sized>(&self, w: &mut W) -> fmt::Result {
        write!(w, "{self}")
    }

    /// Whether this entry is a directory.
    pub const fn is_dir(&self) -> bool {
        matches!(
            self,
            Entry::Resource(_)
                | Entry::Todo(_)
                | Entry::Actual(_)
                | Entry::Ips
                | Entry::DeletedResource(..)
        )
    }
}

impl fmt::Display for Entry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entry::Resource(r) => write!(f, "resource-{r}"),
            Entry::Log(l) => write!(f, "{l}"),
            Entry::Version(l) => write!(f, "version-{:09}-{}", l.number, l.host),
            Entry::Replay(h) => write!(f, "replay-{h}"),
            Entry::Primary => f.write_str("primary"),
            Entry::Data(h) => write!(f, "data-{h}"),
            Entry::Device(h) => write!(f, "device-{h}"),
            Entry::Size => f.write_str("size"),
            Entry::Todo(h) => write!(f, "todo-{h}"),
            Entry::Switch(w) => f.write_str(w.as_str()),
            Entry::LogRotate => f.write_str(LOG_ROTATE),
            Entry::Invalidate => f.write_str(INVALIDATE),
            Entry::Actual(h) => write!(f, "actual-{h}"),
            Entry::Status(k) => f.write_str(k.as_str()),
            Entry::Ips => f.write_str("ips"),
            Entry::Ip(h) => write!(f, "ip-{h}"),
            Entry::Uuid => f.write_str("uuid"),
            Entry::SyncStatus(h) => write!(f, "syncstatus-{h}"),
            Entry::SyncPos(h) => write!(f, "syncpos-{h}"),
            Entry::Tmp(n) => write!(f, "{TMP_PREFIX}{n}"),
            Entry::DeletedResource(r, st) => write!(f, "{DELETED_RESOURCE_PREFIX}{r}-{st}"),
            Entry::ClusterSecret => f.write_str(CLUSTER_SECRET),
            Entry::JoinVia => f.write_str(JOIN_VIA),
        }
    }
}

/// Maximum length of a tree path (relative to `/mars`) in bytes.
pub const MAX_PATH_LEN: usize = 255;

/// Validates a relative tree path: empty (the root) or `/`-separated
/// components, each a valid entry name (components inside `actual-HOST/`
/// may be any [`ActualName`]). No leading, trailing or doubled `/`.
pub fn check_tree_path(path: &str) -> Result<(), NameError> {
    if path.len() > MAX_PATH_LEN {
        return Err(NameError::TooLong);
    }
    if path.is_empty() {
        return Ok(());
    }
    let mut in_actual = false;
    for comp in path.split('/') {
        if comp.is_empty() {
            return Err(NameError::BadPath);
        }
        if in_actual {
            ActualName::parse(comp)?;
            in_actual = false;
            continue;
        }
        in_actual = matches!(parse_entry_name(comp)?, Entry::Actual(_));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn host_names() {
        assert_eq!(HostName::new("a").unwrap().as_str(), "a");
        assert_eq!(HostName::new("node-1").unwrap().as_str(), "node-1");
        let long = "a".repeat(63);
        assert!(HostName::new(&long).is_ok());
        assert_eq!(HostName::new(&"a".repeat(64)), Err(NameError::TooLong));
        assert_eq!(HostName::new(""), Err(NameError::Empty));
        for bad in [
            "1a", "-a", "A", "a_b", "a/b", "..", "a.b", "a b", "é", "a\n",
        ] {
            assert_eq!(HostName::new(bad), Err(NameError::BadChar), "{bad:?}");
        }
        for r in RESERVED {
            assert_eq!(HostName::new(r), Err(NameError::Reserved));
        }
    }

    #[test]
    fn entries_round_trip() {
        for s in [
            "resource-r1",
            "log-000000001-node-a",
            "version-999999999-b",
            "replay-h",
            "primary",
            "data-h",
            "device-h",
            "size",
            "todo-h",
            "attach",
            "connect",
            "sync",
            "allow-replay",
            "actual-h",
            "is-attached",
            "is-primary",
            "open-count",
            "ips",
            "ip-h",
            "uuid",
            "syncstatus-h",
            "syncpos-h",
            ".tmp-replay-h",
            ".tmp-primary",
            ".tmp-custom-flag",
            "log-rotate",
            ".tmp-log-rotate",
            "invalidate",
            ".tmp-invalidate",
            "sync-rate",
            "fetch-lag",
            "replay-lag",
            "lag-seconds",
            "connection",
            "fetch-pos",
            "invalidated",
            "log-number",
            "writeback-pending",
            "rest-space",
            "total-space",
            ".tmp-log-number",
            ".tmp-resource-r0",
            ".deleted-resource-r0-1700000000.000000042",
            ".deleted-resource-a-b--0.000000000",
        ] {
            let e = parse_entry_name(s).unwrap();
            assert_eq!(e.to_string(), s);
        }
    }

    #[test]
    fn entries_rejected() {
        for s in [
            "",
            "log-000000000-h",
            "log-1-h",
            "log-0000000001-h",
            "log-00000001a-h",
            "log-000000001",
            "log-000000001-",
            "log-000000001-none",
            "resource-",
            "replay-",
            "replay-..",
            "data-a/b",
            "foo",
            "foo-bar",
            ".tmp-",
            ".tmp-.tmp-size",
            ".tmp-Foo",
            "Primary",
            "size ",
            "resource-all",
            "log-rotate-1",
            "log-numbers",
            "Log-rotate",
            ".deleted-resource-r0",
            ".deleted-resource-r0-",
            ".deleted-resource-r0-17",
            ".deleted-resource-r0-1.1",
            ".deleted-resource-r0-01.000000000",
            ".deleted-resource--1.000000000",
            ".deleted-resource-all-1.000000000",
            ".tmp-.deleted-resource-r0-1.000000000",
            ".deleted-resource-R-1.000000000",
        ] {
            assert!(parse_entry_name(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn new_entries() {
        assert_eq!(parse_entry_name("log-rotate"), Ok(Entry::LogRotate));
        assert_eq!(parse_entry_name("invalidate"), Ok(Entry::Invalidate));
        assert_eq!(
            parse_entry_name("fetch-lag"),
            Ok(Entry::Status(ActualKey::FetchLag))
        );
        // `replay-lag` outside `actual-HOST/` is the replay link of host
        // `lag`; inside it, the status key.
        let lag = HostName::new("lag").unwrap();
        assert_eq!(parse_entry_name("replay-lag"), Ok(Entry::Replay(lag)));
        assert_eq!(
            ActualName::parse("replay-lag"),
            Ok(ActualName::Known(ActualKey::ReplayLag))
        );
        assert_eq!(
            parse_entry_name("log-number"),
            Ok(Entry::Status(ActualKey::LogNumber))
        );
        for k in ActualKey::ALL {
            assert_eq!(ActualKey::from_name(k.as_str()), Some(k));
            assert_eq!(ActualName::parse(k.as_str()), Ok(ActualName::Known(k)));
        }
        let r = ResourceName::new("r0").unwrap();
        assert_eq!(TmpName(Entry::Resource(r)).to_string(), ".tmp-resource-r0");
        assert_eq!(
            parse_entry_name(".tmp-resource-r0"),
            Ok(Entry::Tmp("resource-r0"))
        );
        let st = Stamp { sec: 5, nsec: 7 };
        let d = Entry::DeletedResource(r, st);
        assert_eq!(d.to_string(), ".deleted-resource-r0-5.000000007");
        assert_eq!(parse_entry_name(".deleted-resource-r0-5.000000007"), Ok(d));
        assert!(d.is_dir());
        let r = ResourceName::new("a-").unwrap();
        let d = Entry::DeletedResource(r, Stamp::MAX);
        assert_eq!(parse_entry_name(&d.to_string()), Ok(d));
    }

    #[test]
    fn paths() {
        assert!(check_tree_path("").is_ok());
        assert!(check_tree_path("resource-r/actual-h/is-primary").is_ok());
        assert!(check_tree_path("resource-r/actual-h/custom-flag").is_ok());
        assert!(check_tree_path("resource-r/log-000000001-h").is_ok());
        assert!(check_tree_path("resource-r/todo-h/log-rotate").is_ok());
        assert!(check_tree_path("resource-r/todo-h/invalidate").is_ok());
        assert!(check_tree_path("resource-r/actual-h/replay-lag").is_ok());
        assert!(check_tree_path("resource-r/replay-lag").is_ok());
        assert!(check_tree_path("resource-r/actual-h/log-number").is_ok());
        assert!(check_tree_path("resource-r/actual-h/writeback-pending").is_ok());
        assert!(check_tree_path("actual-h/rest-space").is_ok());
        for bad in [
            "/resource-r",
            "resource-r/",
            "resource-r//size",
            "resource-r/..",
            "../x",
        ] {
            assert!(check_tree_path(bad).is_err(), "{bad}");
        }
    }
}
