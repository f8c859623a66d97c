#!/usr/bin/env python3
"""Write 1 MiB chunks of a source file to a block device with O_DIRECT,
each followed by an fsync; append the index of every chunk whose fsync
returned to the acked file (and fsync that file). Stops at the first
error, which is expected in fault-injection scenarios.

Usage: acked-writer.py DEV DEV_OFFSET_MIB SOURCE ACKED
Chunk i of SOURCE goes to DEV at (DEV_OFFSET_MIB + i) MiB.
"""
import mmap
import os
import sys

MIB = 1 << 20


def main():
    dev, base, source, acked = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    data = open(source, "rb").read()
    buf = mmap.mmap(-1, MIB)  # page aligned, as O_DIRECT needs
    fd = os.open(dev, os.O_WRONLY | os.O_DIRECT)
    out = open(acked, "a")
    n = len(data) // MIB
    for i in range(n):
        buf.seek(0)
        buf.write(data[i * MIB:(i + 1) * MIB])
        try:
            os.pwrite(fd, buf, (base + i) * MIB)
            os.fsync(fd)
        except OSError as e:
            print(f"chunk {i}: {e}")
            break
        out.write(f"{i}\n")
        out.flush()
        os.fsync(out.fileno())
    print(f"acknowledged {sum(1 for _ in open(acked))} of {n} chunks")


if __name__ == "__main__":
    main()
