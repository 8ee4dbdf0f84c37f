#!/bin/sh
# --net user: start-up against --net none and against the hand-made way
# (pasta started by hand around bwrap), and a 200 MB download from a server
# on the host's loopback through the sandbox's network against pasta alone.
# Started by benches/run.sh (as the unprivileged user, from its temp dir).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
command -v pasta >/dev/null || { echo "net bench: pasta missing (apt-get install passt)"; exit 0; }
exec python3 "$top/benches/net.py"
