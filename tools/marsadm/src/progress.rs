//! What a wait shows while it waits for the kernel: on a terminal one line
//! on stderr that updates in place (what is waited for, the time so far,
//! the state reached); otherwise plain lines on stderr, the first once the
//! wait has lasted a second, then one every ten seconds. A wait that ends
//! within a second prints nothing (`marsadm cron` stays quiet in cron
//! mails).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use crate::kernel::fmt_secs;

/// When the first plain line is printed.
pub const PLAIN_FIRST: Duration = Duration::from_secs(1);
/// How often a plain line is printed after the first.
pub const PLAIN_EVERY: Duration = Duration::from_secs(10);
/// How often the terminal line is redrawn.
const REDRAW: Duration = Duration::from_millis(200);

/// Shows the progress of one wait.
#[derive(Debug)]
pub struct Reporter {
    what: String,
    limit: Option<Duration>,
    /// Width of the terminal, `None` when stderr is not one.
    tty_width: Option<usize>,
    /// Elapsed time of the last plain line.
    last_plain: Option<Duration>,
    /// When the terminal line was last drawn.
    last_draw: Option<Instant>,
    /// The last state printed by `-v`.
    last_desc: String,
    verbose: bool,
}

fn terminal_width() -> Option<usize> {
    let err = std::io::stderr();
    if !err.is_terminal() {
        return None;
    }
    let w = rustix::termios::tcgetwinsize(&err)
        .map(|ws| usize::from(ws.ws_col))
        .unwrap_or(80);
    Some(if w < 20 { 80 } else { w })
}

impl Reporter {
    /// A reporter for waiting for `what` at most `limit` (`None`: no limit),
    /// drawing in place if stderr is a terminal.
    pub fn new(what: &str, limit: Option<Duration>, verbose: bool) -> Self {
        Self::with_width(what, limit, verbose, terminal_width())
    }

    /// A reporter for a terminal of `width` columns, or plain lines.
    pub fn with_width(
        what: &str,
        limit: Option<Duration>,
        verbose: bool,
        tty_width: Option<usize>,
    ) -> Self {
        Self {
            what: what.to_string(),
            limit,
            tty_width,
            last_plain: None,
            last_draw: None,
            last_desc: String::new(),
            verbose,
        }
    }

    /// The progress text after `elapsed` with the kernel reporting `desc`.
    pub fn text(&self, elapsed: Duration, desc: &str) -> String {
        let secs = Duration::from_secs(elapsed.as_secs());
        let limit = match self.limit {
            Some(l) => format!(", up to {}", fmt_secs(l)),
            None => ", no time limit".to_string(),
        };
        format!(
            "waiting for {} ({} so far{limit}): {desc}",
            self.what,
            fmt_secs(secs)
        )
    }

    /// Whether a plain line is due after `elapsed` (and notes it as printed).
    pub fn plain_due(&mut self, elapsed: Duration) -> bool {
        let due = match self.last_plain {
            None => elapsed >= PLAIN_FIRST,
            Some(last) => elapsed.saturating_sub(last) >= PLAIN_EVERY,
        };
        if due {
            self.last_plain = Some(elapsed);
        }
        due
    }

    /// Shows the state after `elapsed`.
    pub fn update(&mut self, elapsed: Duration, desc: &str) {
        let mut err = std::io::stderr().lock();
        if self.verbose && desc != self.last_desc {
            self.clear_line(&mut err);
            let _ = writeln!(err, "marsadm: waiting for {}: {desc}", self.what);
            self.last_desc = desc.to_string();
        }
        match self.tty_width {
            Some(width) => {
                if self.last_draw.is_some_and(|t| t.elapsed() < REDRAW) {
                    return;
                }
                let line: String = self.text(elapsed, desc).chars().take(width - 1).collect();
                let _ = write!(err, "\r\x1b[2K{line}");
                let _ = err.flush();
                self.last_draw = Some(Instant::now());
            }
            None => {
                if self.plain_due(elapsed) {
                    let _ = writeln!(err, "marsadm: {}", self.text(elapsed, desc));
                }
            }
        }
    }

    fn clear_line(&mut self, err: &mut impl Write) {
        if self.tty_width.is_some() && self.last_draw.take().is_some() {
            let _ = write!(err, "\r\x1b[2K");
        }
    }

    /// Removes the terminal line (before the result is printed).
    pub fn finish(&mut self) {
        let mut err = std::io::stderr().lock();
        self.clear_line(&mut err);
        let _ = err.flush();
    }
}

impl Drop for Reporter {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_after_a_second_then_every_ten() {
        let mut r = Reporter::with_width("r0 to be attached", None, false, None);
        let s = |n: u64| Duration::from_millis(n);
        assert!(!r.plain_due(s(0)));
        assert!(!r.plain_due(s(900)));
        assert!(r.plain_due(s(1000)));
        assert!(!r.plain_due(s(1100)));
        assert!(!r.plain_due(s(10_900)));
        assert!(r.plain_due(s(11_000)));
        assert!(r.plain_due(s(25_000)));
        assert_eq!(
            r.text(s(12_345), "state Down"),
            "waiting for r0 to be attached (12 s so far, no time limit): state Down"
        );
        let r = Reporter::with_width("x", Some(Duration::from_secs(60)), false, Some(80));
        assert_eq!(
            r.text(s(0), "y"),
            "waiting for x (0 s so far, up to 60 s): y"
        );
    }
}
