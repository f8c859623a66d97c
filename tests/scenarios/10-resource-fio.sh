# Single-node MARS: create a resource, run verified fio loads on
# /dev/mars/r0, take it down and up, unload and reload the module, and
# check the data each time; finally the data device equals what
# /dev/mars/r0 showed (writeback complete).
# `make check` runs every fio job (all block sizes and queue depths) at a
# quarter of its size and 750 overlapping writes; `make check-long`
# (MARS_LONG=1) the full sizes (50 MiB) and 1500 writes.
# duration: 220
# timeout: 1200

guest_disk 1 mars 2G
guest_disk 1 data 96M
GUEST_MEM=1536 guest_boot 1
fio_div=$(tier 4 1)
overlaps=$(tier 750 1500)
mars_prepare 1
must 1 'marsadm create-resource r0 $DISK_DATA'
must 1 'test -b /dev/mars/r0 && ls -l /mars/resource-r0 && blockdev --getsize64 /dev/mars/r0 | grep -qx 100663296'
must 1 "/repo/tests/vm/guest/fio-verify.sh write /dev/mars/r0 $fio_div"
must 1 'md5sum </dev/mars/r0 | tee /tmp/md5-mars'
must 1 'marsadm view r0 && marsadm down r0 && test ! -e /dev/mars/r0 && md5sum <$DISK_DATA | diff - /tmp/md5-mars'
must 1 'marsadm up r0'
mars_wait_dev 1 r0
must 1 "/repo/tests/vm/guest/fio-verify.sh verify /dev/mars/r0 $fio_div"
# After a module reload the device must read exactly what fio verified
# above (a second fio verify would only repeat that, at three minutes).
must 1 'marsadm down r0 && rmmod mars && insmod $MARS_KO && marsadm up r0'
mars_wait_dev 1 r0
must 1 'md5sum </dev/mars/r0 | diff - /tmp/md5-mars'
# Overlapping writes of mixed sizes (overlay trimming and splitting,
# writeback skipping overwritten bytes, reads straddling overlay pieces and
# the data device), checked against a shadow copy, then again after the
# resource went down (everything written back) and up.
must 1 "python3 /repo/tests/vm/guest/overlap-writer.py /dev/mars/r0 80 8 $overlaps /tmp/shadow"
must 1 'marsadm down r0 && marsadm up r0'
mars_wait_dev 1 r0
must 1 'python3 /repo/tests/vm/guest/overlap-writer.py --verify /dev/mars/r0 80 /tmp/shadow'
# A flush in flight holds up nothing but itself: with the log-sync thread
# held back 1.5 s before each fsync, the flush takes that long, while
# direct writes and reads issued meanwhile complete at once.
must 1 'echo 1500 >/proc/sys/mars/debug_log_sync_delay_ms
	rc=0; python3 /repo/tests/vm/guest/flush-overlap.py /dev/mars/r0 1500 700 || rc=$?
	echo 0 >/proc/sys/mars/debug_log_sync_delay_ms; exit $rc'
