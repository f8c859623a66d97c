#!/usr/bin/env python3
"""A test client of the MARS metadata protocol v2 (docs/protocol.md).

Speaks the protocol correctly (to check authentication and the exchange
from outside the kernel) or deliberately badly (hostile-input tests).
Usage: mars-wire.py MODE ADDR [options]; see --help. Exit status 0 means
the expectation of the mode held (for the hostile modes: the server closed
the connection and did not answer with anything it should not have).
"""

import argparse
import hashlib
import hmac
import os
import socket
import struct
import sys
import time

MAGIC = 0x5753524D
VERSION = 2
HELLO, HELLO_ACK, TREE_ENTRIES, ERROR, AUTH, SYNC, SYNC_ACK = 1, 2, 4, 13, 14, 15, 16
FILE_INFO_REQUEST, FILE_INFO, READ_RANGE, DATA = 6, 7, 8, 9
BLOCK_DIGESTS_REQUEST, BLOCK_DIGESTS, BLOCK_DATA, BLOCK_READ = 10, 11, 12, 17

_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def str16(s):
    b = s.encode()
    return struct.pack("<H", len(b)) + b


def frame(mtype, payload, length=None, payload_crc=None, version=VERSION):
    now = time.time_ns()
    head = struct.pack(
        "<IHHHHIQIII",
        MAGIC,
        version,
        mtype,
        0,
        0,
        len(payload) if length is None else length,
        now // 10**9,
        now % 10**9,
        crc32c(payload) if payload_crc is None else payload_crc,
        0,
    )
    return head + struct.pack("<I", crc32c(head)) + payload


def recv_exact(s, n):
    out = b""
    while len(out) < n:
        part = s.recv(n - len(out))
        if not part:
            raise EOFError("connection closed")
        out += part
    return out


def recv_frame(s):
    head = recv_exact(s, 40)
    magic, ver, mtype, _, _, plen = struct.unpack_from("<IHHHHI", head)
    if magic != MAGIC or crc32c(head[:36]) != struct.unpack_from("<I", head, 36)[0]:
        raise ValueError("bad frame from server")
    return mtype, recv_exact(s, plen)


def mac_input(role, version, uuid, nonce_c, nonce_s, host_c, host_s):
    return (
        b"MARS-AUTH"
        + bytes([role])
        + struct.pack("<H", version)
        + uuid
        + nonce_c
        + nonce_s
        + str16(host_c)
        + str16(host_s)
    )


def read_secret(path):
    text = open(path, "rb").read()
    return bytes.fromhex(text.decode().strip())


def connect(addr, port, timeout=10):
    s = socket.create_connection((addr, port), timeout=timeout)
    s.settimeout(timeout)
    return s


def hello(s, host, uuid=b"\0" * 16):
    nonce_c = os.urandom(32)
    payload = struct.pack("<HHQ", VERSION, VERSION, 0) + uuid + nonce_c + str16(host)
    s.sendall(frame(HELLO, payload))
    mtype, p = recv_frame(s)
    if mtype != HELLO_ACK:
        raise ValueError(f"expected HelloAck, got type {mtype}")
    ver, _features = struct.unpack_from("<HQ", p)
    uuid_s = p[10:26]
    nonce_s = p[26:58]
    mac_s = p[58:90]
    (hl,) = struct.unpack_from("<H", p, 90)
    host_s = p[92 : 92 + hl].decode()
    return nonce_c, ver, uuid_s, nonce_s, mac_s, host_s


def closed_within(s, seconds):
    """True if the server closes the connection within `seconds`."""
    s.settimeout(seconds)
    try:
        while True:
            if not s.recv(4096):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def handshake(args, secret, host):
    s = connect(args.addr, args.port)
    nonce_c, ver, uuid, nonce_s, mac_s, host_s = hello(s, host)
    expect = hmac.new(secret, mac_input(1, ver, uuid, nonce_c, nonce_s, host, host_s), hashlib.sha256).digest()
    server_ok = hmac.compare_digest(expect, mac_s)
    mac_c = hmac.new(secret, mac_input(2, ver, uuid, nonce_c, nonce_s, host, host_s), hashlib.sha256).digest()
    auth = frame(AUTH, mac_c)
    s.sendall(auth)
    return s, server_ok, auth


def sync_round(s):
    now = time.time_ns()
    s.sendall(frame(SYNC, struct.pack("<QQI", 0, now // 10**9, now % 10**9)))
    mtype, _ = recv_frame(s)
    return mtype == SYNC_ACK


def entries_payload(entries, future=0):
    body = b""
    for path, target in entries:
        now = time.time_ns() + future * 10**9
        body += str16(path) + struct.pack("<QI", now // 10**9, now % 10**9) + str16(target)
    return struct.pack("<I", len(entries)) + body


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "mode",
        choices=[
            "auth", "wrong-secret", "garbage", "truncated", "huge", "bad-crc",
            "replay", "before-auth", "bad-version", "flood", "foreign-entries",
            "selftest", "data-hostile",
        ],
    )
    ap.add_argument("addr", nargs="?", default="")
    ap.add_argument("--port", type=int, default=7777)
    ap.add_argument("--secret-file", default="/mars/cluster-secret")
    ap.add_argument("--host", default="intruder")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--entries", nargs="*", default=[], help="PATH=TARGET for foreign-entries")
    ap.add_argument("--future", type=int, default=0, help="seconds added to the entries' stamps")
    ap.add_argument("--resource", default="r0", help="resource for data-hostile")
    ap.add_argument("--log", default="log-000000001-g1", help="an existing log for data-hostile")
    args = ap.parse_args()

    def expect_close(s, seconds=8):
        if closed_within(s, seconds):
            print(f"{args.mode}: server closed the connection")
            return 0
        print(f"{args.mode}: FAIL: connection still open after {seconds}s")
        return 1

    if args.mode == "selftest":
        # The test vector of docs/protocol.md.
        seq = lambda start, n: bytes((start + i) & 0xFF for i in range(n))
        secret, uuid, nc, ns = seq(0, 32), seq(0x10, 16), seq(0x20, 32), seq(0x40, 32)
        want = {
            1: "6f19cf0f3f3742faef29f659da4217a0f77f6debe829b1bc2ae50e42a955e88b",
            2: "f26471e5b5c155510050a9b45674070affaf0916ad41433bbeecbf91262c3e72",
        }
        for role, mac in want.items():
            got = hmac.new(secret, mac_input(role, 2, uuid, nc, ns, "alpha", "beta"), hashlib.sha256).hexdigest()
            if got != mac:
                print(f"selftest: FAIL: role {role} MAC {got}, want {mac}")
                return 1
        if crc32c(b"123456789") != 0xE3069283:
            print("selftest: FAIL: crc32c")
            return 1
        print("selftest: ok (protocol.md test vector, CRC-32C check value)")
        return 0
    if args.mode == "auth":
        s, ok, _ = handshake(args, read_secret(args.secret_file), args.host)
        if not ok:
            print("auth: FAIL: the server's proof does not verify")
            return 1
        if not sync_round(s):
            print("auth: FAIL: no SyncAck")
            return 1
        print("auth: ok (server proof verified, Sync acknowledged)")
        return 0
    if args.mode == "wrong-secret":
        s, ok, _ = handshake(args, os.urandom(32), args.host)
        if ok:
            print("wrong-secret: FAIL: the server's proof verified with a random secret")
            return 1
        return expect_close(s)
    if args.mode == "garbage":
        s = connect(args.addr, args.port)
        s.sendall(os.urandom(4096))
        return expect_close(s)
    if args.mode == "truncated":
        s = connect(args.addr, args.port)
        f = frame(HELLO, struct.pack("<HHQ", 2, 2, 0) + b"\0" * 48 + str16(args.host))
        s.sendall(f[: len(f) // 2])
        return expect_close(s, 12)
    if args.mode == "huge":
        s = connect(args.addr, args.port)
        s.sendall(frame(HELLO, b"", length=0xFFFFFFF0)[:40])
        return expect_close(s)
    if args.mode == "bad-crc":
        s = connect(args.addr, args.port)
        p = struct.pack("<HHQ", 2, 2, 0) + b"\0" * 48 + str16(args.host)
        s.sendall(frame(HELLO, p, payload_crc=crc32c(p) ^ 1))
        return expect_close(s)
    if args.mode == "bad-version":
        s = connect(args.addr, args.port)
        p = struct.pack("<HHQ", 1, 1, 0) + b"\0" * 48 + str16(args.host)
        s.sendall(frame(HELLO, p, version=1))
        return expect_close(s)
    if args.mode == "before-auth":
        s = connect(args.addr, args.port)
        hello(s, args.host)
        now = time.time_ns()
        s.sendall(frame(SYNC, struct.pack("<QQI", 0, now // 10**9, now % 10**9)))
        return expect_close(s)
    if args.mode == "replay":
        secret = read_secret(args.secret_file)
        s1, ok, auth = handshake(args, secret, args.host)
        if not ok or not sync_round(s1):
            print("replay: FAIL: the genuine handshake did not work")
            return 1
        s1.close()
        s = connect(args.addr, args.port)
        hello(s, args.host)
        s.sendall(auth)
        return expect_close(s)
    if args.mode == "flood":
        socks = []
        for _ in range(args.count):
            try:
                socks.append(connect(args.addr, args.port, timeout=3))
            except OSError:
                pass
        print(f"flood: {len(socks)} connections opened")
        time.sleep(2)
        for s in socks:
            s.close()
        return 0
    if args.mode == "data-hostile":
        # On a data port (7778/7779): one legitimate read, then requests no
        # correct client makes, each on its own authenticated connection:
        # the server must answer with nothing but an Error (or nothing)
        # and close.
        secret = read_secret(args.secret_file)
        res, log = args.resource, f"resource-{args.resource}/{args.log}"
        s, ok, _ = handshake(args, secret, args.host)
        s.sendall(frame(READ_RANGE, str16(log) + struct.pack("<QI", 0, 100)))
        mtype, payload = recv_frame(s)
        if not ok or mtype != DATA or len(payload) != 8 + 100:
            print(f"data-hostile: FAIL: the legitimate read got type {mtype}")
            return 1
        s.close()
        bad = {
            "path outside the resource": frame(FILE_INFO_REQUEST, str16("ips/ip-g1")),
            "path with dots": frame(FILE_INFO_REQUEST, str16(f"resource-{res}/../cluster-secret")),
            "not a log": frame(READ_RANGE, str16(f"resource-{res}/size") + struct.pack("<QI", 0, 100)),
            "offset past the end": frame(READ_RANGE, str16(log) + struct.pack("<QI", 1 << 50, 100)),
            "huge length": frame(READ_RANGE, str16(log) + struct.pack("<QI", 0, 0xFFFFFFFF)),
            "block past the device": frame(BLOCK_READ, str16(res) + struct.pack("<QI", 1 << 40, 4096)),
            "unaligned block": frame(BLOCK_READ, str16(res) + struct.pack("<QI", 7, 4096)),
            "digests of 1 TiB": frame(BLOCK_DIGESTS_REQUEST, str16(res) + struct.pack("<QII", 0, 1 << 20, 32768)),
            "unknown resource": frame(BLOCK_READ, str16("nosuch") + struct.pack("<QI", 0, 4096)),
            "tree entries": frame(TREE_ENTRIES, entries_payload([("resource-x/size", "4096")])),
        }
        failed = 0
        for what, f in bad.items():
            s, ok, _ = handshake(args, secret, args.host)
            s.sendall(f)
            s.settimeout(8)
            got = []
            try:
                while True:
                    mtype, _ = recv_frame(s)
                    got.append(mtype)
            except (OSError, EOFError, struct.error, ValueError):
                pass
            if what == "unknown resource":
                # Not hostile (a resource may not be primary yet): an
                # Error, and the session goes on.
                good = got == [ERROR]
            else:
                good = all(t == ERROR for t in got) and closed_within(s, 1)
            print(f"data-hostile: {'' if good else 'FAIL: '}{what}: answers {got}")
            failed |= 0 if good else 1
        s = connect(args.addr, args.port)
        s.sendall(frame(READ_RANGE, str16(log) + struct.pack("<QI", 0, 100)))
        if not closed_within(s, 8):
            print("data-hostile: FAIL: a request before authentication was not refused")
            failed = 1
        return failed
    if args.mode == "foreign-entries":
        s, ok, _ = handshake(args, read_secret(args.secret_file), args.host)
        pairs = [e.split("=", 1) for e in args.entries]
        s.sendall(frame(TREE_ENTRIES, entries_payload(pairs, args.future)))
        if not sync_round(s):
            print("foreign-entries: FAIL: no SyncAck")
            return 1
        print(f"foreign-entries: sent {len(pairs)} entries, Sync acknowledged")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
