# Authentication and hostile input against the metadata port: g1 and g2
# form a cluster; g3 tries to join with a wrong secret (refused by both,
# its /mars receives nothing of the cluster), then attacks g1 with garbage,
# truncated, oversized, corrupt, wrong-version, unauthenticated, replayed
# and foreign-owned input and a flood of connections. No Oops or WARNING
# (the console scan), members keep converging, memory stays bounded.
# duration: 290
# guests: 3
# timeout: 900

source "$REPO/tests/vm/cluster-helpers.sh"
# Three guests on a mesh, but only g1 and g2 are members: g3 stays outside.
cluster_guests3
cluster_create 1
# g2 is an IPv6 member (g1 connects to it over IPv6, it to g1 over IPv4).
cluster_join 2 1 fd00::1 fd00::2
tree_watch 1 2
must 1 'marsadm wait-cluster --timeout 30 && grep "^g2 fd00::2 connected " /proc/sys/mars/peers'
must 2 'grep "^g1 10.0.0.1 connected " /proc/sys/mars/peers' 
wire='python3 /repo/tests/vm/guest/mars-wire.py'

# Wrong secret: join-cluster times out naming the refusal; both members
# log it (rate-limited); g3's /mars holds nothing of the cluster.
must 3 'python3 -c "import os; print(os.urandom(32).hex())" >/tmp/bad-secret && chmod 600 /tmp/bad-secret'
# (Outputs go through /ctl: `$(on ...)` would lose the command counter.)
must 3 'marsadm join-cluster 10.0.0.1 --address 10.0.0.3 --secret-file /tmp/bad-secret --timeout 15 >/ctl/join.out 2>&1; echo "exit=$?" >>/ctl/join.out; cat /proc/sys/mars/peers >>/ctl/join.out'
out=$(cat "$(_gdir 3)/ctl/join.out")
echo "$out" | tee "$RESULTS/wrong-secret.txt"
echo "$out" | grep -q 'exit=3' || fail "join-cluster with a wrong secret did not time out (exit 3)"
echo "$out" | grep -q 'auth-failed' || fail "the refusal does not say auth-failed"
must 3 'test ! -e /mars/uuid && test ! -e /mars/ips/ip-g1 && test ! -e /mars/actual-g1 && test ! -e /mars/ips/ip-g2'
must 1 'dmesg | grep "cluster:.*auth-failed" | head -n 3; test $(dmesg | grep -c "cluster:.*auth-failed") -ge 1 &&
	test $(dmesg | grep -c "cluster:") -le 40 && test -z "$(ls /mars/ips | grep -v -e ip-g1 -e ip-g2)"'
must 3 'marsadm leave-cluster --force; rm -f /mars/join-via; ls -A /mars'

# Hostile input from g3 against g1 (memory and slab before and after).
must 1 'echo clear > /sys/kernel/debug/kmemleak; grep -E "^(MemAvailable|Slab):" /proc/meminfo | tee /ctl/mem-before'
# (One guest command for all: a command's round trip is seconds under TCG.)
must 3 "for mode in garbage truncated huge bad-crc bad-version before-auth wrong-secret; do
	$wire \$mode 10.0.0.1 || { echo \"FAIL: mode \$mode\"; exit 1; }; done"
# Replayed authentication and foreign-owned entries need the secret (a
# member gone bad, or a recorded handshake).
must 1 "install -m 0600 /mars/cluster-secret /ctl/secret-out"
install -m 0600 "$(_gdir 1)/ctl/secret-out" "$(_gdir 3)/ctl/secret-in"
rm -f "$(_gdir 1)/ctl/secret-out"
must 3 "$wire auth 10.0.0.1 --secret-file /ctl/secret-in"
must 3 "$wire replay 10.0.0.1 --secret-file /ctl/secret-in"
must 3 "$wire foreign-entries 10.0.0.1 --secret-file /ctl/secret-in --host intruder --entries actual-g1/alive=1.000000000 resource-x/todo-g2/attach=1 actual-g2/alive=1.000000000"
must 1 'test ! -e /mars/resource-x/todo-g2/attach && test "$(readlink /mars/actual-g2/alive)" != 1.000000000 && test "$(readlink /mars/actual-g1/alive)" != 1.000000000'
must 1 'dmesg | grep "refused" | tail -n 3'
# A stamp beyond /proc/sys/mars/max_future_s (600 s) is refused and logged.
must 3 "$wire foreign-entries 10.0.0.1 --secret-file /ctl/secret-in --host intruder --future 100000 --entries resource-future/size=1048576"
must 1 'test ! -e /mars/resource-future/size && dmesg | grep "resource-future/size.*refused"'
must 3 "$wire flood 10.0.0.1 --count 100 && $wire flood 10.0.0.1 --count 100"
rm -f "$(_gdir 3)/ctl/secret-in"
# Members still converge: a change on g1 reaches g2.
must 1 '/repo/tests/vm/guest/set-link.sh resource-after/size 1048576'
t=$(trees_equal_within 10 1 2) || exit 1
echo "after the hostile input: g1 and g2 converged in ${t}s" | tee -a "$RESULTS/cluster-times"
must 1 'marsadm wait-cluster --timeout 30'
# Sessions end, memory comes back (slab within 8 MiB of before), no leak.
must 1 'sleep 8; grep -E "^(MemAvailable|Slab):" /proc/meminfo >/ctl/mem-after'
cat "$(_gdir 1)/ctl/mem-before" "$(_gdir 1)/ctl/mem-after" | tee "$RESULTS/memory.txt"
must 1 'b=$(awk "/Slab/ {print \$2}" /ctl/mem-before); a=$(awk "/Slab/ {print \$2}" /ctl/mem-after); echo "slab before $b kB after $a kB"; test $((a - b)) -lt 8192'
must 1 'echo scan > /sys/kernel/debug/kmemleak; sleep 6; echo scan > /sys/kernel/debug/kmemleak; cat /sys/kernel/debug/kmemleak >/ctl/leaks'
leaks=$(cat "$(_gdir 1)/ctl/leaks")
[ -z "$leaks" ] || fail "kmemleak after the hostile input: $leaks"

# leave-cluster: g2 leaves; its tombstone reaches g1, g1 stops talking to
# it, and g2's /mars holds nothing of the cluster any more.
must 2 'marsadm leave-cluster --timeout 60 && ls -A /mars && test ! -e /mars/uuid && test ! -e /mars/ips && test ! -e /mars/cluster-secret'
must 1 'test "$(readlink /mars/ips/ip-g2)" = .deleted'
must 1 'for i in $(seq 100); do grep -q "^g2 " /proc/sys/mars/peers || exit 0; sleep 0.1; done; cat /proc/sys/mars/peers; exit 1'
must 2 'sleep 4; ! grep -q . /proc/sys/mars/peers && ! test -e /mars/uuid'
