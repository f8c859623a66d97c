# Benchmark (not a test): in one guest, one run, the same fio jobs against
# the raw data device, against loop devices over a file on /mars (buffered
# and direct I/O: what one page-cache pass through ext4 costs here) and
# against /dev/mars/r0 on the data device; prints a table with the ratios
# mars / raw and writes bench.json and bench-ratios.png (matplotlib) into
# the results directory. Run with `make bench-vm`. BENCH_RUNTIME (seconds
# per job, default 20) and BENCH_SIZE (default 512M) tune it.
# timeout: 4000

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
# Loop devices over a preallocated file on the /mars ext4: the same jobs
# through its page cache (direct-io=off) and without it (direct-io=on).
for mode in off on; do
	must 1 "fallocate -l 1G /mars/loop.img && dev=\$(losetup -f --show --direct-io=$mode /mars/loop.img) &&
		python3 /repo/tests/vm/guest/bench-fio.py \$dev $size $rt >/ctl/bench-loop-$mode.json; rc=\$?
		losetup -d \$dev; rm -f /mars/loop.img; exit \$rc"
done
must 1 'marsadm create-resource r0 $DISK_DATA'
must 1 "python3 /repo/tests/vm/guest/bench-fio.py /dev/mars/r0 $size $rt >/ctl/bench-mars.json"
ctl=$(_gdir 1)/ctl
# Debian's python3 (python3-matplotlib), not whatever python3 is first on PATH.
/usr/bin/python3 "$REPO/tests/bench/report.py" "$ctl" "$RESULTS" "$(git -C "$REPO" rev-parse --short HEAD)" | tee "$RESULTS/bench.md"
