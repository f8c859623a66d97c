//! `wait-resource RES STATE`: wait until the kernel reports STATE for a
//! resource on this host (as `view-state` prints it). The wait is the one
//! every marsadm command uses: up to `--timeout` (exit code 3 when the
//! time is up), progress on stderr, and exit code 5 when the kernel
//! reports Error instead (unless Error is what is waited for). With
//! `--timeout 0` it looks once: exit 0 or 3.

use mars_core::names::ResourceName;

use super::{load_resource, need_cluster};
use crate::config::Ctx;
use crate::error::{Error, Result};
use crate::kernel::{wait_for, Progress};
use crate::report::resource_report;

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

/// `wait-resource`.
pub fn wait_resource(ctx: &Ctx, res: &ResourceName, state: &str) -> Result<()> {
    need_cluster(ctx)?;
    load_resource(ctx, res)?;
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
