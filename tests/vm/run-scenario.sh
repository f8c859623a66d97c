#!/usr/bin/env bash
# Run one VM scenario script and print "PASS name" or "FAIL name: reason".
#
# The scenario runs under `set -e` with tests/vm/lib.sh sourced, inside a
# timeout (a "# timeout: SECONDS" line in the scenario, default 600). It fails
# if it exits non-zero, times out, or if any guest console log shows a
# kernel error report (tests/vm/scan-console.sh). Results, console logs and
# the scenario's own log are kept in tests/results/NAME/.
#
# Environment: KERNEL_IMAGE (bzImage), INITRAMFS; VERBOSE=1 shows the
# scenario's log live on stderr.
# Usage: tests/vm/run-scenario.sh tests/scenarios/NAME.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$here/../.." && pwd)
script=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
name=$(basename "$script" .sh)
RESULTS=${RESULTS_ROOT:-$REPO/tests/results}/$name
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
limit=$(sed -n 's/^# timeout: *\([0-9]\+\).*/\1/p' "$script" | head -n1)
limit=${limit:-600}
# Long runs (make check-long) scale every scenario's limit.
limit=$((limit * ${MARS_TIMEOUT_SCALE:-1}))
export RESULTS REPO KERNEL_IMAGE INITRAMFS

start=$(date +%s)
timeout -k 20 "$limit" bash -c '
	set -eo pipefail
	source "$REPO/tests/vm/lib.sh"
	trap _kill_all_guests EXIT
	trap "exit 143" TERM
	cd "$RESULTS"
	source "$0"
' "$script" 2>&1 | if [ "${VERBOSE:-0}" = 1 ]; then tee "$RESULTS/scenario.log" >&2; else cat >"$RESULTS/scenario.log"; fi
rc=${PIPESTATUS[0]}
# Belt and braces: no guest outlives its scenario.
for p in "$RESULTS"/g*/qemu.pid "$RESULTS"/g*/nbdkit.pids; do
	[ -e "$p" ] && kill -9 $(cat "$p") 2>/dev/null
done
secs=$(($(date +%s) - start))

reason=
if [ $rc = 124 ] || [ $rc = 137 ]; then
	reason="timed out after ${limit}s"
elif [ $rc != 0 ] || [ -s "$RESULTS/failure" ]; then
	# A `fail` anywhere counts, even if the script's exit status was lost.
	reason=$(tail -n1 "$RESULTS/failure" 2>/dev/null)
	reason=${reason:-"exit status $rc (see $RESULTS/scenario.log)"}
fi
if ! "$here/scan-console.sh" "$RESULTS"/g*/console-*.log >"$RESULTS/console-scan.txt"; then
	reason="${reason:+$reason; }kernel error report in console: $(head -n1 "$RESULTS/console-scan.txt")"
fi
if [ -z "$reason" ]; then
	echo "PASS $name (${secs}s)"
else
	echo "FAIL $name: $reason"
	echo "---- last lines of $RESULTS/scenario.log:" >&2
	tail -n 25 "$RESULTS/scenario.log" >&2
	exit 1
fi
