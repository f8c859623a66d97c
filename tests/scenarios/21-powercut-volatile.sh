# The power cuts of 12-power-cut on disks whose volatile write cache the
# cut really loses (nbdkit with tests/vm/volatile-disk.py: unflushed writes
# reach the image file only by a flush, a FUA write or an early destage in
# arbitrary order). QEMU's own disks keep everything they were handed, so
# a missing flush to /mars or to the data device shows only here.
# POWERCUT_VOLATILE_CUTS (default 3) sets the number of cuts.
# timeout: 3600

VOLATILE_DISKS=1
POWERCUT_CUTS=${POWERCUT_VOLATILE_CUTS:-3}
source "$REPO/tests/scenarios/12-power-cut.sh"
