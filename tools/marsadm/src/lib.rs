//! marsadm: the operator's tool for MARS.
//!
//! It writes the wanted state of the cluster as symlinks under /mars, pokes
//! the kernel module, waits until the module reports that state, and says in
//! words what happened. It never writes what the kernel reports
//! (`actual-*`, `replay-*`, `version-*`, log files), except that
//! `log-delete` removes logs every member has written back.
//!
//! The binary is a thin shell over [`run`]; integration tests call [`run`]
//! with a fake [`device::DeviceProbe`].

#![forbid(unsafe_code)]

pub mod cli;
pub mod commands;
pub mod config;
pub mod device;
pub mod error;
pub mod generate;
pub mod grammar;
pub mod kernel;
pub mod links;
pub mod netaddr;
pub mod peers;
pub mod plan;
pub mod progress;
pub mod prometheus;
pub mod render;
pub mod replicas;
pub mod report;
pub mod secret;
pub mod state;
pub mod stream;
pub mod units;
pub mod version;

use std::ffi::OsString;

use crate::cli::{Cli, Timeout};
use crate::config::{host_from_uname, Ctx};
use crate::device::DeviceProbe;
use crate::error::{json_error, Result};

/// Builds the context from the global options.
pub fn context(cli: &Cli) -> Result<Ctx> {
    let g = &cli.global;
    let host = match g.host {
        Some(h) => h,
        None => host_from_uname()?,
    };
    let mut ctx = Ctx::new(&g.mars_dir, &g.proc_dir, &g.dev_dir, host);
    ctx.timeout = g.timeout.unwrap_or(Timeout::DEFAULT).0;
    ctx.dry_run = g.dry_run;
    ctx.verbose = g.verbose;
    Ok(ctx)
}

/// Whether `--json` is among the arguments (before a `--`): then errors,
/// the parser's too, are printed as JSON on stdout.
fn wants_json(args: &[OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json")
}

/// Prints an argument parser error (or help, or version) and returns its
/// exit code; with `--json` an error is a JSON object on stdout.
fn parse_error(e: &clap::Error, json: bool, args: &[OsString]) -> i32 {
    use clap::error::ErrorKind;
    if e.kind() == ErrorKind::DisplayVersion {
        let (text, warning) = version::report(&version::proc_dir_from_args(args));
        print!("{text}");
        if let Some(w) = warning {
            eprintln!("{w}");
        }
        return 0;
    }
    let is_info = matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
    if json && !is_info {
        let text = e.render().to_string();
        let first = text.lines().next().unwrap_or_default();
        let msg = first.strip_prefix("error: ").unwrap_or(first);
        let hint = text
            .lines()
            .find_map(|l| l.trim_start().strip_prefix("tip: "));
        println!("{}", json_error("usage", msg, hint, e.exit_code()));
    } else {
        let _ = e.print();
    }
    e.exit_code()
}

/// Parses `args` (including the program name), runs the command and
/// returns the exit code; messages go to stdout, errors to stderr (with
/// `--json`: as a JSON object on stdout).
pub fn run<I, T>(args: I, probe: &dyn DeviceProbe) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    if args.get(1).is_some_and(|a| a == generate::COMMAND) {
        return generate::run(&args[1..]);
    }
    let json = wants_json(&args);
    let cli = match Cli::parse_checked(&args) {
        Ok(c) => c,
        Err(e) => return parse_error(&e, json, &args),
    };
    match context(&cli).and_then(|ctx| commands::dispatch(&ctx, &cli.command, probe)) {
        Ok(code) => code,
        Err(e) if cli.command.json() => {
            println!("{}", e.to_json());
            e.exit_code()
        }
        Err(e) => {
            eprintln!("{e}");
            e.exit_code()
        }
    }
}
