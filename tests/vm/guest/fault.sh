# shellcheck shell=bash
# Guest-side helpers for fault injection and waiting, sourced by scenario
# commands (`. /repo/tests/vm/guest/fault.sh`).
#
#   fault_on DEV [TIMES]   fail every bio to block device DEV (its first
#                          TIMES ones only; default all) with EIO, through
#                          CONFIG_FAIL_MAKE_REQUEST
#   fault_off DEV          stop failing DEV's bios
#   wait_state RES STATE [SECS]
#                          wait until actual-$MARS_HOST/state of RES is STATE
#   wait_written_back RES [SECS]
#                          wait until RES has nothing left to write back
#   drop_caches            write dirty pages, then drop clean page cache,
#                          so reads come from the disks again

_fmr=/sys/kernel/debug/fail_make_request

fault_on() {
	local dev=${1#/dev/} times=${2:--1}
	echo 0 >$_fmr/verbose
	echo 1 >$_fmr/interval
	echo 100 >$_fmr/probability
	echo "$times" >$_fmr/times
	echo 1 >"/sys/block/$dev/make-it-fail"
}

fault_off() {
	local dev=${1#/dev/}
	echo 0 >"/sys/block/$dev/make-it-fail"
	echo 0 >$_fmr/probability
}

wait_state() {
	local res=$1 want=$2 secs=${3:-60} i
	for i in $(seq $((secs * 5))); do
		[ "$(readlink "/mars/resource-$res/actual-$MARS_HOST/state")" = "$want" ] && return 0
		echo 1 >/proc/sys/mars/trigger
		sleep 0.2
	done
	echo "state of $res is $(readlink "/mars/resource-$res/actual-$MARS_HOST/state"), not $want, after ${secs}s"
	readlink "/mars/resource-$res/actual-$MARS_HOST/error"
	return 1
}

wait_written_back() {
	local res=$1 secs=${2:-60} i
	for i in $(seq $((secs * 5))); do
		echo 1 >/proc/sys/mars/trigger
		sleep 0.2
		[ "$(readlink "/mars/resource-$res/actual-$MARS_HOST/writeback-pending")" = 0 ] && return 0
	done
	echo "$res: writeback still pending after ${secs}s"
	return 1
}

drop_caches() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
}

# verify_chunks DEV BASE_MIB SOURCE ACKED: every chunk listed in ACKED (see
# acked-writer.py) reads back from DEV as written; prints the count.
verify_chunks() {
	local dev=$1 base=$2 src=$3 acked=$4 i n=0 bad=0
	while read -r i; do
		if ! cmp -s <(dd if="$dev" bs=1M skip=$((base + i)) count=1 iflag=direct status=none) \
			<(dd if="$src" bs=1M skip="$i" count=1 status=none); then
			echo "chunk $i at $((base + i)) MiB differs"
			bad=$((bad + 1))
		fi
		n=$((n + 1))
	done <"$acked"
	echo "verified $n acknowledged chunks, $bad bad"
	[ "$bad" = 0 ]
}
