#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rustfmt --check over all Rust of the project: the host workspace (core
# crate, marsadm), the fuzz crate and the kernel module (src/mars_main.rs
# and every file it includes, rust/ffi.rs among them), with the kernel's
# settings (rustfmt.toml). With --fix, formats instead of checking.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=--check
[ "${1:-}" = --fix ] && mode=
cargo fmt --all -- $mode
rustfmt --edition 2021 $mode src/mars_main.rs
if [ -d fuzz/fuzz_targets ]; then
	rustfmt --edition 2021 $mode fuzz/fuzz_targets/*.rs
fi
