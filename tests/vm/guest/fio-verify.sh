#!/usr/bin/env bash
# Data-integrity load for a block device: fio jobs with checksummed
# verification blocks, covering random and sequential writes, block sizes
# from 512 bytes to 1 MiB and queue depths from 1 to 32, on disjoint areas.
#   fio-verify.sh write DEV [DIV]   write every area (and verify it right away)
#   fio-verify.sh verify DEV [DIV]  only read back and verify what was written
# DIV (1, 2, 4 or 8; default 1) divides every job's size (the areas keep
# their offsets, so they stay disjoint; every job still runs). The same
# seeds make a later `verify` with the same DIV check exactly what `write`
# wrote.
set -euo pipefail
mode=$1 dev=$2 div=${3:-1}
case $div in 1 | 2 | 4 | 8) ;; *) echo "fio-verify.sh: DIV must be 1, 2, 4 or 8" >&2; exit 2 ;; esac
common=(--filename="$dev" --ioengine=libaio --direct=1 --verify=crc32c
	--verify_fatal=1 --randrepeat=1 --randseed=4242 --group_reporting
	--output-format=terse --terse-version=3)
if [ "$mode" = verify ]; then
	common+=(--verify_only=1)
fi
job() { # name rw bs-spec iodepth offset size-in-KiB (before DIV)
	fio --name="$1" --rw="$2" $3 --iodepth="$4" --offset="$5" --size="$(($6 / div))k" "${common[@]}" >/tmp/fio-"$1".out ||
		{ echo "fio job $1 ($mode) FAILED"; cat /tmp/fio-"$1".out; exit 1; }
	echo "fio $1 $mode ok"
}
job rand4k-qd32 randwrite --bs=4k 32 0 $((8 << 10))
job seq1m-qd1 write --bs=1M 1 16M $((16 << 10))
job mixed-qd8 randwrite --bsrange=4k-1M 8 32M $((16 << 10))
job small-qd4 randwrite --bs=$(( $(blockdev --getss "$dev") )) 4 48M $((2 << 10))
job seq64k-qd16 write --bs=64k 16 56M $((8 << 10))
