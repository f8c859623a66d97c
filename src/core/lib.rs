//! MARS core: everything that can be decided without the kernel.
//!
//! The transaction log record format and its scanner, the Lamport clock, the
//! `/mars` symlink-tree grammar, log retention, the wire protocol codec,
//! peer authentication input, the cluster merge rule and exchange cursor,
//! the resource state machine (`plan`), and CRC-32C. This crate is pure
//! `core` code: no allocation, no floating point, no panics on any input.
//! The kernel module includes these files as a module tree
//! (`#[path = "core"] pub mod mars_core { ... }`); `marsadm` uses the crate.

#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
#![cfg_attr(
    test,
    allow(
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::cast_possible_truncation
    )
)]

#[cfg(test)]
extern crate std;

pub mod auth;
pub mod bytes;
pub mod crc32c;
pub mod exchange;
pub mod lamport;
pub mod log;
pub mod merge;
pub mod names;
pub mod plan;
pub mod replica;
pub mod retention;
pub mod sort;
pub mod tree;
pub mod wire;
