//! `primary` and `secondary` (single-node meaning for now: the `primary`
//! link names this host or `(none)`), waiting for `actual-HOST/is-primary`.

use mars_core::names::ResourceName;
use mars_core::tree::PrimaryValue;

use super::switches::refuse_if_open;
use super::{commit, load_member_resource, need_cluster, need_module};
use crate::config::Ctx;
use crate::error::{Error, Result};
use crate::kernel::{wait_for, Progress};
use crate::plan::Plan;
use crate::state::Actual;

fn wait_role(ctx: &Ctx, res: &ResourceName, want: bool) -> Result<()> {
    let dir = ctx.resource_dir(res).join(format!("actual-{}", ctx.host));
    let what = if want {
        format!("this host to become primary for {res}")
    } else {
        format!("this host to stop being primary for {res}")
    };
    wait_for(ctx, &what, || {
        let a = Actual::read(&dir);
        Ok(if a.is_primary == Some(want) {
            Progress::Done
        } else if let Some(why) = a.failure().filter(|_| want) {
            Progress::Failed(why)
        } else {
            Progress::Pending(a.describe())
        })
    })
    .map_err(|e| {
        e.or_hint(format!(
            "the wanted role is written and the kernel keeps working on it; look at 'marsadm view {res}' and 'dmesg'"
        ))
    })
}

/// `primary RES [--force]`.
pub fn primary(ctx: &Ctx, res: &ResourceName, force: bool) -> Result<()> {
    need_cluster(ctx)?;
    let r = load_member_resource(ctx, res)?;
    let host = ctx.host;
    if !force && !mars_core::replica::is_consistent(&r.replica_facts(&host)) {
        return Err(Error::refused(format!(
            "the replica of '{res}' on this host is Inconsistent: its full sync, or the replay after it, has not finished"
        ))
        .hint(format!(
            "wait with 'marsadm wait-resource {res} UpToDate'; '--force' takes the role anyway, with data the primary never had"
        )));
    }
    if let Some(PrimaryValue::Host(other)) = r.primary {
        if other != host {
            return Err(Error::refused(format!(
                "'{other}' is the designated primary of '{res}'"
            ))
            .hint(format!(
                "handover between hosts is not implemented yet: run 'marsadm secondary {res}' on '{other}' first"
            )));
        }
    }
    if r.todo_of(&host).attach != Some(true) {
        return Err(
            Error::refused(format!("resource '{res}' is detached on this host"))
                .hint(format!("run 'marsadm up {res}' first")),
        );
    }
    need_module(ctx)?;
    let mut plan = Plan::new();
    if r.primary != Some(PrimaryValue::Host(host)) {
        plan.link(format!("resource-{res}/primary"), host.to_string())?;
    }
    commit(ctx, &plan)?;
    if ctx.dry_run {
        return Ok(());
    }
    wait_role(ctx, res, true)?;
    println!(
        "This host '{host}' is primary for {res}: {} is ready.",
        ctx.device_node(res.as_str()).display()
    );
    Ok(())
}

/// `secondary RES [--force]`.
pub fn secondary(ctx: &Ctx, res: &ResourceName, force: bool) -> Result<()> {
    need_cluster(ctx)?;
    let r = load_member_resource(ctx, res)?;
    if !force {
        refuse_if_open(ctx, &r, &format!("marsadm secondary {res}"))?;
    }
    need_module(ctx)?;
    let mut plan = Plan::new();
    if r.primary == Some(PrimaryValue::Host(ctx.host)) {
        plan.link(
            format!("resource-{res}/primary"),
            PrimaryValue::None.to_string(),
        )?;
    }
    commit(ctx, &plan)?;
    if ctx.dry_run {
        return Ok(());
    }
    wait_role(ctx, res, false)?;
    println!(
        "This host '{}' is secondary for {res}: {} is gone.",
        ctx.host,
        ctx.device_node(res.as_str()).display()
    );
    Ok(())
}
