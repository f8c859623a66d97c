# Replication on three guests: g1 creates r0 and writes to it, g2 and g3
# join (full sync while g1 keeps writing), then fetch and replay follow
# the primary; after the writes stop, the secondaries catch up and all
# three data devices are equal (md5). The faults (link cuts, power cuts,
# the consistency oracle) are in 27-replication-faults.
# In `make check-long` only for now: under the CI's load it took 838 s,
# which put `make check` at 49 min (budget 40); back into `make check`
# once it is smaller or faster (see the issue 11 note).
# tier: long
# guests: 3
# duration: 340
# timeout: 1500

source "$REPO/tests/vm/cluster-helpers.sh"
for k in 1 2 3; do
	guest_disk "$k" mars 512M
	guest_disk "$k" data 64M
done
net_link 1 2
net_link 2 3
net_link 1 3
guest_boot_all 1 2 3
for k in 1 2 3; do cluster_node "$k"; done
cluster_create 1
cluster_join 2 1
cluster_join 3 1
must 1 'marsadm create-resource r0 $DISK_DATA'
mars_wait_dev 1 r0
# Data before the join: the full sync has something to copy.
must 1 'fio --name=pre --filename=/dev/mars/r0 --rw=randwrite --bs=64k --size=48M --io_size=32M --direct=1 --randrepeat=0 --output=/dev/null'
for k in 2 3; do
	must "$k" 'for i in $(seq 300); do [ -L /mars/resource-r0/size ] && exit 0; sleep 0.2; done; exit 1'
done

# g1 writes while the secondaries sync and fetch (at a bounded rate: its
# one vCPU also serves both syncs).
on_bg 1 'fio --name=during --filename=/dev/mars/r0 --rw=randwrite --bs=4k --size=64M --io_size=12M --direct=1 --iodepth=8 --ioengine=libaio --rate_iops=300 --randrepeat=0 --output=/dev/null; echo done >/ctl/fio-done'
for k in 2 3; do
	must "$k" 'marsadm join-resource r0 $DISK_DATA'
done
must 2 'marsadm view r0'
for k in 2 3; do
	on "$k" 'for i in $(seq 900); do [ "$(readlink /mars/resource-r0/syncstatus-g'"$k"')" = 67108864 ] && exit 0; sleep 0.2; done
		ls -l /mars/resource-r0 /mars/resource-r0/actual-g'"$k"'; dmesg | tail -30; exit 1' ||
		fail "guest $k: full sync did not finish in 180 s"
done
log "full sync done on g2 and g3"
i=0
while [ ! -e "$(_gdir 1)/ctl/fio-done" ]; do
	i=$((i + 1)); [ $i -lt 900 ] || fail "fio on g1 did not end"
	sleep 0.5
done
must 1 'sync; md5sum </dev/mars/r0 | cut -d" " -f1 >/ctl/md5-primary; cat /ctl/md5-primary'
want=$(cat "$(_gdir 1)/ctl/md5-primary")
for k in 2 3; do
	on "$k" 'for i in $(seq 600); do
			m=$(dd if=$DISK_DATA bs=1M iflag=direct status=none | md5sum | cut -d" " -f1)
			[ "$m" = '"$want"' ] && exit 0; sleep 0.3; done
		ls -l /mars/resource-r0 /mars/resource-r0/actual-g'"$k"'; dmesg | tail -30; exit 1' ||
		fail "guest $k: data device never equal to the primary's"
	must "$k" 'ls -l /mars/resource-r0/actual-g'"$k"'/'
done
log "secondaries equal to the primary"
must 1 'marsadm view r0'
must 1 'marsadm view r0 --json >/ctl/view.json'
for k in 1 2 3; do must "$k" 'marsadm down r0'; done
for k in 1 2 3; do
	must "$k" 'md5sum <$DISK_DATA | cut -d" " -f1 | grep -qx '"$want"
done
