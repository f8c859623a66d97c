# shellcheck shell=bash
# Host-side helpers for MARS scenarios (sourced by tests/vm/lib.sh).

# mars_prepare K: fresh ext4 on $DISK_MARS mounted at /mars, module loaded,
# cluster created.
mars_prepare() {
	must "$1" 'mkfs.ext4 -q -F $DISK_MARS && mount $DISK_MARS /mars'
	must "$1" 'insmod $MARS_KO'
	must "$1" 'marsadm create-cluster --address 127.0.0.1'
}

# mars_restart K: after a reboot: mount the existing /mars, load the module.
mars_restart() {
	must "$1" 'mount $DISK_MARS /mars && insmod $MARS_KO'
}

# mars_wait_dev K RES [SECONDS]: wait until /dev/mars/RES exists.
mars_wait_dev() {
	local k=$1 res=$2 t=${3:-120}
	on "$k" "for i in \$(seq $((t * 10))); do [ -b /dev/mars/$res ] && exit 0; sleep 0.1; done; \
		echo 'no /dev/mars/$res after ${t}s'; ls -l /mars/resource-$res /mars/resource-$res/actual-*; dmesg | tail -n 20; exit 1" ||
		fail "guest $k: /dev/mars/$res did not appear"
}

# mars_actual K RES KEY: print actual-gK/KEY of RES.
mars_actual() {
	on "$1" "readlink /mars/resource-$2/actual-g$1/$3"
}
