//! The state of a replica (a member's copy of a resource's data), decided
//! from the tree alone: whether it is consistent and how far it is behind.
//!
//! A member `S` is **consistent** when its full sync is complete
//! (`syncstatus-S` absent: it never needed one, as the creator; or at least
//! the resource's `size`) and it has replayed past the primary's log
//! position at the end of that sync (`syncpos-S` absent, or `replay-S`
//! at or past it by (log number, position)). A consistent replica with
//! nothing left to fetch or replay is up to date; one behind is outdated.

use super::tree::ReplayValue;

/// The disk state of one member, as `marsadm view` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiskState {
    /// The primary's attached disk, or a consistent replica with nothing
    /// left to fetch or replay.
    UpToDate,
    /// Consistent, but behind the primary (or the lag is not reported).
    Outdated,
    /// A full sync is incomplete, or the replay has not reached the sync's
    /// end position: the data must not be used.
    Inconsistent,
    /// The disk is not attached.
    Detached,
    /// The member's kernel has not reported whether the disk is attached.
    Unknown,
}

impl DiskState {
    /// The state's word (`UpToDate`, `Outdated`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            DiskState::UpToDate => "UpToDate",
            DiskState::Outdated => "Outdated",
            DiskState::Inconsistent => "Inconsistent",
            DiskState::Detached => "Detached",
            DiskState::Unknown => "Unknown",
        }
    }
}

/// What the tree says about one member.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReplicaFacts {
    /// The resource's `size` (`None`: not readable).
    pub size: Option<u64>,
    /// `syncstatus-S` (`None`: absent).
    pub syncstatus: Option<u64>,
    /// `syncpos-S` (`None`: absent).
    pub syncpos: Option<ReplayValue>,
    /// `replay-S` (`None`: absent).
    pub replay: Option<ReplayValue>,
    /// Whether S is the designated primary (`primary` -> S).
    pub designated_primary: bool,
    /// `actual-S/is-attached` (`None`: not reported).
    pub attached: Option<bool>,
    /// `actual-S/fetch-lag` (`None`: not reported).
    pub fetch_lag: Option<u64>,
    /// `actual-S/replay-lag` (`None`: not reported).
    pub replay_lag: Option<u64>,
}

/// Whether the full sync is complete: no `syncstatus`, or at least `size`.
/// With an unknown size a present `syncstatus` proves nothing.
pub fn sync_complete(size: Option<u64>, syncstatus: Option<u64>) -> bool {
    match (syncstatus, size) {
        (None, _) => true,
        (Some(done), Some(size)) => done >= size,
        (Some(_), None) => false,
    }
}

/// Whether the replica is consistent (see the module documentation).
pub fn is_consistent(f: &ReplicaFacts) -> bool {
    let replayed = match (&f.syncpos, &f.replay) {
        (None, _) => true,
        (Some(end), Some(at)) => at.reached(end),
        (Some(_), None) => false,
    };
    sync_complete(f.size, f.syncstatus) && replayed
}

/// The disk state of a member.
pub fn disk_state(f: &ReplicaFacts) -> DiskState {
    match f.attached {
        None => DiskState::Unknown,
        Some(false) => DiskState::Detached,
        Some(true) if f.designated_primary => DiskState::UpToDate,
        Some(true) if !is_consistent(f) => DiskState::Inconsistent,
        Some(true) if f.fetch_lag == Some(0) && f.replay_lag == Some(0) => DiskState::UpToDate,
        Some(true) => DiskState::Outdated,
    }
}

/// Seconds until a sync at `rate` bytes/s finishes the `size - done`
/// bytes left (`None`: no rate, or nothing left).
pub fn sync_eta(size: u64, done: u64, rate: u64) -> Option<u64> {
    let left = size.checked_sub(done).filter(|&l| l > 0)?;
    let whole = left.checked_div(rate)?;
    let part = left.checked_rem(rate).map_or(0, |r| u64::from(r != 0));
    Some(whole.saturating_add(part))
}

/// Sync progress in per mille (0..=1000) of `size`, `done` capped at it.
pub fn sync_permille(size: u64, done: u64) -> u64 {
    if size == 0 {
        return 1000;
    }
    let done = u128::from(done.min(size));
    let pm = done
        .saturating_mul(1000)
        .checked_div(u128::from(size))
        .unwrap_or(1000);
    u64::try_from(pm).unwrap_or(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rv(s: &str) -> ReplayValue {
        ReplayValue::parse(s).unwrap()
    }

    fn attached_secondary() -> ReplicaFacts {
        ReplicaFacts {
            size: Some(1000),
            attached: Some(true),
            fetch_lag: Some(0),
            replay_lag: Some(0),
            ..ReplicaFacts::default()
        }
    }

    #[test]
    fn consistency() {
        let mut f = attached_secondary();
        assert!(is_consistent(&f));
        assert_eq!(disk_state(&f), DiskState::UpToDate);
        f.syncstatus = Some(999);
        assert!(!is_consistent(&f));
        assert_eq!(disk_state(&f), DiskState::Inconsistent);
        f.syncstatus = Some(1000);
        f.syncpos = Some(rv("log-000000002-p,500,600"));
        assert!(!is_consistent(&f), "no replay position yet");
        f.replay = Some(rv("log-000000002-s,499,600"));
        assert!(!is_consistent(&f));
        f.replay = Some(rv("log-000000002-s,500,500"));
        assert!(is_consistent(&f));
        f.replay = Some(rv("log-000000003-s,0,0"));
        assert!(is_consistent(&f));
        f.replay_lag = Some(1);
        assert_eq!(disk_state(&f), DiskState::Outdated);
        f.replay_lag = None;
        assert_eq!(disk_state(&f), DiskState::Outdated);
        f.size = None;
        assert_eq!(disk_state(&f), DiskState::Inconsistent);
        f.attached = Some(false);
        assert_eq!(disk_state(&f), DiskState::Detached);
        f.attached = None;
        assert_eq!(disk_state(&f), DiskState::Unknown);
        let p = ReplicaFacts {
            designated_primary: true,
            attached: Some(true),
            ..ReplicaFacts::default()
        };
        assert_eq!(disk_state(&p), DiskState::UpToDate);
        assert_eq!(DiskState::Inconsistent.as_str(), "Inconsistent");
    }

    #[test]
    fn progress() {
        assert_eq!(sync_permille(1000, 500), 500);
        assert_eq!(sync_permille(1000, 5000), 1000);
        assert_eq!(sync_permille(0, 0), 1000);
        assert_eq!(sync_permille(u64::MAX, u64::MAX - 1), 999);
        assert_eq!(sync_eta(1000, 500, 100), Some(5));
        assert_eq!(sync_eta(1000, 501, 100), Some(5));
        assert_eq!(sync_eta(1000, 499, 100), Some(6));
        assert_eq!(sync_eta(1000, 500, 0), None);
        assert_eq!(sync_eta(1000, 1000, 10), None);
    }
}
