//! Finding this host's IPv4 address for `ips/ip-HOST`.
//!
//! The local addresses are read from `/proc/net/fib_trie` (leaves followed
//! by a `/32 host LOCAL` line); the first one outside 127.0.0.0/8 wins,
//! else 127.0.0.1. No external command and no unsafe code needed.

use std::net::Ipv4Addr;

/// Local IPv4 addresses listed in a `/proc/net/fib_trie` text, in order,
/// without duplicates.
pub fn local_addrs_from_fib_trie(text: &str) -> Vec<Ipv4Addr> {
    let mut out = Vec::new();
    let mut leaf: Option<Ipv4Addr> = None;
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(a) = t.strip_prefix("|-- ") {
            leaf = a.trim().parse().ok();
        } else if t.starts_with("/32 host LOCAL") {
            if let Some(a) = leaf {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
        } else if !t.starts_with('/') {
            leaf = None;
        }
    }
    out
}

/// The first address of `addrs` outside 127.0.0.0/8.
pub fn first_non_loopback(addrs: &[Ipv4Addr]) -> Option<Ipv4Addr> {
    addrs.iter().copied().find(|a| !a.is_loopback())
}

/// The first non-loopback IPv4 address of this host, if it has one.
pub fn non_loopback_ip() -> Option<Ipv4Addr> {
    std::fs::read_to_string("/proc/net/fib_trie")
        .ok()
        .and_then(|t| first_non_loopback(&local_addrs_from_fib_trie(&t)))
}

/// The first non-loopback IPv4 address of this host, else 127.0.0.1.
pub fn default_ip() -> Ipv4Addr {
    non_loopback_ip().unwrap_or(Ipv4Addr::LOCALHOST)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "Main:
  +-- 0.0.0.0/0 3 0 5
     |-- 0.0.0.0
        /0 universe UNICAST
     +-- 127.0.0.0/8 2 0 2
        +-- 127.0.0.0/31 1 0 0
           |-- 127.0.0.0
              /8 host LOCAL
           |-- 127.0.0.1
              /32 host LOCAL
        |-- 127.255.255.255
           /32 link BROADCAST
     +-- 10.0.0.0/24 2 0 2
        |-- 10.0.0.0
           /24 link UNICAST
        |-- 10.0.0.2
           /32 host LOCAL
        |-- 10.0.0.255
           /32 link BROADCAST
Local:
  +-- 0.0.0.0/0 3 0 5
        |-- 10.0.0.2
           /32 host LOCAL
";

    #[test]
    fn parses_fib_trie() {
        let v = local_addrs_from_fib_trie(SAMPLE);
        assert_eq!(
            v,
            vec![Ipv4Addr::new(127, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2)]
        );
        assert!(local_addrs_from_fib_trie("").is_empty());
        assert_eq!(first_non_loopback(&v), Some(Ipv4Addr::new(10, 0, 0, 2)));
        assert_eq!(first_non_loopback(&v[..1]), None);
        assert_eq!(first_non_loopback(&[]), None);
    }
}
