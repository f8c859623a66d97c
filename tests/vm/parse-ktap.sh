#!/usr/bin/env bash
# Turn KUnit KTAP reports into "PASS kunit/SUITE/TEST" and
# "FAIL kunit/SUITE/TEST" lines (skipped tests print "SKIP ...").
# Exits 1 if any test failed or no test was found at all.
# Usage: tests/vm/parse-ktap.sh FILE.ktap...
set -uo pipefail
found=0
bad=0
for f in "$@"; do
	[ -e "$f" ] || continue
	suite=$(basename "$f" .ktap)
	suite=${suite#kunit-}
	# Test cases are the indented "ok N name" / "not ok N name" lines.
	while IFS= read -r line; do
		case "$line" in
		"    ok "*|"    not ok "*) ;;
		*) continue ;;
		esac
		found=$((found + 1))
		rest=${line#    }
		if [[ $rest == *"# SKIP"* ]]; then
			name=$(sed -E 's/^(not )?ok [0-9]+ ([^ #]+).*/\2/' <<<"$rest")
			echo "SKIP kunit/$suite/$name"
		elif [[ $rest == ok* ]]; then
			echo "PASS kunit/$suite/$(awk '{print $3}' <<<"$rest")"
		else
			echo "FAIL kunit/$suite/$(awk '{print $4}' <<<"$rest")"
			bad=1
		fi
	done <"$f"
done
if [ $found = 0 ]; then
	echo "FAIL kunit: no KUnit results found"
	exit 1
fi
exit $bad
