# Opens racing with the teardown of /dev/mars/RES. An open that gets in
# after the kernel checked the open count but before the disk is deleted
# keeps the disk alive: its close must not touch freed memory. The test
# knob /proc/sys/mars/debug_teardown_delay_ms holds that window open for
# 500 ms, so the race happens in most rounds. SLUB poisoning and red zones
# are on and the kmalloc slabs are validated at the end, so a use after
# free shows as a report in the console (the scenario fails on it).
# Rounds: 4 in `make check`, each ending as soon as the device is gone
# (the opener stops at its first failed open after a successful one: the
# race of that round is over), 50 full 12-s rounds in `make check-long`
# (MARS_LONG=1); RACE_ROUNDS=N overrides the count.
# duration: 95
# timeout: 900

rounds=${RACE_ROUNDS:-$(tier 4 50)}
stop=$(tier 1 0)
guest_disk 1 mars 512M
guest_disk 1 data 64M
GUEST_APPEND='slub_debug=FZPU' guest_boot 1
mars_prepare 1
must 1 'marsadm create-resource r0 $DISK_DATA'
must 1 'echo 500 >/proc/sys/mars/debug_teardown_delay_ms'
# Each round: an opener holds the device 1 s at a time with 0.25 s gaps
# (shorter than the 500 ms window, so an open lands in it whenever the
# check found the device closed, and outlives the disk's deletion), while
# the kernel is asked to take the resource down again and again.
must 1 -t 800 "set -e
	hits=0
	for round in \$(seq $rounds); do
		marsadm up r0 >/dev/null
		for i in \$(seq 600); do [ -b /dev/mars/r0 ] && break; sleep 0.1; done
		[ -b /dev/mars/r0 ]
		rm -f /tmp/started
		python3 /repo/tests/vm/guest/opener.py /dev/mars/r0 12 /tmp/started 1.0 0.25 $stop >/tmp/opens &
		opener=\$!
		for i in \$(seq 300); do [ -e /tmp/started ] && break; sleep 0.1; done
		[ -e /tmp/started ]
		# --force: the kernel, not marsadm, decides while the opener comes
		# and goes; the triggers make it check again and again.
		marsadm down r0 --force --timeout 1 >/dev/null 2>&1 || true
		while kill -0 \$opener 2>/dev/null; do echo 1 >/proc/sys/mars/trigger; sleep 0.1; done
		marsadm down r0 --timeout 60 >/dev/null
		test \"\$(readlink /mars/resource-r0/actual-g1/is-attached)\" = 0
		echo \"round \$round: \$(cat /tmp/opens)\"
		# The device went away while the opener ran: the race was on.
		if grep -q '^[1-9].*last error: No such' /tmp/opens; then hits=\$((hits + 1)); fi
	done
	# Timing decides whether a round hits the window; most rounds must.
	echo \"the race was on in \$hits of $rounds rounds\"
	[ \$hits -ge $(( (rounds + 1) / 2 )) ]
	echo 0 >/proc/sys/mars/debug_teardown_delay_ms
	# The gendisk's private data is a kmalloc object (validating the
	# bootstrap caches kmem_cache*, reports a false \"Freepointer corrupt\").
	for f in /sys/kernel/slab/kmalloc-*/validate; do echo 1 >\$f; done
	rmmod mars
	for f in /sys/kernel/slab/kmalloc-*/validate; do echo 1 >\$f; done"
