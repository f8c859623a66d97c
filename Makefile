# SPDX-License-Identifier: GPL-2.0
#
# Top-level Makefile for MARS. The kernel build of mars.ko is driven by the
# Kbuild file next to this one; this Makefile holds the developer targets.
#
#   make            build mars.ko and marsadm (builds the test kernel first
#                   unless KDIR points at your own Rust-enabled 7.3 tree)
#   make setup      install build and test dependencies (root, idempotent)
#   make kernel     build or reuse the cached test kernel
#   make check      every test layer; prints "N passed, N failed"
#   make check-long the same with the scenarios' long tier (MARS_LONG=1:
#                   many power cuts and race rounds, full sizes); not run
#                   by CI
#   make demo       boot a guest, load the module, show it working
#   make fuzz       a longer fuzz run of the core crate (FUZZ_SECONDS each)
#   make bench      host benchmarks of the core crate (criterion)
#   make bench-vm   fio in a guest on the bench kernel flavour (no lockdep,
#                   kmemleak, KFENCE): raw data device, loop devices on
#                   /mars and /dev/mars/RES; table, JSON and a plot
#   make bench-repl replication on two guests over one virtio-net link
#                   (bench kernel): primary writes with and without a
#                   secondary (and behind netem), sync, lag, catch-up and
#                   fast-sync figures against the link's TCP throughput;
#                   JSON, and the table into docs/benchmarks.md. SHORT=1:
#                   a 30 s partition instead of 300 s, smaller sizes
#   make powercut   the power-cut scenario with POWERCUT_CUTS cuts (default 100)
#   make install    marsadm, man pages, completions, systemd units into
#                   $(DESTDIR)$(PREFIX), and mars.ko (if built) into the
#                   kernel's module tree (modules_install, extra/) + depmod
#   make install-tools   the same without mars.ko
#   make uninstall  remove exactly what install put there
#   make docs-gen   regenerate docs/man/ and tools/marsadm/completions/
#                   from marsadm's command line definitions
#   make clean

LLVM ?= -19
CARGO ?= cargo
FUZZ_SECONDS ?= 300

# KDIR: the kernel build tree to build mars.ko against. Default: the cached
# test kernel built by tools/build-kernel.sh (resolved lazily, so targets
# that do not need a kernel do not build one).
ifeq ($(KDIR),)
KDIR_DEFAULT := 1
KDIR = $(shell tools/build-kernel.sh --print-kdir 2>/dev/null)
endif

MARSADM := target/release/marsadm

# Installation directories (docs/install.md).
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
INSTALL_MOD_PATH ?=
INSTALL_ENV = DESTDIR="$(DESTDIR)" SBINDIR="$(SBINDIR)" MANDIR="$(MANDIR)" \
	BASHCOMPDIR="$(BASHCOMPDIR)" ZSHCOMPDIR="$(ZSHCOMPDIR)" FISHCOMPDIR="$(FISHCOMPDIR)" \
	SYSTEMDUNITDIR="$(SYSTEMDUNITDIR)" MARSADM="$(MARSADM)" KDIR="$(KDIR)" \
	INSTALL_MOD_PATH="$(INSTALL_MOD_PATH)" LLVM="$(LLVM)"

.PHONY: all setup kernel module marsadm check check-long check-host demo fuzz bench bench-vm bench-repl powercut clean \
	install install-tools install-module uninstall docs-gen

all: module marsadm

setup:
	@tools/setup-host.sh

kernel:
ifeq ($(KDIR_DEFAULT),1)
	@tools/build-kernel.sh >/dev/null
else
	@test -f "$(KDIR)/rust/libkernel.rmeta" || \
		{ echo "KDIR=$(KDIR) has no Rust build (rust/libkernel.rmeta)" >&2; exit 1; }
endif

module: kernel
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" LLVM=$(LLVM) CONFIG_MARS=m modules

marsadm:
	$(CARGO) build --release --locked -p marsadm

check: setup
	@tests/check.sh

# The long tier's counts and sizes live in the scenarios (`tier` in
# tests/vm/lib.sh); POWERCUT_CUTS, POWERCUT_RAW_CUTS, POWERCUT_VOLATILE_CUTS
# and RACE_ROUNDS still override them in either target.
check-long: setup
	@MARS_LONG=1 MARS_TIMEOUT_SCALE=4 tests/check.sh

check-host:
	@tests/check.sh --host-only

demo: setup
	@tests/demo.sh

fuzz:
	@tools/fuzz.sh $(FUZZ_SECONDS)

bench:
	$(CARGO) bench --locked -p mars-core

bench-vm:
	@tools/setup-host.sh --bench
	@MARS_KERNEL_FLAVOUR=bench tests/run-vm.sh tests/bench/bench-scenario.sh

# Not part of make check. Tuning: SHORT=1, BENCH_RUNTIME, BENCH_SIZE,
# REPL_DATA_SIZE, REPL_LAG_S, REPL_PARTITION_S, REPL_BACKLOG, REPL_TCP_S,
# REPL_DOCS=0 (tests/bench/bench-repl.sh).
bench-repl:
	@tools/setup-host.sh --bench
	@MARS_KERNEL_FLAVOUR=bench tests/run-vm.sh tests/bench/bench-repl.sh

powercut: setup
	@POWERCUT_CUTS=$${POWERCUT_CUTS:-100} MARS_TIMEOUT_SCALE=4 tests/run-vm.sh tests/scenarios/12-power-cut.sh

# install does not build: 'make' (or 'make marsadm') first, as yourself.
install:
	@$(INSTALL_ENV) tools/install.sh install

install-tools:
	@$(INSTALL_ENV) tools/install.sh install-tools

install-module:
	@$(INSTALL_ENV) tools/install.sh install-module

uninstall:
	@$(INSTALL_ENV) tools/install.sh uninstall

docs-gen:
	$(CARGO) build --locked -q -p marsadm
	rm -f docs/man/*.8
	mkdir -p docs/man tools/marsadm/completions
	target/debug/marsadm generate man docs/man
	target/debug/marsadm generate completions bash >tools/marsadm/completions/marsadm
	target/debug/marsadm generate completions zsh >tools/marsadm/completions/_marsadm
	target/debug/marsadm generate completions fish >tools/marsadm/completions/marsadm.fish

clean:
	-$(MAKE) -C "$(KDIR)" M="$(CURDIR)" LLVM=$(LLVM) clean 2>/dev/null
	$(CARGO) clean
	rm -rf tests/results
