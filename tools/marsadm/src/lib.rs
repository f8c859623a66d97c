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
pub mod grammar;
pub mod kernel;
pub mod links;
pub mod netaddr;
pub mod plan;
pub mod render;
pub mod report;
pub mod state;
pub mod units;

use std::ffi::OsString;

use clap::Parser;

use crate::cli::Cli;
use crate::config::{host_from_uname, Ctx};
use crate::device::DeviceProbe;
use crate::error::Result;

/// Builds the context from the global options.
pub fn context(cli: &Cli) -> Result<Ctx> {
    let g = &cli.global;
    let host = match g.host {
        Some(h) => h,
        None => host_from_uname()?,
    };
    let mut ctx = Ctx::new(&g.mars_dir, &g.proc_dir, &g.dev_dir, host);
    ctx.timeout = g.timeout;
    ctx.dry_run = g.dry_run;
    ctx.verbose = g.verbose;
    Ok(ctx)
}

/// Parses `args` (including the program name), runs the command and
/// returns the exit code; messages go to stdout, errors to stderr.
pub fn run<I, T>(args: I, probe: &dyn DeviceProbe) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    match context(&cli).and_then(|ctx| commands::dispatch(&ctx, &cli.command, probe)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{e}");
            e.exit_code()
        }
    }
}
