//! The command line: global options and one subcommand per MARS command.

use std::path::PathBuf;
use std::time::Duration;

use clap::error::ErrorKind;
use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use mars_core::names::{HostName, ResourceName};

use crate::units;

const EXAMPLES: &str = "\
Examples:
  marsadm create-cluster                 # once, on the first host
  marsadm join-cluster 10.0.0.1          # on the others (secret copied first)
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
'marsadm check' has its own (monitoring) codes: 0 OK, 1 WARNING,
2 CRITICAL, 3 UNKNOWN.
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
    #[arg(long, global = true, value_name = "SECONDS|none", value_parser = parse_timeout)]
    pub timeout: Option<Timeout>,
    /// Print the changes that would be made; change nothing (commands that
    /// change state only).
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Say more about what happens (links written, states while waiting).
    /// Give it once; commands that only show state ignore it.
    #[arg(short, long, global = true, action = ArgAction::SetTrue)]
    pub verbose: bool,
}

/// The `--timeout` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeout(pub Option<Duration>);

impl Timeout {
    /// Without `--timeout`: 60 seconds.
    pub const DEFAULT: Timeout = Timeout(Some(Duration::from_secs(60)));
}

/// Resources named on the command line: a comma-separated list, or `all`
/// resources of this host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Every resource this host is a member of.
    All,
    /// The named resources, in order, without repetitions.
    List(Vec<ResourceName>),
}

impl Target {
    /// Whether the target names exactly one resource (macros then print the
    /// value alone).
    pub fn single(&self) -> Option<&ResourceName> {
        match self {
            Target::List(v) if v.len() == 1 => v.first(),
            _ => None,
        }
    }
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a new cluster with this host as its first member.
    ///
    /// Needs an empty /mars filesystem. Writes /mars/uuid,
    /// /mars/ips/ip-HOST and a new random cluster secret
    /// /mars/cluster-secret (mode 0600, never printed: copy it to the
    /// other hosts before they join). Works without the kernel module
    /// loaded.
    ///
    /// Example: marsadm create-cluster --address 10.0.0.1
    CreateCluster {
        /// Address other hosts reach this host at: IPv4 or IPv6, with an
        /// optional port (1.2.3.4:7777, [fd00::1]:7777); default: the first
        /// non-loopback IPv4 address. A loopback address only if given
        /// here.
        #[arg(long, value_name = "ADDR", alias = "ip")]
        address: Option<String>,
    },
    /// Join an existing cluster through one of its members.
    ///
    /// Needs an empty /mars, the module loaded and the cluster secret: a
    /// copy of a member's /mars/cluster-secret, installed as
    /// /mars/cluster-secret (mode 0600) or given with --secret-file. Writes
    /// /mars/ips/ip-HOST and /mars/join-via, then waits (--timeout) until
    /// the tree came from the member and the member has seen this host.
    ///
    /// Example: marsadm join-cluster 10.0.0.1 --secret-file /root/mars-secret
    JoinCluster {
        /// Address of a member (its ips/ip-HOST), for example 10.0.0.1 or
        /// [fd00::1]:7777.
        #[arg(value_name = "PEER_ADDR")]
        peer: String,
        /// Address other hosts reach this host at (as for create-cluster).
        #[arg(long, value_name = "ADDR", alias = "ip")]
        address: Option<String>,
        /// The copy of a member's cluster secret to install as
        /// /mars/cluster-secret (default: the one already there).
        #[arg(long, value_name = "FILE")]
        secret_file: Option<PathBuf>,
    },
    /// Leave the cluster: tell every peer, then forget the cluster here.
    ///
    /// Refused while this host is a member of a resource. Deletes
    /// ips/ip-HOST everywhere (a tombstone the peers adopt), waits until
    /// every peer confirmed it (--timeout), then removes the cluster's
    /// files from this host's /mars (uuid, ips/, cluster-secret, join-via,
    /// the other hosts' reports and resources), so that create-cluster or
    /// join-cluster can run again. Also aborts a join-cluster that timed
    /// out.
    ///
    /// Example: marsadm leave-cluster
    LeaveCluster {
        /// Do not wait for the peers: leave even if some did not hear of it
        /// (they then keep listing this host).
        #[arg(long)]
        force: bool,
    },
    /// Wait until one exchange round with every peer completed.
    ///
    /// Triggers an exchange and waits (--timeout) until every peer in
    /// ips/ completed a round trip after it; names the unreachable ones
    /// (exit code 3) otherwise. Without peers it returns at once.
    ///
    /// Example: marsadm wait-cluster && marsadm view
    WaitCluster,
    /// Exchange the tree with every peer now (instead of within 3 s).
    ///
    /// Example: marsadm update-cluster --wait
    UpdateCluster {
        /// Wait like wait-cluster.
        #[arg(long)]
        wait: bool,
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
    /// Join an existing resource as a secondary, with DEV as its disk.
    ///
    /// Run it on the new member. DEV must be at least as large as the
    /// resource, not in use and not used by another resource here. Writes
    /// data-HOST, device-HOST, todo-HOST/{attach,connect,sync,allow-replay}
    /// and syncstatus-HOST (0), then waits (--timeout) until the kernel has
    /// attached DEV. The kernel then copies the whole device from the
    /// primary (full sync) and fetches and replays its logs; until that is
    /// done the copy is Inconsistent. DEV's old content is overwritten.
    ///
    /// Example: marsadm join-resource r0 /dev/vdb && marsadm wait-resource r0 UpToDate
    JoinResource {
        /// The resource (it must be known on this host: see wait-cluster).
        #[arg(value_parser = parse_resource)]
        res: ResourceName,
        /// Absolute path of the backing block device on this host.
        dev: PathBuf,
    },
    /// Leave a resource on a secondary: stop replicating it here.
    ///
    /// Refused on the designated primary. Deletes this host's membership
    /// links everywhere (tombstones over data-HOST, device-HOST,
    /// todo-HOST/*, syncstatus-HOST, syncpos-HOST), waits (--timeout) until
    /// the kernel has detached the disk, then deletes the copies of other
    /// hosts' logs here and replay-HOST. The disk keeps the last state
    /// replayed onto it (consistent unless a sync was unfinished).
    ///
    /// Example: marsadm leave-resource r0
    LeaveResource {
        /// The resource.
        #[arg(value_parser = parse_resource)]
        res: ResourceName,
    },
    /// Throw away this secondary's copy and sync it anew from the primary.
    ///
    /// Refused on the designated primary. Increments
    /// todo-HOST/invalidate and waits (--timeout) until the kernel
    /// confirmed (actual-HOST/invalidated) that the full sync restarted
    /// from 0. The copy is Inconsistent until the sync and the replay
    /// after it have finished.
    ///
    /// Example: marsadm invalidate r0
    Invalidate {
        /// The resource.
        #[arg(value_parser = parse_resource)]
        res: ResourceName,
    },
    /// Stop fetching logs from the primary (todo-HOST/connect = 0).
    ///
    /// The replica falls behind until resume-fetch; the primary keeps its
    /// logs for it. Does not wait for the kernel.
    ///
    /// Example: marsadm pause-fetch r0 --global
    #[command(visible_alias = "disconnect")]
    PauseFetch(PauseArgs),
    /// Fetch logs from the primary again (todo-HOST/connect = 1).
    ///
    /// Example: marsadm resume-fetch all
    #[command(visible_alias = "connect")]
    ResumeFetch(PauseArgs),
    /// Stop replaying fetched logs onto the disk (todo-HOST/allow-replay = 0).
    ///
    /// Fetching goes on; the disk stays at its last replayed state.
    ///
    /// Example: marsadm pause-replay r0
    PauseReplay(PauseArgs),
    /// Replay fetched logs again (todo-HOST/allow-replay = 1).
    ///
    /// Example: marsadm resume-replay r0
    ResumeReplay(PauseArgs),
    /// Pause a running or due full sync (todo-HOST/sync = 0).
    ///
    /// The copy stays Inconsistent while the sync is paused.
    ///
    /// Example: marsadm pause-sync r0
    PauseSync(PauseArgs),
    /// Allow the full sync again (todo-HOST/sync = 1).
    ///
    /// Example: marsadm resume-sync r0
    ResumeSync(PauseArgs),
    /// Start a resource: attach the disk, connect and allow replay.
    ///
    /// Example: marsadm up all
    Up {
        /// Resources (r0 or r0,r1), or `all`.
        #[arg(value_parser = parse_target)]
        target: Target,
    },
    /// Stop a resource: detach the disk, disconnect, stop replay.
    ///
    /// Refused while /dev/mars/RES is open (mounted) unless --force.
    ///
    /// Example: umount /srv && marsadm down r0
    Down {
        /// Resources (r0 or r0,r1), or `all`.
        #[arg(value_parser = parse_target)]
        target: Target,
        /// Do it even if the device is open.
        #[arg(long)]
        force: bool,
    },
    /// Attach the backing disk (on a single node the same as `up`).
    ///
    /// Example: marsadm attach r0
    Attach {
        /// Resources (r0 or r0,r1), or `all`.
        #[arg(value_parser = parse_target)]
        target: Target,
    },
    /// Detach the backing disk (refused while the device is open, unless --force).
    ///
    /// Example: umount /srv && marsadm detach r0
    Detach {
        /// Resources (r0 or r0,r1), or `all`.
        #[arg(value_parser = parse_target)]
        target: Target,
        /// Do it even if the device is open.
        #[arg(long)]
        force: bool,
    },
    /// Make this host the primary: /dev/mars/RES appears here.
    ///
    /// Refused while this host's replica is Inconsistent (its full sync or
    /// the replay after it has not finished) unless --force.
    ///
    /// Example: marsadm primary r0
    Primary {
        /// The resource.
        #[arg(value_parser = parse_resource)]
        res: ResourceName,
        /// Take the role even with an Inconsistent replica (its data is not
        /// a state the primary ever had).
        #[arg(long)]
        force: bool,
    },
    /// Give up the primary role: /dev/mars/RES goes away here.
    ///
    /// Refused while the device is open (unmount first) unless --force.
    ///
    /// Example: umount /srv && marsadm secondary r0
    Secondary {
        /// The resource.
        #[arg(value_parser = parse_resource)]
        res: ResourceName,
        /// Do it even if the device is open.
        #[arg(long)]
        force: bool,
    },
    /// Start a new transaction log now (on the primary).
    ///
    /// Example: marsadm log-rotate r0
    LogRotate {
        /// Resources (r0 or r0,r1), or `all`.
        #[arg(value_parser = parse_target)]
        target: Target,
    },
    /// Delete logs every member has written back (never the newest one).
    ///
    /// Example: marsadm --dry-run log-delete all; marsadm log-delete all
    LogDelete {
        /// Resources (r0 or r0,r1), or `all`.
        #[arg(value_parser = parse_target)]
        target: Target,
    },
    /// Housekeeping for all resources: rotate big logs, delete old ones.
    ///
    /// Run it regularly, e.g. from a systemd timer or cron every 10 minutes.
    ///
    /// Example: */10 * * * * root marsadm cron
    Cron {
        /// Rotate the current log when it is larger than this.
        #[arg(long, value_name = "BYTES", default_value = "1G", value_parser = units::parse_size)]
        rotate_size: u64,
    },
    /// Show the state of one or all resources, in words.
    ///
    /// Exit code 0 whatever the state (use `check` for monitoring).
    ///
    /// Example: marsadm view all; marsadm view r0 --json
    View {
        /// Resources (r0 or r0,r1), or `all`.
        #[arg(value_parser = parse_target, default_value = "all")]
        target: Target,
        /// Print JSON (schema: docs/schema/view.schema.json) instead of text;
        /// errors too.
        #[arg(long, conflicts_with = "watch")]
        json: bool,
        /// Redraw every --interval seconds until Ctrl-C (on a terminal:
        /// clear and redraw; otherwise the view again and again).
        #[arg(long)]
        watch: bool,
        /// Seconds between redraws with --watch.
        #[arg(long, value_name = "SECONDS", default_value = "2", requires = "watch", value_parser = parse_interval)]
        interval: Duration,
    },
    /// Stream state changes as lines, one per changed field, until Ctrl-C.
    ///
    /// First the current state as `exists` lines and `exists -`, then
    /// `change resource r0 state:Up->Emergency`, `create resource r1 ...`,
    /// `destroy resource r1`, `change module loaded:yes->no`. The kernel's
    /// reports are polled every --interval seconds.
    ///
    /// Example: marsadm events all --json
    Events {
        /// Resources (r0 or r0,r1), or `all`.
        #[arg(value_parser = parse_target, default_value = "all")]
        target: Target,
        /// One JSON object per line instead of text
        /// (docs/schema/events.schema.json); errors too.
        #[arg(long)]
        json: bool,
        /// Print the current state (`exists` lines) and exit.
        #[arg(long)]
        once: bool,
        /// Seconds between looks at the kernel's reports.
        #[arg(long, value_name = "SECONDS", default_value = "1", value_parser = parse_interval)]
        interval: Duration,
    },
    /// Wait until the kernel reports STATE for the resource.
    ///
    /// STATE is a state word of view-state: Up, Down, Recovering,
    /// Emergency, Error or Unknown; or UpToDate: every member's disk is
    /// UpToDate (full syncs and catch-up done), with the sync progress and
    /// lags shown while waiting. Waits up to --timeout seconds (default
    /// 60; `none`: no limit; 0: look once); exit code 3 when the time is
    /// up, 5 when the kernel reports Error instead (unless STATE is Error).
    ///
    /// Example: marsadm --timeout 300 wait-resource r0 Up; marsadm --timeout none wait-resource r0 UpToDate
    WaitResource {
        /// The resource.
        #[arg(value_parser = parse_resource)]
        res: ResourceName,
        /// The state word to wait for.
        #[arg(value_parser = parse_state)]
        state: String,
    },
    /// Monitoring check: one line, Nagios exit codes.
    ///
    /// 0 OK (every resource as wanted), 1 WARNING (on its way: recovering,
    /// not yet attached, ...), 2 CRITICAL (Error, emergency, /mars
    /// read-only), 3 UNKNOWN (no report: module not loaded, no cluster).
    ///
    /// Example: marsadm check all; marsadm check r0 --json
    Check {
        /// Resources (r0 or r0,r1), or `all`.
        #[arg(value_parser = parse_target, default_value = "all")]
        target: Target,
        /// Print JSON (schema: docs/schema/check.schema.json) instead of
        /// the one line.
        #[arg(long)]
        json: bool,
    },
    /// Print this host's MARS state as Prometheus metrics (text format).
    ///
    /// For node_exporter's textfile collector: write to a temporary file
    /// and rename it. Exit code 0 even when /mars cannot be read: then
    /// `mars_up` is 0 and stderr says why.
    ///
    /// Example: marsadm metrics >/var/lib/node_exporter/mars.prom.$$ && mv /var/lib/node_exporter/mars.prom.$$ /var/lib/node_exporter/mars.prom
    Metrics,
    /// Print the state word (Up, Down, Recovering, Emergency, Error, Unknown).
    ///
    /// Example: [ "$(marsadm view-state r0)" = Up ] || echo "r0 needs attention"
    ViewState(MacroArgs),
    /// Print the role: primary, secondary, none, or unknown.
    ///
    /// Example: marsadm view-role all
    ViewRole(MacroArgs),
    /// Print 1 if the disk is attached, 0 if not, unknown if not reported.
    ///
    /// Example: marsadm view-is-attached r0
    ViewIsAttached(MacroArgs),
    /// Print 1 if this host is primary (/dev/mars/RES exists here), 0 if
    /// not, unknown if not reported.
    ///
    /// Example: marsadm view-is-primary r0
    ViewIsPrimary(MacroArgs),
    /// Print 1 if the resource is in emergency mode, 0 if not, unknown if
    /// not reported.
    ///
    /// Example: marsadm view-is-emergency all
    ViewIsEmergency(MacroArgs),
    /// Print how often /dev/mars/RES is open (unknown if not reported).
    ///
    /// Example: marsadm view-open-count r0
    ViewOpenCount(MacroArgs),
    /// Print the current log number (unknown if not reported).
    ///
    /// Example: marsadm view-log-number r0
    ViewLogNumber(MacroArgs),
    /// Print the writeback lag in bytes (log data not yet on the disk).
    ///
    /// Example: marsadm view-writeback-lag r0,r1
    ViewWritebackLag(MacroArgs),
}

/// Arguments of the pause/resume commands.
#[derive(Args, Debug, Clone)]
pub struct PauseArgs {
    /// Resources (r0 or r0,r1), or `all`.
    #[arg(value_parser = parse_target)]
    pub target: Target,
    /// For every member of the resource, not only this host.
    #[arg(long)]
    pub global: bool,
}

/// Argument of the `view-*` macros.
#[derive(Args, Debug, Clone)]
pub struct MacroArgs {
    /// Resources (r0 or r0,r1), or `all`; for more than one
    /// resource each line is `RES VALUE`.
    #[arg(value_parser = parse_target, default_value = "all")]
    pub target: Target,
}

impl Command {
    /// Whether the command can change /mars (`--dry-run` means something).
    pub fn changes_state(&self) -> bool {
        !self.only_shows()
    }

    /// Whether the command may wait for the kernel (`--timeout` means
    /// something).
    pub fn waits(&self) -> bool {
        match self {
            Command::WaitResource { .. } | Command::WaitCluster => return true,
            Command::UpdateCluster { wait } => return *wait,
            _ => {}
        }
        !self.only_shows()
            && !matches!(
                self,
                Command::CreateCluster { .. }
                    | Command::LogDelete { .. }
                    | Command::PauseFetch(_)
                    | Command::ResumeFetch(_)
                    | Command::PauseReplay(_)
                    | Command::ResumeReplay(_)
                    | Command::PauseSync(_)
                    | Command::ResumeSync(_)
            )
    }

    fn only_shows(&self) -> bool {
        matches!(
            self,
            Command::View { .. }
                | Command::Check { .. }
                | Command::Metrics
                | Command::Events { .. }
                | Command::WaitResource { .. }
                | Command::WaitCluster
                | Command::UpdateCluster { .. }
                | Command::ViewState(_)
                | Command::ViewRole(_)
                | Command::ViewIsAttached(_)
                | Command::ViewIsPrimary(_)
                | Command::ViewIsEmergency(_)
                | Command::ViewOpenCount(_)
                | Command::ViewLogNumber(_)
                | Command::ViewWritebackLag(_)
        )
    }

    /// Whether the command was asked for JSON output.
    pub fn json(&self) -> bool {
        matches!(
            self,
            Command::View { json: true, .. }
                | Command::Check { json: true, .. }
                | Command::Events { json: true, .. }
        )
    }
}

impl Cli {
    /// Parses the arguments and refuses options that mean nothing for the
    /// command, in the argument parser's style (exit code 2).
    pub fn parse_checked<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let mut cmd = Cli::command();
        let m = cmd.try_get_matches_from_mut(args)?;
        let cli = Cli::from_arg_matches(&m)?;
        let name = m.subcommand_name().unwrap_or_default();
        if cli.global.dry_run && !cli.command.changes_state() {
            return Err(cmd.error(
                ErrorKind::ArgumentConflict,
                format!("--dry-run means nothing for '{name}': it changes nothing anyway"),
            ));
        }
        if cli.global.timeout.is_some() && !cli.command.waits() {
            return Err(cmd.error(
                ErrorKind::ArgumentConflict,
                format!("--timeout means nothing for '{name}': it does not wait for the kernel"),
            ));
        }
        Ok(cli)
    }
}

fn parse_host(s: &str) -> Result<HostName, String> {
    HostName::new(s).map_err(|e| format!("{e}"))
}

fn parse_resource(s: &str) -> Result<ResourceName, String> {
    ResourceName::new(s).map_err(|e| format!("{e}"))
}

fn parse_target(s: &str) -> Result<Target, String> {
    if s == "all" {
        return Ok(Target::All);
    }
    let mut v: Vec<ResourceName> = Vec::new();
    for part in s.split(',') {
        if part.is_empty() {
            return Err(format!(
                "{s:?} has an empty name; give RES, RES,RES... or all"
            ));
        }
        if part == "all" {
            return Err("'all' cannot be part of a list; give it alone".into());
        }
        let r = parse_resource(part)?;
        if !v.contains(&r) {
            v.push(r);
        }
    }
    Ok(Target::List(v))
}

/// The state words the kernel reports, and `Unknown`.
pub const STATE_WORDS: [&str; 6] = ["Up", "Down", "Recovering", "Emergency", "Error", "Unknown"];

/// What `wait-resource` accepts besides a state word: every member's disk
/// is UpToDate.
pub const UP_TO_DATE: &str = "UpToDate";

fn parse_state(s: &str) -> Result<String, String> {
    STATE_WORDS
        .iter()
        .chain([&UP_TO_DATE])
        .find(|w| w.eq_ignore_ascii_case(s))
        .map(|w| w.to_string())
        .ok_or_else(|| {
            format!(
                "{s:?} is not a state; give one of {}, or {UP_TO_DATE}",
                STATE_WORDS.join(", ")
            )
        })
}

fn parse_interval(s: &str) -> Result<Duration, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if !v.is_finite() || !(0.05..=86_400.0).contains(&v) {
        return Err(format!(
            "interval {s} must be between 0.05 and 86400 seconds"
        ));
    }
    Ok(Duration::from_secs_f64(v))
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
        let c = Cli::try_parse_from(["marsadm", "--timeout", "none", "up", "r0,r1,r0"]).unwrap();
        assert_eq!(c.global.timeout, Some(Timeout(None)));
        let Command::Up { target } = c.command else {
            panic!("not up")
        };
        assert_eq!(target.single(), None);
        assert!(matches!(target, Target::List(ref v) if v.len() == 2));
        assert!(Cli::try_parse_from(["marsadm", "up", "r0,,r1"]).is_err());
        assert!(Cli::try_parse_from(["marsadm", "up", "r0,all"]).is_err());
        assert!(Cli::try_parse_from(["marsadm", "-vv", "up", "r0"]).is_err());
        assert!(Cli::parse_checked(["marsadm", "view-is-attached"]).is_ok());
        let e = Cli::parse_checked(["marsadm", "--dry-run", "view-is-attached"]).unwrap_err();
        assert!(e.to_string().contains("'view-is-attached'"), "{e}");
        let c = Cli::try_parse_from(["marsadm", "view-state", "r0", "--host", "n1"]).unwrap();
        assert!(matches!(c.command, Command::ViewState(_)));
        assert_eq!(c.global.host.unwrap().as_str(), "n1");
        assert!(Cli::try_parse_from(["marsadm", "up", "R0"]).is_err());
        assert!(Cli::try_parse_from(["marsadm", "primary", "all"]).is_err());
        assert!(Cli::try_parse_from(["marsadm", "--host", "none", "view"]).is_err());
        assert!(Cli::try_parse_from(["marsadm", "--timeout", "-1", "view"]).is_err());
    }
}
