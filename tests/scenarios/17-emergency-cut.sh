# Power cuts at the emergency transitions (/mars full). Entering emergency
# moves replay-HOST to the successor log before writes go straight to the
# data device: that move must be durable first, or a cut brings back the
# old position and recovery replays old records over newer data. Leaving
# emergency must sync the data device: writes that went straight to it
# would otherwise sit in its cache while the next flush only syncs the log.
#
# To make a lost update show every time, /mars is mounted with a long
# journal commit interval and the guest's page cache is written out only
# on demand: the durability rules must hold whatever the timing.
# timeout: 1200

guest_disk 1 mars 160M
guest_disk 1 data 256M
GUEST_MEM=1536 guest_boot 1
G='. /repo/tests/vm/guest/fault.sh'
lazy='sysctl -q vm.dirty_expire_centisecs=60000 vm.dirty_writeback_centisecs=0'
must 1 "mkfs.ext4 -q -F \$DISK_MARS && mount -o commit=300 \$DISK_MARS /mars && insmod \$MARS_KO && marsadm create-cluster && $lazy"
must 1 'marsadm create-resource r0 $DISK_DATA'
# Fill /mars by writing region R (16 MiB at 0) over and over until the
# resource enters emergency mode; then overwrite R with B (direct to the
# data device, acknowledged by fsync) and cut the power at once.
must 1 -t 600 "$G
	dd if=/dev/urandom of=/ctl/b.img bs=1M count=16 status=none
	for pass in \$(seq 40); do
		dd if=/dev/urandom of=/dev/mars/r0 bs=1M count=16 oflag=direct status=none || true
		dmesg | grep -q 'r0: /mars is full: EMERGENCY MODE' && break
	done
	dmesg | grep 'r0: /mars is full: EMERGENCY MODE'
	wait_state r0 Emergency 60
	dd if=/ctl/b.img of=/dev/mars/r0 bs=1M oflag=direct conv=fsync status=none
	readlink /mars/resource-r0/replay-g1"
guest_kill 1
guest_boot 1
must 1 "mount \$DISK_MARS /mars && insmod \$MARS_KO && $lazy"
mars_wait_dev 1 r0
must 1 'dmesg | grep "mars: r0:"; readlink /mars/resource-r0/replay-g1
	cmp <(dd if=/dev/mars/r0 bs=1M count=16 iflag=direct status=none) /ctl/b.img || { echo "old records were replayed over B"; exit 1; }'
# Still full after the reboot: emergency again. C goes straight to the data
# device without a flush; then space is freed, logging resumes, a flush is
# acknowledged, and the power is cut at once.
must 1 -t 300 "$G
	wait_state r0 Emergency 120
	dd if=/dev/urandom of=/ctl/c.img bs=1M count=8 status=none
	dd if=/ctl/c.img of=/dev/mars/r0 bs=1M seek=64 oflag=direct status=none
	marsadm log-delete r0
	wait_state r0 Up 120
	dmesg | grep 'r0: /mars has space again: logging resumes'
	python3 -c 'import os; fd = os.open(\"/dev/mars/r0\", os.O_WRONLY); os.fsync(fd)'"
guest_kill 1
guest_boot 1
must 1 "mount \$DISK_MARS /mars && insmod \$MARS_KO"
mars_wait_dev 1 r0
must 1 'cmp <(dd if=/dev/mars/r0 bs=1M skip=64 count=8 iflag=direct status=none) /ctl/c.img || { echo "C, flushed after emergency mode ended, is lost"; exit 1; }
	cmp <(dd if=/dev/mars/r0 bs=1M count=16 iflag=direct status=none) /ctl/b.img'
