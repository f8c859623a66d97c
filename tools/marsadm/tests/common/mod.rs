//! Test fixture: a temporary /mars, a fake /proc/sys/mars (a fixed
//! `lamport_clock`, a `trigger` file), a fake /dev/mars, a fake block device
//! probe, a tree snapshot, and a fake kernel thread that reports whatever
//! is wanted.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::{symlink, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use marsadm::device::{DeviceInfo, DeviceProbe};
use marsadm::error::{Error, Result};

/// The fake module's clock value.
pub const STAMP: &str = "1700000000.000000042";
/// The host all tests run as.
pub const HOST: &str = "node1";

pub struct Fx {
    pub tmp: tempfile::TempDir,
    pub mars: PathBuf,
    pub proc_dir: PathBuf,
    pub dev: PathBuf,
}

impl Fx {
    /// Empty /mars, module "loaded".
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let mars = tmp.path().join("mars");
        let proc_dir = tmp.path().join("proc");
        let dev = tmp.path().join("dev");
        for d in [&mars, &proc_dir, &dev] {
            fs::create_dir(d).unwrap();
        }
        fs::write(proc_dir.join("lamport_clock"), format!("{STAMP}\n")).unwrap();
        fs::write(proc_dir.join("trigger"), "").unwrap();
        Fx {
            tmp,
            mars,
            proc_dir,
            dev,
        }
    }

    /// A cluster with this host as member.
    pub fn with_cluster() -> Self {
        let fx = Self::new();
        fx.link("uuid", "0123abcd-4567-89ef-0123-456789abcdef");
        fx.link("ips/ip-node1", "10.0.0.1");
        fx
    }

    /// Pretends the module is not loaded.
    pub fn unload(&self) {
        fs::remove_dir_all(&self.proc_dir).unwrap();
    }

    /// Creates a symlink (and its parent directories) in /mars. A running
    /// [`FakeKernel`] may put its own link there between the removal and
    /// the creation: then it is replaced again.
    pub fn link(&self, rel: &str, value: &str) {
        let p = self.mars.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        for _ in 0..100 {
            let _ = fs::remove_file(&p);
            match symlink(value, &p) {
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                r => return r.unwrap(),
            }
        }
        panic!("cannot create {}", p.display());
    }

    /// Creates a regular file of `size` bytes in /mars.
    pub fn file(&self, rel: &str, size: usize) {
        let p = self.mars.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, vec![0u8; size]).unwrap();
    }

    /// A complete resource r0 on this host as the kernel would have it.
    pub fn resource(&self, res: &str, attached: bool, primary: bool, open: u32) {
        let r = format!("resource-{res}");
        let b = |v: bool| if v { "1" } else { "0" };
        self.link(&format!("{r}/size"), "1048576");
        self.link(&format!("{r}/data-node1"), "/dev/vdb");
        self.link(&format!("{r}/device-node1"), res);
        self.link(
            &format!("{r}/primary"),
            if primary { "node1" } else { "(none)" },
        );
        for s in ["attach", "connect", "allow-replay"] {
            self.link(&format!("{r}/todo-node1/{s}"), b(attached));
        }
        let a = format!("{r}/actual-node1");
        self.link(&format!("{a}/is-attached"), b(attached));
        self.link(&format!("{a}/is-primary"), b(primary));
        self.link(&format!("{a}/open-count"), &open.to_string());
        self.link(&format!("{a}/state"), if attached { "Up" } else { "Down" });
        self.link(&format!("{a}/error"), "(none)");
        self.link(&format!("{a}/is-emergency"), "0");
        self.link(&format!("{a}/log-number"), "1");
        if primary {
            fs::write(self.dev.join(res), "").unwrap();
        }
    }

    /// Global options pointing at the fixture.
    pub fn args(&self, rest: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = vec!["marsadm".into()];
        if !rest.contains(&"--host") {
            v.extend(["--host".to_string(), HOST.to_string()]);
        }
        v.extend([
            "--mars-dir".into(),
            self.mars.display().to_string(),
            "--proc-dir".into(),
            self.proc_dir.display().to_string(),
            "--dev-dir".into(),
            self.dev.display().to_string(),
        ]);
        v.extend(rest.iter().map(|s| s.to_string()));
        v
    }

    /// Runs the marsadm binary.
    pub fn run(&self, rest: &[&str]) -> Out {
        let args = self.args(rest);
        let o: Output = Command::new(env!("CARGO_BIN_EXE_marsadm"))
            .args(&args[1..])
            .env_remove("MARS_DIR")
            .env_remove("MARS_PROC_DIR")
            .env_remove("MARS_DEV_DIR")
            .output()
            .unwrap();
        Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Runs marsadm in-process with a fake block device probe.
    pub fn run_lib(&self, rest: &[&str], probe: &FakeDevices) -> i32 {
        marsadm::run(self.args(rest), probe)
    }

    /// Runs `args` and checks that it is refused: exit `code`, `msg` on
    /// stderr, the tree unchanged.
    pub fn assert_refused(&self, args: &[&str], code: i32, msg: &str) {
        let before = self.snapshot();
        let out = self.run(args);
        assert_eq!(out.code, code, "{args:?}: {out:?}");
        assert!(
            out.stderr.contains(msg),
            "{args:?}: expected {msg:?} in {out:?}"
        );
        assert_eq!(self.snapshot(), before, "{args:?} changed the tree");
    }

    /// Everything in /mars, /dev and the fake disks, with link targets,
    /// mtimes and sizes (not the trigger: see [`Fx::triggered`]).
    pub fn snapshot(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        walk(self.tmp.path(), self.tmp.path(), &mut m);
        m.remove("proc/trigger");
        m
    }

    /// Target of a link in /mars.
    pub fn read(&self, rel: &str) -> Option<String> {
        fs::read_link(self.mars.join(rel))
            .ok()
            .map(|p| p.display().to_string())
    }

    /// What was written to the trigger file.
    pub fn triggered(&self) -> String {
        fs::read_to_string(self.proc_dir.join("trigger")).unwrap_or_default()
    }
}

fn walk(root: &Path, dir: &Path, m: &mut BTreeMap<String, String>) {
    let mut ents: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    ents.sort();
    for p in ents {
        let md = fs::symlink_metadata(&p).unwrap();
        let rel = p.strip_prefix(root).unwrap().display().to_string();
        let mtime = format!("{}.{:09}", md.mtime(), md.mtime_nsec());
        if md.file_type().is_symlink() {
            let t = fs::read_link(&p).unwrap();
            m.insert(rel, format!("link -> {} @{mtime}", t.display()));
        } else if md.is_dir() {
            m.insert(rel.clone(), "dir".into());
            walk(root, &p, m);
        } else {
            let content = fs::read(&p).unwrap();
            m.insert(
                rel,
                format!("file {} bytes {:?} @{mtime}", md.len(), crc(&content)),
            );
        }
    }
}

fn crc(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf29ce484222325u64, |h, &c| {
        (h ^ u64::from(c)).wrapping_mul(0x100000001b3)
    })
}

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Debug for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Block devices for tests: regular files count as block devices; their
/// size is the file size; files listed in `busy` are "in use".
#[derive(Default)]
pub struct FakeDevices {
    pub busy: Vec<PathBuf>,
}

impl DeviceProbe for FakeDevices {
    fn probe(&self, path: &Path) -> Result<DeviceInfo> {
        let md = fs::metadata(path)
            .map_err(|_| Error::refused(format!("{} does not exist", path.display())))?;
        if !md.is_file() {
            return Err(Error::refused(format!(
                "{} is not a block device",
                path.display()
            )));
        }
        if self.busy.iter().any(|b| b == path) {
            return Err(Error::refused(format!("{} is in use", path.display())));
        }
        Ok(DeviceInfo {
            size: md.len(),
            id: md.ino(),
        })
    }

    fn device_id(&self, path: &Path) -> Option<u64> {
        fs::metadata(path)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.ino())
    }
}

/// A sparse file of `size` bytes standing in for a disk.
pub fn disk(fx: &Fx, name: &str, size: u64) -> PathBuf {
    let p = fx.tmp.path().join(name);
    fs::File::create(&p).unwrap().set_len(size).unwrap();
    p
}

/// A fake kernel: every few milliseconds it makes `actual-HOST/` of every
/// resource match `todo-HOST/` and `primary`, and creates or removes the
/// device node. Stops when dropped.
pub struct FakeKernel {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl FakeKernel {
    pub fn start(fx: &Fx) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let (mars, dev) = (fx.mars.clone(), fx.dev.clone());
        let s = stop.clone();
        let handle = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                fake_scan(&mars, &dev);
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        FakeKernel {
            stop,
            handle: Some(handle),
        }
    }
}

impl Drop for FakeKernel {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn rl(p: &Path) -> Option<String> {
    fs::read_link(p).ok().map(|t| t.display().to_string())
}

fn put(dir: &Path, name: &str, value: &str) {
    if rl(&dir.join(name)).as_deref() == Some(value) {
        return;
    }
    let tmp = dir.join(format!(".k-{name}"));
    let _ = fs::remove_file(&tmp);
    if symlink(value, &tmp).is_ok() {
        let _ = fs::rename(&tmp, dir.join(name));
    }
}

fn fake_scan(mars: &Path, dev: &Path) {
    let Ok(rd) = fs::read_dir(mars) else { return };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(res) = name.strip_prefix("resource-") else {
            continue;
        };
        let r = e.path();
        let todo = r.join(format!("todo-{HOST}"));
        if !todo.is_dir() {
            continue;
        }
        let act = r.join(format!("actual-{HOST}"));
        if fs::create_dir_all(&act).is_err() {
            continue;
        }
        let attach = rl(&todo.join("attach")).as_deref() == Some("1");
        let primary = attach && rl(&r.join("primary")).as_deref() == Some(HOST);
        let cur: u32 = rl(&act.join("log-number"))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let want: u32 = rl(&todo.join("log-rotate"))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let log = if primary { cur.max(want) } else { cur };
        if primary && log > 0 {
            let f = r.join(format!("log-{log:09}-{HOST}"));
            if !f.exists() {
                let _ = fs::write(f, b"");
            }
        }
        let node = dev.join(res);
        if primary {
            let _ = fs::write(&node, "");
        } else {
            let _ = fs::remove_file(&node);
        }
        // The device node before is-primary, as the contract says.
        let b = |v: bool| if v { "1" } else { "0" };
        put(&act, "is-attached", b(attach));
        put(&act, "is-primary", b(primary));
        put(&act, "open-count", "0");
        put(&act, "state", if attach { "Up" } else { "Down" });
        put(&act, "error", "(none)");
        put(&act, "is-emergency", "0");
        put(&act, "log-number", &log.to_string());
    }
}

/// A running marsadm whose stdout lines arrive on a channel.
pub struct Running {
    child: Child,
    lines: Receiver<String>,
    /// Every line read so far.
    pub seen: Vec<String>,
}

impl Running {
    pub fn start(fx: &Fx, rest: &[&str]) -> Self {
        let args = fx.args(rest);
        let mut child = Command::new(env!("CARGO_BIN_EXE_marsadm"))
            .args(&args[1..])
            .env_remove("MARS_DIR")
            .env_remove("MARS_PROC_DIR")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines() {
                let Ok(l) = l else { break };
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Reads lines until one satisfies `pred` (10 s at most).
    pub fn until(&mut self, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => {
                    self.seen.push(l.clone());
                    if pred(&l) {
                        return l;
                    }
                }
                Err(_) => panic!("no such line; seen:\n{}", self.seen.join("\n")),
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
