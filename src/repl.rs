// SPDX-License-Identifier: GPL-2.0

//! Replication: the data ports and the secondary's worker.
//!
//! - The primary serves its logs on the log fetch port (`fetch_port`,
//!   7778) and its data device on the full sync port (`sync_port`, 7779),
//!   each with its own IP TOS, after the same authentication as the
//!   metadata port ([`service`]; the listeners are the cluster layer's).
//! - A secondary runs one worker per resource ([`secondary`]): the full
//!   sync ([`sync`]) while `syncstatus-HOST` is below the size, then log
//!   fetch and replay ([`fetch`]).
//! - [`Primaries`] lets the sessions find a running primary's engine.

pub(crate) mod client;
pub(crate) mod fetch;
mod kunit;
pub(crate) mod primaries;
pub(crate) mod secondary;
pub(crate) mod service;
pub(crate) mod sync;

pub(crate) use primaries::Primaries;
pub(crate) use secondary::Worker;
