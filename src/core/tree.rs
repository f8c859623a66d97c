//! Values of the links in the `/mars` tree: parsing and formatting.
//!
//! Every link target has a strict grammar; each parser returns a
//! [`ValueError`] for anything else. Formatting (`Display`) produces exactly
//! what the parser accepts. Any link may instead hold the tombstone
//! [`TOMBSTONE`] (see [`Link`]).

use core::fmt;
use core::net::{IpAddr, Ipv6Addr, SocketAddr};

use super::crc32c::Crc32c;
use super::lamport::parse_decimal_u64;
use super::names::{DeviceName, HostName, LogName, NameError, MAX_NAME_LEN};

/// The tombstone value: a link deleted by the cluster.
pub const TOMBSTONE: &str = ".deleted";
/// The `primary` value meaning "no designated primary".
pub const NO_PRIMARY: &str = "(none)";
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
        }
    }
}

/// Parses a decimal `u64` (no sign, no leading zeros).
pub fn parse_u64(s: &str) -> Result<u64, ValueError> {
    parse_decimal_u64(s).ok_or(ValueError::BadNumber)
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
    pub fn compute<C: Crc32c + ?Sized>(crc: &C, log: &LogName, endpos: u64, prev: Digest) -> Digest {
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
        write!(f, "{},{},{}:{}", self.digest, self.log, self.endpos, self.prev)
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
        let sa = s.parse::<SocketAddr>().map_err(|_| ValueError::BadAddress)?;
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
            "log-000000007-alpha,4096", "log-000000007-alpha,4096,8192,1",
            "log-7-alpha,1,2", "log-000000007-alpha,01,2", "log-000000007-alpha,-1,2", "",
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
    fn ips() {
        for ok in ["10.0.0.1", "10.0.0.1:7777", "::1", "[::1]:7777", "fe80::1"] {
            assert_eq!(IpValue::parse(ok).unwrap().to_string(), ok);
        }
        for bad in [
            "10.0.0", "10.0.0.1:", "10.0.0.1:0", "::1:7777x", "[::1]", "host:1",
            "010.0.0.1", "[fe80::1%1]:7", " 10.0.0.1", "10.0.0.1:65536",
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
            "0123ABCD-4567-89ef-0123-456789abcdef", "0123abcd45678-9ef-0123-456789abcdef",
            "0123abcd-4567-89ef-0123-456789abcde", "0123abcd-4567-89ef-0123-456789abcdeg",
        ] {
            assert!(Uuid::parse(bad).is_err(), "{bad}");
        }
    }
}
