//! Output of the commands that run until stopped (`view --watch`,
//! `events`): written and flushed at once, and a reader that went away
//! (`marsadm events | head -3`) ends the command quietly instead of a
//! panic in `println!`.

use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use crate::error::{Error, Result};

/// Writes `text` to stdout and flushes. `Ok(false)`: the reader is gone
/// (broken pipe), stop.
pub fn emit(text: &str) -> Result<bool> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(Error::io("write", Path::new("standard output"), e)),
    }
}

/// Sleeps one interval.
pub fn pause(interval: Duration) {
    std::thread::sleep(interval);
}
