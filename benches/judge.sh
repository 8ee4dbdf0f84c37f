#!/bin/sh
# Judged runs (cgroup limits + report) per second, and limit overshoot and
# CPU accuracy. Started by benches/run.sh with its environment.
top=$(cd "$(dirname "$0")/.." && pwd)
python3 "$top/benches/judge.py" "$SANDBOX_BENCH_AS" "$SANDBOX_BIN" "$SANDBOX_BENCH_BWRAP"
echo
python3 "$top/benches/limits.py" "$SANDBOX_BENCH_AS" "$SANDBOX_BIN" "$SANDBOX_BENCH_DIR/helpers"
