#!/usr/bin/env python3
"""Run the benchmark fio jobs against one device; print JSON results.

Usage: bench-fio.py DEVICE SIZE RUNTIME
Jobs: 4k random write (qd32), 1M sequential write (qd4), 4k random read
(qd32, on data written before), 4k random write at qd1 for p99 latency.
"""
import json
import subprocess
import sys

dev, size, runtime = sys.argv[1], sys.argv[2], sys.argv[3]
base = ["fio", f"--filename={dev}", "--ioengine=libaio", "--direct=1",
        f"--size={size}", "--time_based", f"--runtime={runtime}",
        "--ramp_time=2", "--randrepeat=0", "--output-format=json"]


def run(name, *args):
    out = subprocess.run(base + [f"--name={name}", *args], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)["jobs"][0]


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
j = run("lat4k", "--rw=randwrite", "--bs=4k", "--iodepth=1")
r["write_p99_lat_us"] = j["write"]["clat_ns"]["percentile"]["99.000000"] / 1000
print(json.dumps(r))
