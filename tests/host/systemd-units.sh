#!/usr/bin/env bash
# The systemd units pass `systemd-analyze verify` (syntax, directives, the
# commands they run exist and are executable, their man pages exist,
# ordering) as 'make install' installs them. They are installed with
# PREFIX in a scratch directory (no DESTDIR) so that the paths in them are
# real; MANPATH points at the staged man pages.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v systemd-analyze >/dev/null || { echo "FAIL: systemd-analyze missing (apt-get install systemd)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The binary install copies; a no-op when it is up to date.
cargo build --release --locked -q -p marsadm
make -s install-tools PREFIX="$tmp/usr" >/dev/null
units=("$tmp"/usr/lib/systemd/system/*)
[ ${#units[@]} = 3 ] || { echo "FAIL: expected 3 units, got ${units[*]}" >&2; exit 1; }
# Runs in the units' directory: verify also loads units named relative to it.
cd "$tmp/usr/lib/systemd/system"
if ! MANPATH=$tmp/usr/share/man systemd-analyze verify "${units[@]}" 2>"$tmp/verify.err"; then
	cat "$tmp/verify.err" >&2
	echo "FAIL: systemd-analyze verify" >&2
	exit 1
fi
# verify prints warnings without failing: treat any output as a failure.
if [ -s "$tmp/verify.err" ]; then
	cat "$tmp/verify.err" >&2
	echo "FAIL: systemd-analyze verify printed warnings" >&2
	exit 1
fi
echo "systemd units: ${#units[@]} verified"
