//! The kernel module's control interface in `/proc/sys/mars`, the clock for
//! link stamps, and waiting until the module reports a wanted state.
//!
//! - `lamport_clock`: reading returns a fresh stamp `SEC.NNNNNNNNN\n`;
//! - `trigger`: writing `1\n` makes the module scan /mars now;
//! - `scans`: the number of scans the module has finished;
//! - no `/proc/sys/mars` directory: the module is not loaded.

use std::cell::RefCell;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mars_core::lamport::{LamportClock, Stamp};

use crate::config::Ctx;
use crate::error::{Error, Result};
use crate::links::now_stamp;
use crate::progress::Reporter;

/// How often a wait looks at `actual-HOST/`.
const POLL: Duration = Duration::from_millis(100);
/// How often a wait pokes the module while it confirms an error.
const CONFIRM_TRIGGER: Duration = Duration::from_millis(300);
/// How often a wait pokes the module again.
const RETRIGGER: Duration = Duration::from_secs(5);

/// The module's control directory.
#[derive(Clone, Debug)]
pub struct Kernel {
    dir: PathBuf,
}

impl Kernel {
    /// The control interface in `dir` (normally `/proc/sys/mars`).
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    /// The control directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the module is loaded (its control directory exists).
    pub fn is_loaded(&self) -> bool {
        self.dir.is_dir()
    }

    /// Fails with a clear message unless the module is loaded.
    pub fn require(&self) -> Result<()> {
        if self.is_loaded() {
            return Ok(());
        }
        Err(Error::refused(format!(
            "the MARS kernel module is not loaded ({} does not exist)",
            self.dir.display()
        ))
        .hint("load it with 'modprobe mars' (or 'insmod mars.ko'), then run this command again"))
    }

    /// Reads a fresh Lamport stamp from the module.
    pub fn lamport(&self) -> Result<Stamp> {
        let p = self.dir.join("lamport_clock");
        let s = fs::read_to_string(&p).map_err(|e| Error::io("read", &p, e))?;
        s.trim_end_matches('\n').parse::<Stamp>().map_err(|e| {
            Error::io(
                "use",
                &p,
                std::io::Error::other(format!("{e}, got {:?}", s.trim_end())),
            )
        })
    }

    /// Asks the module to scan /mars now.
    pub fn trigger(&self) -> Result<()> {
        let p = self.dir.join("trigger");
        fs::OpenOptions::new()
            .write(true)
            .open(&p)
            .and_then(|mut f| f.write_all(b"1\n"))
            .map_err(|e| Error::io("write", &p, e))
    }
}

impl Kernel {
    /// How many scans of /mars the module has finished.
    pub fn scans(&self) -> Result<u64> {
        let p = self.dir.join("scans");
        let s = fs::read_to_string(&p).map_err(|e| Error::io("read", &p, e))?;
        s.trim().parse::<u64>().map_err(|e| {
            Error::io(
                "use",
                &p,
                std::io::Error::other(format!("{e}, got {:?}", s.trim_end())),
            )
        })
    }

    /// Makes the module report afresh: triggers a scan and waits (at most
    /// `limit`) until a whole scan has run after the trigger, so that the
    /// `actual-` links describe the present. Returns whether it did.
    /// A module without `scans` cannot say: nothing is triggered then.
    pub fn refresh(&self, limit: Duration) -> Result<bool> {
        if !self.dir.join("scans").exists() {
            return Ok(false);
        }
        let before = self.scans()?;
        self.trigger()?;
        let start = Instant::now();
        // The scan running at the trigger may have read the old state: the
        // one after it started after the trigger.
        while self.scans()? < before.saturating_add(2) {
            if start.elapsed() >= limit {
                return Ok(false);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(true)
    }
}

/// Where link stamps come from: the module's Lamport clock, or the
/// real-time clock when the module is not loaded (create-cluster only).
pub enum Clock<'a> {
    /// The module's `lamport_clock`.
    Kernel(&'a Kernel),
    /// The real-time clock, strictly increasing.
    RealTime(RefCell<LamportClock>),
}

impl<'a> Clock<'a> {
    /// The module's clock if it is loaded, else real time.
    pub fn best(kernel: &'a Kernel) -> Self {
        if kernel.is_loaded() {
            Clock::Kernel(kernel)
        } else {
            Clock::RealTime(RefCell::new(LamportClock::default()))
        }
    }

    /// A fresh stamp.
    pub fn stamp(&self) -> Result<Stamp> {
        match self {
            Clock::Kernel(k) => k.lamport(),
            Clock::RealTime(c) => Ok(c.borrow_mut().tick(now_stamp())),
        }
    }
}

/// What a wait condition found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// The wanted state is reached.
    Done,
    /// Not yet; the words describe the state reached so far.
    Pending(String),
    /// It will not be reached: the kernel reports an error (these words).
    Failed(String),
}

/// Formats a duration for messages ("60 s", "0.5 s").
pub fn fmt_secs(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// Polls `check` until it reports [`Progress::Done`] or the context's
/// timeout passes (`None`: no limit), showing the progress on stderr (see
/// [`Reporter`]). A zero timeout looks once and does not wait: if the state
/// is not reported yet, the result is [`Error::not_confirmed`].
pub fn wait_for(ctx: &Ctx, what: &str, mut check: impl FnMut() -> Result<Progress>) -> Result<()> {
    let kernel = &ctx.kernel;
    let timeout = ctx.timeout;
    if timeout.is_some_and(|t| t.is_zero()) {
        return match check()? {
            Progress::Done => Ok(()),
            Progress::Pending(d) | Progress::Failed(d) => Err(Error::not_confirmed(format!(
                "requested {what}; not confirmed: marsadm did not wait (--timeout 0); the kernel reports: {d}"
            ))
            .hint("'marsadm view' shows when the kernel has done it; run the command again with --timeout SECONDS to wait for it")),
        };
    }
    let mut reporter = Reporter::new(what, timeout, ctx.verbose);
    let start = Instant::now();
    let mut last_trigger = start;
    // An error counts only once a whole scan ran after the request: until
    // then it may be left over from before (a resource taken down and up).
    let first_scan = kernel.scans().ok();
    let fresh = || match first_scan {
        Some(n) => kernel
            .scans()
            .map_or(true, |now| now >= n.saturating_add(2)),
        None => true,
    };
    loop {
        let desc = match check()? {
            Progress::Done => return Ok(()),
            Progress::Pending(d) => d,
            Progress::Failed(d) if !fresh() => {
                // Ask for the scan that confirms or clears it now rather
                // than at the module's next periodic scan.
                if last_trigger.elapsed() >= CONFIRM_TRIGGER && kernel.is_loaded() {
                    kernel.trigger()?;
                    last_trigger = Instant::now();
                }
                d
            }
            Progress::Failed(d) => {
                return Err(Error::failed(format!(
                    "the kernel reports an error instead of {what}: {d}"
                ))
                .hint("take the resource down ('marsadm down RES'), fix the cause ('dmesg' has the details), then 'marsadm up RES'"))
            }
        };
        let elapsed = start.elapsed();
        if let Some(limit) = timeout.filter(|t| elapsed >= *t) {
            reporter.finish();
            return Err(Error::timeout(format!(
                "timed out after {} waiting for {what}; the kernel reports: {desc}",
                fmt_secs(limit)
            )));
        }
        reporter.update(elapsed, &desc);
        let left = timeout.map_or(POLL, |t| t.saturating_sub(elapsed));
        std::thread::sleep(POLL.min(left));
        if last_trigger.elapsed() >= RETRIGGER && kernel.is_loaded() {
            kernel.trigger()?;
            last_trigger = Instant::now();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lamport_and_trigger() {
        let d = tempfile::tempdir().unwrap();
        let k = Kernel::new(d.path());
        fs::write(d.path().join("lamport_clock"), "1700000000.000000042\n").unwrap();
        fs::write(d.path().join("trigger"), "").unwrap();
        assert_eq!(k.lamport().unwrap(), Stamp::new(1_700_000_000, 42).unwrap());
        k.trigger().unwrap();
        assert_eq!(fs::read_to_string(d.path().join("trigger")).unwrap(), "1\n");
        fs::write(d.path().join("lamport_clock"), "garbage\n").unwrap();
        assert!(k.lamport().is_err());
        assert!(Kernel::new(&d.path().join("nope")).require().is_err());
    }

    fn ctx(proc_dir: &Path, timeout: Option<Duration>) -> Ctx {
        let host = mars_core::names::HostName::new("node1").unwrap();
        let mut c = Ctx::new(
            Path::new("/nonexistent"),
            proc_dir,
            Path::new("/dev/null"),
            host,
        );
        c.timeout = timeout;
        c
    }

    #[test]
    fn wait_times_out() {
        let d = tempfile::tempdir().unwrap();
        let c = ctx(d.path(), Some(Duration::from_millis(200)));
        let e = wait_for(&c, "nothing", || Ok(Progress::Pending("still Down".into()))).unwrap_err();
        assert_eq!(e.exit_code(), 3);
        assert!(e.msg.contains("still Down"), "{}", e.msg);
        let c = ctx(d.path(), Some(Duration::ZERO));
        let e = wait_for(&c, "r0 to be attached", || {
            Ok(Progress::Pending("state Down".into()))
        })
        .unwrap_err();
        assert_eq!(e.exit_code(), 6);
        assert!(wait_for(&c, "x", || Ok(Progress::Done)).is_ok());
        let c = ctx(d.path(), None);
        let mut n = 0;
        wait_for(&c, "x", || {
            n += 1;
            Ok(if n > 2 {
                Progress::Done
            } else {
                Progress::Pending(String::new())
            })
        })
        .unwrap();
    }

    #[test]
    fn real_time_clock_increases() {
        let k = Kernel::new(Path::new("/nonexistent-proc"));
        let c = Clock::best(&k);
        let a = c.stamp().unwrap();
        assert!(c.stamp().unwrap() > a);
    }
}
