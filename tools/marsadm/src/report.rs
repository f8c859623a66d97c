//! The status report behind `view`: built from the tree, printed as text
//! (see `render`) or as JSON. The JSON field names are a stable interface
//! (schema 1, documented in docs/user-guide.md); add fields, never rename.

use serde::Serialize;

use mars_core::names::{HostName, JOIN_VIA};
use mars_core::tree::PrimaryValue;

use crate::config::Ctx;
use crate::links::{now_stamp, read_link};
use crate::peers::Peer;
use crate::replicas::{replicas, ReplicaReport};
use crate::state::{Cluster, Resource};

/// Version of the JSON schema.
pub const SCHEMA: u32 = 1;

/// How text output (`view`, the `view-*` macros, `check`) shows a value
/// the kernel has not reported; JSON has `null` there.
pub const UNKNOWN: &str = "unknown";

/// Everything `view` shows.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Schema version ([`SCHEMA`]).
    pub schema: u32,
    /// This host's name.
    pub host: String,
    /// Whether the kernel module is loaded (if not, the reported state is
    /// from its last run).
    pub module_loaded: bool,
    /// marsadm's version.
    pub marsadm_version: String,
    /// The loaded module's version; null if it is not loaded or does not
    /// say.
    pub module_version: Option<String>,
    /// Cluster-wide information.
    pub cluster: ClusterReport,
    /// The resources shown.
    pub resources: Vec<ResourceReport>,
}

/// Cluster-wide information.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterReport {
    /// Cluster uuid.
    pub uuid: Option<String>,
    /// The metadata directory.
    pub mars_dir: String,
    /// Free bytes in /mars (kernel's report, else statvfs).
    pub free_bytes: Option<u64>,
    /// Size of /mars in bytes.
    pub total_bytes: Option<u64>,
    /// Whether this host's module is in emergency mode (/mars full).
    pub emergency: Option<bool>,
    /// Whether /mars is mounted read-only (after an I/O error, ext4
    /// remounts it so): the kernel can then report nothing in it, and the
    /// states shown may be stale.
    pub read_only: bool,
    /// Member hosts.
    pub hosts: Vec<HostReport>,
    /// Whether this host (`--host`, else `uname -n`) is a member
    /// (`ips/ip-HOST`); if not, everything shown is as this host would see
    /// it, which is mostly nothing.
    pub this_host_member: bool,
    /// The `join-via` address while `join-cluster` has not finished.
    pub joining_via: Option<String>,
    /// Whether the module reports its connections
    /// (`/proc/sys/mars/peers`); if not, every `connection` is null.
    pub peers_reported: bool,
    /// Connections of the module to hosts not in `hosts` (the join peer,
    /// a host that left).
    pub unlisted_peers: Vec<UnlistedPeer>,
}

/// This host's module's connection to a peer (a line of
/// `/proc/sys/mars/peers`).
#[derive(Clone, Debug, Serialize)]
pub struct ConnectionReport {
    /// The address connected to.
    pub address: String,
    /// `connected`, `connecting`, `down` or `refused`.
    pub state: String,
    /// Milliseconds since the last frame from the peer; null: never.
    pub last_contact_ms_ago: Option<u64>,
    /// The peer's real-time clock minus ours, in ms; null: unknown.
    pub clock_offset_ms: Option<i64>,
    /// Round trips completed since the module was loaded.
    pub rounds: u64,
    /// Whether the peer has every change this host made before the last
    /// round started.
    pub synced: bool,
    /// Why it is not connected (`auth-failed`, `uuid-mismatch`,
    /// `no-secret`, `timeout`, `refused`, `unreachable`, `bad-frame`,
    /// `closed`); null if it is.
    pub reason: Option<String>,
}

impl From<&Peer> for ConnectionReport {
    fn from(p: &Peer) -> Self {
        ConnectionReport {
            address: p.addr.clone(),
            state: p.state.clone(),
            last_contact_ms_ago: p.last_ms,
            clock_offset_ms: p.offset_ms,
            rounds: p.rounds,
            synced: p.synced,
            reason: p.reason.clone(),
        }
    }
}

/// A connection to a host that is not (yet) in ips/.
#[derive(Clone, Debug, Serialize)]
pub struct UnlistedPeer {
    /// Its host name; null before it answered.
    pub host: Option<String>,
    /// The connection.
    pub connection: ConnectionReport,
}

/// A cluster member.
#[derive(Clone, Debug, Serialize)]
pub struct HostReport {
    /// Host name.
    pub name: String,
    /// Its address (`ips/ip-HOST`).
    pub ip: Option<String>,
    /// Whether this is the host marsadm runs on.
    pub this_host: bool,
    /// Seconds since its module was last seen: 0 for this host while the
    /// module is loaded, else from `actual-HOST/alive`.
    pub alive_seconds_ago: Option<u64>,
    /// This host's connection to it; null for this host, and when the
    /// module does not report one.
    pub connection: Option<ConnectionReport>,
}

/// One log file.
#[derive(Clone, Debug, Serialize)]
pub struct LogReport {
    /// File name, `log-NNNNNNNNN-HOST`.
    pub name: String,
    /// Log number.
    pub number: u32,
    /// Host that wrote it.
    pub host: String,
    /// Size in bytes.
    pub size_bytes: u64,
}

/// How far this host has written the log back to its disk.
#[derive(Clone, Debug, Serialize)]
pub struct ReplayReport {
    /// The log being written back.
    pub log: String,
    /// Bytes of that log applied.
    pub position: u64,
    /// Length of that log when reported.
    pub length: u64,
}

/// One resource as seen from this host.
#[derive(Clone, Debug, Serialize)]
pub struct ResourceReport {
    /// Resource name.
    pub name: String,
    /// `primary`, `secondary`, `none` or `unknown` (from the kernel's
    /// report).
    pub role: String,
    /// The `primary` link: designated primary host, or null for `(none)`.
    pub designated_primary: Option<String>,
    /// Kernel state word: Up, Down, Recovering, Emergency, Error; Unknown
    /// if the kernel has not reported.
    pub state: String,
    /// Whether the disk is attached (kernel report).
    pub attached: Option<bool>,
    /// Whether the disk should be attached (`todo-HOST/attach`).
    pub wanted_attached: Option<bool>,
    /// Whether this host is primary (kernel report).
    pub primary: Option<bool>,
    /// How often /dev/mars/RES is open.
    pub open_count: Option<u64>,
    /// Backing block device on this host.
    pub data_device: Option<String>,
    /// Path of the MARS device on this host.
    pub device: Option<String>,
    /// Whether the MARS device node exists.
    pub device_present: bool,
    /// Size in bytes.
    pub size_bytes: Option<u64>,
    /// Current log number (kernel report).
    pub log_number: Option<u32>,
    /// Log files, oldest first.
    pub logs: Vec<LogReport>,
    /// Sum of the log sizes.
    pub log_bytes: u64,
    /// Writeback position of this host, null if not reported.
    pub replay: Option<ReplayReport>,
    /// Log bytes not yet written back on this host.
    pub writeback_lag_bytes: u64,
    /// Emergency mode (kernel report).
    pub emergency: Option<bool>,
    /// The kernel's error message, null if none.
    pub error: Option<String>,
    /// Member hosts (`data-HOST` links).
    pub members: Vec<String>,
    /// Each member's replica: role, disk state, sync, lags, pauses.
    pub replicas: Vec<ReplicaReport>,
}

/// The role word from the kernel's report ([`UNKNOWN`] if it reported
/// neither).
pub fn role(primary: Option<bool>, attached: Option<bool>) -> &'static str {
    match (primary, attached) {
        (Some(true), _) => "primary",
        (_, Some(true)) => "secondary",
        (None, None) => UNKNOWN,
        _ => "none",
    }
}

fn statvfs_space(ctx: &Ctx) -> (Option<u64>, Option<u64>) {
    match rustix::fs::statvfs(&ctx.mars) {
        Ok(s) => (
            Some(s.f_bavail.saturating_mul(s.f_frsize)),
            Some(s.f_blocks.saturating_mul(s.f_frsize)),
        ),
        Err(_) => (None, None),
    }
}

/// Builds the cluster part.
pub fn cluster_report(ctx: &Ctx, c: &Cluster) -> ClusterReport {
    let peers = if ctx.kernel.is_loaded() {
        ctx.kernel.peers().ok().flatten()
    } else {
        None
    };
    let listed = |p: &Peer| {
        p.host
            .is_some_and(|h| h != ctx.host && c.ips.contains_key(&h))
    };
    let me = c.hosts.get(&ctx.host);
    let (mut free, mut total) = (
        me.and_then(|a| a.rest_space),
        me.and_then(|a| a.total_space),
    );
    if free.is_none() || total.is_none() {
        (free, total) = statvfs_space(ctx);
    }
    let now = now_stamp();
    let mut names: Vec<HostName> = c.ips.keys().copied().collect();
    for h in c.hosts.keys() {
        if !names.contains(h) {
            names.push(*h);
        }
    }
    names.sort();
    let hosts = names
        .iter()
        .map(|h| HostReport {
            name: h.to_string(),
            ip: c.ips.get(h).cloned(),
            this_host: *h == ctx.host,
            // This host's module is seen right now if it is loaded; other
            // hosts' liveness comes from their `alive` links.
            alive_seconds_ago: if *h == ctx.host && ctx.kernel.is_loaded() {
                Some(0)
            } else {
                c.hosts
                    .get(h)
                    .and_then(|a| a.alive)
                    .map(|s| now.sec.saturating_sub(s.sec))
            },
            connection: peers
                .iter()
                .flatten()
                .find(|p| p.host == Some(*h) && *h != ctx.host)
                .map(ConnectionReport::from),
        })
        .collect();
    ClusterReport {
        this_host_member: c.ips.contains_key(&ctx.host),
        uuid: c.uuid.clone(),
        mars_dir: ctx.mars.display().to_string(),
        free_bytes: free,
        total_bytes: total,
        emergency: me.and_then(|a| a.is_emergency),
        read_only: rustix::fs::statvfs(&ctx.mars)
            .is_ok_and(|s| s.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY)),
        hosts,
        joining_via: read_link(&ctx.path(JOIN_VIA)).ok().flatten(),
        peers_reported: peers.is_some(),
        unlisted_peers: peers
            .iter()
            .flatten()
            .filter(|p| !listed(p) && p.host != Some(ctx.host))
            .map(|p| UnlistedPeer {
                host: p.host.map(|h| h.to_string()),
                connection: p.into(),
            })
            .collect(),
    }
}

/// Builds one resource's part, as seen from this host.
pub fn resource_report(ctx: &Ctx, r: &Resource) -> ResourceReport {
    let host = ctx.host;
    let a = r.actual_of(&host);
    let dev_name = r.device.get(&host).cloned();
    let device = dev_name
        .as_ref()
        .map(|d| ctx.device_node(d).display().to_string());
    let device_present = dev_name
        .as_ref()
        .is_some_and(|d| ctx.device_node(d).exists());
    ResourceReport {
        name: r.name.to_string(),
        role: role(a.is_primary, a.is_attached).to_string(),
        designated_primary: match r.primary {
            Some(PrimaryValue::Host(h)) => Some(h.to_string()),
            _ => None,
        },
        state: a.state.clone().unwrap_or_else(|| "Unknown".into()),
        attached: a.is_attached,
        wanted_attached: r.todo_of(&host).attach,
        primary: a.is_primary,
        open_count: a.open_count,
        data_device: r.data.get(&host).cloned(),
        device,
        device_present,
        size_bytes: r.size,
        log_number: a.log_number,
        logs: r
            .logs
            .iter()
            .map(|l| LogReport {
                name: l.log.to_string(),
                number: l.log.number,
                host: l.log.host.to_string(),
                size_bytes: l.size,
            })
            .collect(),
        log_bytes: r.log_bytes(),
        replay: r.replay.get(&host).map(|v| ReplayReport {
            log: v.log.to_string(),
            position: v.pos,
            length: v.len,
        }),
        writeback_lag_bytes: r.writeback_lag(&host),
        emergency: a.is_emergency,
        error: a.error.clone(),
        members: r.data.keys().map(|h| h.to_string()).collect(),
        replicas: replicas(r, &host),
    }
}
