//! The per-member part of `view`: role, disk state, connection, sync
//! progress, lags, paused switches and the logs a member holds back.
//! The JSON field names are part of the stable `view --json` interface
//! (docs/schema/view.schema.json, `$defs/replica`).

use serde::Serialize;

use mars_core::names::HostName;
use mars_core::replica::{disk_state, is_consistent, sync_complete, sync_eta, sync_permille};

use crate::state::Resource;

/// A running or unfinished full sync.
#[derive(Clone, Debug, Serialize)]
pub struct SyncReport {
    /// Bytes known to equal the primary's (`syncstatus-HOST`).
    pub done_bytes: u64,
    /// Progress in percent of the resource size (one decimal).
    pub percent: f64,
    /// Whether the kernel reports the sync running (`is-syncing`).
    pub running: Option<bool>,
    /// Bytes per second (`sync-rate`), null if not reported.
    pub rate_bytes_per_second: Option<u64>,
    /// Seconds left at that rate, null if unknown.
    pub eta_seconds: Option<u64>,
}

/// Which switches of the member are off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PausedReport {
    /// `todo-HOST/connect` is 0.
    pub fetch: bool,
    /// `todo-HOST/allow-replay` is 0.
    pub replay: bool,
    /// `todo-HOST/sync` is 0.
    pub sync: bool,
}

impl PausedReport {
    /// Whether anything is paused.
    pub fn any(&self) -> bool {
        self.fetch || self.replay || self.sync
    }
}

/// One member (`data-HOST`) of a resource.
#[derive(Clone, Debug, Serialize)]
pub struct ReplicaReport {
    /// Host name.
    pub host: String,
    /// Whether this is the host marsadm runs on.
    pub this_host: bool,
    /// `primary` (the designated primary) or `secondary`.
    pub role: String,
    /// UpToDate, Outdated, Inconsistent, Detached or Unknown.
    pub disk: String,
    /// Whether the copy is consistent (sync complete, replayed past the
    /// sync's end position); an attached primary is.
    pub consistent: bool,
    /// The member's kernel state word, null if not reported.
    pub state: Option<String>,
    /// Its log fetch connection (`connected`, `connecting`, `down`,
    /// `paused`, `none`), null if not reported.
    pub connection: Option<String>,
    /// The full sync, null when none is needed.
    pub sync: Option<SyncReport>,
    /// Log bytes the primary has that it has not fetched.
    pub fetch_lag_bytes: Option<u64>,
    /// Log bytes fetched, not yet replayed.
    pub replay_lag_bytes: Option<u64>,
    /// How many seconds it is behind.
    pub lag_seconds: Option<u64>,
    /// Switches that are off.
    pub paused: PausedReport,
    /// Log bytes (of the logs here) it has not written back: what it
    /// holds back from deletion.
    pub logs_held_bytes: u64,
    /// Its kernel's error message, null if none.
    pub error: Option<String>,
}

/// Builds the report of one member.
pub fn replica(r: &Resource, host: &HostName, me: &HostName) -> ReplicaReport {
    let a = r.actual_of(host);
    let t = r.todo_of(host);
    let facts = r.replica_facts(host);
    let primary = r.is_designated_primary(host);
    let sync = match (facts.syncstatus, r.size) {
        (Some(done), size) if !sync_complete(size, Some(done)) => Some(SyncReport {
            done_bytes: done,
            percent: size.map_or(0.0, |s| sync_permille(s, done) as f64 / 10.0),
            running: a.is_syncing,
            rate_bytes_per_second: a.sync_rate,
            eta_seconds: match (size, a.sync_rate) {
                (Some(s), Some(rate)) => sync_eta(s, done, rate),
                _ => None,
            },
        }),
        _ => None,
    };
    ReplicaReport {
        host: host.to_string(),
        this_host: host == me,
        role: if primary { "primary" } else { "secondary" }.to_string(),
        disk: disk_state(&facts).as_str().to_string(),
        consistent: primary || is_consistent(&facts),
        state: a.state.clone(),
        connection: a.connection.clone(),
        sync,
        fetch_lag_bytes: a.fetch_lag,
        replay_lag_bytes: a.replay_lag,
        lag_seconds: a.lag_seconds,
        paused: PausedReport {
            fetch: t.connect == Some(false),
            replay: t.allow_replay == Some(false),
            sync: t.sync == Some(false),
        },
        logs_held_bytes: r.writeback_lag(host),
        error: a.error.clone(),
    }
}

/// Every member of the resource, in host order.
pub fn replicas(r: &Resource, me: &HostName) -> Vec<ReplicaReport> {
    r.data.keys().map(|h| replica(r, h, me)).collect()
}
