# A byte corrupted in the middle of a closed log (its version- link records
# its end): when the resource comes up and replays that log, it must stop
# with a clear error (dmesg and actual-HOST/error), never bring /dev/mars/r0
# up, never crash, and apply nothing after the damage.
# duration: 69
# timeout: 600

guest_disk 1 mars 1G
guest_disk 1 data 128M
guest_boot 1
mars_prepare 1
must 1 'marsadm create-resource r0 $DISK_DATA'
must 1 'dd if=/dev/urandom of=/dev/mars/r0 bs=64k count=64 oflag=direct,dsync status=none'
must 1 'marsadm down r0 && rmmod mars'
# Zero the data device where the last quarter of the records go (64 KiB
# each, written in order): a recovery that applied anything after the
# damage in the middle would change the checksum taken now.
must 1 'dd if=/dev/zero of=$DISK_DATA bs=64k seek=48 count=16 oflag=direct status=none && md5sum <$DISK_DATA >/tmp/md5-before'
# Rewind the replay position to the start of the log (replay is idempotent,
# so this alone is harmless), then flip one byte in the middle of the log.
must 1 'cd /mars/resource-r0 && log=$(ls log-*-g1 | head -n1) && echo $log &&
	ln -sfn "$log,0,0" replay-g1 &&
	python3 -c "import sys; f=open(sys.argv[1],\"r+b\"); f.seek(0,2); n=f.tell()//2; f.seek(n); b=f.read(1); f.seek(n); f.write(bytes([b[0]^0x5a])); print(\"flipped byte at\", n, \"of\", f.tell()*2)" $log'
must 1 'insmod $MARS_KO'
# marsadm stops waiting as soon as the kernel reports the error (exit 5).
must 1 'SECONDS=0; marsadm up r0 --timeout 120; rc=$?; echo "exit status $rc after $SECONDS s"; test $rc = 5 -a $SECONDS -lt 30'
must 1 'test "$(readlink /mars/resource-r0/actual-g1/state)" = Error'
must 1 'readlink /mars/resource-r0/actual-g1/error | grep -q corrupt'
must 1 'dmesg | grep "r0: recovery failed: log-000000001-g1 corrupt at offset"'
must 1 '! test -e /dev/mars/r0'
must 1 'md5sum <$DISK_DATA | diff - /tmp/md5-before'
must 1 'rmmod mars'
