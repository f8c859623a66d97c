// SPDX-License-Identifier: GPL-2.0

//! Kernel formatting for core types.
//!
//! The kernel's `pr_*!` macros format through `kernel::fmt::Display`, a
//! copy of `core::fmt::Display`. The core crate implements the latter only
//! (it must not depend on the kernel crate), so the types mars.ko prints
//! get the kernel trait here, forwarding to their core implementation.

use super::mars_core::log::CorruptionKind;
use super::mars_core::names::{HostName, LogName, ResourceName};
use super::replay::ReplayError;

macro_rules! forward_display {
    ($($t:ty),* $(,)?) => {
        $(
            impl kernel::fmt::Display for $t {
                fn fmt(&self, f: &mut kernel::fmt::Formatter<'_>) -> kernel::fmt::Result {
                    core::fmt::Display::fmt(self, f)
                }
            }
        )*
    };
}

forward_display!(LogName, HostName, ResourceName, CorruptionKind, ReplayError);
