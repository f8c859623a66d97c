# Bad operator input: every mistake gets a clear error and a non-zero exit,
# and leaves /mars exactly as it was.
# duration: 120
# timeout: 600

guest_disk 1 mars 512M
guest_disk 1 data 64M
guest_disk 1 tiny 512K
guest_disk 1 other 64M
guest_boot 1
# The kernel's free-space report (actual-HOST/rest-space) moves with every
# block ext4 allocates, its heartbeat (actual-HOST/alive) with every
# exchange round; neither is something a command changed.
snapshot='find /mars -printf "%p %y %l %s\n" | grep -v -e "^/mars/actual-[^/]*/rest-space " -e "^/mars/actual-[^/]*/alive " | sort'
# /mars missing (not created, not mounted) and module not loaded.
must_fail 1 'rmdir /mars && marsadm create-cluster'
must 1 'mkdir /mars && mkfs.ext4 -q -F $DISK_MARS && mount $DISK_MARS /mars'
must 1 'marsadm create-cluster --address 127.0.0.1'
must_fail 1 'marsadm create-resource r0 $DISK_DATA 2>&1 | tee /dev/stderr | grep -qi "module"; exit ${PIPESTATUS[0]}'
# Snapshot once the module has reported (two whole scans finished).
must 1 'insmod $MARS_KO && for i in $(seq 100); do [ $(cat /proc/sys/mars/scans) -ge 2 ] && exit 0; sleep 0.2; done; exit 1'
must 1 "$snapshot >/tmp/before"
check_unchanged() { must 1 "$snapshot | diff /tmp/before -"; }
# All of these in one guest command (a command's round trip is seconds
# under TCG): each must fail, and /mars must be unchanged after each.
refused=
for bad in 'create-resource R0 $DISK_DATA' 'create-resource r/0 $DISK_DATA' 'create-resource ../x $DISK_DATA' \
	'create-resource all $DISK_DATA' 'create-resource r0 /dev/nonexistent' 'create-resource r0 /dev/null' \
	'create-resource r0 $DISK_TINY' 'create-resource r0 relative/path' 'up unknown-res' 'down unknown-res' \
	'view unknown-res' 'log-rotate unknown-res' 'delete-resource unknown-res' 'create-cluster' \
	'create-resource r0 $DISK_DATA --size 1G' 'no-such-command'; do
	refused+="echo '== marsadm $bad'
if marsadm $bad; then echo 'FAIL: should have failed: marsadm $bad'; exit 1; fi
$snapshot | diff /tmp/before - || { echo 'FAIL: /mars changed by: marsadm $bad'; exit 1; }
"
done
must 1 "$refused"
# Device already in use (mounted).
must 1 'mkfs.ext4 -q $DISK_OTHER && mkdir -p /mnt/o && mount $DISK_OTHER /mnt/o'
must_fail 1 'marsadm create-resource r1 $DISK_OTHER'
check_unchanged
must 1 'umount /mnt/o'
# A resource that works, then misuse around it.
must 1 'marsadm create-resource r0 $DISK_DATA'
must 1 "$snapshot | grep -v -e actual- -e /log- -e replay- -e version- >/tmp/before2"
must_fail 1 'marsadm create-resource r0 $DISK_OTHER'
must_fail 1 'marsadm create-resource r2 $DISK_DATA'
# The module cannot go while the device is open.
must 1 'exec 3</dev/mars/r0; rmmod mars; rc=$?; exec 3<&-; test $rc != 0'
must 1 'test -b /dev/mars/r0 && grep -q "^mars " /proc/modules'
must 1 "$snapshot | grep -v -e actual- -e /log- -e replay- -e version- | diff /tmp/before2 -"
# Taking it down while it is open: marsadm refuses up front when the kernel
# has already reported the open (exit 1, nothing changed), or writes the
# wanted state and the kernel refuses while the device is open (exit 3,
# error says why). Either way the device stays while it is open. (After
# exit 3 the wanted state is down, so the kernel takes it down once it is
# closed: `up` brings it back for what follows.)
must 1 'exec 3</dev/mars/r0; marsadm down r0 --timeout 10; rc=$?; test -b /dev/mars/r0 || rc=99; exec 3<&-; echo "exit status $rc"
	test $rc = 1 -o $rc = 3 || exit 1
	if [ $rc = 3 ]; then marsadm up r0 && for i in $(seq 300); do [ -b /dev/mars/r0 ] && break; sleep 0.2; done; fi
	test -b /dev/mars/r0'
# Once the kernel has reported the open, closing the device and taking it
# down at once works: marsadm asks for a fresh report instead of trusting
# the stale open count.
must 1 'exec 3</dev/mars/r0; n=/mars/resource-r0/actual-g1/open-count
	for i in $(seq 60); do test "$(readlink $n)" = 1 && break; sleep 0.5; done
	test "$(readlink $n)" = 1 && exec 3<&- && marsadm down r0 && ! test -e /dev/mars/r0'
# view knows this host's module is loaded.
must 1 'marsadm view | grep -E "g1 .*this host, module last seen [0-9]+ s ago"'
must 1 'marsadm delete-resource r0 && ! test -e /mars/resource-r0'
