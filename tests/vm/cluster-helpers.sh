# shellcheck shell=bash
# Host-side helpers for the cluster scenarios (sourced by the scenarios
# that need them, after tests/vm/lib.sh).
#
#   cluster_node K            fresh ext4 /mars and the module on guest K
#   cluster_guests3           guests 1, 2 and 3, each with a 256 MiB /mars
#                             (CLUSTER_MARS_SIZE)
#                             disk, on a full mesh of links, booted, each
#                             a cluster_node (in parallel); declare any
#                             other disks (guest_disk) before
#   cluster_mesh3 [LIMIT]     a three-member cluster: cluster_guests3, g1
#                             creates the cluster, g2 joins via g1, tree
#                             watchers on all three, g3 joins via g2; the
#                             trees are equal within LIMIT s (default 10)
#                             of g3's join-cluster (the time, in s, goes to
#                             $mesh3_converged); then every member has the
#                             other two connected and all three ips/
#   cluster_create K          create-cluster on K at 10.0.0.K (its secret
#                             must be 0600)
#   cluster_join K VIA [PEER OWN]
#                             copy VIA's secret to K (0600, through the
#                             control shares, like scp), join-cluster via
#                             PEER (10.0.0.VIA) with address OWN (10.0.0.K)
#   tree_watch K...           tree-watch.py on each guest writes its
#                             exchanged tree to ctl/tree.txt and its md5 to
#                             ctl/tree.md5 (every 0.2 s; each version kept
#                             in ctl/trees/)
#   tree_has K REGEX          wait until K's watched tree has such a line
#   trees_equal_within S K... seconds until the watched trees of K... are
#                             equal (prints it), fails after S seconds; with
#                             REQUIRE=REGEX, also until every tree has a
#                             line matching REGEX

_cluster_node_cmd='mkfs.ext4 -q -F $DISK_MARS && mount $DISK_MARS /mars && insmod $MARS_KO'

cluster_node() {
	must "$1" "$_cluster_node_cmd"
}

cluster_guests3() {
	local k
	for k in 1 2 3; do guest_disk "$k" mars "${CLUSTER_MARS_SIZE:-256M}"; done
	net_link 1 2
	net_link 2 3
	net_link 1 3
	guest_boot_all 1 2 3
	must_all 1 2 3 -- "$_cluster_node_cmd"
}

cluster_mesh3() {
	local limit=${1:-10}
	cluster_guests3
	cluster_create 1
	cluster_join 2 1
	tree_watch 1 2 3
	cluster_join 3 2
	# shellcheck disable=SC2034 # read by the scenario
	mesh3_converged=$(trees_equal_within "$limit" 1 2 3) || exit 1
	must_all 1 2 3 -- 'marsadm wait-cluster --timeout 30 && cat /proc/sys/mars/peers &&
		test $(grep -c " connected " /proc/sys/mars/peers) = 2 &&
		test -d /mars/ips && ls /mars/ips | sort | tr "\n" " " | grep -qx "ip-g1 ip-g2 ip-g3 "'
}

cluster_create() {
	must "$1" "marsadm create-cluster --address 10.0.0.$1 && test \"\$(stat -c %a /mars/cluster-secret)\" = 600"
}

cluster_join() {
	local k=$1 via=$2 peer=${3:-10.0.0.$2} own=${4:-10.0.0.$1}
	must "$via" 'install -m 0600 /mars/cluster-secret /ctl/secret-out'
	install -m 0600 "$(_gdir "$via")/ctl/secret-out" "$(_gdir "$k")/ctl/secret-in"
	rm -f "$(_gdir "$via")/ctl/secret-out"
	must "$k" "marsadm join-cluster $peer --address $own --secret-file /ctl/secret-in --timeout 60 && rm /ctl/secret-in"
}

tree_watch() {
	local k
	for k in "$@"; do
		# A previous boot's files would be stale.
		rm -f "$(_gdir "$k")/ctl/tree.md5" "$(_gdir "$k")/ctl/tree.txt"
		on_bg "$k" 'exec python3 /repo/tests/vm/guest/tree-watch.py'
	done
	# A Python start takes seconds in a loaded TCG guest: wait for the
	# first dump of each, so that no later time includes it.
	for k in "$@"; do
		local i=0
		while [ ! -s "$(_gdir "$k")/ctl/tree.md5" ]; do
			i=$((i + 1))
			[ $i -lt 600 ] || fail "guest $k: the tree watcher wrote nothing in 120 s"
			sleep 0.2
		done
	done
}

# tree_has K REGEX: wait (up to 60 s) until guest K's watched tree has a
# line matching REGEX: a change written there is in place (writing it
# takes seconds of process starts in a loaded TCG guest, which is not
# what a convergence time should measure).
tree_has() {
	local k=$1 re=$2 i
	for i in $(seq 300); do
		grep -Eq "$re" "$(_gdir "$k")/ctl/tree.txt" 2>/dev/null && return 0
		sleep 0.2
	done
	fail "guest $k: no line /$re/ in its tree after 60 s"
}

trees_equal_within() {
	local limit=$1 start now k first sum same
	shift
	start=$(date +%s.%N)
	while :; do
		same=1 first=
		for k in "$@"; do
			sum=$(cat "$(_gdir "$k")/ctl/tree.md5" 2>/dev/null)
			[ -n "$sum" ] || same=0
			[ -z "$first" ] && first=$sum
			[ "$sum" = "$first" ] || same=0
			if [ -n "${REQUIRE:-}" ]; then
				grep -Eq "$REQUIRE" "$(_gdir "$k")/ctl/tree.txt" 2>/dev/null || same=0
			fi
		done
		now=$(date +%s.%N)
		if [ "$same" = 1 ]; then
			awk -v a="$start" -v b="$now" 'BEGIN { printf "%.1f\n", b - a }'
			return 0
		fi
		if awk -v a="$start" -v b="$now" -v l="$limit" 'BEGIN { exit !(b - a > l) }'; then
			for k in "$@"; do
				on "$k" '/repo/tests/vm/guest/tree-dump.sh; cat /proc/sys/mars/peers' >"$RESULTS/tree-g$k.txt" 2>&1
			done
			fail "trees of guests $* not equal after ${limit}s (dumps in tree-gK.txt)"
		fi
		sleep 0.2
	done
}
