// SPDX-License-Identifier: GPL-2.0

//! Rust side of `rust/glue_net.c`: kernel TCP sockets, HMAC-SHA256 from the
//! kernel's crypto library, the cluster secret file, clocks and the
//! `/proc/sys/mars/peers` hook used by the cluster layer (`src/net/`).
//!
//! Sockets block for at most the timeout given to [`Socket::set_opts`] and
//! then fail with `EAGAIN`, so the threads using them can notice
//! `kthread_stop()` between calls.

use super::Path;
use core::ffi::{c_int, c_void};
use core::net::IpAddr;
use core::ptr::NonNull;
use kernel::prelude::*;

/// Opaque `struct socket`.
#[repr(C)]
pub(crate) struct CSocket {
    _private: [u8; 0],
}

const AF_INET: c_int = 2;
const AF_INET6: c_int = 10;

mod raw {
    use super::*;

    extern "C" {
        pub(super) fn mars_net_port() -> u16;
        pub(super) fn mars_net_data_port(which: c_int) -> u16;
        pub(super) fn mars_net_data_tos(which: c_int) -> c_int;
        pub(super) fn mars_net_sync_rate_kib() -> core::ffi::c_uint;
        pub(super) fn mars_net_stall_s() -> core::ffi::c_uint;
        pub(super) fn mars_sha256(data: *const u8, len: usize, out: *mut u8);
        pub(super) fn mars_net_listen_addr(buf: *mut u8, len: usize) -> c_int;
        pub(super) fn mars_sock_create(family: c_int, out: *mut *mut CSocket) -> c_int;
        pub(super) fn mars_sock_set_opts(
            s: *mut CSocket,
            timeout_ms: u32,
            tos: c_int,
            user_timeout_ms: u32,
        ) -> c_int;
        pub(super) fn mars_sock_listen(
            s: *mut CSocket,
            addr: *const u8,
            port: u16,
            backlog: c_int,
        ) -> c_int;
        pub(super) fn mars_sock_accept(ls: *mut CSocket, out: *mut *mut CSocket) -> c_int;
        pub(super) fn mars_sock_connect(s: *mut CSocket, addr: *const u8, port: u16) -> c_int;
        pub(super) fn mars_sock_send(s: *mut CSocket, buf: *const c_void, len: usize) -> isize;
        pub(super) fn mars_sock_recv(s: *mut CSocket, buf: *mut c_void, len: usize) -> isize;
        pub(super) fn mars_sock_peer(s: *mut CSocket, addr16: *mut u8, port: *mut u16) -> c_int;
        pub(super) fn mars_sock_shutdown(s: *mut CSocket);
        pub(super) fn mars_sock_release(s: *mut CSocket);
        pub(super) fn mars_hmac_sha256(
            key: *const u8,
            key_len: usize,
            data: *const u8,
            len: usize,
            out: *mut u8,
        );
        pub(super) fn mars_random_bytes(buf: *mut c_void, len: usize);
        pub(super) fn mars_read_secret(path: *const u8, buf: *mut c_void, len: usize) -> isize;
        pub(super) fn mars_peers_register(
            f: Option<unsafe extern "C" fn(*mut c_void, *mut u8, usize) -> usize>,
            ctx: *mut c_void,
        );
        pub(super) fn mars_mono_ns() -> u64;
        pub(super) fn mars_real_ns() -> u64;
        pub(super) fn mars_sleep_ms(ms: u32);
        pub(super) fn mars_trigger_generation() -> u32;
        pub(super) fn mars_tree_changed();
        pub(super) fn mars_tree_generation() -> u32;
        pub(super) fn mars_lamport_merge(ns: u64);
        pub(super) fn mars_max_future_s() -> u32;
        pub(super) fn mars_trigger();
    }
}

/// Turns a negative errno or a count into a `Result`.
fn check(r: isize) -> Result<usize> {
    if r < 0 {
        let e = i32::try_from(r).unwrap_or(EINVAL.to_errno());
        Err(Error::from_errno(e))
    } else {
        Ok(r.unsigned_abs())
    }
}

fn check_int(r: c_int) -> Result {
    if r < 0 {
        Err(Error::from_errno(r))
    } else {
        Ok(())
    }
}

/// The `port` module parameter: the metadata listener's TCP port.
pub(crate) fn metadata_port() -> u16 {
    // SAFETY: reads a module parameter; no preconditions.
    unsafe { raw::mars_net_port() }
}

/// The two bulk data services, each on its own port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DataPort {
    /// Log fetch (`fetch_port`, default 7778).
    Fetch,
    /// Full sync (`sync_port`, default 7779).
    Sync,
}

impl DataPort {
    fn which(self) -> c_int {
        match self {
            DataPort::Fetch => 0,
            DataPort::Sync => 1,
        }
    }

    /// The TCP port (module parameter).
    pub(crate) fn port(self) -> u16 {
        // SAFETY: reads a module parameter; no preconditions.
        unsafe { raw::mars_net_data_port(self.which()) }
    }

    /// The IPv4 TOS byte for its connections (module parameter), if any.
    pub(crate) fn tos(self) -> Option<u8> {
        // SAFETY: reads a module parameter; no preconditions.
        u8::try_from(unsafe { raw::mars_net_data_tos(self.which()) }).ok()
    }
}

/// The `sync_rate_kib` module parameter: the full sync rate limit in
/// KiB/s, 0 for none (writable at run time).
pub(crate) fn sync_rate_kib() -> u32 {
    // SAFETY: reads a module parameter; no preconditions.
    unsafe { raw::mars_net_sync_rate_kib() }
}

/// The `stall_s` module parameter: seconds without progress after which a
/// fetch or sync connection is made anew (at least 1).
pub(crate) fn stall_s() -> u32 {
    // SAFETY: reads a module parameter; no preconditions.
    unsafe { raw::mars_net_stall_s() }
}

/// SHA-256 of `data` (the kernel's crypto library).
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    // SAFETY: `data` is valid for reads of its length; `out` holds the 32
    // bytes the function writes.
    unsafe { raw::mars_sha256(data.as_ptr(), data.len(), out.as_mut_ptr()) };
    out
}

/// The `listen_addr` module parameter, copied into `buf` (empty = any).
pub(crate) fn listen_addr(buf: &mut [u8; 64]) -> &str {
    // SAFETY: `buf` is valid for writes of its length; the C side writes
    // a NUL-terminated string that fits (or returns -E2BIG).
    let n = unsafe { raw::mars_net_listen_addr(buf.as_mut_ptr(), buf.len()) };
    let n = usize::try_from(n).unwrap_or(0);
    buf.get(..n)
        .and_then(|b| core::str::from_utf8(b).ok())
        .unwrap_or("")
}

/// Monotonic clock in nanoseconds.
pub(crate) fn mono_ns() -> u64 {
    // SAFETY: no preconditions.
    unsafe { raw::mars_mono_ns() }
}

/// Real-time clock in nanoseconds since the epoch.
pub(crate) fn real_ns() -> u64 {
    // SAFETY: no preconditions.
    unsafe { raw::mars_real_ns() }
}

/// Sleeps `ms` milliseconds, less when the thread is asked to stop. Our
/// kernel threads only.
pub(crate) fn sleep_ms(ms: u32) {
    // SAFETY: process context (the callers are our kernel threads).
    unsafe { raw::mars_sleep_ms(ms) }
}

/// How many triggers (`/proc/sys/mars/trigger`, `ffi::trigger`) were
/// requested since the module was loaded (wrapping).
pub(crate) fn trigger_generation() -> u32 {
    // SAFETY: no preconditions.
    unsafe { raw::mars_trigger_generation() }
}

/// Counts a link the module wrote (the cluster layer rescans soon).
pub(crate) fn tree_changed() {
    // SAFETY: no preconditions.
    unsafe { raw::mars_tree_changed() }
}

/// How many links the module wrote since it was loaded (wrapping).
pub(crate) fn tree_generation() -> u32 {
    // SAFETY: no preconditions.
    unsafe { raw::mars_tree_generation() }
}

/// Wakes the control thread and the cluster layer.
pub(crate) fn trigger() {
    // SAFETY: no preconditions.
    unsafe { raw::mars_trigger() }
}

/// Moves the module's Lamport clock to at least `ns` (the caller checked
/// that the stamp is plausible).
pub(crate) fn lamport_merge(ns: u64) {
    // SAFETY: no preconditions.
    unsafe { raw::mars_lamport_merge(ns) }
}

/// `/proc/sys/mars/max_future_s`.
pub(crate) fn max_future_s() -> u32 {
    // SAFETY: no preconditions.
    unsafe { raw::mars_max_future_s() }
}

/// Fills `buf` with bytes from the kernel's CRNG.
pub(crate) fn random_bytes(buf: &mut [u8]) {
    // SAFETY: `buf` is valid for writes of its length.
    unsafe { raw::mars_random_bytes(buf.as_mut_ptr().cast(), buf.len()) }
}

/// HMAC-SHA256 of `data` under `key` (the kernel's crypto library).
pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    // SAFETY: the pointers are valid for the given lengths; `out` holds the
    // 32 bytes the function writes.
    unsafe {
        raw::mars_hmac_sha256(
            key.as_ptr(),
            key.len(),
            data.as_ptr(),
            data.len(),
            out.as_mut_ptr(),
        )
    };
    out
}

/// Reads the secret file `path` into `buf`; returns the byte count. Fails
/// with `EPERM` if group or others may access it, `EINVAL` if it is not a
/// regular file, `ELOOP` if it is a symlink.
pub(crate) fn read_secret<'a>(path: &Path, buf: &'a mut [u8]) -> Result<&'a [u8]> {
    // SAFETY: `path` is NUL-terminated; `buf` is valid for its length.
    let n =
        check(unsafe { raw::mars_read_secret(path.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) })?;
    buf.get(..n).ok_or(EINVAL)
}

/// The address family and raw bytes of `addr`.
fn raw_addr(addr: &IpAddr) -> (c_int, [u8; 16]) {
    let mut b = [0u8; 16];
    match addr {
        IpAddr::V4(a) => {
            b[..4].copy_from_slice(&a.octets());
            (AF_INET, b)
        }
        IpAddr::V6(a) => (AF_INET6, a.octets()),
    }
}

/// A kernel TCP socket, released when dropped.
///
/// # Invariants
///
/// `sock` came from `mars_sock_create` or `mars_sock_accept` and is released
/// only by `Drop`.
pub(crate) struct Socket {
    sock: NonNull<CSocket>,
}

// SAFETY: a kernel socket may be used from any thread; `Socket` is used by
// one thread at a time (`&mut self` for I/O) except `shutdown`, which the
// socket layer allows concurrently.
unsafe impl Send for Socket {}
// SAFETY: see `Send`; `&self` methods are `shutdown` and `peer`, both safe
// alongside I/O on the socket.
unsafe impl Sync for Socket {}

impl Socket {
    /// A new TCP socket for addresses like `addr`.
    pub(crate) fn new_for(addr: &IpAddr) -> Result<Self> {
        Self::new(raw_addr(addr).0)
    }

    fn new(family: c_int) -> Result<Self> {
        let mut s: *mut CSocket = core::ptr::null_mut();
        // SAFETY: `s` is a valid out-pointer.
        check_int(unsafe { raw::mars_sock_create(family, &mut s) })?;
        Ok(Socket {
            sock: NonNull::new(s).ok_or(ENOMEM)?,
        })
    }

    /// Sets the I/O timeout (send, receive, connect, accept), the IPv4 TOS
    /// byte (`None`: leave it), TCP_NODELAY, keepalive and TCP_USER_TIMEOUT.
    pub(crate) fn set_opts(&self, timeout_ms: u32, tos: Option<u8>, user_timeout_ms: u32) {
        let tos = tos.map_or(-1, c_int::from);
        // SAFETY: `sock` is valid (type invariant).
        unsafe { raw::mars_sock_set_opts(self.sock.as_ptr(), timeout_ms, tos, user_timeout_ms) };
    }

    /// Binds to `addr:port` and listens.
    pub(crate) fn listen(&self, addr: &IpAddr, port: u16, backlog: u32) -> Result {
        let (_, b) = raw_addr(addr);
        let backlog = c_int::try_from(backlog).unwrap_or(16);
        // SAFETY: `sock` is valid; `b` holds the 4 or 16 address bytes.
        check_int(unsafe { raw::mars_sock_listen(self.sock.as_ptr(), b.as_ptr(), port, backlog) })
    }

    /// Accepts a connection (`EAGAIN` when the timeout passed first).
    pub(crate) fn accept(&self) -> Result<Socket> {
        let mut s: *mut CSocket = core::ptr::null_mut();
        // SAFETY: `sock` is a listening socket; `s` is a valid out-pointer.
        check_int(unsafe { raw::mars_sock_accept(self.sock.as_ptr(), &mut s) })?;
        Ok(Socket {
            sock: NonNull::new(s).ok_or(ENOMEM)?,
        })
    }

    /// Connects to `addr:port` within the socket's timeout (`ETIMEDOUT`).
    pub(crate) fn connect(&mut self, addr: &IpAddr, port: u16) -> Result {
        let (_, b) = raw_addr(addr);
        // SAFETY: `sock` is valid; `b` holds the address bytes.
        check_int(unsafe { raw::mars_sock_connect(self.sock.as_ptr(), b.as_ptr(), port) })
    }

    /// Sends some of `buf`; returns how much (`EAGAIN` on timeout).
    pub(crate) fn send(&mut self, buf: &[u8]) -> Result<usize> {
        // SAFETY: `sock` is valid; `buf` is valid for reads of its length.
        check(unsafe { raw::mars_sock_send(self.sock.as_ptr(), buf.as_ptr().cast(), buf.len()) })
    }

    /// Receives into `buf`; returns the count, 0 at end of stream
    /// (`EAGAIN` on timeout).
    pub(crate) fn recv(&mut self, buf: &mut [u8]) -> Result<usize> {
        // SAFETY: `sock` is valid; `buf` is valid for writes of its length.
        check(unsafe {
            raw::mars_sock_recv(self.sock.as_ptr(), buf.as_mut_ptr().cast(), buf.len())
        })
    }

    /// The peer's address and port.
    pub(crate) fn peer(&self) -> Result<(IpAddr, u16)> {
        let mut b = [0u8; 16];
        let mut port = 0u16;
        // SAFETY: `sock` is valid; `b` has room for 16 bytes.
        let fam = unsafe { raw::mars_sock_peer(self.sock.as_ptr(), b.as_mut_ptr(), &mut port) };
        check_int(fam)?;
        let addr = if fam == AF_INET {
            IpAddr::V4(core::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]))
        } else {
            IpAddr::V6(core::net::Ipv6Addr::from(b))
        };
        Ok((addr, port))
    }

    /// Shuts both directions down (wakes a thread blocked on the socket).
    pub(crate) fn shutdown(&self) {
        // SAFETY: `sock` is valid.
        unsafe { raw::mars_sock_shutdown(self.sock.as_ptr()) }
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        // SAFETY: `sock` is valid and released only here (type invariant).
        unsafe { raw::mars_sock_release(self.sock.as_ptr()) }
    }
}

/// Provider of the `/proc/sys/mars/peers` text.
pub(crate) trait PeersText: Send + Sync + 'static {
    /// Writes the text into `out`; returns the length written.
    fn write_text(&self, out: &mut [u8]) -> usize;
}

/// `/proc/sys/mars/peers` shows `T`'s text while this value lives.
///
/// # Invariants
///
/// While registered, the C side holds a pointer to `_ctx`'s value, which the
/// `Arc` keeps alive; `Drop` unregisters (under the C side's mutex, so no
/// reader is inside the callback afterwards) before the `Arc` goes.
pub(crate) struct PeersFile<T: PeersText> {
    _ctx: Arc<T>,
}

unsafe extern "C" fn peers_trampoline<T: PeersText>(
    ctx: *mut c_void,
    buf: *mut u8,
    len: usize,
) -> usize {
    // SAFETY: `ctx` is the `Arc<T>` pointer registered by `PeersFile::new`,
    // alive while registered; `buf` is valid for `len` bytes (C contract).
    let (t, out) = unsafe { (&*ctx.cast::<T>(), core::slice::from_raw_parts_mut(buf, len)) };
    t.write_text(out)
}

impl<T: PeersText> PeersFile<T> {
    /// Registers `ctx` as the provider.
    pub(crate) fn new(ctx: Arc<T>) -> Self {
        let p = Arc::as_ptr(&ctx).cast_mut().cast::<c_void>();
        // SAFETY: the trampoline matches `T`; `p` stays valid until `Drop`
        // unregisters it.
        unsafe { raw::mars_peers_register(Some(peers_trampoline::<T>), p) };
        PeersFile { _ctx: ctx }
    }
}

impl<T: PeersText> Drop for PeersFile<T> {
    fn drop(&mut self) {
        // SAFETY: unregistering has no preconditions; it waits for readers.
        unsafe { raw::mars_peers_register(None, core::ptr::null_mut()) };
    }
}

use kernel::sync::Arc;
