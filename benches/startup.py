#!/usr/bin/env python3
"""Median whole-process time of /bin/true: bare, under sandbox, under
bubblewrap (same isolation), and the launcher's peak RSS. Prints a table
with the sandbox/bubblewrap ratio. Usage: startup.py AS_USER SB_CMD BWRAP_CMD"""
import json, os, shlex, statistics, subprocess, sys, time

RUNS = int(os.environ.get("BENCH_RUNS", "200"))

def timed(as_user, argv, runs):
    """Median wall time in ms, measured by hyperfine -N (fork+exec, no
    shell), so the spawner's own overhead stays out of the figure."""
    out = os.path.join(os.environ.get("SANDBOX_BENCH_DIR", "/tmp"), "hf-%d.json" % os.getpid())
    cmd = " ".join(shlex.quote(a) for a in argv)
    subprocess.run(as_user + ["hyperfine", "-N", "-w", "10", "-r", str(runs), "--export-json", out, cmd],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as f:
        med = json.load(f)["results"][0]["median"]
    os.unlink(out)
    return med * 1000

def peak_rss_kb(argv):
    """VmHWM of the launcher itself while its payload sleeps."""
    p = subprocess.Popen(argv)
    time.sleep(0.3)
    with open(f"/proc/{p.pid}/status") as f:
        hwm = next(int(l.split()[1]) for l in f if l.startswith("VmHWM"))
    p.wait()
    return hwm

def main():
    as_user = shlex.split(sys.argv[1])
    # hyperfine itself runs as the unprivileged user: no wrapper per sample.
    bare = timed(as_user, ["/bin/true"], RUNS)
    t_sb = timed(as_user, shlex.split(sys.argv[2]), RUNS)
    t_bw = timed(as_user, shlex.split(sys.argv[3]), RUNS)
    rss_sb = peak_rss_kb(as_user + shlex.split(sys.argv[2].replace("/bin/true", "sleep 0.6")))
    rss_bw = peak_rss_kb(as_user + shlex.split(sys.argv[3].replace("/bin/true", "sleep 0.6")))
    print(f"startup: median of {RUNS} runs of /bin/true (ms, whole process, hyperfine -N)")
    print(f"  {'bare':<28}{bare:8.2f}")
    print(f"  {'sandbox run (default)':<28}{t_sb:8.2f}")
    print(f"  {'bwrap (same isolation)':<28}{t_bw:8.2f}")
    print(f"  ratio sandbox/bwrap         {t_sb / t_bw:8.2f}x   (target <= 0.80x)")
    print(f"  ratio excl. bare exec       {(t_sb - bare) / (t_bw - bare):8.2f}x")
    print(f"launcher peak RSS: sandbox {rss_sb} KiB, bwrap {rss_bw} KiB (target < 2048 KiB)")

main()
