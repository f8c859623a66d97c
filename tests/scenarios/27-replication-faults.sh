# Replication on three guests. g1 creates r0 (raw, the consistency
# oracle: every write tagged with its sequence number) and r1 (ext4 under
# a file workload); g2 and g3 join while g1 writes: full sync, then log
# fetch and replay. Faults: a link cut during the full sync (g2) and
# during fetch, 30 % packet loss, power cuts of a secondary (g3) while it
# fetches and replays, a power cut of the primary under load. At freeze
# points (replay paused) each secondary's r0 must equal the primary's
# device after some prefix of its writes, and r1 must pass e2fsck -fn
# (after its journal is replayed on a copy, as a mount would). At the end
# all three data devices are equal (md5). Also: fast sync of identical
# disks (bytes on the wire) and hostile requests on the data ports.
# Short tier: 10 freeze points per secondary (20 in all) and one power cut
# of g3 (MARS_LONG=1: 40 each and 4 cuts).
# Not yet in `make check` (its replay under the oracle writer on a loaded
# TCG guest still times out at the first freeze point; see the issue 11
# note): `make check-long`, or MARS_SCENARIOS=27-replication-faults.
# tier: long
# guests: 3
# duration: 900
# timeout: 2400

source "$REPO/tests/vm/cluster-helpers.sh"
for k in 1 2 3; do
	guest_disk "$k" data 64M
	guest_disk "$k" data2 64M
done
CLUSTER_MARS_SIZE=1G cluster_guests3
cluster_create 1
cluster_join 2 1
cluster_join 3 1
freezes=$(tier 10 40)
cuts=$(tier 1 4)
figures=$RESULTS/replication-figures
: >"$figures"
r0=$((16 << 20)) r1=$((32 << 20))

must 1 'marsadm create-resource r0 $DISK_DATA --size 16M && marsadm create-resource r1 $DISK_DATA2 --size 32M'
mars_wait_dev 1 r1
must 1 'mkfs.ext4 -q /dev/mars/r1 && mkdir -p /mnt/r1 && mount /dev/mars/r1 /mnt/r1'
on_bg 1 'python3 /repo/tests/vm/guest/oracle.py write /dev/mars/r0 --rate 25 --stop-file /ctl/stop --progress /ctl/oracle-seq --started /ctl/oracle-started >/ctl/oracle.out 2>&1'
on_bg 1 'i=0; while [ ! -e /ctl/stop ]; do i=$((i + 1))
		head -c $(( (i * 7919) % 65536 )) /dev/urandom >/mnt/r1/f$((i % 40))
		[ $((i % 8)) = 0 ] && sync; [ $((i % 13)) = 0 ] && rm -f /mnt/r1/f$(( (i * 3) % 40 )); sleep 0.3; done
	echo $i >/ctl/ext4-done'
# (A Python start takes long in a loaded TCG guest: the joins wait for
# the oracle's first write, so that the sync runs under writes and every
# freeze point finds some.)
must 1 'for i in $(seq 1500); do [ -e /ctl/oracle-started ] && exit 0; sleep 0.2; done; exit 1'
must_all 2 3 -- 'for i in $(seq 300); do [ -L /mars/resource-r0/size ] && [ -L /mars/resource-r1/size ] && exit 0; sleep 0.2; done; exit 1'
# g2's sync slowed down (the host-wide limit, set at run time), so that
# the link cut hits it running.
must 2 'echo 256 >/sys/module/mars/parameters/sync_rate_kib'
must_all 2 3 -- 'marsadm join-resource r0 $DISK_DATA && marsadm join-resource r1 $DISK_DATA2'

links_down() { # every NIC of guest K down (its host routes go with it)
	must "$1" 'for d in /sys/class/net/*; do [ -e $d/device ] && ip link set ${d##*/} down; done; true'
}
# Up again, with the addresses and host routes of the boot (ctl/net.sh);
# "mars-test: links up" goes to the kernel log as soon as the route to g1
# is back (each `ip` takes a while in a loaded TCG guest).
links_up='sed -e "/^set -e/d" -e "s/ add / replace /" -e "/route replace 10.0.0.1\//a echo mars-test: links up >/dev/kmsg" /ctl/net.sh | sh'
# resumed K WHAT: bring the links of K up again, wait until dmesg shows a
# new "connected to g1 for WHAT" (the count before is in ctl/c0), and
# measure from the kernel's timestamps: links up (a line written to
# /dev/kmsg right after) to that line.
resumed() {
	must "$1" "set -e; $links_up
		c0=\$(cat /ctl/c0)
		for i in \$(seq 60); do [ \$(dmesg | grep -c 'connected to g1 for $2') -gt \$c0 ] && break; sleep 0.5; done
		dmesg | awk -v what='connected to g1 for $2' '
			/mars-test: links up/ { up = substr(\$0, 2, index(\$0, \"]\") - 2) + 0; found = 0 }
			up && !found && index(\$0, what) { t = substr(\$0, 2, index(\$0, \"]\") - 2) + 0; found = 1 }
			END { if (!found) exit 1; printf \"%.1f\\n\", t - up }' >/ctl/resumed"
	local t
	t=$(cat "$(_gdir "$1")/ctl/resumed")
	echo "link cut of g$1 during $2: resumed ${t}s after the link came back" | tee -a "$figures"
	awk -v t="$t" 'BEGIN { exit !(t <= 10) }' || fail "g$1: $2 resumed only after ${t}s (limit 10)"
}

# A link cut during the full sync: 25 s, longer than keepalive and the TCP
# user timeout, so the connections die and must be made anew.
must 2 'for i in $(seq 600); do [ "$(readlink /mars/resource-r0/actual-g2/is-syncing)" = 1 ] && exit 0; sleep 0.2; done; exit 1'
must 2 'dmesg | grep -c "connected to g1 for full sync" >/ctl/c0; cat /ctl/c0'
links_down 2
sleep 25
must 2 'readlink /mars/resource-r0/syncstatus-g2 /mars/resource-r1/syncstatus-g2'
resumed 2 'full sync'
must 2 'echo 0 >/sys/module/mars/parameters/sync_rate_kib'
must_all 2 3 -- "for i in \$(seq 1500); do [ \"\$(readlink /mars/resource-r0/syncstatus-\$MARS_HOST)\" = $r0 ] &&
		[ \"\$(readlink /mars/resource-r1/syncstatus-\$MARS_HOST)\" = $r1 ] && exit 0; sleep 0.2; done
	ls -l /mars/resource-r0 /mars/resource-r1; dmesg | tail -20; exit 1"
log "full syncs done"

# A freeze point: replay paused on both resources, the replay positions
# still for a second, the data devices copied (into the control share),
# replay resumed; then, on the host (a Python start takes very long in a
# loaded TCG guest), the oracle on r0's copy and e2fsck on r1's (its
# journal replayed on the copy first, as a mount would).
freeze='set -e
	# The replica is consistent only once replay passed syncpos-HOST.
	pos() { readlink /mars/resource-$1/$2-$MARS_HOST | awk -F, "{ split(\$1, l, \"-\"); printf \"%010d %020d\n\", l[2], \$2 }"; }
	consistent() { [ "$(printf "%s\n%s\n" "$(pos $1 replay)" "$(pos $1 syncpos)" | sort | tail -1)" = "$(pos $1 replay)" ]; }
	for i in $(seq 300); do consistent r0 && consistent r1 && break; sleep 0.5; done
	consistent r0 && consistent r1
	marsadm pause-replay r0,r1 >/dev/null
	for i in $(seq 300); do [ "$(readlink /mars/resource-r0/actual-$MARS_HOST/replay-paused)" = 1 ] &&
		[ "$(readlink /mars/resource-r1/actual-$MARS_HOST/replay-paused)" = 1 ] && break; sleep 0.2; done
	dd if=$DISK_DATA of=/ctl/r0.img bs=1M count=8 iflag=direct status=none
	dd if=$DISK_DATA2 of=/ctl/r1.img bs=1M count=32 iflag=direct status=none
	marsadm resume-replay r0,r1 >/dev/null'
checked=0
freeze_round() { # freeze_round K...: one freeze point on each K at once
	local k d
	must_all "$@" -- "$freeze"
	for k in "$@"; do
		d=$(_gdir "$k")/ctl
		python3 "$REPO/tests/vm/guest/oracle.py" check "$d/r0.img" --min-prefix 1 --label "g$k" | tee -a "$RESULTS/oracle.txt" ||
			fail "g$k: the frozen replica of r0 is not a prefix of the primary's writes"
		e2fsck -fy -E journal_only "$d/r1.img" >/dev/null 2>&1 || true
		e2fsck -fn "$d/r1.img" >"$d/fsck.out" 2>&1 || { cat "$d/fsck.out"; fail "g$k: e2fsck -fn of the frozen r1 failed"; }
		rm -f "$d/r0.img" "$d/r1.img"
		checked=$((checked + 1))
	done
}
half=$((freezes / 2))
for i in $(seq "$half"); do freeze_round 2 3; sleep 2; done

# 30 % packet loss on g2 while it fetches, then a link cut during fetch.
must 2 'for d in /sys/class/net/*; do [ -e $d/device ] && tc qdisc add dev ${d##*/} root netem loss 30%; done; true'
sleep 20
freeze_round 2
must 2 'for d in /sys/class/net/*; do [ -e $d/device ] && tc qdisc del dev ${d##*/} root; done; true'
must 2 'dmesg | grep -c "connected to g1 for log fetch" >/ctl/c0'
links_down 2
sleep 25
resumed 2 'log fetch'

# Power cuts of g3 while it fetches and replays: after each boot it
# resumes by itself (the module attaches and the worker cuts a damaged
# tail of its newest copy, fetches the rest, replays from replay-g3).
for c in $(seq "$cuts"); do
	sleep 3
	guest_kill 3
	guest_boot 3
	must 3 'mount $DISK_MARS /mars && readlink /mars/resource-r0/replay-g3 /mars/resource-r1/replay-g3 >/ctl/before && insmod $MARS_KO'
	# Frozen only after both workers replayed a step: what a crash left
	# half written is written again from replay-g3 first.
	must 3 'for i in $(seq 900); do [ "$(readlink /mars/resource-r0/replay-g3)" != "$(sed -n 1p /ctl/before)" ] &&
		[ "$(readlink /mars/resource-r1/replay-g3)" != "$(sed -n 2p /ctl/before)" ] && exit 0; sleep 0.2; done; dmesg | tail; exit 1'
	freeze_round 3
done
while [ "$checked" -lt $((freezes * 2)) ]; do freeze_round 2 3; sleep 2; done
echo "oracle: $checked freeze points checked, all consistent" | tee -a "$figures"

# A corrupt record in a fetched copy (a byte flipped past g2's replay
# position, replay paused): replay stops there with a clear error, the
# primary is unaffected; down and up fetch it again and g2 goes on.
must 2 'set -e; marsadm pause-replay r0 >/dev/null
	a=; for i in $(seq 60); do b=$(readlink /mars/resource-r0/replay-g2); [ "$a" = "$b" ] && break; a=$b; sleep 1; done
	log=${a%%,*}; pos=${a#*,}; pos=${pos%%,*}; f=/mars/resource-r0/$log
	for i in $(seq 300); do [ $(stat -c %s $f) -gt $((pos + 16384)) ] && break; sleep 0.2; done
	python3 -c "import os; f = os.open(\"$f\", os.O_RDWR); o = $pos + 100; b = os.pread(f, 1, o); os.pwrite(f, bytes([b[0] ^ 0xFF]), o)"
	echo "flipped a byte of $log at $((pos + 100))"
	marsadm resume-replay r0 >/dev/null
	for i in $(seq 300); do [ "$(readlink /mars/resource-r0/actual-g2/state)" = Error ] && break; sleep 0.2; done
	readlink /mars/resource-r0/actual-g2/error | tee /dev/stderr | grep -q corrupt
	echo $pos >/ctl/bad-pos'
must 1 'test "$(readlink /mars/resource-r0/actual-g1/state)" = Up'
must 2 'set -e; marsadm down r0 >/dev/null; marsadm up r0 >/dev/null
	for i in $(seq 600); do p=$(readlink /mars/resource-r0/replay-g2); p=${p#*,}; p=${p%%,*}
		[ "$(readlink /mars/resource-r0/actual-g2/state)" = Up ] && [ "$p" -gt "$(cat /ctl/bad-pos)" ] && exit 0; sleep 0.2; done
	dmesg | tail -20; exit 1'
log "corrupt fetched record: refused with an error; fetched again after down/up"

touch "$(_gdir 1)/ctl/stop"
must 1 'for i in $(seq 600); do [ -e /ctl/ext4-done ] && [ -e /ctl/oracle-seq ] && exit 0; sleep 0.2; done; exit 1'
must 1 'cat /ctl/oracle.out; umount /mnt/r1'

# A power cut of the primary under load: after it comes back (recovery,
# a new log), the secondaries fetch the rest of the old log and go on.
on_bg 1 'fio --name=load --filename=/dev/mars/r0 --rw=randwrite --bs=4k --size=16M --time_based --runtime=60 --direct=1 --iodepth=8 --ioengine=libaio --rate_iops=300 --output=/dev/null'
sleep 10
guest_kill 1
guest_boot 1
mars_restart 1
mars_wait_dev 1 r1
must 1 "md5sum </dev/mars/r0 | cut -d' ' -f1 >/ctl/md5-r0; md5sum </dev/mars/r1 | cut -d' ' -f1 >/ctl/md5-r1; cat /ctl/md5-r0 /ctl/md5-r1"
m0=$(cat "$(_gdir 1)/ctl/md5-r0") m1=$(cat "$(_gdir 1)/ctl/md5-r1")
must_all 2 3 -- "for i in \$(seq 900); do
		a=\$(dd if=\$DISK_DATA bs=1M count=16 iflag=direct status=none | md5sum | cut -d' ' -f1)
		b=\$(dd if=\$DISK_DATA2 bs=1M count=32 iflag=direct status=none | md5sum | cut -d' ' -f1)
		[ \$a = $m0 ] && [ \$b = $m1 ] && exit 0; sleep 0.5; done
	ls -l /mars/resource-r0 /mars/resource-r0/actual-\$MARS_HOST; dmesg | tail -30; exit 1"
log "secondaries equal to the primary after its power cut"

# Emergency mode on the primary (/mars nearly full) with writes that go
# straight to the data device: the secondaries stop at the gap marker with
# an error (consistent as of before it); invalidate brings them back.
must 1 'set -e; fallocate -l $(( $(df --output=avail -B1 /mars | tail -1) - (16 << 20) )) /mars/filler
	for i in $(seq 300); do [ "$(readlink /mars/resource-r0/actual-g1/is-emergency)" = 1 ] && break; sleep 0.2; done
	test "$(readlink /mars/resource-r0/actual-g1/is-emergency)" = 1
	fio --name=direct --filename=/dev/mars/r0 --rw=randwrite --bs=4k --size=16M --io_size=1M --direct=1 --output=/dev/null
	rm /mars/filler
	for i in $(seq 300); do [ "$(readlink /mars/resource-r0/actual-g1/is-emergency)" = 0 ] && break; sleep 0.2; done
	test "$(readlink /mars/resource-r0/actual-g1/is-emergency)" = 0
	dmesg | grep "secondaries stop at the gap"'
must_all 2 3 -- 'for i in $(seq 600); do [ "$(readlink /mars/resource-r0/actual-$MARS_HOST/state)" = Error ] && break; sleep 0.2; done
	readlink /mars/resource-r0/actual-$MARS_HOST/error | tee /dev/stderr | grep -q "emergency mode"
	marsadm invalidate r0'
must 1 "md5sum </dev/mars/r0 | cut -d' ' -f1 >/ctl/md5-r0; cat /ctl/md5-r0"
m0=$(cat "$(_gdir 1)/ctl/md5-r0")
must_all 2 3 -- "for i in \$(seq 900); do
		a=\$(dd if=\$DISK_DATA bs=1M count=16 iflag=direct status=none | md5sum | cut -d' ' -f1)
		[ \$a = $m0 ] && [ \"\$(readlink /mars/resource-r0/actual-\$MARS_HOST/state)\" = Up ] && exit 0; sleep 0.5; done
	ls -l /mars/resource-r0 /mars/resource-r0/actual-\$MARS_HOST; dmesg | tail -30; exit 1"
log "after emergency mode: invalidated secondaries equal again"
must 2 'marsadm view r0'

# Fast sync of identical disks: invalidate r1 on g3 (equal to g1's); only
# digests may travel (the module's count of sync bytes on the wire).
must 3 'marsadm invalidate r1'
must 3 "for i in \$(seq 900); do [ \"\$(readlink /mars/resource-r1/syncstatus-g3)\" = $r1 ] &&
		[ \"\$(readlink /mars/resource-r1/actual-g3/is-syncing)\" = 0 ] && exit 0; sleep 0.2; done; exit 1"
must 3 "w=\$(readlink /mars/resource-r1/actual-g3/sync-wire-bytes)
	echo \"fast sync of identical disks: \$w bytes on the wire for $r1 (\$((w * 10000 / $r1)) per 10000)\" | tee /ctl/fast-sync
	test \"\$w\" -le $((r1 / 50))"
cat "$(_gdir 3)/ctl/fast-sync" >>"$figures"

# Hostile requests on the data ports (g3 holds the secret, as a member).
for port in 7778 7779; do
	must 3 "python3 /repo/tests/vm/guest/mars-wire.py data-hostile 10.0.0.1 --port $port --log \$(cd /mars/resource-r0 && ls log-*-g1 | head -1)"
	must 3 "for m in garbage huge truncated before-auth; do python3 /repo/tests/vm/guest/mars-wire.py \$m 10.0.0.1 --port $port || exit 1; done"
done

must_all 1 2 3 -- 'marsadm down r0 && marsadm down r1'
must_all 1 2 3 -- "a=\$(head -c $r0 \$DISK_DATA | md5sum | cut -d' ' -f1); b=\$(head -c $r1 \$DISK_DATA2 | md5sum | cut -d' ' -f1)
	[ \$a = $m0 ] && [ \$b = $m1 ]"
