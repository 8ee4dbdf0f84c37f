#!/usr/bin/env python3
"""How far past a limit a run gets before it is killed (CPU and wall), with
the run's cgroup and without one (the launcher samples the process tree),
side by side; and how exact the CPU figure is: a program that burns 0.5 s
or 1.0 s of CPU by its own clock must be reported within +-1% in 10 of 10
runs, on both paths.
Usage: limits.py AS_USER SANDBOX HELPERS_DIR"""
import json, os, shlex, statistics, subprocess, sys

N = 10

def report(as_user, sb, helpers, opts, cmd, env):
    argv = as_user + [sb, "run", "--ro-bind", f"{helpers}:/h", "--report", "-"] + opts + ["--"] + cmd
    p = subprocess.run(argv, capture_output=True, text=True, env=env)
    return json.loads(p.stderr[p.stderr.index("{"):])

def overshoot(as_user, sb, helpers, opts, cmd, key, limit_s, env):
    over = []
    for _ in range(N):
        r = report(as_user, sb, helpers, opts, cmd, env)
        if r["status"] != "TO":
            return None, f"expected TO, got {r['status']}: {r['message']}"
        over.append((r[key] - limit_s) * 1000)
    return over, None

def paths(cgroup_env):
    """The two ways a limit is enforced, as (name, extra options, env)."""
    nocg = dict(os.environ)
    nocg.pop("SANDBOX_CGROUP", None)
    out = []
    if cgroup_env is not None:
        out.append(("cgroup", [], cgroup_env))
    out.append(("no cgroup (sampling)", ["--limits", "best-effort"], nocg))
    return out

def main():
    as_user, sb, helpers = shlex.split(sys.argv[1]), sys.argv[2], sys.argv[3]
    probe = subprocess.run(as_user + [sb, "run", "--cpu-time", "1s", "--", "true"], capture_output=True, text=True)
    cg_env = dict(os.environ) if probe.returncode == 0 else None
    if cg_env is None:
        print("limits: the cgroup path is skipped (no delegated cgroup here):", probe.stderr.strip()[-160:])
    cases = [
        ("cpu-time 0.5s, busy loop", ["--cpu-time", "0.5s"], ["/h/burn", "inf"], "cpu_time_s", 0.5),
        ("cpu-time 0.5s, 2 threads", ["--cpu-time", "0.5s"], ["/h/burn", "inf", "2"], "cpu_time_s", 0.5),
        ("cpu-time 1s, 3 processes in turn", ["--cpu-time", "1s"],
         ["/bin/sh", "-c", "/h/burn 0.4; /h/burn 0.4; /h/burn 0.4"], "cpu_time_s", 1.0),
        ("wall-time 0.3s, sleep", ["--wall-time", "0.3s"], ["/bin/sleep", "5"], "wall_time_s", 0.3),
    ]
    print(f"limit overshoot: figure reported minus the limit, {N} runs each (target < 20 ms)")
    print(f"  {'case':<36}{'path':<24}{'median':>9}{'max':>9}")
    for what, opts, cmd, key, limit in cases:
        medians = {}
        for name, extra, env in paths(cg_env):
            over, err = overshoot(as_user, sb, helpers, extra + opts, cmd, key, limit, env)
            if err:
                print(f"  {what:<36}{name:<24}{err}")
                continue
            medians[name] = statistics.median(over)
            print(f"  {what:<36}{name:<24}{statistics.median(over):7.1f}ms{max(over):7.1f}ms")
        if len(medians) == 2:
            a, b = medians.values()
            print(f"  {'':<36}{'no cgroup - cgroup':<24}{b - a:+7.1f}ms")
    print(f"CPU time accuracy: reported cpu_time_s against the program's own CPU clock, {N} runs each")
    for secs in (0.5, 1.0):
        for name, extra, env in paths(cg_env):
            errs = []
            for _ in range(N):
                r = report(as_user, sb, helpers, extra, ["/h/burn", str(secs)], env)
                errs.append((r["cpu_time_s"] - secs) / secs * 100)
            ok = sum(1 for e in errs if abs(e) <= 1.0)
            print(f"  burn {secs:.1f} s, {name:<22} error median {statistics.median(errs):+.2f}%"
                  f"  worst {max(errs, key=abs):+.2f}%  within +-1%: {ok}/{N}")

main()
