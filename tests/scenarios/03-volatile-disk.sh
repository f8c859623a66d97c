# The harness's volatile disks (VOLATILE_DISKS=1) really lose what was not
# flushed in a power cut, and keep what was: otherwise the scenarios that
# rely on them (21-powercut-volatile) could not fail.
# duration: 49
# timeout: 600

VOLATILE_DISKS=1
guest_disk 1 data 64M
guest_boot 1
# B is flushed; A (written after it, straight to the disk, no flush) is
# still in the disk's cache when the power goes.
must 1 'dd if=/dev/urandom of=/ctl/b.img bs=1M count=4 status=none &&
	dd if=/dev/urandom of=/ctl/a.img bs=1M count=4 status=none &&
	dd if=/ctl/b.img of=$DISK_DATA bs=1M oflag=direct conv=fsync status=none &&
	dd if=/ctl/a.img of=$DISK_DATA bs=1M seek=8 oflag=direct status=none &&
	cmp <(dd if=$DISK_DATA bs=1M skip=8 count=4 iflag=direct status=none) /ctl/a.img'
guest_kill 1
guest_boot 1
must 1 'cmp <(dd if=$DISK_DATA bs=1M count=4 iflag=direct status=none) /ctl/b.img'
must 1 'if cmp -s <(dd if=$DISK_DATA bs=1M skip=8 count=4 iflag=direct status=none) /ctl/a.img; then
		echo "unflushed writes survived the power cut"; exit 1; fi'
