# Power cuts at the emergency transitions (/mars full). Entering emergency
# moves replay-HOST to the successor log before writes go straight to the
# data device: that move must be durable first, or a cut brings back the
# old position and recovery replays old records over newer data. Leaving
# emergency must sync the data device: writes that went straight to it
# would otherwise sit in its cache while the next flush only syncs the log.
#
# To make a lost update show every time, /mars is mounted with a long
# journal commit interval and the guest's page cache is written out only
# on demand: the durability rules must hold whatever the timing. /mars is
# filled with a plain file (below the 32 MiB emergency limit) while fio
# writes through MARS, so emergency mode begins with writeback behind the
# log.
# duration: 169
# timeout: 1200

guest_disk 1 mars 512M
guest_disk 1 data 256M
GUEST_MEM=1536 guest_boot 1
G='. /repo/tests/vm/guest/fault.sh'
lazy='sysctl -q vm.dirty_expire_centisecs=60000 vm.dirty_writeback_centisecs=0'
must 1 "mkfs.ext4 -q -F \$DISK_MARS && mount -o commit=3600 \$DISK_MARS /mars && insmod \$MARS_KO && marsadm create-cluster --address 127.0.0.1 && $lazy"
must 1 'marsadm create-resource r0 $DISK_DATA'
# Write region R (16 MiB at 0) over and over at full speed (fio, queue
# depth 16, no flushes; writeback made to wait 300 ms per batch, so it is
# well behind the log); meanwhile leave
# only 24 MiB free on /mars. Once in emergency mode, stop, overwrite R with
# B (straight to the data device, acknowledged by fsync) and cut the power
# at once.
must 1 -t 600 "$G
	dd if=/dev/urandom of=/ctl/b.img bs=1M count=16 status=none
	echo 300 >/proc/sys/mars/debug_writeback_delay_ms
	fio --name=fill --filename=/dev/mars/r0 --rw=write --bs=1M --iodepth=16 --ioengine=libaio \
		--direct=1 --size=16M --time_based --runtime=600 --output=/dev/null &
	fill=\$!
	behind=0
	for i in \$(seq 150); do
		echo 1 >/proc/sys/mars/trigger; sleep 0.2
		[ \"\$(readlink /mars/resource-r0/actual-g1/writeback-pending)\" -gt \$((4 << 20)) ] 2>/dev/null && { behind=1; break; }
	done
	[ \$behind = 1 ] || { echo 'writeback never fell behind the log'; exit 1; }
	avail=\$(df --output=avail -B1 /mars | tail -n1)
	fallocate -l \$((avail - (24 << 20))) /mars/filler
	wait_state r0 Emergency 120
	echo 0 >/proc/sys/mars/debug_writeback_delay_ms
	kill \$fill; wait \$fill || true
	dmesg | grep 'r0: /mars is full: EMERGENCY MODE'
	dd if=/ctl/b.img of=/dev/mars/r0 bs=1M oflag=direct conv=fsync status=none
	readlink /mars/resource-r0/replay-g1 | tee /ctl/replay-before"
guest_kill 1
guest_boot 1
# The move to the successor log was durable before B went to the data
# device: after the cut replay-g1 still says so (before the module loads
# and replays).
must 1 "mount \$DISK_MARS /mars && r=\$(readlink /mars/resource-r0/replay-g1 || echo missing) &&
	{ [ \"\$r\" = \"\$(cat /ctl/replay-before)\" ] || { echo \"replay-g1 is \$r after the cut, not \$(cat /ctl/replay-before): the move to the successor log was not durable\"; exit 1; }; } &&
	insmod \$MARS_KO && $lazy"
mars_wait_dev 1 r0
must 1 'dmesg | grep "mars: r0:"
	cmp <(dd if=/dev/mars/r0 bs=1M count=16 iflag=direct status=none) /ctl/b.img || { echo "old records were replayed over B"; exit 1; }'
# Still full after the reboot: emergency again. C goes straight to the data
# device without a flush; then space is freed, logging resumes, a flush is
# acknowledged, and the power is cut at once.
must 1 -t 300 "$G
	wait_state r0 Emergency 120
	dd if=/dev/urandom of=/ctl/c.img bs=1M count=8 status=none
	dd if=/ctl/c.img of=/dev/mars/r0 bs=1M seek=64 oflag=direct status=none
	rm /mars/filler
	wait_state r0 Up 120
	dmesg | grep 'r0: /mars has space again: logging resumes'
	python3 -c 'import os; fd = os.open(\"/dev/mars/r0\", os.O_WRONLY); os.fsync(fd)'"
guest_kill 1
guest_boot 1
must 1 "mount \$DISK_MARS /mars && insmod \$MARS_KO"
mars_wait_dev 1 r0
must 1 'cmp <(dd if=/dev/mars/r0 bs=1M skip=64 count=8 iflag=direct status=none) /ctl/c.img || { echo "C, flushed after emergency mode ended, is lost"; exit 1; }
	cmp <(dd if=/dev/mars/r0 bs=1M count=16 iflag=direct status=none) /ctl/b.img'
