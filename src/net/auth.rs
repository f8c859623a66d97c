// SPDX-License-Identifier: GPL-2.0

//! Peer authentication: the mutual HMAC-SHA256 challenge-response that
//! opens every connection (docs/protocol.md, "Authentication").
//!
//! Both sides send a fresh nonce from the kernel CRNG; each proves it
//! knows the cluster secret with an HMAC over both nonces, both host names,
//! the cluster uuid and the protocol version (the byte string is built by
//! `mars_core::auth::mac_input`). The server accepts nothing but the
//! client's proof before it verified; the client sends nothing after Hello
//! before it verified the server's proof.

use super::conn::{Conn, Deadline};
use super::Fail;
use crate::ffi::fpath;
use crate::ffi::net::{hmac_sha256, random_bytes, read_secret};
use crate::mars_core::auth::{self, Role, MAC_INPUT_MAX, NONCE_LEN, SECRET_LEN};
use crate::mars_core::names::{HostName, CLUSTER_SECRET};
use crate::mars_core::tree::Uuid;
use crate::mars_core::wire::{self, Hello, HelloAck, Message};
use crate::tree;
use kernel::prelude::*;

/// How long a handshake may take in total.
pub(crate) const HANDSHAKE_MS: u64 = 5000;

/// The cluster secret, wiped when dropped.
pub(crate) struct Secret([u8; SECRET_LEN]);

impl Drop for Secret {
    fn drop(&mut self) {
        // Volatile writes, so the wipe is not optimised away.
        for b in self.0.iter_mut() {
            // SAFETY: `b` is a valid, aligned, exclusive reference.
            unsafe { core::ptr::write_volatile(b, 0) };
        }
    }
}

impl Secret {
    /// Reads and parses `/mars/cluster-secret` (a regular file of mode 0600).
    pub(crate) fn load() -> Result<Secret, Fail> {
        let path = fpath!("{}/{}", tree::ROOT, CLUSTER_SECRET).map_err(|_| Fail::Internal)?;
        let mut buf = [0u8; 80];
        let text = match read_secret(&path, &mut buf) {
            Ok(t) => t,
            Err(e) if e == EPERM => return Err(Fail::SecretMode),
            Err(_) => return Err(Fail::NoSecret),
        };
        let s = auth::parse_secret(text).map_err(|_| Fail::NoSecret);
        for b in buf.iter_mut() {
            // SAFETY: `b` is a valid, aligned, exclusive reference.
            unsafe { core::ptr::write_volatile(b, 0) };
        }
        Ok(Secret(s?))
    }

    #[inline(never)] // keeps the MAC input off the handshake frames
    fn mac(
        &self,
        role: Role,
        version: u16,
        uuid: &Uuid,
        nonces: (&[u8; NONCE_LEN], &[u8; NONCE_LEN]),
        hosts: (&HostName, &HostName),
    ) -> [u8; 32] {
        let mut input = [0u8; MAC_INPUT_MAX];
        let n = auth::mac_input(
            role, version, &uuid.0, nonces.0, nonces.1, hosts.0, hosts.1, &mut input,
        );
        hmac_sha256(&self.0, input.get(..n).unwrap_or(&[]))
    }
}

/// The cluster uuid in `/mars/uuid`, if this host belongs to a cluster.
pub(crate) fn local_uuid() -> Option<Uuid> {
    let path = fpath!("{}/uuid", tree::ROOT).ok()?;
    let v = tree::read(&path).ok()??;
    Uuid::parse(v.as_str()).ok()
}

fn nonce() -> [u8; NONCE_LEN] {
    let mut n = [0u8; NONCE_LEN];
    random_bytes(&mut n);
    n
}

/// What a successful handshake established.
pub(crate) struct Peer {
    /// The peer's host name (proven only in the sense that the peer knows
    /// the secret).
    pub(crate) host: HostName,
}

/// Client side: Hello, verify HelloAck, send Auth.
#[inline(never)]
pub(crate) fn client(conn: &mut Conn, me: &HostName, secret: &Secret) -> Result<Peer, Fail> {
    let deadline = Deadline::after_ms(HANDSHAKE_MS);
    let mine = local_uuid();
    let nonce_c = nonce();
    let hello = Hello {
        min_version: wire::PROTOCOL_MIN,
        max_version: wire::PROTOCOL_MAX,
        features: 0,
        cluster: mine.unwrap_or_default(),
        nonce: nonce_c,
        host: *me,
    };
    send(conn, &Message::Hello(hello), deadline)?;
    let ack = recv_ack(conn, deadline)?;
    if !(wire::PROTOCOL_MIN..=wire::PROTOCOL_MAX).contains(&ack.version) {
        return Err(Fail::BadFrame("version"));
    }
    let expect = secret.mac(
        Role::Server,
        ack.version,
        &ack.cluster,
        (&nonce_c, &ack.nonce),
        (me, &ack.host),
    );
    if !auth::macs_equal(&expect, &ack.mac) {
        return Err(Fail::AuthFailed);
    }
    if mine.is_some_and(|u| u != ack.cluster) {
        return Err(Fail::UuidMismatch);
    }
    conn.version = ack.version;
    let mac = secret.mac(
        Role::Client,
        ack.version,
        &ack.cluster,
        (&nonce_c, &ack.nonce),
        (me, &ack.host),
    );
    conn.send(&Message::Auth { mac }, deadline)?;
    Ok(Peer { host: ack.host })
}

/// Server side: answer Hello with HelloAck, then accept only a valid Auth.
#[inline(never)]
///
/// `own` is this host's cluster uuid; `None` while it is joining (then the
/// connecting member's uuid is the one both sides prove).
pub(crate) fn server(
    conn: &mut Conn,
    me: &HostName,
    own: Option<Uuid>,
    secret: &Secret,
) -> Result<Peer, Fail> {
    let deadline = Deadline::after_ms(HANDSHAKE_MS);
    let hello = recv_hello(conn, deadline)?;
    let range = wire::VersionRange {
        min: hello.min_version,
        max: hello.max_version,
    };
    let version =
        wire::negotiate(wire::SUPPORTED, range).map_err(|_| Fail::BadFrame("no common version"))?;
    let zero = Uuid::default();
    let uuid = &match own {
        Some(u) if hello.cluster != zero && hello.cluster != u => return Err(Fail::UuidMismatch),
        Some(u) => u,
        None if hello.cluster != zero => hello.cluster,
        None => return Err(Fail::NoUuid),
    };
    if hello.host == *me {
        return Err(Fail::BadFrame("peer claims our host name"));
    }
    let nonce_s = nonce();
    let mac = secret.mac(
        Role::Server,
        version,
        uuid,
        (&hello.nonce, &nonce_s),
        (&hello.host, me),
    );
    conn.version = version;
    let ack = HelloAck {
        version,
        features: 0,
        cluster: *uuid,
        nonce: nonce_s,
        mac,
        host: *me,
    };
    send(conn, &Message::HelloAck(ack), deadline)?;
    // A client that hangs up after our proof refused it: its secret
    // differs (it sends its own proof only after ours verified).
    let proof = recv_auth(conn, deadline).map_err(|f| match f {
        Fail::Closed => Fail::AuthFailed,
        f => f,
    })?;
    let expect = secret.mac(
        Role::Client,
        version,
        uuid,
        (&hello.nonce, &nonce_s),
        (&hello.host, me),
    );
    if !auth::macs_equal(&expect, &proof) {
        return Err(Fail::AuthFailed);
    }
    Ok(Peer { host: hello.host })
}

// The helpers below keep each message's copies in their own short-lived
// frames, so the handshakes stay small on the kernel stack.

#[inline(never)]
fn send(conn: &mut Conn, msg: &Message<'_>, deadline: Deadline) -> Result<(), Fail> {
    conn.send(msg, deadline)
}

#[inline(never)]
fn recv_hello(conn: &mut Conn, deadline: Deadline) -> Result<Hello, Fail> {
    match conn.recv(deadline)?.0.message {
        Message::Hello(h) => Ok(h),
        _ => Err(Fail::BadFrame("expected Hello")),
    }
}

#[inline(never)]
fn recv_ack(conn: &mut Conn, deadline: Deadline) -> Result<HelloAck, Fail> {
    match conn.recv(deadline)?.0.message {
        Message::HelloAck(a) => Ok(a),
        Message::Error { .. } => Err(Fail::Refused),
        _ => Err(Fail::BadFrame("expected HelloAck")),
    }
}

#[inline(never)]
fn recv_auth(conn: &mut Conn, deadline: Deadline) -> Result<[u8; 32], Fail> {
    match conn.recv(deadline)?.0.message {
        Message::Auth { mac } => Ok(mac),
        _ => Err(Fail::BadFrame("expected Auth")),
    }
}
