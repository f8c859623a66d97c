# Load and unload mars.ko twice in one guest: it must print its version,
# leave no module behind, leak nothing (kmemleak) and log no warning.
# timeout: 300

guest_boot 1
must 1 'echo clear > /sys/kernel/debug/kmemleak'
for round in 1 2; do
	must 1 'insmod $MARS_KO'
	must 1 'grep -q "^mars " /proc/modules'
	must 1 "dmesg | grep -q 'mars: MARS $(cat "$REPO/VERSION") loaded'"
	must 1 'rmmod mars'
	must 1 '! grep -q "^mars " /proc/modules'
	must 1 'dmesg | grep -q "mars: MARS .* unloaded"'
done
# kmemleak reports objects older than 5 s that no pointer refers to, after
# two scans.
leaks=$(on 1 'sleep 6; echo scan > /sys/kernel/debug/kmemleak;
	echo scan > /sys/kernel/debug/kmemleak; cat /sys/kernel/debug/kmemleak')
[ -z "$leaks" ] || fail "kmemleak after insmod/rmmod: $leaks"
