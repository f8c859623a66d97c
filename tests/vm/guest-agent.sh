#!/usr/bin/env bash
# Command agent inside a test guest (started by tests/vm/guest-init).
#
# The host drops numbered scripts into the guest's control share (/ctl, a
# virtio-9p mount of tests/results/SCENARIO/gK/ctl): cmd-ID.sh runs in the
# foreground, its output goes to out-ID and its exit status to rc-ID (one
# write, so a non-empty rc-ID is complete). With a file bg-ID beside it the
# script is started detached instead and rc-ID says "started". Scripts run
# one at a time, in ID order; IDs only grow (the host removes unrun scripts
# before a boot). /ctl/env.sh (disk names, network) is sourced first.
# While a script runs, a file /ctl/diag-request makes the agent write every
# process's state and kernel stack to /ctl/diag.txt (and blocked tasks to
# the console) at once: the host asks for it when a scenario fails.
#
# Under TCG every fork and exec costs a good part of a second of the
# guest's only vCPU, so the agent runs no program of its own per command or
# per poll: scripts run in a subshell (a fork, no exec), waits are `read -t`
# on a FIFO, files are written with redirections.
cd /ctl || exit 1

diagnose() {
	local p comm stat line
	echo w >/proc/sysrq-trigger 2>/dev/null
	# Shell builtins only: a fork per process is seconds under TCG.
	for p in /proc/[0-9]*; do
		read -r comm <"$p/comm" 2>/dev/null || continue
		read -r stat <"$p/stat" 2>/dev/null
		stat=${stat##*) }
		echo "== $comm ${p#/proc/} ${stat%% *}"
		while read -r line; do echo "$line"; done <"$p/stack" 2>/dev/null
	done >/ctl/diag.tmp 2>&1
	mv /ctl/diag.tmp /ctl/diag.txt
	rm -f /ctl/diag-request
}

# nap SECONDS: a wait without a fork. Reads from a FIFO nobody writes,
# except a foreground script's wrapper when the script ends: that ends the
# nap at once.
mkfifo /tmp/agent-wake
exec 3<>/tmp/agent-wake
nap() { read -r -t "$1" -u 3 _; }

# run_script ID: runs cmd-ID.sh in a subshell with env.sh sourced.
run_script() {
	(
		exec 3>&- </dev/null >"out-$1" 2>&1
		source /ctl/env.sh 2>/dev/null
		source "/ctl/cmd-$1.sh"
	)
}

[ -f /ctl/net.sh ] && bash /ctl/net.sh >/ctl/net.out 2>&1 3>&-
echo "agent ready on $(hostname), kernel $(uname -r)" >/ctl/ready.tmp
mv /ctl/ready.tmp /ctl/ready
last=000000
while :; do
	for f in cmd-*.sh; do
		[ -e "$f" ] || break
		id=${f#cmd-}
		id=${id%.sh}
		[[ $id > $last ]] || continue
		last=$id
		if [ -e "bg-$id" ]; then
			setsid bash -c 'source /ctl/env.sh 2>/dev/null; exec bash "$0"' \
				"/ctl/cmd-$id.sh" >"out-$id" 2>&1 </dev/null 3>&- &
			echo started >"rc-$id"
		else
			{
				run_script "$id"
				echo $? >"rc-$id"
				echo done >&3
			} &
			pid=$!
			while kill -0 $pid 2>/dev/null; do
				[ -e /ctl/diag-request ] && diagnose
				nap 1
			done
			wait $pid
		fi
	done
	[ -e /ctl/diag-request ] && diagnose
	nap 0.1
done
