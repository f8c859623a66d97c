// SPDX-License-Identifier: GPL-2.0

//! One resource on this host: its wanted state as read from the tree, and
//! the transitions between down, attached (data device open, logs
//! replayed) and primary (`/dev/mars/RES` served through the log).

use super::ffi::{self, fpath, Bdev, Disk, Path, Thread};
use super::logfile::LogWriter;
use super::mars_core::names::{DeviceName, HostName, ResourceName};
use super::mars_core::plan::{self, Step};
use super::mars_core::tree::{
    parse_size, parse_switch, parse_u64, DataPath, PrimaryValue, ReplayValue,
};
use super::primary::{Engine, IoWorker, LogSync, Writeback};
use super::repl::{Primaries, Worker};
use super::replay;
use super::tree;
use core::fmt::Write;
use kernel::prelude::*;
use kernel::sync::atomic::Atomic;
use kernel::sync::atomic::Relaxed;
use kernel::sync::Arc;

/// Memory that not-yet-written-back records of one resource may hold.
const MEM_LIMIT: u64 = 64 << 20;

/// Source of unique disk names (`marsN` in /sys/block).
static DISK_SEQ: Atomic<u32> = Atomic::new(0);

/// What the tree asks of this host for one resource.
pub(crate) struct Wanted {
    /// `data-HOST`: this host is a member with this backing device.
    pub(crate) data: Option<DataPath>,
    /// `size` in bytes.
    pub(crate) size: Option<u64>,
    /// `todo-HOST/attach`.
    pub(crate) attach: bool,
    /// `primary` names this host.
    pub(crate) primary_here: bool,
    /// `device-HOST` (default: the resource name).
    pub(crate) device: Option<DeviceName>,
    /// `todo-HOST/log-rotate`.
    pub(crate) rotate_to: u32,
}

impl Wanted {
    /// Reads the wanted state of `res` for `host`. Unreadable or invalid
    /// links count as absent (marsadm validates what it writes).
    #[inline(never)] // see `Control::scan`: keeps its frame small
    pub(crate) fn read(res: &ResourceName, host: &HostName) -> Result<Self> {
        let h = host.as_str();
        let link = |name: core::fmt::Arguments<'_>| -> Result<Option<tree::Value>> {
            tree::read(&tree::resource_entry(res, name)?)
        };
        let data = link(format_args!("data-{}", h))?.and_then(|v| DataPath::new(v.as_str()).ok());
        let size = link(format_args!("size"))?.and_then(|v| parse_size(v.as_str()).ok());
        let attach = link(format_args!("todo-{}/attach", h))?
            .and_then(|v| parse_switch(v.as_str()).ok())
            .unwrap_or(false);
        let primary_here = matches!(
            link(format_args!("primary"))?.and_then(|v| PrimaryValue::parse(v.as_str()).ok()),
            Some(PrimaryValue::Host(p)) if p == *host
        );
        let device = link(format_args!("device-{}", h))?
            .and_then(|v| super::mars_core::tree::parse_device(v.as_str()).ok());
        let rotate_to = link(format_args!("todo-{}/log-rotate", h))?
            .and_then(|v| parse_u64(v.as_str()).ok())
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0);
        Ok(Wanted {
            data,
            size,
            attach,
            primary_here,
            device,
            rotate_to,
        })
    }
}

/// Longest [`Message`] in bytes.
const MESSAGE_MAX: usize = 300;

/// A short message for `actual-HOST/error` and dmesg (on the heap, to keep
/// kernel stacks small).
pub(crate) struct Message {
    buf: KVec<u8>,
}

impl Message {
    /// Formats a message (truncated to fit).
    pub(crate) fn new(args: core::fmt::Arguments<'_>) -> Self {
        let mut m = Message {
            buf: KVec::with_capacity(MESSAGE_MAX, GFP_KERNEL).unwrap_or_default(),
        };
        let _ = m.write_fmt(args);
        m
    }

    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        if self.buf.capacity() == 0 {
            return "out of memory while describing the error";
        }
        core::str::from_utf8(&self.buf).unwrap_or("")
    }
}

impl core::fmt::Write for Message {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for c in s.chars() {
            // Keep link values one plain line.
            let c = if c.is_control() { ' ' } else { c };
            let mut tmp = [0u8; 4];
            let bytes = c.encode_utf8(&mut tmp).as_bytes();
            if self.buf.len().saturating_add(bytes.len()) > MESSAGE_MAX.min(self.buf.capacity()) {
                return Ok(());
            }
            // Cannot allocate: the capacity was checked above.
            if self.buf.extend_from_slice(bytes, GFP_NOWAIT).is_err() {
                return Ok(());
            }
        }
        Ok(())
    }
}

/// A running primary: the engine and its threads.
struct Primary {
    engine: Arc<Engine>,
    disk: Arc<Disk>,
    io_main: Arc<IoWorker>,
    io: Option<Thread>,
    sync: Option<Thread>,
    wb: Option<Thread>,
}

/// The data device, open and replayed.
struct Attached {
    bdev: Arc<Bdev>,
    size: u64,
    block_size: u32,
    primary: Option<Primary>,
    /// The secondary's worker (sync, fetch, replay), while this host
    /// follows another primary.
    secondary: Option<(Arc<Worker>, Thread)>,
}

/// One resource known to this host.
pub(crate) struct Resource {
    /// The resource's name.
    pub(crate) name: ResourceName,
    host: HostName,
    primaries: Arc<Primaries>,
    /// Unique address identifying our exclusive claim on the data device.
    holder: KBox<u8>,
    attached: Option<Attached>,
    /// Why the resource could not reach its wanted state; cleared when the
    /// operator takes it down.
    pub(crate) error: Option<Message>,
    /// Set when it went down for an error: wait for the operator.
    blocked: bool,
    /// The last error of [`Self::report`], if it failed.
    pub(crate) report_errno: Option<i32>,
}

impl Resource {
    /// A resource that is down.
    pub(crate) fn new(
        name: ResourceName,
        host: HostName,
        primaries: Arc<Primaries>,
    ) -> Result<Self> {
        Ok(Resource {
            name,
            host,
            primaries,
            holder: KBox::new(0u8, GFP_KERNEL)?,
            attached: None,
            error: None,
            blocked: false,
            report_errno: None,
        })
    }

    /// Records an error: dmesg, `actual-HOST/error`, and no retries until
    /// the operator takes the resource down.
    fn fail(&mut self, msg: Message) {
        pr_err!("{}: {}\n", self.name.as_str(), msg.as_str());
        self.error = Some(msg);
        self.blocked = true;
    }

    /// Opens the data device and replays the logs onto it.
    #[inline(never)] // big: keep it out of `execute`'s frame
    fn attach(&mut self, wanted: &Wanted) -> core::result::Result<(), Message> {
        let Some(data) = wanted.data.as_ref() else {
            return Err(Message::new(format_args!(
                "no data-{} link",
                self.host.as_str()
            )));
        };
        let Some(size) = wanted.size else {
            return Err(Message::new(format_args!("no valid size link")));
        };
        let p =
            fpath!("{}", data.as_str()).map_err(|_| Message::new(format_args!("bad data path")))?;
        let holder: *const u8 = &*self.holder;
        let bdev = Bdev::open(&p, holder.cast()).map_err(|e| {
            Message::new(format_args!(
                "cannot open data device {}: {}",
                data.as_str(),
                errno_words(e)
            ))
        })?;
        if bdev.size() < size {
            return Err(Message::new(format_args!(
                "data device {} has {} bytes, the resource needs {}",
                data.as_str(),
                bdev.size(),
                size
            )));
        }
        let from = self.replay_position()?;
        // Replay can take long: say why the resource is not up yet.
        if let Err(e) = tree::actual_dir(&self.name, &self.host).and_then(|dir| {
            tree::ensure_dir(&dir)?;
            tree::update(&fpath!("{}/state", dir)?, "Recovering")
        }) {
            pr_warn!(
                "{}: cannot report state: {}\n",
                self.name.as_str(),
                e.to_errno()
            );
        }
        match replay::replay(&self.name, &self.host, from, &bdev, size) {
            Ok(done) => {
                if let Some((log, off)) = done.truncated {
                    pr_warn!(
                        "{}: dropped the incomplete record at the end of {} (offset {}): normal after a crash\n",
                        self.name.as_str(),
                        log,
                        off
                    );
                }
                if done.records > 0 {
                    pr_info!(
                        "{}: recovery replayed {} records\n",
                        self.name.as_str(),
                        done.records
                    );
                }
                if let Some((log, end)) = done.last {
                    // Not made durable: if a crash loses it, the older
                    // position only replays the same records again.
                    if tree::write_replay(&self.name, &self.host, (log, end), false).is_err() {
                        return Err(Message::new(format_args!(
                            "cannot write replay-{}",
                            self.host.as_str()
                        )));
                    }
                }
            }
            Err(e) => {
                return Err(Message::new(format_args!(
                    "recovery failed: {}; the resource stays down",
                    e
                )));
            }
        }
        let block_size = bdev.block_size();
        self.attached = Some(Attached {
            bdev: Arc::new(bdev, GFP_KERNEL)
                .map_err(|_| Message::new(format_args!("out of memory")))?,
            size,
            block_size,
            primary: None,
            secondary: None,
        });
        pr_info!(
            "{}: attached {} ({} bytes)\n",
            self.name.as_str(),
            data.as_str(),
            size
        );
        Ok(())
    }

    /// Where replay starts: `replay-HOST`. A link that cannot be read or
    /// parsed, or a missing one while logs exist, refuses the attach:
    /// replaying from the oldest log could write stale records over newer
    /// data (after an emergency, say).
    fn replay_position(&self) -> core::result::Result<Option<ReplayValue>, Message> {
        let h = self.host.as_str();
        let value = tree::replay_link(&self.name, &self.host)
            .and_then(|l| tree::read(&l))
            .map_err(|e| {
                Message::new(format_args!("cannot read replay-{}: {}", h, errno_words(e)))
            })?;
        match value {
            Some(v) => ReplayValue::parse(v.as_str()).map(Some).map_err(|_| {
                Message::new(format_args!(
                    "replay-{} is not a valid position ({}): fix or remove the link",
                    h,
                    v.as_str()
                ))
            }),
            None => {
                let logs = replay::list_logs(&self.name, &self.host).map_err(|e| {
                    Message::new(format_args!("cannot list the logs: {}", errno_words(e)))
                })?;
                match logs.first() {
                    None => Ok(None),
                    Some(first) => Err(Message::new(format_args!(
                        "replay-{} is missing but logs exist: create it (log-{:09}-{},0,0 replays all of them) if that is right",
                        h,
                        first,
                        h
                    ))),
                }
            }
        }
    }

    /// Starts the primary data path: a new log, the threads, the device.
    #[inline(never)] // big: keep it out of `execute`'s frame
    fn start_primary(&mut self, wanted: &Wanted) -> Result {
        let name = self.name;
        let host = self.host;
        let Some(att) = self.attached.as_mut() else {
            return Err(EINVAL);
        };
        if let Some((w, t)) = att.secondary.take() {
            drop(t);
            drop(w);
            pr_info!("{}: secondary stopped\n", name.as_str());
        }
        let logs = replay::list_logs(&name, &host)?;
        let number = logs
            .last()
            .copied()
            .unwrap_or(0)
            .checked_add(1)
            .ok_or(EOVERFLOW)?;
        let log = LogWriter::create(&name, host, number)?;
        // A new resource's first log: say durably where replay starts
        // before anything is written to it.
        if tree::read(&tree::replay_link(&name, &host)?)?.is_none() {
            tree::write_replay(&name, &host, (log.name, 0), true)?;
        }
        let engine = Engine::new(name, host, att.bdev.clone(), att.size, MEM_LIMIT, number)?;
        engine.rotate_to.store(wanted.rotate_to, Relaxed);
        let seq = DISK_SEQ.fetch_add(1, Relaxed);
        let node_name = wanted
            .device
            .as_ref()
            .map(|d| d.as_str())
            .unwrap_or(name.as_str());
        let disk = Arc::new(
            Disk::new(
                &fpath!("mars{}", seq)?,
                &fpath!("mars/{}", node_name)?,
                att.size,
                att.block_size,
            )?,
            GFP_KERNEL,
        )?;
        let log_sync = LogSync::new(engine.clone())?;
        let io_main = IoWorker::new(engine.clone(), disk.clone(), log_sync.clone(), log)?;
        // Started first, stopped last: the I/O thread hands it flushes.
        let sync = Thread::spawn(log_sync, &fpath!("mars_sync/{}", name.as_str())?)?;
        let io = Thread::spawn(io_main.clone(), &fpath!("mars_io/{}", name.as_str())?)?;
        let wb = Thread::spawn(
            Writeback::new(engine.clone())?,
            &fpath!("mars_wb/{}", name.as_str())?,
        )?;
        let mut primary = Primary {
            engine,
            disk,
            io_main,
            io: Some(io),
            sync: Some(sync),
            wb: Some(wb),
        };
        if let Err(e) = primary.disk.add() {
            stop_primary_threads(&mut primary, &name, &self.primaries);
            return Err(e);
        }
        self.primaries.add(primary.engine.clone())?;
        pr_info!(
            "{}: primary: /dev/mars/{} is up, logging to log {}\n",
            name.as_str(),
            node_name,
            number
        );
        att.primary = Some(primary);
        Ok(())
    }

    /// Stops the primary data path unless the device is open.
    fn stop_primary(&mut self) -> core::result::Result<(), u32> {
        let name = self.name;
        let Some(att) = self.attached.as_mut() else {
            return Ok(());
        };
        let Some(p) = att.primary.as_mut() else {
            return Ok(());
        };
        let opens = p.disk.open_count();
        if opens > 0 {
            return Err(opens);
        }
        // An open may still get in from here until the disk is deleted;
        // tests widen that window on purpose.
        ffi::debug_teardown_delay();
        stop_primary_threads(p, &name, &self.primaries);
        let failed = p.engine.failed.load(Relaxed);
        att.primary = None;
        pr_info!("{}: no longer primary\n", name.as_str());
        if failed {
            // Records the failed engine dropped are only in the logs: the
            // data device must be replayed before it is used again.
            self.attached = None;
            pr_info!("{}: detached after the data path failed\n", name.as_str());
        }
        Ok(())
    }

    /// Closes the data device.
    fn detach(&mut self) {
        if let Some(att) = self.attached.as_mut() {
            if att.primary.is_none() {
                att.secondary = None;
                self.attached = None;
                pr_info!("{}: detached\n", self.name.as_str());
            }
        }
    }

    /// Moves towards `wanted` (`None`: the resource is gone from the tree):
    /// executes the steps of [`plan::plan`] in order, stopping at the first
    /// that fails, then passes the tunables to a running primary.
    #[inline(never)] // see `Control::scan`: keeps its frame small
    pub(crate) fn converge(&mut self, wanted: Option<&Wanted>, space_low: bool) {
        let want = plan::Wanted {
            in_tree: wanted.is_some(),
            member: wanted.is_some_and(|w| w.data.is_some()),
            attach: wanted.is_some_and(|w| w.attach),
            primary_here: wanted.is_some_and(|w| w.primary_here),
        };
        let engine = self
            .attached
            .as_ref()
            .and_then(|a| a.primary.as_ref())
            .map(|p| &p.engine);
        let actual = plan::Actual {
            attached: self.attached.is_some(),
            primary: engine.is_some(),
            blocked: self.blocked,
            error: self.error.is_some(),
            data_path_failed: engine.is_some_and(|e| e.failed.load(Relaxed)),
        };
        for step in plan::plan(&want, &actual).iter() {
            if !self.execute(*step, wanted) {
                break;
            }
        }
        self.reconcile_secondary(wanted);
        if let Some(p) = self.attached.as_ref().and_then(|a| a.primary.as_ref()) {
            if let Some(w) = wanted {
                p.engine.rotate_to.store(w.rotate_to, Relaxed);
            }
            p.engine.space_low.store(space_low, Relaxed);
        }
    }

    /// Executes one step of a plan; whether it succeeded (see the contract
    /// in [`plan`]). Failures are recorded in `error` (and `blocked`).
    #[inline(never)] // see `Control::scan`: keeps its frame small
    fn execute(&mut self, step: Step, wanted: Option<&Wanted>) -> bool {
        match step {
            Step::Unblock => self.blocked = false,
            Step::Attach => {
                // `plan` attaches only what is in the tree.
                let Some(w) = wanted else {
                    return false;
                };
                if let Err(msg) = self.attach(w) {
                    self.fail(msg);
                    return false;
                }
            }
            Step::StartPrimary => {
                let Some(w) = wanted else {
                    return false;
                };
                if let Err(e) = self.start_primary(w) {
                    let msg = Message::new(format_args!(
                        "cannot start the device: {}",
                        errno_words(e)
                    ));
                    self.fail(msg);
                    return false;
                }
            }
            Step::StopPrimary => {
                if let Err(opens) = self.stop_primary() {
                    self.error = Some(Message::new(format_args!(
                        "/dev/mars/{} is in use (open count {}): close it first",
                        self.name.as_str(),
                        opens
                    )));
                    return false;
                }
            }
            Step::Detach => self.detach(),
            Step::ClearError => self.error = None,
            // Stays in Error (no restart, not even by secondary/primary)
            // until the operator takes the resource down.
            Step::FailDataPath => self.fail(Message::new(format_args!(
                "I/O error on the data path, see dmesg; take the resource down and up to replay the logs"
            ))),
        }
        true
    }

    /// Starts the secondary's worker when this host is an attached member
    /// that is not primary, without an error; stops it otherwise.
    #[inline(never)]
    fn reconcile_secondary(&mut self, wanted: Option<&Wanted>) {
        let want = !self.blocked
            && self.error.is_none()
            && wanted.is_some_and(|w| w.data.is_some() && w.attach && !w.primary_here);
        let name = self.name;
        let host = self.host;
        let Some(att) = self.attached.as_mut() else {
            return;
        };
        let want = want && att.primary.is_none();
        match (&att.secondary, want) {
            (None, true) => match Worker::start(name, host, att.bdev.clone(), att.size) {
                Ok(pair) => {
                    pr_info!("{}: secondary started\n", name.as_str());
                    att.secondary = Some(pair);
                }
                Err(e) => pr_err!(
                    "{}: cannot start the secondary: {}\n",
                    name.as_str(),
                    e.to_errno()
                ),
            },
            (Some(_), false) => {
                att.secondary = None;
                pr_info!("{}: secondary stopped\n", name.as_str());
            }
            _ => {}
        }
    }

    /// Whether /dev/mars/RES is up here.
    pub(crate) fn is_primary(&self) -> bool {
        self.attached.as_ref().is_some_and(|a| a.primary.is_some())
    }

    /// Whether the resource is down and may be forgotten.
    pub(crate) fn is_down(&self) -> bool {
        self.attached.is_none()
    }

    /// Writes `actual-HOST/*` for this resource.
    #[inline(never)] // see `Control::scan`: keeps its frame small
    pub(crate) fn report(&self) -> Result {
        let dir = tree::actual_dir(&self.name, &self.host)?;
        match tree::ensure_dir(&dir) {
            // The resource directory is gone: nothing to report into.
            Err(e) if e == ENOENT => return Ok(()),
            r => r?,
        }
        let engine = self
            .attached
            .as_ref()
            .and_then(|a| a.primary.as_ref())
            .map(|p| &p.engine);
        let opens = self
            .attached
            .as_ref()
            .and_then(|a| a.primary.as_ref())
            .map(|p| p.disk.open_count())
            .unwrap_or(0);
        let emergency = engine.is_some_and(|e| e.emergency.load(Relaxed));
        let failed = engine.is_some_and(|e| e.failed.load(Relaxed));
        let worker = self
            .attached
            .as_ref()
            .and_then(|a| a.secondary.as_ref())
            .map(|(w, _)| w);
        let worker_error = match worker {
            Some(w) => w
                .status
                .lock()
                .error
                .as_ref()
                .map(|m| fpath!("{}", m.as_str()))
                .transpose()?,
            None => None,
        };
        let state = if self.error.is_some() && self.blocked || failed || worker_error.is_some() {
            "Error"
        } else if emergency {
            "Emergency"
        } else if self.attached.is_some() {
            "Up"
        } else {
            "Down"
        };
        let set = |name: &str, value: &str| -> Result {
            tree::update(&fpath!("{}/{}", dir, name)?, value)
        };
        set(
            "is-attached",
            if self.attached.is_some() { "1" } else { "0" },
        )?;
        set("is-primary", if self.is_primary() { "1" } else { "0" })?;
        set("is-emergency", if emergency { "1" } else { "0" })?;
        set("open-count", fpath!("{}", opens)?.as_str())?;
        set("state", state)?;
        let err = match (&self.error, failed) {
            (Some(m), _) => fpath!("{}", m.as_str())?,
            (None, _) if worker_error.is_some() => worker_error.unwrap_or(fpath!("?")?),
            (None, true) => {
                fpath!("I/O error on the data path, see dmesg; take the resource down and up")?
            }
            (None, false) => fpath!("(none)")?,
        };
        set("error", err.as_str())?;
        if let Some(w) = worker {
            report_secondary(w, &dir)?;
        }
        if let Some(e) = engine {
            set(
                "log-number",
                fpath!("{}", e.log_number.load(Relaxed))?.as_str(),
            )?;
            set(
                "writeback-pending",
                fpath!("{}", e.pending_bytes())?.as_str(),
            )?;
        }
        Ok(())
    }
}

impl Drop for Resource {
    fn drop(&mut self) {
        let name = self.name;
        if let Some(att) = self.attached.as_mut() {
            if let Some(p) = att.primary.as_mut() {
                stop_primary_threads(p, &name, &self.primaries);
            }
            att.primary = None;
            att.secondary = None;
        }
    }
}

/// Removes the device, stops the I/O thread and the log-sync thread,
/// closes the log, drains writeback and stops the writeback thread, in
/// that order.
fn stop_primary_threads(p: &mut Primary, name: &ResourceName, primaries: &Primaries) {
    // The data ports stop serving it first.
    primaries.remove(name);
    // del_gendisk waits for requests in flight: the I/O thread and the
    // log-sync thread (which ends flushes) still run.
    p.disk.remove();
    p.io = None;
    p.sync = None;
    if let Some(log) = p.io_main.take_log() {
        if let Err(e) = log.close(name) {
            pr_err!(
                "{}: closing the log failed: {}\n",
                name.as_str(),
                e.to_errno()
            );
        }
    }
    p.wb = None;
}

/// How often the lag figures of a secondary are written at most.
const LAG_REPORT_NS: u64 = 5_000_000_000;

/// Writes what the secondary's worker shows into `actual-HOST/` (only
/// values that changed are written).
#[inline(never)]
fn report_secondary(w: &Worker, dir: &Path) -> Result {
    let set =
        |name: &str, value: &str| -> Result { tree::update(&fpath!("{}/{}", dir, name)?, value) };
    let (conn, syncing, copying, replaying, rate, fetch_lag, replay_lag, stamp, pos, wire) = {
        let s = w.status.lock();
        (
            s.connection,
            s.syncing,
            s.copying,
            s.replaying,
            s.sync_rate,
            s.fetch_lag,
            s.replay_lag,
            s.replayed_stamp,
            s.fetch_pos,
            s.sync_wire_bytes,
        )
    };
    let flag = |b: bool| if b { "1" } else { "0" };
    // The count first: whoever sees is-syncing 0 finds the final count.
    set("sync-wire-bytes", fpath!("{}", wire)?.as_str())?;
    set("connection", conn)?;
    set("is-syncing", flag(syncing))?;
    set("is-copying", flag(copying))?;
    set("is-replaying", flag(replaying))?;
    // Every link written travels to every peer: the lag figures, which
    // change on every scan under load, are written at most every 5 s,
    // except when the replica just caught up or fell behind.
    let behind = fetch_lag > 0 || replay_lag > 0;
    let was_behind = tree::read(&fpath!("{}/fetch-lag", dir)?)?.map(|v| v.as_str() != "0")
        != Some(false)
        || tree::read(&fpath!("{}/replay-lag", dir)?)?.map(|v| v.as_str() != "0") != Some(false);
    let now = crate::ffi::net::mono_ns();
    let last = w.lag_reported.load(Relaxed);
    if behind != was_behind || now.saturating_sub(last) >= LAG_REPORT_NS || last == 0 {
        w.lag_reported.store(now.max(1), Relaxed);
        set(
            "sync-rate",
            fpath!("{}", if syncing { rate } else { 0 })?.as_str(),
        )?;
        set("fetch-lag", fpath!("{}", fetch_lag)?.as_str())?;
        set("replay-lag", fpath!("{}", replay_lag)?.as_str())?;
        let seconds = match stamp {
            Some(st) if behind => crate::net::now_real().sec.saturating_sub(st.sec),
            _ => 0,
        };
        set("lag-seconds", fpath!("{}", seconds)?.as_str())?;
        if let Some((log, size)) = pos {
            set("fetch-pos", fpath!("{},{},{}", log, size, size)?.as_str())?;
        }
    }
    Ok(())
}

/// A readable word for common errors.
pub(crate) fn errno_words(e: Error) -> &'static str {
    match e {
        e if e == ENOENT => "no such file or device",
        e if e == EBUSY => "device or resource busy (in use)",
        e if e == ENOTBLK => "not a block device",
        e if e == EACCES || e == EPERM => "permission denied",
        e if e == ENOSPC => "no space left on /mars",
        e if e == ENOMEM => "out of memory",
        e if e == EEXIST => "already exists",
        e if e == ENXIO => "no such device",
        _ => "I/O error",
    }
}

/// Path of `actual-HOST` for the whole host.
pub(crate) fn host_actual_dir(host: &HostName) -> Result<Path> {
    fpath!("{}/actual-{}", tree::ROOT, host.as_str())
}
