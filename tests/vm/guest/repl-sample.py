#!/usr/bin/env python3
"""Sample a secondary's replication links once a second (make bench-repl).

Usage: repl-sample.py RES HOST

Runs on the secondary (tests/bench/bench-repl.sh starts it detached). Each
second it appends one JSON line to /ctl/repl-samples.jsonl: the guest's
monotonic time `t`, the phase the host last wrote to /ctl/phase, and
resource-RES/{size, syncstatus-HOST} and actual-HOST/{is-syncing,
sync-rate, sync-wire-bytes, fetch-lag, replay-lag, lag-seconds,
connection} (null where a link is absent). The newest sample also goes to
/ctl/repl-last as one line "phase t size syncstatus syncing
fetch_lag replay_lag connection" (absent numbers as -1), which the host's waits read
without running a guest command. Exits after the phase "stop".
One Python process for the whole run: a process start costs seconds under
TCG, a readlink() does not.
"""
import json
import os
import sys
import time

res, host = sys.argv[1], sys.argv[2]
rdir = f"/mars/resource-{res}"
numbers = ["size", "syncstatus", "is-syncing", "sync-rate", "sync-wire-bytes",
           "fetch-lag", "replay-lag", "lag-seconds"]
paths = {"size": f"{rdir}/size", "syncstatus": f"{rdir}/syncstatus-{host}"}
for key in numbers[2:] + ["connection"]:
    paths[key] = f"{rdir}/actual-{host}/{key}"


def link(path):
    try:
        return os.readlink(path)
    except OSError:
        return None


def phase():
    try:
        with open("/ctl/phase") as f:
            return f.read().strip() or "-"
    except OSError:
        return "-"


out = open("/ctl/repl-samples.jsonl", "a")
start = time.monotonic()
n = 0
while True:
    # The phase first: every link below is read after the host set it.
    s = {"t": round(time.monotonic(), 3), "phase": phase()}
    for key, path in paths.items():
        v = link(path)
        if key in numbers and v is not None:
            try:
                v = int(v)
            except ValueError:
                pass
        s[key] = v
    out.write(json.dumps(s) + "\n")
    out.flush()
    num = lambda k: s[k] if isinstance(s[k], int) else -1
    with open("/ctl/.repl-last", "w") as f:
        f.write(f"{s['phase']} {s['t']} {num('size')} {num('syncstatus')} {num('is-syncing')} "
                f"{num('fetch-lag')} {num('replay-lag')} {s['connection'] or '-'}\n")
    os.replace("/ctl/.repl-last", "/ctl/repl-last")
    if s["phase"] == "stop":
        break
    n += 1
    now = time.monotonic()
    if start + n < now:  # fell behind (a busy vCPU): no burst of samples
        n = int(now - start) + 1
    time.sleep(max(0.0, start + n - time.monotonic()))
