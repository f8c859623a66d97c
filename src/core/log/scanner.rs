//! Walking a window of a log: yields intact records in order and a verdict.
//!
//! The scanner never yields a record whose CRC does not verify. When it
//! meets a bad record at offset X it decides between a torn tail (normal
//! after a crash: the bytes after the last fsync may be holes, garbage or
//! partly written) and corruption: X is corrupt only if a later intact
//! record in the window has `durable_upto > X`, i.e. X had been fsynced and
//! so must have been intact. An intact record (valid CRC) that breaks a
//! format rule (wrong sequence number, unknown kind, flags, ...) is always
//! corruption. A tail of zero bytes (preallocated or sparse) is a torn tail.

use super::super::bytes::{le_u32, le_u64};
use super::super::crc32c::{checksum, Crc32c};
use super::{
    off, CorruptionKind, Header, END_MAGIC, HEADER_LEN, MAGIC, MAX_RECORD_LEN, MIN_RECORD_LEN,
};

/// The end of a scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The window ended exactly at a record boundary and at the end of the log.
    CleanEnd {
        /// Log offset of the end.
        offset: u64,
    },
    /// The window ended inside a record (or exactly at a boundary) and the
    /// log continues: read more and resume at `offset` with a window of at
    /// least [`MAX_RECORD_LEN`] bytes or one that reaches the end of the log.
    NeedMore {
        /// Log offset to continue from.
        offset: u64,
    },
    /// A torn or partly written record at the end of the log: normal after a
    /// crash; the log should be truncated at `offset`.
    IncompleteTail {
        /// Log offset of the torn record.
        offset: u64,
        /// What was wrong with it.
        kind: CorruptionKind,
    },
    /// A record that must have been intact is not: a real error.
    Corruption {
        /// Log offset of the bad record.
        offset: u64,
        /// What was wrong with it.
        kind: CorruptionKind,
    },
    /// A bad record in a window that does not reach the end of the log and
    /// holds no later record proving it durable. Continue the proof search
    /// with [`find_proof`] on the log from `search_from`; if the end of the
    /// log is reached without proof it is an incomplete tail.
    Unverified {
        /// Log offset of the bad record.
        offset: u64,
        /// What was wrong with it.
        kind: CorruptionKind,
        /// Log offset from which the proof search must continue.
        search_from: u64,
    },
}

/// An intact record borrowed from the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// Log offset of the record's first byte.
    pub offset: u64,
    /// Total record length.
    pub total_len: usize,
    /// The validated header.
    pub header: Header,
    /// The payload (empty for discard and flush records).
    pub payload: &'a [u8],
}

impl Record<'_> {
    /// Log offset just past this record.
    pub fn end(&self) -> u64 {
        self.offset.saturating_add(self.total_len as u64)
    }
}

/// Result of looking at one aligned position.
enum Probe {
    /// Fewer bytes than the header or than the record's total length.
    Short(CorruptionKind),
    /// Not a well-formed record.
    Bad(CorruptionKind),
    /// Magic, length, end magic and CRC are fine.
    Intact(usize),
}

/// Checks magic, length bounds, end magic and CRC at the start of `rest`.
fn probe<C: Crc32c + ?Sized>(crc: &C, rest: &[u8], budget: Option<&mut usize>) -> Probe {
    if rest.len() < HEADER_LEN {
        return Probe::Short(CorruptionKind::BadLength);
    }
    if le_u32(rest, off::MAGIC) != Some(MAGIC) {
        return Probe::Bad(CorruptionKind::BadMagic);
    }
    let total = match le_u32(rest, off::TOTAL_LEN).and_then(|t| usize::try_from(t).ok()) {
        Some(t) if (MIN_RECORD_LEN..=MAX_RECORD_LEN).contains(&t) && t % 8 == 0 => t,
        _ => return Probe::Bad(CorruptionKind::BadLength),
    };
    let Some(rec) = rest.get(..total) else {
        return Probe::Short(CorruptionKind::BadLength);
    };
    let crc_off = total.saturating_sub(4);
    if le_u32(rec, total.saturating_sub(8)) != Some(END_MAGIC) {
        return Probe::Bad(CorruptionKind::BadEndMagic);
    }
    if let Some(budget) = budget {
        match budget.checked_sub(total) {
            Some(b) => *budget = b,
            None => return Probe::Bad(CorruptionKind::BadChecksum),
        }
    }
    let covered = rec.get(..crc_off).unwrap_or(&[]);
    if le_u32(rec, crc_off) != Some(checksum(crc, covered)) {
        return Probe::Bad(CorruptionKind::BadChecksum);
    }
    Probe::Intact(total)
}

/// Outcome of [`find_proof`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proof {
    /// An intact record at `at` has `durable_upto` past the bad record.
    Found {
        /// Log offset of the proving record.
        at: u64,
    },
    /// Nothing in this window; continue with a window starting at `next`
    /// (or, if this window reached the end of the log, it is a torn tail).
    NotFound {
        /// Log offset where the search continues.
        next: u64,
    },
}

/// Most bytes one proof search checksums, so hostile input cannot make the
/// search quadratic. Exhausting it ends the search with `NotFound`.
pub const PROOF_CRC_BUDGET: usize = 64 << 20;

/// Searches `window` (log bytes starting at `base`) for an intact record that
/// proves the bad record at `bad_offset` had been durable: a record at Y > X
/// with `X < durable_upto <= Y` and a sequence number that fits between
/// `expected_seq` (the bad record's) and the space between X and Y. With
/// `log_id` known, only records of that log count: a record-shaped payload
/// in user data (or a record copied from another log) cannot pass as proof.
pub fn find_proof<C: Crc32c + ?Sized>(
    crc: &C,
    window: &[u8],
    base: u64,
    bad_offset: u64,
    expected_seq: u64,
    log_id: Option<u32>,
) -> Proof {
    let mut budget = PROOF_CRC_BUDGET;
    // First aligned offset after the bad record inside the window.
    let start = bad_offset.saturating_add(8) & !7u64;
    let mut pos = start
        .checked_sub(base)
        .and_then(|p| usize::try_from(p).ok())
        .unwrap_or_default();
    let mut first_short: Option<usize> = None;
    while let Some(rest) = window.get(pos..) {
        if rest.len() < HEADER_LEN {
            break;
        }
        let here = base.saturating_add(pos as u64);
        match probe(crc, rest, Some(&mut budget)) {
            Probe::Intact(_) => {
                let ours = log_id.is_none_or(|id| le_u32(rest, off::LOG_ID) == Some(id));
                if ours && proves(rest, here, bad_offset, expected_seq) {
                    return Proof::Found { at: here };
                }
            }
            Probe::Short(_) => {
                first_short.get_or_insert(pos);
            }
            Probe::Bad(_) => {}
        }
        if budget == 0 {
            break;
        }
        pos = match pos.checked_add(8) {
            Some(p) => p,
            None => break,
        };
    }
    let next = first_short.unwrap_or(pos);
    Proof::NotFound {
        next: base.saturating_add(next as u64),
    }
}

/// Whether the intact record at `here` (bytes `rec`) proves `bad` durable.
fn proves(rec: &[u8], here: u64, bad: u64, expected_seq: u64) -> bool {
    let (Some(durable), Some(seq)) = (le_u64(rec, off::DURABLE_UPTO), le_u64(rec, off::SEQ)) else {
        return false;
    };
    if durable <= bad || durable > here || seq <= expected_seq {
        return false;
    }
    // Records expected_seq..seq occupy [bad, here), each >= MIN_RECORD_LEN.
    let gap = here.saturating_sub(bad);
    matches!(
        seq.saturating_sub(expected_seq).checked_mul(MIN_RECORD_LEN as u64),
        Some(need) if need <= gap
    )
}

/// Walks the records in a window of a log. Iterate to get the records, then
/// read [`Scanner::verdict`].
#[derive(Debug)]
pub struct Scanner<'a, C: Crc32c + ?Sized> {
    crc: &'a C,
    window: &'a [u8],
    base: u64,
    pos: usize,
    expected_seq: u64,
    at_eof: bool,
    log_id: Option<u32>,
    verdict: Option<Verdict>,
}

impl<'a, C: Crc32c + ?Sized> Scanner<'a, C> {
    /// Scans `window`, the log bytes starting at log offset `base` (a record
    /// boundary), expecting the first record to have `expected_seq`.
    /// `at_eof` says whether the window reaches the end of the log file.
    pub fn new(window: &'a [u8], base: u64, expected_seq: u64, at_eof: bool, crc: &'a C) -> Self {
        Self {
            crc,
            window,
            base,
            pos: 0,
            expected_seq,
            at_eof,
            log_id: None,
            verdict: None,
        }
    }

    /// Requires every record to belong to log `log_id` (an intact record
    /// with another id is corruption) and accepts only such records as
    /// proof. Without it the scanner learns the id from the first record
    /// it yields (the window starts at a record boundary of the chain).
    pub fn with_log_id(mut self, log_id: Option<u32>) -> Self {
        self.log_id = log_id;
        self
    }

    /// The log's id, once given or learnt.
    pub fn log_id(&self) -> Option<u32> {
        self.log_id
    }

    /// The verdict, once iteration has returned `None`.
    pub fn verdict(&self) -> Option<Verdict> {
        self.verdict
    }

    /// Log offset of the next record to be read.
    pub fn next_offset(&self) -> u64 {
        self.base.saturating_add(self.pos as u64)
    }

    /// Sequence number the next record must have.
    pub fn expected_seq(&self) -> u64 {
        self.expected_seq
    }

    /// Classifies a bad record at the current position.
    fn bad(&self, kind: CorruptionKind) -> Verdict {
        let offset = self.next_offset();
        let rest = self.window.get(self.pos..).unwrap_or(&[]);
        match find_proof(
            self.crc,
            rest,
            offset,
            offset,
            self.expected_seq,
            self.log_id,
        ) {
            Proof::Found { .. } => Verdict::Corruption { offset, kind },
            Proof::NotFound { .. } if self.at_eof => Verdict::IncompleteTail { offset, kind },
            Proof::NotFound { next } => Verdict::Unverified {
                offset,
                kind,
                search_from: next,
            },
        }
    }

    fn step(&mut self) -> Result<Record<'a>, Verdict> {
        let offset = self.next_offset();
        let rest = self.window.get(self.pos..).unwrap_or(&[]);
        if rest.is_empty() {
            return Err(if self.at_eof {
                Verdict::CleanEnd { offset }
            } else {
                Verdict::NeedMore { offset }
            });
        }
        let total = match probe(self.crc, rest, None) {
            Probe::Intact(total) => total,
            Probe::Short(_) if !self.at_eof => return Err(Verdict::NeedMore { offset }),
            Probe::Short(kind) | Probe::Bad(kind) => return Err(self.bad(kind)),
        };
        let corrupt = |kind| Verdict::Corruption { offset, kind };
        let header = Header::decode(rest, total).map_err(corrupt)?;
        if header.seq != self.expected_seq {
            return Err(corrupt(CorruptionKind::SequenceGap));
        }
        if self.log_id.is_some_and(|id| id != header.log_id) {
            return Err(corrupt(CorruptionKind::ForeignRecord));
        }
        if header.durable_upto > offset {
            return Err(corrupt(CorruptionKind::BadDurable));
        }
        let payload_len = usize::try_from(header.payload_len())
            .map_err(|_| corrupt(CorruptionKind::BadLength))?;
        let end = HEADER_LEN
            .checked_add(payload_len)
            .ok_or(corrupt(CorruptionKind::BadLength))?;
        let payload = rest
            .get(HEADER_LEN..end)
            .ok_or(corrupt(CorruptionKind::BadLength))?;
        let next_seq = self
            .expected_seq
            .checked_add(1)
            .ok_or(corrupt(CorruptionKind::SequenceGap))?;
        let next_pos = self
            .pos
            .checked_add(total)
            .ok_or(corrupt(CorruptionKind::BadLength))?;
        self.expected_seq = next_seq;
        self.pos = next_pos;
        self.log_id = Some(header.log_id);
        Ok(Record {
            offset,
            total_len: total,
            header,
            payload,
        })
    }
}

impl<'a, C: Crc32c + ?Sized> Iterator for Scanner<'a, C> {
    type Item = Record<'a>;

    fn next(&mut self) -> Option<Record<'a>> {
        if self.verdict.is_some() {
            return None;
        }
        match self.step() {
            Ok(r) => Some(r),
            Err(v) => {
                self.verdict = Some(v);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::crc32c::SoftCrc32c;
    use super::super::super::lamport::Stamp;
    use super::super::{encode_record, Kind};
    use super::*;
    use std::vec::Vec;

    /// Builds a log of `n` write records of `size` bytes; returns it and the
    /// record offsets. Each record claims everything before it durable.
    fn build(n: u64, size: usize) -> (Vec<u8>, Vec<u64>) {
        let mut log = Vec::new();
        let mut offs = Vec::new();
        for seq in 1..=n {
            let at = log.len() as u64;
            offs.push(at);
            let payload: Vec<u8> = (0..size).map(|i| (i as u64 + seq) as u8).collect();
            let h = Header::write(
                seq,
                Stamp { sec: seq, nsec: 0 },
                seq * 4096,
                size as u64,
                at,
            );
            let mut rec = std::vec![0u8; super::super::encoded_len(size).unwrap()];
            encode_record(&SoftCrc32c, &h, &payload, &mut rec).unwrap();
            log.extend_from_slice(&rec);
        }
        (log, offs)
    }

    fn scan(buf: &[u8], at_eof: bool) -> (Vec<u64>, Verdict) {
        let mut s = Scanner::new(buf, 0, 1, at_eof, &SoftCrc32c);
        let seqs = s.by_ref().map(|r| r.header.seq).collect();
        (seqs, s.verdict().unwrap())
    }

    #[test]
    fn clean() {
        let (log, _) = build(5, 100);
        assert_eq!(
            scan(&log, true),
            (
                (1..=5).collect(),
                Verdict::CleanEnd {
                    offset: log.len() as u64
                }
            )
        );
        assert_eq!(
            scan(&log, false).1,
            Verdict::NeedMore {
                offset: log.len() as u64
            }
        );
        assert_eq!(scan(&[], true).1, Verdict::CleanEnd { offset: 0 });
    }

    #[test]
    fn torn_tail_and_zeros() {
        let (mut log, offs) = build(4, 100);
        let cut = offs[3] as usize + 50;
        assert_eq!(
            scan(&log[..cut], false),
            ((1..=3).collect(), Verdict::NeedMore { offset: offs[3] })
        );
        assert_eq!(
            scan(&log[..cut], true),
            (
                (1..=3).collect(),
                Verdict::IncompleteTail {
                    offset: offs[3],
                    kind: CorruptionKind::BadLength
                }
            )
        );
        log.resize(log.len() + 4096, 0);
        let end = offs[3] + 176;
        assert_eq!(
            scan(&log, true),
            (
                (1..=4).collect(),
                Verdict::IncompleteTail {
                    offset: end,
                    kind: CorruptionKind::BadMagic
                }
            )
        );
    }

    #[test]
    fn corruption_is_proven_by_later_record() {
        let (mut log, offs) = build(4, 100);
        // Record 2 damaged; record 4 has durable_upto = offs[3] > offs[1].
        log[offs[1] as usize + 70] ^= 1;
        assert_eq!(
            scan(&log, true),
            (
                std::vec![1],
                Verdict::Corruption {
                    offset: offs[1],
                    kind: CorruptionKind::BadChecksum
                }
            )
        );
        // The last record damaged: nothing proves it, a torn tail.
        let (mut log, offs) = build(4, 100);
        log[offs[3] as usize + 70] ^= 1;
        assert_eq!(
            scan(&log, true),
            (
                (1..=3).collect(),
                Verdict::IncompleteTail {
                    offset: offs[3],
                    kind: CorruptionKind::BadChecksum
                }
            )
        );
        // Not at EOF: unverified, with a continuation point.
        let (mut log, offs) = build(2, 100);
        log[offs[1] as usize + 70] ^= 1;
        let (seqs, v) = scan(&log, false);
        assert_eq!(seqs, std::vec![1]);
        assert!(matches!(v, Verdict::Unverified { offset, .. } if offset == offs[1]));
    }

    /// Builds one group commit: `n` records that all carry the same
    /// `durable_upto` (the previous fsync point, 0 here), optionally
    /// followed by the flush marker the writer appends after the fsync.
    fn build_group(n: u64, size: usize, marker: bool) -> (Vec<u8>, Vec<u64>) {
        let mut log = Vec::new();
        let mut offs = Vec::new();
        for seq in 1..=n {
            offs.push(log.len() as u64);
            let payload: Vec<u8> = (0..size).map(|i| (i as u64 * 7 + seq) as u8).collect();
            let h = Header::write(seq, Stamp { sec: seq, nsec: 0 }, seq * 4096, size as u64, 0);
            let mut rec = std::vec![0u8; super::super::encoded_len(size).unwrap()];
            encode_record(&SoftCrc32c, &h, &payload, &mut rec).unwrap();
            log.extend_from_slice(&rec);
        }
        if marker {
            let at = log.len() as u64;
            let h = Header::flush(
                n + 1,
                Stamp {
                    sec: n + 1,
                    nsec: 0,
                },
                at,
            );
            let mut rec = std::vec![0u8; super::super::encoded_len(0).unwrap()];
            encode_record(&SoftCrc32c, &h, &[], &mut rec).unwrap();
            log.extend_from_slice(&rec);
        }
        (log, offs)
    }

    /// Media damage inside the last flushed group: the flush marker written
    /// after that fsync proves the group durable, so it is corruption and
    /// no intact record after the damage is given up as a torn tail.
    #[test]
    fn damage_in_last_flushed_group_is_corruption() {
        // Without a marker (the crash came before it reached the disk) the
        // damage cannot be told from a torn tail: 4 of 10 records survive.
        let (mut log, offs) = build_group(10, 100, false);
        log[offs[4] as usize + 70] ^= 1;
        let (seqs, v) = scan(&log, true);
        assert_eq!(seqs.len(), 4);
        assert!(matches!(v, Verdict::IncompleteTail { offset, .. } if offset == offs[4]));
        // With the marker: corruption at the damaged record.
        let (mut log, offs) = build_group(10, 100, true);
        assert_eq!(scan(&log, true).0.len(), 11);
        log[offs[4] as usize + 70] ^= 1;
        assert_eq!(
            scan(&log, true),
            (
                (1..=4).collect(),
                Verdict::Corruption {
                    offset: offs[4],
                    kind: CorruptionKind::BadChecksum
                }
            )
        );
        // Damage in the marker itself, the last record: a torn tail.
        let (mut log, _) = build_group(3, 100, true);
        let n = log.len();
        log[n - 30] ^= 1;
        assert!(matches!(scan(&log, true).1, Verdict::IncompleteTail { .. }));
    }

    /// A record-shaped payload in user data (a "record" inside a record)
    /// cannot prove a torn record durable: it does not carry the log's id.
    #[test]
    fn record_shaped_payload_is_no_proof() {
        const ID: u32 = 0x5eed_1234;
        let forged_at = |offs: &[u64]| offs[3] + HEADER_LEN as u64;
        let build_with = |forged_id: u32| {
            // Five records of one unflushed group; record 4's payload
            // starts with a forged flush marker claiming durability past
            // record 3.
            let mut log = Vec::new();
            let mut offs = Vec::new();
            for seq in 1..=5u64 {
                offs.push(log.len() as u64);
                let mut payload = std::vec![0u8; 512];
                if seq == 4 {
                    let here = log.len() as u64 + HEADER_LEN as u64;
                    let fake =
                        Header::flush(4, Stamp { sec: 9, nsec: 0 }, here).with_log_id(forged_id);
                    encode_record(&SoftCrc32c, &fake, &[], &mut payload[..MIN_RECORD_LEN]).unwrap();
                }
                let h = Header::write(seq, Stamp { sec: seq, nsec: 0 }, seq * 4096, 512, 0)
                    .with_log_id(ID);
                let mut rec = std::vec![0u8; super::super::encoded_len(512).unwrap()];
                encode_record(&SoftCrc32c, &h, &payload, &mut rec).unwrap();
                log.extend_from_slice(&rec);
            }
            (log, offs)
        };
        // Record 3 torn: the forged marker (another id) is no proof.
        let (mut log, offs) = build_with(0xbad);
        log[offs[2] as usize + 100] ^= 1;
        let (seqs, v) = scan(&log, true);
        assert_eq!(seqs, std::vec![1, 2]);
        assert!(matches!(v, Verdict::IncompleteTail { offset, .. } if offset == offs[2]));
        // A forger who knew the id would be believed, as a check that the
        // id is what decides here.
        let (mut log, offs) = build_with(ID);
        log[offs[2] as usize + 100] ^= 1;
        assert!(
            matches!(scan(&log, true).1, Verdict::Corruption { offset, .. } if offset == offs[2])
        );
        assert!(matches!(
            find_proof(&SoftCrc32c, &log, 0, offs[2], 3, Some(0xbad)),
            Proof::NotFound { .. }
        ));
        assert_eq!(
            find_proof(&SoftCrc32c, &log, 0, offs[2], 3, Some(ID)),
            Proof::Found {
                at: forged_at(&offs)
            }
        );
        // An intact record of another log in the chain is corruption.
        let (log, offs) = build_with(ID);
        let mut other = log.clone();
        let h = Header::write(3, Stamp { sec: 3, nsec: 0 }, 3 * 4096, 512, 0).with_log_id(ID + 1);
        let n = offs[3] as usize - offs[2] as usize;
        encode_record(
            &SoftCrc32c,
            &h,
            &std::vec![0u8; 512],
            &mut other[offs[2] as usize..offs[2] as usize + n],
        )
        .unwrap();
        assert_eq!(
            scan(&other, true),
            (
                std::vec![1, 2],
                Verdict::Corruption {
                    offset: offs[2],
                    kind: CorruptionKind::ForeignRecord
                }
            )
        );
    }

    #[test]
    fn intact_but_wrong_is_corruption() {
        let (log, offs) = build(3, 8);
        let mut s = Scanner::new(&log, 0, 2, true, &SoftCrc32c);
        assert!(s.next().is_none());
        assert_eq!(
            s.verdict(),
            Some(Verdict::Corruption {
                offset: 0,
                kind: CorruptionKind::SequenceGap
            })
        );
        // A discard with a payload length mismatch is impossible to encode;
        // craft a record with an unknown kind and a valid CRC.
        let mut bad = log[..offs[1] as usize].to_vec();
        bad[12] = 9;
        let n = bad.len();
        let crc = super::super::super::crc32c::checksum(&SoftCrc32c, &bad[..n - 4]);
        bad[n - 4..].copy_from_slice(&crc.to_le_bytes());
        assert_eq!(
            scan(&bad, true).1,
            Verdict::Corruption {
                offset: 0,
                kind: CorruptionKind::BadKind
            }
        );
        let _ = Kind::Flush;
    }

    #[test]
    fn resume_across_windows() {
        let (log, _) = build(10, 1000);
        let mut base = 0u64;
        let mut seq = 1;
        let mut got = Vec::new();
        loop {
            let start = base as usize;
            let end = (start + 2500).min(log.len());
            let mut s = Scanner::new(&log[start..end], base, seq, end == log.len(), &SoftCrc32c);
            got.extend(s.by_ref().map(|r| r.header.seq));
            seq = s.expected_seq();
            match s.verdict().unwrap() {
                Verdict::NeedMore { offset } => base = offset,
                Verdict::CleanEnd { .. } => break,
                v => panic!("{v:?}"),
            }
        }
        assert_eq!(got, (1..=10).collect::<Vec<_>>());
    }
}
