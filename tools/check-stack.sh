#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fails if any function of mars.ko reserves more than LIMIT bytes of stack.
#
# Kernel threads have a 16 KiB stack, and what runs below our code (VFS,
# ext4, jbd2, the block layer, a driver) needs most of it. Rust has no
# -Wframe-larger-than, so this reads each function's frame from its
# prologue (`sub $N,%rsp`) in the disassembly. Keep paths, link values and
# messages on the heap (ffi::Path, tree::Value, resource::Message) and mark
# big helpers #[inline(never)] so they do not pile into their callers.
#
# usage: tools/check-stack.sh [mars.ko] [LIMIT]   (default 1024)
set -euo pipefail
ko=${1:-mars.ko}
limit=${2:-1024}
[ -f "$ko" ] || { echo "check-stack: no $ko" >&2; exit 2; }
over=$(objdump -d --no-show-raw-insn "$ko" | perl -ne '
	if (/^[0-9a-f]+ <(.*)>:$/) { $f = $1 }
	if (/\bsub\s+\$0x([0-9a-f]+),%rsp/) {
		my $n = hex($1);
		print "$n $f\n" if $n > '"$limit"';
	}' | sort -rn | uniq)
if [ -n "$over" ]; then
	echo "check-stack: functions of $ko with frames over $limit bytes:" >&2
	echo "$over" >&2
	exit 1
fi
biggest=$(objdump -d --no-show-raw-insn "$ko" | perl -ne '
	if (/\bsub\s+\$0x([0-9a-f]+),%rsp/) { my $n = hex($1); $m = $n if $n > $m }
	END { print $m + 0 }')
echo "check-stack: largest frame in $ko is $biggest bytes (limit $limit)"
