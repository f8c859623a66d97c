# nbdkit Python plugin: a disk whose volatile write cache is really lost in
# a power cut.
#
# Writes land in an in-memory cache of 4 KiB blocks; a flush (or a FUA
# write, for its blocks) writes them to the image file. Now and then, as a
# real disk destages its cache, one cached block is written out early, the
# oldest or the newest, so what survives a cut is an arbitrary subset of
# the unflushed writes, not a prefix. A power cut is SIGKILL to nbdkit:
# whatever was not written out is gone, exactly the writes a correct
# system never relied on. Reads see the cache.
#
# Parameters: file=IMAGE (required), destage=P (probability per request of
# writing one cached block out early, default 0.05), seed=N.
#
# Started by tests/vm/lib.sh for scenarios that set VOLATILE_DISKS=1.

import os
import random

import nbdkit

API_VERSION = 2
BLOCK = 4096

_path = None
_destage = 0.05
_seed = 0


def config(key, value):
    global _path, _destage, _seed
    if key == "file":
        _path = value
    elif key == "destage":
        _destage = float(value)
    elif key == "seed":
        _seed = int(value)
    else:
        raise RuntimeError(f"unknown parameter {key}")


def config_complete():
    if _path is None:
        raise RuntimeError("file=IMAGE is required")


def thread_model():
    return nbdkit.THREAD_MODEL_SERIALIZE_ALL_REQUESTS


class Disk:
    def __init__(self):
        self.fd = os.open(_path, os.O_RDWR)
        self.size = os.fstat(self.fd).st_size
        self.cache = {}  # block number -> bytearray(BLOCK), insertion ordered
        self.rng = random.Random(_seed)

    def block(self, n):
        b = self.cache.get(n)
        if b is None:
            b = bytearray(os.pread(self.fd, BLOCK, n * BLOCK))
            b.extend(bytes(BLOCK - len(b)))
        return b

    def write_out(self, n):
        b = self.cache.pop(n)
        os.pwrite(self.fd, b, n * BLOCK)

    def maybe_destage(self):
        if self.cache and self.rng.random() < _destage:
            keys = iter(self.cache) if self.rng.random() < 0.5 else reversed(self.cache)
            self.write_out(next(keys))


def open(readonly):
    return Disk()


def close(h):
    os.close(h.fd)


def get_size(h):
    return h.size


def can_flush(h):
    return True


def can_fua(h):
    return nbdkit.FUA_NATIVE


def can_trim(h):
    return False


def can_zero(h):
    return False


def pread(h, buf, offset, flags):
    n = len(buf)
    first, last = offset // BLOCK, (offset + n - 1) // BLOCK
    if not any(b in h.cache for b in range(first, last + 1)):
        data = os.pread(h.fd, n, offset)
        buf[:len(data)] = data
        if len(data) < n:
            buf[len(data):] = bytes(n - len(data))
    else:
        pos = 0
        while pos < n:
            off = offset + pos
            b, within = divmod(off, BLOCK)
            take = min(BLOCK - within, n - pos)
            buf[pos:pos + take] = h.block(b)[within:within + take]
            pos += take
    h.maybe_destage()


def pwrite(h, buf, offset, flags):
    n = len(buf)
    pos = 0
    touched = []
    while pos < n:
        off = offset + pos
        b, within = divmod(off, BLOCK)
        take = min(BLOCK - within, n - pos)
        blk = h.block(b)
        blk[within:within + take] = buf[pos:pos + take]
        h.cache.pop(b, None)
        h.cache[b] = blk  # now the newest
        touched.append(b)
        pos += take
    if flags & nbdkit.FLAG_FUA:
        for b in touched:
            h.write_out(b)
    h.maybe_destage()


def flush(h, flags):
    for b in sorted(h.cache):
        h.write_out(b)
