#!/usr/bin/env bash
# Build the guests' initramfs: busybox-static plus tests/vm/guest-init.
# Everything else a guest runs comes from the host over virtio-9p.
# Usage: tests/vm/build-initramfs.sh OUTPUT.cpio.gz
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bb" "$tmp/dev"
cp /bin/busybox "$tmp/bb/busybox"
cp "$here/guest-init" "$tmp/init"
chmod 755 "$tmp/init" "$tmp/bb/busybox"
(cd "$tmp" && find . -print0 | cpio --null -o -H newc --quiet --owner=0:0) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
