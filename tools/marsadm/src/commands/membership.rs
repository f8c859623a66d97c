//! `join-resource`, `leave-resource` and `invalidate`: a secondary joins
//! a resource (full sync from the primary, then log fetch and replay),
//! leaves it, or asks for a new full sync.
//!
//! The links written are the tree contract of replication (issue 11):
//! `data-S`, `device-S`, `todo-S/{attach,connect,sync,allow-replay}` and
//! `syncstatus-S -> 0` on join; tombstones over all of S's links on leave;
//! `todo-S/invalidate` = previous + 1 on invalidate, confirmed by the
//! kernel's `actual-S/invalidated`.

use std::fs;
use std::path::Path;

use mars_core::names::{parse_entry_name, Entry, ResourceName, Switch, INVALIDATE};
use mars_core::replica::{disk_state, DiskState};
use mars_core::tree::format_switch;

use super::resource::{check_device, dev_arg};
use super::{commit, load_member_resource, need_cluster, need_module};
use crate::config::Ctx;
use crate::device::DeviceProbe;
use crate::error::{Error, Result};
use crate::grammar::todo_switch;
use crate::kernel::{wait_for, Progress};
use crate::plan::Plan;
use crate::state::{list_dir, Actual, Resource};
use crate::units::human;

/// The switches a joining member starts with, all on.
const JOIN_SWITCHES: [Switch; 4] = [
    Switch::Attach,
    Switch::Connect,
    Switch::Sync,
    Switch::AllowReplay,
];

/// A resource this host knows of (it may not be a member).
fn known_resource(ctx: &Ctx, res: &ResourceName) -> Result<Resource> {
    Resource::read(&ctx.mars, res)?.ok_or_else(|| {
        Error::refused(format!(
            "resource '{res}' is not known on this host (no {} yet)",
            ctx.resource_dir(res).display()
        ))
        .hint(format!(
            "if it was just created on another host, the cluster exchange may not have brought it yet: run 'marsadm wait-cluster' and try again; 'marsadm view all' lists the resources known here (create one with 'marsadm create-resource {res} DEV')"
        ))
    })
}

/// Refuses a command meant for a secondary on the designated primary.
fn refuse_on_primary(ctx: &Ctx, r: &Resource, cmd: &str, hint: &str) -> Result<()> {
    if r.is_designated_primary(&ctx.host) {
        return Err(Error::refused(format!(
            "this host '{}' is the designated primary of resource '{}': '{cmd}' is for a secondary",
            ctx.host, r.name
        ))
        .hint(hint.to_string()));
    }
    Ok(())
}

/// `join-resource RES DEV`.
pub fn join_resource(
    ctx: &Ctx,
    probe: &dyn DeviceProbe,
    res: &ResourceName,
    dev: &Path,
) -> Result<()> {
    let dev_str = dev_arg(dev)?;
    let cluster = need_cluster(ctx)?;
    let r = known_resource(ctx, res)?;
    let host = ctx.host;
    if let Some(d) = r.data.get(&host) {
        return Err(Error::refused(format!(
            "this host '{host}' is already a member of resource '{res}' (data on {d})"
        ))
        .hint(format!(
            "'marsadm view {res}' shows its state; to start over: 'marsadm leave-resource {res}', then join again"
        )));
    }
    let size = r.size.ok_or_else(|| {
        Error::refused(format!(
            "the size of resource '{res}' is not known here yet (no size link)"
        ))
        .hint("run 'marsadm wait-cluster' and try again")
    })?;
    let info = check_device(ctx, probe, &cluster, dev, &dev_str)?;
    if info.size < size {
        return Err(Error::refused(format!(
            "{dev_str} ({}, {} bytes) is smaller than resource '{res}' ({}, {size} bytes)",
            human(info.size),
            info.size,
            human(size)
        ))
        .hint("give a device at least as large as the resource"));
    }
    need_module(ctx)?;
    let mut plan = Plan::new();
    let rel = |name: String| format!("resource-{res}/{name}");
    if !r.dir.join(format!("todo-{host}")).is_dir() {
        plan.mkdir(rel(format!("todo-{host}")));
    }
    plan.link(rel(format!("data-{host}")), dev_str.as_str())?;
    plan.link(rel(format!("device-{host}")), res.as_str())?;
    for sw in JOIN_SWITCHES {
        plan.link(todo_switch(res, host.as_str(), sw), format_switch(true))?;
    }
    plan.member_link(rel(format!("syncstatus-{host}")), "0")?;
    commit(ctx, &plan)?;
    if ctx.dry_run {
        return Ok(());
    }
    let actual_dir = r.dir.join(format!("actual-{host}"));
    wait_for(ctx, &format!("{res} to be attached on this host"), || {
        let a = Actual::read(&actual_dir);
        Ok(if let Some(e) = a.failure().or_else(|| a.error.clone()) {
            Progress::Failed(e)
        } else if a.is_attached == Some(true) {
            Progress::Done
        } else {
            Progress::Pending(a.describe())
        })
    })
    .map_err(|e| {
        e.or_hint(format!(
            "this host is a member now and the kernel keeps trying; look at 'marsadm view {res}' and 'dmesg'. To undo: 'marsadm leave-resource {res}'"
        ))
    })?;
    let primary = match r.primary {
        Some(mars_core::tree::PrimaryValue::Host(p)) => format!("the primary '{p}'"),
        _ => "the primary (none is designated now: the sync starts once one is)".to_string(),
    };
    println!(
        "This host '{host}' joined resource {res} with {dev_str} ({}).",
        human(size)
    );
    println!(
        "Next, in the kernel: a full sync of {} from {primary}, then log fetch and replay.",
        human(size)
    );
    println!(
        "Until the sync and the replay after it have finished, the data on {dev_str} is Inconsistent: do not use it. Watch it with 'marsadm view {res}' or wait with 'marsadm wait-resource {res} UpToDate'."
    );
    Ok(())
}

/// Every link under `todo-HOST/` (live values only: tombstones stay).
fn todo_links(r: &Resource, host: &str) -> Result<Vec<String>> {
    let dir = format!("todo-{host}");
    let mut out = Vec::new();
    for n in list_dir(&r.dir.join(&dir))? {
        let rel = format!("resource-{}/{dir}/{n}", r.name);
        let live = fs::read_link(r.dir.join(&dir).join(&n))
            .is_ok_and(|t| t.as_os_str() != mars_core::tree::TOMBSTONE);
        if live {
            out.push(rel);
        }
    }
    Ok(out)
}

/// Log files of other hosts in the resource directory (copies fetched
/// from them), never this host's own logs.
fn fetched_logs(r: &Resource, host: &mars_core::names::HostName) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for n in list_dir(&r.dir)? {
        if let Ok(Entry::Log(l)) = parse_entry_name(&n) {
            if l.host != *host && r.dir.join(&n).is_file() {
                out.push(format!("resource-{}/{n}", r.name));
            }
        }
    }
    Ok(out)
}

/// `leave-resource RES`.
pub fn leave_resource(ctx: &Ctx, res: &ResourceName) -> Result<()> {
    need_cluster(ctx)?;
    let r = load_member_resource(ctx, res)?;
    let host = ctx.host;
    refuse_on_primary(
        ctx,
        &r,
        "leave-resource",
        &format!("hand the primary role over first ('marsadm primary {res}' on another member), or delete the resource when this is its last member ('marsadm delete-resource {res}')"),
    )?;
    let before = disk_state(&r.replica_facts(&host));
    need_module(ctx)?;
    let mut plan = Plan::new();
    let rel = |name: String| format!("resource-{res}/{name}");
    plan.tombstone(rel(format!("data-{host}")))?;
    if r.device.contains_key(&host) {
        plan.tombstone(rel(format!("device-{host}")))?;
    }
    for l in todo_links(&r, host.as_str())? {
        plan.tombstone(l)?;
    }
    if r.syncstatus.contains_key(&host) {
        plan.retire(rel(format!("syncstatus-{host}")))?;
    }
    if r.syncpos.contains_key(&host) {
        plan.retire(rel(format!("syncpos-{host}")))?;
    }
    let mut cleanup = Plan::new();
    for l in fetched_logs(&r, &host)? {
        cleanup.remove(l);
    }
    if r.replay.contains_key(&host) {
        cleanup.retire(rel(format!("replay-{host}")))?;
    }
    if ctx.dry_run {
        plan.changes.extend(cleanup.changes);
        commit(ctx, &plan)?;
        println!("The real run waits after the membership links until the kernel has detached, then cleans up.");
        return Ok(());
    }
    commit(ctx, &plan)?;
    let actual_dir = r.dir.join(format!("actual-{host}"));
    wait_for(ctx, &format!("{res} to be detached on this host"), || {
        if !actual_dir.is_dir() {
            return Ok(Progress::Done);
        }
        let a = Actual::read(&actual_dir);
        Ok(if a.is_attached != Some(true) {
            Progress::Done
        } else {
            Progress::Pending(a.describe())
        })
    })
    .map_err(|e| {
        e.or_hint(format!(
            "this host is no member any more, but the kernel has not let go of the disk yet; nothing was cleaned up. Look at 'dmesg', then run 'marsadm leave-resource {res}' again to finish"
        ))
    })?;
    commit(ctx, &cleanup)?;
    let data = r.data.get(&host).cloned().unwrap_or_default();
    println!("This host '{host}' left resource {res}.");
    match before {
        DiskState::UpToDate | DiskState::Outdated => println!(
            "{data} keeps the last consistent state it had replayed; MARS does not use it any more."
        ),
        _ => println!(
            "{data} was {} when it left: its data is NOT consistent (a full sync or the replay after it had not finished); do not use it.",
            before.as_str()
        ),
    }
    Ok(())
}

/// `invalidate RES`.
pub fn invalidate(ctx: &Ctx, res: &ResourceName) -> Result<()> {
    need_cluster(ctx)?;
    let r = load_member_resource(ctx, res)?;
    let host = ctx.host;
    refuse_on_primary(
        ctx,
        &r,
        "invalidate",
        "the primary's data is the source of every sync; run 'marsadm invalidate RES' on the secondary whose copy should be replaced",
    )?;
    need_module(ctx)?;
    let a = r.actual_of(&host);
    let cur = r
        .todo_of(&host)
        .invalidate
        .unwrap_or(0)
        .max(a.invalidated.unwrap_or(0));
    let want = cur.checked_add(1).ok_or_else(|| {
        Error::refused(format!(
            "todo-{host}/{INVALIDATE} of '{res}' is at its largest value"
        ))
    })?;
    let mut plan = Plan::new();
    if !r.dir.join(format!("todo-{host}")).is_dir() {
        plan.mkdir(format!("resource-{res}/todo-{host}"));
    }
    plan.link(
        format!("resource-{res}/todo-{host}/{INVALIDATE}"),
        want.to_string(),
    )?;
    commit(ctx, &plan)?;
    if ctx.dry_run {
        return Ok(());
    }
    let actual_dir = r.dir.join(format!("actual-{host}"));
    wait_for(ctx, &format!("{res} to restart its full sync"), || {
        let a = Actual::read(&actual_dir);
        Ok(if let Some(why) = a.failure() {
            Progress::Failed(why)
        } else if a.invalidated.is_some_and(|n| n >= want) {
            Progress::Done
        } else {
            Progress::Pending(format!(
                "invalidated {} (wanted {want}); {}",
                a.invalidated.map_or("not reported".into(), |n| n.to_string()),
                a.describe()
            ))
        })
    })
    .map_err(|e| {
        e.or_hint(format!(
            "the request is written and the kernel keeps working on it; look at 'marsadm view {res}' and 'dmesg'"
        ))
    })?;
    println!(
        "Resource {res}: the full sync from the primary restarted from 0 on this host '{host}'."
    );
    println!(
        "The copy here is Inconsistent until the full sync and the replay after it have finished: do not use it. Watch with 'marsadm view {res}'."
    );
    Ok(())
}
