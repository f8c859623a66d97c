#!/usr/bin/env bash
# Command agent inside a test guest (started by tests/vm/guest-init).
#
# The host drops numbered scripts into the guest's control share (/ctl, a
# virtio-9p mount of tests/results/SCENARIO/gK/ctl): cmd-ID.sh runs in the
# foreground, its output goes to out-ID and its exit status to rc-ID (written
# last, atomically by rename). With a file bg-ID beside it the script is
# started detached instead and rc-ID says "started". Scripts run one at a
# time, in ID order. /ctl/env.sh (disk names, network) is sourced first.
# While a script runs, a file /ctl/diag-request makes the agent write every
# process's state and kernel stack to /ctl/diag.txt (and blocked tasks to
# the console) at once: the host asks for it when a scenario fails.
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
[ -f /ctl/net.sh ] && bash /ctl/net.sh >/ctl/net.out 2>&1
echo "agent ready on $(hostname), kernel $(uname -r)" >/ctl/ready.tmp
mv /ctl/ready.tmp /ctl/ready
while :; do
	for f in cmd-*.sh; do
		[ -e "$f" ] || break
		id=${f#cmd-}
		id=${id%.sh}
		mv "$f" "run-$id.sh"
		if [ -e "bg-$id" ]; then
			setsid bash -c 'source /ctl/env.sh 2>/dev/null; exec bash "$0"' \
				"/ctl/run-$id.sh" >"out-$id" 2>&1 </dev/null &
			echo started >"rc-$id.tmp"
		else
			bash -c 'source /ctl/env.sh 2>/dev/null; exec bash "$0"' \
				"/ctl/run-$id.sh" >"out-$id" 2>&1 </dev/null &
			pid=$!
			while kill -0 $pid 2>/dev/null; do
				[ -e /ctl/diag-request ] && diagnose
				sleep 0.05
			done
			wait $pid
			echo $? >"rc-$id.tmp"
		fi
		mv "rc-$id.tmp" "rc-$id"
	done
	[ -e /ctl/diag-request ] && diagnose
	sleep 0.05
done
