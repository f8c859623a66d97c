#!/usr/bin/env bash
# `make check`: every test layer of MARS, counted together.
#
#   1. host: cargo tests of the core crate and marsadm, clippy, a short fuzz
#      run of every fuzz target;
#   2. build: the test kernel (cached), mars.ko without warnings, marsadm;
#   3. KUnit: the module's suites inside a guest, one result per test;
#   4. VM scenarios: tests/scenarios/*.sh (MARS_SCENARIOS=glob to select).
# The KUnit guest runs beside the scenarios' guests (layers 3 and 4 share
# one schedule, see below).
#
# Scenarios with a `# tier: long` header line run only in `make check-long`.
# MARS_LONG=1 (`make check-long`) gives the scenarios their long tier:
# many more power cuts and race rounds, full sizes (`tier` in
# tests/vm/lib.sh; each scenario's header says what changes).
#
# For quick iterations on the kernel side, MARS_SKIP_HOST=1 skips layer 1
# (a full `make check` never sets it).
#
# Every result is a line "PASS name" or "FAIL name"; the last line is
# "N passed, N failed". Exit status is non-zero if anything failed.
# Usage: tests/check.sh [--host-only]
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out=tests/results
mkdir -p "$out"
log=$out/check.log
: >"$log"
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
host_only=0
[ "${1:-}" = --host-only ] && host_only=1
passed=0
failed=0
failures=()

record() { # record PASS|FAIL name [detail]
	echo "$1 $2${3:+ $3}"
	echo "$1 $2${3:+ $3}" >>"$log"
	if [ "$1" = PASS ]; then
		passed=$((passed + 1))
	elif [ "$1" = FAIL ]; then
		failed=$((failed + 1))
		failures+=("$2")
	fi
}
section() { printf '\n== %s\n' "$*"; }
# step NAME CMD...: run CMD with output to the log; one result.
step() {
	local name=$1
	shift
	echo "## $name: $*" >>"$log"
	if "$@" >>"$log" 2>&1; then record PASS "$name"; else record FAIL "$name" "(see $log)"; return 1; fi
}
finish() {
	echo
	if [ ${#failures[@]} -gt 0 ]; then
		echo "failed: ${failures[*]}"
	fi
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}

start=$(date +%s)

if [ "${MARS_SKIP_HOST:-0}" != 1 ]; then
section "host: cargo tests"
echo "## cargo test" >>"$log"
cargo test --workspace --locked 2>&1 | tee -a "$log" >"$out/cargo-test.txt"
cargo_rc=${PIPESTATUS[0]}
# Each test binary ends with "test result: ok. N passed; M failed; ...".
read -r cp cf < <(awk '/^test result:/ { p += $4; f += $6 } END { print p+0, f+0 }' "$out/cargo-test.txt")
passed=$((passed + cp))
failed=$((failed + cf))
echo "cargo: $cp passed, $cf failed"
if [ "$cargo_rc" != 0 ] && [ "$cf" = 0 ]; then
	record FAIL host/cargo-test "(build or run error, see $log)"
fi
step host/clippy cargo clippy --workspace --all-targets --locked -- -D warnings
step host/rustfmt tools/check-format.sh

section "host: install, systemd units, dkms.conf"
step host/install tests/host/install.sh
step host/systemd-units tests/host/systemd-units.sh
step host/dkms-conf tests/host/dkms.sh
step host/wire-client-vector /usr/bin/python3 tests/vm/guest/mars-wire.py selftest

section "host: fuzz (${FUZZ_SECONDS}s per target)"
if [ -x tools/fuzz.sh ]; then
	tools/fuzz.sh "$FUZZ_SECONDS" 2>>"$log" | tee -a "$log" | grep -E '^(PASS|FAIL) ' >"$out/fuzz.txt"
	while read -r verdict name rest; do record "$verdict" "$name" "$rest"; done <"$out/fuzz.txt"
	[ -s "$out/fuzz.txt" ] || record FAIL host/fuzz "(no fuzz results, see $log)"
fi
fi

[ $host_only = 1 ] && finish

section "build"
if ! step build/kernel tools/build-kernel.sh; then finish; fi
kdir=$(tools/build-kernel.sh --print-kdir)
echo "## make module" >>"$log"
if make -s module KDIR="$kdir" >"$out/module-build.txt" 2>&1; then
	cat "$out/module-build.txt" >>"$log"
	if grep -qiE 'warning|error' "$out/module-build.txt"; then
		record FAIL build/module-no-warnings "$(grep -m1 -iE 'warning|error' "$out/module-build.txt")"
	else
		record PASS build/module-no-warnings
	fi
	step build/module-stack-frames tools/check-stack.sh mars.ko
else
	cat "$out/module-build.txt" >>"$log"
	record FAIL build/module "(see $out/module-build.txt)"
	finish
fi
step build/marsadm cargo build --release --locked -p marsadm || finish
export KERNEL_IMAGE=$kdir/arch/x86/boot/bzImage
export INITRAMFS=$repo/$out/initramfs.cpio.gz
step build/initramfs tests/vm/build-initramfs.sh "$INITRAMFS" || finish

section "KUnit and VM scenarios (${MARS_JOBS:-2} guests at a time)"
# Each guest runs on one vCPU, so on a 2-core host two one-guest scenarios
# (the KUnit guest is one of them) run side by side, longest first by the
# `# duration: SECONDS` in each header (about its wall time in `make
# check`; 60 if missing), so that the short ones fill in at the end. A
# scenario that boots more guests says so (`# guests: N` in its header)
# and runs alone, after the others: its timing checks (convergence within
# seconds) mean nothing on an overcommitted host. MARS_JOBS=1 runs
# everything one by one.
jobs_max=${MARS_JOBS:-2}
kunit=tests/vm/kunit-scenario.sh
scenarios=()
for s in tests/scenarios/${MARS_SCENARIOS:-*}.sh; do
	[ -e "$s" ] || continue
	# `# tier: long`: only in `make check-long` (or when selected by name).
	if grep -qx '# tier: long' "$s" && [ "${MARS_LONG:-0}" != 1 ] && [ -z "${MARS_SCENARIOS:-}" ]; then
		continue
	fi
	scenarios+=("$s")
done
guests_of() { local n; n=$(sed -n 's/^# guests: \([0-9][0-9]*\)$/\1/p' "$1" | head -n1); echo "${n:-1}"; }
duration_of() { local n; n=$(sed -n 's/^# duration: \([0-9][0-9]*\)$/\1/p' "$1" | head -n1); echo "${n:-60}"; }
ordered=()
while read -r _ s; do ordered+=("$s"); done < <(
	for s in "$kunit" "${scenarios[@]}"; do
		[ "$(guests_of "$s")" -le 1 ] && echo "$(duration_of "$s") $s"
	done | sort -s -k1,1nr)
for s in "${scenarios[@]}"; do [ "$(guests_of "$s")" -le 1 ] || ordered+=("$s"); done
declare -A guests_running=()
busy_guests() {
	local p n=0
	for p in "${!guests_running[@]}"; do
		kill -0 "$p" 2>/dev/null && n=$((n + guests_running[$p]))
	done
	echo "$n"
}
for s in "${ordered[@]}"; do
	g=$(guests_of "$s")
	while :; do
		b=$(busy_guests)
		[ "$b" = 0 ] || [ $((b + g)) -le "$jobs_max" ] && break
		wait -n
	done
	name=$(basename "$s" .sh)
	echo "   started $name ($g guest(s))"
	tests/vm/run-scenario.sh "$s" >"$out/$name.verdict" 2>>"$log" &
	guests_running[$!]=$g
done
wait
section "KUnit (in a guest)"
while read -r verdict name rest; do record "$verdict" "$name" "$rest"; done \
	< <(tests/vm/parse-ktap.sh "$out"/kunit-scenario/kunit-*.ktap)
if ! grep -q '^PASS ' "$out/kunit-scenario.verdict" 2>/dev/null; then
	record FAIL kunit/guest "$(cat "$out/kunit-scenario.verdict" 2>/dev/null || echo 'no verdict (runner died)')"
fi
section "VM scenarios"
for s in "${scenarios[@]}"; do
	name=$(basename "$s" .sh)
	line=$(cat "$out/$name.verdict" 2>/dev/null)
	[ -n "$line" ] || line="FAIL $name: no verdict (runner died)"
	read -r verdict sname rest <<<"$line"
	record "$verdict" "vm/${sname%:}" "$rest"
done

echo
echo "check took $(( $(date +%s) - start ))s; logs in $out/"
finish
