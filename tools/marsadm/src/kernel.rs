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

use crate::error::{Error, Result};
use crate::links::now_stamp;

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

/// Polls `check` until it reports [`Progress::Done`] or `timeout` passes.
/// A zero timeout does not wait at all. `verbose` prints each new state.
pub fn wait_for(
    kernel: &Kernel,
    timeout: Duration,
    verbose: bool,
    what: &str,
    mut check: impl FnMut() -> Result<Progress>,
) -> Result<()> {
    if timeout.is_zero() {
        println!("Not waiting for {what} (--timeout 0).");
        return Ok(());
    }
    let start = Instant::now();
    let mut last_trigger = start;
    let mut last_desc = String::new();
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
        if verbose && desc != last_desc {
            eprintln!("marsadm: waiting for {what}: {desc}");
        }
        let elapsed = start.elapsed();
        if elapsed >= timeout {
            return Err(Error::timeout(format!(
                "timed out after {} waiting for {what}; the kernel reports: {desc}",
                fmt_secs(timeout)
            )));
        }
        last_desc = desc;
        std::thread::sleep(POLL.min(timeout.saturating_sub(elapsed)));
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

    #[test]
    fn wait_times_out() {
        let d = tempfile::tempdir().unwrap();
        let k = Kernel::new(d.path());
        let e = wait_for(&k, Duration::from_millis(200), false, "nothing", || {
            Ok(Progress::Pending("still Down".into()))
        })
        .unwrap_err();
        assert_eq!(e.exit_code(), 3);
        assert!(e.msg.contains("still Down"), "{}", e.msg);
        let mut n = 0;
        wait_for(&k, Duration::from_secs(5), false, "x", || {
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
