#!/usr/bin/env python3
"""Check that a flush in flight holds up nothing but itself.

With /proc/sys/mars/debug_log_sync_delay_ms set to DELAY_MS, one thread
writes 64 KiB with O_DIRECT and fsyncs (a flush of the device), while the
main thread, once the flush is under way, does direct 4 KiB reads and
writes elsewhere on the device and times each one. Passes when

- the flush took at least DELAY_MS (it waited for the log-sync thread:
  a flush that completes before the log is synced would break every
  durability promise), and
- every read and write during it completed within LIMIT_MS (they do not
  queue behind the fsync), and read back what was written.

Usage: flush-overlap.py DEV DELAY_MS LIMIT_MS
"""
import mmap
import os
import sys
import threading
import time

KIB = 1024


def main():
    dev, delay_ms, limit_ms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    fd = os.open(dev, os.O_RDWR | os.O_DIRECT)
    flush_buf = mmap.mmap(-1, 64 * KIB)
    flush_buf.write(os.urandom(64 * KIB))
    flush_time = {}

    def flusher():
        t = time.monotonic()
        os.pwrite(fd, flush_buf, 0)
        os.fsync(fd)
        flush_time["s"] = time.monotonic() - t

    th = threading.Thread(target=flusher)
    th.start()
    time.sleep(0.2)  # the flush is now waiting for the log-sync thread
    worst = 0.0
    buf = mmap.mmap(-1, 4 * KIB)
    back = mmap.mmap(-1, 4 * KIB)
    ops = 0
    while th.is_alive() and ops < 200:
        off = (1 << 20) + ops * 4 * KIB
        buf.seek(0)
        buf.write(os.urandom(4 * KIB))
        t = time.monotonic()
        os.pwrite(fd, buf, off)
        os.preadv(fd, [back], off)
        worst = max(worst, time.monotonic() - t)
        if back[:] != buf[:]:
            sys.exit(f"read back differs at {off}")
        ops += 1
    th.join()
    flush_ms = flush_time["s"] * 1000
    print(f"flush {flush_ms:.0f} ms; {ops} write+read pairs during it, "
          f"slowest {worst * 1000:.0f} ms")
    if flush_ms < delay_ms:
        sys.exit(f"the flush took {flush_ms:.0f} ms, less than the "
                 f"{delay_ms} ms the log sync was held back")
    if ops == 0:
        sys.exit("no I/O completed while the flush was in flight")
    if worst * 1000 > limit_ms:
        sys.exit(f"I/O during a flush took {worst * 1000:.0f} ms "
                 f"(limit {limit_ms} ms): it waited for the fsync")


if __name__ == "__main__":
    main()
