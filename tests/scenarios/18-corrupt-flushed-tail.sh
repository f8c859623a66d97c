# Media damage inside the last flushed group of the current log, found by
# recovery after a power cut. The records of that group were acknowledged
# by one fsync: damage there is corruption (the flush marker written after
# the fsync proves it), never a torn tail to be cut off. Recovery must stop
# with an error, keep the log as it is and leave the data device alone.
# duration: 77
# timeout: 600

guest_disk 1 mars 1G
guest_disk 1 data 128M
guest_boot 1
mars_prepare 1
must 1 'marsadm create-resource r0 $DISK_DATA'
# One group commit: 16 writes of 64 KiB, one fsync at the end.
must 1 '. /repo/tests/vm/guest/fault.sh
	dd if=/dev/urandom of=/ctl/g.img bs=64k count=16 status=none
	dd if=/ctl/g.img of=/dev/mars/r0 bs=64k oflag=direct conv=fsync status=none
	wait_written_back r0 && sleep 2'
guest_kill 1
guest_boot 1
# Rewind replay-HOST so recovery reads the group (harmless by itself:
# replay is idempotent), flip one byte in record 8 of 16, and zero the data
# device where records 9..16 go: if recovery applied anything after the
# damage, the data device's checksum would change.
must 1 'mount $DISK_MARS /mars && cd /mars/resource-r0 && ls -l && log=$(ls log-*-g1 | head -n1) &&
	ln -sfn "$log,0,0" replay-g1 &&
	python3 /repo/tests/vm/guest/flip-record.py "$log" 8 >/ctl/flip.txt && cat /ctl/flip.txt &&
	stat -c %s "$log" >/ctl/log-size &&
	dd if=/dev/zero of=$DISK_DATA bs=64k seek=8 count=8 oflag=direct status=none &&
	md5sum <$DISK_DATA >/ctl/md5-before'
must 1 'insmod $MARS_KO'
must 1 '. /repo/tests/vm/guest/fault.sh; wait_state r0 Error 120'
must 1 'readlink /mars/resource-r0/actual-g1/error | grep "corrupt at offset $(cut -d" " -f2 /ctl/flip.txt)"'
must 1 'dmesg | grep "r0: recovery failed: log-000000001-g1 corrupt"'
must 1 '! dmesg | grep "dropped the incomplete record"'
must 1 '! test -e /dev/mars/r0'
must 1 'test "$(stat -c %s /mars/resource-r0/log-000000001-g1)" = "$(cat /ctl/log-size)" || { echo "the log was truncated"; exit 1; }'
must 1 'md5sum <$DISK_DATA | diff - /ctl/md5-before'
must 1 'rmmod mars'
