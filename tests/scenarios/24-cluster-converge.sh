# The cluster layer on three guests with a full mesh of links: g1 creates
# the cluster, g2 joins via g1, g3 via g2; the exchanged trees converge
# within 10 s and stay equal through a race on one key, a partition of g3,
# a power cut of g2 and an rmmod on g3 behind a dead link. Times go to
# RESULTS/cluster-times. Nothing here has a long tier: the partition
# stays 25 s (counted once g1 and g2 have the change) because it must
# outlast the peers' timeouts (SyncAck 15 s, server idle 20 s,
# TCP_USER_TIMEOUT 20 s from the first round it swallows, keepalive
# 5 + 3 x 3 s), so that the heal needs reconnects, not retransmits.
# duration: 300
# guests: 3
# timeout: 1200

source "$REPO/tests/vm/cluster-helpers.sh"
times=$RESULTS/cluster-times
# g1 creates, g2 joins via g1, g3 via g2; every member connected to both
# others, every ip- link on each.
cluster_mesh3 10
echo "join g3: trees equal ${mesh3_converged}s after join-cluster returned" | tee -a "$times"

# The same key written on two nodes: with one stamp (a tie, broken by the
# target) and with each node's own clock at nearly the same moment.
# (Never `$(on ...)`: the command counter must not live in a subshell.)
must 1 'cat /proc/sys/mars/lamport_clock >/ctl/stamp'
stamp=$(cat "$(_gdir 1)/ctl/stamp")
on_bg 1 "/repo/tests/vm/guest/set-link.sh resource-race/size 1048576 $stamp"
on_bg 2 "/repo/tests/vm/guest/set-link.sh resource-race/size 2097152 $stamp"
tree_has 1 '^resource-race/size '
tree_has 2 '^resource-race/size '
t=$(REQUIRE='^resource-race/size 2097152 ' trees_equal_within 10 1 2 3) || exit 1
echo "tie on one key: same winner (2097152) everywhere after ${t}s" | tee -a "$times"
on_bg 1 '/repo/tests/vm/guest/set-link.sh resource-race/primary g1'
on_bg 2 '/repo/tests/vm/guest/set-link.sh resource-race/primary g2'
tree_has 1 '^resource-race/primary '
tree_has 2 '^resource-race/primary '
t=$(REQUIRE='^resource-race/primary ' trees_equal_within 10 1 2 3) || exit 1
winner=$(awk '$1 == "resource-race/primary" { print $2 }' "$(_gdir 1)/ctl/tree.txt")
echo "race on one key: $winner wins everywhere after ${t}s" | tee -a "$times"

# Partition g3 (all its traffic dropped), change the tree on g1 and g2,
# heal: g3 converges by itself.
must 3 'for d in /sys/class/net/*; do [ -e $d/device ] && tc qdisc add dev ${d##*/} root netem loss 100%; done; true'
must 1 '/repo/tests/vm/guest/set-link.sh resource-race/size 4194304'
must 2 '/repo/tests/vm/guest/set-link.sh resource-part/size 8388608'
tree_has 2 '^resource-part/size 8388608 '
REQUIRE='^resource-part/size 8388608 ' trees_equal_within 10 1 2 >/dev/null || exit 1
sleep 25
must 3 'test ! -e /mars/resource-part/size'
must 3 'for d in /sys/class/net/*; do [ -e $d/device ] && tc qdisc del dev ${d##*/} root; done; true'
t=$(REQUIRE='^resource-part/size 8388608 ' trees_equal_within 10 1 2 3) || exit 1
echo "partition of g3 for 25 s: converged ${t}s after the links came back" | tee -a "$times"

# Power cut of g2 while g1 keeps changing the tree; g2 boots, mounts /mars,
# loads the module and rejoins by itself.
on_bg 1 'for i in $(seq 6); do /repo/tests/vm/guest/set-link.sh resource-race/size $((i * 1048576)); done'
sleep 3
guest_kill 2
guest_boot 2
must 2 'mount $DISK_MARS /mars && insmod $MARS_KO'
t0=$(date +%s.%N)
tree_watch 2
REQUIRE='^ips/ip-g2 ' trees_equal_within 30 1 2 3 >/dev/null || exit 1
t1=$(date +%s.%N)
tree_has 1 '^resource-race/size 6291456 '
t=$(REQUIRE='^resource-race/size 6291456 ' trees_equal_within 20 1 2 3) || exit 1
echo "power cut of g2: trees equal again $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')s after its module was loaded (watcher start included); g1's last change reached all in ${t}s" | tee -a "$times"
must 2 'marsadm wait-cluster --timeout 30'

# rmmod on g3 while its connections are half-open (all of g3's traffic
# dropped again, so no FIN or RST reaches the peers): clean and quick on
# g3, and g1 and g2 notice the dead peer within 30 s by their timeouts.
must 3 'for d in /sys/class/net/*; do [ -e $d/device ] && tc qdisc add dev ${d##*/} root netem loss 100%; done; true'
must 3 'time rmmod mars && ! grep -q "^mars " /proc/modules && dmesg | grep -q "mars: MARS .* unloaded"'
t0=$(date +%s)
for k in 1 2; do
	must "$k" 'for i in $(seq 300); do grep -q "^g3 .* connected " /proc/sys/mars/peers || exit 0; sleep 0.1; done; cat /proc/sys/mars/peers; exit 1'
done
echo "rmmod on g3 behind a dead link: g1 and g2 saw g3 down after $(($(date +%s) - t0)) s (limit 30)" | tee -a "$times"
