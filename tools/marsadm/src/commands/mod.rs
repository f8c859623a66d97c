//! The commands, one file per group, and what they share: loading the
//! cluster and resources with clear refusals, and committing a plan.

pub mod check;
pub mod cluster;
pub mod events;
pub mod logs;
pub mod membership;
pub mod metrics;
pub mod pause;
pub mod resource;
pub mod role;
pub mod switches;
pub mod view;
pub mod wait;
pub mod watch;

use std::fs;
use std::io;

use mars_core::names::ResourceName;

use crate::cli::{Command, Target};
use crate::config::Ctx;
use crate::device::DeviceProbe;
use crate::error::{Error, Result};
use crate::kernel::Clock;
use crate::plan::Plan;
use crate::state::{Cluster, Resource};

/// Runs one command and returns its exit code (0, except for `check`).
pub fn dispatch(ctx: &Ctx, cmd: &Command, probe: &dyn DeviceProbe) -> Result<i32> {
    if let Command::Check { target, json } = cmd {
        return Ok(check::check(ctx, target, *json));
    }
    run(ctx, cmd, probe).map(|()| 0)
}

fn run(ctx: &Ctx, cmd: &Command, probe: &dyn DeviceProbe) -> Result<()> {
    use pause::Activity;
    use switches::Op;
    match cmd {
        Command::CreateCluster { address } => cluster::create_cluster(ctx, address.as_deref()),
        Command::JoinCluster {
            peer,
            address,
            secret_file,
        } => cluster::join_cluster(ctx, peer, address.as_deref(), secret_file.as_deref()),
        Command::LeaveCluster { force } => cluster::leave_cluster(ctx, *force),
        Command::WaitCluster => cluster::wait_cluster(ctx),
        Command::UpdateCluster { wait } => cluster::update_cluster(ctx, *wait),
        Command::CreateResource { res, dev, size } => {
            resource::create_resource(ctx, probe, res, dev, *size)
        }
        Command::DeleteResource { res, force } => resource::delete_resource(ctx, res, *force),
        Command::JoinResource { res, dev } => membership::join_resource(ctx, probe, res, dev),
        Command::LeaveResource { res } => membership::leave_resource(ctx, res),
        Command::Invalidate { res } => membership::invalidate(ctx, res),
        Command::PauseFetch(a) => pause::run(ctx, &a.target, Activity::Fetch, false, a.global),
        Command::ResumeFetch(a) => pause::run(ctx, &a.target, Activity::Fetch, true, a.global),
        Command::PauseReplay(a) => pause::run(ctx, &a.target, Activity::Replay, false, a.global),
        Command::ResumeReplay(a) => pause::run(ctx, &a.target, Activity::Replay, true, a.global),
        Command::PauseSync(a) => pause::run(ctx, &a.target, Activity::Sync, false, a.global),
        Command::ResumeSync(a) => pause::run(ctx, &a.target, Activity::Sync, true, a.global),
        Command::Up { target } => switches::run(ctx, target, Op::Up, false),
        Command::Down { target, force } => switches::run(ctx, target, Op::Down, *force),
        Command::Attach { target } => switches::run(ctx, target, Op::Attach, false),
        Command::Detach { target, force } => switches::run(ctx, target, Op::Detach, *force),
        Command::Primary { res, force } => role::primary(ctx, res, *force),
        Command::Secondary { res, force } => role::secondary(ctx, res, *force),
        Command::LogRotate { target } => logs::log_rotate(ctx, target),
        Command::LogDelete { target } => logs::log_delete(ctx, target),
        Command::Cron { rotate_size } => logs::cron(ctx, *rotate_size),
        Command::View {
            target,
            watch: true,
            interval,
            ..
        } => watch::watch(ctx, target, *interval),
        Command::View { target, json, .. } => view::view(ctx, target, *json),
        Command::Events {
            target,
            json,
            once,
            interval,
        } => events::events(ctx, target, *json, *once, *interval),
        Command::WaitResource { res, state } => wait::wait_resource(ctx, res, state),
        Command::Check { .. } => Ok(()),
        Command::Metrics => metrics::metrics(ctx),
        Command::ViewState(a) => view::view_macro(ctx, &a.target, view::Macro::State),
        Command::ViewRole(a) => view::view_macro(ctx, &a.target, view::Macro::Role),
        Command::ViewIsAttached(a) => view::view_macro(ctx, &a.target, view::Macro::IsAttached),
        Command::ViewIsPrimary(a) => view::view_macro(ctx, &a.target, view::Macro::IsPrimary),
        Command::ViewIsEmergency(a) => view::view_macro(ctx, &a.target, view::Macro::IsEmergency),
        Command::ViewOpenCount(a) => view::view_macro(ctx, &a.target, view::Macro::OpenCount),
        Command::ViewLogNumber(a) => view::view_macro(ctx, &a.target, view::Macro::LogNumber),
        Command::ViewWritebackLag(a) => view::view_macro(ctx, &a.target, view::Macro::WritebackLag),
    }
}

/// /mars must exist and be a directory.
pub fn need_mars_dir(ctx: &Ctx) -> Result<()> {
    let m = &ctx.mars;
    let hint = format!(
        "create and mount a filesystem on {} first, for example: mkfs.ext4 /dev/vdc && mkdir -p {0} && mount /dev/vdc {0}",
        m.display()
    );
    match fs::metadata(m) {
        Ok(md) if md.is_dir() => Ok(()),
        Ok(_) => Err(Error::refused(format!("{} is not a directory", m.display())).hint(hint)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Err(Error::refused(format!("{} does not exist", m.display())).hint(hint))
        }
        Err(e) => Err(Error::io("look at", m, e)),
    }
}

/// The cluster, which must exist and have this host as a member.
pub fn need_cluster(ctx: &Ctx) -> Result<Cluster> {
    need_mars_dir(ctx)?;
    let c = Cluster::read(&ctx.mars)?;
    if c.uuid.is_none() {
        return Err(Error::refused(format!(
            "there is no MARS cluster in {} (no uuid link)",
            ctx.mars.display()
        ))
        .hint("run 'marsadm create-cluster' on this host first"));
    }
    if !c.ips.contains_key(&ctx.host) {
        return Err(Error::refused(format!(
            "this host '{}' is not a member of the cluster (no ips/ip-{0})",
            ctx.host
        ))
        .hint("if this host is known under another name, pass --host NAME; members are listed by 'marsadm view'"));
    }
    Ok(c)
}

/// One existing resource.
pub fn load_resource(ctx: &Ctx, res: &ResourceName) -> Result<Resource> {
    Resource::read(&ctx.mars, res)?.ok_or_else(|| {
        Error::refused(format!("resource '{res}' does not exist"))
            .hint("'marsadm view all' lists the resources; create one with 'marsadm create-resource RES DEV'")
    })
}

/// One existing resource this host is a member of.
pub fn load_member_resource(ctx: &Ctx, res: &ResourceName) -> Result<Resource> {
    let r = load_resource(ctx, res)?;
    if !r.is_member(&ctx.host) {
        return Err(Error::refused(format!(
            "this host '{}' is not a member of resource '{res}' (no data-{0} link)",
            ctx.host
        ))
        .hint("run the command on a member host, or pass the right --host NAME"));
    }
    Ok(r)
}

/// The module must be loaded; a dry run only says that it is not.
pub fn need_module(ctx: &Ctx) -> Result<()> {
    if ctx.dry_run && !ctx.kernel.is_loaded() {
        println!("Dry run: the kernel module is not loaded; the real command needs it ('modprobe mars').");
        return Ok(());
    }
    ctx.kernel.require()
}

/// The resources a target names: a list (this host must be a member of
/// each), or all this host is a member of.
pub fn load_targets(ctx: &Ctx, target: &Target) -> Result<Vec<Resource>> {
    match target {
        Target::List(v) => v.iter().map(|res| load_member_resource(ctx, res)).collect(),
        Target::All => {
            let c = Cluster::read(&ctx.mars)?;
            let mut out = Vec::new();
            for name in &c.resources {
                if let Some(r) = Resource::read(&ctx.mars, name)? {
                    if r.is_member(&ctx.host) {
                        out.push(r);
                    }
                }
            }
            Ok(out)
        }
    }
}

/// Applies a plan (or prints it with --dry-run) and pokes the kernel.
/// Returns whether anything was changed.
pub fn commit(ctx: &Ctx, plan: &Plan) -> Result<bool> {
    if ctx.dry_run {
        if plan.is_empty() {
            println!("Dry run: nothing would change.");
        } else {
            println!(
                "Dry run: nothing changed. These changes would be made in {}:",
                ctx.mars.display()
            );
            for line in plan.describe() {
                println!("  {line}");
            }
        }
        return Ok(false);
    }
    let clock = Clock::best(&ctx.kernel);
    plan.apply(ctx, &clock)?;
    // Poke the module even when nothing changed: it may not have caught up
    // with an earlier change yet.
    if ctx.kernel.is_loaded() {
        ctx.kernel.trigger()?;
    }
    Ok(!plan.is_empty())
}

/// Joins resource names for messages.
pub fn names(rs: &[Resource]) -> String {
    rs.iter()
        .map(|r| r.name.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
