#!/usr/bin/env bash
# `make demo`: build what is needed (cached kernel, mars.ko, marsadm), boot a
# QEMU guest and run tests/demo/demo-scenario.sh with its log shown live.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
mkdir -p tests/results
kdir=$(tools/build-kernel.sh)
make -s module KDIR="$kdir"
cargo build --release --locked -q -p marsadm
export KERNEL_IMAGE=$kdir/arch/x86/boot/bzImage
export INITRAMFS=$repo/tests/results/initramfs.cpio.gz
tests/vm/build-initramfs.sh "$INITRAMFS"
VERBOSE=1 tests/vm/run-scenario.sh tests/demo/demo-scenario.sh
