# shellcheck shell=bash
# Helpers for VM scenarios, sourced by tests/vm/run-scenario.sh before a
# scenario script. A scenario declares disks and links, boots guests, runs
# commands on them and fails with `fail MESSAGE` or any failing `on`.
#
#   guest_disk K NAME SIZE [BLOCK]
#                            raw disk file for guest K (kept across boots),
#                            optionally with BLOCK-byte logical sectors;
#                            inside the guest $DISK_NAME (upper case) names it
#   net_link A B             a virtio-net link between guests A and B over a
#                            unix socket; guest K is 10.0.0.K and fd00::K on
#                            every link
#   guest_boot K             boot guest K (default 1 GiB, 1 vCPU: GUEST_MEM,
#                            GUEST_SMP override; GUEST_APPEND adds kernel
#                            parameters) and wait for its agent
#   guest_boot_all K...      boot several guests in parallel
#   on K [-t SECS] CMD       run shell CMD on guest K, print its output,
#                            return its exit status (fails the scenario on
#                            timeout)
#   must K CMD / must_fail K CMD
#                            `on`, and fail the scenario unless CMD
#                            succeeds / fails
#   must_all K... -- CMD     CMD on each guest K at the same time (a
#                            guest command is seconds under TCG: setup
#                            that every guest does runs in parallel);
#                            fails the scenario unless it succeeds on all
#   on_bg K CMD              start CMD detached on guest K
#   guest_kill K             power cut: kill QEMU, no clean shutdown (with
#                            VOLATILE_DISKS=1 the disks' unflushed write
#                            caches are lost too, see volatile-disk.py)
#   guest_shutdown K         sync and power off cleanly
#   fail MESSAGE             fail the scenario
#   tier SHORT LONG          prints SHORT in `make check`, LONG in
#                            `make check-long` (MARS_LONG=1): repetition
#                            counts, sizes and durations that only make a
#                            long run more thorough (each scenario keeps at
#                            least one iteration of every kind in the short
#                            tier and says in its header what `tier` sets)
#
# Inside a guest: /repo is this work tree (read-only), /ctl the control
# share (results/SCENARIO/gK/ctl on the host, writable), /mars an empty
# directory on the tmpfs root, $MARSADM the marsadm binary, $MARS_KO the
# module.

: "${RESULTS:?RESULTS must be set by run-scenario.sh}"
: "${KERNEL_IMAGE:?}" "${INITRAMFS:?}" "${REPO:?}"

GUEST_MEM=${GUEST_MEM:-1024}
GUEST_SMP=${GUEST_SMP:-1}
MARS_LONG=${MARS_LONG:-0}
tier() { if [ "$MARS_LONG" = 1 ]; then echo "$2"; else echo "$1"; fi; }
declare -A _disks _links _seq _pid _nbd
_runid=$$

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
fail() {
	log "FAIL: $*"
	echo "$*" >>"$RESULTS/failure"
	_diagnose
	exit 1
}

# On a failure, ask every running guest what its tasks are doing (blocked
# tasks to the console, every process's state and kernel stack to
# ctl/diag.txt), so that a stall can be told from slowness afterwards.
# Waits at most 20 s.
_diagnose() {
	[ -z "${_diagnosing:-}" ] || return 0
	_diagnosing=1
	local k n=0 asked=()
	for k in "${!_pid[@]}"; do
		kill -0 "${_pid[$k]}" 2>/dev/null || continue
		: >"$(_gdir "$k")/ctl/diag-request" && asked+=("$k")
	done
	# The agent answers between two polls, even while a command runs.
	while [ ${#asked[@]} -gt 0 ] && [ $n -lt 200 ]; do
		for k in "${!asked[@]}"; do
			[ -e "$(_gdir "${asked[$k]}")/ctl/diag-request" ] || unset "asked[$k]"
		done
		sleep 0.1
		n=$((n + 1))
	done
}

_gdir() { echo "$RESULTS/g$1"; }

declare -A _blocksize
guest_disk() {
	local k=$1 name=$2 size=$3 block=${4:-512} d
	d=$(_gdir "$k")
	mkdir -p "$d"
	[ -e "$d/$name.img" ] || truncate -s "$size" "$d/$name.img"
	_disks[$k]="${_disks[$k]:-} $name"
	_blocksize["$k-$name"]=$block
}

net_link() {
	local a=$1 b=$2
	[ "$a" -lt "$b" ] || { local t=$a; a=$b; b=$t; }
	_links["$a-$b"]=1
}

# MAC of guest K's NIC on the link to guest J.
_mac() { printf '52:54:00:4d:%02x:%02x' "$1" "$2"; }

_write_guest_env() {
	local k=$1 ctl=$2 i=0 name letters=abcdefghijklmnop
	{
		echo "export MARS_HOST=g$k GUEST=$k"
		echo "export MARSADM=/repo/target/release/marsadm MARS_KO=/repo/mars.ko"
		echo "export PATH=/repo/target/release:\$PATH"
		for name in ${_disks[$k]:-}; do
			echo "export DISK_${name^^}=/dev/vd${letters:$i:1}"
			i=$((i + 1))
		done
	} >"$ctl/env.sh"
	{
		echo "set -e"
		local l a b peer
		for l in "${!_links[@]}"; do
			a=${l%-*} b=${l#*-}
			if [ "$a" = "$k" ]; then peer=$b
			elif [ "$b" = "$k" ]; then peer=$a
			else continue; fi
			echo "dev=\$(grep -l '$(_mac "$k" "$peer")' /sys/class/net/*/address | cut -d/ -f5)"
			echo "ip link set \$dev up"
			echo "ip addr add 10.0.0.$k/32 dev \$dev"
			echo "ip route add 10.0.0.$peer/32 dev \$dev"
			echo "ip -6 addr add fd00::$k/128 dev \$dev nodad"
			echo "ip -6 route add fd00::$peer/128 dev \$dev"
		done
	} >"$ctl/net.sh"
}

guest_boot() {
	_guest_start "$1"
	_guest_wait_ready "$1"
}

# guest_boot_all K...: boot several guests in parallel.
guest_boot_all() {
	local k
	for k in "$@"; do _guest_start "$k"; done
	for k in "$@"; do _guest_wait_ready "$k"; done
}

_guest_start() {
	local k=$1 d ctl boot args=() name l a b peer
	d=$(_gdir "$k")
	ctl=$d/ctl
	mkdir -p "$ctl"
	rm -f "$ctl/ready" "$ctl"/cmd-*.sh
	_write_guest_env "$k" "$ctl"
	boot=1
	while [ -e "$d/console-$boot.log" ]; do boot=$((boot + 1)); done
	args+=(-accel tcg -cpu max -m "$GUEST_MEM" -smp "$GUEST_SMP")
	args+=(-display none -monitor none -no-reboot -nodefaults)
	args+=(-chardev "file,id=con,path=$d/console-$boot.log" -serial chardev:con)
	args+=(-kernel "$KERNEL_IMAGE" -initrd "$INITRAMFS")
	args+=(-append "console=ttyS0 panic=-1 marshost=g$k marsrepo=$REPO${GUEST_APPEND:+ $GUEST_APPEND}")
	args+=(-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap")
	args+=(-virtfs "local,path=$ctl,mount_tag=ctl,security_model=none,multidevs=remap")
	for name in ${_disks[$k]:-}; do
		if [ "${VOLATILE_DISKS:-0}" = 1 ]; then
			# Served by nbdkit with a write cache that a power cut loses.
			local sock=$d/nbd-$name.sock
			rm -f "$sock"
			nbdkit -f -U "$sock" python "$REPO/tests/vm/volatile-disk.py" \
				file="$d/$name.img" seed="$RANDOM" >>"$d/nbdkit.log" 2>&1 &
			_nbd[$k]="${_nbd[$k]:-} $!"
			echo $! >>"$d/nbdkit.pids"
			local w=0
			while [ ! -S "$sock" ]; do
				sleep 0.1; w=$((w + 1))
				[ $w -lt 100 ] || fail "guest $k: nbdkit did not start (see $d/nbdkit.log)"
			done
			args+=(-drive "driver=nbd,server.type=unix,server.path=$sock,if=none,id=d-$name,cache=writeback")
		else
			args+=(-drive "file=$d/$name.img,format=raw,if=none,id=d-$name,cache=unsafe")
		fi
		local bs=${_blocksize["$k-$name"]:-512}
		args+=(-device "virtio-blk-pci,drive=d-$name,serial=$name,logical_block_size=$bs,physical_block_size=$bs")
	done
	for l in "${!_links[@]}"; do
		a=${l%-*} b=${l#*-}
		if [ "$a" = "$k" ]; then
			peer=$b
			args+=(-netdev "stream,id=n$peer,server=on,addr.type=unix,addr.path=mars-$_runid-$l,addr.abstract=on")
		elif [ "$b" = "$k" ]; then
			peer=$a
			args+=(-netdev "stream,id=n$peer,server=off,reconnect-ms=200,addr.type=unix,addr.path=mars-$_runid-$l,addr.abstract=on")
		else
			continue
		fi
		args+=(-device "virtio-net-pci,netdev=n$peer,mac=$(_mac "$k" "$peer")")
	done
	qemu-system-x86_64 "${args[@]}" >>"$d/qemu.log" 2>&1 &
	_pid[$k]=$!
	echo "${_pid[$k]}" >"$d/qemu.pid"
	log "guest $k: booting (boot $boot, pid ${_pid[$k]})"
}

_guest_wait_ready() {
	local k=$1 d ctl t=0
	d=$(_gdir "$k")
	ctl=$d/ctl
	while [ ! -e "$ctl/ready" ]; do
		kill -0 "${_pid[$k]}" 2>/dev/null ||
			fail "guest $k: QEMU exited during boot (see $d/qemu.log and console logs)"
		sleep 0.2
		t=$((t + 1))
		[ $t -lt 900 ] || fail "guest $k: no agent after 180 s"
	done
	log "guest $k: $(cat "$ctl/ready")"
}

# Queue CMD for guest K; sets _id to its number. (Not called in a
# subshell: the per-guest counter must survive.)
_submit() {
	local k=$1 bg=$2 cmd=$3 ctl
	ctl=$(_gdir "$k")/ctl
	_seq[$k]=$((${_seq[$k]:-0} + 1))
	_id=$(printf '%06d' "${_seq[$k]}")
	[ "$bg" = 1 ] && : >"$ctl/bg-$_id"
	printf '%s\n' "$cmd" >"$ctl/tmp-$_id"
	mv "$ctl/tmp-$_id" "$ctl/cmd-$_id.sh"
}

on() {
	local k=$1 timeout=300
	shift
	if [ "$1" = -t ]; then timeout=$2; shift 2; fi
	local cmd=$*
	kill -0 "${_pid[$k]:-0}" 2>/dev/null || fail "guest $k is not running (for: $cmd)"
	_submit "$k" 0 "$cmd"
	log "g$k\$ $cmd"
	_await "$k" "$_id" "$timeout" "$cmd"
}

# _await K ID TIMEOUT CMD: wait for guest K's command ID, print its output,
# return its exit status (fails the scenario on timeout or a dead guest).
_await() {
	local k=$1 id=$2 timeout=$3 cmd=$4 ctl waited=0
	ctl=$(_gdir "$k")/ctl
	while [ ! -s "$ctl/rc-$id" ]; do
		sleep 0.1
		waited=$((waited + 1))
		if [ $waited -ge $((timeout * 10)) ]; then
			cat "$ctl/out-$id" 2>/dev/null
			fail "guest $k: command timed out after ${timeout}s: $cmd"
		fi
		if ! kill -0 "${_pid[$k]}" 2>/dev/null; then
			cat "$ctl/out-$id" 2>/dev/null
			fail "guest $k died during: $cmd"
		fi
	done
	cat "$ctl/out-$id"
	return "$(cat "$ctl/rc-$id")"
}

# Run CMD and fail the scenario unless it succeeds.
must() {
	local k=$1
	shift
	on "$k" "$@" || fail "guest $k: command failed: $*"
}

# Run CMD and fail the scenario unless it fails (exit status != 0).
must_fail() {
	local k=$1
	shift
	if on "$k" "$@"; then fail "guest $k: command should have failed: $*"; fi
}

# must_all K... -- CMD: CMD on every guest K at once; each guest's output
# in turn, under a "gK:" line; fails unless it succeeded on every guest.
must_all() {
	local ks=() k cmd bad=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do ks+=("$1"); shift; done
	[ "${1:-}" = -- ] || fail "must_all: no -- before the command"
	shift
	cmd=$*
	local -A ids=()
	for k in "${ks[@]}"; do
		kill -0 "${_pid[$k]:-0}" 2>/dev/null || fail "guest $k is not running (for: $cmd)"
		_submit "$k" 0 "$cmd"
		ids[$k]=$_id
		log "g$k\$ $cmd"
	done
	for k in "${ks[@]}"; do
		echo "g$k:"
		_await "$k" "${ids[$k]}" 300 "$cmd" || bad="$bad $k"
	done
	[ -z "$bad" ] || fail "command failed on guest(s)$bad: $cmd"
}

on_bg() {
	local k=$1
	shift
	_submit "$k" 1 "$*"
	log "g$k\$ $* &"
}

_wait_exit() {
	local k=$1 n=0
	while kill -0 "${_pid[$k]}" 2>/dev/null; do
		sleep 0.1
		n=$((n + 1))
		[ $n -lt 600 ] || return 1
	done
	wait "${_pid[$k]}" 2>/dev/null || true
}

# Stop guest K's nbdkit disk servers (VOLATILE_DISKS): SIGKILL drops
# their unflushed cache, as a power cut does.
_nbd_stop() {
	local k=$1 p
	for p in ${_nbd[$k]:-}; do
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	unset "_nbd[$k]"
}

guest_kill() {
	local k=$1
	log "guest $k: power cut"
	kill -9 "${_pid[$k]}" 2>/dev/null || true
	_wait_exit "$k"
	_nbd_stop "$k"
	unset "_pid[$k]"
}

guest_shutdown() {
	local k=$1
	on_bg "$k" 'sync; /bb/busybox reboot -f'
	_wait_exit "$k" || { kill -9 "${_pid[$k]}"; fail "guest $k: no clean poweroff"; }
	log "guest $k: powered off"
	_nbd_stop "$k"
	unset "_pid[$k]"
}

guest_running() { kill -0 "${_pid[$1]:-0}" 2>/dev/null; }

# Kill every guest still running (called when a scenario ends).
_kill_all_guests() {
	local k
	for k in "${!_pid[@]}"; do
		kill -9 "${_pid[$k]}" 2>/dev/null || true
	done
	for k in "${!_nbd[@]}"; do _nbd_stop "$k"; done
	wait 2>/dev/null || true
}
source "$REPO/tests/vm/mars-helpers.sh"
