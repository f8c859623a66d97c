# /mars fills up during writes: the resource enters emergency mode (writes
# go straight to the data device, no crash, no corruption), says so in
# dmesg and actual-HOST/state; `marsadm log-delete` frees space and
# logging resumes by itself. Data is verified throughout.
# timeout: 1200

guest_disk 1 mars 192M
guest_disk 1 data 512M
GUEST_MEM=1536 guest_boot 1
mars_prepare 1
must 1 'marsadm create-resource r0 $DISK_DATA'
# 320 MiB of verified writes through a /mars of 192 MiB.
must 1 'fio --name=fill --filename=/dev/mars/r0 --ioengine=libaio --direct=1 --rw=write --bs=1M --iodepth=4 --size=320M \
	--verify=crc32c --verify_fatal=1 --output-format=terse >/tmp/fill.out || { cat /tmp/fill.out; exit 1; }'
must 1 'dmesg | grep "r0: /mars is full: EMERGENCY MODE"'
must 1 'marsadm view r0'
must 1 'test "$(marsadm view-is-emergency r0)" = 1 && test "$(marsadm view-state r0)" = Emergency'
# Free the space: every log before the current one is written back.
must 1 'df -h /mars; marsadm log-delete r0; df -h /mars'
must 1 'for i in $(seq 60); do [ "$(marsadm view-is-emergency r0)" = 0 ] && exit 0; sleep 1; done; dmesg | tail; exit 1'
must 1 'dmesg | grep "r0: /mars has space again: logging resumes"'
must 1 'fio --name=fill --filename=/dev/mars/r0 --ioengine=libaio --direct=1 --rw=write --bs=1M --iodepth=4 --size=320M \
	--verify=crc32c --verify_only=1 --output-format=terse >/tmp/check.out || { cat /tmp/check.out; exit 1; }'
# Logged again: a short write lands in the new log and survives down/up.
must 1 'dd if=/dev/urandom of=/tmp/blk bs=64k count=16 status=none && dd if=/tmp/blk of=/dev/mars/r0 bs=64k seek=100 oflag=direct status=none'
must 1 'marsadm down r0 && marsadm up r0'
mars_wait_dev 1 r0
must 1 'cmp /tmp/blk <(dd if=/dev/mars/r0 bs=64k skip=100 count=16 status=none)'
