#!/bin/bash
# Prints the exchanged part of /mars, sorted: "PATH TARGET STAMP" per link.
# Left out, as local by design or changing every round: log files and other
# regular files (cluster-secret), join-via, temporary names, and the
# heartbeats (actual-HOST/alive).
cd /mars || exit 1
find . -type l -printf '%P %l %T@\n' |
	grep -v -e '^join-via ' -e '/\.tmp-' -e '^\.tmp-' -e '/alive ' -e '^lost+found' |
	LC_ALL=C sort
