#!/usr/bin/env bash
# `make install`, `make install-tools`, `make uninstall`: put MARS into
# (or take it out of) $DESTDIR$PREFIX and the kernel's module tree.
#
# Usage: tools/install.sh install|install-tools|install-module|uninstall
#
# The Makefile passes every directory in the environment: DESTDIR, SBINDIR,
# MANDIR, BASHCOMPDIR, ZSHCOMPDIR, FISHCOMPDIR, SYSTEMDUNITDIR, MARSADM (the
# built binary), and for mars.ko KDIR (may be empty: no kernel build),
# INSTALL_MOD_PATH, LLVM. Nothing here needs root when DESTDIR points at a
# writable directory.
#
# What is installed (uninstall removes exactly these):
#   SBINDIR/marsadm
#   MANDIR/man8/marsadm.8, MANDIR/man8/marsadm-CMD.8 (docs/man/)
#   BASHCOMPDIR/marsadm, ZSHCOMPDIR/_marsadm, FISHCOMPDIR/marsadm.fish
#   SYSTEMDUNITDIR/mars.service, mars-cron.service, mars-cron.timer
#   INSTALL_MOD_PATH/lib/modules/KRELEASE/extra/mars.ko (kernel build's
#     modules_install, INSTALL_MOD_DIR=extra), then depmod unless DESTDIR
#     is set (a staged tree gets depmod on the target, e.g. in postinst)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD

: "${DESTDIR:=}" "${SBINDIR:?}" "${MANDIR:?}" "${BASHCOMPDIR:?}" "${ZSHCOMPDIR:?}"
: "${FISHCOMPDIR:?}" "${SYSTEMDUNITDIR:?}" "${MARSADM:=target/release/marsadm}"
: "${KDIR:=}" "${INSTALL_MOD_PATH:=}" "${LLVM:=-19}"

say() { printf 'install: %s\n' "$*"; }
units=(mars.service mars-cron.service mars-cron.timer)

# Every file of the tools part, as "SOURCE TARGET MODE" lines.
tool_files() {
	echo "$MARSADM $SBINDIR/marsadm 0755"
	local m
	for m in docs/man/*.8; do
		echo "$m $MANDIR/man8/$(basename "$m") 0644"
	done
	echo "tools/marsadm/completions/marsadm $BASHCOMPDIR/marsadm 0644"
	echo "tools/marsadm/completions/_marsadm $ZSHCOMPDIR/_marsadm 0644"
	echo "tools/marsadm/completions/marsadm.fish $FISHCOMPDIR/marsadm.fish 0644"
	local u
	for u in "${units[@]}"; do
		echo "systemd/$u $SYSTEMDUNITDIR/$u 0644"
	done
}

install_tools() {
	if [ ! -x "$MARSADM" ]; then
		echo "install: $MARSADM is not built; run 'make marsadm' first" >&2
		exit 1
	fi
	local from to mode
	while read -r from to mode; do
		if [[ $from == systemd/* ]]; then
			# The units name marsadm by its installed path.
			install -d "$DESTDIR$(dirname "$to")"
			sed "s|@SBINDIR@|$SBINDIR|g" "$from" >"$DESTDIR$to.tmp"
			chmod "$mode" "$DESTDIR$to.tmp"
			mv "$DESTDIR$to.tmp" "$DESTDIR$to"
		else
			install -D -m "$mode" "$from" "$DESTDIR$to"
		fi
		say "$DESTDIR$to"
	done < <(tool_files)
	[ -n "$DESTDIR" ] || say "run 'systemctl daemon-reload' so that systemd sees the units"
}

# The kernel release KDIR is built for, empty if there is no usable KDIR.
kernel_release() {
	[ -n "$KDIR" ] && [ -r "$KDIR/include/config/kernel.release" ] || return 0
	cat "$KDIR/include/config/kernel.release"
}

install_module() {
	if [ ! -f mars.ko ]; then
		say "skipping mars.ko: it is not built here ('make module', or 'make KDIR=/path/to/linux-build'); marsadm, man pages, completions and units are installed without it"
		return 0
	fi
	local krel
	krel=$(kernel_release)
	if [ -z "$krel" ]; then
		say "skipping mars.ko: no kernel build tree (KDIR=${KDIR:-unset} has no include/config/kernel.release); give the tree mars.ko was built against: make install KDIR=/path/to/linux-build"
		return 0
	fi
	local vermagic
	vermagic=$(modinfo -F vermagic mars.ko 2>/dev/null | awk '{print $1}')
	if [ -n "$vermagic" ] && [ "$vermagic" != "$krel" ]; then
		echo "install: mars.ko is built for kernel $vermagic, KDIR=$KDIR is $krel; rebuild with 'make module KDIR=...' or give the right KDIR" >&2
		exit 1
	fi
	# DEPMOD=true: the kernel build would run depmod on the staged tree;
	# we run it ourselves, only on a live system.
	make -C "$KDIR" M="$src" LLVM="$LLVM" INSTALL_MOD_DIR=extra \
		INSTALL_MOD_PATH="$DESTDIR$INSTALL_MOD_PATH" DEPMOD=true modules_install
	say "$DESTDIR$INSTALL_MOD_PATH/lib/modules/$krel/extra/mars.ko"
	if [ -z "$DESTDIR" ]; then
		depmod ${INSTALL_MOD_PATH:+-b "$INSTALL_MOD_PATH"} "$krel"
	else
		say "DESTDIR is set: not running depmod; run 'depmod $krel' on the target after unpacking"
	fi
}

# Removes the directories an install into DESTDIR created, if empty: up
# from DIR, never DESTDIR itself. Without DESTDIR system directories are
# left alone (they may have existed before).
prune() {
	[ -n "$DESTDIR" ] || return 0
	local d=$DESTDIR$1
	while [ "$d" != "$DESTDIR" ] && [ "$d" != / ] && [ -d "$d" ]; do
		rmdir "$d" 2>/dev/null || return 0
		d=$(dirname "$d")
	done
}

uninstall() {
	local from to mode
	while read -r from to mode; do
		if [ -e "$DESTDIR$to" ] || [ -L "$DESTDIR$to" ]; then
			rm -f "$DESTDIR$to"
			say "removed $DESTDIR$to"
		fi
		prune "$(dirname "$to")"
	done < <(tool_files)
	local krel ko removed=0
	krel=$(kernel_release)
	if [ -z "$krel" ]; then
		say "mars.ko: no KDIR, looking for it under the running kernel $(uname -r)"
		krel=$(uname -r)
	fi
	for ko in "$DESTDIR$INSTALL_MOD_PATH/lib/modules/$krel/extra/"mars.ko{,.gz,.xz,.zst}; do
		if [ -e "$ko" ]; then
			rm -f "$ko"
			say "removed $ko"
			removed=1
		fi
	done
	prune "$INSTALL_MOD_PATH/lib/modules/$krel/extra"
	if [ $removed = 1 ] && [ -z "$DESTDIR" ]; then
		depmod ${INSTALL_MOD_PATH:+-b "$INSTALL_MOD_PATH"} "$krel"
	fi
	[ -n "$DESTDIR" ] || say "run 'systemctl daemon-reload' so that systemd forgets the units"
}

case ${1:-} in
install) install_tools; install_module ;;
install-tools) install_tools ;;
install-module) install_module ;;
uninstall) uninstall ;;
*) echo "usage: $0 install|install-tools|install-module|uninstall" >&2; exit 2 ;;
esac
