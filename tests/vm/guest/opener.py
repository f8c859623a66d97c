#!/usr/bin/env python3
"""Open a block device, hold it open for HOLD seconds, close it, wait GAP
seconds, again and again for SECONDS, ignoring failures (the device comes
and goes). With a short GAP the device is closed only briefly, so a
teardown that checks the open count finds it closed now and then and an
open lands right after the check, and the long HOLD keeps that opener past
the disk's deletion. Creates STARTED after the first successful open;
prints how many opens succeeded and the last error. With STOP 1 it ends
early, at the first failed open after a successful one (the device went
away: a teardown got through).

Usage: opener.py DEV SECONDS STARTED [HOLD [GAP [STOP]]]
"""
import os
import sys
import time


def main():
    dev, secs, started = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    hold = float(sys.argv[4]) if len(sys.argv) > 4 else 0.5
    gap = float(sys.argv[5]) if len(sys.argv) > 5 else 0.05
    stop = len(sys.argv) > 6 and sys.argv[6] == "1"
    end = time.monotonic() + secs
    ok = 0
    last = "none"
    while time.monotonic() < end:
        try:
            fd = os.open(dev, os.O_RDONLY)
        except OSError as e:
            last = e.strerror
            if stop and ok:
                break
            time.sleep(gap)
            continue
        ok += 1
        if ok == 1:
            open(started, "w").close()
        time.sleep(hold)
        os.close(fd)
        time.sleep(gap)
    print(f"{ok} opens, last error: {last}")


if __name__ == "__main__":
    main()
