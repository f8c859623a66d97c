// SPDX-License-Identifier: GPL-2.0

//! Rust side of the C glue in `rust/glue*.c`.
//!
//! The raw `extern "C"` declarations mirror `rust/glue.h` and stay private
//! to this file; the rest of the module uses the safe types and functions
//! below, whose doc comments restate the C contract they keep. This file
//! and its subsystem parts (`rust/ffi/net.rs`: sockets, HMAC, the peers
//! file) are the only ones of mars.ko besides the block request handle that
//! contain `unsafe` code.

use core::ffi::{c_int, c_void};
use core::fmt;
use core::mem::ManuallyDrop;
use core::ptr::NonNull;
use kernel::prelude::*;
use kernel::sync::atomic::{Atomic, Full, Relaxed};
use kernel::sync::Arc;

/// Opaque C types, only ever handled by pointer.
#[repr(C)]
pub(crate) struct CFile {
    _opaque: [u8; 0],
}
#[repr(C)]
pub(crate) struct CRequest {
    _opaque: [u8; 0],
}
#[repr(C)]
pub(crate) struct CTask {
    _opaque: [u8; 0],
}
#[repr(C)]
pub(crate) struct CBlk {
    _opaque: [u8; 0],
}
#[repr(C)]
pub(crate) struct CMempool {
    _opaque: [u8; 0],
}
#[repr(C)]
pub(crate) struct CWbatch {
    _opaque: [u8; 0],
}

/// `struct mars_rq_info` of glue.h.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RqInfo {
    /// `MARS_RQ_*`.
    pub(crate) op: u32,
    /// 1 if a write must be durable when it completes.
    pub(crate) fua: u32,
    /// Byte offset on the device.
    pub(crate) pos: u64,
    /// Length in bytes.
    pub(crate) len: u64,
}

/// `MARS_RQ_READ`.
pub(crate) const RQ_READ: u32 = 0;
/// `MARS_RQ_WRITE`.
pub(crate) const RQ_WRITE: u32 = 1;
/// `MARS_RQ_FLUSH`.
pub(crate) const RQ_FLUSH: u32 = 2;

/// `MARS_PATH_MAX`: the longest path (with NUL) the glue accepts.
pub(crate) const PATH_MAX: usize = 512;
/// `MARS_BLK_MAX_IO`: the largest request the device accepts.
pub(crate) const BLK_MAX_IO: usize = 1024 * 1024;

#[path = "ffi/net.rs"]
pub(crate) mod net;

const O_RDWR: c_int = 2;
const O_CREAT: c_int = 0o100;

mod raw {
    use super::*;

    extern "C" {
        pub(super) fn mars_crc32c(crc: u32, data: *const c_void, len: usize) -> u32;
        pub(super) fn mars_random_u32() -> u32;

        pub(super) fn mars_lamport_tick() -> u64;
        pub(super) fn mars_trigger_wait(timeout_ms: u32) -> bool;
        pub(super) fn mars_scan_done();
        pub(super) fn mars_debug_teardown_delay();
        pub(super) fn mars_debug_writeback_delay();
        pub(super) fn mars_debug_log_sync_delay();
        pub(super) fn mars_profile_requests() -> core::ffi::c_ulong;
        pub(super) fn mars_control_init() -> c_int;
        pub(super) fn mars_control_exit();
        pub(super) fn mars_thread_start(
            f: unsafe extern "C" fn(*mut c_void) -> c_int,
            data: *mut c_void,
            name: *const u8,
            err: *mut c_int,
        ) -> *mut CTask;
        pub(super) fn mars_thread_stop(t: *mut CTask) -> c_int;
        pub(super) fn mars_thread_should_stop() -> bool;
        pub(super) fn mars_noio_save() -> u32;
        pub(super) fn mars_noio_restore(flags: u32);
        pub(super) fn mars_hostname(buf: *mut u8, len: usize) -> c_int;

        pub(super) fn mars_fail_queue() -> bool;
        pub(super) fn mars_buf_alloc(len: usize, zero: bool) -> *mut u8;
        pub(super) fn mars_buf_free(buf: *mut u8);
        pub(super) fn mars_pool_create(min_nr: core::ffi::c_uint, size: usize) -> *mut CMempool;
        pub(super) fn mars_pool_alloc(pool: *mut CMempool, size: usize, zero: bool) -> *mut u8;
        pub(super) fn mars_pool_free(buf: *mut u8, pool: *mut CMempool);
        pub(super) fn mars_pool_destroy(pool: *mut CMempool);

        pub(super) fn mars_file_open(
            path: *const u8,
            flags: c_int,
            mode: u16,
            err: *mut c_int,
        ) -> *mut CFile;
        pub(super) fn mars_file_close(f: *mut CFile);
        pub(super) fn mars_file_read(
            f: *mut CFile,
            buf: *mut c_void,
            len: usize,
            pos: u64,
        ) -> isize;
        pub(super) fn mars_file_writev(
            f: *mut CFile,
            vec: *const IoVec<'_>,
            nr: core::ffi::c_uint,
            pos: u64,
        ) -> isize;
        pub(super) fn mars_file_sync(f: *mut CFile) -> c_int;
        pub(super) fn mars_file_sync_upto(f: *mut CFile, end: u64) -> c_int;
        pub(super) fn mars_file_start_writeback(f: *mut CFile, pos: u64, len: u64) -> c_int;
        pub(super) fn mars_file_size(f: *mut CFile) -> u64;
        pub(super) fn mars_file_truncate(f: *mut CFile, len: u64) -> c_int;
        pub(super) fn mars_bdev_open(
            path: *const u8,
            holder: *mut c_void,
            err: *mut c_int,
        ) -> *mut CFile;
        pub(super) fn mars_bdev_close(f: *mut CFile);
        pub(super) fn mars_bdev_size(f: *mut CFile) -> u64;
        pub(super) fn mars_bdev_block_size(f: *mut CFile) -> u32;
        pub(super) fn mars_bdev_flush(f: *mut CFile) -> c_int;
        pub(super) fn mars_bdev_read(f: *mut CFile, pos: u64, buf: *mut u8, len: u64) -> c_int;
        pub(super) fn mars_wbatch_create(f: *mut CFile) -> *mut CWbatch;
        pub(super) fn mars_wbatch_add(w: *mut CWbatch, pos: u64, buf: *const u8, len: u64)
            -> c_int;
        pub(super) fn mars_wbatch_wait(w: *mut CWbatch) -> c_int;
        pub(super) fn mars_wbatch_destroy(w: *mut CWbatch);
        pub(super) fn mars_mkdir(path: *const u8) -> c_int;
        pub(super) fn mars_remove(path: *const u8) -> c_int;
        pub(super) fn mars_symlink(
            path: *const u8,
            target: *const u8,
            sec: i64,
            nsec: u32,
        ) -> c_int;
        pub(super) fn mars_readlink(
            path: *const u8,
            buf: *mut u8,
            len: usize,
            sec: *mut i64,
            nsec: *mut u32,
        ) -> c_int;
        pub(super) fn mars_readdir(path: *const u8, buf: *mut u8, len: usize) -> isize;
        pub(super) fn mars_statfs(path: *const u8, total: *mut u64, avail: *mut u64) -> c_int;
        pub(super) fn mars_dir_sync(path: *const u8) -> c_int;

        pub(super) fn mars_blk_create(
            disk_name: *const u8,
            node: *const u8,
            size: u64,
            block_size: u32,
            err: *mut c_int,
        ) -> *mut CBlk;
        pub(super) fn mars_blk_add(b: *mut CBlk) -> c_int;
        pub(super) fn mars_blk_del(b: *mut CBlk);
        pub(super) fn mars_blk_free(b: *mut CBlk);
        pub(super) fn mars_blk_open_count(b: *mut CBlk) -> c_int;
        pub(super) fn mars_blk_wait(b: *mut CBlk, timeout_ms: u32);
        pub(super) fn mars_blk_take(b: *mut CBlk, out: *mut *mut CRequest, max: u32) -> u32;
        pub(super) fn mars_rq_info(rq: *mut CRequest, info: *mut RqInfo);
        pub(super) fn mars_rq_copy_out(rq: *mut CRequest, buf: *mut c_void);
        pub(super) fn mars_rq_copy_in(rq: *mut CRequest, offset: u64, buf: *const c_void, len: u64);
        pub(super) fn mars_rq_end(rq: *mut CRequest, err: c_int);
        pub(super) fn mars_rq_read_begin(rq: *mut CRequest);
        pub(super) fn mars_rq_read_bdev(
            rq: *mut CRequest,
            off: u64,
            len: u64,
            f: *mut CFile,
            pos: u64,
        ) -> c_int;
        pub(super) fn mars_rq_read_end(rq: *mut CRequest, err: c_int);
    }
}

/// Turns a C return value (negative errno or a non-negative count) into a
/// `Result`.
fn check(ret: isize) -> Result<usize> {
    if ret < 0 {
        let errno = c_int::try_from(ret).unwrap_or(-(kernel::bindings::EIO as c_int));
        Err(Error::from_errno(errno))
    } else {
        usize::try_from(ret).map_err(|_| EINVAL)
    }
}

fn check_int(ret: c_int) -> Result {
    check(ret as isize).map(|_| ())
}

// ---------------------------------------------------------------- checksums

/// Sleeps for `/proc/sys/mars/debug_teardown_delay_ms` (a test aid that
/// widens the window between the open-count check and disk deletion).
pub(crate) fn debug_teardown_delay() {
    // SAFETY: no arguments; we are in process context (a kthread).
    unsafe { raw::mars_debug_teardown_delay() }
}

/// How many times `/proc/sys/mars/profile` was written so far.
pub(crate) fn profile_requests() -> u64 {
    // SAFETY: no preconditions.
    u64::from(unsafe { raw::mars_profile_requests() })
}

/// Sleeps for `/proc/sys/mars/debug_writeback_delay_ms` (a test aid that
/// lets writeback fall behind the log); returns at once when it is 0.
pub(crate) fn debug_writeback_delay() {
    // SAFETY: no arguments; we are in process context (a kthread).
    unsafe { raw::mars_debug_writeback_delay() }
}

/// Sleeps for `/proc/sys/mars/debug_log_sync_delay_ms` (a test aid that
/// holds flushes in flight); returns at once when it is 0.
pub(crate) fn debug_log_sync_delay() {
    // SAFETY: no arguments; we are in process context (a kthread).
    unsafe { raw::mars_debug_log_sync_delay() }
}

/// Continues a CRC-32C over `data` from `crc`, with the kernel's contract:
/// no pre- or post-inversion (the standard checksum of a buffer is
/// `!crc32c(!0, buf)`). Uses the architecture-accelerated implementation.
pub(crate) fn crc32c(crc: u32, data: &[u8]) -> u32 {
    // SAFETY: `data` is a valid slice, so its pointer is valid for reads of
    // `data.len()` bytes for the duration of the call; the C side only reads.
    unsafe { raw::mars_crc32c(crc, data.as_ptr().cast(), data.len()) }
}

/// A random `u32` from the kernel's CRNG.
pub(crate) fn random_u32() -> u32 {
    // SAFETY: no arguments; callable in any context.
    unsafe { raw::mars_random_u32() }
}

// ----------------------------------------------------------- clock, control

/// A fresh Lamport stamp in nanoseconds since the epoch: strictly greater
/// than every stamp handed out or merged before.
pub(crate) fn lamport_tick() -> u64 {
    // SAFETY: no preconditions; the clock is an atomic in the C glue.
    unsafe { raw::mars_lamport_tick() }
}

/// Sleeps until a trigger, `kthread_stop()` or `timeout_ms` passes; returns
/// whether a trigger was pending (and consumes it). Kernel threads only.
pub(crate) fn trigger_wait(timeout_ms: u32) -> bool {
    // SAFETY: called from our kernel threads (process context, may sleep).
    unsafe { raw::mars_trigger_wait(timeout_ms) }
}

/// Counts a finished scan in `/proc/sys/mars/scans`. Control thread only.
pub(crate) fn scan_done() {
    // SAFETY: called from the control thread, the counter's only writer.
    unsafe { raw::mars_scan_done() }
}

/// Copies the host's name (`uname -n`) into `buf`; returns it.
pub(crate) fn hostname(buf: &mut [u8; 65]) -> Result<&str> {
    // SAFETY: `buf` is valid for writes of its length.
    let n = check_int_len(unsafe { raw::mars_hostname(buf.as_mut_ptr(), buf.len()) })?;
    core::str::from_utf8(buf.get(..n).ok_or(EINVAL)?).map_err(|_| EINVAL)
}

/// `/proc/sys/mars` for as long as this value lives.
pub(crate) struct ControlFiles(());

impl ControlFiles {
    /// Registers `/proc/sys/mars/{lamport_clock,trigger}`.
    pub(crate) fn register() -> Result<Self> {
        // SAFETY: called once from module init (process context).
        check_int(unsafe { raw::mars_control_init() })?;
        Ok(ControlFiles(()))
    }
}

impl Drop for ControlFiles {
    fn drop(&mut self) {
        // SAFETY: `register` succeeded, so the table is registered.
        unsafe { raw::mars_control_exit() }
    }
}

// ------------------------------------------------------------------ threads

/// The body of a kernel thread started with [`Thread::spawn`].
pub(crate) trait ThreadMain: Send + Sync + 'static {
    /// Runs until [`should_stop`] returns true.
    fn run(&self);
}

/// Whether the current kernel thread has been asked to stop.
pub(crate) fn should_stop() -> bool {
    // SAFETY: only called from threads started by `Thread::spawn`.
    unsafe { raw::mars_thread_should_stop() }
}

unsafe extern "C" fn thread_trampoline<T: ThreadMain>(data: *mut c_void) -> c_int {
    // SAFETY: `data` is `Arc::as_ptr` of an `Arc<T>` that the `Thread`
    // keeps alive until `kthread_stop()` has returned, i.e. until after this
    // function has returned.
    let main = unsafe { &*data.cast::<T>() };
    // SAFETY: paired with the restore below, in the same thread.
    let flags = unsafe { raw::mars_noio_save() };
    main.run();
    // SAFETY: `flags` came from `mars_noio_save` in this thread.
    unsafe { raw::mars_noio_restore(flags) };
    0
}

/// Whether the fault attribute `fail_mars_queue` (debugfs, test kernels)
/// says that entering a record into the writeback queue fails now.
pub(crate) fn fail_queue() -> bool {
    // SAFETY: no preconditions.
    unsafe { raw::mars_fail_queue() }
}

/// A reserve of data buffers of one size (a `mempool`), for the data path
/// to fall back on when memory is short; see [`DataBuf::alloc`].
///
/// # Invariants
///
/// `pool` came from `mars_pool_create` with buffers of `size` bytes and is
/// destroyed only by `Drop`. Every [`DataBuf`] taken from it holds an
/// `Arc` of it, so it outlives them all.
pub(crate) struct BufPool {
    pool: NonNull<CMempool>,
    size: usize,
    /// A reserve (used when memory is short), not a cache (used first).
    reserve: bool,
}

// SAFETY: a mempool may be used from any thread (it has its own lock).
unsafe impl Send for BufPool {}
// SAFETY: as for `Send`; `&BufPool` only allows allocating and freeing.
unsafe impl Sync for BufPool {}

impl BufPool {
    /// A reserve of `count` buffers of `size` bytes, allocated now.
    pub(crate) fn new(count: u32, size: usize) -> Result<Arc<Self>> {
        Self::create(count, size, true)
    }

    /// A cache of `count` buffers of `size` bytes, allocated now, for
    /// large buffers to be taken from first (see
    /// [`DataBuf::copy_of_request`]): reused memory instead of a vmalloc
    /// and vfree of many pages per buffer.
    pub(crate) fn new_cache(count: u32, size: usize) -> Result<Arc<Self>> {
        Self::create(count, size, false)
    }

    fn create(count: u32, size: usize, reserve: bool) -> Result<Arc<Self>> {
        // SAFETY: no preconditions; the result is checked for NULL.
        let pool = unsafe { raw::mars_pool_create(count, size) };
        let pool = NonNull::new(pool).ok_or(ENOMEM)?;
        Ok(Arc::new(
            BufPool {
                pool,
                size,
                reserve,
            },
            GFP_KERNEL,
        )?)
    }
}

impl Drop for BufPool {
    fn drop(&mut self) {
        // SAFETY: by the type invariants no buffer is out (each holds an
        // `Arc` of the pool), and the pool is destroyed only here.
        unsafe { raw::mars_pool_destroy(self.pool.as_ptr()) };
    }
}

/// Buffers larger than this come from a [`BufPool`] cache first (see
/// [`DataBuf::copy_of_request`]).
pub(crate) const CACHE_MIN: usize = 64 << 10;

/// A byte buffer of the data path: allocated for its size, or taken from
/// a [`BufPool`] reserve when memory is short; freed (or returned to the
/// reserve) when dropped. Its address is aligned to 512 bytes at least
/// (page-aligned from 4 KiB on), so it can be written with bios.
///
/// # Invariants
///
/// `ptr` points to `len` initialised bytes owned by this buffer: from
/// `mars_buf_alloc` if `pool` is `None`, else from `mars_pool_alloc` of
/// that pool.
pub(crate) struct DataBuf {
    ptr: NonNull<u8>,
    len: usize,
    pool: Option<Arc<BufPool>>,
}

// SAFETY: the buffer is plain memory owned by this value; the pool it may
// go back to is `Send + Sync`.
unsafe impl Send for DataBuf {}
// SAFETY: `&DataBuf` only gives shared access to the bytes.
unsafe impl Sync for DataBuf {}

impl DataBuf {
    /// `len` zeroed bytes: a buffer of their own if memory is at hand after
    /// a light reclaim, else one of `reserve` (if `len` fits its buffers).
    /// `ENOMEM` when neither has one now: the caller lets buffers in
    /// flight come back (writeback returns them) and tries again.
    pub(crate) fn alloc(len: usize, reserve: &Arc<BufPool>) -> Result<Self> {
        Self::alloc_own(len).or_else(|_| Self::alloc_reserved(len, reserve))
    }

    /// A zeroed buffer of its own, no reserve.
    pub(crate) fn alloc_own(len: usize) -> Result<Self> {
        // SAFETY: zeroed memory is initialised.
        unsafe { Self::alloc_raw(len, None, true) }
    }

    /// A zeroed buffer of `reserve` (holding `len` of its bytes).
    pub(crate) fn alloc_reserved(len: usize, reserve: &Arc<BufPool>) -> Result<Self> {
        // SAFETY: zeroed memory is initialised.
        unsafe { Self::alloc_raw(len, Some(reserve), true) }
    }

    /// A buffer holding the data of the write request `rq`, copied once
    /// and never zeroed first. A large one (over [`CACHE_MIN`]) comes from
    /// `cache` if it has one free; else a buffer of its own; from `reserve`
    /// when memory is short (as [`Self::alloc`]).
    pub(crate) fn copy_of_request(
        rq: &Rq,
        cache: &Arc<BufPool>,
        reserve: &Arc<BufPool>,
    ) -> Result<Self> {
        let len = usize::try_from(rq.info().len).map_err(|_| EINVAL)?;
        let cached = if len > CACHE_MIN {
            // SAFETY: the buffer is initialised below, before it is handed
            // out or read (dropping it uninitialised is fine: it is only
            // freed).
            unsafe { Self::alloc_raw(len, Some(cache), false) }
        } else {
            Err(ENOMEM)
        };
        let buf = cached
            // SAFETY: as above.
            .or_else(|_| unsafe { Self::alloc_raw(len, None, false) })
            // SAFETY: as above.
            .or_else(|_| unsafe { Self::alloc_raw(len, Some(reserve), false) })?;
        // SAFETY: the request is live (type invariant of `Rq`) and the
        // buffer holds exactly its length; `mars_rq_copy_out` writes every
        // byte of it.
        unsafe { raw::mars_rq_copy_out(rq.0.as_ptr(), buf.ptr.as_ptr().cast()) };
        Ok(buf)
    }

    /// `len` bytes of a new buffer (`pool`: of that reserve), zeroed if
    /// `zero`.
    ///
    /// # Safety
    ///
    /// Unless `zero`, the caller must initialise all `len` bytes through
    /// `ptr` before the buffer's contents are read.
    unsafe fn alloc_raw(len: usize, pool: Option<&Arc<BufPool>>, zero: bool) -> Result<Self> {
        let ptr = match pool {
            // SAFETY: no preconditions; the result is checked for NULL.
            None => unsafe { raw::mars_buf_alloc(len.max(1), zero) },
            Some(p) if len <= p.size => {
                // SAFETY: `p.pool` is a live pool of `p.size`-byte buffers
                // (type invariants of `BufPool`).
                unsafe { raw::mars_pool_alloc(p.pool.as_ptr(), p.size, zero) }
            }
            Some(_) => core::ptr::null_mut(),
        };
        Ok(DataBuf {
            ptr: NonNull::new(ptr).ok_or(ENOMEM)?,
            len,
            pool: pool.cloned(),
        })
    }

    /// Whether the buffer came from a reserve (not from a cache).
    pub(crate) fn is_reserved(&self) -> bool {
        self.pool.as_ref().is_some_and(|p| p.reserve)
    }
}

impl core::ops::Deref for DataBuf {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        // SAFETY: `ptr` points to `len` initialised bytes owned by `self`
        // (type invariants), borrowed for as long as `self` is.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl core::ops::DerefMut for DataBuf {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `deref`, and `&mut self` makes the access unique.
        unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for DataBuf {
    fn drop(&mut self) {
        match &self.pool {
            // SAFETY: the buffer came from this pool (type invariants),
            // which is alive (we hold an `Arc` of it), and is not used again.
            Some(pool) => unsafe { raw::mars_pool_free(self.ptr.as_ptr(), pool.pool.as_ptr()) },
            // SAFETY: the buffer came from `mars_buf_alloc` (type
            // invariants) and is not used again.
            None => unsafe { raw::mars_buf_free(self.ptr.as_ptr()) },
        }
    }
}

/// A running kernel thread, stopped (and waited for) when dropped.
///
/// The thread runs with `PF_MEMALLOC_NOIO`: memory reclaim from our own I/O
/// threads must never recurse into block I/O that could wait for us.
///
/// # Invariants
///
/// `task` is a task started by `mars_thread_start`, which took a reference
/// to it; `Drop` stops the thread and drops that reference. `_main` is the
/// thread's state, alive for as long as the thread may run.
pub(crate) struct Thread {
    task: NonNull<CTask>,
    _main: Arc<dyn ThreadMainAny>,
}

/// Object-safe alias so `Thread` can own any `Arc<T: ThreadMain>`.
pub(crate) trait ThreadMainAny: Send + Sync {}
impl<T: ThreadMain> ThreadMainAny for T {}

// SAFETY: a task reference may be used and dropped from any thread.
unsafe impl Send for Thread {}
// SAFETY: `Thread` offers no `&self` methods touching the task.
unsafe impl Sync for Thread {}

impl Thread {
    /// Starts kernel thread `name` running `main.run()`.
    pub(crate) fn spawn<T: ThreadMain>(main: Arc<T>, name: &Path) -> Result<Self> {
        let mut err: c_int = 0;
        let data = Arc::as_ptr(&main).cast_mut().cast::<c_void>();
        // SAFETY: the trampoline matches `T`; `data` stays valid while the
        // returned `Thread` holds `main` (see `thread_trampoline`); `name`
        // is NUL-terminated; `err` is a valid out-pointer.
        let task = unsafe {
            raw::mars_thread_start(thread_trampoline::<T>, data, name.as_ptr(), &mut err)
        };
        let task = NonNull::new(task).ok_or_else(|| Error::from_errno(err))?;
        Ok(Thread { task, _main: main })
    }
}

impl Drop for Thread {
    fn drop(&mut self) {
        // SAFETY: `task` came from `mars_thread_start`, which took a task
        // reference; `mars_thread_stop` waits for the thread and drops it.
        unsafe { raw::mars_thread_stop(self.task.as_ptr()) };
    }
}

// -------------------------------------------------------------------- paths

/// A NUL-terminated path or name, at most [`PATH_MAX`] bytes including the
/// NUL.
///
/// The bytes live on the heap: kernel stacks are 16 KiB, and the control
/// thread's attach path holds many paths at once below deep VFS calls.
pub(crate) struct Path {
    buf: KBox<[u8; PATH_MAX]>,
    len: usize,
}

impl Path {
    /// Formats a path; fails with `ENAMETOOLONG` if it does not fit,
    /// `EINVAL` if it contains a NUL, `ENOMEM` without memory.
    pub(crate) fn new(args: fmt::Arguments<'_>) -> Result<Self> {
        let mut p = Path {
            buf: KBox::zeroed(GFP_KERNEL)?,
            len: 0,
        };
        fmt::write(&mut p, args).map_err(|_| ENAMETOOLONG)?;
        if p.as_str().bytes().any(|b| b == 0) {
            return Err(EINVAL);
        }
        Ok(p)
    }

    /// The path without its NUL.
    pub(crate) fn as_str(&self) -> &str {
        // The buffer only ever receives whole `&str`s (see `write_str`).
        core::str::from_utf8(self.buf.get(..self.len).unwrap_or(&[])).unwrap_or("")
    }

    /// Pointer to the NUL-terminated bytes.
    pub(crate) fn as_ptr(&self) -> *const u8 {
        self.buf.as_ptr()
    }
}

impl fmt::Write for Path {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
        // Keep room for the NUL, which the zeroed buffer already holds.
        if end >= PATH_MAX {
            return Err(fmt::Error);
        }
        self.buf
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Builds a [`Path`] with `format_args!` syntax: `fpath!("{}/x", dir)`.
macro_rules! fpath {
    ($($arg:tt)*) => { $crate::ffi::Path::new(format_args!($($arg)*)) };
}
pub(crate) use fpath;

// -------------------------------------------------------------------- files

/// One buffer of a gathered write (`struct mars_iovec` of glue.h).
#[repr(C)]
pub(crate) struct IoVec<'a> {
    base: *const c_void,
    len: usize,
    _buf: core::marker::PhantomData<&'a [u8]>,
}

impl<'a> IoVec<'a> {
    /// Points at `buf`.
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        IoVec {
            base: buf.as_ptr().cast(),
            len: buf.len(),
            _buf: core::marker::PhantomData,
        }
    }

    /// Length in bytes.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The buffer it points at.
    pub(crate) fn as_slice(&self) -> &'a [u8] {
        // SAFETY: `base` and `len` come from a `&'a [u8]` (see `new`).
        unsafe { core::slice::from_raw_parts(self.base.cast(), self.len) }
    }
}

/// An open file (`struct file *`), closed when dropped.
///
/// # Invariants
///
/// The pointer is a `struct file *` opened by the glue and not closed
/// until `Drop` (or, inside a [`Bdev`], that type's `Drop`).
pub(crate) struct File(NonNull<CFile>);

// SAFETY: a `struct file` may be used and closed from any thread; the
// kernel serialises what needs serialising (f_pos is not used: all I/O is
// positional).
unsafe impl Send for File {}
// SAFETY: see above; all methods are positional and safe to call
// concurrently.
unsafe impl Sync for File {}

impl File {
    fn open_flags(path: &Path, flags: c_int, mode: u16) -> Result<Self> {
        let mut err: c_int = 0;
        // SAFETY: `path` is NUL-terminated, `err` a valid out-pointer.
        let f = unsafe { raw::mars_file_open(path.as_ptr(), flags, mode, &mut err) };
        NonNull::new(f)
            .map(File)
            .ok_or_else(|| Error::from_errno(err))
    }

    /// Opens an existing file read-write.
    pub(crate) fn open_rw(path: &Path) -> Result<Self> {
        Self::open_flags(path, O_RDWR, 0)
    }

    /// Opens a file read-write, creating it (mode 0600) if missing.
    pub(crate) fn open_rw_create(path: &Path) -> Result<Self> {
        Self::open_flags(path, O_RDWR | O_CREAT, 0o600)
    }

    /// Reads up to `buf.len()` bytes at `pos`; returns the count (0 at EOF).
    pub(crate) fn read_at(&self, buf: &mut [u8], pos: u64) -> Result<usize> {
        // SAFETY: `self.0` is an open file; `buf` is valid for writes of
        // its length for the duration of the call.
        check(unsafe {
            raw::mars_file_read(self.0.as_ptr(), buf.as_mut_ptr().cast(), buf.len(), pos)
        })
    }

    /// Writes `bufs` back to back at `pos`, in one call into the file
    /// system unless it writes short. On error the file may hold part of
    /// the data.
    pub(crate) fn write_vectored_all_at(&self, bufs: &[IoVec<'_>], pos: u64) -> Result {
        let total = bufs
            .iter()
            .try_fold(0usize, |t, b| t.checked_add(b.len))
            .ok_or(EINVAL)?;
        let nr = core::ffi::c_uint::try_from(bufs.len()).map_err(|_| EINVAL)?;
        // SAFETY: `self.0` is an open file; `bufs` is an array of `nr`
        // `struct mars_iovec`s (same layout, `#[repr(C)]`) whose buffers
        // are valid for reads (the lifetime ties them to borrowed slices)
        // for the duration of the call.
        let n = check(unsafe { raw::mars_file_writev(self.0.as_ptr(), bufs.as_ptr(), nr, pos) })?;
        if n == total {
            Ok(())
        } else {
            Err(EIO)
        }
    }

    /// Starts writing out the dirty pages of bytes `[pos, pos + len)`
    /// without waiting for them (`filemap_flush_range`); a later
    /// [`Self::sync`] waits for them and reports their errors.
    pub(crate) fn start_writeback(&self, pos: u64, len: u64) -> Result {
        // SAFETY: `self.0` is an open file.
        check_int(unsafe { raw::mars_file_start_writeback(self.0.as_ptr(), pos, len) })
    }

    /// `vfs_fsync`: data and metadata durable.
    pub(crate) fn sync(&self) -> Result {
        // SAFETY: `self.0` is an open file.
        check_int(unsafe { raw::mars_file_sync(self.0.as_ptr()) })
    }

    /// `vfs_fsync_range` over the first `end` bytes: their data and all
    /// metadata durable; what was written beyond them may stay in the page
    /// cache (a log appended to while it is synced).
    pub(crate) fn sync_upto(&self, end: u64) -> Result {
        // SAFETY: `self.0` is an open file.
        check_int(unsafe { raw::mars_file_sync_upto(self.0.as_ptr(), end) })
    }

    /// Current size in bytes.
    pub(crate) fn size(&self) -> u64 {
        // SAFETY: `self.0` is an open file.
        unsafe { raw::mars_file_size(self.0.as_ptr()) }
    }

    /// Truncates (or extends) the file to `len` bytes.
    pub(crate) fn truncate(&self, len: u64) -> Result {
        // SAFETY: `self.0` is an open file.
        check_int(unsafe { raw::mars_file_truncate(self.0.as_ptr(), len) })
    }
}

impl Drop for File {
    fn drop(&mut self) {
        // SAFETY: `self.0` is an open file that nothing else will use.
        unsafe { raw::mars_file_close(self.0.as_ptr()) }
    }
}

/// A block device opened read-write and claimed exclusively (no other
/// exclusive opener, e.g. a mount, can use it meanwhile). Written with
/// [`WriteBatch`]es and read with bios (see [`ReadRq::read_from`]), never
/// through its page cache; closed when dropped.
///
/// # Invariants
///
/// `file` holds a `struct file *` from `mars_bdev_open`, open until
/// `Drop` releases it with `mars_bdev_close` (never with `File`'s own
/// `Drop`, hence the `ManuallyDrop`).
pub(crate) struct Bdev {
    file: ManuallyDrop<File>,
}

impl Bdev {
    /// Opens and claims the block device at `path`; `holder` identifies
    /// the claimant (any unique address owned by the caller).
    pub(crate) fn open(path: &Path, holder: *const c_void) -> Result<Self> {
        let mut err: c_int = 0;
        // SAFETY: `path` is NUL-terminated; `holder` is only compared by
        // address by the block layer; `err` is a valid out-pointer.
        let f = unsafe { raw::mars_bdev_open(path.as_ptr(), holder.cast_mut(), &mut err) };
        let file = NonNull::new(f)
            .map(File)
            .ok_or_else(|| Error::from_errno(err))?;
        Ok(Bdev {
            file: ManuallyDrop::new(file),
        })
    }

    /// Makes every completed write durable (a cache flush of the device).
    pub(crate) fn flush(&self) -> Result {
        // SAFETY: by the type invariant, an open block device file.
        check_int(unsafe { raw::mars_bdev_flush(self.file.0.as_ptr()) })
    }

    /// Size in bytes.
    pub(crate) fn size(&self) -> u64 {
        // SAFETY: by the type invariant, an open block device file.
        unsafe { raw::mars_bdev_size(self.file.0.as_ptr()) }
    }

    /// Reads `buf.len()` bytes at byte `pos` as bios and waits for them.
    /// `buf` must be heap memory (a [`DataBuf`]), and it, its length and
    /// `pos` multiples of 512 (`EINVAL` otherwise).
    pub(crate) fn read_at(&self, buf: &mut [u8], pos: u64) -> Result {
        // SAFETY: by the type invariant, an open block device file; `buf`
        // is valid for writes of its length during the call, which waits
        // for the reads; the glue checks alignment, range and that it is
        // not on the stack.
        check_int(unsafe {
            raw::mars_bdev_read(
                self.file.0.as_ptr(),
                pos,
                buf.as_mut_ptr(),
                buf.len() as u64,
            )
        })
    }

    /// Logical block size in bytes.
    pub(crate) fn block_size(&self) -> u32 {
        // SAFETY: by the type invariant, an open block device file.
        unsafe { raw::mars_bdev_block_size(self.file.0.as_ptr()) }
    }
}

impl Drop for Bdev {
    fn drop(&mut self) {
        // SAFETY: by the type invariant the file came from
        // `mars_bdev_open`; it is not used again (`ManuallyDrop` keeps
        // `File::drop` from closing it a second time).
        unsafe { raw::mars_bdev_close(self.file.0.as_ptr()) }
    }
}

/// Writes to a [`Bdev`] as bios (see `rust/glue_bio.c`): ranges added
/// with [`Self::add`] go out as bios (adjacent ones merged), many in
/// flight; [`Self::wait`] waits for all of them. The buffers are borrowed
/// for `'a` because the device reads them until the writes complete;
/// dropping the batch waits for that too.
///
/// # Invariants
///
/// `w` came from `mars_wbatch_create` for a device that outlives the batch
/// (`'a` borrows the [`Bdev`]) and is destroyed only by `Drop`. Every
/// buffer queued in it is borrowed for `'a`.
pub(crate) struct WriteBatch<'a> {
    w: NonNull<CWbatch>,
    _bufs: core::marker::PhantomData<&'a [u8]>,
}

impl<'a> WriteBatch<'a> {
    /// An empty batch writing to `bdev`.
    pub(crate) fn new(bdev: &'a Bdev) -> Result<Self> {
        // SAFETY: `bdev.file` is an open block device file (type invariant
        // of `Bdev`) that stays open for `'a`.
        let w = unsafe { raw::mars_wbatch_create(bdev.file.0.as_ptr()) };
        Ok(WriteBatch {
            w: NonNull::new(w).ok_or(ENOMEM)?,
            _bufs: core::marker::PhantomData,
        })
    }

    /// Queues writing `data` at byte `pos` of the device. `data` must be
    /// heap memory and `data`, its length and `pos` multiples of 512
    /// (`EINVAL` otherwise, and nothing is queued).
    pub(crate) fn add(&mut self, pos: u64, data: &'a [u8]) -> Result {
        // SAFETY: `self.w` is live (type invariant); `data` is valid for
        // reads of its length and stays borrowed, unchanged, for `'a`,
        // which outlasts the batch and so the writes; the glue checks the
        // alignment and the device range.
        check_int(unsafe {
            raw::mars_wbatch_add(self.w.as_ptr(), pos, data.as_ptr(), data.len() as u64)
        })
    }

    /// Submits what is queued and waits until all of it is written (not
    /// yet durable: see [`Bdev::flush`]); the first error if any failed.
    pub(crate) fn wait(&mut self) -> Result {
        // SAFETY: `self.w` is live (type invariant).
        check_int(unsafe { raw::mars_wbatch_wait(self.w.as_ptr()) })
    }
}

impl Drop for WriteBatch<'_> {
    fn drop(&mut self) {
        // SAFETY: `self.w` is live and not used again; destroying it waits
        // for the writes still in flight, while their buffers (borrowed
        // for `'a`) are still valid.
        unsafe { raw::mars_wbatch_destroy(self.w.as_ptr()) }
    }
}

// --------------------------------------------------------- tree operations

/// Creates directory `path` (mode 0755); `EEXIST` if it exists.
pub(crate) fn mkdir(path: &Path) -> Result {
    // SAFETY: `path` is NUL-terminated.
    check_int(unsafe { raw::mars_mkdir(path.as_ptr()) })
}

/// Removes the file, symlink or empty directory `path`.
pub(crate) fn remove(path: &Path) -> Result {
    // SAFETY: `path` is NUL-terminated.
    check_int(unsafe { raw::mars_remove(path.as_ptr()) })
}

/// Atomically sets symlink `path` to `target` with mtime `(sec, nsec)`
/// (written as `.tmp-NAME`, stamped, renamed into place).
pub(crate) fn symlink(path: &Path, target: &Path, sec: u64, nsec: u32) -> Result {
    let sec = i64::try_from(sec).map_err(|_| EINVAL)?;
    // SAFETY: both paths are NUL-terminated.
    check_int(unsafe { raw::mars_symlink(path.as_ptr(), target.as_ptr(), sec, nsec) })
}

/// Reads symlink `path` into `buf`; returns the target and its mtime.
/// `ENOENT` if missing, `EINVAL` if not a symlink.
pub(crate) fn readlink<'a>(path: &Path, buf: &'a mut [u8]) -> Result<(&'a str, u64, u32)> {
    let mut sec: i64 = 0;
    let mut nsec: u32 = 0;
    // SAFETY: `path` is NUL-terminated; `buf` is valid for writes of its
    // length; the out-pointers are valid.
    let n = check_int_len(unsafe {
        raw::mars_readlink(
            path.as_ptr(),
            buf.as_mut_ptr(),
            buf.len(),
            &mut sec,
            &mut nsec,
        )
    })?;
    let text = core::str::from_utf8(buf.get(..n).ok_or(EINVAL)?).map_err(|_| EINVAL)?;
    Ok((text, u64::try_from(sec).unwrap_or(0), nsec))
}

fn check_int_len(ret: c_int) -> Result<usize> {
    check(ret as isize)
}

/// Lists directory `path` into `buf` as NUL-separated names (without `.`
/// and `..`); returns the used part. `ENOSPC` if `buf` is too small.
pub(crate) fn readdir<'a>(path: &Path, buf: &'a mut [u8]) -> Result<&'a [u8]> {
    // SAFETY: `path` is NUL-terminated; `buf` is valid for writes of its
    // length.
    let n = check(unsafe { raw::mars_readdir(path.as_ptr(), buf.as_mut_ptr(), buf.len()) })?;
    buf.get(..n).ok_or(EINVAL)
}

/// Makes the directory holding `path` durable (its renames survive a
/// power cut once this returns).
pub(crate) fn dir_sync(path: &Path) -> Result {
    // SAFETY: `path` is NUL-terminated.
    check_int(unsafe { raw::mars_dir_sync(path.as_ptr()) })
}

/// Total and available bytes of the file system holding `path`.
pub(crate) fn statfs(path: &Path) -> Result<(u64, u64)> {
    let (mut total, mut avail) = (0u64, 0u64);
    // SAFETY: `path` is NUL-terminated; the out-pointers are valid.
    check_int(unsafe { raw::mars_statfs(path.as_ptr(), &mut total, &mut avail) })?;
    Ok((total, avail))
}

// ------------------------------------------------------------- block device

/// A blk-mq disk shell (see `rust/glue_blk.c`): started requests are
/// queued for the owner's worker thread, which takes them with
/// [`Disk::take`]. Removed from the system and freed when dropped.
///
/// # Invariants
///
/// `blk` came from `mars_blk_create` and is released only by `Drop`
/// (`mars_blk_del` if `added`, then `mars_blk_free`); the C object stays
/// valid until then.
pub(crate) struct Disk {
    blk: NonNull<CBlk>,
    added: Atomic<bool>,
}

// SAFETY: the C object is internally synchronised (spinlock, atomics).
unsafe impl Send for Disk {}
// SAFETY: see above.
unsafe impl Sync for Disk {}

impl Disk {
    /// Allocates a disk `disk_name` (sysfs name) whose node is
    /// `/dev/NODE`, of `size` bytes and logical block size `block_size`.
    pub(crate) fn new(disk_name: &Path, node: &Path, size: u64, block_size: u32) -> Result<Self> {
        let mut err: c_int = 0;
        // SAFETY: names are NUL-terminated; `err` is a valid out-pointer.
        let blk = unsafe {
            raw::mars_blk_create(
                disk_name.as_ptr(),
                node.as_ptr(),
                size,
                block_size,
                &mut err,
            )
        };
        let blk = NonNull::new(blk).ok_or_else(|| Error::from_errno(err))?;
        Ok(Disk {
            blk,
            added: Atomic::new(false),
        })
    }

    /// Makes the disk visible (`add_disk`): requests may arrive from now on.
    pub(crate) fn add(&self) -> Result {
        if !self.added.xchg(true, Full) {
            // SAFETY: `blk` is a live disk shell, added only once (the
            // flag above).
            if let Err(e) = check_int(unsafe { raw::mars_blk_add(self.blk.as_ptr()) }) {
                self.added.store(false, Relaxed);
                return Err(e);
            }
        }
        Ok(())
    }

    /// Removes the disk (`del_gendisk`); waits for requests in flight, so
    /// the worker must keep serving them meanwhile.
    pub(crate) fn remove(&self) {
        if self.added.xchg(false, Full) {
            // SAFETY: the disk was added and is removed only once (the
            // flag above).
            unsafe { raw::mars_blk_del(self.blk.as_ptr()) };
        }
    }

    /// How many openers the device has now.
    pub(crate) fn open_count(&self) -> u32 {
        // SAFETY: `blk` is a live disk shell.
        u32::try_from(unsafe { raw::mars_blk_open_count(self.blk.as_ptr()) }).unwrap_or(0)
    }

    /// Sleeps until a request is queued, the thread is asked to stop, or
    /// `timeout_ms` passes.
    pub(crate) fn wait(&self, timeout_ms: u32) {
        // SAFETY: `blk` is live; called from our kernel thread.
        unsafe { raw::mars_blk_wait(self.blk.as_ptr(), timeout_ms) }
    }

    /// Takes up to `max` queued requests, oldest first, appending them to
    /// `out`.
    pub(crate) fn take(&self, out: &mut KVec<Rq>, max: usize) -> Result {
        let mut ptrs = [core::ptr::null_mut::<CRequest>(); 32];
        let max = max.min(ptrs.len());
        // Reserve first: once taken, a request must not be lost to an
        // allocation failure. (Our threads allocate in a NOIO scope.)
        out.reserve(max, GFP_KERNEL)?;
        // SAFETY: `ptrs` has room for `max` pointers; `blk` is live.
        let n = unsafe { raw::mars_blk_take(self.blk.as_ptr(), ptrs.as_mut_ptr(), max as u32) };
        for p in ptrs.iter().take(n as usize) {
            if let Some(rq) = NonNull::new(*p) {
                // INVARIANT: each taken request is started, and owned by us
                // until it is ended.
                // Cannot fail: capacity was reserved above.
                out.push(Rq(rq), GFP_KERNEL)?;
            }
        }
        Ok(())
    }
}

impl Drop for Disk {
    fn drop(&mut self) {
        self.remove();
        // SAFETY: the disk is removed (or was never added) and no request
        // is outstanding: the owner ended all of them before dropping.
        unsafe { raw::mars_blk_free(self.blk.as_ptr()) }
    }
}

/// 0 for success, else the negative errno (how the glue ends requests).
fn errno_of(result: Result) -> c_int {
    match result {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// A started block request owned by a worker. It must be ended exactly
/// once; dropping it unended ends it with an I/O error.
///
/// # Invariants
///
/// The pointer is a started request of one of our disks that has not been
/// ended yet.
pub(crate) struct Rq(NonNull<CRequest>);

// SAFETY: a started request may be completed from any thread.
unsafe impl Send for Rq {}

impl Rq {
    /// Operation, FUA flag, position and length.
    pub(crate) fn info(&self) -> RqInfo {
        let mut info = RqInfo::default();
        // SAFETY: by the invariant the request is live.
        unsafe { raw::mars_rq_info(self.0.as_ptr(), &mut info) };
        info
    }

    /// Copies `buf` into the request's data (a read) at byte `offset`.
    pub(crate) fn copy_in(&self, offset: u64, buf: &[u8]) -> Result {
        let end = offset.checked_add(buf.len() as u64).ok_or(EINVAL)?;
        if end > self.info().len {
            return Err(EINVAL);
        }
        // SAFETY: the request is live and the range lies within it.
        unsafe {
            raw::mars_rq_copy_in(
                self.0.as_ptr(),
                offset,
                buf.as_ptr().cast(),
                buf.len() as u64,
            )
        };
        Ok(())
    }

    /// Ends the request: success or the error.
    pub(crate) fn end(self, result: Result) {
        let err = errno_of(result);
        let rq = core::mem::ManuallyDrop::new(self);
        // SAFETY: by the invariant the request is live and unended; it is
        // not used again (ManuallyDrop skips our Drop).
        unsafe { raw::mars_rq_end(rq.0.as_ptr(), err) };
    }
}

impl Drop for Rq {
    fn drop(&mut self) {
        // SAFETY: by the invariant the request is live and unended.
        unsafe { raw::mars_rq_end(self.0.as_ptr(), -(kernel::bindings::EIO as c_int)) };
    }
}

impl Rq {
    /// Turns the request (a read) into one that is filled partly from
    /// the data device, asynchronously: see [`ReadRq`].
    pub(crate) fn into_read(self) -> ReadRq {
        let rq = core::mem::ManuallyDrop::new(self);
        // SAFETY: by the invariant the request is live and unended; from
        // now on only `ReadRq` ends it (through `mars_rq_read_end`).
        unsafe { raw::mars_rq_read_begin(rq.0.as_ptr()) };
        // INVARIANT: `mars_rq_read_begin` was called; not yet ended.
        ReadRq(rq.0)
    }
}

/// A read request being filled: ranges the overlay holds are copied in,
/// the rest is read from the data device by bios straight into the
/// request's pages, without waiting. [`ReadRq::finish`] (or dropping it,
/// with EIO) hands it over: it ends when the last of its bios completes.
///
/// # Invariants
///
/// The pointer is a started, unended read request of one of our disks on
/// which `mars_rq_read_begin` was called and `mars_rq_read_end` was not.
pub(crate) struct ReadRq(NonNull<CRequest>);

// SAFETY: as for `Rq`.
unsafe impl Send for ReadRq {}

impl ReadRq {
    /// Copies `buf` into the request's data at byte `offset`.
    pub(crate) fn copy_in(&self, offset: u64, buf: &[u8]) -> Result {
        // A borrowed view as `Rq` (live and unended, by our invariant),
        // never ended through it; the bios in flight fill other ranges.
        let rq = core::mem::ManuallyDrop::new(Rq(self.0));
        rq.copy_in(offset, buf)
    }

    /// Starts reading request bytes `[offset, offset + len)` from `bdev`
    /// at byte `pos` (all multiples of 512); does not wait.
    pub(crate) fn read_from(&self, offset: u64, len: u64, bdev: &Bdev, pos: u64) -> Result {
        // SAFETY: by the invariant the request is live and between begin
        // and end; `bdev` is an open block device file; the glue checks
        // the range.
        check_int(unsafe {
            raw::mars_rq_read_bdev(self.0.as_ptr(), offset, len, bdev.file.0.as_ptr(), pos)
        })
    }

    /// No more ranges: the request ends with `result` (or the first bio
    /// error) once its bios are done.
    pub(crate) fn finish(self, result: Result) {
        let err = errno_of(result);
        let rq = core::mem::ManuallyDrop::new(self);
        // SAFETY: by the invariant `mars_rq_read_end` was not called yet;
        // the request is not used again (ManuallyDrop skips our Drop).
        unsafe { raw::mars_rq_read_end(rq.0.as_ptr(), err) };
    }
}

impl Drop for ReadRq {
    fn drop(&mut self) {
        // SAFETY: by the invariant `mars_rq_read_end` was not called yet.
        unsafe { raw::mars_rq_read_end(self.0.as_ptr(), -(kernel::bindings::EIO as c_int)) };
    }
}

impl kernel::fmt::Display for Path {
    fn fmt(&self, f: &mut kernel::fmt::Formatter<'_>) -> kernel::fmt::Result {
        f.write_str(self.as_str())
    }
}
