//! `up`, `down`, `attach`, `detach`: set the `todo-HOST/` switches and
//! wait until `actual-HOST/is-attached` matches.

use std::time::Duration;

use mars_core::names::Switch;
use mars_core::tree::format_switch;

use super::{commit, load_targets, names, need_cluster, need_module};
use crate::cli::Target;
use crate::config::Ctx;
use crate::error::{Error, Result};
use crate::grammar::todo_switch;
use crate::kernel::{wait_for, Progress};
use crate::plan::Plan;
use crate::state::{Actual, Resource};

/// Which command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// attach + connect + allow-replay on.
    Up,
    /// attach + connect + allow-replay off.
    Down,
    /// attach on.
    Attach,
    /// attach off.
    Detach,
}

impl Op {
    /// The switches this command sets, with their values.
    pub fn switches(self) -> Vec<(Switch, bool)> {
        let all = [Switch::Attach, Switch::Connect, Switch::AllowReplay];
        match self {
            Op::Up => all.iter().map(|s| (*s, true)).collect(),
            Op::Down => all.iter().map(|s| (*s, false)).collect(),
            Op::Attach => vec![(Switch::Attach, true)],
            Op::Detach => vec![(Switch::Attach, false)],
        }
    }

    /// Whether the disk should end up attached.
    pub fn attach(self) -> bool {
        matches!(self, Op::Up | Op::Attach)
    }

    fn done_words(self) -> &'static str {
        match self {
            Op::Up => "is up: disk attached",
            Op::Down => "is down: disk detached",
            Op::Attach => "is attached",
            Op::Detach => "is detached",
        }
    }
}

/// How long to wait for a fresh report before trusting the last one.
const FRESH_REPORT: Duration = Duration::from_secs(5);

/// Refuses if /dev/mars/RES is open on this host. The module refreshes
/// `open-count` only when it scans, so a count above zero is checked again
/// after a fresh scan (the last opener may have just closed it).
pub fn refuse_if_open(ctx: &Ctx, r: &Resource, cmd: &str) -> Result<()> {
    let mut n = r.actual_of(&ctx.host).open_count.unwrap_or(0);
    if n > 0 && ctx.kernel.is_loaded() && ctx.kernel.refresh(FRESH_REPORT)? {
        let dir = r.dir.join(format!("actual-{}", ctx.host));
        n = Actual::read(&dir).open_count.unwrap_or(0);
    }
    if n > 0 {
        let res = r.name;
        return Err(Error::refused(format!(
            "resource '{res}' is in use: /dev/mars/{res} is open ({n} opener{}), unmount it first",
            if n == 1 { "" } else { "s" }
        ))
        .hint(format!(
            "unmount it and stop programs using it ('fuser -vm /dev/mars/{res}' shows them), then run '{cmd}' again; --force does it anyway"
        )));
    }
    Ok(())
}

/// Runs `up`/`down`/`attach`/`detach` on a target.
pub fn run(ctx: &Ctx, target: &Target, op: Op, force: bool) -> Result<()> {
    need_cluster(ctx)?;
    let rs = load_targets(ctx, target)?;
    if rs.is_empty() {
        println!("This host is not a member of any resource: nothing to do.");
        return Ok(());
    }
    let cmd = format!("{op:?}").to_lowercase();
    if !op.attach() && !force {
        for r in &rs {
            refuse_if_open(ctx, r, &format!("marsadm {cmd} {}", r.name))?;
        }
    }
    need_module(ctx)?;
    let host = ctx.host;
    let mut plan = Plan::new();
    for r in &rs {
        let todo = r.todo_of(&host);
        if !r.todo.contains_key(&host) {
            plan.mkdir(format!("resource-{}/todo-{host}", r.name));
        }
        for (sw, on) in op.switches() {
            let cur = match sw {
                Switch::Attach => todo.attach,
                Switch::Connect => todo.connect,
                Switch::AllowReplay => todo.allow_replay,
                Switch::Sync => None,
            };
            if cur != Some(on) {
                plan.link(todo_switch(&r.name, host.as_str(), sw), format_switch(on))?;
            }
        }
    }
    commit(ctx, &plan)?;
    if ctx.dry_run {
        return Ok(());
    }
    let want = op.attach();
    let what = format!(
        "{} to be {}",
        names(&rs),
        if want { "attached" } else { "detached" }
    );
    wait_for(ctx, &what, || {
        let mut pending = Vec::new();
        for r in &rs {
            let a = Actual::read(&r.dir.join(format!("actual-{host}")));
            if let Some(why) = a.failure().filter(|_| want) {
                return Ok(Progress::Failed(format!("{}: {why}", r.name)));
            }
            if a.is_attached != Some(want) {
                pending.push(format!("{}: {}", r.name, a.describe()));
            }
        }
        Ok(if pending.is_empty() {
            Progress::Done
        } else {
            Progress::Pending(pending.join("; "))
        })
    })
    .map_err(|e| {
        e.or_hint("the wanted state is written and the kernel keeps working on it; look at 'marsadm view all' and 'dmesg'")
    })?;
    for r in &rs {
        let data = r.data.get(&host).map(String::as_str).unwrap_or("?");
        println!("Resource {} {} ({data}).", r.name, op.done_words());
    }
    Ok(())
}
