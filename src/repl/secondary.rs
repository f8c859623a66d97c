// SPDX-License-Identifier: GPL-2.0

//! The secondary worker `mars_sec/RES`: one thread per resource this host
//! holds as a secondary (attached, the `primary` link naming another
//! host). Each turn it reads what the tree wants (`todo-HOST/connect`,
//! `sync`, `allow-replay`, `invalidate`, `syncstatus-HOST`) and does one
//! bounded step:
//!
//! - while `syncstatus-HOST` is below the size: one step of the full sync
//!   ([`super::sync`]): 8 MiB compared by digests, what differs copied;
//! - otherwise one step of log fetch (up to 1 MiB appended to the local
//!   copy of the primary's log) and one of replay (the fetched records
//!   applied, `replay-HOST` moved after a device flush), see
//!   [`super::fetch`].
//!
//! Failures of the connection end it and a new one is made after a
//! backoff; a corrupt fetched record stops the worker with an error the
//! control thread shows until the operator takes the resource down.

use super::client;
use crate::ffi::net::{self as fnet, DataPort};
use crate::ffi::{self, fpath, Bdev, DataBuf, ThreadMain};
use crate::mars_core::lamport::Stamp;
use crate::mars_core::names::{HostName, LogName, ResourceName};
use crate::mars_core::tree::{parse_switch, parse_u64, PrimaryValue, ReplayValue, TOMBSTONE};
use crate::net::conn::Conn;
use crate::net::Fail;
use crate::replay::{self, Stage};
use crate::resource::Message;
use crate::tree;
use kernel::prelude::*;
use kernel::sync::{new_mutex, Arc, Mutex};

/// First retry delay after a failed connection; doubles up to the cap.
const BACKOFF_MIN_MS: u32 = 250;
const BACKOFF_MAX_MS: u32 = 2000;
/// Sleep when there was nothing to do.
const IDLE_MS: u32 = 200;

/// What the worker shows (the control thread writes it to `actual-HOST/`).
pub(crate) struct Status {
    /// `connected`, `connecting`, `down`, `paused` or `none`.
    pub(crate) connection: &'static str,
    /// Why the connection is down, if it is.
    pub(crate) reason: Option<Fail>,
    pub(crate) syncing: bool,
    pub(crate) copying: bool,
    pub(crate) replaying: bool,
    /// Full sync bytes per second (copied data, not digests).
    pub(crate) sync_rate: u64,
    /// Bytes the primary has that are not fetched here.
    pub(crate) fetch_lag: u64,
    /// Bytes fetched here and not replayed.
    pub(crate) replay_lag: u64,
    /// Stamp of the last record replayed.
    pub(crate) replayed_stamp: Option<Stamp>,
    /// Where fetching stands: the log and the local copy's size.
    pub(crate) fetch_pos: Option<(LogName, u64)>,
    /// A fatal error: the worker stopped.
    pub(crate) error: Option<Message>,
    /// Bytes sent over the wire by the primary for the full sync, digests
    /// included (the counter the fast-sync test reads).
    pub(crate) sync_wire_bytes: u64,
}

/// What the tree wants of the worker, read each turn.
pub(super) struct Config {
    pub(super) primary: Option<HostName>,
    pub(super) connect: bool,
    pub(super) sync: bool,
    pub(super) replay: bool,
    pub(super) invalidate: u64,
    pub(super) invalidated: u64,
    pub(super) syncstatus: Option<u64>,
}

/// One secondary resource's worker.
#[pin_data]
pub(crate) struct Worker {
    pub(super) res: ResourceName,
    pub(super) host: HostName,
    pub(super) bdev: Arc<Bdev>,
    pub(super) size: u64,
    #[pin]
    pub(crate) status: Mutex<Status>,
    /// When the lag figures were last written to `actual-HOST/` (mono ns).
    pub(crate) lag_reported: kernel::sync::atomic::Atomic<u64>,
}

/// What one run of the thread keeps between turns.
pub(super) struct Run {
    pub(super) fetch: Option<Conn>,
    pub(super) sync: Option<Conn>,
    /// The replay position (cached; the link is written by the worker).
    pub(super) replay: Option<ReplayValue>,
    pub(super) window: VVec<u8>,
    pub(super) stage: Stage,
    /// 1 MiB, 512-aligned: device reads and writes of the sync.
    pub(super) buf: DataBuf,
    pub(super) buf2: DataBuf,
    /// Start of the sync rate measurement: (mono ns, bytes then).
    pub(super) rate_mark: (u64, u64),
    pub(super) copied: u64,
    /// The fetched copy known durable: (log, size). Replay never applies
    /// more than this, so a crash never leaves the device ahead of the
    /// copy it replays from.
    pub(super) synced: Option<(LogName, u64)>,
    /// When the copy was last synced (mono ns).
    pub(super) synced_at: u64,
    /// Where replay last stopped without applying anything (a record runs
    /// past the durable part of the copy).
    pub(super) stalled_at: Option<(LogName, u64)>,
    /// What `replay-paused` says now.
    pub(super) paused_said: Option<bool>,
}

impl Worker {
    /// Starts the worker of `res` on the attached device `bdev`.
    pub(crate) fn start(
        res: ResourceName,
        host: HostName,
        bdev: Arc<Bdev>,
        size: u64,
    ) -> Result<(Arc<Worker>, ffi::Thread)> {
        let w = Arc::pin_init(
            pin_init!(Worker {
                res,
                host,
                bdev,
                size,
                status <- new_mutex!(Status {
                    connection: "connecting",
                    reason: None,
                    syncing: false,
                    copying: false,
                    replaying: false,
                    sync_rate: 0,
                    fetch_lag: 0,
                    replay_lag: 0,
                    replayed_stamp: None,
                    fetch_pos: None,
                    error: None,
                    sync_wire_bytes: 0,
                }),
                lag_reported: kernel::sync::atomic::Atomic::new(0),
            }),
            GFP_KERNEL,
        )?;
        let t = ffi::Thread::spawn(w.clone(), &fpath!("mars_sec/{}", res.as_str())?)?;
        Ok((w, t))
    }

    /// A link of this resource.
    pub(super) fn link(&self, name: core::fmt::Arguments<'_>) -> Result<ffi::Path> {
        tree::resource_entry(&self.res, name)
    }

    fn read_link(&self, name: core::fmt::Arguments<'_>) -> Option<tree::Value> {
        self.link(name).and_then(|p| tree::read(&p)).ok().flatten()
    }

    fn switch(&self, name: &str) -> bool {
        self.read_link(format_args!("todo-{}/{}", self.host.as_str(), name))
            .and_then(|v| parse_switch(v.as_str()).ok())
            .unwrap_or(true)
    }

    fn count(&self, name: core::fmt::Arguments<'_>) -> Option<u64> {
        self.read_link(name)
            .and_then(|v| parse_u64(v.as_str()).ok())
    }

    #[inline(never)]
    fn config(&self) -> Config {
        let h = self.host.as_str();
        let primary = match self
            .read_link(format_args!("primary"))
            .and_then(|v| PrimaryValue::parse(v.as_str()).ok())
        {
            Some(PrimaryValue::Host(p)) => Some(p),
            _ => None,
        };
        Config {
            primary,
            connect: self.switch("connect"),
            sync: self.switch("sync"),
            replay: self.switch("allow-replay"),
            invalidate: self
                .count(format_args!("todo-{}/invalidate", h))
                .unwrap_or(0),
            invalidated: self
                .count(format_args!("actual-{}/invalidated", h))
                .unwrap_or(0),
            syncstatus: self.count(format_args!("syncstatus-{}", h)),
        }
    }

    /// The replay position from `replay-HOST`.
    pub(super) fn replay_link(&self) -> Option<ReplayValue> {
        self.read_link(format_args!("replay-{}", self.host.as_str()))
            .and_then(|v| ReplayValue::parse(v.as_str()).ok())
    }

    /// Stops the worker with `msg` (dmesg, and the resource shows Error).
    pub(super) fn fail(&self, msg: Message) {
        pr_err!("{}: {}\n", self.res.as_str(), msg.as_str());
        self.status.lock().error = Some(msg);
        fnet::trigger();
    }

    pub(super) fn set_connection(&self, word: &'static str, reason: Option<Fail>) {
        let mut s = self.status.lock();
        s.connection = word;
        s.reason = reason;
        if word != "connected" {
            s.copying = false;
            s.syncing = false;
        }
    }

    /// Writes `actual-HOST/replay-paused` (1 once replay has stopped for
    /// `pause-replay`: no replay step runs any more, the data device is a
    /// consistent snapshot; 0 once it runs again) when it changes; the
    /// worker writes it itself, after the step in progress.
    fn note_paused(&self, run: &mut Run, paused: bool) {
        if run.paused_said == Some(paused) {
            return;
        }
        let done = tree::actual_dir(&self.res, &self.host).and_then(|dir| {
            tree::ensure_dir(&dir)?;
            tree::update(
                &fpath!("{}/replay-paused", dir)?,
                if paused { "1" } else { "0" },
            )
        });
        if done.is_ok() {
            run.paused_said = Some(paused);
        }
    }

    /// Restarts the full sync from 0 (`marsadm invalidate`).
    #[inline(never)]
    fn invalidate(&self, run: &mut Run, to: u64) -> Result {
        let h = self.host.as_str();
        tree::write_durable(&self.link(format_args!("syncstatus-{}", h))?, "0")?;
        tree::write(&self.link(format_args!("syncpos-{}", h))?, TOMBSTONE)?;
        let dir = tree::actual_dir(&self.res, &self.host)?;
        tree::ensure_dir(&dir)?;
        tree::write(&fpath!("{}/invalidated", dir)?, fpath!("{}", to)?.as_str())?;
        run.replay = None;
        pr_info!(
            "{}: invalidated: a full sync from the primary starts\n",
            self.res.as_str()
        );
        Ok(())
    }

    /// Connects `slot` to the primary's `port` if it is not connected.
    pub(super) fn ensure<'r>(
        &self,
        slot: &'r mut Option<Conn>,
        primary: &HostName,
        port: DataPort,
    ) -> Result<&'r mut Conn, Fail> {
        if slot.is_none() {
            self.set_connection("connecting", None);
            let conn = client::connect(&self.host, primary, port)?;
            pr_info!(
                "{}: connected to {} for {}\n",
                self.res.as_str(),
                primary.as_str(),
                match port {
                    DataPort::Fetch => "log fetch",
                    DataPort::Sync => "full sync",
                }
            );
            *slot = Some(conn);
        }
        self.set_connection("connected", None);
        slot.as_mut().ok_or(Fail::Internal)
    }

    /// One turn: what the tree wants, one bounded step; whether it did
    /// something.
    #[inline(never)]
    fn turn(&self, run: &mut Run) -> Result<bool, Fail> {
        let cfg = self.config();
        if cfg.invalidate > cfg.invalidated {
            run.fetch = None;
            run.sync = None;
            self.invalidate(run, cfg.invalidate)
                .map_err(|_| Fail::Internal)?;
            return Ok(true);
        }
        let Some(primary) = cfg.primary.filter(|p| *p != self.host) else {
            run.fetch = None;
            run.sync = None;
            self.set_connection("none", None);
            return Ok(false);
        };
        if cfg.syncstatus.is_some_and(|s| s < self.size) {
            run.fetch = None;
            if !cfg.sync || !cfg.connect {
                run.sync = None;
                self.set_connection("paused", None);
                return Ok(false);
            }
            return self.sync_step(run, &primary, cfg.syncstatus.unwrap_or(0));
        }
        run.sync = None;
        let fetched = if cfg.connect {
            self.fetch_step(run, &primary)?
        } else {
            run.fetch = None;
            self.set_connection("paused", None);
            false
        };
        self.note_paused(run, !cfg.replay);
        let replayed = if cfg.replay {
            self.replay_step(run)
        } else {
            self.status.lock().replaying = false;
            false
        };
        Ok(fetched || replayed)
    }

    /// Cuts the local copies back to their last intact record, from the
    /// replay position on: a crash may have lost part of what was fetched,
    /// and a copy damaged in place (an error stopped the worker, the
    /// operator took the resource down and up) is fetched again from the
    /// damage on. Later copies go (they are fetched again after it). Never
    /// below the replay position.
    #[inline(never)]
    fn cut_damaged_tail(&self, run: &mut Run) -> Result {
        let Some(pos) = self.replay_link() else {
            return Ok(());
        };
        let mut number = pos.log.number;
        let mut cut = false;
        while let Some(log) = self.fetched_copy(number)? {
            let path = crate::logfile::log_path(&self.res, &log)?;
            if cut {
                pr_warn!(
                    "{}: dropping the fetched copy of {} (after a damaged one)\n",
                    self.res.as_str(),
                    log
                );
                ffi::remove(&path)?;
            } else {
                let file = ffi::File::open_rw(&path)?;
                let start = if log == pos.log { pos.pos } else { 0 };
                let end = replay::intact_end(&file, start, &mut run.window)?;
                if end < file.size() {
                    pr_warn!(
                        "{}: fetched copy of {} damaged from offset {} (a crash?): fetching it again from there\n",
                        self.res.as_str(),
                        log,
                        end
                    );
                    file.truncate(end)?;
                    file.sync()?;
                    cut = true;
                }
            }
            number = match number.checked_add(1) {
                Some(n) => n,
                None => break,
            };
        }
        Ok(())
    }

    /// The local copy of another host's log number `number`, if any.
    fn fetched_copy(&self, number: u32) -> Result<Option<LogName>> {
        let mut found = None;
        tree::for_each_name(&tree::resource_dir(&self.res)?, |name| {
            if let Ok(log) = LogName::parse(name) {
                if log.host != self.host && log.number == number {
                    found = Some(log);
                }
            }
            Ok(())
        })?;
        Ok(found)
    }

    /// The newest log copy of another host here numbered `from` or above.
    pub(super) fn newest_fetched(&self, from: u32) -> Result<Option<LogName>> {
        let mut best: Option<LogName> = None;
        tree::for_each_name(&tree::resource_dir(&self.res)?, |name| {
            if let Ok(log) = LogName::parse(name) {
                if log.host != self.host
                    && log.number >= from
                    && best.is_none_or(|b| log.number > b.number)
                {
                    best = Some(log);
                }
            }
            Ok(())
        })?;
        Ok(best)
    }
}

impl ThreadMain for Worker {
    fn run(&self) {
        let run = (|| -> Result<Run> {
            Ok(Run {
                fetch: None,
                sync: None,
                replay: None,
                window: replay::new_window()?,
                stage: Stage::new()?,
                buf: DataBuf::alloc_own(1 << 20)?,
                buf2: DataBuf::alloc_own(1 << 20)?,
                rate_mark: (fnet::mono_ns(), 0),
                copied: 0,
                synced: None,
                synced_at: 0,
                stalled_at: None,
                paused_said: None,
            })
        })();
        let mut run = match run {
            Ok(r) => r,
            Err(_) => {
                self.fail(Message::new(format_args!(
                    "out of memory: the secondary cannot start"
                )));
                while !ffi::should_stop() {
                    fnet::sleep_ms(500);
                }
                return;
            }
        };
        if let Err(e) = self.cut_damaged_tail(&mut run) {
            pr_warn!(
                "{}: cannot check the fetched log: error {}\n",
                self.res.as_str(),
                e.to_errno()
            );
        }
        let mut backoff = BACKOFF_MIN_MS;
        let mut said: Option<&'static str> = None;
        while !ffi::should_stop() {
            if self.status.lock().error.is_some() {
                run.fetch = None;
                run.sync = None;
                // Only `marsadm invalidate` (a full sync) or down/up go on.
                let cfg = self.config();
                if cfg.invalidate <= cfg.invalidated {
                    fnet::sleep_ms(500);
                    continue;
                }
                self.status.lock().error = None;
                fnet::trigger();
            }
            match self.turn(&mut run) {
                Ok(true) => backoff = BACKOFF_MIN_MS,
                Ok(false) => fnet::sleep_ms(IDLE_MS),
                Err(Fail::Stopped) => break,
                Err(f) => {
                    run.fetch = None;
                    run.sync = None;
                    self.set_connection("down", Some(f));
                    if said != Some(f.word()) {
                        pr_warn!(
                            "{}: connection to the primary lost or refused: {} (retrying)\n",
                            self.res.as_str(),
                            f.word()
                        );
                        said = Some(f.word());
                    }
                    fnet::sleep_ms(backoff);
                    backoff = (backoff * 2).min(BACKOFF_MAX_MS);
                    continue;
                }
            }
            said = None;
        }
    }
}
