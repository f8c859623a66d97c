#!/usr/bin/env python3
"""Write random 1 MiB chunks over a region of a MARS device, one at a
time, until the resource reports emergency mode (or MAX_MIB are written),
so that writeback is behind the log when /mars runs full.

Creates STARTED once REGION_MIB have been written.

Usage: fill-until-emergency.py DEV REGION_MIB RES HOST MAX_MIB STARTED
"""
import mmap
import os
import sys

MIB = 1 << 20


def emergency(res, host):
    try:
        return os.readlink(f"/mars/resource-{res}/actual-{host}/is-emergency") == "1"
    except OSError:
        return False


def main():
    dev, region, res, host, most = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    started = sys.argv[6]
    buf = mmap.mmap(-1, MIB)
    fd = os.open(dev, os.O_WRONLY | os.O_DIRECT)
    for i in range(most):
        buf.seek(0)
        buf.write(os.urandom(MIB))
        os.pwrite(fd, buf, (i % region) * MIB)
        if i + 1 == region:
            open(started, "w").close()
        if i % 8 == 7 and emergency(res, host):
            print(f"emergency mode after {i + 1} MiB")
            return
    sys.exit(f"no emergency mode after {most} MiB")


if __name__ == "__main__":
    main()
