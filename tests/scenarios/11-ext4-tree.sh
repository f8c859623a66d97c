# ext4 on /dev/mars/r0 with 4096-byte logical blocks: copy a tree of files,
# unmount, fsck, remount, compare every file's MD5; also after the module
# was reloaded.
# Overlapping writes: 300 in `make check`, 600 in `make check-long`
# (MARS_LONG=1).
# duration: 130
# timeout: 900

guest_disk 1 mars 2G
guest_disk 1 data 512M 4096
guest_boot 1
mars_prepare 1
must 1 'marsadm create-resource r0 $DISK_DATA'
must 1 'test "$(blockdev --getss /dev/mars/r0)" = 4096'
must 1 'mkfs.ext4 -q /dev/mars/r0 && mkdir -p /mnt/r0 && mount /dev/mars/r0 /mnt/r0'
must 1 'cp -a /usr/share/perl5 /usr/lib/python3.11/email /mnt/r0/ && sync'
# Every source file made it (and there are many): the checksum list below
# is only as good as its length.
must 1 'cd /mnt/r0 && find . -type f -print0 | sort -z | xargs -0 md5sum >/tmp/tree.md5 &&
	n=$(wc -l </tmp/tree.md5) && src=$(find /usr/share/perl5 /usr/lib/python3.11/email -type f | wc -l) &&
	echo "$n files copied, $src in the source" && test "$n" -eq "$src" && test "$n" -gt 200'
must 1 'umount /mnt/r0 && fsck.ext4 -fn /dev/mars/r0'
# Unload with the resource up: the module stops it cleanly, and brings it
# back by itself when loaded again (the tree still wants it up).
must 1 'rmmod mars && insmod $MARS_KO'
mars_wait_dev 1 r0
must 1 'fsck.ext4 -fn /dev/mars/r0 && mount /dev/mars/r0 /mnt/r0 && cd /mnt/r0 && md5sum --quiet -c /tmp/tree.md5'
must 1 'umount /mnt/r0'
# Overlapping writes of 4096-byte blocks, each one read back at once
# (alternately a random extent and the one just written, which races with
# its writeback), then checked again after down/up.
must 1 "python3 /repo/tests/vm/guest/overlap-writer.py /dev/mars/r0 64 4 $(tier 300 600) /tmp/shadow 1"
must 1 'marsadm down r0 && marsadm up r0'
mars_wait_dev 1 r0
must 1 'python3 /repo/tests/vm/guest/overlap-writer.py --verify /dev/mars/r0 64 /tmp/shadow'
