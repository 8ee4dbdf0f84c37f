#!/bin/sh
# Syscall filter cost beside bubblewrap with the same filter, and load time.
# Started by benches/run.sh with its environment.
top=$(cd "$(dirname "$0")/.." && pwd)
d="$SANDBOX_BENCH_DIR/seccomp"
mkdir -p "$d"
cc -O2 -static -o "$d/syscall_loop" "$top/benches/syscall_loop.c" 2>/dev/null ||
	cc -O2 -o "$d/syscall_loop" "$top/benches/syscall_loop.c" || exit 1
cc -O2 -o "$d/seccomp_load" "$top/benches/seccomp_load.c" || exit 1
chmod -R a+rwX "$d"
python3 "$top/benches/seccomp.py" "$SANDBOX_BENCH_AS" "$SANDBOX_BIN" "$SANDBOX_BENCH_BWRAP" "$d"
