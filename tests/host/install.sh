#!/usr/bin/env bash
# `make install` and `make uninstall` into a scratch DESTDIR, as a user
# without a kernel build: every file lands where docs/install.md says, with
# the right mode and content, mars.ko is skipped with a message, and
# uninstall leaves nothing behind. Builds the release marsadm (a no-op
# when it is up to date). Exit status 0 when everything holds.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The binary install copies; a no-op when it is up to date.
cargo build --release --locked -q -p marsadm
stage=$tmp/stage
# KDIR=/nonexistent: as on a machine without a kernel build tree, even if
# this one has a cached test kernel.
make -s install DESTDIR="$stage" PREFIX=/usr KDIR=/nonexistent >"$tmp/install.out" 2>&1 ||
	{ cat "$tmp/install.out"; fail "make install DESTDIR=... failed"; }
grep -q 'skipping mars.ko' "$tmp/install.out" || { cat "$tmp/install.out"; fail "no message about skipping mars.ko"; }

expect=("usr/sbin/marsadm 755"
	"usr/share/bash-completion/completions/marsadm 644"
	"usr/share/zsh/site-functions/_marsadm 644"
	"usr/share/fish/vendor_completions.d/marsadm.fish 644"
	"usr/lib/systemd/system/mars.service 644"
	"usr/lib/systemd/system/mars-cron.service 644"
	"usr/lib/systemd/system/mars-cron.timer 644")
for m in docs/man/*.8; do expect+=("usr/share/man/man8/$(basename "$m") 644"); done
[ -e docs/man/marsadm.8 ] || fail "docs/man/marsadm.8 missing: run 'make docs-gen'"

for e in "${expect[@]}"; do
	read -r f mode <<<"$e"
	[ -f "$stage/$f" ] || fail "not installed: $f"
	[ "$(stat -c %a "$stage/$f")" = "$mode" ] || fail "$f has mode $(stat -c %a "$stage/$f"), not $mode"
done
# Exactly these files, nothing else.
(cd "$stage" && find . ! -type d | sed 's|^\./||' | sort) >"$tmp/got"
printf '%s\n' "${expect[@]}" | awk '{print $1}' | sort >"$tmp/want"
diff -u "$tmp/want" "$tmp/got" || fail "installed files differ from the expected list"

cmp -s target/release/marsadm "$stage/usr/sbin/marsadm" || fail "marsadm is not the built binary"
"$stage/usr/sbin/marsadm" --version | grep -q "^marsadm $(cat VERSION)$" || fail "installed marsadm --version"
# The installed binary has every command the installed man pages describe.
for m in "$stage"/usr/share/man/man8/marsadm-*.8; do
	c=$(basename "$m" .8)
	"$stage/usr/sbin/marsadm" "${c#marsadm-}" --help >/dev/null || fail "installed marsadm has no '${c#marsadm-}' (stale binary?)"
done
cmp -s tools/marsadm/completions/_marsadm "$stage/usr/share/zsh/site-functions/_marsadm" || fail "zsh completion content"
for u in mars.service mars-cron.service mars-cron.timer; do
	! grep -q '@SBINDIR@' "$stage/usr/lib/systemd/system/$u" || fail "$u: @SBINDIR@ not replaced"
done
grep -q '^ExecStart=/usr/sbin/marsadm ' "$stage/usr/lib/systemd/system/mars.service" || fail "mars.service does not run /usr/sbin/marsadm"
grep -q '^ExecStart=/usr/sbin/marsadm cron$' "$stage/usr/lib/systemd/system/mars-cron.service" || fail "mars-cron.service does not run 'marsadm cron'"
if command -v man >/dev/null; then
	MANPATH=$stage/usr/share/man man -w marsadm-view >/dev/null 2>&1 || fail "man cannot find marsadm-view(8) in the staged tree"
fi

# A second install over the first is fine (upgrades).
make -s install DESTDIR="$stage" PREFIX=/usr KDIR=/nonexistent >/dev/null 2>&1 || fail "second make install"

make -s uninstall DESTDIR="$stage" PREFIX=/usr KDIR=/nonexistent >"$tmp/uninstall.out" 2>&1 ||
	{ cat "$tmp/uninstall.out"; fail "make uninstall failed"; }
left=$(cd "$stage" 2>/dev/null && find . -mindepth 1 | sort)
[ -z "$left" ] || fail "left behind after uninstall: $left"
# Uninstalling twice is harmless.
make -s uninstall DESTDIR="$stage" PREFIX=/usr KDIR=/nonexistent >/dev/null 2>&1 || fail "second make uninstall"

# Uninstall removes only its own files.
mkdir -p "$stage/usr/sbin"
echo keep >"$stage/usr/sbin/other-tool"
make -s install DESTDIR="$stage" PREFIX=/usr KDIR=/nonexistent >/dev/null 2>&1
make -s uninstall DESTDIR="$stage" PREFIX=/usr KDIR=/nonexistent >/dev/null 2>&1
[ "$(cd "$stage" && find . ! -type d)" = ./usr/sbin/other-tool ] || fail "uninstall touched files it did not install"

echo "install: ${#expect[@]} files installed, checked and uninstalled"
