#!/usr/bin/env bash
# `make demo`: boot a QEMU guest and show MARS working (tests/demo/demo-scenario.sh).
exec "$(dirname "$0")/run-vm.sh" "$(dirname "$0")/demo/demo-scenario.sh"
