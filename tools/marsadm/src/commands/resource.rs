//! `create-resource` and `delete-resource`.

use std::fs;
use std::path::Path;

use mars_core::names::{HostName, ResourceName, Switch, LOG_ROTATE};
use mars_core::tree::{check_data_path, format_switch, PrimaryValue};

use super::{commit, load_resource, need_cluster, need_module};
use crate::config::Ctx;
use crate::device::{DeviceInfo, DeviceProbe};
use crate::error::{Error, Result};
use crate::grammar::todo_switch;
use crate::kernel::{wait_for, Progress};
use crate::plan::Plan;
use crate::state::{Actual, Cluster, Resource};
use crate::units::human;

/// Smallest backing device MARS accepts.
pub const MIN_DEVICE_SIZE: u64 = 1 << 20;
/// Granularity of a resource size.
pub const SIZE_ALIGN: u64 = 4096;

/// `create-resource RES DEV [--size BYTES]`.
pub fn create_resource(
    ctx: &Ctx,
    probe: &dyn DeviceProbe,
    res: &ResourceName,
    dev: &Path,
    size: Option<u64>,
) -> Result<()> {
    // The command line first, then /mars, the disk and the module.
    let dev_str = dev_arg(dev)?;
    if let Some(s) = size {
        if s == 0 || s % SIZE_ALIGN != 0 {
            return Err(Error::refused(format!(
                "--size {s} is not a positive multiple of 4096 bytes"
            ))
            .hint("round it, for example --size 10G"));
        }
    }
    let cluster = need_cluster(ctx)?;
    let dir = ctx.resource_dir(res);
    if fs::symlink_metadata(&dir).is_ok() {
        return Err(
            Error::refused(format!("resource '{res}' already exists")).hint(format!(
                "choose another name; 'marsadm view {res}' shows the existing one"
            )),
        );
    }
    let info = check_device(ctx, probe, &cluster, dev, &dev_str)?;
    let dev_str = dev_str.as_str();
    if let Some(s) = size {
        if s > info.size {
            return Err(Error::refused(format!(
                "--size {s} ({}) is larger than {dev_str} ({})",
                human(s),
                human(info.size)
            ))
            .hint("leave out --size to use the whole device"));
        }
    }
    let size = size.unwrap_or(info.size / SIZE_ALIGN * SIZE_ALIGN);
    need_module(ctx)?;
    let host = ctx.host;
    let todo = format!("todo-{host}");
    let mut links = vec![
        ("size".to_string(), size.to_string()),
        (format!("data-{host}"), dev_str.to_string()),
        (format!("device-{host}"), res.to_string()),
        ("primary".to_string(), host.to_string()),
    ];
    for sw in [Switch::Attach, Switch::Connect, Switch::AllowReplay] {
        links.push((
            format!("{todo}/{}", sw.as_str()),
            format_switch(true).to_string(),
        ));
    }
    links.push((format!("{todo}/{LOG_ROTATE}"), "1".to_string()));
    let mut plan = Plan::new();
    plan.new_resource(*res, vec![todo], links)?;
    if !commit(ctx, &plan)? {
        return Ok(());
    }
    let node = ctx.device_node(res.as_str());
    let actual_dir = dir.join(format!("actual-{host}"));
    wait_for(ctx, &format!("{} to appear", node.display()), || {
        let a = Actual::read(&actual_dir);
        let exists = node.exists();
        Ok(if a.is_primary == Some(true) && exists {
            Progress::Done
        } else if let Some(why) = a.failure() {
            Progress::Failed(why)
        } else {
            Progress::Pending(format!(
                "{}; {} {}",
                a.describe(),
                node.display(),
                if exists { "exists" } else { "does not exist yet" }
            ))
        })
    })
    .map_err(|e| {
        e.or_hint(format!(
            "the resource is created and the kernel keeps trying; look at 'marsadm view {res}' and 'dmesg'. To undo: 'marsadm delete-resource {res} --force'"
        ))
    })?;
    println!(
        "Resource {res} is ready: {} ({}) is primary on this host '{host}', data on {dev_str}.",
        node.display(),
        human(size)
    );
    Ok(())
}

/// The device argument as a `data-HOST` value (UTF-8, absolute, no `..`).
pub fn dev_arg(dev: &Path) -> Result<String> {
    let dev_str = dev
        .to_str()
        .ok_or_else(|| Error::refused(format!("device path {} is not UTF-8", dev.display())))?;
    check_data_path(dev_str).map_err(|e| {
        Error::refused(format!("device path {dev_str:?} is not usable: {e}"))
            .hint("give the absolute path of the block device, for example /dev/vdb")
    })?;
    Ok(dev_str.to_string())
}

/// Checks that `dev` can back a resource on this host: not the data device
/// of another resource here (by path or device number), a block device not
/// in use, at least [`MIN_DEVICE_SIZE`]. Returns what the probe found.
pub fn check_device(
    ctx: &Ctx,
    probe: &dyn DeviceProbe,
    cluster: &Cluster,
    dev: &Path,
    dev_str: &str,
) -> Result<DeviceInfo> {
    let dev_id = probe.device_id(dev);
    for name in &cluster.resources {
        let Some(other) = Resource::read(&ctx.mars, name)? else {
            continue;
        };
        let Some(used) = other.data.get(&ctx.host) else {
            continue;
        };
        let same_id = dev_id.is_some() && probe.device_id(Path::new(used)) == dev_id;
        if used == dev_str || same_id {
            return Err(Error::refused(format!(
                "{dev_str} is already the data device of resource '{name}' on this host ({used})"
            ))
            .hint("each resource needs its own block device"));
        }
    }
    let info = probe.probe(dev)?;
    if info.size == 0 {
        return Err(Error::refused(format!(
            "{dev_str} is empty (0 bytes): a loop device without a backing file, or a disk without a medium?"
        ))
        .hint("bind a loop device to its file first ('losetup /dev/loopN FILE', 'losetup -l' lists them), or give another device"));
    }
    if info.size < MIN_DEVICE_SIZE {
        return Err(Error::refused(format!(
            "{dev_str} is too small ({} bytes); MARS needs at least 1 MiB",
            info.size
        )));
    }
    Ok(info)
}

/// Whether the kernel may still be using the resource on `host`.
fn maybe_attached(ctx: &Ctx, r: &Resource, host: &HostName) -> bool {
    ctx.kernel.is_loaded() && r.is_member(host) && r.actual_of(host).is_attached != Some(false)
}

/// `delete-resource RES [--force]`.
pub fn delete_resource(ctx: &Ctx, res: &ResourceName, force: bool) -> Result<()> {
    need_cluster(ctx)?;
    let r = load_resource(ctx, res)?;
    let host = ctx.host;
    let others: Vec<String> = r
        .data
        .keys()
        .filter(|h| **h != host)
        .map(|h| h.to_string())
        .collect();
    if !others.is_empty() {
        return Err(Error::refused(format!(
            "resource '{res}' has other members ({}); deleting it here would pull it away from them",
            others.join(", ")
        ))
        .hint(format!("run 'marsadm leave-resource {res}' on each of them first (a secondary leaves at once; hand the primary role over before the primary leaves)")));
    }
    let attached = maybe_attached(ctx, &r, &host);
    if attached && !force {
        let a = r.actual_of(&host);
        return Err(Error::refused(format!(
            "resource '{res}' is not down on this host ({})",
            a.describe()
        ))
        .hint(format!(
            "unmount /dev/mars/{res}, run 'marsadm down {res}', then delete it; or use --force"
        )));
    }
    if attached {
        let mut down = Plan::new();
        for sw in [Switch::Attach, Switch::Connect, Switch::AllowReplay] {
            down.link(todo_switch(res, host.as_str(), sw), format_switch(false))?;
        }
        if r.primary == Some(PrimaryValue::Host(host)) {
            down.link(
                format!("resource-{res}/primary"),
                PrimaryValue::None.to_string(),
            )?;
        }
        if commit(ctx, &down)? {
            let actual_dir = r.dir.join(format!("actual-{host}"));
            wait_for(ctx, &format!("{res} to go down"), || {
                let a = Actual::read(&actual_dir);
                Ok(if a.is_attached == Some(false) && a.is_primary != Some(true) {
                    Progress::Done
                } else {
                    Progress::Pending(a.describe())
                })
            })
            .map_err(|e| {
                e.or_hint(format!(
                    "nothing was deleted; /dev/mars/{res} may still be open (check with 'fuser -m /dev/mars/{res}'), see 'marsadm view {res}'"
                ))
            })?;
            println!("Resource {res} is down.");
        }
    }
    let mut plan = Plan::new();
    plan.remove_resource(*res);
    if !commit(ctx, &plan)? {
        return Ok(());
    }
    let data = r
        .data
        .get(&host)
        .map(|d| format!(" Its data on {d} is untouched."))
        .unwrap_or_default();
    println!("Deleted resource {res}.{data}");
    Ok(())
}
