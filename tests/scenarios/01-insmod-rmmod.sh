# Load and unload mars.ko twice in one guest: it must print its version,
# leave no module behind, leak nothing (kmemleak) and log no warning.
# duration: 61
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
# Installed as `make install` puts it (lib/modules/KREL/extra, depmod),
# modprobe finds and loads it, and marsadm sees the module's version.
# The tree is a scratch root (-b/-d): the guest's / is the host's.
must 1 'root=/tmp/modroot; krel=$(uname -r)
	install -D -m 644 $MARS_KO $root/lib/modules/$krel/extra/mars.ko
	depmod -b $root $krel
	modprobe -d $root mars
	grep -q "^mars " /proc/modules
	test "$(cat /proc/sys/mars/version)" = "$(cat /repo/VERSION)"
	marsadm --version 2>&1 | tee /tmp/version.txt
	grep -qx "kernel module: $(cat /repo/VERSION)" /tmp/version.txt
	! grep -qi warning /tmp/version.txt
	modprobe -r -d $root mars
	! grep -q "^mars " /proc/modules'
# kmemleak reports objects older than 5 s that no pointer refers to, after
# two scans.
leaks=$(on 1 'sleep 6; echo scan > /sys/kernel/debug/kmemleak;
	echo scan > /sys/kernel/debug/kmemleak; cat /sys/kernel/debug/kmemleak')
[ -z "$leaks" ] || fail "kmemleak after insmod/rmmod: $leaks"
