#!/bin/sh
# Policy size: check and run on generated policies of 25k to 400k lines.
# A run must stay linear in the policy's length, as check is (a run used
# to take 8 s for 400k lines: the environment was merged pairwise).
# Started by benches/run.sh with its environment.
top=$(cd "$(dirname "$0")/.." && pwd)
d="$SANDBOX_BENCH_DIR/policy_size"
mkdir -p "$d" && chmod 755 "$d"
python3 "$top/benches/policy_size.py" "$SANDBOX_BENCH_AS" "$SANDBOX_BIN" "$d"
