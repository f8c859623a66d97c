//! `pause-fetch`/`resume-fetch` (aliases `disconnect`/`connect`),
//! `pause-replay`/`resume-replay` and `pause-sync`/`resume-sync`: set one
//! `todo-HOST/` switch to 0 or 1, on this host or (`--global`) on every
//! member of the resource. `todo-HOST/` is shared in the merge rule, so a
//! switch written here reaches its host through the cluster exchange.
//! These commands do not wait: the kernel acts on its next scan, and
//! `marsadm view` shows the paused switches and the connection.

use mars_core::names::{HostName, Switch};
use mars_core::tree::format_switch;

use super::{commit, load_member_resource, load_resource, load_targets, need_cluster, need_module};
use crate::cli::Target;
use crate::config::Ctx;
use crate::error::Result;
use crate::grammar::todo_switch;
use crate::plan::Plan;
use crate::state::{Cluster, Resource};

/// What is paused or resumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activity {
    /// Fetching logs from the primary (`todo-HOST/connect`).
    Fetch,
    /// Replaying fetched logs (`todo-HOST/allow-replay`).
    Replay,
    /// The full sync (`todo-HOST/sync`).
    Sync,
}

impl Activity {
    /// The switch that controls it.
    pub const fn switch(self) -> Switch {
        match self {
            Activity::Fetch => Switch::Connect,
            Activity::Replay => Switch::AllowReplay,
            Activity::Sync => Switch::Sync,
        }
    }

    /// In words.
    pub const fn words(self) -> &'static str {
        match self {
            Activity::Fetch => "log fetch",
            Activity::Replay => "log replay",
            Activity::Sync => "full sync",
        }
    }
}

/// The resources of the target: with `--global` this host need not be a
/// member of a named resource (an operator's host may steer the others).
fn resources(ctx: &Ctx, target: &Target, global: bool) -> Result<Vec<Resource>> {
    match target {
        Target::List(v) if global => v.iter().map(|r| load_resource(ctx, r)).collect(),
        Target::List(v) => v.iter().map(|r| load_member_resource(ctx, r)).collect(),
        Target::All if global => {
            let c = Cluster::read(&ctx.mars)?;
            let mut out = Vec::new();
            for n in &c.resources {
                if let Some(r) = Resource::read(&ctx.mars, n)? {
                    out.push(r);
                }
            }
            Ok(out)
        }
        Target::All => load_targets(ctx, target),
    }
}

/// Sets `what` to `on` for this host or every member (`global`).
pub fn run(ctx: &Ctx, target: &Target, what: Activity, on: bool, global: bool) -> Result<()> {
    need_cluster(ctx)?;
    let rs = resources(ctx, target, global)?;
    if rs.is_empty() {
        println!("No resource to change: nothing to do.");
        return Ok(());
    }
    need_module(ctx)?;
    let sw = what.switch();
    let mut plan = Plan::new();
    let mut report = Vec::new();
    for r in &rs {
        let hosts: Vec<HostName> = if global {
            r.data.keys().copied().collect()
        } else {
            vec![ctx.host]
        };
        let mut changed = Vec::new();
        for h in &hosts {
            if !r.dir.join(format!("todo-{h}")).is_dir() {
                plan.mkdir(format!("resource-{}/todo-{h}", r.name));
            }
            if r.todo_of(h).switch(sw) != Some(on) {
                plan.link(todo_switch(&r.name, h.as_str(), sw), format_switch(on))?;
                changed.push(h.to_string());
            }
        }
        let on_primary = hosts.iter().all(|h| r.is_designated_primary(h));
        report.push((r.name, hosts, changed, on_primary));
    }
    commit(ctx, &plan)?;
    if ctx.dry_run {
        return Ok(());
    }
    let verb = if on { "resumed" } else { "paused" };
    for (name, hosts, changed, on_primary) in report {
        let all: Vec<String> = hosts.iter().map(|h| h.to_string()).collect();
        let already = if changed.is_empty() {
            " (it already was)"
        } else {
            ""
        };
        println!(
            "Resource {name}: {} {verb} on {}{already}.",
            what.words(),
            all.join(", ")
        );
        if on_primary {
            println!(
                "  Note: the primary does not fetch, replay or sync; the switch matters once it is a secondary."
            );
        }
    }
    if !on {
        println!("The kernel acts on its next scan; 'marsadm view' shows what is paused. Resume with 'marsadm resume-{}'.",
            match what {
                Activity::Fetch => "fetch",
                Activity::Replay => "replay",
                Activity::Sync => "sync",
            });
    }
    Ok(())
}
