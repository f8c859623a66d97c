# Opens racing with the teardown of /dev/mars/RES. An open that gets in
# after the kernel checked the open count but before the disk is deleted
# keeps the disk alive: its close must not touch freed memory. Many rounds
# of `down` under a tight open/close loop, with SLUB poisoning and red
# zones on, so a use after free shows as a report in the console (the
# scenario fails on it). KFENCE is on in the test kernel as well.
# timeout: 1200

rounds=${RACE_ROUNDS:-25}
guest_disk 1 mars 512M
guest_disk 1 data 64M
GUEST_APPEND='slub_debug=FZPU' guest_boot 1
mars_prepare 1
must 1 'marsadm create-resource r0 $DISK_DATA'
must 1 -t 1100 "set -e
	for round in \$(seq $rounds); do
		marsadm up r0 >/dev/null
		for i in \$(seq 600); do [ -b /dev/mars/r0 ] && break; sleep 0.1; done
		[ -b /dev/mars/r0 ]
		python3 /repo/tests/vm/guest/opener.py /dev/mars/r0 6 >/tmp/opens &
		sleep 0.5
		# --force: the kernel, not marsadm, decides while openers come
		# and go; the triggers make it check again and again.
		marsadm down r0 --force --timeout 1 >/dev/null 2>&1 || true
		for i in \$(seq 50); do echo 1 >/proc/sys/mars/trigger; sleep 0.1; done
		wait
		marsadm down r0 --timeout 60 >/dev/null
		test \"\$(readlink /mars/resource-r0/actual-g1/is-attached)\" = 0
		echo \"round \$round: \$(cat /tmp/opens)\"
	done
	for f in /sys/kernel/slab/*/validate; do echo 1 >\$f 2>/dev/null || true; done
	rmmod mars"
