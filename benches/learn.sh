#!/bin/sh
# sandbox learn: how much slower a learning run is (every syscall stops for
# the recorder) beside strace, the tool people learn syscalls with today,
# and that a learned policy then costs what any filter costs.
# Started by benches/run.sh with its environment.
top=$(cd "$(dirname "$0")/.." && pwd)
d="$SANDBOX_BENCH_DIR/learn"
mkdir -p "$d/in" "$d/out"
cc -O2 -static -o "$d/syscall_loop" "$top/benches/syscall_loop.c" 2>/dev/null ||
	cc -O2 -o "$d/syscall_loop" "$top/benches/syscall_loop.c" || exit 1
cp "$SANDBOX_BENCH_DIR/helpers/learnprog" "$d/" || exit 1
printf 'apples 1\npears 2\nplums 39\n' > "$d/in/config.txt"
chmod -R a+rwX "$d"
python3 "$top/benches/learn.py" "$SANDBOX_BENCH_AS" "$SANDBOX_BIN" "$d"
