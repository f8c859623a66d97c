# The demo: boot a guest of the test kernel, load mars.ko, create a cluster
# and a resource with marsadm, put a file system on /dev/mars/demo, and show
# the /mars tree and marsadm's view. Run by `make demo`.
# timeout: 600

guest_disk 1 mars 2G
guest_disk 1 data 256M
guest_boot 1
on 1 'echo "== guest: $(uname -sr); /mars on $DISK_MARS, data disk $DISK_DATA"'
on 1 'mkfs.ext4 -q -F $DISK_MARS && mount $DISK_MARS /mars'
on 1 'insmod $MARS_KO && dmesg | grep "mars:"'
on 1 'echo "== marsadm $(marsadm --version)"; marsadm create-cluster --address 127.0.0.1'
on 1 'marsadm create-resource demo $DISK_DATA'
on 1 'mkfs.ext4 -q /dev/mars/demo && mkdir -p /mnt/demo && mount /dev/mars/demo /mnt/demo &&
	cp -a /usr/share/common-licenses /mnt/demo/ && sync && ls /mnt/demo/common-licenses | head -5'
on 1 'echo "== ls -l /mars/resource-demo"; ls -l /mars/resource-demo /mars/resource-demo/actual-g1'
on 1 'echo "== marsadm view demo"; marsadm view demo'
on 1 'umount /mnt/demo && marsadm down demo && echo "== after down:" && marsadm view demo'
on 1 'rmmod mars && dmesg | grep "mars:" | tail -n 3'
guest_shutdown 1
