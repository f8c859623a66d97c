#!/usr/bin/env python3
"""Run the benchmark jobs against one device; print JSON results.

Usage: bench-fio.py DEVICE SIZE RUNTIME

fio (libaio, O_DIRECT): 4k random write qd32, 1M sequential write qd4,
4k random read qd32 (warm: right after the writes), 4k random read qd32
from a cold page cache, 1M sequential read qd4, 4k random write qd1 for
the IOPS and p99 latency at queue depth 1, and the p99 of fsync (a device flush) after 4k writes
while a background job streams 64k writes. Plus a buffered sequential `dd`-style read of SIZE bytes
from a cold cache (1 MiB reads through the page cache). For the write
jobs also where the guest's one vCPU went: the share of CPU time per task
(kernel threads by name, e.g. mars_io, mars_wb, jbd2, kworker; fio) and
in interrupts, from /proc; for /dev/mars, the module's own profile of
the 1M sequential write (/proc/sys/mars/profile: time per stage). Last (it makes a file system on DEVICE): ext4
on the device under dbench (4 clients) with a fio job next to it that
writes 4k into a file and fsyncs after each write: the p99 of those
fsyncs, dbench's own Flush (fsync) latencies and its throughput.
"""
import json
import os
import re
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


def cpu_ticks():
    """CPU ticks (user + system) per task name, and /proc/stat's totals."""
    tasks = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = open(f"/proc/{pid}/stat").read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        name = "kworker" if comm.startswith("kworker") else comm.split("/")[0]
        tasks[name] = tasks.get(name, 0) + int(fields[11]) + int(fields[12])
    cpu = [int(x) for x in open("/proc/stat").readline().split()[1:9]]
    tasks["(idle)"] = cpu[3] + cpu[4]
    tasks["(irq + softirq)"] = cpu[5] + cpu[6]
    return tasks, sum(cpu)


def cpu_shares(before, after):
    """Share of all CPU time per task name between two cpu_ticks()."""
    total = after[1] - before[1]
    shares = {k: (v - before[0].get(k, 0)) / total for k, v in after[0].items()}
    return {k: round(v, 3) for k, v in sorted(shares.items(), key=lambda kv: -kv[1]) if v >= 0.01}


def mars_profile():
    """For /dev/mars devices: ask the module for its data-path profile
    (printed to dmesg, counters reset); returns the lines printed."""
    if not dev.startswith("/dev/mars/"):
        return []
    before = subprocess.run(["dmesg"], capture_output=True, text=True).stdout.count("\n")
    with open("/proc/sys/mars/profile", "w") as f:
        f.write("1\n")
    time.sleep(0.5)
    lines = subprocess.run(["dmesg"], capture_output=True, text=True).stdout.splitlines()[before:]
    return [l.split("] ", 1)[-1] for l in lines if "profile:" in l]


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
t = cpu_ticks()
j = run("randwrite4k", "--rw=randwrite", "--bs=4k", "--iodepth=32")
r["randwrite_4k_iops"] = j["write"]["iops"]
r["cpu_randwrite_4k"] = cpu_shares(t, cpu_ticks())
t = cpu_ticks()
mars_profile()
j = run("seqwrite1m", "--rw=write", "--bs=1M", "--iodepth=4")
r["seqwrite_1m_mbs"] = j["write"]["bw"] / 1024
r["cpu_seqwrite_1m"] = cpu_shares(t, cpu_ticks())
r["profile_seqwrite_1m"] = mars_profile()
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


def dbench_flush(dev, runtime):
    """fsync p99 under dbench on ext4 on DEV (destroys DEV's data)."""
    mnt = "/mnt/bench"
    os.makedirs(mnt, exist_ok=True)
    subprocess.run(["mkfs.ext4", "-q", "-F", dev], check=True)
    subprocess.run(["mount", dev, mnt], check=True)
    try:
        load = subprocess.Popen(["dbench", "-t", str(int(runtime) + 4), "-D", mnt, "4"],
                                stdout=subprocess.PIPE, text=True)
        time.sleep(2)
        out = subprocess.run(
            ["fio", "--name=fsync", f"--filename={mnt}/fsync.dat", "--size=64M",
             "--rw=randwrite", "--bs=4k", "--ioengine=psync", "--fsync=1",
             "--time_based", f"--runtime={runtime}", "--randrepeat=0",
             "--output-format=json"],
            check=True, capture_output=True, text=True).stdout
        text = load.communicate()[0]
    finally:
        subprocess.run(["umount", mnt], check=True)
    job = json.loads(out)["jobs"][0]
    flush = re.search(r"^\s*Flush\s+\d+\s+([\d.]+)\s+([\d.]+)", text, re.M)
    tput = re.search(r"^Throughput ([\d.]+) MB/sec", text, re.M)
    return {
        "dbench_fsync_p99_lat_us": job["sync"]["lat_ns"]["percentile"]["99.000000"] / 1000,
        "dbench_flush_avg_ms": float(flush.group(1)) if flush else None,
        "dbench_flush_max_ms": float(flush.group(2)) if flush else None,
        "dbench_mbs": float(tput.group(1)) if tput else None,
    }


r.update(dbench_flush(dev, runtime))
print(json.dumps(r))
