#!/bin/bash
# Writes a /mars link the way marsadm does: a temporary symlink stamped
# with a Lamport stamp (its mtime), renamed over the old one; then triggers
# the module. Usage: set-link.sh PATH TARGET [STAMP]; PATH relative to
# /mars, STAMP `SEC.NNNNNNNNN` (default: a fresh one from the module's
# clock). Shell rather than Python: it runs in loaded TCG guests, where a
# Python start costs seconds.
set -e
path=$1 target=$2 stamp=${3:-$(cat /proc/sys/mars/lamport_clock)}
full=/mars/$path
dir=${full%/*}
tmp=$dir/.tmp-${full##*/}
mkdir -p "$dir"
rm -f "$tmp"
ln -s "$target" "$tmp"
touch -h -d "@$stamp" "$tmp"
mv -T "$tmp" "$full"
echo 1 >/proc/sys/mars/trigger
echo "$path -> $target @ $stamp"
