#!/usr/bin/env python3
"""Power-cut workload (runs in a guest): write files on a mounted file
system, fsync each file and its directory, and only then record the file's
name and MD5 in an acknowledgement log on the host (the /ctl share). After
a power cut every acknowledged file must be present with that content.

Usage: fsync-workload.py DIR ACKLOG TAG
"""
import hashlib
import os
import random
import sys

directory, acklog, tag = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(directory, exist_ok=True)
dfd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
ack = open(acklog, "a", buffering=1)
rng = random.Random(tag)
i = 0
while True:
    i += 1
    name = f"{tag}-{i:06d}"
    data = rng.randbytes(rng.choice([512, 4096, 8192, 65536, 300000, 1 << 20]))
    path = os.path.join(directory, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]
    os.fsync(fd)
    os.close(fd)
    os.fsync(dfd)
    ack.write(f"{name} {hashlib.md5(data).hexdigest()}\n")
    ack.flush()
