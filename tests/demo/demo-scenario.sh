# The demo: boot a guest of the test kernel, load mars.ko and show it
# working. Run by `make demo` (tests/demo.sh).
# timeout: 300

guest_disk 1 mars 2G
guest_disk 1 data 1G
guest_boot 1
on 1 'echo "== guest: $(uname -sr), disks: $DISK_MARS (for /mars), $DISK_DATA (data)"'
on 1 'insmod $MARS_KO && dmesg | grep "mars:"'
on 1 'echo "== module:"; grep "^mars " /proc/modules'
on 1 'echo "== marsadm:"; marsadm --version'
on 1 'rmmod mars && dmesg | grep "mars:" | tail -n1'
guest_shutdown 1
