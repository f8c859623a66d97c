#!/usr/bin/env bash
# Build (or reuse) the Rust-enabled 7.3 test kernel.
#
# The build tree is cached outside the work tree, under
# ${MARS_CACHE:-~/.cache/mars}/kernel/KEY, where KEY hashes everything the
# result depends on: the linux-source package version, the config fragment,
# this script, rustc, bindgen and clang. A second run with the same inputs
# costs seconds. On success the last line printed is the build tree (KDIR).
#
# Usage: tools/build-kernel.sh [--print-kdir]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
fragment=$here/tests/kernel/mars-test.config
tarball=/usr/src/linux-source-7.3.tar.xz
cache=${MARS_CACHE:-$HOME/.cache/mars}
llvm=${LLVM_SUFFIX:--19}
jobs=${JOBS:-$(nproc)}

log() { printf '[kernel] %s\n' "$*" >&2; }

pkg_version=$(dpkg-query -W -f='${Version}' linux-source-7.3)
key=$( {
	echo "$pkg_version"
	cat "$fragment" "$0"
	rustc --version
	bindgen --version
	clang$llvm --version | head -n1
} | sha256sum | cut -c1-16)
kdir=$cache/kernel/$key/linux

if [ -e "$cache/kernel/$key/complete" ]; then
	[ "${1:-}" = --print-kdir ] || log "cached: $kdir"
	echo "$kdir"
	exit 0
fi
[ "${1:-}" = --print-kdir ] && { log "no cached kernel for key $key"; exit 1; }

log "building kernel $pkg_version (key $key), this takes a while"
rm -rf "$cache/kernel/$key"
mkdir -p "$cache/kernel/$key"
tmp=$cache/kernel/$key/unpack
mkdir -p "$tmp"
tar -C "$tmp" -xf "$tarball"
mv "$tmp"/linux-source-7.3 "$kdir"
rmdir "$tmp"

cd "$kdir"
mk() { make -s LLVM="$llvm" ARCH=x86_64 "$@"; }
mk rustavailable >&2
mk tinyconfig >/dev/null
scripts/kconfig/merge_config.sh -m .config "$fragment" >/dev/null
mk olddefconfig >/dev/null

# Refuse a config where Kconfig silently dropped something we asked for.
bad=0
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	opt=${line%%=*}
	want=${line#*=}
	if [ "$want" = n ]; then
		if grep -q "^$opt=" .config; then
			log "config: $opt should be off"; bad=1
		fi
	elif ! grep -qx "$opt=$want" .config; then
		log "config: wanted $line, got: $(grep "^$opt=" .config || echo unset)"
		bad=1
	fi
done <"$fragment"
[ $bad = 0 ] || { log "config fragment not satisfiable"; exit 1; }

mk -j"$jobs" bzImage modules >&2
touch "$cache/kernel/$key/complete"
log "built: $kdir"
echo "$kdir"
