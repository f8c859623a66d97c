// SPDX-License-Identifier: GPL-2.0

//! MARS: asynchronous long-distance block-level replication.
//!
//! This is the crate root of `mars.ko`. It includes the pure core crate's
//! files (`src/core`, shared with marsadm) as the module `mars_core`, the
//! Rust side of the C glue (`rust/ffi.rs`) and the kernel-side pieces, and
//! starts the control thread that runs everything else.

use kernel::prelude::*;

#[path = "../rust/ffi.rs"]
mod ffi;

/// The pure core crate (formats, clock, tree grammar, wire codec), compiled
/// from the same files that marsadm uses.
#[path = "core"]
#[allow(dead_code)]
pub mod mars_core {
    pub mod auth;
    pub mod bytes;
    pub mod crc32c;
    pub mod exchange;
    pub mod lamport;
    pub mod log;
    pub mod merge;
    pub mod names;
    pub mod plan;
    pub mod retention;
    pub mod sort;
    pub mod tree;
    pub mod wire;
}

mod control;
mod core_kunit;
mod crc;
mod display;
mod logfile;
mod net;
mod primary;
mod repl;
mod replay;
mod resource;
mod tree;

use mars_core::names::HostName;

/// The MARS version, shared with marsadm through the top-level VERSION file.
pub const VERSION: &str = env!("MARS_VERSION");

module! {
    type: Mars,
    name: "mars",
    authors: ["The MARS developers"],
    description: "MARS: asynchronous long-distance block replication",
    license: "GPL v2",
}

/// The loaded module: `/proc/sys/mars` and the control thread.
struct Mars {
    // Field order is drop order: stop the cluster layer (every peer thread
    // and socket), then the control thread (and with it every resource),
    // before /proc/sys/mars goes away.
    _net: net::Net,
    _control: ffi::Thread,
    _files: ffi::ControlFiles,
}

impl kernel::Module for Mars {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let mut buf = [0u8; 65];
        let name = ffi::hostname(&mut buf)?;
        let host = HostName::new(name).map_err(|_| {
            pr_err!(
                "host name {:?} is not a valid MARS host name ([a-z][-a-z0-9]*, not a reserved word)\n",
                name
            );
            EINVAL
        })?;
        let files = ffi::ControlFiles::register()?;
        let primaries = repl::Primaries::new()?;
        let control = control::Control::new(host, primaries.clone())?;
        let thread = ffi::Thread::spawn(control, &ffi::fpath!("mars_control")?)?;
        let net = net::Net::start(host, primaries)?;
        pr_info!("MARS {} loaded (host {})\n", VERSION, host.as_str());
        Ok(Mars {
            _net: net,
            _control: thread,
            _files: files,
        })
    }
}

impl Drop for Mars {
    fn drop(&mut self) {
        pr_info!("MARS {} unloaded\n", VERSION);
    }
}
