#!/usr/bin/env python3
"""Flip one byte in the payload of record N (1-based) of a MARS log file
(format v1: 64-byte header, total length at offset 8). Prints
"offset OFFSET record N" with the record's log offset.

Usage: flip-record.py LOG N
"""
import struct
import sys


def main():
    path, want = sys.argv[1], int(sys.argv[2])
    with open(path, "r+b") as f:
        data = f.read()
        off = 0
        for n in range(1, want + 1):
            magic, total = struct.unpack_from("<4sxxxxI", data, off)
            if magic != b"MRSL":
                sys.exit(f"no record {n} at offset {off}")
            if n == want:
                at = off + 64 + (total - 72) // 2
                f.seek(at)
                f.write(bytes([data[at] ^ 0x5A]))
                print(f"offset {off} record {n}")
                return
            off += total


if __name__ == "__main__":
    main()
