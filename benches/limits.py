#!/usr/bin/env python3
"""How far past a limit a run gets before it is killed (CPU and wall), and
how exact the CPU figure is: a program that burns 0.5 s or 1.0 s of CPU by
its own clock must be reported within +-1% in 10 of 10 runs.
Usage: limits.py AS_USER SANDBOX HELPERS_DIR"""
import json, shlex, statistics, subprocess, sys

N = 10

def report(as_user, sb, helpers, opts, cmd):
    argv = as_user + [sb, "run", "--ro-bind", f"{helpers}:/h", "--report", "-"] + opts + ["--"] + cmd
    p = subprocess.run(argv, capture_output=True, text=True)
    return json.loads(p.stderr[p.stderr.index("{"):])

def overshoot(as_user, sb, helpers, what, limit_s, opts, cmd, key):
    over = []
    for _ in range(N):
        r = report(as_user, sb, helpers, opts, cmd)
        if r["status"] != "TO":
            print(f"  {what}: expected TO, got {r['status']}: {r['message']}")
            return
        over.append((r[key] - limit_s) * 1000)
    print(f"  {what:<34}median {statistics.median(over):6.1f} ms  max {max(over):6.1f} ms   (target < 10 ms)")

def accuracy(as_user, sb, helpers, secs):
    errs = []
    for _ in range(N):
        r = report(as_user, sb, helpers, [], ["/h/burn", str(secs)])
        errs.append((r["cpu_time_s"] - secs) / secs * 100)
    ok = sum(1 for e in errs if abs(e) <= 1.0)
    print(f"  burn {secs:.1f} s: error median {statistics.median(errs):+.2f}%  worst {max(errs, key=abs):+.2f}%"
          f"  within +-1%: {ok}/{N}   (target 10/{N}; cgroup={r['cgroup']})")

def main():
    as_user, sb, helpers = shlex.split(sys.argv[1]), sys.argv[2], sys.argv[3]
    probe = subprocess.run(as_user + [sb, "run", "--cpu-time", "1s", "--", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        print("limits: SKIP: --cpu-time needs a delegated cgroup here:", probe.stderr.strip()[-200:])
        return
    print(f"limit overshoot: figure reported minus the limit, {N} runs each")
    overshoot(as_user, sb, helpers, "cpu-time 0.5s, busy loop", 0.5, ["--cpu-time", "0.5s"], ["/h/burn", "inf"], "cpu_time_s")
    overshoot(as_user, sb, helpers, "cpu-time 0.5s, 2 threads", 0.5, ["--cpu-time", "0.5s"], ["/h/burn", "inf", "2"], "cpu_time_s")
    overshoot(as_user, sb, helpers, "wall-time 0.3s, sleep", 0.3, ["--wall-time", "0.3s"], ["/bin/sleep", "5"], "wall_time_s")
    print(f"CPU time accuracy: reported cpu_time_s against the program's own CPU clock, {N} runs each")
    accuracy(as_user, sb, helpers, 0.5)
    accuracy(as_user, sb, helpers, 1.0)

main()
