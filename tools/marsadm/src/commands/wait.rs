//! `wait-resource RES STATE`: wait until the kernel reports STATE for a
//! resource on this host (as `view-state` prints it). The wait is the one
//! every marsadm command uses: up to `--timeout` (exit code 3 when the
//! time is up), progress on stderr, and exit code 5 when the kernel
//! reports Error instead (unless Error is what is waited for). With
//! `--timeout 0` it looks once: exit 0 or 3.
//!
//! `wait-resource RES UpToDate` waits until every member's disk is
//! UpToDate; the progress line (in place on a terminal) shows each
//! member still behind with its sync percentage, rate and time left, or
//! its lag.

use mars_core::names::ResourceName;

use super::{load_resource, need_cluster};
use crate::cli::UP_TO_DATE;
use crate::config::Ctx;
use crate::error::{Error, Result};
use crate::kernel::{wait_for, Progress};
use crate::render::age;
use crate::replicas::replicas;
use crate::report::resource_report;
use crate::units::human;

/// What the kernel reports about the resource now: its state word and a
/// description for messages.
fn look(ctx: &Ctx, res: &ResourceName) -> Result<(String, String)> {
    let r = load_resource(ctx, res)?;
    let rep = resource_report(ctx, &r);
    let mut desc = format!("state {}", rep.state);
    if let Some(e) = &rep.error {
        desc.push_str(&format!(", error: {e}"));
    }
    if !ctx.kernel.is_loaded() {
        desc.push_str(" (the kernel module is not loaded)");
    }
    Ok((rep.state, desc))
}

/// Every member's disk state; `Err` words when a member reports Error.
/// The description names what is not UpToDate, with the sync progress
/// and lags, for the progress line.
fn look_replicas(ctx: &Ctx, res: &ResourceName) -> Result<Progress> {
    let r = load_resource(ctx, res)?;
    let ms = replicas(&r, &ctx.host);
    if ms.is_empty() {
        return Ok(Progress::Pending("no members".into()));
    }
    if let Some(m) = ms.iter().find(|m| m.state.as_deref() == Some("Error")) {
        let e = m.error.as_deref().unwrap_or("no reason given, see dmesg");
        return Ok(Progress::Failed(format!(
            "{}: state Error, error: {e}",
            m.host
        )));
    }
    let behind: Vec<String> = ms
        .iter()
        .filter(|m| m.disk != "UpToDate")
        .map(|m| {
            let mut d = format!("{} {}", m.host, m.disk);
            if let Some(s) = &m.sync {
                d.push_str(&format!(" sync {:.1}%", s.percent));
                if let Some(rate) = s.rate_bytes_per_second.filter(|&v| v > 0) {
                    d.push_str(&format!(" at {}/s", human(rate)));
                }
                if let Some(eta) = s.eta_seconds {
                    d.push_str(&format!(", {} left", age(eta)));
                }
            } else if m.role == "secondary" {
                let lag = m
                    .fetch_lag_bytes
                    .unwrap_or(0)
                    .saturating_add(m.replay_lag_bytes.unwrap_or(0));
                d.push_str(&format!(" {} behind", human(lag)));
            }
            if m.paused.any() {
                d.push_str(" (paused)");
            }
            d
        })
        .collect();
    Ok(if behind.is_empty() {
        Progress::Done
    } else {
        Progress::Pending(behind.join("; "))
    })
}

/// `wait-resource RES UpToDate`: every member's disk is UpToDate.
fn wait_up_to_date(ctx: &Ctx, res: &ResourceName) -> Result<()> {
    let what = format!("every member of {res} to be UpToDate");
    if ctx.timeout.is_some_and(|t| t.is_zero()) {
        if let Progress::Pending(d) | Progress::Failed(d) = look_replicas(ctx, res)? {
            return Err(Error::timeout(format!(
                "{res} is not UpToDate everywhere (--timeout 0: looked once, did not wait): {d}"
            )));
        }
    } else {
        wait_for(ctx, &what, || look_replicas(ctx, res)).map_err(|e| {
            e.or_hint(format!(
                "'marsadm view {res}' shows each member's sync, lags and paused switches"
            ))
        })?;
    }
    println!("Resource {res}: every member is UpToDate.");
    Ok(())
}

/// `wait-resource`.
pub fn wait_resource(ctx: &Ctx, res: &ResourceName, state: &str) -> Result<()> {
    need_cluster(ctx)?;
    load_resource(ctx, res)?;
    if state == UP_TO_DATE {
        return wait_up_to_date(ctx, res);
    }
    let what = format!("{res} to be {state}");
    if ctx.timeout.is_some_and(|t| t.is_zero()) {
        let (now, desc) = look(ctx, res)?;
        if now != state {
            return Err(Error::timeout(format!(
                "{res} is not {state} (--timeout 0: looked once, did not wait); the kernel reports: {desc}"
            )));
        }
    } else {
        wait_for(ctx, &what, || {
            let (now, desc) = look(ctx, res)?;
            Ok(if now == state {
                Progress::Done
            } else if now == "Error" {
                Progress::Failed(desc)
            } else {
                Progress::Pending(desc)
            })
        })?;
    }
    println!("Resource {res} is {state}.");
    Ok(())
}
