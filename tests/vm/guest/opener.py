#!/usr/bin/env python3
"""Open and close a block device in a tight loop for SECONDS, ignoring
failures (the device comes and goes). Prints how many opens succeeded.

Usage: opener.py DEV SECONDS
"""
import os
import sys
import time


def main():
    dev, secs = sys.argv[1], float(sys.argv[2])
    end = time.monotonic() + secs
    ok = 0
    while time.monotonic() < end:
        try:
            fd = os.open(dev, os.O_RDONLY)
        except OSError:
            continue
        ok += 1
        os.close(fd)
    print(f"{ok} opens")


if __name__ == "__main__":
    main()
