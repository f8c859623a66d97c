// SPDX-License-Identifier: GPL-2.0

//! The primaries running on this host, by resource: where the data ports'
//! sessions find the engine of a resource (its data device for a full
//! sync, its log number and durable end for a log fetch). The control
//! thread adds an engine when a resource becomes primary and removes it
//! before the engine stops.

use crate::mars_core::names::ResourceName;
use crate::primary::Engine;
use kernel::prelude::*;
use kernel::sync::{new_mutex, Arc, Mutex};

/// The running primaries.
#[pin_data]
pub(crate) struct Primaries {
    #[pin]
    list: Mutex<KVec<Arc<Engine>>>,
}

impl Primaries {
    /// An empty registry.
    pub(crate) fn new() -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(Primaries {
                list <- new_mutex!(KVec::new()),
            }),
            GFP_KERNEL,
        )
    }

    /// Adds the engine of a resource that became primary.
    pub(crate) fn add(&self, engine: Arc<Engine>) -> Result {
        let mut list = self.list.lock();
        list.retain(|e| e.res != engine.res);
        list.push(engine, GFP_KERNEL)?;
        Ok(())
    }

    /// Removes the engine of `res` (it is about to stop).
    pub(crate) fn remove(&self, res: &ResourceName) {
        self.list.lock().retain(|e| e.res != *res);
    }

    /// The engine of `res`, if it runs here.
    pub(crate) fn get(&self, res: &ResourceName) -> Option<Arc<Engine>> {
        self.list.lock().iter().find(|e| e.res == *res).cloned()
    }
}
