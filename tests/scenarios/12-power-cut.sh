# Power cuts: ext4 on /dev/mars/r0 under an fsync-heavy workload that logs
# every acknowledged fsync to the host. The guest is killed at a random
# moment, booted again on the same disks, the resource recovers by itself
# (logs replayed from replay-HOST, torn tail dropped), and every
# acknowledged file must be there with its content, on a clean ext4.
# POWERCUT_CUTS (default 20) sets the number of cuts.
# timeout: 3000

cuts=${POWERCUT_CUTS:-20}
guest_disk 1 mars 2G
guest_disk 1 data 512M
guest_boot 1
mars_prepare 1
must 1 'marsadm create-resource r0 $DISK_DATA'
must 1 'mkfs.ext4 -q /dev/mars/r0'
ctl=$(_gdir 1)/ctl
for cut in $(seq 1 "$cuts"); do
	must 1 'mkdir -p /mnt/r0 && mount /dev/mars/r0 /mnt/r0'
	before=$(grep -c . "$ctl/acked" 2>/dev/null || true)
	on_bg 1 "python3 /repo/tests/vm/guest/fsync-workload.py /mnt/r0/pc /ctl/acked cut$cut"
	# Cut only once the workload is really running (some fsyncs acknowledged),
	# then at a random moment within the next few seconds.
	for i in $(seq 600); do
		[ "$(grep -c . "$ctl/acked" 2>/dev/null || true)" -ge $((${before:-0} + 3)) ] && break
		guest_running 1 || fail "guest died before the cut"
		sleep 0.2
	done
	[ "$(grep -c . "$ctl/acked" 2>/dev/null || true)" -ge $((${before:-0} + 3)) ] ||
		fail "cut $cut: the workload acknowledged nothing in 120 s"
	sleep $((RANDOM % 5)).$((RANDOM % 10))
	guest_kill 1
	log "cut $cut/$cuts: $(grep -c . "$ctl/acked" 2>/dev/null || echo 0) files acknowledged so far"
	guest_boot 1
	mars_restart 1
	mars_wait_dev 1 r0
	# Journal replay by a mount, then a read-only full check.
	must 1 'mkdir -p /mnt/r0 && mount /dev/mars/r0 /mnt/r0 && umount /mnt/r0'
	must 1 'fsck.ext4 -fn /dev/mars/r0'
	# Files acknowledged before this cut; all of them again after the last.
	[ "$cut" = "$cuts" ] && pattern=. || pattern="^cut$cut-"
	must 1 "mount /dev/mars/r0 /mnt/r0 && grep '$pattern' /ctl/acked >/tmp/acked-now;
		/repo/tests/vm/guest/verify-acked.sh /mnt/r0/pc /tmp/acked-now; rc=\$?; umount /mnt/r0; exit \$rc"
done
log "$cuts power cuts survived, $(grep -c . "$ctl/acked") acknowledged files verified"
