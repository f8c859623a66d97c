//! `log-rotate`, `log-delete` and `cron` (rotate big logs, then delete
//! logs every member has written back, then purge old tombstones).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::time::Duration;

use mars_core::lamport::Stamp;
use mars_core::tree::TOMBSTONE;

use mars_core::names::{LogName, LOG_ROTATE, MAX_LOG_NUMBER};
use mars_core::retention::delete_limit;

use super::{commit, load_targets, need_cluster, need_module};
use crate::cli::Target;
use crate::config::Ctx;
use crate::error::{Error, Result};
use crate::kernel::{wait_for, Progress};
use crate::links::{link_stamp, now_stamp};
use crate::plan::Plan;
use crate::state::{Actual, LogFile, Resource};
use crate::units::human;

/// What `log-delete` may remove from one resource.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deletion {
    /// Log files to delete.
    pub logs: Vec<LogFile>,
    /// `version-N-HOST` links of those logs.
    pub versions: Vec<LogName>,
    /// Why nothing (more) can be deleted, in words.
    pub keep_reason: String,
}

impl Deletion {
    /// Bytes freed.
    pub fn bytes(&self) -> u64 {
        self.logs
            .iter()
            .map(|l| l.size)
            .fold(0, u64::saturating_add)
    }
}

/// Logs below the replay log of every member (`data-HOST`), never the
/// newest log, never a log at or after any host's current log number
/// (the rule is [`mars_core::retention::delete_limit`]).
pub fn deletable(r: &Resource) -> Deletion {
    let limit = delete_limit(
        r.logs.iter().map(|l| l.log.number).max(),
        r.data
            .keys()
            .map(|h| (*h, r.replay.get(h).map(|rp| rp.log.number))),
        // Only members write logs: a host that left may have left a stale
        // report behind.
        r.actual
            .iter()
            .filter(|(h, _)| r.is_member(h))
            .map(|(h, a)| (*h, a.log_number)),
    );
    let mut d = Deletion {
        keep_reason: limit.reason.to_string(),
        ..Deletion::default()
    };
    d.logs = r
        .logs
        .iter()
        .filter(|l| limit.allows(l.log.number))
        .copied()
        .collect();
    let gone: BTreeSet<u32> = d.logs.iter().map(|l| l.log.number).collect();
    d.versions = r
        .versions
        .iter()
        .filter(|v| gone.contains(&v.number))
        .copied()
        .collect();
    d
}

/// `log-rotate RES|all`.
pub fn log_rotate(ctx: &Ctx, target: &Target) -> Result<()> {
    need_cluster(ctx)?;
    let host = ctx.host;
    let mut rs = load_targets(ctx, target)?;
    if let Target::List(_) = target {
        if let Some(r) = rs
            .iter()
            .find(|r| r.actual_of(&host).is_primary != Some(true))
        {
            let res = r.name;
            return Err(Error::refused(format!(
                "resource '{res}' is not primary on this host; only the primary writes logs"
            ))
            .hint(format!(
                "run it on the primary, or make this host primary: 'marsadm primary {res}'"
            )));
        }
    }
    need_module(ctx)?;
    rs.retain(|r| r.actual_of(&host).is_primary == Some(true));
    if rs.is_empty() {
        println!("No resource is primary on this host: no log to rotate.");
        return Ok(());
    }
    let mut wants = Vec::new();
    for r in &rs {
        let cur = r.actual_of(&host).log_number.ok_or_else(|| {
            Error::refused(format!(
                "the kernel has not reported a log number for '{}' yet",
                r.name
            ))
            .hint("wait a few seconds and try again; 'marsadm view' shows the state")
        })?;
        if cur >= MAX_LOG_NUMBER {
            return Err(Error::refused(format!(
                "'{}' is at the last possible log number {cur}",
                r.name
            )));
        }
        wants.push(cur + 1);
    }
    rotate(ctx, &rs, &wants)
}

/// Writes `todo-HOST/log-rotate` = `want` for each resource and waits.
fn rotate(ctx: &Ctx, rs: &[Resource], wants: &[u32]) -> Result<()> {
    let host = ctx.host;
    let mut plan = Plan::new();
    for (r, n) in rs.iter().zip(wants) {
        plan.link(
            format!("resource-{}/todo-{host}/{LOG_ROTATE}", r.name),
            n.to_string(),
        )?;
    }
    commit(ctx, &plan)?;
    if ctx.dry_run {
        return Ok(());
    }
    wait_for(ctx, "the new logs", || {
        let mut pending = Vec::new();
        for (r, n) in rs.iter().zip(wants) {
            let a = Actual::read(&r.dir.join(format!("actual-{host}")));
            if let Some(why) = a.failure() {
                return Ok(Progress::Failed(format!("{}: {why}", r.name)));
            }
            if a.log_number.is_none_or(|cur| cur < *n) {
                pending.push(format!("{}: wanted log {n}, {}", r.name, a.describe()));
            }
        }
        Ok(if pending.is_empty() {
            Progress::Done
        } else {
            Progress::Pending(pending.join("; "))
        })
    })
    .map_err(|e| e.or_hint("look at 'marsadm view all' and 'dmesg'; /mars may be full"))?;
    for (r, n) in rs.iter().zip(wants) {
        println!("Resource {}: now writing log {n}.", r.name);
    }
    Ok(())
}

/// Deletes what [`deletable`] allows in each resource and reports it.
fn delete_logs(ctx: &Ctx, rs: &[Resource], quiet: bool) -> Result<()> {
    let mut plan = Plan::new();
    let mut found = Vec::new();
    for r in rs {
        let d = deletable(r);
        for l in &d.logs {
            plan.remove(format!("resource-{}/{}", r.name, l.log));
        }
        for v in &d.versions {
            plan.remove(format!(
                "resource-{}/version-{:09}-{}",
                r.name, v.number, v.host
            ));
        }
        found.push((r.name, d));
    }
    let changed = commit(ctx, &plan)?;
    let verb = if changed { "deleted" } else { "would delete" };
    for (name, d) in &found {
        if d.logs.is_empty() {
            if !quiet {
                println!(
                    "Resource {name}: no log can be deleted ({}).",
                    d.keep_reason
                );
            }
            continue;
        }
        let list: Vec<String> = d
            .logs
            .iter()
            .map(|l| format!("{} ({})", l.log, human(l.size)))
            .collect();
        println!(
            "Resource {name}: {verb} {} log{}: {}; {} freed{}.",
            d.logs.len(),
            if d.logs.len() == 1 { "" } else { "s" },
            list.join(", "),
            human(d.bytes()),
            if d.versions.is_empty() {
                String::new()
            } else {
                format!(
                    " (and {} version link{})",
                    d.versions.len(),
                    if d.versions.len() == 1 { "" } else { "s" }
                )
            }
        );
    }
    Ok(())
}

/// `log-delete RES|all`.
pub fn log_delete(ctx: &Ctx, target: &Target) -> Result<()> {
    need_cluster(ctx)?;
    let rs = load_targets(ctx, target)?;
    if rs.is_empty() {
        println!("This host is not a member of any resource: nothing to do.");
        return Ok(());
    }
    delete_logs(ctx, &rs, false)
}

/// `cron [--rotate-size BYTES]`: rotate logs above the size, then delete.
pub fn cron(ctx: &Ctx, rotate_size: u64) -> Result<()> {
    need_cluster(ctx)?;
    let host = ctx.host;
    if ctx.kernel.is_loaded() {
        let rs = load_targets(ctx, &Target::All)?;
        let mut big = Vec::new();
        let mut wants = Vec::new();
        for r in rs {
            let a = r.actual_of(&host);
            let Some(cur) = a.log_number.filter(|_| a.is_primary == Some(true)) else {
                continue;
            };
            let size = r
                .logs
                .iter()
                .find(|l| l.log.number == cur && l.log.host == host)
                .map_or(0, |l| l.size);
            if size > rotate_size && cur < MAX_LOG_NUMBER {
                println!(
                    "Resource {}: log {cur} is {} (more than {}), rotating.",
                    r.name,
                    human(size),
                    human(rotate_size)
                );
                big.push(r);
                wants.push(cur + 1);
            }
        }
        if !big.is_empty() {
            rotate(ctx, &big, &wants)?;
        }
    } else if ctx.verbose {
        println!("The kernel module is not loaded: no log rotation.");
    }
    let rs = load_targets(ctx, &Target::All)?;
    delete_logs(ctx, &rs, !ctx.verbose)?;
    purge_tombstones(ctx)
}

/// How long a tombstone (`.deleted`) stays: every peer that was away for
/// less than this learns of the deletion when it comes back.
pub const TOMBSTONE_KEEP: Duration = Duration::from_secs(7 * 24 * 3600);

/// Tombstones under `dir` (relative to `base`) stamped before `limit`,
/// as paths relative to `base`. Hidden entries (temporary names,
/// resources being deleted) and `lost+found` are skipped.
pub fn old_tombstones(base: &Path, rel: &str, limit: Stamp, out: &mut Vec<String>) -> Result<()> {
    let dir = if rel.is_empty() {
        base.to_path_buf()
    } else {
        base.join(rel)
    };
    for name in crate::state::list_dir(&dir)? {
        if rel.is_empty() && name == "lost+found" {
            continue;
        }
        let r = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let p = dir.join(&name);
        let Ok(md) = fs::symlink_metadata(&p) else {
            continue;
        };
        if md.is_dir() {
            old_tombstones(base, &r, limit, out)?;
        } else if md.file_type().is_symlink()
            && fs::read_link(&p).is_ok_and(|t| t.as_os_str() == TOMBSTONE)
            && link_stamp(&p).is_ok_and(|s| s < limit)
        {
            out.push(r);
        }
    }
    Ok(())
}

/// Removes tombstones older than [`TOMBSTONE_KEEP`] anywhere in /mars.
fn purge_tombstones(ctx: &Ctx) -> Result<()> {
    let now = now_stamp();
    let limit =
        Stamp::new(now.sec.saturating_sub(TOMBSTONE_KEEP.as_secs()), 0).unwrap_or(Stamp::ZERO);
    let mut old = Vec::new();
    old_tombstones(&ctx.mars, "", limit, &mut old)?;
    if old.is_empty() {
        return Ok(());
    }
    let mut plan = Plan::new();
    for rel in &old {
        plan.remove(rel.clone());
    }
    if commit(ctx, &plan)? {
        println!(
            "Purged {} tombstone(s) (deleted links) older than 7 days.",
            old.len()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mars_core::names::{HostName, ResourceName};
    use mars_core::tree::ReplayValue;
    use std::collections::BTreeMap;

    fn h(s: &str) -> HostName {
        HostName::new(s).unwrap()
    }

    fn res(logs: &[(u32, &str, u64)], replays: &[(&str, &str)], members: &[&str]) -> Resource {
        Resource {
            name: ResourceName::new("r0").unwrap(),
            dir: "/nonexistent".into(),
            size: None,
            primary: None,
            data: members
                .iter()
                .map(|m| (h(m), "/dev/x".to_string()))
                .collect(),
            device: BTreeMap::new(),
            replay: replays
                .iter()
                .map(|(m, v)| (h(m), ReplayValue::parse(v).unwrap()))
                .collect(),
            syncstatus: BTreeMap::new(),
            syncpos: BTreeMap::new(),
            logs: logs
                .iter()
                .map(|(n, o, s)| LogFile {
                    log: LogName {
                        number: *n,
                        host: h(o),
                    },
                    size: *s,
                })
                .collect(),
            versions: logs
                .iter()
                .map(|(n, o, _)| LogName {
                    number: *n,
                    host: h(o),
                })
                .collect(),
            todo: BTreeMap::new(),
            actual: BTreeMap::new(),
        }
    }

    fn numbers(d: &Deletion) -> Vec<u32> {
        d.logs.iter().map(|l| l.log.number).collect()
    }

    #[test]
    fn deletes_only_what_everyone_wrote_back() {
        let logs = [(1, "a", 10), (2, "a", 20), (3, "a", 30), (4, "a", 40)];
        let r = res(&logs, &[("a", "log-000000003-a,5,30")], &["a"]);
        let d = deletable(&r);
        assert_eq!(numbers(&d), vec![1, 2]);
        assert_eq!(d.bytes(), 30);
        assert_eq!(d.versions.len(), 2);
        // A second member further behind holds logs back.
        let r = res(
            &logs,
            &[("a", "log-000000003-a,5,30"), ("b", "log-000000002-a,0,20")],
            &["a", "b"],
        );
        assert_eq!(numbers(&deletable(&r)), vec![1]);
        // A member without a replay link blocks everything.
        let r = res(&logs, &[("a", "log-000000004-a,0,0")], &["a", "b"]);
        let d = deletable(&r);
        assert!(d.logs.is_empty());
        assert!(d.keep_reason.contains("'b'"));
    }

    #[test]
    fn members_that_joined_or_left() {
        use std::os::unix::fs::symlink;
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("resource-r0");
        std::fs::create_dir(&dir).unwrap();
        let link = |name: &str, v: &str| symlink(v, dir.join(name)).unwrap();
        for n in 1..=4 {
            std::fs::write(dir.join(format!("log-{n:09}-a")), [0u8; 10]).unwrap();
        }
        link("data-a", "/dev/x");
        link("replay-a", "log-000000004-a,0,10");
        // b joined: a member without a replay position holds every log.
        link("data-b", "/dev/y");
        let name = ResourceName::new("r0").unwrap();
        let r = Resource::read(d.path(), &name).unwrap().unwrap();
        let del = deletable(&r);
        assert!(del.logs.is_empty());
        assert!(del.keep_reason.contains("'b'"), "{}", del.keep_reason);
        // b left: its tombstoned data link, replay position and stale
        // report hold nothing back.
        std::fs::remove_file(dir.join("data-b")).unwrap();
        link("data-b", TOMBSTONE);
        link("replay-b", TOMBSTONE);
        std::fs::create_dir(dir.join("actual-b")).unwrap();
        symlink("1", dir.join("actual-b/log-number")).unwrap();
        let r = Resource::read(d.path(), &name).unwrap().unwrap();
        assert_eq!(numbers(&deletable(&r)), vec![1, 2, 3]);
    }

    #[test]
    fn never_the_newest() {
        let logs = [(1, "a", 10), (2, "a", 20)];
        let r = res(&logs, &[("a", "log-000000009-a,0,0")], &["a"]);
        assert_eq!(numbers(&deletable(&r)), vec![1]);
        let r = res(&[(5, "a", 1)], &[("a", "log-000000009-a,0,0")], &["a"]);
        assert!(deletable(&r).logs.is_empty());
        assert!(deletable(&res(&[], &[], &["a"])).logs.is_empty());
    }
}
