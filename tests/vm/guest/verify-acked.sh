#!/usr/bin/env bash
# Verify after a power cut: every file listed in ACKLOG ("name md5" lines,
# written only after fsync) exists in DIR with that MD5. A torn last line
# of the log (cut mid-write) is ignored.
# Usage: verify-acked.sh DIR ACKLOG
set -u
dir=$1 acklog=$2
n=0 bad=0
while read -r name sum rest; do
	[[ $sum =~ ^[0-9a-f]{32}$ ]] || continue
	n=$((n + 1))
	got=$(md5sum "$dir/$name" 2>/dev/null | cut -d' ' -f1)
	if [ "$got" != "$sum" ]; then
		echo "LOST or WRONG: $name (want $sum, got ${got:-missing})"
		bad=$((bad + 1))
	fi
done <"$acklog"
echo "verified $n acknowledged files, $bad bad"
[ $bad = 0 ]
