#!/usr/bin/env python3
"""Overlapping writes of mixed sizes with a shadow copy, for the overlay.

Writes COUNT random extents (512 B .. 256 KiB, 512-byte aligned) at random
offsets inside a REGION_MIB region starting at BASE_MIB of DEV, with
O_DIRECT, so later writes trim, split and cover earlier ones still waiting
for writeback. Every 16 writes a random extent is read back and compared
with the shadow (reads that straddle overlay pieces and the data device);
at the end the whole region is compared, and the shadow is saved to
SHADOW for a later check (after down/up, say) with --verify.

Usage: overlap-writer.py DEV BASE_MIB REGION_MIB COUNT SHADOW
       overlap-writer.py --verify DEV BASE_MIB SHADOW
"""
import mmap
import os
import random
import sys

SECTOR = 512
MIB = 1 << 20


def pread_direct(fd, off, n):
    buf = mmap.mmap(-1, n)
    got = os.preadv(fd, [buf], off)
    if got != n:
        sys.exit(f"short read at {off}: {got} of {n}")
    return bytes(buf)


def run(dev, base, region, count, shadow_path):
    rng = random.Random(12345)
    size = region * MIB
    shadow = bytearray(pread_direct(os.open(dev, os.O_RDONLY | os.O_DIRECT), base * MIB, size))
    fd = os.open(dev, os.O_RDWR | os.O_DIRECT)
    buf = mmap.mmap(-1, 256 << 10)
    bad = 0
    for i in range(count):
        n = rng.randrange(1, 513) * SECTOR
        off = rng.randrange(0, (size - n) // SECTOR + 1) * SECTOR
        data = rng.randbytes(n)
        buf.seek(0)
        buf.write(data)
        if os.pwritev(fd, [memoryview(buf)[:n]], base * MIB + off) != n:
            sys.exit(f"short write at {off}")
        shadow[off:off + n] = data
        if i % 16 == 15:
            n = rng.randrange(1, 513) * SECTOR
            off = rng.randrange(0, (size - n) // SECTOR + 1) * SECTOR
            if pread_direct(fd, base * MIB + off, n) != shadow[off:off + n]:
                print(f"read {n} bytes at {off} after write {i}: differs")
                bad += 1
    os.fsync(fd)
    if pread_direct(fd, base * MIB, size) != bytes(shadow):
        print("the region differs from the shadow")
        bad += 1
    open(shadow_path, "wb").write(shadow)
    print(f"{count} overlapping writes, {count // 16} reads checked, {bad} bad")
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
        ok = run(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
