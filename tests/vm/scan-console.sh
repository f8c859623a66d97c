#!/usr/bin/env bash
# Scan guest console logs for kernel error reports (tests/vm/forbidden-patterns).
# Prints each offending line with file and line number; exits 1 if any.
# Usage: tests/vm/scan-console.sh LOG...
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
patterns=$(grep -v '^#' "$here/forbidden-patterns" | grep -v '^$')
# Harmless boot lines that happen to contain a pattern word.
allow='MAX_LOCKDEP_|lockdep:.*(hash|chains|classes|entries|subclasses|depth)|kfence: initialized'
bad=0
for f in "$@"; do
	[ -e "$f" ] || continue
	if grep -nE -f <(printf '%s\n' "$patterns") "$f" | grep -vE "$allow" >"$f.scan"; then
		bad=1
		sed "s|^|$f:|" "$f.scan" | head -n 20
	fi
	[ -s "$f.scan" ] || rm -f "$f.scan"
done
exit $bad
