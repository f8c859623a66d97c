# The power cuts of 12-power-cut on disks whose volatile write cache the
# cut really loses (nbdkit with tests/vm/volatile-disk.py: unflushed writes
# reach the image file only by a flush, a FUA write or an early destage in
# arbitrary order). QEMU's own disks keep everything they were handed, so
# a missing flush to /mars or to the data device shows only here.
# Cuts: 2 in `make check`, 30 in `make check-long` (MARS_LONG=1);
# POWERCUT_VOLATILE_CUTS=N overrides.
# duration: 145
# timeout: 3600

VOLATILE_DISKS=1
POWERCUT_CUTS=${POWERCUT_VOLATILE_CUTS:-$(tier 2 30)}
source "$REPO/tests/scenarios/12-power-cut.sh"
