//! The command line: global options and one subcommand per MARS command.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand};
use mars_core::names::{HostName, ResourceName};

use crate::units;

const EXAMPLES: &str = "\
Examples:
  marsadm create-cluster                 # once, on the first host
  marsadm create-resource r0 /dev/vdb    # /dev/mars/r0 appears, primary here
  mkfs.ext4 /dev/mars/r0 && mount /dev/mars/r0 /srv
  marsadm view all                       # what is going on
  marsadm cron                           # housekeeping: rotate and delete logs
  marsadm down r0                        # after 'umount /srv'
  marsadm delete-resource r0

Exit codes: 0 done, 1 refused (nothing changed), 2 bad command line,
3 timeout (wanted state written, kernel not there yet), 4 system error,
5 failed (wanted state written, the kernel reports an error),
6 not confirmed (wanted state written, --timeout 0: not waited for).
See docs/user-guide.md for the full guide.";

/// marsadm: administration tool for MARS asynchronous block replication.
///
/// marsadm writes the wanted state as symlinks under /mars, pokes the MARS
/// kernel module, waits until the module reports that state (up to
/// --timeout seconds) and says what happened.
#[derive(Parser, Debug)]
#[command(name = "marsadm", version, about, long_about, after_help = EXAMPLES)]
pub struct Cli {
    /// Global options.
    #[command(flatten)]
    pub global: Global,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Options valid for every command.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// This host's name (default: the kernel's node name, `uname -n`).
    #[arg(long, global = true, value_name = "NAME", value_parser = parse_host)]
    pub host: Option<HostName>,
    /// The MARS metadata directory.
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        env = "MARS_DIR",
        default_value = "/mars"
    )]
    pub mars_dir: PathBuf,
    /// The kernel module's control directory.
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        env = "MARS_PROC_DIR",
        default_value = "/proc/sys/mars"
    )]
    pub proc_dir: PathBuf,
    /// Where the module creates device nodes (for tests).
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        env = "MARS_DEV_DIR",
        default_value = "/dev/mars",
        hide = true
    )]
    pub dev_dir: PathBuf,
    /// How long commands that change state wait for the kernel, in
    /// seconds [default: 60]; `none`: no limit; 0: do not wait (the result
    /// is then "not confirmed", exit code 6, unless already reported).
    #[arg(
        long,
        global = true,
        value_name = "SECONDS|none",
        value_parser = parse_timeout
    )]
    pub timeout: Option<Timeout>,
    /// Print the changes that would be made; change nothing.
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Say more about what happens (links written, states while waiting).
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
}

/// The `--timeout` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeout(pub Option<Duration>);

impl Timeout {
    /// Without `--timeout`: 60 seconds.
    pub const DEFAULT: Timeout = Timeout(Some(Duration::from_secs(60)));
}

/// One resource, or `all` resources of this host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Every resource this host is a member of.
    All,
    /// One resource.
    One(ResourceName),
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a new cluster with this host as its first member.
    ///
    /// Needs an empty /mars filesystem. Writes /mars/uuid and
    /// /mars/ips/ip-HOST. Works without the kernel module loaded.
    ///
    /// Example: marsadm create-cluster --ip 10.0.0.1
    CreateCluster {
        /// IP address other hosts reach this host at
        /// (default: the first non-loopback IPv4 address).
        #[arg(long, value_name = "ADDR")]
        ip: Option<String>,
    },
    /// Create a resource on block device DEV; this host becomes primary.
    ///
    /// /dev/mars/RES appears with DEV's current content. DEV must not be in
    /// use (unmount it first) and must not be used by MARS already.
    ///
    /// Example: marsadm create-resource r0 /dev/vdb
    CreateResource {
        /// Resource name ([a-z][-a-z0-9]*), also the name of /dev/mars/RES.
        #[arg(value_parser = parse_resource)]
        res: ResourceName,
        /// Absolute path of the backing block device.
        dev: PathBuf,
        /// Size of /dev/mars/RES (default: all of DEV), a multiple of 4096;
        /// units K, M, G, T allowed.
        #[arg(long, value_name = "BYTES", value_parser = units::parse_size)]
        size: Option<u64>,
    },
    /// Delete a resource's metadata (the data on DEV is not touched).
    ///
    /// The resource must be down; --force takes it down first.
    ///
    /// Example: marsadm down r0 && marsadm delete-resource r0
    DeleteResource {
        /// The resource.
        #[arg(value_parser = parse_resource)]
        res: ResourceName,
        /// Take the resource down first if it is not.
        #[arg(long)]
        force: bool,
    },
    /// Start a resource: attach the disk, connect and allow replay.
    ///
    /// Example: marsadm up all
    Up {
        /// A resource, or `all`.
        #[arg(value_parser = parse_target)]
        target: Target,
    },
    /// Stop a resource: detach the disk, disconnect, stop replay.
    ///
    /// Refused while /dev/mars/RES is open (mounted) unless --force.
    ///
    /// Example: umount /srv && marsadm down r0
    Down {
        /// A resource, or `all`.
        #[arg(value_parser = parse_target)]
        target: Target,
        /// Do it even if the device is open.
        #[arg(long)]
        force: bool,
    },
    /// Attach the backing disk (on a single node the same as `up`).
    Attach {
        /// A resource, or `all`.
        #[arg(value_parser = parse_target)]
        target: Target,
    },
    /// Detach the backing disk (refused while the device is open, unless --force).
    Detach {
        /// A resource, or `all`.
        #[arg(value_parser = parse_target)]
        target: Target,
        /// Do it even if the device is open.
        #[arg(long)]
        force: bool,
    },
    /// Make this host the primary: /dev/mars/RES appears here.
    ///
    /// Example: marsadm primary r0
    Primary {
        /// The resource.
        #[arg(value_parser = parse_resource)]
        res: ResourceName,
    },
    /// Give up the primary role: /dev/mars/RES goes away here.
    ///
    /// Refused while the device is open (unmount first) unless --force.
    Secondary {
        /// The resource.
        #[arg(value_parser = parse_resource)]
        res: ResourceName,
        /// Do it even if the device is open.
        #[arg(long)]
        force: bool,
    },
    /// Start a new transaction log now (on the primary).
    LogRotate {
        /// A resource, or `all`.
        #[arg(value_parser = parse_target)]
        target: Target,
    },
    /// Delete logs every member has written back (never the newest one).
    LogDelete {
        /// A resource, or `all`.
        #[arg(value_parser = parse_target)]
        target: Target,
    },
    /// Housekeeping for all resources: rotate big logs, delete old ones.
    ///
    /// Run it regularly, e.g. from a systemd timer or cron every 10 minutes.
    Cron {
        /// Rotate the current log when it is larger than this.
        #[arg(long, value_name = "BYTES", default_value = "1G", value_parser = units::parse_size)]
        rotate_size: u64,
    },
    /// Show the state of one or all resources, in words.
    ///
    /// Example: marsadm view all; marsadm view r0 --json
    View {
        /// A resource, or `all`.
        #[arg(value_parser = parse_target, default_value = "all")]
        target: Target,
        /// Print JSON (schema in docs/user-guide.md) instead of text;
        /// errors too.
        #[arg(long)]
        json: bool,
    },
    /// Print the state word (Up, Down, Recovering, Emergency, Error, Unknown).
    ViewState(MacroArgs),
    /// Print the role: primary, secondary or none.
    ViewRole(MacroArgs),
    /// Print 1 if the disk is attached, else 0.
    ViewIsAttached(MacroArgs),
    /// Print 1 if this host is primary (/dev/mars/RES exists here), else 0.
    ViewIsPrimary(MacroArgs),
    /// Print 1 if the resource is in emergency mode, else 0.
    ViewIsEmergency(MacroArgs),
    /// Print how often /dev/mars/RES is open.
    ViewOpenCount(MacroArgs),
    /// Print the current log number.
    ViewLogNumber(MacroArgs),
    /// Print the writeback lag in bytes (log data not yet on the disk).
    ViewWritebackLag(MacroArgs),
}

impl Command {
    /// Whether the command was asked for JSON output.
    pub fn json(&self) -> bool {
        matches!(self, Command::View { json: true, .. })
    }
}

/// Argument of the `view-*` macros.
#[derive(Args, Debug, Clone, Copy)]
pub struct MacroArgs {
    /// A resource, or `all` (then each line is `RES VALUE`).
    #[arg(value_parser = parse_target)]
    pub target: Target,
}

fn parse_host(s: &str) -> Result<HostName, String> {
    HostName::new(s).map_err(|e| format!("{e}"))
}

fn parse_resource(s: &str) -> Result<ResourceName, String> {
    ResourceName::new(s).map_err(|e| format!("{e}"))
}

fn parse_target(s: &str) -> Result<Target, String> {
    if s == "all" {
        Ok(Target::All)
    } else {
        parse_resource(s).map(Target::One)
    }
}

fn parse_timeout(s: &str) -> Result<Timeout, String> {
    if s == "none" {
        return Ok(Timeout(None));
    }
    let v: f64 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds (or 'none' for no limit)"))?;
    if !v.is_finite() || !(0.0..=1e9).contains(&v) {
        return Err(format!("timeout {s} is out of range"));
    }
    Ok(Timeout(Some(Duration::from_secs_f64(v))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_targets_and_options() {
        let c = Cli::try_parse_from(["marsadm", "--timeout", "0.5", "up", "all"]).unwrap();
        assert!(matches!(
            c.command,
            Command::Up {
                target: Target::All
            }
        ));
        assert_eq!(
            c.global.timeout,
            Some(Timeout(Some(Duration::from_millis(500))))
        );
        let c = Cli::try_parse_from(["marsadm", "--timeout", "none", "up", "r0"]).unwrap();
        assert_eq!(c.global.timeout, Some(Timeout(None)));
        let c = Cli::try_parse_from(["marsadm", "view-state", "r0", "--host", "n1"]).unwrap();
        assert!(matches!(c.command, Command::ViewState(_)));
        assert_eq!(c.global.host.unwrap().as_str(), "n1");
        assert!(Cli::try_parse_from(["marsadm", "up", "R0"]).is_err());
        assert!(Cli::try_parse_from(["marsadm", "primary", "all"]).is_err());
        assert!(Cli::try_parse_from(["marsadm", "--host", "none", "view"]).is_err());
        assert!(Cli::try_parse_from(["marsadm", "--timeout", "-1", "view"]).is_err());
    }
}
