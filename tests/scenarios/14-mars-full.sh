# /mars fills up during writes: the resource enters emergency mode (writes
# go straight to the data device, no crash, no corruption), says so in
# dmesg and actual-HOST/state; `marsadm log-delete` frees space and
# logging resumes by itself. Data is verified throughout.
# Sizes: `make check` fills a /mars of 96 MiB with 160 MiB of writes,
# `make check-long` (MARS_LONG=1) one of 192 MiB with 320 MiB. Emergency
# mode begins below 32 MiB free either way, so both log first and then
# write a good part straight to the data device.
# duration: 120
# timeout: 1200

mars_size=$(tier 96 192)
fill=$(tier 160 320)M
guest_disk 1 mars "${mars_size}M"
guest_disk 1 data 512M
GUEST_MEM=1536 guest_boot 1
mars_prepare 1
must 1 'marsadm create-resource r0 $DISK_DATA'
# Verified writes through a /mars that is too small for them.
must 1 "fio --name=fill --filename=/dev/mars/r0 --ioengine=libaio --direct=1 --rw=write --bs=1M --iodepth=4 --size=$fill \
	--verify=crc32c --verify_fatal=1 --output-format=terse >/tmp/fill.out || { cat /tmp/fill.out; exit 1; }"
must 1 'dmesg | grep "r0: /mars is full: EMERGENCY MODE"'
must 1 'marsadm view r0'
must 1 'test "$(marsadm view-is-emergency r0)" = 1 && test "$(marsadm view-state r0)" = Emergency'
# Free the space: every log before the current one is written back.
must 1 'df -h /mars; marsadm log-delete r0; df -h /mars'
must 1 'for i in $(seq 60); do [ "$(marsadm view-is-emergency r0)" = 0 ] && exit 0; sleep 1; done; dmesg | tail; exit 1'
must 1 'dmesg | grep "r0: /mars has space again: logging resumes"'
must 1 "fio --name=fill --filename=/dev/mars/r0 --ioengine=libaio --direct=1 --rw=write --bs=1M --iodepth=4 --size=$fill \
	--verify=crc32c --verify_only=1 --output-format=terse >/tmp/check.out || { cat /tmp/check.out; exit 1; }"
# Logged again: a short write lands in the new log and survives down/up.
must 1 'dd if=/dev/urandom of=/tmp/blk bs=64k count=16 status=none && dd if=/tmp/blk of=/dev/mars/r0 bs=64k seek=100 oflag=direct status=none'
must 1 'marsadm down r0 && marsadm up r0'
mars_wait_dev 1 r0
must 1 'cmp /tmp/blk <(dd if=/dev/mars/r0 bs=64k skip=100 count=16 status=none)'
