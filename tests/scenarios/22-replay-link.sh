# A replay-HOST link that cannot be trusted (garbage, or missing while
# logs exist) refuses the attach with a message that says what to do,
# instead of replaying from the oldest log (which could put old records
# over newer data), and leaves the data device alone.
# duration: 56
# timeout: 600

guest_disk 1 mars 512M
guest_disk 1 data 64M
guest_boot 1
mars_prepare 1
must 1 'marsadm create-resource r0 $DISK_DATA'
must 1 'dd if=/dev/urandom of=/dev/mars/r0 bs=64k count=16 oflag=direct conv=fsync status=none && marsadm down r0'
must 1 'ln -sfn garbage /mars/resource-r0/replay-g1 && md5sum <$DISK_DATA >/tmp/md5'
must 1 'SECONDS=0; marsadm up r0 --timeout 120; rc=$?; echo "exit status $rc after $SECONDS s"; test $rc = 5 -a $SECONDS -lt 30'
must 1 'readlink /mars/resource-r0/actual-g1/error | grep "replay-g1 is not a valid position (garbage)"'
must 1 '! test -e /dev/mars/r0 && md5sum <$DISK_DATA | diff - /tmp/md5'
must 1 'marsadm down r0 && rm /mars/resource-r0/replay-g1'
must 1 'SECONDS=0; marsadm up r0 --timeout 120; rc=$?; echo "exit status $rc after $SECONDS s"; test $rc = 5 -a $SECONDS -lt 30'
must 1 'readlink /mars/resource-r0/actual-g1/error | grep "replay-g1 is missing but logs exist"'
must 1 '! test -e /dev/mars/r0 && md5sum <$DISK_DATA | diff - /tmp/md5'
