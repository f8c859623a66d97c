#!/usr/bin/env bash
# Run every mars-core fuzz target for SECONDS each (default 10).
#
#   tools/fuzz.sh [SECONDS]      e.g. tools/fuzz.sh 10 (make check), 600 (make fuzz)
#
# Uses cargo-fuzz (libFuzzer + AddressSanitizer). Installs cargo-fuzz if it
# is missing. Only stable rustc is installed, so nightly-only flags are
# enabled with RUSTC_BOOTSTRAP=1. Corpora live in fuzz/corpus/TARGET (not
# committed), crashes in fuzz/artifacts/TARGET. Exits non-zero if any target
# crashes or fails to build.
set -uo pipefail

SECONDS_PER_TARGET="${1:-10}"
if ! [[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] || [ "$SECONDS_PER_TARGET" -lt 1 ]; then
    echo "usage: $0 [SECONDS]" >&2
    exit 2
fi

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT/fuzz" || exit 2
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install --locked cargo-fuzz || exit 2
fi

TARGETS=$(cargo fuzz list) || exit 2
echo "== building fuzz targets"
cargo fuzz build || { echo "FUZZ BUILD FAILED"; echo "FAIL fuzz/build"; exit 1; }

declare -a SUMMARY
FAILED=0
for t in $TARGETS; do
    mkdir -p "corpus/$t" "seeds/$t"
    log="$(mktemp)"
    echo "== fuzzing $t for ${SECONDS_PER_TARGET}s"
    # -rss_limit_mb: the scanner handles multi-MiB windows; stay well below.
    cargo fuzz run "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 -rss_limit_mb=2048 \
        -print_final_stats=1 >"$log" 2>&1
    rc=$?
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
    speed=$(grep -oE 'exec/s: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
    cov=$(grep -oE 'cov: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
    if [ "$rc" -eq 0 ]; then
        status="ok"
    else
        status="CRASH (rc=$rc)"
        FAILED=1
        echo "---- $t output (tail) ----"
        tail -40 "$log"
        ls "artifacts/$t" 2>/dev/null | sed 's/^/artifact: /'
    fi
    # One result line per target for tests/check.sh.
    if [ "$status" = ok ]; then
        echo "PASS fuzz/$t (${SECONDS_PER_TARGET}s, ${runs:-?} runs)"
    else
        echo "FAIL fuzz/$t $status"
    fi
    SUMMARY+=("$(printf '%-14s %-14s runs=%-10s exec/s=%-8s cov=%s' "$t" "$status" "${runs:-?}" "${speed:-?}" "${cov:-?}")")
    rm -f "$log"
done

echo
echo "== fuzz summary (${SECONDS_PER_TARGET}s per target)"
for line in "${SUMMARY[@]}"; do
    echo "   $line"
done
if [ "$FAILED" -ne 0 ]; then
    echo "FUZZ FAILED"
    exit 1
fi
echo "FUZZ OK"
