#!/usr/bin/env python3
"""Table, JSON and plot of one bench-vm run.

Usage: report.py CTL_DIR RESULTS_DIR COMMIT

Reads bench-{raw,loop-off,loop-on,mars}.json, bench-ceiling.txt and
bench-speed.txt from CTL_DIR (written by the guest); prints a Markdown
table (figures and the ratio mars / raw, inverted for latencies, so 1.0
means as fast as the raw disk); writes RESULTS_DIR/bench.json (all
figures) and RESULTS_DIR/bench-ratios.png (the ratios of the loop devices
and of /dev/mars to the raw disk, per metric) if matplotlib is there.
"""
import json
import os
import sys

ctl, results, commit = sys.argv[1:4]
devices = [("raw", "raw device"), ("loop-off", "loop, buffered"),
           ("loop-on", "loop, direct"), ("mars", "/dev/mars/r0")]
data = {k: json.load(open(os.path.join(ctl, f"bench-{k}.json"))) for k, _ in devices}
ceiling = open(os.path.join(ctl, "bench-ceiling.txt")).read().strip()
speed = open(os.path.join(ctl, "bench-speed.txt")).read().strip()
rows = [("4k random write IOPS (qd32)", "randwrite_4k_iops", True),
        ("4k random write IOPS (qd1)", "randwrite_4k_qd1_iops", True),
        ("1M sequential write MB/s (qd4)", "seqwrite_1m_mbs", True),
        ("4k random read IOPS (qd32, warm)", "randread_4k_iops", True),
        ("4k random read IOPS (qd32, cold cache)", "randread_4k_cold_iops", True),
        ("1M sequential read MB/s (qd4, direct)", "seqread_1m_mbs", True),
        ("sequential read MB/s (buffered, 1 MiB reads)", "seqread_buffered_mbs", True),
        ("4k write p99 latency (us, qd1)", "write_p99_lat_us", False),
        ("flush p99 latency under load (us)", "flush_p99_lat_us", False),
        ("fsync p99 latency under dbench, ext4 (us)", "dbench_fsync_p99_lat_us", False),
        ("dbench Flush max latency (ms)", "dbench_flush_max_ms", False),
        ("dbench throughput MB/s (4 clients, ext4)", "dbench_mbs", True)]
rows = [row for row in rows if all(data[d].get(row[1]) is not None for d, _ in devices)]


def ratio(key, dev, higher):
    a, b = data["raw"][key], data[dev][key]
    return b / a if higher else a / b


print(f"commit {commit}")
print()
print("| metric | " + " | ".join(label for _, label in devices) + " | mars / raw |")
print("| --- |" + " ---: |" * (len(devices) + 1))
for label, key, higher in rows:
    figures = " | ".join(f"{data[d][key]:.0f}" for d, _ in devices)
    print(f"| {label} | {figures} | {ratio(key, 'mars', higher):.2f} |")
print()
print(f"one-copy ceiling (dd from /dev/zero into tmpfs in the guest): {ceiling} MB/s")
print(f"in-kernel ceiling (/proc/sys/mars/speed_test): {speed}")
print("ratios: device / raw for throughput, raw / device for latency (1.0 = as fast as raw)")
for job, label in [("cpu_seqwrite_1m", "1M sequential write"), ("cpu_randwrite_4k", "4k random write qd32")]:
    if not all(job in data[d] for d, _ in devices):
        continue
    print()
    print(f"Where the guest's CPU went during the {label} (share of all CPU time, >= 1 %):")
    print()
    print("| device | task | share |")
    print("| --- | --- | ---: |")
    for d, dlabel in devices:
        for task, share in data[d][job].items():
            print(f"| {dlabel} | {task} | {share * 100:.0f} % |")

if data["mars"].get("profile_seqwrite_1m"):
    print()
    print("The module's profile of the 1M sequential write on /dev/mars/r0 (/proc/sys/mars/profile):")
    print()
    for line in data["mars"]["profile_seqwrite_1m"]:
        print(f"    {line}")

json.dump({"commit": commit, "ceiling_mbs": ceiling, "speed_test": speed,
           "results": data}, open(os.path.join(results, "bench.json"), "w"), indent=1)

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("(no plot: python3-matplotlib is not installed; make bench-vm installs it)")
    sys.exit(0)
fig, ax = plt.subplots(figsize=(10, 5))
width = 0.27
for i, (dev, label) in enumerate(devices[1:]):
    xs = [r + (i - 1) * width for r in range(len(rows))]
    ax.bar(xs, [ratio(key, dev, higher) for _, key, higher in rows], width, label=label)
ax.axhline(1.0, color="black", linewidth=0.8)
ax.set_xticks(range(len(rows)))
ax.set_xticklabels([label for label, _, _ in rows], rotation=30, ha="right", fontsize=8)
ax.set_ylabel("ratio to the raw disk (higher is better)")
ax.set_yscale("log")
ax.set_title(f"bench-vm, commit {commit}: same guest, same jobs, one run")
ax.legend(loc="lower left", fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(results, "bench-ratios.png"), dpi=100)
print("plot: bench-ratios.png")
