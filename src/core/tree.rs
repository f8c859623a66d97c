//! Values of the links in the `/mars` tree: parsing and formatting.
//!
//! Every link target has a strict grammar; each parser returns a
//! [`ValueError`] for anything else. Formatting (`Display`) produces exactly
//! what the parser accepts. Any link may instead hold the tombstone
//! [`TOMBSTONE`] (see [`Link`]).
//!
//! [`LinkKind`] says which link a tree path names and [`ValueKind`] which
//! grammar its value has; [`check_link`] checks a (path, value) pair.

use core::fmt;
use core::net::{IpAddr, Ipv6Addr, SocketAddr};

use super::crc32c::Crc32c;
use super::lamport::{parse_decimal_u64, Stamp};
use super::names::{
    check_tree_path, parse_entry_name, ActualKey, ActualName, DeviceName, Entry, HostName, LogName,
    NameError, Switch, MAX_LOG_NUMBER, MAX_NAME_LEN,
};

/// The tombstone value: a link deleted by the cluster.
pub const TOMBSTONE: &str = ".deleted";
/// The `primary` value meaning "no designated primary".
pub const NO_PRIMARY: &str = "(none)";
/// The `actual-HOST/error` value meaning "no error".
pub const NO_ERROR: &str = "(none)";
/// Maximum length of a free-text value (such as `actual-HOST/error`) in bytes.
pub const MAX_TEXT_LEN: usize = 255;
/// Maximum length of a `data-HOST` path in bytes.
pub const MAX_DATA_PATH: usize = 255;
/// Sector size: `size` must be a multiple of this.
pub const SECTOR_SIZE: u64 = 512;

/// Why a link value was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueError {
    /// A name inside the value is invalid.
    Name(NameError),
    /// A required part (such as a `,` separated field) is missing.
    Missing,
    /// Extra characters after the value.
    Trailing,
    /// A decimal number is malformed or out of range.
    BadNumber,
    /// A digest is not 16 lowercase hex digits.
    BadDigest,
    /// A size is zero or not a multiple of 512.
    BadSize,
    /// A switch is not `0` or `1`.
    BadSwitch,
    /// A path is not absolute, too long, contains `..` or control characters.
    BadPath,
    /// An IP address (and port) is malformed.
    BadAddress,
    /// A UUID is not 8-4-4-4-12 lowercase hex.
    BadUuid,
    /// A timestamp is not `SEC.NNNNNNNNN`.
    BadStamp,
    /// A text value is empty, too long or has control characters (a word:
    /// not `[A-Za-z0-9]+`).
    BadText,
}

impl From<NameError> for ValueError {
    fn from(e: NameError) -> Self {
        ValueError::Name(e)
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueError::Name(e) => write!(f, "bad name in value: {e}"),
            ValueError::Missing => f.write_str("value has missing fields"),
            ValueError::Trailing => f.write_str("value has trailing characters"),
            ValueError::BadNumber => f.write_str("bad decimal number"),
            ValueError::BadDigest => f.write_str("digest must be 16 lowercase hex digits"),
            ValueError::BadSize => f.write_str("size must be a positive multiple of 512"),
            ValueError::BadSwitch => f.write_str("switch must be 0 or 1"),
            ValueError::BadPath => f.write_str(
                "path must be absolute, at most 255 bytes, without '..' or control characters",
            ),
            ValueError::BadAddress => f.write_str("bad IP address or port"),
            ValueError::BadUuid => f.write_str("uuid must be 8-4-4-4-12 lowercase hex"),
            ValueError::BadStamp => f.write_str("timestamp must be SEC.NNNNNNNNN"),
            ValueError::BadText => f.write_str(
                "text must be 1 to 255 bytes without control characters (a word: [A-Za-z0-9]+)",
            ),
        }
    }
}

/// Parses a decimal `u64` (no sign, no leading zeros).
pub fn parse_u64(s: &str) -> Result<u64, ValueError> {
    parse_decimal_u64(s).ok_or(ValueError::BadNumber)
}

/// Parses a log number value (`actual-HOST/log-number`): decimal
/// `0..=999999999`, no leading zeros; `0` means "no log yet".
pub fn parse_log_number_value(s: &str) -> Result<u32, ValueError> {
    u32::try_from(parse_u64(s)?)
        .ok()
        .filter(|&n| n <= MAX_LOG_NUMBER)
        .ok_or(ValueError::BadNumber)
}

/// Parses a `todo-HOST/log-rotate` value: the log number wanted as
/// current, decimal `1..=999999999`, no leading zeros.
pub fn parse_log_rotate(s: &str) -> Result<u32, ValueError> {
    match parse_log_number_value(s)? {
        0 => Err(ValueError::BadNumber),
        n => Ok(n),
    }
}

/// Checks a free-text value: 1 to [`MAX_TEXT_LEN`] bytes, no control
/// characters (so it is one printable line).
pub fn check_text(s: &str) -> Result<(), ValueError> {
    if s.is_empty() || s.len() > MAX_TEXT_LEN || s.chars().any(char::is_control) {
        return Err(ValueError::BadText);
    }
    Ok(())
}

/// Checks a one-word value such as `actual-HOST/state`: `[A-Za-z0-9]+`,
/// at most [`MAX_TEXT_LEN`] bytes.
pub fn check_word(s: &str) -> Result<(), ValueError> {
    if s.is_empty() || s.len() > MAX_TEXT_LEN || !s.bytes().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ValueError::BadText);
    }
    Ok(())
}

/// A link value or the tombstone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link<T> {
    /// The link was deleted (value [`TOMBSTONE`]).
    Deleted,
    /// A live value.
    Value(T),
}

impl<T> Link<T> {
    /// Parses `s` as the tombstone or with `parse`.
    pub fn parse<'a>(
        s: &'a str,
        parse: impl FnOnce(&'a str) -> Result<T, ValueError>,
    ) -> Result<Self, ValueError> {
        if s == TOMBSTONE {
            Ok(Link::Deleted)
        } else {
            parse(s).map(Link::Value)
        }
    }
}

impl<T: fmt::Display> fmt::Display for Link<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Link::Deleted => f.write_str(TOMBSTONE),
            Link::Value(v) => v.fmt(f),
        }
    }
}

/// `replay-HOST` value: `log-NNNNNNNNN-ORIGIN,POS,LEN`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplayValue {
    /// The log being replayed.
    pub log: LogName,
    /// Byte position in that log up to which records are applied.
    pub pos: u64,
    /// Length of the log known at the time.
    pub len: u64,
}

impl ReplayValue {
    /// Parses `log-NNNNNNNNN-ORIGIN,POS,LEN`.
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let mut it = s.split(',');
        let log = LogName::parse(it.next().ok_or(ValueError::Missing)?)?;
        let pos = parse_u64(it.next().ok_or(ValueError::Missing)?)?;
        let len = parse_u64(it.next().ok_or(ValueError::Missing)?)?;
        if it.next().is_some() {
            return Err(ValueError::Trailing);
        }
        Ok(Self { log, pos, len })
    }
}

impl ReplayValue {
    /// Whether this position is at or past `target`, compared by
    /// (log number, position); the origin host and the length do not count.
    pub fn reached(&self, target: &ReplayValue) -> bool {
        (self.log.number, self.pos) >= (target.log.number, target.pos)
    }
}

impl fmt::Display for ReplayValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{},{}", self.log, self.pos, self.len)
    }
}

/// A 64-bit link in the version chain, printed as 16 lowercase hex digits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Digest(pub u64);

/// Raw CRC-32C seed for the high half of a [`Digest`].
pub const DIGEST_SEED_A: u32 = 0x4D41_5253; // "MARS"
/// Raw CRC-32C seed for the low half of a [`Digest`].
pub const DIGEST_SEED_B: u32 = 0x7665_7273; // "vers"
/// Length of the canonical digest input: number u32, host length u8, host
/// (zero padded to 63 bytes), end position u64, previous digest u64.
pub const DIGEST_INPUT_LEN: usize = 4 + 1 + MAX_NAME_LEN + 8 + 8;

impl Digest {
    /// The "previous digest" of the first log in a chain.
    pub const ZERO: Digest = Digest(0);

    /// digest(N) over the canonical bytes of `(log.number, log.host, endpos,
    /// prev)`: high 32 bits = raw `crc.update(DIGEST_SEED_A, bytes)`, low 32
    /// bits = raw `crc.update(DIGEST_SEED_B, reversed bytes)`. The low half
    /// runs over the byte-reversed input because a CRC over the same bytes
    /// with another seed differs only by a constant and would add no bits.
    pub fn compute<C: Crc32c + ?Sized>(
        crc: &C,
        log: &LogName,
        endpos: u64,
        prev: Digest,
    ) -> Digest {
        let mut buf = [0u8; DIGEST_INPUT_LEN];
        let host = log.host.as_str().as_bytes();
        let mut w = super::bytes::Writer::new(&mut buf);
        // The buffer is sized for the largest input; a failed write (which
        // cannot happen) would only leave zeros in the digest input.
        let _ = w
            .u32(log.number)
            .and_then(|()| w.u8(u8::try_from(host.len()).unwrap_or(u8::MAX)))
            .and_then(|()| w.bytes(host));
        let tail_off = 4 + 1 + MAX_NAME_LEN;
        let _ = super::bytes::put(&mut buf, tail_off, &endpos.to_le_bytes());
        let _ = super::bytes::put(&mut buf, tail_off + 8, &prev.0.to_le_bytes());
        let hi = crc.update(DIGEST_SEED_A, &buf);
        buf.reverse();
        let lo = crc.update(DIGEST_SEED_B, &buf);
        Digest((u64::from(hi) << 32) | u64::from(lo))
    }

    /// Parses 16 lowercase hex digits.
    pub fn parse(s: &str) -> Result<Digest, ValueError> {
        if s.len() != 16 {
            return Err(ValueError::BadDigest);
        }
        let mut v: u64 = 0;
        for c in s.bytes() {
            v = (v << 4) | u64::from(hex_digit(c).ok_or(ValueError::BadDigest)?);
        }
        Ok(Digest(v))
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Value of a lowercase hex digit.
fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c.wrapping_sub(b'0')),
        b'a'..=b'f' => Some(c.wrapping_sub(b'a').wrapping_add(10)),
        _ => None,
    }
}

/// `version-NNNNNNNNN-HOST` value: `DIGEST,log-NNNNNNNNN-ORIGIN,ENDPOS:PREVDIGEST`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VersionValue {
    /// digest(N) of this log.
    pub digest: Digest,
    /// The log this link describes.
    pub log: LogName,
    /// Final length of the log.
    pub endpos: u64,
    /// digest(N-1), or [`Digest::ZERO`] for the first log.
    pub prev: Digest,
}

impl VersionValue {
    /// Builds the value for `log` ending at `endpos`, chained to `prev`.
    pub fn new<C: Crc32c + ?Sized>(crc: &C, log: LogName, endpos: u64, prev: Digest) -> Self {
        Self {
            digest: Digest::compute(crc, &log, endpos, prev),
            log,
            endpos,
            prev,
        }
    }

    /// Whether the stored digest matches the other fields.
    pub fn verify<C: Crc32c + ?Sized>(&self, crc: &C) -> bool {
        Digest::compute(crc, &self.log, self.endpos, self.prev) == self.digest
    }

    /// Parses `DIGEST,log-NNNNNNNNN-ORIGIN,ENDPOS:PREVDIGEST` (the digest is
    /// not verified; see [`VersionValue::verify`]).
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let (digest, rest) = s.split_once(',').ok_or(ValueError::Missing)?;
        let (log, rest) = rest.split_once(',').ok_or(ValueError::Missing)?;
        let (endpos, prev) = rest.split_once(':').ok_or(ValueError::Missing)?;
        Ok(Self {
            digest: Digest::parse(digest)?,
            log: LogName::parse(log)?,
            endpos: parse_u64(endpos)?,
            prev: Digest::parse(prev)?,
        })
    }
}

impl fmt::Display for VersionValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{},{},{}:{}",
            self.digest, self.log, self.endpos, self.prev
        )
    }
}

/// `primary` value: a host or `(none)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrimaryValue {
    /// No designated primary.
    None,
    /// The designated primary.
    Host(HostName),
}

impl PrimaryValue {
    /// Parses a host name or `(none)`.
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        if s == NO_PRIMARY {
            Ok(PrimaryValue::None)
        } else {
            Ok(PrimaryValue::Host(HostName::new(s)?))
        }
    }
}

impl fmt::Display for PrimaryValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrimaryValue::None => f.write_str(NO_PRIMARY),
            PrimaryValue::Host(h) => h.fmt(f),
        }
    }
}

/// Validates a `data-HOST` value: an absolute path of at most 255 bytes with
/// no `..` component and no control characters (C0, DEL). `.` components and
/// repeated `/` are allowed (the kernel resolves them).
pub fn check_data_path(s: &str) -> Result<(), ValueError> {
    if s.len() > MAX_DATA_PATH || !s.starts_with('/') {
        return Err(ValueError::BadPath);
    }
    if s.bytes().any(|c| c < 0x20 || c == 0x7F) || s.split('/').any(|c| c == "..") {
        return Err(ValueError::BadPath);
    }
    Ok(())
}

/// `data-HOST` value: a validated absolute path, stored inline.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DataPath {
    len: u8,
    bytes: [u8; MAX_DATA_PATH],
}

impl DataPath {
    /// Validates and stores `s`.
    pub fn new(s: &str) -> Result<Self, ValueError> {
        check_data_path(s)?;
        let mut bytes = [0u8; MAX_DATA_PATH];
        bytes
            .get_mut(..s.len())
            .ok_or(ValueError::BadPath)?
            .copy_from_slice(s.as_bytes());
        let len = u8::try_from(s.len()).map_err(|_| ValueError::BadPath)?;
        Ok(Self { len, bytes })
    }

    /// The path.
    pub fn as_str(&self) -> &str {
        let b = self.bytes.get(..usize::from(self.len)).unwrap_or(&[]);
        core::str::from_utf8(b).unwrap_or("")
    }
}

impl fmt::Display for DataPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for DataPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DataPath({:?})", self.as_str())
    }
}

/// Parses a `device-HOST` value.
pub fn parse_device(s: &str) -> Result<DeviceName, ValueError> {
    Ok(DeviceName::new(s)?)
}

/// Parses a `size` value: decimal bytes, positive multiple of 512.
pub fn parse_size(s: &str) -> Result<u64, ValueError> {
    let v = parse_u64(s)?;
    if v == 0 || v % SECTOR_SIZE != 0 {
        return Err(ValueError::BadSize);
    }
    Ok(v)
}

/// Parses a `todo-`/`actual-` switch value: `0` or `1`.
pub fn parse_switch(s: &str) -> Result<bool, ValueError> {
    match s {
        "0" => Ok(false),
        "1" => Ok(true),
        _ => Err(ValueError::BadSwitch),
    }
}

/// Formats a switch value.
pub const fn format_switch(on: bool) -> &'static str {
    if on {
        "1"
    } else {
        "0"
    }
}

/// `ip-HOST` value: an IP address with an optional port.
///
/// Accepted forms: `1.2.3.4`, `1.2.3.4:7777`, `::1`, `[::1]:7777`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpValue {
    /// The address.
    pub addr: IpAddr,
    /// The port, if given.
    pub port: Option<u16>,
}

impl IpValue {
    /// Parses strictly with `core::net` (no scope ids, no port 0).
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        if s.contains('%') {
            return Err(ValueError::BadAddress);
        }
        if let Ok(addr) = s.parse::<IpAddr>() {
            return Ok(Self { addr, port: None });
        }
        let sa = s
            .parse::<SocketAddr>()
            .map_err(|_| ValueError::BadAddress)?;
        if sa.port() == 0 {
            return Err(ValueError::BadAddress);
        }
        if let SocketAddr::V6(v6) = sa {
            if v6.flowinfo() != 0 || v6.scope_id() != 0 {
                return Err(ValueError::BadAddress);
            }
        }
        Ok(Self {
            addr: sa.ip(),
            port: Some(sa.port()),
        })
    }
}

impl fmt::Display for IpValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.addr, self.port) {
            (a, None) => write!(f, "{a}"),
            (IpAddr::V4(a), Some(p)) => write!(f, "{a}:{p}"),
            (IpAddr::V6(a), Some(p)) => write!(f, "[{a}]:{p}"),
        }
    }
}

impl From<IpAddr> for IpValue {
    fn from(addr: IpAddr) -> Self {
        Self { addr, port: None }
    }
}

impl From<Ipv6Addr> for IpValue {
    fn from(a: Ipv6Addr) -> Self {
        Self::from(IpAddr::V6(a))
    }
}

/// `uuid` value: 16 bytes printed as 8-4-4-4-12 lowercase hex.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Uuid(pub [u8; 16]);

impl Uuid {
    /// Parses 8-4-4-4-12 lowercase hex.
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let b = s.as_bytes();
        if b.len() != 36 {
            return Err(ValueError::BadUuid);
        }
        let mut out = [0u8; 16];
        let mut nib = 0usize;
        for (i, &c) in b.iter().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                if c != b'-' {
                    return Err(ValueError::BadUuid);
                }
                continue;
            }
            let d = hex_digit(c).ok_or(ValueError::BadUuid)?;
            let byte = out.get_mut(nib / 2).ok_or(ValueError::BadUuid)?;
            *byte = if nib % 2 == 0 { d << 4 } else { *byte | d };
            nib = nib.saturating_add(1);
        }
        Ok(Uuid(out))
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// The grammar of a link value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// [`Uuid`].
    Uuid,
    /// [`IpValue`].
    Ip,
    /// [`parse_size`].
    Size,
    /// [`check_data_path`].
    DataPath,
    /// [`parse_device`].
    Device,
    /// [`PrimaryValue`].
    Primary,
    /// [`parse_switch`].
    Switch,
    /// [`parse_log_rotate`].
    LogRotate,
    /// [`parse_log_number_value`].
    LogNumber,
    /// A byte count or counter: [`parse_u64`].
    Count,
    /// [`ReplayValue`].
    Replay,
    /// [`VersionValue`].
    Version,
    /// A [`Stamp`].
    Stamp,
    /// [`check_word`].
    Word,
    /// [`check_text`].
    Text,
}

impl ValueKind {
    /// Checks that `s` is a live value of this grammar (the tombstone is not
    /// accepted here; see [`Link`]).
    pub fn check(self, s: &str) -> Result<(), ValueError> {
        match self {
            ValueKind::Uuid => Uuid::parse(s).map(drop),
            ValueKind::Ip => IpValue::parse(s).map(drop),
            ValueKind::Size => parse_size(s).map(drop),
            ValueKind::DataPath => check_data_path(s),
            ValueKind::Device => parse_device(s).map(drop),
            ValueKind::Primary => PrimaryValue::parse(s).map(drop),
            ValueKind::Switch => parse_switch(s).map(drop),
            ValueKind::LogRotate => parse_log_rotate(s).map(drop),
            ValueKind::LogNumber => parse_log_number_value(s).map(drop),
            ValueKind::Count => parse_u64(s).map(drop),
            ValueKind::Replay => ReplayValue::parse(s).map(drop),
            ValueKind::Version => VersionValue::parse(s).map(drop),
            ValueKind::Stamp => s
                .parse::<Stamp>()
                .map(drop)
                .map_err(|_| ValueError::BadStamp),
            ValueKind::Word => check_word(s),
            ValueKind::Text => check_text(s),
        }
    }
}

/// The value grammar of an entry inside `actual-HOST/` (both the global
/// `/mars/actual-HOST/` and the per-resource one).
pub const fn status_value_kind(name: ActualName<'_>) -> ValueKind {
    match name {
        ActualName::Known(k) => match k {
            ActualKey::IsAttached
            | ActualKey::IsCopying
            | ActualKey::IsReplaying
            | ActualKey::IsSyncing
            | ActualKey::IsPrimary
            | ActualKey::IsEmergency => ValueKind::Switch,
            ActualKey::OpenCount
            | ActualKey::WritebackPending
            | ActualKey::RestSpace
            | ActualKey::TotalSpace
            | ActualKey::SyncRate
            | ActualKey::FetchLag
            | ActualKey::ReplayLag
            | ActualKey::LagSeconds
            | ActualKey::Invalidated => ValueKind::Count,
            ActualKey::LogNumber => ValueKind::LogNumber,
            ActualKey::FetchPos => ValueKind::Replay,
            ActualKey::State | ActualKey::Connection => ValueKind::Word,
            ActualKey::Error => ValueKind::Text,
            ActualKey::Alive | ActualKey::Time => ValueKind::Stamp,
        },
        ActualName::Other(_) => ValueKind::Text,
    }
}

/// Which link a tree path (relative to `/mars`) names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkKind<'a> {
    /// `uuid`.
    Uuid,
    /// `join-via`: address of the member this host joins through (local).
    JoinVia,
    /// `ips/ip-HOST`.
    Ip,
    /// `resource-RES/size`.
    Size,
    /// `resource-RES/data-HOST`.
    Data,
    /// `resource-RES/device-HOST`.
    Device,
    /// `resource-RES/primary`.
    Primary,
    /// `resource-RES/todo-HOST/SWITCH`.
    Switch(Switch),
    /// `resource-RES/todo-HOST/log-rotate`.
    LogRotate,
    /// `resource-RES/todo-HOST/invalidate`: a request counter.
    Invalidate,
    /// `resource-RES/replay-HOST`.
    Replay,
    /// `resource-RES/version-NNNNNNNNN-HOST`.
    Version,
    /// `resource-RES/syncstatus-HOST`: bytes of HOST's device known to
    /// equal the primary's (full sync progress).
    SyncStatus,
    /// `resource-RES/syncpos-HOST`: the primary's log position when HOST's
    /// full sync finished (`replay-` grammar).
    SyncPos,
    /// `actual-HOST/NAME`: reported state of a host.
    HostStatus(ActualName<'a>),
    /// `resource-RES/actual-HOST/NAME`: reported state of a resource.
    ResourceStatus(ActualName<'a>),
}

/// Why a (path, value) pair was rejected by [`check_link`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// The path is malformed.
    Path(NameError),
    /// The path is valid but names no link (a directory, a log file, a
    /// temporary name, or a link in the wrong directory).
    NotALink,
    /// The value does not match the link's grammar.
    Value(ValueError),
}

impl From<NameError> for LinkError {
    fn from(e: NameError) -> Self {
        LinkError::Path(e)
    }
}

impl From<ValueError> for LinkError {
    fn from(e: ValueError) -> Self {
        LinkError::Value(e)
    }
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Path(e) => write!(f, "invalid path: {e}"),
            LinkError::NotALink => f.write_str("path names no link"),
            LinkError::Value(e) => write!(f, "invalid value: {e}"),
        }
    }
}

impl<'a> LinkKind<'a> {
    /// Classifies a tree path relative to `/mars` (see
    /// [`check_tree_path`]).
    pub fn parse(path: &'a str) -> Result<Self, LinkError> {
        check_tree_path(path)?;
        let mut it = path.split('/');
        let first = parse_entry_name(it.next().ok_or(LinkError::NotALink)?)?;
        let (second, third) = (it.next(), it.next());
        if it.next().is_some() {
            return Err(LinkError::NotALink);
        }
        Ok(match (first, second, third) {
            (Entry::Uuid, None, None) => LinkKind::Uuid,
            (Entry::JoinVia, None, None) => LinkKind::JoinVia,
            (Entry::Ips, Some(n), None) => match parse_entry_name(n)? {
                Entry::Ip(_) => LinkKind::Ip,
                _ => return Err(LinkError::NotALink),
            },
            (Entry::Actual(_), Some(n), None) => LinkKind::HostStatus(ActualName::parse(n)?),
            (Entry::Resource(_), Some(n), None) => match parse_entry_name(n)? {
                Entry::Size => LinkKind::Size,
                Entry::Data(_) => LinkKind::Data,
                Entry::Device(_) => LinkKind::Device,
                Entry::Primary => LinkKind::Primary,
                Entry::Replay(_) => LinkKind::Replay,
                Entry::Version(_) => LinkKind::Version,
                Entry::SyncStatus(_) => LinkKind::SyncStatus,
                Entry::SyncPos(_) => LinkKind::SyncPos,
                _ => return Err(LinkError::NotALink),
            },
            (Entry::Resource(_), Some(dir), Some(n)) => match parse_entry_name(dir)? {
                Entry::Todo(_) => match parse_entry_name(n)? {
                    Entry::Switch(w) => LinkKind::Switch(w),
                    Entry::LogRotate => LinkKind::LogRotate,
                    Entry::Invalidate => LinkKind::Invalidate,
                    _ => return Err(LinkError::NotALink),
                },
                Entry::Actual(_) => LinkKind::ResourceStatus(ActualName::parse(n)?),
                _ => return Err(LinkError::NotALink),
            },
            _ => return Err(LinkError::NotALink),
        })
    }

    /// The grammar of this link's (live) value.
    pub const fn value_kind(&self) -> ValueKind {
        match self {
            LinkKind::Uuid => ValueKind::Uuid,
            LinkKind::Ip | LinkKind::JoinVia => ValueKind::Ip,
            LinkKind::Size => ValueKind::Size,
            LinkKind::Data => ValueKind::DataPath,
            LinkKind::Device => ValueKind::Device,
            LinkKind::Primary => ValueKind::Primary,
            LinkKind::Switch(_) => ValueKind::Switch,
            LinkKind::LogRotate => ValueKind::LogRotate,
            LinkKind::Invalidate | LinkKind::SyncStatus => ValueKind::Count,
            LinkKind::Replay | LinkKind::SyncPos => ValueKind::Replay,
            LinkKind::Version => ValueKind::Version,
            LinkKind::HostStatus(n) | LinkKind::ResourceStatus(n) => status_value_kind(*n),
        }
    }

    /// Whether this link holds wanted state, written by the administrator
    /// (`uuid`, `ips/`, `size`, `data-HOST`, `device-HOST`, `primary`,
    /// `todo-HOST/`). Every other link is written by the kernel module
    /// (`join-resource` seeds `syncstatus-HOST` with `0`, and a member that
    /// leaves deletes its own kernel-written links).
    pub const fn is_wanted(&self) -> bool {
        matches!(
            self,
            LinkKind::Uuid
                | LinkKind::JoinVia
                | LinkKind::Ip
                | LinkKind::Size
                | LinkKind::Data
                | LinkKind::Device
                | LinkKind::Primary
                | LinkKind::Switch(_)
                | LinkKind::LogRotate
                | LinkKind::Invalidate
        )
    }
}

/// Checks that `path` (relative to `/mars`) names a link and that `value` is
/// a live value of its grammar. The tombstone [`TOMBSTONE`] is rejected:
/// test for it first where a deleted link is acceptable.
pub fn check_link<'a>(path: &'a str, value: &str) -> Result<LinkKind<'a>, LinkError> {
    let kind = LinkKind::parse(path)?;
    kind.value_kind().check(value)?;
    Ok(kind)
}

#[cfg(test)]
mod tests {
    use super::super::crc32c::SoftCrc32c;
    use super::*;
    use std::string::ToString;

    fn log(n: u32, h: &str) -> LogName {
        LogName {
            number: n,
            host: HostName::new(h).unwrap(),
        }
    }

    #[test]
    fn replay() {
        let v = ReplayValue::parse("log-000000007-alpha,4096,8192").unwrap();
        assert_eq!(v.log, log(7, "alpha"));
        assert_eq!((v.pos, v.len), (4096, 8192));
        assert_eq!(v.to_string(), "log-000000007-alpha,4096,8192");
        for bad in [
            "log-000000007-alpha,4096",
            "log-000000007-alpha,4096,8192,1",
            "log-7-alpha,1,2",
            "log-000000007-alpha,01,2",
            "log-000000007-alpha,-1,2",
            "",
        ] {
            assert!(ReplayValue::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn version_chain() {
        let c = SoftCrc32c;
        let v1 = VersionValue::new(&c, log(1, "a"), 1000, Digest::ZERO);
        let v2 = VersionValue::new(&c, log(2, "a"), 500, v1.digest);
        assert_ne!(v1.digest, v2.digest);
        assert!(v2.verify(&c));
        let s = v2.to_string();
        assert_eq!(VersionValue::parse(&s).unwrap(), v2);
        assert!(s.starts_with(&std::format!("{:016x},log-000000002-a,500:", v2.digest.0)));
        let other = VersionValue::new(&c, log(2, "b"), 500, v1.digest);
        assert_ne!(other.digest, v2.digest);
        assert!(Digest::parse("0123456789ABCDEF").is_err());
        assert!(Digest::parse("0123456789abcde").is_err());
    }

    #[test]
    fn simple_values() {
        assert_eq!(PrimaryValue::parse("(none)"), Ok(PrimaryValue::None));
        assert!(PrimaryValue::parse("none").is_err());
        assert_eq!(parse_size("1048576"), Ok(1048576));
        assert!(parse_size("0").is_err());
        assert!(parse_size("1000").is_err());
        assert!(parse_size("18446744073709551616").is_err());
        assert_eq!(parse_switch("1"), Ok(true));
        assert!(parse_switch("2").is_err());
        assert!(DataPath::new("/dev/vdb").is_ok());
        for bad in ["dev/vdb", "/dev/../etc", "/a/..", "/a\n", ""] {
            assert!(DataPath::new(bad).is_err(), "{bad:?}");
        }
        assert!(DataPath::new(&std::format!("/{}", "a".repeat(254))).is_ok());
        assert!(DataPath::new(&std::format!("/{}", "a".repeat(255))).is_err());
        assert_eq!(
            Link::parse(".deleted", ReplayValue::parse),
            Ok(Link::Deleted)
        );
    }

    #[test]
    fn log_numbers() {
        assert_eq!(parse_log_number_value("0"), Ok(0));
        assert_eq!(parse_log_number_value("7"), Ok(7));
        assert_eq!(parse_log_number_value("999999999"), Ok(999_999_999));
        for bad in [
            "1000000000",
            "4294967296",
            "01",
            "",
            "-1",
            "+1",
            "1 ",
            "000000001",
        ] {
            assert!(parse_log_number_value(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_log_rotate("1"), Ok(1));
        assert_eq!(parse_log_rotate("0"), Err(ValueError::BadNumber));
        assert!(parse_log_rotate("1000000000").is_err());
    }

    #[test]
    fn texts() {
        assert_eq!(check_text(NO_ERROR), Ok(()));
        assert_eq!(check_text("I/O error on the data path, see dmesg"), Ok(()));
        assert!(check_text(&"x".repeat(255)).is_ok());
        for bad in ["", "a\nb", "\u{7f}", "\u{85}", "tab\there"] {
            assert_eq!(check_text(bad), Err(ValueError::BadText), "{bad:?}");
        }
        assert!(check_text(&"x".repeat(256)).is_err());
        assert_eq!(check_word("Up"), Ok(()));
        for bad in ["", "Up now", "up-ish", "é"] {
            assert_eq!(check_word(bad), Err(ValueError::BadText), "{bad:?}");
        }
    }

    #[test]
    fn links_and_values() {
        let k = |p| LinkKind::parse(p);
        for (p, v, kind, wanted) in [
            (
                "uuid",
                "0123abcd-4567-89ef-0123-456789abcdef",
                LinkKind::Uuid,
                true,
            ),
            ("ips/ip-node1", "10.0.0.1", LinkKind::Ip, true),
            ("resource-r0/size", "1048576", LinkKind::Size, true),
            ("resource-r0/data-node1", "/dev/vdb", LinkKind::Data, true),
            ("resource-r0/device-node1", "r0", LinkKind::Device, true),
            ("resource-r0/primary", "node1", LinkKind::Primary, true),
            ("resource-r0/primary", "(none)", LinkKind::Primary, true),
            (
                "resource-r0/todo-node1/attach",
                "1",
                LinkKind::Switch(Switch::Attach),
                true,
            ),
            (
                "resource-r0/todo-node1/allow-replay",
                "0",
                LinkKind::Switch(Switch::AllowReplay),
                true,
            ),
            (
                "resource-r0/todo-node1/log-rotate",
                "7",
                LinkKind::LogRotate,
                true,
            ),
            (
                "resource-r0/replay-node1",
                "log-000000001-node1,0,0",
                LinkKind::Replay,
                false,
            ),
            (
                "resource-r0/syncpos-node1",
                "log-000000003-node2,4096,8192",
                LinkKind::SyncPos,
                false,
            ),
            (
                "resource-r0/syncstatus-node1",
                "1048576",
                LinkKind::SyncStatus,
                false,
            ),
            (
                "resource-r0/todo-node1/invalidate",
                "3",
                LinkKind::Invalidate,
                true,
            ),
            (
                "resource-r0/replay-lag",
                "log-000000001-node1,0,0",
                LinkKind::Replay,
                false,
            ),
            (
                "resource-r0/actual-node1/replay-lag",
                "4096",
                LinkKind::ResourceStatus(ActualName::Known(ActualKey::ReplayLag)),
                false,
            ),
            (
                "resource-r0/actual-node1/fetch-pos",
                "log-000000002-node2,0,100",
                LinkKind::ResourceStatus(ActualName::Known(ActualKey::FetchPos)),
                false,
            ),
            (
                "resource-r0/actual-node1/connection",
                "connected",
                LinkKind::ResourceStatus(ActualName::Known(ActualKey::Connection)),
                false,
            ),
            (
                "resource-r0/actual-node1/invalidated",
                "2",
                LinkKind::ResourceStatus(ActualName::Known(ActualKey::Invalidated)),
                false,
            ),
            (
                "resource-r0/actual-node1/log-number",
                "0",
                LinkKind::ResourceStatus(ActualName::Known(ActualKey::LogNumber)),
                false,
            ),
            (
                "resource-r0/actual-node1/writeback-pending",
                "4096",
                LinkKind::ResourceStatus(ActualName::Known(ActualKey::WritebackPending)),
                false,
            ),
            (
                "resource-r0/actual-node1/error",
                NO_ERROR,
                LinkKind::ResourceStatus(ActualName::Known(ActualKey::Error)),
                false,
            ),
            (
                "resource-r0/actual-node1/state",
                "Up",
                LinkKind::ResourceStatus(ActualName::Known(ActualKey::State)),
                false,
            ),
            (
                "resource-r0/actual-node1/custom-flag",
                "x y",
                LinkKind::ResourceStatus(ActualName::Other("custom-flag")),
                false,
            ),
            (
                "actual-node1/rest-space",
                "79094333440",
                LinkKind::HostStatus(ActualName::Known(ActualKey::RestSpace)),
                false,
            ),
            (
                "actual-node1/total-space",
                "107374182400",
                LinkKind::HostStatus(ActualName::Known(ActualKey::TotalSpace)),
                false,
            ),
            (
                "actual-node1/alive",
                "1700000000.123456789",
                LinkKind::HostStatus(ActualName::Known(ActualKey::Alive)),
                false,
            ),
        ] {
            assert_eq!(check_link(p, v), Ok(kind), "{p} -> {v}");
            assert_eq!(k(p).unwrap().is_wanted(), wanted, "{p}");
        }
        for (p, v, e) in [
            ("uuid", "xyz", LinkError::Value(ValueError::BadUuid)),
            (
                "resource-r0/size",
                "1000",
                LinkError::Value(ValueError::BadSize),
            ),
            (
                "resource-r0/todo-node1/attach",
                "2",
                LinkError::Value(ValueError::BadSwitch),
            ),
            (
                "resource-r0/todo-node1/log-rotate",
                "0",
                LinkError::Value(ValueError::BadNumber),
            ),
            (
                "resource-r0/todo-node1/log-rotate",
                "1000000000",
                LinkError::Value(ValueError::BadNumber),
            ),
            (
                "resource-r0/primary",
                TOMBSTONE,
                LinkError::Value(ValueError::Name(NameError::BadChar)),
            ),
            (
                "resource-r0/actual-node1/log-number",
                "-1",
                LinkError::Value(ValueError::BadNumber),
            ),
            (
                "resource-r0/actual-node1/state",
                "Up now",
                LinkError::Value(ValueError::BadText),
            ),
            (
                "resource-r0/actual-node1/error",
                "a\nb",
                LinkError::Value(ValueError::BadText),
            ),
            (
                "actual-node1/alive",
                "17",
                LinkError::Value(ValueError::BadStamp),
            ),
            ("resource-r0/log-rotate", "1", LinkError::NotALink),
            ("resource-r0/invalidate", "1", LinkError::NotALink),
            (
                "resource-r0/syncpos-node1",
                "anything",
                LinkError::Value(ValueError::Name(NameError::UnknownEntry)),
            ),
            (
                "resource-r0/syncstatus-node1",
                "-1",
                LinkError::Value(ValueError::BadNumber),
            ),
            (
                "resource-r0/todo-node1/invalidate",
                "01",
                LinkError::Value(ValueError::BadNumber),
            ),
            (
                "resource-r0/actual-node1/sync-rate",
                "fast",
                LinkError::Value(ValueError::BadNumber),
            ),
            (
                "resource-r0/actual-node1/connection",
                "not connected",
                LinkError::Value(ValueError::BadText),
            ),
            ("resource-r0/todo-node1", "1", LinkError::NotALink),
            (
                "resource-r0/todo-node1/is-primary",
                "1",
                LinkError::NotALink,
            ),
            ("resource-r0/log-000000001-node1", "1", LinkError::NotALink),
            ("resource-r0/.tmp-size", "4096", LinkError::NotALink),
            (
                "resource-r0/todo-node1/attach/size",
                "1",
                LinkError::NotALink,
            ),
            (
                "resource-r0/todo-node1/attach/x",
                "1",
                LinkError::Path(NameError::UnknownEntry),
            ),
            ("ips/uuid", "10.0.0.1", LinkError::NotALink),
            ("size", "4096", LinkError::NotALink),
            ("", "x", LinkError::Path(NameError::UnknownEntry)),
            (
                "resource-r0/../uuid",
                "x",
                LinkError::Path(NameError::UnknownEntry),
            ),
            (
                "resource-all/size",
                "4096",
                LinkError::Path(NameError::Reserved),
            ),
            (
                "resource-r0//size",
                "4096",
                LinkError::Path(NameError::BadPath),
            ),
        ] {
            assert_eq!(check_link(p, v), Err(e), "{p} -> {v}");
        }
    }

    #[test]
    fn ips() {
        for ok in ["10.0.0.1", "10.0.0.1:7777", "::1", "[::1]:7777", "fe80::1"] {
            assert_eq!(IpValue::parse(ok).unwrap().to_string(), ok);
        }
        for bad in [
            "10.0.0",
            "10.0.0.1:",
            "10.0.0.1:0",
            "::1:7777x",
            "[::1]",
            "host:1",
            "010.0.0.1",
            "[fe80::1%1]:7",
            " 10.0.0.1",
            "10.0.0.1:65536",
        ] {
            assert!(IpValue::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn uuid() {
        let s = "0123abcd-4567-89ef-0123-456789abcdef";
        let u = Uuid::parse(s).unwrap();
        assert_eq!(u.to_string(), s);
        for bad in [
            "0123ABCD-4567-89ef-0123-456789abcdef",
            "0123abcd45678-9ef-0123-456789abcdef",
            "0123abcd-4567-89ef-0123-456789abcde",
            "0123abcd-4567-89ef-0123-456789abcdeg",
        ] {
            assert!(Uuid::parse(bad).is_err(), "{bad}");
        }
    }
}
