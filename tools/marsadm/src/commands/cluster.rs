//! The cluster's membership: `create-cluster`, `join-cluster`,
//! `leave-cluster`, and the exchange with the peers: `wait-cluster`,
//! `update-cluster`.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use mars_core::names::{parse_entry_name, Entry, HostName, CLUSTER_SECRET, JOIN_VIA, TMP_PREFIX};
use mars_core::tree::{IpValue, Uuid};
use rustix::rand::{getrandom, GetRandomFlags};

use super::{commit, need_cluster, need_mars_dir, need_module};
use crate::config::Ctx;
use crate::error::{Error, Kind, Result};
use crate::kernel::{wait_for, Progress};
use crate::links::read_link;
use crate::netaddr::non_loopback_ip;
use crate::peers::Peer;
use crate::plan::Plan;
use crate::secret::{check_installed, read_secret_file, Secret, NOT_SHOWN};
use crate::state::{Cluster, Resource};

/// Every name in `dir`, dot entries too (`fs::read_dir` never lists `.`
/// and `..`).
fn list_dir_all(dir: &Path) -> Result<Vec<String>> {
    let mut v = Vec::new();
    for ent in fs::read_dir(dir).map_err(|e| Error::io("list", dir, e))? {
        let ent = ent.map_err(|e| Error::io("list", dir, e))?;
        v.push(ent.file_name().to_string_lossy().into_owned());
    }
    v.sort();
    Ok(v)
}

/// Which command checks that /mars is empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    Create,
    Join,
}

impl Purpose {
    fn command(self) -> &'static str {
        match self {
            Purpose::Create => "create-cluster",
            Purpose::Join => "join-cluster",
        }
    }
}

/// Whether an entry of /mars may be there before the cluster exists:
/// `lost+found` of a fresh ext4, the module's own reports
/// (`actual-HOST/`: a loaded module writes them at every scan, cluster or
/// not), and what an interrupted create-cluster or join-cluster of this
/// host left (`ips/` holding only `ip-HOST`, `cluster-secret`; for a join
/// also `join-via`).
fn allowed_before_cluster(ctx: &Ctx, name: &str, purpose: Purpose) -> Result<bool> {
    if name == "lost+found" || name == CLUSTER_SECRET {
        return Ok(true);
    }
    if name == JOIN_VIA {
        return Ok(purpose == Purpose::Join);
    }
    if matches!(parse_entry_name(name), Ok(Entry::Actual(_))) {
        return Ok(ctx.path(name).is_dir());
    }
    if name == "ips" && ctx.path(name).is_dir() {
        let mine = format!("ip-{}", ctx.host);
        let left = list_dir_all(&ctx.path(name))?;
        return Ok(left.iter().all(|n| *n == mine || n.starts_with(TMP_PREFIX)));
    }
    Ok(false)
}

/// Refuses unless /mars holds no cluster and nothing else.
fn need_empty(ctx: &Ctx, purpose: Purpose) -> Result<()> {
    let m = ctx.mars.display();
    let cmd = purpose.command();
    let uuid_path = ctx.path("uuid");
    if fs::symlink_metadata(&uuid_path).is_ok() {
        let u = read_link(&uuid_path).ok().flatten().unwrap_or_default();
        let msg = match purpose {
            Purpose::Create => format!("a cluster already exists in {m} (uuid {u})"),
            Purpose::Join => format!("{m} already belongs to a cluster (uuid {u})"),
        };
        return Err(Error::refused(msg)
            .hint(format!("'marsadm view all' shows it; to run {cmd}, leave that cluster first ('marsadm leave-cluster')")));
    }
    if purpose == Purpose::Create && fs::symlink_metadata(ctx.path(JOIN_VIA)).is_ok() {
        let via = read_link(&ctx.path(JOIN_VIA))
            .ok()
            .flatten()
            .unwrap_or_default();
        return Err(Error::refused(format!(
            "this host is joining a cluster through {via} ({m}/{JOIN_VIA} exists)"
        ))
        .hint("wait for it ('marsadm join-cluster' again), or abort it with 'marsadm leave-cluster' before creating a new cluster"));
    }
    let mut present = Vec::new();
    for n in list_dir_all(&ctx.mars)? {
        if !allowed_before_cluster(ctx, &n, purpose)? {
            present.push(n);
        }
    }
    if present.is_empty() {
        return Ok(());
    }
    let mut shown = present
        .iter()
        .take(5)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if present.len() > 5 {
        shown.push_str(&format!(" and {} more", present.len() - 5));
    }
    Err(Error::refused(format!(
        "{m} is not empty (it holds {shown}); {cmd} needs an empty {m}"
    ))
    .hint(format!("give MARS a filesystem of its own: mount a new, empty filesystem on {m}; or remove what is in it if you are sure it is not needed")))
}

/// This host's address: `--address`, else the first non-loopback IPv4
/// address; loopback only when named explicitly.
fn own_address(address: Option<&str>) -> Result<IpValue> {
    match address {
        Some(s) => IpValue::parse(s).map_err(|e| {
            Error::refused(format!("--address {s:?} is not a valid address: {e}"))
                .hint("give the address other hosts reach this host at, for example --address 10.0.0.1 or --address [fd00::1]:7777")
        }),
        None => match non_loopback_ip() {
            Some(a) => Ok(IpValue::from(std::net::IpAddr::V4(a))),
            None => Err(Error::refused(
                "this host has no IPv4 address but loopback (127.0.0.1), which other hosts cannot reach",
            )
            .hint("give the address other hosts reach this host at with --address ADDR (an IPv6 address too); for a cluster of this host alone, --address 127.0.0.1")),
        },
    }
}

/// Whether `dir` is a mount point (its device differs from its parent's,
/// or it is `/`).
pub fn is_mount_point(dir: &Path) -> bool {
    let (Ok(d), Ok(p)) = (fs::metadata(dir), fs::metadata(dir.join(".."))) else {
        return false;
    };
    d.dev() != p.dev() || d.ino() == p.ino()
}

/// A random (version 4) UUID.
pub fn random_uuid() -> Result<Uuid> {
    let mut b = [0u8; 16];
    let n = getrandom(&mut b[..], GetRandomFlags::empty())
        .map_err(|e| Error::io("read random bytes for", Path::new("the uuid"), e.into()))?;
    if n != b.len() {
        return Err(Error::refused("short read from getrandom").hint("run the command again"));
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    Ok(Uuid(b))
}

/// `create-cluster [--address ADDR]`.
pub fn create_cluster(ctx: &Ctx, address: Option<&str>) -> Result<()> {
    need_mars_dir(ctx)?;
    let m = ctx.mars.display();
    need_empty(ctx, Purpose::Create)?;
    let ip = own_address(address)?;
    if !is_mount_point(&ctx.mars) {
        eprintln!(
            "warning: {m} is not a mount point. MARS works, but its logs will fill the filesystem {m} is on; give {m} a filesystem of its own."
        );
    }
    let uuid = random_uuid()?;
    let mut plan = Plan::new();
    // The secret first and the uuid last: a cluster is there once its uuid
    // is, and an interrupted run can simply be repeated.
    plan.secret(Secret::random()?, NOT_SHOWN);
    plan.mkdir("ips");
    plan.link(format!("ips/ip-{}", ctx.host), ip.to_string())?;
    plan.link_shown(
        "uuid",
        uuid.to_string(),
        "(a new random UUID, generated by the real run)",
    )?;
    if !commit(ctx, &plan)? {
        return Ok(());
    }
    println!(
        "Created cluster {uuid} in {m}: this host '{}' is its first member, at {ip}.",
        ctx.host
    );
    println!(
        "The cluster secret is in {m}/{CLUSTER_SECRET} (mode 0600): copy it to each host before it joins, never through a shared or world-readable place (see the user guide)."
    );
    if !ctx.kernel.is_loaded() {
        println!("Next: load the kernel module ('modprobe mars'), then 'marsadm create-resource RES DEV', or 'marsadm join-cluster {ip}' on the other hosts.");
    } else {
        println!("Next: 'marsadm join-cluster {ip}' on the other hosts, or 'marsadm create-resource RES DEV'.");
    }
    Ok(())
}

/// The peer address given on the command line.
fn peer_address(peer: &str) -> Result<IpValue> {
    IpValue::parse(peer).map_err(|e| {
        Error::refused(format!("{peer:?} is not a valid peer address: {e}"))
            .hint("give the address of a member as in its ips/ip-HOST link, for example 10.0.0.1, 10.0.0.1:7777 or [fd00::1]:7777")
    })
}

/// Same host and port (no port = the default port).
fn same_endpoint(a: &IpValue, b: &IpValue) -> bool {
    const DEFAULT_PORT: u16 = 7777;
    a.addr == b.addr && a.port.unwrap_or(DEFAULT_PORT) == b.port.unwrap_or(DEFAULT_PORT)
}

/// `join-cluster PEER_ADDR [--address ADDR] [--secret-file FILE]`.
pub fn join_cluster(
    ctx: &Ctx,
    peer: &str,
    address: Option<&str>,
    secret_file: Option<&Path>,
) -> Result<()> {
    need_mars_dir(ctx)?;
    let m = ctx.mars.display();
    let peer = peer_address(peer)?;
    need_empty(ctx, Purpose::Join)?;
    let ip = own_address(address)?;
    if same_endpoint(&ip, &peer) {
        return Err(Error::refused(format!(
            "{peer} is this host's own address: a host cannot join through itself"
        ))
        .hint("give the address of another member, or this host's real address with --address"));
    }
    let mut plan = Plan::new();
    match secret_file {
        Some(f) => {
            let secret = read_secret_file(f)?;
            if let Ok(md) = fs::metadata(f) {
                if md.mode() & 0o077 != 0 {
                    eprintln!(
                        "warning: {} is readable by others (mode {:04o}): remove it after the join ('shred -u {0}'); copy secrets with 'install -m 0600' only",
                        f.display(),
                        md.mode() & 0o7777
                    );
                }
            }
            plan.secret(
                secret,
                &format!("(the secret from {}, not shown)", f.display()),
            );
        }
        None => {
            check_installed(&ctx.mars)?;
        }
    }
    need_module(ctx)?;
    plan.mkdir("ips");
    plan.link(format!("ips/ip-{}", ctx.host), ip.to_string())?;
    plan.link(JOIN_VIA, peer.to_string())?;
    if !commit(ctx, &plan)? {
        return Ok(());
    }
    let mut via: Option<HostName> = None;
    let waited = wait_for(ctx, &format!("the join through {peer}"), || {
        let c = Cluster::read(&ctx.mars)?;
        let peers = ctx.kernel.peers()?;
        let found = peers.iter().flatten().find(|p| {
            p.is_connected()
                && p.synced
                && p.rounds >= 1
                && p.host
                    .is_some_and(|h| h != ctx.host && c.ips.contains_key(&h))
        });
        if let (Some(_), Some(p)) = (&c.uuid, found) {
            via = p.host;
            return Ok(Progress::Done);
        }
        let mut parts = vec![if c.uuid.is_some() {
            "the cluster uuid arrived, the member has not confirmed this host yet".to_string()
        } else {
            "no cluster uuid received yet".to_string()
        }];
        match &peers {
            None => parts.push(
                "the module reports no peers (no peers file: a module without networking?)".into(),
            ),
            Some(v) if v.is_empty() => {
                parts.push("no connection reported by the module yet".into())
            }
            Some(v) => parts.extend(
                v.iter()
                    .map(|p| format!("peer {} at {}: {}", p.host_str(), p.addr, p.describe())),
            ),
        }
        Ok(Progress::Pending(parts.join("; ")))
    });
    if let Err(e) = waited {
        if matches!(e.kind, Kind::Timeout | Kind::NotConfirmed) {
            return Err(e.hint(format!(
                "{m}/{JOIN_VIA} stays, so the kernel keeps trying to join through {peer}; run 'marsadm join-cluster {peer}' again to wait for it. Check the address, the firewall (TCP port 7777 both ways between members) and that the secret is the members' ('refused ... auth-failed' means it differs). To give up: 'marsadm leave-cluster'"
            )));
        }
        return Err(e);
    }
    let mut done = Plan::new();
    done.remove(JOIN_VIA);
    commit(ctx, &done)?;
    let c = Cluster::read(&ctx.mars)?;
    let members: Vec<String> = c.ips.keys().map(|h| h.to_string()).collect();
    println!(
        "Joined cluster {} through '{}' at {peer}: this host '{}' is a member, at {ip}. Members: {}.",
        c.uuid.as_deref().unwrap_or("?"),
        via.map_or_else(|| "?".to_string(), |h| h.to_string()),
        ctx.host,
        members.join(", ")
    );
    println!("Next: 'marsadm wait-cluster' (a round trip with every member), 'marsadm view' (the cluster as this host sees it).");
    Ok(())
}

/// The other hosts listed in ips/ (deleted ones are not listed).
fn other_hosts(ctx: &Ctx, c: &Cluster) -> Vec<HostName> {
    c.ips.keys().copied().filter(|h| *h != ctx.host).collect()
}

/// Rounds completed per host at this moment (hosts the module does not
/// report are missing).
fn rounds_now(peers: &[Peer]) -> BTreeMap<HostName, u64> {
    peers
        .iter()
        .filter_map(|p| p.host.map(|h| (h, p.rounds)))
        .collect()
}

/// Waits until every host in `hosts` completed two more round trips than
/// in `base` (so one whole round started after the call), and with
/// `synced` also acknowledged every local change.
fn wait_rounds(
    ctx: &Ctx,
    what: &str,
    hosts: &[HostName],
    base: &BTreeMap<HostName, u64>,
    synced: bool,
) -> Result<()> {
    wait_for(ctx, what, || {
        let peers = ctx.kernel.peers()?.unwrap_or_default();
        let mut pending = Vec::new();
        for h in hosts {
            let want = base.get(h).copied().unwrap_or(0).saturating_add(2);
            match peers.iter().find(|p| p.host == Some(*h)) {
                Some(p) if p.rounds >= want && (p.synced || !synced) => {}
                Some(p) => pending.push(format!("{h} at {}: {}", p.addr, p.describe())),
                None => pending.push(format!("{h}: not reported by the module")),
            }
        }
        Ok(if pending.is_empty() {
            Progress::Done
        } else {
            Progress::Pending(format!("not yet: {}", pending.join("; ")))
        })
    })
}

/// The module must be loaded and report its peers.
fn need_peers_file(ctx: &Ctx) -> Result<Vec<Peer>> {
    ctx.kernel.require()?;
    ctx.kernel.peers()?.ok_or_else(|| {
        Error::refused(format!(
            "the kernel module does not report its peers ({}/peers does not exist)",
            ctx.kernel.dir().display()
        ))
        .hint("install and load a MARS module with the cluster layer (the same version as marsadm)")
    })
}

/// `wait-cluster`.
pub fn wait_cluster(ctx: &Ctx) -> Result<()> {
    need_cluster(ctx)?;
    let c = Cluster::read(&ctx.mars)?;
    let hosts = other_hosts(ctx, &c);
    if hosts.is_empty() {
        println!("No peers: this host is the only member, nothing to wait for.");
        return Ok(());
    }
    let base = rounds_now(&need_peers_file(ctx)?);
    ctx.kernel.trigger()?;
    wait_rounds(
        ctx,
        "a round trip with every peer",
        &hosts,
        &base,
        false,
    )
    .map_err(|e| {
        if e.kind == Kind::Timeout {
            e.hint("the peers named are unreachable or refuse this host: 'marsadm view' shows why. Check that the module is loaded there, the network and the firewall (TCP port 7777 between members), and that every member has the same /mars/cluster-secret")
        } else {
            e
        }
    })?;
    let names: Vec<String> = hosts.iter().map(|h| h.to_string()).collect();
    println!(
        "Completed a round trip with every peer: {}.",
        names.join(", ")
    );
    Ok(())
}

/// `update-cluster [--wait]`.
pub fn update_cluster(ctx: &Ctx, wait: bool) -> Result<()> {
    need_cluster(ctx)?;
    if wait {
        return wait_cluster(ctx);
    }
    ctx.kernel.require()?;
    ctx.kernel.trigger()?;
    let c = Cluster::read(&ctx.mars)?;
    let n = other_hosts(ctx, &c).len();
    if n == 0 {
        println!("No peers: nothing to exchange.");
    } else {
        println!("Asked the module to exchange the tree with the {n} peer(s) now; 'marsadm wait-cluster' waits for it.");
    }
    Ok(())
}

/// The local part of leaving: every file of the cluster in this host's
/// /mars, the resources (this host is a member of none) and the other
/// hosts' reports. This host's own `actual-HOST/` stays (the module
/// writes it with or without a cluster).
fn forget_cluster(ctx: &Ctx, c: &Cluster) -> Result<Plan> {
    let mut plan = Plan::new();
    if ctx.path("ips").is_dir() {
        plan.remove_dir("ips");
    }
    let exists = |rel: &str| fs::symlink_metadata(ctx.path(rel)).is_ok();
    if exists(JOIN_VIA) {
        plan.remove(JOIN_VIA);
    }
    for r in &c.resources {
        plan.remove_resource(*r);
    }
    for n in crate::state::list_dir(&ctx.mars)? {
        if let Ok(Entry::Actual(h)) = parse_entry_name(&n) {
            if h != ctx.host && ctx.path(&n).is_dir() {
                plan.remove_dir(n);
            }
        }
    }
    for rel in [CLUSTER_SECRET, "uuid"] {
        if exists(rel) {
            plan.remove(rel);
        }
    }
    Ok(plan)
}

/// `leave-cluster [--force]`.
pub fn leave_cluster(ctx: &Ctx, force: bool) -> Result<()> {
    need_mars_dir(ctx)?;
    let c = Cluster::read(&ctx.mars)?;
    let exists = |rel: &str| fs::symlink_metadata(ctx.path(rel)).is_ok();
    if !["uuid", "ips", JOIN_VIA, CLUSTER_SECRET]
        .iter()
        .any(|r| exists(r))
        && c.resources.is_empty()
    {
        println!(
            "This host is not in a cluster ({} holds none): nothing to do.",
            ctx.mars.display()
        );
        return Ok(());
    }
    let mut member_of = Vec::new();
    for name in &c.resources {
        if let Some(r) = Resource::read(&ctx.mars, name)? {
            if r.is_member(&ctx.host) {
                member_of.push(r.name.to_string());
            }
        }
    }
    if !member_of.is_empty() {
        return Err(Error::refused(format!(
            "this host '{}' is a member of resource(s) {}: it cannot leave the cluster",
            ctx.host,
            member_of.join(", ")
        ))
        .hint(format!(
            "delete them on this host first ('marsadm down {0} && marsadm delete-resource {0}'), then leave",
            member_of[0]
        )));
    }
    let uuid = c.uuid.clone().unwrap_or_else(|| "(none yet)".into());
    let own = format!("ips/ip-{}", ctx.host);
    let forget = forget_cluster(ctx, &c)?;
    if ctx.dry_run {
        let mut all = Plan::new();
        if exists(&own) {
            all.tombstone(own.clone())?;
        }
        all.changes.extend(forget.changes);
        commit(ctx, &all)?;
        if exists(&own) && !force {
            println!("The real run waits after the first change until every peer confirmed it.");
        }
        return Ok(());
    }
    let mut confirmed = Vec::new();
    if exists(&own) {
        let hosts: Vec<HostName> = {
            let mut v = other_hosts(ctx, &c);
            // A join peer that is not listed yet has our ips/ip-HOST too.
            for p in ctx.kernel.peers().ok().flatten().unwrap_or_default() {
                if let Some(h) = p.host.filter(|h| *h != ctx.host && !v.contains(h)) {
                    if p.is_connected() {
                        v.push(h);
                    }
                }
            }
            v
        };
        let base = ctx.kernel.peers().ok().flatten().map(|p| rounds_now(&p));
        let mut tomb = Plan::new();
        tomb.tombstone(own.clone())?;
        commit(ctx, &tomb)?;
        let names = hosts
            .iter()
            .map(|h| h.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        match base {
            _ if hosts.is_empty() => {}
            _ if force => eprintln!(
                "warning: --force: not waiting for the peers ({names}); those that did not hear of it keep listing this host"
            ),
            None => eprintln!(
                "warning: the kernel module is not loaded (or does not report peers): the peers ({names}) are not told and keep listing this host"
            ),
            Some(base) => {
                wait_rounds(
                    ctx,
                    "every peer to confirm that this host leaves",
                    &hosts,
                    &base,
                    true,
                )
                .map_err(|e| {
                    if matches!(e.kind, Kind::Timeout | Kind::NotConfirmed) {
                        e.hint(format!("this host has not left yet: {own} is deleted here, but the peers named did not confirm it, and once this host has left it tells nobody. Make them reachable and run 'marsadm leave-cluster' again, or leave anyway with 'marsadm leave-cluster --force' (they then keep listing this host)"))
                    } else {
                        e
                    }
                })?;
                confirmed = hosts;
            }
        }
    }
    commit(ctx, &forget)?;
    let m = ctx.mars.display();
    if confirmed.is_empty() {
        println!("This host '{}' left cluster {uuid}.", ctx.host);
    } else {
        let names: Vec<String> = confirmed.iter().map(|h| h.to_string()).collect();
        println!(
            "This host '{}' left cluster {uuid}; confirmed by {}.",
            ctx.host,
            names.join(", ")
        );
    }
    println!("{m} holds no cluster now: 'marsadm create-cluster' or 'marsadm join-cluster PEER_ADDR' can run here.");
    Ok(())
}
