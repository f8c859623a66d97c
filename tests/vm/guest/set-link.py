#!/usr/bin/env python3
"""Writes a /mars link the way marsadm does: a temporary symlink stamped
with a Lamport stamp (mtime), renamed over the old one; then triggers the
module. Usage: set-link.py PATH TARGET [STAMP]; PATH relative to /mars,
STAMP `SEC.NNNNNNNNN` (default: a fresh one from the module's clock)."""

import os
import sys

path, target = sys.argv[1], sys.argv[2]
if len(sys.argv) > 3:
    stamp = sys.argv[3]
else:
    stamp = open("/proc/sys/mars/lamport_clock").read().strip()
sec, nsec = stamp.split(".")
ns = int(sec) * 10**9 + int(nsec)
full = os.path.join("/mars", path)
os.makedirs(os.path.dirname(full), exist_ok=True)
tmp = os.path.join(os.path.dirname(full), ".tmp-" + os.path.basename(full))
try:
    os.unlink(tmp)
except FileNotFoundError:
    pass
os.symlink(target, tmp)
os.utime(tmp, ns=(ns, ns), follow_symlinks=False)
os.rename(tmp, full)
with open("/proc/sys/mars/trigger", "w") as f:
    f.write("1\n")
print(f"{path} -> {target} @ {stamp}")
