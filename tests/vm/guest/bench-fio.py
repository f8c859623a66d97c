#!/usr/bin/env python3
"""Run the benchmark jobs against one device; print JSON results.

Usage: bench-fio.py DEVICE SIZE RUNTIME

fio (libaio, O_DIRECT): 4k random write qd32, 1M sequential write qd4,
4k random read qd32 (warm: right after the writes), 4k random read qd32
from a cold page cache, 1M sequential read qd4, 4k random write qd1 for
the IOPS and p99 latency at queue depth 1, and the p99 of fsync (a device flush) after 4k writes
while a background job streams 64k writes. Plus a buffered sequential `dd`-style read of SIZE bytes
from a cold cache (1 MiB reads through the page cache).
"""
import json
import os
import subprocess
import sys
import time

dev, size, runtime = sys.argv[1], sys.argv[2], sys.argv[3]
base = ["fio", f"--filename={dev}", "--ioengine=libaio", "--direct=1",
        f"--size={size}", "--time_based", f"--runtime={runtime}",
        "--ramp_time=2", "--randrepeat=0", "--output-format=json"]


def run(name, *args):
    out = subprocess.run(base + [f"--name={name}", *args], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)["jobs"][0]


def drop_caches():
    subprocess.run(["sync"], check=True)
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


def size_bytes(s):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(s[:-1]) * units[s[-1]] if s[-1] in units else int(s)


def buffered_read_mbs(path, nbytes):
    drop_caches()
    fd = os.open(path, os.O_RDONLY)
    start = time.monotonic()
    done = 0
    while done < nbytes:
        b = os.read(fd, min(1 << 20, nbytes - done))
        if not b:
            break
        done += len(b)
    secs = time.monotonic() - start
    os.close(fd)
    return done / secs / 1e6


# Precondition: data everywhere, so reads read real blocks.
subprocess.run(["fio", f"--filename={dev}", "--name=fill", "--ioengine=libaio",
                "--direct=1", "--rw=write", "--bs=1M", "--iodepth=4",
                f"--size={size}", "--output-format=terse"], check=True,
               capture_output=True)
r = {}
j = run("randwrite4k", "--rw=randwrite", "--bs=4k", "--iodepth=32")
r["randwrite_4k_iops"] = j["write"]["iops"]
j = run("seqwrite1m", "--rw=write", "--bs=1M", "--iodepth=4")
r["seqwrite_1m_mbs"] = j["write"]["bw"] / 1024
j = run("randread4k", "--rw=randread", "--bs=4k", "--iodepth=32")
r["randread_4k_iops"] = j["read"]["iops"]
drop_caches()
j = run("randread4kcold", "--rw=randread", "--bs=4k", "--iodepth=32")
r["randread_4k_cold_iops"] = j["read"]["iops"]
j = run("seqread1m", "--rw=read", "--bs=1M", "--iodepth=4")
r["seqread_1m_mbs"] = j["read"]["bw"] / 1024
r["seqread_buffered_mbs"] = buffered_read_mbs(dev, size_bytes(size))
j = run("lat4k", "--rw=randwrite", "--bs=4k", "--iodepth=1")
r["randwrite_4k_qd1_iops"] = j["write"]["iops"]
r["write_p99_lat_us"] = j["write"]["clat_ns"]["percentile"]["99.000000"] / 1000
# Flush latency under load: 4k writes each followed by an fsync (a flush
# of the device), next to a background writer streaming 64k writes.
out = subprocess.run(
    ["fio", f"--filename={dev}", "--ioengine=psync", f"--size={size}",
     "--time_based", f"--runtime={runtime}", "--ramp_time=2",
     "--randrepeat=0", "--output-format=json",
     "--name=background", "--rw=randwrite", "--bs=64k", "--direct=1",
     "--ioengine=libaio", "--iodepth=8",
     "--name=flusher", "--rw=randwrite", "--bs=4k", "--direct=1",
     "--ioengine=psync", "--fsync=1"],
    check=True, capture_output=True, text=True).stdout
flusher = [j for j in json.loads(out)["jobs"] if j["jobname"] == "flusher"][0]
r["flush_p99_lat_us"] = flusher["sync"]["lat_ns"]["percentile"]["99.000000"] / 1000
print(json.dumps(r))
