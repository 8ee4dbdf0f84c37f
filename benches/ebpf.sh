#!/bin/sh
# What the eBPF layer costs (root only: loading the programs needs
# CAP_BPF+CAP_NET_ADMIN): per run, load + attach + detach through the real
# loader, and one UDP connect() with and without the allow-list programs
# (ebpf_bench.c); then whole runs of /bin/true with --ebpf off and auto
# (devices program) side by side, as a ratio.
# Started by benches/run.sh with its environment; usage: ebpf.sh BUILD_DIR
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -u)" != 0 ]; then
	echo "ebpf: SKIP: needs root"
	exit 0
fi
d=$(mktemp -d /tmp/sandbox-ebpf-bench.XXXXXX)
trap 'rm -rf "$d"' EXIT
cc -O2 -std=gnu11 -D_GNU_SOURCE -iquote "$top/sandbox" -iquote "$top/$build" -o "$d/ebpf_bench" \
	"$top/benches/ebpf_bench.c" "$top/sandbox/bpf/loader.c" "$top/sandbox/err.c" \
	-Wl,-Bstatic $(pkg-config --libs --static libbpf) -Wl,-Bdynamic -Wl,--wrap=syscall || exit 1
own=$(sed -n 's/^0:://p' /proc/self/cgroup)
if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then base=/sys/fs/cgroup; else base=/sys/fs/cgroup/unified; fi
"$d/ebpf_bench" "$base${own%/}" || exit 1
sb="$top/$build/sandbox"
cd "$d" || exit 1
python3 - "$sb" <<'PY'
import statistics, subprocess, sys, time
sb = sys.argv[1]
def med(mode, n=60):
    t = []
    for _ in range(n):
        s = time.perf_counter()
        subprocess.run([sb, "run", "--ebpf", mode, "--", "/bin/true"], check=True)
        t.append((time.perf_counter() - s) * 1000)
    return statistics.median(t)
off, on = med("off"), med("auto")
print("whole run of /bin/true, median of 60 (root caller):")
print("  --ebpf off                   %7.2f ms" % off)
print("  --ebpf auto (devices)        %7.2f ms  (+%.2f ms, %.2fx)" % (on, on - off, on / off))
PY
