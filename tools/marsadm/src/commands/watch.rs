//! `view --watch [--interval SECS]`: the view again every interval until
//! Ctrl-C. On a terminal the screen is cleared and redrawn, under a header
//! line; otherwise each view follows the last after a separator line, so
//! a log file reads like repeated `marsadm view` calls. A view that cannot
//! be built (say /mars went away) shows the error and the watch goes on.

use std::io::IsTerminal;
use std::time::Duration;

use super::view::build;
use crate::cli::Target;
use crate::config::Ctx;
use crate::error::Result;
use crate::kernel::fmt_secs;
use crate::render;
use crate::stream::{emit, pause};

/// Clears the terminal and moves the cursor home.
const CLEAR: &str = "\x1b[H\x1b[2J";

/// One frame: the view or the error that stopped it.
fn frame(ctx: &Ctx, target: &Target) -> String {
    match build(ctx, target) {
        Ok(rep) => render::text(&rep),
        Err(e) => format!("{e}\n"),
    }
}

/// `view --watch`.
pub fn watch(ctx: &Ctx, target: &Target, interval: Duration) -> Result<()> {
    // The first look refuses as `view` does: nothing to watch.
    build(ctx, target)?;
    let tty = std::io::stdout().is_terminal();
    let header = format!(
        "marsadm view, every {} (Ctrl-C to stop)",
        fmt_secs(interval)
    );
    let mut first = true;
    loop {
        let body = frame(ctx, target);
        let text = if tty {
            format!("{CLEAR}{header}\n\n{body}")
        } else if first {
            body
        } else {
            format!("\n----\n{body}")
        };
        first = false;
        if !emit(&text)? {
            return Ok(());
        }
        pause(interval);
    }
}
