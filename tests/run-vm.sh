#!/usr/bin/env bash
# Build what a guest needs (cached kernel, mars.ko, marsadm, initramfs) and
# run one scenario file with its log shown live. Used by `make demo`,
# `make bench-vm`, `make bench-repl` and `make powercut`.
# Usage: tests/run-vm.sh SCENARIO.sh
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
VERBOSE=1 tests/vm/run-scenario.sh "$1"
