# Power cuts under a raw-device workload with few flushes. Writeback must
# never record a replay position beyond what is durable in the log: the
# rename of replay-HOST reaches the disk within seconds, unflushed log data
# much later, and a position past the log's end on disk would leave the
# resource down after an ordinary crash. After every cut the resource must
# come back by itself with every acknowledged chunk, and recovery must have
# replayed records (the cut came while the log was ahead of writeback).
# The guest writes dirty pages out only on demand, so the cut always finds
# unflushed log data. The first cut comes under writes without any flush,
# the others under writes with an fsync every 2 MiB.
# Cuts: 2 in `make check` (one of each kind), 20 in `make check-long`
# (MARS_LONG=1); POWERCUT_RAW_CUTS=N overrides.
# duration: 125
# timeout: 1200

cuts=${POWERCUT_RAW_CUTS:-$(tier 2 20)}
guest_disk 1 mars 1G
guest_disk 1 data 512M
guest_boot 1
lazy='sysctl -q vm.dirty_expire_centisecs=60000 vm.dirty_writeback_centisecs=0'
mars_prepare 1
must 1 "$lazy"
must 1 'marsadm create-resource r0 $DISK_DATA'
replayed=0
for cut in $(seq 1 "$cuts"); do
	base=$(((cut - 1) * 128))
	every=$([ "$cut" = 1 ] && echo 0 || echo 32)
	on_bg 1 "python3 /repo/tests/vm/guest/raw-writer.py /dev/mars/r0 $base 1600 cut$cut /ctl/acked-$cut $every"
	# Once the writer runs, let replay-HOST move a few times (writeback
	# records it every second) and the journal commit it, then cut at a
	# random moment.
	for i in $(seq 600); do
		[ -e "$(_gdir 1)/ctl/acked-$cut.started" ] && break
		guest_running 1 || fail "guest died before the cut"
		sleep 0.2
	done
	[ -e "$(_gdir 1)/ctl/acked-$cut.started" ] || fail "cut $cut: the writer did not start in 120 s"
	sleep $((6 + RANDOM % 5)).$((RANDOM % 10))
	guest_kill 1
	log "cut $cut/$cuts: $(cat "$(_gdir 1)/ctl/acked-$cut" 2>/dev/null || echo 0) chunks acknowledged"
	guest_boot 1
	must 1 "set -e
		mount \$DISK_MARS /mars
		insmod \$MARS_KO
		$lazy
		for i in \$(seq 1200); do [ -b /dev/mars/r0 ] && break; sleep 0.1; done
		[ -b /dev/mars/r0 ] || { echo 'no /dev/mars/r0 after recovery'; readlink /mars/resource-r0/actual-g1/error; dmesg | tail -n 20; exit 1; }
		dmesg | grep 'mars: r0:' | tail -n 4
		python3 /repo/tests/vm/guest/raw-writer.py --verify /dev/mars/r0 $base cut$cut /ctl/acked-$cut
		dmesg | grep -o 'recovery replayed [0-9]* records' >/ctl/replayed-$cut || echo 'recovery replayed 0 records' >/ctl/replayed-$cut"
	n=$(grep -o '[0-9]*' "$(_gdir 1)/ctl/replayed-$cut")
	[ "${n:-0}" -gt 0 ] && replayed=$((replayed + 1))
done
log "$cuts cuts, recovery replayed records after $replayed of them"
[ "$replayed" -ge $(((cuts + 1) / 2)) ] || fail "recovery replayed records after only $replayed of $cuts cuts"
