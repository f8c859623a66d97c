// SPDX-License-Identifier: GPL-2.0

//! The control thread: scans `/mars` on every trigger and every few
//! seconds, compares what the tree wants of this host with what runs,
//! converges (attach, start or stop the primary, detach), and reports the
//! result in `actual-HOST/` links.

use super::ffi::{self, fpath, ThreadMain};
use super::mars_core::names::{HostName, ResourceName};
use super::repl::Primaries;
use super::resource::{host_actual_dir, Resource, Wanted};
use super::tree;
use kernel::prelude::*;
use kernel::sync::{new_mutex, Arc, Mutex};

/// Milliseconds between periodic scans.
const SCAN_MS: u32 = 2000;
/// Below this much free space in /mars the resources enter emergency mode.
const EMERGENCY_BYTES: u64 = 32 << 20;
/// Below this share of free space (percent) the module warns.
const WARN_PERCENT: u64 = 10;

/// Writes `actual-HOST/rest-space` when free space moved by at least
/// 1 MiB or 0.1 % of the file system since the value in the tree: every
/// write is sent to every peer, and the few KiB each new link or
/// directory takes in /mars would otherwise keep the whole cluster busy.
/// (Emergency mode and the warning use the fresh figure, not this link.)
fn update_rest_space(dir: &ffi::Path, avail: u64, total: u64) -> Result {
    let path = fpath!("{}/rest-space", dir)?;
    let step = core::cmp::max(1 << 20, total / 1000);
    if let Some(old) = tree::read(&path)? {
        if let Ok(old) = old.as_str().parse::<u64>() {
            if old.abs_diff(avail) < step {
                return Ok(());
            }
        }
    }
    tree::write(&path, fpath!("{}", avail)?.as_str())
}

/// State of the control thread.
#[pin_data]
pub(crate) struct Control {
    host: HostName,
    primaries: Arc<Primaries>,
    #[pin]
    resources: Mutex<KVec<Resource>>,
    #[pin]
    space_warned: Mutex<bool>,
    #[pin]
    last_error: Mutex<Option<i32>>,
}

impl Control {
    /// A control loop for `host`.
    pub(crate) fn new(host: HostName, primaries: Arc<Primaries>) -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(Control {
                host,
                primaries,
                resources <- new_mutex!(KVec::new()),
                space_warned <- new_mutex!(false),
                last_error <- new_mutex!(None),
            }),
            GFP_KERNEL,
        )
    }

    /// Free-space check of /mars: reports it and says whether it is low.
    #[inline(never)] // see `Control::scan`: keeps its frame small
    fn check_space(&self) -> bool {
        let Ok(root) = fpath!("{}", tree::ROOT) else {
            return false;
        };
        let (total, avail) = match ffi::statfs(&root) {
            Ok(v) => v,
            Err(e) => {
                self.note_error("cannot stat /mars", e);
                return false;
            }
        };
        let low = avail < EMERGENCY_BYTES;
        let warn = avail.saturating_mul(100) < total.saturating_mul(WARN_PERCENT);
        let mut warned = self.space_warned.lock();
        if warn && !*warned {
            pr_warn!("/mars is nearly full: {} of {} bytes free\n", avail, total);
        } else if !warn && *warned {
            pr_info!("/mars has space again: {} of {} bytes free\n", avail, total);
        }
        *warned = warn;
        if let Ok(dir) = host_actual_dir(&self.host) {
            let made = tree::ensure_dir(&dir);
            if let Err(e) = made {
                self.note_error("cannot create /mars/actual-HOST", e);
            }
            if made.is_ok() {
                let _ = update_rest_space(&dir, avail, total);
                let _ = fpath!("{}", total)
                    .and_then(|v| tree::update(&fpath!("{}/total-space", dir)?, v.as_str()));
                let _ = tree::update(
                    &fpath!("{}/is-emergency", dir).unwrap_or(dir),
                    if low { "1" } else { "0" },
                );
            }
        }
        low
    }

    /// Names of the resources in the tree.
    fn resource_names(&self) -> KVec<ResourceName> {
        let mut names = KVec::new();
        let Ok(root) = fpath!("{}", tree::ROOT) else {
            return names;
        };
        let r = tree::for_each_name(&root, |name| {
            if let Some(res) = name.strip_prefix("resource-") {
                if let Ok(res) = ResourceName::new(res) {
                    names.push(res, GFP_KERNEL)?;
                }
            }
            Ok(())
        });
        if let Err(e) = r {
            self.note_error("cannot list /mars", e);
        }
        names
    }

    /// Reports a failing scan step once (not on every scan).
    fn note_error(&self, what: &str, e: Error) {
        let mut last = self.last_error.lock();
        if *last != Some(e.to_errno()) {
            pr_warn!("{}: error {}\n", what, e.to_errno());
            *last = Some(e.to_errno());
        }
    }

    /// One pass: converge every resource and report.
    #[inline(never)] // keeps the thread's own frame small
    fn scan(&self) {
        let space_low = self.check_space();
        let names = self.resource_names();
        let mut resources = self.resources.lock();
        for name in names.iter() {
            if !resources.iter().any(|r| r.name == *name) {
                match Resource::new(*name, self.host, self.primaries.clone()) {
                    Ok(r) => {
                        if resources.push(r, GFP_KERNEL).is_err() {
                            continue;
                        }
                    }
                    Err(_) => continue,
                }
            }
        }
        for r in resources.iter_mut() {
            self.converge(r, names.iter().any(|n| *n == r.name), space_low);
        }
        // Forget resources that left the tree and are down.
        resources.retain(|r| names.iter().any(|n| *n == r.name) || !r.is_down());
    }
}

impl Control {
    /// Converges one resource (to down if it left the tree) and reports it.
    #[inline(never)] // `Wanted` is large: keep it out of `scan`'s frame
    fn converge(&self, r: &mut Resource, in_tree: bool, space_low: bool) {
        let wanted = if in_tree {
            match Wanted::read(&r.name, &self.host) {
                Ok(w) => Some(w),
                Err(e) => {
                    pr_warn!(
                        "{}: cannot read the tree: {}\n",
                        r.name.as_str(),
                        e.to_errno()
                    );
                    return;
                }
            }
        } else {
            None
        };
        r.converge(wanted.as_ref(), space_low);
        // A resource this host is not a member of (another host's, known
        // through the cluster) gets no `actual-HOST/` reports from here:
        // every host would otherwise publish a page of "Down" for every
        // resource of the cluster.
        let member = wanted.as_ref().is_some_and(|w| w.data.is_some());
        if !member && r.is_down() {
            return;
        }
        // Said once per errno, not on every scan (a read-only /mars would
        // otherwise fill the log).
        let errno = r.report().err().map(|e| e.to_errno());
        if let Some(n) = errno.filter(|_| errno != r.report_errno) {
            pr_warn!("{}: cannot report state: {}\n", r.name.as_str(), n);
        }
        r.report_errno = errno;
    }
}

impl ThreadMain for Control {
    fn run(&self) {
        pr_info!("control thread started for host {}\n", self.host.as_str());
        loop {
            self.scan();
            ffi::scan_done();
            ffi::trigger_wait(SCAN_MS);
            if ffi::should_stop() {
                break;
            }
        }
        // Module unload: nothing is open (the module is in use otherwise),
        // so every resource stops cleanly, with writeback drained.
        let mut resources = self.resources.lock();
        resources.clear();
    }
}
