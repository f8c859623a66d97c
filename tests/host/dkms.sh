#!/usr/bin/env bash
# dkms.conf is valid shell, names the module and a version equal to the
# VERSION file, and its MAKE/CLEAN lines build this tree with Kbuild
# (M=...build, modules). Sourced the way DKMS sources it, with DKMS's
# variables set. This does not run a DKMS build (that needs a Rust-enabled
# kernel build tree under /lib/modules; docs/install.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "FAIL: dkms.conf: $*" >&2; exit 1; }
bash -n dkms.conf || fail "not valid shell"
out=$(
	kernel_source_dir=/lib/modules/7.3.0/build dkms_tree=/var/lib/dkms kernelver=7.3.0
	# shellcheck disable=SC1091
	. ./dkms.conf
	printf '%s\n' "$PACKAGE_NAME" "$PACKAGE_VERSION" "${BUILT_MODULE_NAME[0]}" \
		"${DEST_MODULE_LOCATION[0]}" "${MAKE[0]}" "$CLEAN" "${BUILD_EXCLUSIVE_CONFIG:-}" "${AUTOINSTALL:-}"
)
mapfile -t v <<<"$out"
[ "${v[0]}" = mars ] || fail "PACKAGE_NAME is '${v[0]}', not mars"
[ "${v[1]}" = "$(cat VERSION)" ] || fail "PACKAGE_VERSION ${v[1]} differs from VERSION $(cat VERSION)"
[ "${v[2]}" = mars ] || fail "BUILT_MODULE_NAME[0] is '${v[2]}'"
[ "${v[3]}" = /extra ] || fail "DEST_MODULE_LOCATION[0] is '${v[3]}'"
[ "${v[4]}" = "make -C /lib/modules/7.3.0/build M=/var/lib/dkms/mars/$(cat VERSION)/build LLVM=-19 CONFIG_MARS=m modules" ] ||
	fail "MAKE[0] is '${v[4]}'"
[[ ${v[5]} == *" clean" ]] || fail "CLEAN is '${v[5]}'"
[ "${v[6]}" = CONFIG_RUST ] || fail "BUILD_EXCLUSIVE_CONFIG is '${v[6]}'"
[ "${v[7]}" = yes ] || fail "AUTOINSTALL is '${v[7]}'"
# The files the MAKE line needs are in the tree DKMS copies.
for f in Kbuild Kconfig VERSION src/mars_main.rs rust/glue.c; do
	[ -e "$f" ] || fail "$f missing from the source tree"
done
echo "dkms.conf: ok (version ${v[1]})"
