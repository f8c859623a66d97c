#!/usr/bin/env python3
"""A raw block device workload with few flushes, for power cuts.

Writes 64 KiB chunks with O_DIRECT, sequentially from BASE_MIB, chunk i
filled from a PRNG seeded with (TAG, i); after every EVERY chunks an
fsync (EVERY 0: never), and then the number of chunks acknowledged so far
goes to ACKED (one line, rewritten and fsynced). ACKED.started appears
once 16 chunks are written. Stops after COUNT chunks and then idles, so a
power cut finds it writing or idle.

Usage: raw-writer.py DEV BASE_MIB COUNT TAG ACKED EVERY
       raw-writer.py --verify DEV BASE_MIB TAG ACKED
"""
import mmap
import os
import random
import sys
import time

CHUNK = 64 << 10


def chunk(tag, i):
    return random.Random(f"{tag}/{i}").randbytes(CHUNK)


def write(dev, base, count, tag, acked, every):
    buf = mmap.mmap(-1, CHUNK)
    fd = os.open(dev, os.O_WRONLY | os.O_DIRECT)
    for i in range(count):
        buf.seek(0)
        buf.write(chunk(tag, i))
        os.pwrite(fd, buf, base * (1 << 20) + i * CHUNK)
        if i == 16:
            open(acked + ".started", "w").close()
        if every and (i + 1) % every == 0:
            os.fsync(fd)
            tmp = acked + ".tmp"
            with open(tmp, "w") as f:
                f.write(f"{i + 1}\n")
                f.flush()
                os.fsync(f.fileno())
            os.rename(tmp, acked)
    while True:
        time.sleep(1)


def verify(dev, base, tag, acked):
    n = int(open(acked).read()) if os.path.exists(acked) else 0
    bad = 0
    with open(dev, "rb", buffering=0) as f:
        for i in range(n):
            f.seek(base * (1 << 20) + i * CHUNK)
            if f.read(CHUNK) != chunk(tag, i):
                bad += 1
                print(f"chunk {i} differs")
    print(f"verified {n} acknowledged chunks, {bad} bad")
    return bad == 0


def main():
    if sys.argv[1] == "--verify":
        sys.exit(0 if verify(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]) else 1)
    write(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6]))


if __name__ == "__main__":
    main()
