//! Incremental exchange state of one outgoing connection.
//!
//! Every local change of an exchanged link gets a local change sequence
//! number (monotonic per host). The pushing side of a connection keeps a
//! [`Cursor`]: `sent` = highest sequence number pushed (TreeEntries batches
//! followed by `Sync(upto = sent)`), `acked` = highest `upto` the peer
//! answered with `SyncAck`. A new connection starts from [`Cursor::new`]
//! (cursor 0 = full exchange). `acked <= sent` always holds; an ack outside
//! `acked..=sent` is refused and changes nothing.

use core::fmt;

/// Push progress of one outgoing connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    sent: u64,
    acked: u64,
}

/// A `SyncAck` whose `upto` lies outside `acked..=sent` (hostile or buggy
/// peer); the connection should be closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AckError {
    /// The refused `upto`.
    pub upto: u64,
    /// The cursor's `acked` at that time.
    pub acked: u64,
    /// The cursor's `sent` at that time.
    pub sent: u64,
}

impl fmt::Display for AckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "acknowledgement of change {} outside {}..={}",
            self.upto, self.acked, self.sent
        )
    }
}

impl Cursor {
    /// A cursor for a new connection: nothing sent, nothing acknowledged.
    pub const fn new() -> Self {
        Self { sent: 0, acked: 0 }
    }

    /// Whether the change with sequence number `seq` still has to be sent
    /// on this connection (`seq > sent`).
    pub const fn pending(&self, seq: u64) -> bool {
        seq > self.sent
    }

    /// Records that every change up to `upto` was pushed (the `Sync(upto)`
    /// was sent). Never moves backwards.
    pub fn mark_sent(&mut self, upto: u64) {
        if upto > self.sent {
            self.sent = upto;
        }
    }

    /// Records a `SyncAck(upto)`; `upto` must be within `acked..=sent`,
    /// otherwise the cursor is unchanged and the ack refused.
    pub fn ack(&mut self, upto: u64) -> Result<(), AckError> {
        if upto < self.acked || upto > self.sent {
            return Err(AckError {
                upto,
                acked: self.acked,
                sent: self.sent,
            });
        }
        self.acked = upto;
        Ok(())
    }

    /// Highest acknowledged sequence number.
    pub const fn acked(&self) -> u64 {
        self.acked
    }

    /// Highest sent sequence number.
    pub const fn sent(&self) -> u64 {
        self.sent
    }
}

/// Whether a peer is in sync (`SYNCED` in `/proc/sys/mars/peers`): it
/// acknowledged every local change made before the last completed round
/// started (`local_seq_at_round_start` = the local sequence number then).
pub const fn synced(acked: u64, local_seq_at_round_start: u64) -> bool {
    acked >= local_seq_at_round_start
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn round() {
        let mut c = Cursor::new();
        assert!(c.pending(1) && !c.pending(0));
        c.mark_sent(5);
        assert!(!c.pending(5) && c.pending(6));
        assert_eq!(c.ack(6).unwrap_err().upto, 6);
        assert_eq!((c.acked(), c.sent()), (0, 5));
        c.ack(3).unwrap();
        assert!(c.ack(2).is_err());
        c.ack(5).unwrap();
        c.ack(5).unwrap();
        c.mark_sent(4);
        assert_eq!((c.acked(), c.sent()), (5, 5));
        assert!(synced(5, 5) && !synced(4, 5));
        let e = AckError {
            upto: 1,
            acked: 2,
            sent: 3,
        };
        assert_eq!(e.to_string(), "acknowledgement of change 1 outside 2..=3");
    }
}
