# Injected I/O errors (fail_make_request) on the data device and on the
# /mars disk. A failed write-back or sync must stop the resource in Error:
# replay-HOST never moves past records that did not reach the data device,
# `secondary` + `primary` does not restart a failed data path without a
# replay, and down/up brings back every acknowledged write. A failed log
# fsync fails that flush and every later one (the error is not "used up").
# duration: 96
# timeout: 1200

guest_disk 1 mars 1G
guest_disk 1 data 256M
guest_boot 1
mars_prepare 1
must 1 'marsadm create-resource r0 $DISK_DATA'
G='. /repo/tests/vm/guest/fault.sh'
# Part 1: write-back errors on the data device. P1 is written back and
# synced before the fault; the fault fails the next bios to the data disk
# while P2 is written chunk by chunk, each chunk acknowledged by an fsync.
must 1 "$G
	dd if=/dev/urandom of=/tmp/p1 bs=1M count=16 status=none
	dd if=/dev/urandom of=/tmp/p2 bs=1M count=24 status=none
	python3 /repo/tests/vm/guest/acked-writer.py /dev/mars/r0 0 /tmp/p1 /tmp/acked1
	wait_written_back r0
	fault_on \$DISK_DATA 16
	python3 /repo/tests/vm/guest/acked-writer.py /dev/mars/r0 16 /tmp/p2 /tmp/acked2 || true
	wait_state r0 Error 60
	fault_off \$DISK_DATA
	readlink /mars/resource-r0/actual-g1/error
	dmesg | grep 'r0: .*failed (-5): resource stopped'
	test \$(wc -l </tmp/acked1) = 16"
# The failed data path must not come back without a replay: secondary is
# fine (the device is closed), primary is refused until down/up.
must 1 'marsadm secondary r0 --timeout 60'
must_fail 1 'marsadm primary r0 --timeout 15'
must 1 'test "$(readlink /mars/resource-r0/actual-g1/state)" = Error && ! test -e /dev/mars/r0'
must 1 'marsadm down r0 && marsadm up r0'
mars_wait_dev 1 r0
must 1 "$G
	drop_caches
	verify_chunks /dev/mars/r0 0 /tmp/p1 /tmp/acked1
	verify_chunks /dev/mars/r0 16 /tmp/p2 /tmp/acked2
	dmesg | grep 'r0: recovery replayed'"
# Part 2: a failed log fsync on the /mars disk. The flush that saw it
# fails; so must the next one, after the fault is gone, because the lost
# log pages are not on disk.
must 1 "$G
	dd if=/dev/urandom of=/tmp/p3 bs=64k count=16 status=none
	# Quiet /mars first, so that the one failing request is most likely
	# the log write (not a journal commit of some link update).
	wait_written_back r0 30 && sleep 1 && sync -f /mars
	fault_on \$DISK_MARS 1
	if dd if=/tmp/p3 of=/dev/mars/r0 bs=64k seek=1024 oflag=direct conv=fsync status=none; then
		echo 'the flush succeeded over a failed log write'; exit 1; fi
	fault_off \$DISK_MARS
	if dd if=/tmp/p3 of=/dev/mars/r0 bs=64k seek=1024 oflag=direct conv=fsync status=none; then
		echo 'a later flush succeeded on the failed log'; exit 1; fi
	if ! wait_state r0 Error 30; then
		# If the failure hit ext4's journal on /mars instead, /mars is now
		# read-only and the state cannot be written there: the stop must
		# then be in the kernel log.
		grep -q ' /mars ext4 ro,' /proc/mounts || exit 1
		dmesg | grep 'r0: syncing the log failed' || exit 1
		marsadm view | grep 'READ-ONLY' || exit 1
		echo '/mars went read-only: the stop is reported in dmesg only'
	fi"
# Recovery: remount /mars (its journal may have aborted), down/up replays;
# everything acknowledged before is there.
must 1 'marsadm down r0 --timeout 60 && rmmod mars && umount /mars && mount $DISK_MARS /mars && insmod $MARS_KO'
must 1 'marsadm up r0'
mars_wait_dev 1 r0
must 1 "$G
	drop_caches
	verify_chunks /dev/mars/r0 0 /tmp/p1 /tmp/acked1
	verify_chunks /dev/mars/r0 16 /tmp/p2 /tmp/acked2"
