#!/usr/bin/env python3
"""Raw TCP throughput between two guests, for make bench-repl when the
host has no iperf3 (the guests run the host's binaries).

Usage: tcp-copy.py serve PORT
       tcp-copy.py send ADDR PORT SECONDS

serve: accept one connection, read until EOF, answer the byte count (8
bytes, little endian), exit. send: connect (retrying for 60 s while the
server starts), send 1 MiB buffers for SECONDS, half-close, wait for the
count; print JSON {"tool": "python", "bytes", "seconds", "bytes_per_s"}:
bytes the receiver got over the time until its answer arrived. The copies
are the kernel's (sendall/recv_into of large buffers); Python's own work
per call is small next to them, but under TCG it may understate the link
by some per cent.
"""
import json
import socket
import struct
import sys
import time

if sys.argv[1] == "serve":
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", int(sys.argv[2])))
    ls.listen(1)
    c, _ = ls.accept()
    buf = memoryview(bytearray(4 << 20))
    total = 0
    while True:
        n = c.recv_into(buf)
        if n == 0:
            break
        total += n
    c.sendall(struct.pack("<Q", total))
    c.close()
    sys.exit(0)

addr, port, secs = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
deadline = time.monotonic() + 60
while True:
    try:
        s = socket.create_connection((addr, port), timeout=30)
        break
    except OSError:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.5)
s.settimeout(None)
buf = bytes(1 << 20)
start = time.monotonic()
while time.monotonic() - start < secs:
    s.sendall(buf)
s.shutdown(socket.SHUT_WR)
got = b""
while len(got) < 8:
    chunk = s.recv(8 - len(got))
    if not chunk:
        raise SystemExit("tcp-copy: the server closed without its count")
    got += chunk
elapsed = time.monotonic() - start
total = struct.unpack("<Q", got)[0]
print(json.dumps({"tool": "python", "bytes": total, "seconds": round(elapsed, 3),
                  "bytes_per_s": total / elapsed}))
