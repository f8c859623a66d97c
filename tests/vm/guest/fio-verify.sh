#!/usr/bin/env bash
# Data-integrity load for a block device: fio jobs with checksummed
# verification blocks, covering random and sequential writes, block sizes
# from 512 bytes to 1 MiB and queue depths from 1 to 32, on disjoint areas.
#   fio-verify.sh write DEV    write every area (and verify it right away)
#   fio-verify.sh verify DEV   only read back and verify what was written
# The same seeds make a later `verify` check exactly what `write` wrote.
set -euo pipefail
mode=$1 dev=$2
common=(--filename="$dev" --ioengine=libaio --direct=1 --verify=crc32c
	--verify_fatal=1 --randrepeat=1 --randseed=4242 --group_reporting
	--output-format=terse --terse-version=3)
if [ "$mode" = verify ]; then
	common+=(--verify_only=1)
fi
job() { # name rw bs-spec iodepth offset size
	fio --name="$1" --rw="$2" $3 --iodepth="$4" --offset="$5" --size="$6" "${common[@]}" >/tmp/fio-"$1".out ||
		{ echo "fio job $1 ($mode) FAILED"; cat /tmp/fio-"$1".out; exit 1; }
	echo "fio $1 $mode ok"
}
job rand4k-qd32 randwrite --bs=4k 32 0 8M
job seq1m-qd1 write --bs=1M 1 16M 16M
job mixed-qd8 randwrite --bsrange=4k-1M 8 32M 16M
job small-qd4 randwrite --bs=$(( $(blockdev --getss "$dev") )) 4 48M 2M
job seq64k-qd16 write --bs=64k 16 56M 8M
