#!/bin/sh
# What the eBPF layer costs (root only: loading the programs needs
# CAP_BPF+CAP_NET_ADMIN): per run, getting the programs (loaded by libbpf,
# or taken from the pins an earlier run left in a bpffs) + attach + rules +
# detach through the real loader, and one UDP connect() with and without
# the allow-list programs (ebpf_bench.c); then whole runs of /bin/true,
# interleaved, with --ebpf off and with the programs, as ratios.
# Started by benches/run.sh with its environment; usage: ebpf.sh BUILD_DIR
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -u)" != 0 ]; then
	echo "ebpf: SKIP: needs root"
	exit 0
fi
d=$(mktemp -d /tmp/sandbox-ebpf-bench.XXXXXX)
cache=""
if [ "$(stat -fc %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ]; then
	cache=/sys/fs/bpf/sandbox-bench-$$
fi
trap 'rm -rf "$d"; [ -n "$cache" ] && rm -rf "$cache"' EXIT
cc -O2 -std=gnu11 -D_GNU_SOURCE -iquote "$top/sandbox" -iquote "$top/$build" -o "$d/ebpf_bench" \
	"$top/benches/ebpf_bench.c" "$top/sandbox/bpf/loader.c" "$top/sandbox/bpf/cache.c" "$top/sandbox/bpf/token.c" \
	"$top/sandbox/err.c" -Wl,-Bstatic $(pkg-config --libs --static libbpf) -Wl,-Bdynamic -Wl,--wrap=syscall || exit 1
own=$(sed -n 's/^0:://p' /proc/self/cgroup)
if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then base=/sys/fs/cgroup; else base=/sys/fs/cgroup/unified; fi
"$d/ebpf_bench" "$base${own%/}" $cache || exit 1
[ -n "$cache" ] || echo "(no bpffs at /sys/fs/bpf: every run loads its programs; mount -t bpf bpf /sys/fs/bpf to keep them)"
sb="$top/$build/sandbox"
cd "$d" || exit 1
python3 - "$sb" <<'PY'
import glob, shutil, statistics, subprocess, sys, time
sb = sys.argv[1]
runs = {
    "--ebpf off": ["--ebpf", "off"],
    "devices (auto)": ["--ebpf", "auto"],
    "+ socket families": ["--socket-families", "unix,inet"],
    "+ --net host allow-list": ["--socket-families", "unix,inet", "--net", "host", "--allow-net", "127.0.0.1:80"],
}
def once(args):
    s = time.perf_counter()
    subprocess.run([sb, "run"] + args + ["--", "/bin/true"], check=True)
    return (time.perf_counter() - s) * 1000
def medians(names, n, before=None):
    t = {k: [] for k in names}
    for _ in range(n):  # interleaved: the machine's load hits all alike
        for k in names:
            if before:
                before(k)
            t[k].append(once(runs[k]))
    return {k: statistics.median(v) for k, v in t.items()}
print("whole run of /bin/true, median of 60 each, interleaved (root caller):")
m = medians(list(runs), 60)
off = m["--ebpf off"]
for k, v in m.items():
    extra = "" if k == "--ebpf off" else "  (+%.2f ms, %.2fx)" % (v - off, v / off)
    print("  %-28s %7.2f ms%s" % (k, v, extra))
pins = "/sys/fs/bpf/sandbox"
if glob.glob(pins + "/*"):
    def drop(k):
        if k != "--ebpf off":
            shutil.rmtree(pins, ignore_errors=True)
    f = medians(["--ebpf off", "+ --net host allow-list"], 20, drop)
    v = f["+ --net host allow-list"]
    print("  first run after boot (loads and pins everything): %.2f ms (+%.2f ms, %.2fx)"
          % (v, v - f["--ebpf off"], v / f["--ebpf off"]))
PY
