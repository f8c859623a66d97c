# Power cuts: ext4 on /dev/mars/r0 under an fsync-heavy workload that logs
# every acknowledged fsync to the host. The guest is killed at a random
# moment, booted again on the same disks, the resource recovers by itself
# (logs replayed from replay-HOST, torn tail dropped), and every
# acknowledged file must be there with its content, on a clean ext4.
# Cuts: 2 in `make check` (one checked against its own files, the last
# against every acknowledged file: both checks run), 60 in `make
# check-long` (MARS_LONG=1), 100 in `make powercut`; POWERCUT_CUTS=N
# overrides.
# duration: 160
# timeout: 3600

cuts=${POWERCUT_CUTS:-$(tier 2 60)}
guest_disk 1 mars 2G
guest_disk 1 data 512M
guest_boot 1
mars_prepare 1
must 1 'marsadm create-resource r0 $DISK_DATA'
must 1 'mkfs.ext4 -q /dev/mars/r0 && mkdir -p /mnt/r0 && mount /dev/mars/r0 /mnt/r0'
ctl=$(_gdir 1)/ctl
acked() { cat "$ctl/acked" 2>/dev/null | grep -c . || true; }
for cut in $(seq 1 "$cuts"); do
	before=$(acked)
	on_bg 1 "python3 /repo/tests/vm/guest/fsync-workload.py /mnt/r0/pc /ctl/acked cut$cut"
	# Cut only once the workload is really running (some fsyncs acknowledged),
	# then at a random moment within the next few seconds.
	for i in $(seq 600); do
		[ "$(acked)" -ge $((${before:-0} + 3)) ] && break
		guest_running 1 || fail "guest died before the cut"
		sleep 0.2
	done
	[ "$(acked)" -ge $((${before:-0} + 3)) ] || fail "cut $cut: the workload acknowledged nothing in 120 s"
	sleep $((RANDOM % 5)).$((RANDOM % 10))
	guest_kill 1
	log "cut $cut/$cuts: $(acked) files acknowledged so far"
	guest_boot 1
	# Files acknowledged before this cut; all of them again after the last.
	[ "$cut" = "$cuts" ] && pattern=. || pattern="^cut$cut-"
	# One guest command for the whole check (each command costs seconds
	# under TCG): the resource comes back by itself once the module is
	# loaded; a mount replays the ext4 journal; then a read-only full fsck
	# and the acknowledged files.
	must 1 "set -e
		mount \$DISK_MARS /mars
		insmod \$MARS_KO
		for i in \$(seq 1200); do [ -b /dev/mars/r0 ] && break; sleep 0.1; done
		[ -b /dev/mars/r0 ] || { echo 'no /dev/mars/r0 after recovery'; dmesg | tail -n 20; exit 1; }
		dmesg | grep 'mars: r0:' | tail -n 3
		{ dmesg | grep -o 'recovery replayed [0-9]* records' || echo 'recovery replayed 0 records'; } | tail -n1 >>/ctl/replayed
		mkdir -p /mnt/r0
		mount /dev/mars/r0 /mnt/r0 && umount /mnt/r0
		fsck.ext4 -fn /dev/mars/r0 >/tmp/fsck.out 2>&1 || { cat /tmp/fsck.out; exit 1; }
		mount /dev/mars/r0 /mnt/r0
		grep '$pattern' /ctl/acked >/tmp/acked-now
		/repo/tests/vm/guest/verify-acked.sh /mnt/r0/pc /tmp/acked-now"
done
# Recovery must really have run: most cuts find records to replay (the
# log is ahead of writeback while the workload runs).
replayed=$(grep -c 'replayed [1-9]' "$ctl/replayed" || true)
log "$cuts power cuts survived, $(acked) acknowledged files verified, records replayed after $replayed cuts"
[ "$replayed" -ge $(((cuts + 1) / 2)) ] || fail "recovery replayed records after only $replayed of $cuts cuts"
