# Benchmark (not a test): in one guest, the same fio jobs against the raw
# data device and against /dev/mars/r0 on that device; prints a table of
# ratios (mars / raw). Run with `make bench-vm`. BENCH_RUNTIME (seconds per
# job, default 20) and BENCH_SIZE (default 512M) tune it.
# timeout: 3000

rt=${BENCH_RUNTIME:-20}
size=${BENCH_SIZE:-512M}
guest_disk 1 mars 4G
guest_disk 1 data 1G
GUEST_MEM=2048 guest_boot 1
mars_prepare 1
# The guest's own copy speed (one memcpy per byte, emulated like every
# guest-side copy under TCG): 512 MiB from /dev/zero into tmpfs.
must 1 "dd if=/dev/zero of=/tmp/ceiling bs=1M count=512 2>&1 | sed -n 's/.*, \\([0-9.]*\\) MB\\/s/\\1/p' >/ctl/bench-ceiling.txt; rm -f /tmp/ceiling; cat /ctl/bench-ceiling.txt"
# The kernel's own per-byte ceiling: memcpy and crc32c over 1 MiB, 256 times.
must 1 "echo 256 >/proc/sys/mars/speed_test && dmesg | grep -o 'speed test: .*' | tail -n 1 | tee /ctl/bench-speed.txt"
must 1 "python3 /repo/tests/vm/guest/bench-fio.py \$DISK_DATA $size $rt >/ctl/bench-raw.json"
must 1 'marsadm create-resource r0 $DISK_DATA'
must 1 "python3 /repo/tests/vm/guest/bench-fio.py /dev/mars/r0 $size $rt >/ctl/bench-mars.json"
python3 - "$(_gdir 1)/ctl/bench-raw.json" "$(_gdir 1)/ctl/bench-mars.json" "$(_gdir 1)/ctl/bench-ceiling.txt" "$(_gdir 1)/ctl/bench-speed.txt" <<'PY' | tee "$RESULTS/bench.md"
import json, sys
raw, mars = (json.load(open(p)) for p in sys.argv[1:3])
ceiling = open(sys.argv[3]).read().strip()
speed = open(sys.argv[4]).read().strip()
rows = [("4k random write IOPS (qd32)", "randwrite_4k_iops", True),
        ("1M sequential write MB/s (qd4)", "seqwrite_1m_mbs", True),
        ("4k random read IOPS (qd32, warm)", "randread_4k_iops", True),
        ("4k random read IOPS (qd32, cold cache)", "randread_4k_cold_iops", True),
        ("1M sequential read MB/s (qd4, direct)", "seqread_1m_mbs", True),
        ("sequential read MB/s (buffered, 1 MiB reads)", "seqread_buffered_mbs", True),
        ("4k write p99 latency (us, qd1)", "write_p99_lat_us", False),
        ("flush p99 latency under load (us)", "flush_p99_lat_us", False)]
print("| metric | raw device | /dev/mars/r0 | ratio |")
print("| --- | ---: | ---: | ---: |")
for label, key, higher in rows:
    a, b = raw[key], mars[key]
    ratio = b / a if higher else a / b
    print(f"| {label} | {a:.0f} | {b:.0f} | {ratio:.2f} |")
print()
print(f"one-copy ceiling (dd from /dev/zero into tmpfs in the guest): {ceiling} MB/s")
print(f"in-kernel ceiling (/proc/sys/mars/speed_test): {speed}")
print("ratio: mars / raw for throughput, raw / mars for latency (1.0 = as fast as raw)")
PY
