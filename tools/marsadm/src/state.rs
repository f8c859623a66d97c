//! Reading the /mars tree into plain structs: the cluster, each resource,
//! the wanted (`todo-HOST/`) and the reported (`actual-HOST/`) state.
//!
//! Missing, deleted (`.deleted`) or garbled values read as `None`: the view
//! shows them as unknown instead of failing.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use mars_core::lamport::Stamp;
use mars_core::names::{
    parse_entry_name, ActualKey, Entry, HostName, LogName, ResourceName, Switch, INVALIDATE,
    LOG_ROTATE,
};
use mars_core::replica::ReplicaFacts;
use mars_core::retention;
use mars_core::tree::{
    check_word, parse_log_number_value, parse_size, parse_switch, parse_u64, PrimaryValue,
    ReplayValue, NO_ERROR,
};

use crate::error::{Error, Result};
use crate::links::read_link;

/// Reads a link and parses it; unreadable or invalid values give `None`.
fn value<T, E>(path: &Path, parse: impl FnOnce(&str) -> Result<T, E>) -> Option<T> {
    read_link(path).ok().flatten().and_then(|s| parse(&s).ok())
}

/// Names in a directory, without dot entries; a missing directory is empty.
pub fn list_dir(dir: &Path) -> Result<Vec<String>> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("list", dir, e)),
    };
    let mut names = Vec::new();
    for ent in rd {
        let ent = ent.map_err(|e| Error::io("list", dir, e))?;
        if let Ok(n) = ent.file_name().into_string() {
            if !n.starts_with('.') {
                names.push(n);
            }
        }
    }
    names.sort();
    Ok(names)
}

/// Reported state of one host for one resource (`resource-RES/actual-HOST/`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Actual {
    /// `is-attached`.
    pub is_attached: Option<bool>,
    /// `is-primary`.
    pub is_primary: Option<bool>,
    /// `open-count`.
    pub open_count: Option<u64>,
    /// `state` (one word).
    pub state: Option<String>,
    /// `error`, `None` for `(none)`.
    pub error: Option<String>,
    /// `is-emergency`.
    pub is_emergency: Option<bool>,
    /// `log-number`.
    pub log_number: Option<u32>,
    /// `is-syncing`: a full sync runs.
    pub is_syncing: Option<bool>,
    /// `is-copying`: the log fetch runs.
    pub is_copying: Option<bool>,
    /// `is-replaying`: fetched logs are being replayed.
    pub is_replaying: Option<bool>,
    /// `sync-rate`: bytes per second of the full sync.
    pub sync_rate: Option<u64>,
    /// `fetch-lag`: bytes the primary has that this host has not fetched.
    pub fetch_lag: Option<u64>,
    /// `replay-lag`: bytes fetched, not yet replayed.
    pub replay_lag: Option<u64>,
    /// `lag-seconds`: how far behind the replica is in time.
    pub lag_seconds: Option<u64>,
    /// `connection`: the log fetch connection (one word).
    pub connection: Option<String>,
    /// `fetch-pos`: fetched up to this log position.
    pub fetch_pos: Option<ReplayValue>,
    /// `invalidated`: the last `todo-HOST/invalidate` request acted on.
    pub invalidated: Option<u64>,
}

impl Actual {
    /// Reads `dir` (an `actual-HOST/` directory); a missing one reads empty.
    pub fn read(dir: &Path) -> Actual {
        let p = |k: ActualKey| dir.join(k.as_str());
        Actual {
            is_attached: value(&p(ActualKey::IsAttached), parse_switch),
            is_primary: value(&p(ActualKey::IsPrimary), parse_switch),
            open_count: value(&p(ActualKey::OpenCount), parse_u64),
            state: value(&p(ActualKey::State), |s: &str| {
                check_word(s).map(|()| s.to_string())
            }),
            error: read_link(&p(ActualKey::Error))
                .ok()
                .flatten()
                .filter(|s| s != NO_ERROR && !s.is_empty()),
            is_emergency: value(&p(ActualKey::IsEmergency), parse_switch),
            log_number: value(&p(ActualKey::LogNumber), parse_log_number_value),
            is_syncing: value(&p(ActualKey::IsSyncing), parse_switch),
            is_copying: value(&p(ActualKey::IsCopying), parse_switch),
            is_replaying: value(&p(ActualKey::IsReplaying), parse_switch),
            sync_rate: value(&p(ActualKey::SyncRate), parse_u64),
            fetch_lag: value(&p(ActualKey::FetchLag), parse_u64),
            replay_lag: value(&p(ActualKey::ReplayLag), parse_u64),
            lag_seconds: value(&p(ActualKey::LagSeconds), parse_u64),
            connection: value(&p(ActualKey::Connection), |s: &str| {
                check_word(s).map(|()| s.to_string())
            }),
            fetch_pos: value(&p(ActualKey::FetchPos), ReplayValue::parse),
            invalidated: value(&p(ActualKey::Invalidated), parse_u64),
        }
    }

    /// The kernel's error for a resource in `state Error`: waiting for it to
    /// come up is pointless until the operator takes it down.
    pub fn failure(&self) -> Option<String> {
        (self.state.as_deref() == Some("Error")).then(|| {
            self.error
                .clone()
                .unwrap_or_else(|| "no reason given, see dmesg".into())
        })
    }

    /// A one-line description for timeout messages.
    pub fn describe(&self) -> String {
        let b = |v: Option<bool>| match v {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        };
        let mut s = format!(
            "state {}, attached {}, primary {}",
            self.state.as_deref().unwrap_or("unknown"),
            b(self.is_attached),
            b(self.is_primary)
        );
        if let Some(n) = self.open_count {
            s.push_str(&format!(", open count {n}"));
        }
        if let Some(n) = self.log_number {
            s.push_str(&format!(", log number {n}"));
        }
        match &self.error {
            Some(e) => s.push_str(&format!(", error: {e}")),
            None => s.push_str(", no error"),
        }
        s
    }
}

/// Wanted state of one host for one resource (`resource-RES/todo-HOST/`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Todo {
    /// `attach`.
    pub attach: Option<bool>,
    /// `connect`.
    pub connect: Option<bool>,
    /// `allow-replay`.
    pub allow_replay: Option<bool>,
    /// `sync`.
    pub sync: Option<bool>,
    /// `log-rotate`.
    pub log_rotate: Option<u32>,
    /// `invalidate`: the last invalidate request (a counter).
    pub invalidate: Option<u64>,
}

impl Todo {
    /// Reads a `todo-HOST/` directory.
    pub fn read(dir: &Path) -> Todo {
        let sw = |s: Switch| value(&dir.join(s.as_str()), parse_switch);
        Todo {
            attach: sw(Switch::Attach),
            connect: sw(Switch::Connect),
            allow_replay: sw(Switch::AllowReplay),
            sync: sw(Switch::Sync),
            log_rotate: value(&dir.join(LOG_ROTATE), parse_log_number_value),
            invalidate: value(&dir.join(INVALIDATE), parse_u64),
        }
    }

    /// The value of switch `sw`.
    pub fn switch(&self, sw: Switch) -> Option<bool> {
        match sw {
            Switch::Attach => self.attach,
            Switch::Connect => self.connect,
            Switch::Sync => self.sync,
            Switch::AllowReplay => self.allow_replay,
        }
    }
}

/// A transaction log file and its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogFile {
    /// Number and origin host.
    pub log: LogName,
    /// Size in bytes.
    pub size: u64,
}

/// Everything in `resource-RES/`.
#[derive(Clone, Debug)]
pub struct Resource {
    /// The resource name.
    pub name: ResourceName,
    /// Its directory.
    pub dir: PathBuf,
    /// `size`.
    pub size: Option<u64>,
    /// `primary`.
    pub primary: Option<PrimaryValue>,
    /// `data-HOST` per member host.
    pub data: BTreeMap<HostName, String>,
    /// `device-HOST`.
    pub device: BTreeMap<HostName, String>,
    /// `replay-HOST`.
    pub replay: BTreeMap<HostName, ReplayValue>,
    /// `syncstatus-HOST`: bytes of HOST's disk known to equal the
    /// primary's.
    pub syncstatus: BTreeMap<HostName, u64>,
    /// `syncpos-HOST`: the primary's log position when HOST's sync ended.
    pub syncpos: BTreeMap<HostName, ReplayValue>,
    /// Log files sorted by number, then host.
    pub logs: Vec<LogFile>,
    /// `version-N-HOST` links.
    pub versions: Vec<LogName>,
    /// `todo-HOST/`.
    pub todo: BTreeMap<HostName, Todo>,
    /// `actual-HOST/`.
    pub actual: BTreeMap<HostName, Actual>,
}

impl Resource {
    /// Reads `resource-RES/`; `None` if it does not exist.
    pub fn read(mars: &Path, name: &ResourceName) -> Result<Option<Resource>> {
        let dir = mars.join(format!("resource-{name}"));
        if !dir.is_dir() {
            return Ok(None);
        }
        let mut r = Resource {
            name: *name,
            dir: dir.clone(),
            size: None,
            primary: None,
            data: BTreeMap::new(),
            device: BTreeMap::new(),
            replay: BTreeMap::new(),
            syncstatus: BTreeMap::new(),
            syncpos: BTreeMap::new(),
            logs: Vec::new(),
            versions: Vec::new(),
            todo: BTreeMap::new(),
            actual: BTreeMap::new(),
        };
        for n in list_dir(&dir)? {
            let p = dir.join(&n);
            let Ok(entry) = parse_entry_name(&n) else {
                continue;
            };
            match entry {
                Entry::Size => r.size = value(&p, parse_size),
                Entry::Primary => r.primary = value(&p, PrimaryValue::parse),
                Entry::Data(h) => {
                    if let Some(v) = read_link(&p).ok().flatten() {
                        r.data.insert(h, v);
                    }
                }
                Entry::Device(h) => {
                    if let Some(v) = read_link(&p).ok().flatten() {
                        r.device.insert(h, v);
                    }
                }
                Entry::Replay(h) => {
                    if let Some(v) = value(&p, ReplayValue::parse) {
                        r.replay.insert(h, v);
                    }
                }
                Entry::SyncStatus(h) => {
                    if let Some(v) = value(&p, parse_u64) {
                        r.syncstatus.insert(h, v);
                    }
                }
                Entry::SyncPos(h) => {
                    if let Some(v) = value(&p, ReplayValue::parse) {
                        r.syncpos.insert(h, v);
                    }
                }
                Entry::Log(log) => {
                    if let Ok(m) = fs::symlink_metadata(&p) {
                        if m.is_file() {
                            r.logs.push(LogFile { log, size: m.len() });
                        }
                    }
                }
                Entry::Version(log) => r.versions.push(log),
                Entry::Todo(h) => {
                    r.todo.insert(h, Todo::read(&p));
                }
                Entry::Actual(h) => {
                    r.actual.insert(h, Actual::read(&p));
                }
                _ => {}
            }
        }
        r.logs.sort_by_key(|l| l.log);
        r.versions.sort();
        Ok(Some(r))
    }

    /// Reported state of `host` (empty if the kernel never reported).
    pub fn actual_of(&self, host: &HostName) -> Actual {
        self.actual.get(host).cloned().unwrap_or_default()
    }

    /// Wanted state of `host`.
    pub fn todo_of(&self, host: &HostName) -> Todo {
        self.todo.get(host).cloned().unwrap_or_default()
    }

    /// Whether `host` is a member (has a `data-HOST` link).
    pub fn is_member(&self, host: &HostName) -> bool {
        self.data.contains_key(host)
    }

    /// Bytes of log that `host` has not yet written back to its disk.
    pub fn writeback_lag(&self, host: &HostName) -> u64 {
        retention::writeback_lag(
            self.logs.iter().map(|l| (l.log, l.size)),
            self.replay.get(host),
        )
    }

    /// What the tree says about `host`'s replica (for
    /// [`mars_core::replica`]).
    pub fn replica_facts(&self, host: &HostName) -> ReplicaFacts {
        let a = self.actual.get(host);
        ReplicaFacts {
            size: self.size,
            syncstatus: self.syncstatus.get(host).copied(),
            syncpos: self.syncpos.get(host).copied(),
            replay: self.replay.get(host).copied(),
            designated_primary: self.primary == Some(PrimaryValue::Host(*host)),
            attached: a.and_then(|a| a.is_attached),
            fetch_lag: a.and_then(|a| a.fetch_lag),
            replay_lag: a.and_then(|a| a.replay_lag),
        }
    }

    /// Whether `host` is the designated primary (`primary` -> HOST).
    pub fn is_designated_primary(&self, host: &HostName) -> bool {
        self.primary == Some(PrimaryValue::Host(*host))
    }

    /// Total size of all log files.
    pub fn log_bytes(&self) -> u64 {
        self.logs
            .iter()
            .map(|l| l.size)
            .fold(0, u64::saturating_add)
    }
}

/// Reported global state of a host (`/mars/actual-HOST/`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostActual {
    /// `alive`: stamp of the module's last scan.
    pub alive: Option<Stamp>,
    /// `rest-space`: free bytes in /mars.
    pub rest_space: Option<u64>,
    /// `total-space`: size of /mars.
    pub total_space: Option<u64>,
    /// `is-emergency`.
    pub is_emergency: Option<bool>,
}

impl HostActual {
    /// Reads `/mars/actual-HOST/`.
    pub fn read(dir: &Path) -> HostActual {
        let p = |k: ActualKey| dir.join(k.as_str());
        HostActual {
            alive: value(&p(ActualKey::Alive), |s: &str| s.parse::<Stamp>()),
            rest_space: value(&p(ActualKey::RestSpace), parse_u64),
            total_space: value(&p(ActualKey::TotalSpace), parse_u64),
            is_emergency: value(&p(ActualKey::IsEmergency), parse_switch),
        }
    }
}

/// The cluster as seen in /mars.
#[derive(Clone, Debug, Default)]
pub struct Cluster {
    /// `uuid` (None: no cluster here).
    pub uuid: Option<String>,
    /// `ips/ip-HOST` per host.
    pub ips: BTreeMap<HostName, String>,
    /// `actual-HOST/` per host.
    pub hosts: BTreeMap<HostName, HostActual>,
    /// Names of all `resource-RES/` directories.
    pub resources: Vec<ResourceName>,
}

impl Cluster {
    /// Reads the global part of the tree.
    pub fn read(mars: &Path) -> Result<Cluster> {
        let mut c = Cluster {
            uuid: read_link(&mars.join("uuid"))
                .map_err(|e| Error::io("read", &mars.join("uuid"), e))?,
            ..Cluster::default()
        };
        let ips = mars.join("ips");
        for n in list_dir(&ips)? {
            if let Ok(Entry::Ip(h)) = parse_entry_name(&n) {
                if let Some(v) = read_link(&ips.join(&n)).ok().flatten() {
                    c.ips.insert(h, v);
                }
            }
        }
        for n in list_dir(mars)? {
            match parse_entry_name(&n) {
                Ok(Entry::Resource(r)) if mars.join(&n).is_dir() => c.resources.push(r),
                Ok(Entry::Actual(h)) => {
                    c.hosts.insert(h, HostActual::read(&mars.join(&n)));
                }
                _ => {}
            }
        }
        c.resources.sort();
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lag_uses_the_hosts_replay_link() {
        let a = HostName::new("a").unwrap();
        let b = HostName::new("b").unwrap();
        let log = |number, size| LogFile {
            log: LogName { number, host: a },
            size,
        };
        let r = Resource {
            name: ResourceName::new("r0").unwrap(),
            dir: PathBuf::from("/nonexistent"),
            size: None,
            primary: None,
            data: BTreeMap::new(),
            device: BTreeMap::new(),
            replay: [(a, ReplayValue::parse("log-000000002-a,400,1000").unwrap())].into(),
            syncstatus: BTreeMap::new(),
            syncpos: BTreeMap::new(),
            logs: vec![log(1, 100), log(2, 1000), log(3, 50)],
            versions: Vec::new(),
            todo: BTreeMap::new(),
            actual: BTreeMap::new(),
        };
        assert_eq!(r.writeback_lag(&a), 600 + 50);
        assert_eq!(r.writeback_lag(&b), 1150);
        assert_eq!(r.log_bytes(), 1150);
    }
}
