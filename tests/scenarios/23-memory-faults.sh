# Memory faults in the data path, injected through the module's fault
# attributes in debugfs (Documentation/fault-injection):
#  - fail_mars_buffer: every record buffer allocation fails (of writes up
#    to 64 KiB, which do not use the cache of large buffers). Writes are
#    served from the resource's reserve: they wait for writeback, they do
#    not fail; fio verifies every block (issue 7, finding 9).
#  - fail_mars_queue: entering one record into the writeback queue fails.
#    The resource stops in Error (writes fail), `down` returns instead of
#    waiting forever for a backlog that cannot drain, and `up` replays the
#    log: everything written before is there (issue 7, finding 8).
# duration: 89
# timeout: 600

guest_disk 1 mars 512M
guest_disk 1 data 96M
guest_boot 1
mars_prepare 1
must 1 'marsadm create-resource r0 $DISK_DATA'
G='. /repo/tests/vm/guest/fault.sh'
fio_job='fio --name=reserve --filename=/dev/mars/r0 --ioengine=libaio --direct=1'
# Writes of at most 64 KiB: larger ones take buffers from the resource's
# cache of 1 MiB buffers first, which the fault does not touch, and would
# leave it to timing whether the reserve (two buffers) ever runs out.
fio_job+=' --rw=randwrite --bsrange=4k-64k --iodepth=8 --offset=0 --size=32M'
fio_job+=' --randrepeat=1 --randseed=23 --verify=crc32c --verify_fatal=1 --output-format=terse'
# Part 1: no memory but the reserve.
must 1 "f=/sys/kernel/debug/fail_mars_buffer
	echo 0 >\$f/verbose; echo 100 >\$f/probability; echo 1000000 >\$f/times
	$fio_job >/tmp/fio1.out || { cat /tmp/fio1.out; exit 1; }
	left=\$(cat \$f/times); echo 0 >\$f/probability
	echo \"buffer allocations failed: \$((1000000 - left))\"
	[ \$left -lt 1000000 ]
	dmesg | grep 'r0: memory is short: writes wait for the reserve'
	dd if=/dev/urandom of=/dev/mars/r0 bs=4k count=1 seek=12000 oflag=direct status=none
	dmesg | grep 'r0: memory is back'"
# Part 2: one record cannot be queued for writeback.
must 1 "$G
	dd if=/dev/urandom of=/tmp/a bs=1M count=8 status=none
	dd if=/tmp/a of=/dev/mars/r0 bs=1M seek=40 oflag=direct conv=fsync status=none
	f=/sys/kernel/debug/fail_mars_queue
	echo 1 >\$f/verbose; echo 100 >\$f/probability; echo 1 >\$f/times
	! dd if=/dev/urandom of=/dev/mars/r0 bs=4k count=1 seek=20000 oflag=direct status=none
	echo 0 >\$f/probability
	dmesg | grep 'r0: queueing a write for writeback failed (-12): resource stopped'
	wait_state r0 Error 30
	! dd if=/tmp/a of=/dev/mars/r0 bs=4k count=1 oflag=direct status=none"
must 1 -t 120 'marsadm down r0 --timeout 60'
must 1 'marsadm up r0'
mars_wait_dev 1 r0
must 1 "cmp /tmp/a <(dd if=/dev/mars/r0 bs=1M skip=40 count=8 status=none)
	$fio_job --verify_only=1 >/tmp/fio2.out || { cat /tmp/fio2.out; exit 1; }"
must 1 'marsadm down r0'
