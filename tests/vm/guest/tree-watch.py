#!/usr/bin/env python3
"""Watches the exchanged part of /mars for the cluster scenarios.

Every 0.2 s writes the sorted dump ("PATH TARGET STAMP" per link, as
tree-dump.sh prints it) to /ctl/tree.txt and its md5 to /ctl/tree.md5,
and keeps each new version in /ctl/trees/ (named by the time it was seen).
One long-lived process: in a TCG guest every fork costs a lot, and a shell
loop of find, sort and md5sum sees a change seconds late.
Left out, as local by design or changing every round: regular files
(cluster-secret, logs), join-via, temporary names, heartbeats.
"""

import hashlib
import os
import time

ROOT = "/mars"


def dump():
    lines = []
    for d, dirs, files in os.walk(ROOT):
        dirs[:] = [x for x in dirs if not x.startswith(".") and x != "lost+found"]
        for name in files + dirs:
            p = os.path.join(d, name)
            rel = os.path.relpath(p, ROOT)
            if name.startswith(".tmp-") or rel == "join-via" or name == "alive":
                continue
            try:
                if not os.path.islink(p):
                    continue
                st = os.lstat(p)
                target = os.readlink(p)
            except FileNotFoundError:
                continue
            ns = st.st_mtime_ns
            lines.append(f"{rel} {target} {ns // 10**9}.{ns % 10**9:09d}0\n")
    return "".join(sorted(lines))


def put(name, text):
    tmp = f"/ctl/{name}.tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, f"/ctl/{name}")


os.makedirs("/ctl/trees", exist_ok=True)
last = None
while True:
    text = dump()
    digest = hashlib.md5(text.encode()).hexdigest()
    if digest != last:
        put(f"trees/{time.time():.3f}", text)
        put("tree.txt", text)
        put("tree.md5", digest + "\n")
        last = digest
    time.sleep(0.2)
