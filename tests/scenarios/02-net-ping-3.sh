# Three guests on a full mesh of unix-socket links: every guest reaches every
# other at 10.0.0.K (no traffic on any host IP address).
# guests: 3
# duration: 50
# timeout: 400

net_link 1 2
net_link 2 3
net_link 1 3
guest_boot_all 1 2 3
# Each guest pings the other two; the three guests at once.
must_all 1 2 3 -- 'for j in 1 2 3; do
	[ $j = $GUEST ] || /bb/busybox ping -c 2 -W 5 10.0.0.$j || exit 1
done'
