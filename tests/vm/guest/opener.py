#!/usr/bin/env python3
"""Open and close a block device in a tight loop for SECONDS, ignoring
failures (the device comes and goes). Creates STARTED after the first
successful open; prints how many opens succeeded and the last error.

Usage: opener.py DEV SECONDS STARTED
"""
import os
import sys
import time


def main():
    dev, secs, started = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    end = time.monotonic() + secs
    ok = 0
    last = "none"
    while time.monotonic() < end:
        try:
            fd = os.open(dev, os.O_RDONLY)
        except OSError as e:
            last = e.strerror
            continue
        ok += 1
        if ok == 1:
            open(started, "w").close()
        os.close(fd)
    print(f"{ok} opens, last error: {last}")


if __name__ == "__main__":
    main()
