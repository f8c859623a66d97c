#!/usr/bin/env python3
"""Overlapping writes of mixed sizes with a shadow copy, for the overlay.

Writes COUNT random extents (one logical block .. 256 KiB, aligned to the
device's logical block size) at random
offsets inside a REGION_MIB region starting at BASE_MIB of DEV, with
O_DIRECT, so later writes trim, split and cover earlier ones still waiting
for writeback. Every READ_EVERY writes (default 16) an extent is read
back and compared with the shadow: alternately a random one (reads that
straddle overlay pieces and the data device) and the one just written
(a read racing with writeback of the same range). At the end the whole
region is compared, and the shadow is saved to SHADOW for a later check
(after down/up, say) with --verify.

Usage: overlap-writer.py DEV BASE_MIB REGION_MIB COUNT SHADOW [READ_EVERY]
       overlap-writer.py --verify DEV BASE_MIB SHADOW
"""
import fcntl
import mmap
import os
import random
import struct
import sys

MIB = 1 << 20
MAX_EXTENT = 256 << 10
BLKSSZGET = 0x1268


def logical_block_size(fd):
    return struct.unpack("i", fcntl.ioctl(fd, BLKSSZGET, b"\0" * 4))[0]


def pread_direct(fd, off, n):
    buf = mmap.mmap(-1, n)
    got = os.preadv(fd, [buf], off)
    if got != n:
        sys.exit(f"short read at {off}: {got} of {n}")
    return bytes(buf)


def run(dev, base, region, count, shadow_path, read_every=16):
    rng = random.Random(12345)
    size = region * MIB
    shadow = bytearray(pread_direct(os.open(dev, os.O_RDONLY | os.O_DIRECT), base * MIB, size))
    fd = os.open(dev, os.O_RDWR | os.O_DIRECT)
    sector = logical_block_size(fd)
    blocks = MAX_EXTENT // sector
    buf = mmap.mmap(-1, MAX_EXTENT)
    bad = 0
    reads = 0
    for i in range(count):
        n = rng.randrange(1, blocks + 1) * sector
        off = rng.randrange(0, (size - n) // sector + 1) * sector
        data = rng.randbytes(n)
        buf.seek(0)
        buf.write(data)
        if os.pwritev(fd, [memoryview(buf)[:n]], base * MIB + off) != n:
            sys.exit(f"short write at {off}")
        shadow[off:off + n] = data
        if i % read_every == read_every - 1:
            reads += 1
            if reads % 2:
                n = rng.randrange(1, blocks + 1) * sector
                off = rng.randrange(0, (size - n) // sector + 1) * sector
            if pread_direct(fd, base * MIB + off, n) != shadow[off:off + n]:
                print(f"read {n} bytes at {off} after write {i}: differs")
                bad += 1
    os.fsync(fd)
    if pread_direct(fd, base * MIB, size) != bytes(shadow):
        print("the region differs from the shadow")
        bad += 1
    open(shadow_path, "wb").write(shadow)
    print(f"{count} overlapping writes, {reads} reads checked, {bad} bad")
    return bad == 0


def verify(dev, base, shadow_path):
    shadow = open(shadow_path, "rb").read()
    fd = os.open(dev, os.O_RDONLY | os.O_DIRECT)
    ok = pread_direct(fd, base * MIB, len(shadow)) == shadow
    print("region matches the shadow" if ok else "region differs from the shadow")
    return ok


def main():
    if sys.argv[1] == "--verify":
        ok = verify(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        every = int(sys.argv[6]) if len(sys.argv) > 6 else 16
        ok = run(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], every)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
