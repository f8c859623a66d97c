# Load mars.ko in a guest so its KUnit suites run, and save each suite's
# KTAP report (from debugfs) as $RESULTS/kunit-SUITE.ktap for
# tests/vm/parse-ktap.sh. Run by tests/check.sh like any scenario, beside
# the one-guest scenarios.
# duration: 170
# timeout: 300

guest_boot 1
must 1 'insmod $MARS_KO'
must 1 'ls /sys/kernel/debug/kunit/ >/ctl/kunit-suites'
for suite in $(cat "$(_gdir 1)/ctl/kunit-suites"); do
	case "$suite" in mars*) ;; *) continue ;; esac
	must 1 "cat /sys/kernel/debug/kunit/$suite/results" >"$RESULTS/kunit-$suite.ktap"
done
must 1 'rmmod mars'
