#!/usr/bin/env bash
# Install what building and testing MARS needs on a Debian 12 host.
# Idempotent and non-interactive; run as root. Called by `make setup`
# (and so by `make demo` and `make check`).
set -euo pipefail

BINDGEN_VERSION=0.72.1
log() { printf '[setup] %s\n' "$*"; }

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "setup: must run as root (apt-get install)" >&2
		exit 1
	fi
}

apt_sources() {
	local f=/etc/apt/sources.list.d/mars-backports.sources
	local want
	want=$(cat <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
)
	local pin=/etc/apt/preferences.d/mars-trixie-backports
	local want_pin
	want_pin=$(cat <<'PIN'
# Only linux-source-7.3 may come from trixie-backports.
Package: *
Pin: release n=trixie-backports
Pin-Priority: 1

Package: linux-source-7.3
Pin: release n=trixie-backports
Pin-Priority: 500
PIN
)
	local changed=0
	if [ "$(cat "$f" 2>/dev/null)" != "$want" ]; then
		printf '%s\n' "$want" >"$f"
		changed=1
	fi
	if [ "$(cat "$pin" 2>/dev/null)" != "$want_pin" ]; then
		printf '%s\n' "$want_pin" >"$pin"
		changed=1
	fi
	stamp=/var/lib/apt/lists/.mars-updated
	if [ $changed = 1 ] || [ ! -e "$stamp" ]; then
		log "apt-get update"
		apt-get update -q >/dev/null
		touch "$stamp"
	fi
}

APT_PACKAGES=(
	clang-19 lld-19 llvm-19 libclang-19-dev
	bc bison flex libelf-dev libssl-dev cpio kmod xz-utils rsync
	busybox-static fio iproute2 e2fsprogs util-linux procps
	make python3 nbdkit nbdkit-plugin-python
	# tests/host/systemd-units.sh: systemd-analyze verify, which runs man
	# for the units' Documentation= pages.
	systemd man-db
)

apt_install() {
	local missing=()
	for p in "${APT_PACKAGES[@]}"; do
		dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		log "apt-get install ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "${missing[@]}" >/dev/null
	fi
	if ! dpkg -s qemu-system-x86 >/dev/null 2>&1; then
		log "apt-get install -t bookworm-backports qemu-system-x86"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			-t bookworm-backports --no-install-recommends \
			qemu-system-x86 >/dev/null
	fi
	if ! dpkg -s linux-source-7.3 >/dev/null 2>&1; then
		log "apt-get install -t trixie-backports linux-source-7.3"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			-t trixie-backports --no-install-recommends \
			linux-source-7.3 >/dev/null
	fi
}

rust_tools() {
	if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
		log "rustup component add rust-src"
		rustup component add rust-src >/dev/null
	fi
	if ! command -v bindgen >/dev/null 2>&1 ||
	   [ "$(bindgen --version 2>/dev/null | awk '{print $2}')" != "$BINDGEN_VERSION" ]; then
		log "cargo install bindgen-cli $BINDGEN_VERSION"
		cargo install --locked --quiet bindgen-cli --version "$BINDGEN_VERSION"
	fi
}

# --bench: also what `make bench-vm` needs (dbench, the plot).
if [ "${1:-}" = --bench ]; then
	APT_PACKAGES+=(python3-matplotlib dbench)
fi

need_root
apt_sources
apt_install
rust_tools
log "host ready"
