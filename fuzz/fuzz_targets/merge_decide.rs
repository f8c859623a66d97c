//! Fuzz the merge rule and the secret parser: arbitrary paths, targets,
//! host names and stamps into `merge::decide` (and `owner`, `relayable`),
//! arbitrary bytes into `auth::parse_secret`: never a panic, and every
//! answer consistent with the documented rule.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mars_core::auth::{format_secret, parse_secret};
use mars_core::lamport::Stamp;
use mars_core::merge::{decide, is_exchanged, owner, relayable, wins, Decision, Refusal};
use mars_core::names::HostName;

/// A stamp from 12 bytes at `at`: sec u64 LE, nsec u32 LE (kept raw:
/// invalid stamps must be refused, not panic).
fn stamp(d: &[u8], at: usize) -> Stamp {
    let mut b = [0u8; 12];
    for (i, x) in b.iter_mut().enumerate() {
        *x = d.get(at + i).copied().unwrap_or(0);
    }
    let (sec, nsec) = b.split_at(8);
    Stamp {
        sec: u64::from_le_bytes(sec.try_into().unwrap()),
        nsec: u32::from_le_bytes(nsec.try_into().unwrap()),
    }
}

fn host(s: &str, fallback: &str) -> HostName {
    HostName::new(s).unwrap_or_else(|_| HostName::new(fallback).unwrap())
}

fuzz_target!(|data: &[u8]| {
    if let Ok(secret) = parse_secret(data) {
        assert_eq!(&format_secret(&secret)[..], data);
    }
    if data.len() < 48 {
        return;
    }
    let (nums, rest) = data.split_at(48);
    let (st, local_st, now, fut) = (
        stamp(nums, 0),
        stamp(nums, 12),
        stamp(nums, 24),
        stamp(nums, 36),
    );
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.split('\u{0}');
    let mut next = || parts.next().unwrap_or("");
    let (me, sender, path, target, local_target) = (next(), next(), next(), next(), next());
    let (me, sender) = (host(me, "a"), host(sender, "b"));
    let _ = owner(path);
    let exchanged = is_exchanged(path);
    if relayable(&me, path) {
        assert!(exchanged);
    }
    let local = (!local_target.is_empty()).then_some((local_st, local_target));
    match decide(&me, &sender, path, st, target, local, now, fut) {
        Ok(d) => {
            assert!(exchanged && st.is_valid());
            assert_eq!(owner(path).ok().flatten().is_none_or(|o| o == sender), true);
            let adopt = local.is_none_or(|l| wins((st, target), l));
            assert_eq!(d == Decision::Adopt, adopt);
        }
        Err(Refusal::FromFuture) => assert!(st > now && st > fut),
        Err(Refusal::WrongSender | Refusal::OwnEntry) => {
            assert!(owner(path).ok().flatten().is_some())
        }
        Err(_) => {}
    }
});
