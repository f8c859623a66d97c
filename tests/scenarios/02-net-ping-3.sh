# Three guests on a full mesh of unix-socket links: every guest reaches every
# other at 10.0.0.K (no traffic on any host IP address).
# guests: 3
# timeout: 400

net_link 1 2
net_link 2 3
net_link 1 3
guest_boot_all 1 2 3
for k in 1 2 3; do
	for j in 1 2 3; do
		[ "$k" = "$j" ] && continue
		must "$k" "/bb/busybox ping -c 2 -W 5 10.0.0.$j"
	done
done
