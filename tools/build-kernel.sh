#!/usr/bin/env bash
# Build (or reuse) a Rust-enabled 7.3 kernel for the guests.
#
# Flavours: "test" (default) is tinyconfig plus tests/kernel/mars-test.config,
# with lockdep, kmemleak, KFENCE and friends; "bench" applies
# tests/kernel/mars-bench.config on top, which turns that debugging off for
# benchmarks (make bench-vm). MARS_KERNEL_FLAVOUR selects one as well.
#
# The build tree is cached outside the work tree, under
# ${MARS_CACHE:-~/.cache/mars}/kernel/KEY, where KEY hashes everything the
# result depends on: the linux-source package version, the config fragment,
# this script, rustc, bindgen and clang. A second run with the same inputs
# costs seconds. On success the last line printed is the build tree (KDIR).
#
# Usage: tools/build-kernel.sh [--flavour test|bench] [--print-kdir]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
flavour=${MARS_KERNEL_FLAVOUR:-test}
print_kdir=0
while [ $# -gt 0 ]; do
	case $1 in
	--flavour) flavour=${2:?--flavour needs test or bench}; shift 2 ;;
	--print-kdir) print_kdir=1; shift ;;
	*) echo "usage: $0 [--flavour test|bench] [--print-kdir]" >&2; exit 2 ;;
	esac
done
case $flavour in
test) fragments=("$here/tests/kernel/mars-test.config") ;;
bench) fragments=("$here/tests/kernel/mars-test.config" "$here/tests/kernel/mars-bench.config") ;;
*) echo "unknown kernel flavour '$flavour' (test or bench)" >&2; exit 2 ;;
esac
tarball=/usr/src/linux-source-7.3.tar.xz
cache=${MARS_CACHE:-$HOME/.cache/mars}
llvm=${LLVM_SUFFIX:--19}
jobs=${JOBS:-$(nproc)}

log() { printf '[kernel] %s\n' "$*" >&2; }

pkg_version=$(dpkg-query -W -f='${Version}' linux-source-7.3)
key=$( {
	echo "$pkg_version"
	cat "${fragments[@]}" "$0"
	rustc --version
	bindgen --version
	clang$llvm --version | head -n1
} | sha256sum | cut -c1-16)
kdir=$cache/kernel/$key/linux

if [ -e "$cache/kernel/$key/complete" ]; then
	[ $print_kdir = 1 ] || log "cached ($flavour): $kdir"
	echo "$kdir"
	exit 0
fi
[ $print_kdir = 1 ] && { log "no cached $flavour kernel for key $key"; exit 1; }

log "building the $flavour kernel $pkg_version (key $key), this takes a while"
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
# The wanted options, later fragments overriding earlier ones.
wanted=$cache/kernel/$key/wanted.config
awk -F= '/^CONFIG_/ { v[$1] = $0; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
	END { for (i = 1; i <= n; i++) print v[order[i]] }' "${fragments[@]}" >"$wanted"
scripts/kconfig/merge_config.sh -m .config "$wanted" >/dev/null
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
done <"$wanted"
[ $bad = 0 ] || { log "config fragment not satisfiable"; exit 1; }

mk -j"$jobs" bzImage modules >&2
touch "$cache/kernel/$key/complete"
log "built: $kdir"
echo "$kdir"
