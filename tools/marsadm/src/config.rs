//! The run context: where /mars, /proc/sys/mars and /dev/mars are, which
//! host we are, and the global options (timeout, dry run, verbosity).

use std::path::{Path, PathBuf};
use std::time::Duration;

use mars_core::names::{HostName, ResourceName};

use crate::error::{Error, Result};
use crate::kernel::Kernel;

/// Everything a command needs to know about its surroundings.
#[derive(Clone, Debug)]
pub struct Ctx {
    /// The tree root (normally `/mars`).
    pub mars: PathBuf,
    /// Where the module creates device nodes (normally `/dev/mars`).
    pub dev_dir: PathBuf,
    /// The module's control interface.
    pub kernel: Kernel,
    /// This host's name.
    pub host: HostName,
    /// How long to wait for the kernel (zero: do not wait; `None`: no
    /// limit).
    pub timeout: Option<Duration>,
    /// Print what would change, change nothing.
    pub dry_run: bool,
    /// `-v`: say more.
    pub verbose: bool,
}

impl Ctx {
    /// A context with default timeout, no dry run, quiet.
    pub fn new(mars: &Path, proc_dir: &Path, dev_dir: &Path, host: HostName) -> Self {
        Self {
            mars: mars.to_path_buf(),
            dev_dir: dev_dir.to_path_buf(),
            kernel: Kernel::new(proc_dir),
            host,
            timeout: Some(Duration::from_secs(60)),
            dry_run: false,
            verbose: false,
        }
    }

    /// `/mars/REL`.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.mars.join(rel)
    }

    /// `resource-RES` relative to /mars.
    pub fn res_rel(res: &ResourceName) -> String {
        format!("resource-{res}")
    }

    /// `/mars/resource-RES`.
    pub fn resource_dir(&self, res: &ResourceName) -> PathBuf {
        self.path(&Self::res_rel(res))
    }

    /// `/dev/mars/NAME`.
    pub fn device_node(&self, name: &str) -> PathBuf {
        self.dev_dir.join(name)
    }
}

/// This host's name from the kernel's nodename (`uname -n`).
pub fn host_from_uname() -> Result<HostName> {
    let u = rustix::system::uname();
    let node = u.nodename().to_string_lossy().into_owned();
    HostName::new(&node).map_err(|e| {
        Error::refused(format!(
            "this machine's host name {node:?} is not a valid MARS host name: {e}"
        ))
        .hint("pass --host NAME with a name like 'node1' ([a-z][-a-z0-9]*), the same on every call, or set the host name with 'hostname'")
    })
}
