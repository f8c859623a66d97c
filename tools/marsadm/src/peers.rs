//! The module's connection table `/proc/sys/mars/peers`: one line per peer,
//! `HOST ADDR STATE LAST_MS OFFSET_MS ROUNDS SYNCED REASON`, fields
//! separated by a space, `-` for "none" or "unknown". Bad lines are skipped
//! with a warning (printed once per process), never a panic.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::sync::Mutex;

use mars_core::names::HostName;

use crate::error::{Error, Result};
use crate::kernel::Kernel;

/// The file name in the module's control directory.
pub const PEERS: &str = "peers";

/// One peer of this host's module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    /// The peer's host name; `None` for the join peer before it answered.
    pub host: Option<HostName>,
    /// The address the module connects to.
    pub addr: String,
    /// `connected`, `connecting`, `down`, `refused` (or a newer word).
    pub state: String,
    /// Milliseconds since the last frame from the peer; `None`: never.
    pub last_ms: Option<u64>,
    /// The peer's real-time clock minus ours, in ms; `None`: unknown.
    pub offset_ms: Option<i64>,
    /// Round trips completed on the outgoing connection since module load.
    pub rounds: u64,
    /// Whether the peer acknowledged every local change made before the
    /// last completed round started.
    pub synced: bool,
    /// Why it is not connected (one word), `None` for `-`.
    pub reason: Option<String>,
}

impl Peer {
    /// Whether the outgoing connection is authenticated.
    pub fn is_connected(&self) -> bool {
        self.state == "connected"
    }

    /// The host name, or `-`.
    pub fn host_str(&self) -> String {
        self.host.map_or_else(|| "-".to_string(), |h| h.to_string())
    }

    /// A short description: `down (unreachable)`, `connected, 12 rounds`.
    pub fn describe(&self) -> String {
        let mut s = self.state.clone();
        if let Some(r) = &self.reason {
            s.push_str(&format!(" ({r}: {})", explain_reason(r)));
        }
        if self.is_connected() {
            s.push_str(&format!(
                ", {} round(s), {}",
                self.rounds,
                if self.synced {
                    "synced"
                } else {
                    "not synced yet"
                }
            ));
        }
        s
    }
}

/// What a REASON word means for the operator.
pub fn explain_reason(reason: &str) -> &'static str {
    match reason {
        "auth-failed" => "authentication failed: the cluster secrets differ",
        "uuid-mismatch" => "the peer belongs to another cluster",
        "no-secret" => "no usable /mars/cluster-secret on this host",
        "timeout" => "no answer in time",
        "refused" => "connection refused: is the MARS module loaded there, and the port right?",
        "unreachable" => "not reachable: network or firewall",
        "bad-frame" => "protocol error: different MARS versions?",
        "closed" => "the peer closed the connection",
        _ => "see dmesg",
    }
}

fn opt_u64(s: &str) -> Result<Option<u64>, String> {
    if s == "-" {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| format!("{s:?} is not a number or -"))
}

fn word(s: &str, what: &str) -> Result<String, String> {
    if !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    {
        Ok(s.to_string())
    } else {
        Err(format!("{what} {s:?} is not a word"))
    }
}

/// Parses one line.
pub fn parse_line(line: &str) -> Result<Peer, String> {
    let f: Vec<&str> = line.split_whitespace().collect();
    let [host, addr, state, last, offset, rounds, synced, reason] = f[..] else {
        return Err(format!("{} fields instead of 8", f.len()));
    };
    let host = if host == "-" {
        None
    } else {
        Some(HostName::new(host).map_err(|e| format!("host {host:?}: {e}"))?)
    };
    if addr.len() > 255 || addr.chars().any(|c| c.is_control()) {
        return Err(format!("address {addr:?} is garbled"));
    }
    let offset_ms = if offset == "-" {
        None
    } else {
        Some(
            offset
                .parse::<i64>()
                .map_err(|_| format!("offset {offset:?} is not a number or -"))?,
        )
    };
    let synced = match synced {
        "1" => true,
        "0" => false,
        s => return Err(format!("synced {s:?} is neither 0 nor 1")),
    };
    Ok(Peer {
        host,
        addr: addr.to_string(),
        state: word(state, "state")?,
        last_ms: opt_u64(last)?,
        offset_ms,
        rounds: rounds
            .parse()
            .map_err(|_| format!("rounds {rounds:?} is not a number"))?,
        synced,
        reason: if reason == "-" {
            None
        } else {
            Some(word(reason, "reason")?)
        },
    })
}

/// Parses the whole file: the good lines, and a warning per bad one.
pub fn parse(text: &str) -> (Vec<Peer>, Vec<String>) {
    let mut peers = Vec::new();
    let mut warnings = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(p) => peers.push(p),
            Err(e) => {
                let shown: String = line.chars().take(100).collect();
                warnings.push(format!("line {} skipped ({e}): {shown:?}", i + 1));
            }
        }
    }
    (peers, warnings)
}

static WARNED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

impl Kernel {
    /// The module's peers; `None` if it has no `peers` file (not loaded,
    /// or a module without networking). Bad lines are skipped; each
    /// distinct warning is printed once.
    pub fn peers(&self) -> Result<Option<Vec<Peer>>> {
        let p = self.dir().join(PEERS);
        let text = match fs::read(&p) {
            Ok(t) => String::from_utf8_lossy(&t).into_owned(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("read", &p, e)),
        };
        let (peers, warnings) = parse(&text);
        if let Ok(mut seen) = WARNED.lock() {
            for w in warnings {
                if seen.insert(w.clone()) {
                    eprintln!("warning: {}: {w}", p.display());
                }
            }
        }
        Ok(Some(peers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_good_lines() {
        let (v, w) = parse(
            "node2 10.0.0.2 connected 120 -3 42 1 -\n\
             - 10.0.0.9:7777 connecting - - 0 0 -\n\
             \n\
             node3 [fd00::3]:7777 refused 5000 15 0 0 auth-failed\n",
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].host.unwrap().as_str(), "node2");
        assert_eq!(v[0].addr, "10.0.0.2");
        assert!(v[0].is_connected());
        assert_eq!(v[0].last_ms, Some(120));
        assert_eq!(v[0].offset_ms, Some(-3));
        assert_eq!(v[0].rounds, 42);
        assert!(v[0].synced);
        assert_eq!(v[0].reason, None);
        assert_eq!(v[1].host, None);
        assert_eq!(v[1].host_str(), "-");
        assert_eq!((v[1].last_ms, v[1].offset_ms), (None, None));
        assert_eq!(v[2].state, "refused");
        assert_eq!(v[2].reason.as_deref(), Some("auth-failed"));
        assert!(v[2].describe().contains("the cluster secrets differ"));
        assert!(v[0].describe().contains("42 round(s), synced"));
        assert_eq!(parse(""), (vec![], vec![]));
    }

    #[test]
    fn skips_bad_lines() {
        let bad = [
            "node2 10.0.0.2 connected 1 2 3 1",
            "node2 10.0.0.2 connected 1 2 3 1 - extra",
            "Node2 10.0.0.2 connected 1 2 3 1 -",
            "node2 10.0.0.2 connected x 2 3 1 -",
            "node2 10.0.0.2 connected 1 2.5 3 1 -",
            "node2 10.0.0.2 connected 1 2 -3 1 -",
            "node2 10.0.0.2 connected 1 2 3 2 -",
            "node2 10.0.0.2 CONNECTED 1 2 3 1 -",
            "node2 10.0.0.2 connected 1 2 18446744073709551616 1 -",
            "node2 10.0.0.2 connected 1 2 3 1 auth failed",
            "\u{0}\u{1}\u{2}",
        ];
        for b in bad {
            let (v, w) = parse(&format!("{b}\nnode3 10.0.0.3 down - - 0 0 unreachable\n"));
            assert_eq!(v.len(), 1, "{b:?}");
            assert_eq!(v[0].host.unwrap().as_str(), "node3");
            assert_eq!(w.len(), 1, "{b:?}");
            assert!(w[0].starts_with("line 1 skipped"), "{w:?}");
        }
    }

    #[test]
    fn reads_the_file() {
        let d = tempfile::tempdir().unwrap();
        let k = Kernel::new(d.path());
        assert_eq!(k.peers().unwrap(), None);
        fs::write(d.path().join(PEERS), "").unwrap();
        assert_eq!(k.peers().unwrap(), Some(vec![]));
        fs::write(d.path().join(PEERS), b"node2 a down - - 0 0 -\n\xff\xfe\n").unwrap();
        assert_eq!(k.peers().unwrap().unwrap().len(), 1);
    }
}
