#!/usr/bin/env python3
"""The consistency oracle of replication tests (issue 11, point 7).

write DEV: writes 4 KiB blocks, one at a time (O_DIRECT, each completes
before the next starts, so log order is sequence order). Write number SEQ
(1, 2, ...) goes to block rng(SEED)[SEQ] of the first BLOCKS blocks and
holds SEQ, the block number, the seed and a SHA-256 pattern over them,
so a frozen copy tells for every block which write it holds. Stops when
STOP_FILE exists (checked every 50 writes) or after --count writes.

check IMG: IMG is a copy of a replica's device frozen at some moment. It
is consistent iff it equals the primary's device after some prefix of the
history: with P the highest write found, every block must hold the last
write to it numbered <= P (0: never written). Prints the prefix or the
violations; exit status 0 iff consistent.
"""

import argparse
import hashlib
import mmap
import os
import random
import struct
import sys
import time

BLOCK = 4096
HEAD = struct.Struct("<QQQ")  # seq, block, seed


def sequence(seed, blocks):
    """Block of write 1, 2, ... (an endless generator)."""
    rng = random.Random(seed)
    while True:
        yield rng.randrange(blocks)


def content(seq, block, seed):
    head = HEAD.pack(seq, block, seed)
    pattern = hashlib.sha256(head).digest()
    body = (pattern * (BLOCK // len(pattern) + 1))[: BLOCK - len(head)]
    return head + body


def write(args):
    fd = os.open(args.dev, os.O_WRONLY | os.O_DIRECT)
    buf = mmap.mmap(-1, BLOCK)
    seq = 0
    start = time.time()
    if args.started:
        open(args.started, "w").close()
    for block in sequence(args.seed, args.blocks):
        seq += 1
        buf.seek(0)
        buf.write(content(seq, block, args.seed))
        if os.pwrite(fd, buf, block * BLOCK) != BLOCK:
            print(f"short write at seq {seq}", file=sys.stderr)
            return 1
        if args.count and seq >= args.count:
            break
        if args.rate:
            ahead = start + seq / args.rate - time.time()
            if ahead > 0:
                time.sleep(ahead)
        if seq % 50 == 0 and args.stop_file and os.path.exists(args.stop_file):
            break
    os.close(fd)
    print(f"oracle write: {seq} writes in {time.time() - start:.1f}s")
    if args.progress:
        with open(args.progress, "w") as f:
            f.write(f"{seq}\n")
    return 0


def check(args):
    with open(args.img, "rb") as f:
        data = f.read(args.blocks * BLOCK)
    if len(data) < args.blocks * BLOCK:
        print(f"oracle check: FAIL: {args.img} has {len(data)} bytes, need {args.blocks * BLOCK}")
        return 1
    held = []
    bad = []
    zero = bytes(BLOCK)
    for b in range(args.blocks):
        piece = data[b * BLOCK : (b + 1) * BLOCK]
        if piece == zero:
            held.append(0)
            continue
        seq, block, seed = HEAD.unpack_from(piece)
        if block != b or seed != args.seed or piece != content(seq, block, seed):
            bad.append(b)
            held.append(None)
        else:
            held.append(seq)
    if bad:
        print(f"oracle check: FAIL: {len(bad)} blocks hold no whole write (torn or foreign), e.g. {bad[:5]}")
        return 1
    prefix = max(held)
    last = [0] * args.blocks
    gen = sequence(args.seed, args.blocks)
    for seq in range(1, prefix + 1):
        last[next(gen)] = seq
    wrong = [(b, held[b], last[b]) for b in range(args.blocks) if held[b] != last[b]]
    if wrong:
        print(
            f"oracle check: FAIL: not a prefix of the history: {len(wrong)} blocks differ from "
            f"the state after write {prefix} (block, holds, should hold): {wrong[:5]}"
        )
        return 1
    if prefix < args.min_prefix:
        print(f"oracle check: FAIL: only {prefix} writes found, expected at least {args.min_prefix}")
        return 1
    print(f"oracle check: consistent, equal to the primary after write {prefix} ({args.label})")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    w = sub.add_parser("write")
    w.add_argument("dev")
    w.add_argument("--count", type=int, default=0)
    w.add_argument("--stop-file", default="")
    w.add_argument("--progress", default="")
    w.add_argument("--started", default="", help="file created when the first write is issued")
    w.add_argument("--rate", type=float, default=0, help="writes per second (0: as fast as possible)")
    c = sub.add_parser("check")
    c.add_argument("img")
    c.add_argument("--label", default="")
    c.add_argument("--min-prefix", type=int, default=0, help="fail if fewer writes are found")
    for p in (w, c):
        p.add_argument("--blocks", type=int, default=2048)
        p.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    return write(args) if args.mode == "write" else check(args)


if __name__ == "__main__":
    sys.exit(main())
