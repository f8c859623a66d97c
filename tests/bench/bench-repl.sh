# Replication benchmark (not a test; not in make check): two guests on one
# virtio-net link, g1 primary of r0, g2 its secondary; one run, run with
# `make bench-repl` (docs/benchmarks.md, "Replication"). In order:
#   tcp-clean    raw TCP throughput g1 -> g2 (iperf3 if the host has it,
#                else tests/vm/guest/tcp-copy.py): the baseline
#   alone        fio on /dev/mars/r0 with no secondary (nobody joined yet)
#   sync         g2 joins: full sync of the whole data disk, then fetch and
#                replay catch up
#   connected    the same fio jobs with g2 connected (fetch + replay on)
#   netem        the same with netem 50 ms delay + 1 % loss on both guests
#                (and the TCP throughput under it)
#   lag          g1 writes at about half the link's throughput (capped at
#                0.8 of its own no-secondary rate); g2's lag sampled
#   partition    netem loss 100 % for REPL_PARTITION_S while g1 writes up
#                to REPL_BACKLOG at the lag phase's rate; then catch-up
#   fastsync     `marsadm invalidate r0` on g2 with identical disks
# g2 runs tests/vm/guest/repl-sample.py throughout (its links once a
# second, tagged with the phase the host writes to g2's ctl/phase); the
# host waits by reading its newest sample (ctl/repl-last), not by guest
# commands (each costs about a second under TCG). At the end
# tests/bench/repl-report.py turns ctl/*.json and the samples into
# bench-repl.json and bench-repl.md here and into docs/benchmarks.md.
# Tuning (environment): SHORT=1 (partition 30 s, shorter jobs, smaller
# disks), BENCH_RUNTIME (s per fio job), BENCH_SIZE (fio region),
# REPL_DATA_SIZE (data disks), REPL_LAG_S, REPL_PARTITION_S, REPL_BACKLOG
# (most bytes written during the partition), REPL_TCP_S, REPL_DOCS=0 (do
# not touch docs/).
# guests: 2
# timeout: 7200

# Guest commands and wait tests in single quotes expand later (guest, repl_wait).
# shellcheck disable=SC2016
# shellcheck source=tests/vm/cluster-helpers.sh
source "$REPO/tests/vm/cluster-helpers.sh"
if [ "${SHORT:-0}" = 1 ]; then
	rt=${BENCH_RUNTIME:-10} size=${BENCH_SIZE:-256M} data=${REPL_DATA_SIZE:-512M}
	lag_s=${REPL_LAG_S:-20} part_s=${REPL_PARTITION_S:-30} backlog=${REPL_BACKLOG:-256M}
else
	rt=${BENCH_RUNTIME:-20} size=${BENCH_SIZE:-512M} data=${REPL_DATA_SIZE:-2G}
	lag_s=${REPL_LAG_S:-60} part_s=${REPL_PARTITION_S:-300} backlog=${REPL_BACKLOG:-1G}
fi
tcp_s=${REPL_TCP_S:-10}
ctl1=$(_gdir 1)/ctl ctl2=$(_gdir 2)/ctl
iperf=$(command -v iperf3 || true)
tcp_tool=${iperf:+iperf3}
tcp_tool=${tcp_tool:-python}

for k in 1 2; do
	# /mars holds every log of the run (both guests: g2 fetches copies).
	guest_disk "$k" mars 12G
	guest_disk "$k" data "$data"
done
net_link 1 2
GUEST_MEM=2048 guest_boot_all 1 2
must_all 1 2 -- "$_cluster_node_cmd"
cluster_create 1
cluster_join 2 1
# The run's parameters, for the report.
printf '{"short": %s, "runtime_s": %s, "fio_size": "%s", "data_size": "%s", "lag_s": %s, "partition_s": %s, "backlog": "%s", "tcp_s": %s, "tcp_tool": "%s", "host_cpu": "%s", "host_cpus": %s}\n' \
	"${SHORT:-0}" "$rt" "$size" "$data" "$lag_s" "$part_s" "$backlog" "$tcp_s" \
	"$tcp_tool" "$(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -n1)" "$(nproc)" \
	>"$RESULTS/params.json"

# phase NAME: tag g2's samples from now on.
phase() {
	echo "$1" >"$ctl2/.phase" && mv "$ctl2/.phase" "$ctl2/phase"
	log "phase: $1"
}

# repl_wait SECS WHAT TEST: wait until g2's newest sample, taken in the
# current phase, satisfies TEST (bash, on $size $syncstatus $syncing
# $fetch_lag $replay_lag $conn; -1 = link absent); fail after SECS.
repl_wait() {
	local secs=$1 what=$2 test=$3 want n=0 p t size syncstatus syncing fetch_lag replay_lag conn
	want=$(cat "$ctl2/phase")
	while :; do
		# shellcheck disable=SC2034 # read by TEST
		if read -r p t size syncstatus syncing fetch_lag replay_lag conn <"$ctl2/repl-last" 2>/dev/null &&
			[ "$p" = "$want" ] && eval "$test"; then
			log "$what (g2 at $t s: syncstatus $syncstatus, fetch-lag $fetch_lag, replay-lag $replay_lag, $conn)"
			return 0
		fi
		n=$((n + 1))
		if [ $n -ge $((secs * 5)) ]; then
			on 2 'ls -l /mars/resource-r0 /mars/resource-r0/actual-g2; dmesg | tail -n 30'
			fail "g2: not '$what' after ${secs}s (last sample: $(cat "$ctl2/repl-last" 2>/dev/null))"
		fi
		sleep 0.2
	done
}
caught_up='[ "$fetch_lag" = 0 ] && [ "$replay_lag" = 0 ] && [ "$conn" = connected ]'

# netem ARGS|off: the same qdisc on the link's interface of both guests.
netem() {
	local cmd
	if [ "$1" = off ]; then
		cmd='tc qdisc del dev ${d##*/} root 2>/dev/null'
	else
		cmd="tc qdisc replace dev \${d##*/} root netem $*"
	fi
	must_all 1 2 -- "for d in /sys/class/net/*; do [ -e \$d/device ] || continue; $cmd; done; true"
}

# tcp_baseline TAG: TCP throughput g1 -> g2 for tcp_s seconds into g1's
# ctl/tcp-TAG.json (iperf3 -J, or tcp-copy.py's JSON).
tcp_baseline() {
	if [ -n "$iperf" ]; then
		on_bg 2 'exec iperf3 -s -1 -p 5201 >/dev/null 2>&1'
		must 1 "for i in \$(seq 60); do iperf3 -c 10.0.0.2 -p 5201 -t $tcp_s -J >/ctl/tcp-$1.json && exit 0; sleep 1; done; exit 1"
	else
		on_bg 2 'exec python3 /repo/tests/vm/guest/tcp-copy.py serve 5201'
		must 1 "python3 /repo/tests/vm/guest/tcp-copy.py send 10.0.0.2 5201 $tcp_s >/ctl/tcp-$1.json"
	fi
}

# fio_rows TAG: the two compared jobs on g1 into ctl/fio-TAG.json (one fio,
# one JSON): 4k random write qd16, then 1M sequential write qd4.
fio_rows() {
	must 1 -t $((4 * rt + 120)) "fio --output-format=json --output=/ctl/fio-$1.json --filename=/dev/mars/r0 \
		--ioengine=libaio --direct=1 --size=$size --time_based --runtime=$rt --ramp_time=2 --randrepeat=0 \
		--name=rand4k --rw=randwrite --bs=4k --iodepth=16 \
		--name=seq1m --stonewall --rw=write --bs=1M --iodepth=4"
}

# fio_rate_cmd TAG SECS [IO_SIZE]: the guest command for 64k sequential
# writes at $rate_kib KiB/s into ctl/fio-TAG.json: for SECS, or until
# IO_SIZE bytes are written if that comes first.
fio_rate_cmd() {
	local until=--time_based
	[ -z "${3:-}" ] || until=--io_size=$3
	echo "fio --output-format=json --output=/ctl/fio-$1.json --filename=/dev/mars/r0 --name=$1 \
		--ioengine=libaio --direct=1 --rw=write --bs=64k --iodepth=4 --rate=${rate_kib}k \
		--runtime=$2 $until --randrepeat=0"
}

# housekeep: rotate g1's log and delete what every member has replayed,
# on both guests (the run writes gigabytes of logs; best effort).
housekeep() {
	must 1 'marsadm log-rotate r0 >/dev/null; sleep 3; true'
	must_all 1 2 -- 'marsadm log-delete r0 || true'
}

# The sampler on g2, from before the join to the end.
rm -f "$ctl2/repl-last" "$ctl2/repl-samples.jsonl" "$ctl1/partition-done"
phase setup
on_bg 2 'exec python3 /repo/tests/vm/guest/repl-sample.py r0 g2'
repl_wait 120 "sampler running" true

phase tcp-clean
tcp_baseline clean

# Data on the whole primary disk (written raw, before MARS: no log), so
# that the full sync has something to copy; then the rows without a
# secondary (nobody has joined yet).
phase alone
must 1 -t 900 'fio --name=fill --filename=$DISK_DATA --rw=write --bs=1M --iodepth=8 --ioengine=libaio --direct=1 --size=100% --output=/dev/null &&
	marsadm create-resource r0 $DISK_DATA'
mars_wait_dev 1 r0
fio_rows alone
# g2's sync starts at the writeback position: these logs can go.
must 1 'marsadm log-rotate r0 >/dev/null; sleep 3; marsadm log-delete r0; true'

# Full sync with no rate limit, then fetch and replay catch up.
phase sync
must 2 'for i in $(seq 300); do [ -L /mars/resource-r0/size ] && break; sleep 0.2; done
	echo 0 >/sys/module/mars/parameters/sync_rate_kib && marsadm join-resource r0 $DISK_DATA'
repl_wait 3600 "full sync done" '[ "$size" -gt 0 ] && [ "$syncstatus" = "$size" ] && [ "$syncing" = 0 ]'
phase sync-settle
repl_wait 600 "caught up after the sync" "$caught_up"

phase connected
fio_rows connected
phase connected-drain
repl_wait 1800 "caught up after the connected rows" "$caught_up"

netem delay 50ms loss 1%
phase netem
tcp_baseline netem
fio_rows netem
netem off
phase netem-drain
repl_wait 1800 "caught up after the netem rows" "$caught_up"
housekeep

# Lag at about half the link's throughput.
rate_kib=$(/usr/bin/python3 "$REPO/tests/bench/repl-report.py" --lag-rate "$ctl1") ||
	fail "no lag rate: no TCP baseline?"
log "lag phase: g1 writes at $rate_kib KiB/s"
phase lag
must 1 -t $((lag_s + 120)) "$(fio_rate_cmd lag "$lag_s")"
phase lag-drain
repl_wait 1800 "caught up after the lag phase" "$caught_up"
housekeep

# Partition: all traffic dropped for part_s; g1 writes up to the backlog
# at the same rate meanwhile (ending 5 s before the link heals).
start=$(date +%s)
netem loss 100%
phase partition
on_bg 1 "$(fio_rate_cmd partition $((part_s > 10 ? part_s - 5 : part_s)) "$backlog") && touch /ctl/partition-done"
sleep $((start + part_s - $(date +%s) > 0 ? start + part_s - $(date +%s) : 0))
# The phase first: the catch-up time counts from before the heal.
phase catchup
netem off
# Caught up once the lag was seen after the reconnect (or, should no
# sample show it, 120 s after the heal).
# shellcheck disable=SC2034 # read by the eval in repl_wait
seen=0 heal=$SECONDS
repl_wait 3600 "caught up after the partition" '{ [ "$conn" != connected ] || [ $((fetch_lag + replay_lag)) -le 0 ] || seen=1; }
	{ [ $seen = 1 ] || [ $((SECONDS - heal)) -gt 120 ]; } && '"$caught_up"
[ $seen = 1 ] || log "no sample showed the partition's backlog: the catch-up figures will be n/a"
n=0
until [ -e "$ctl1/partition-done" ]; do
	n=$((n + 1)); [ $n -lt 600 ] || fail "g1: the partition's fio did not end"
	sleep 0.5
done

# Fast sync of identical disks.
must 2 'marsadm invalidate r0'
phase fastsync
repl_wait 1800 "fast sync done" '[ "$size" -gt 0 ] && [ "$syncstatus" = "$size" ] && [ "$syncing" = 0 ]'
phase stop
n=0
until grep -q '^stop ' "$ctl2/repl-last" 2>/dev/null; do
	n=$((n + 1)); [ $n -lt 100 ] || fail "g2: the sampler did not stop"
	sleep 0.2
done

docs=()
[ "${REPL_DOCS:-1}" = 0 ] || docs=(--docs "$REPO/docs")
# Debian's python3, not whatever python3 is first on PATH.
/usr/bin/python3 "$REPO/tests/bench/repl-report.py" "$ctl1" "$ctl2" "$RESULTS" \
	"$(git -C "$REPO" rev-parse --short HEAD)" "${docs[@]}" | tee "$RESULTS/bench-repl.md"
