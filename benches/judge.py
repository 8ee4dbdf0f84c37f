#!/usr/bin/env python3
"""Judged runs: the whole-process time of a trivial run with cgroup limits
and a report, and sequential judged runs per second, beside a plain run and
bubblewrap. Usage: judge.py AS_USER SANDBOX BWRAP_CMD (env SANDBOX_CGROUP
names the delegated cgroup on a v1 machine)."""
import json, os, shlex, subprocess, sys

RUNS = int(os.environ.get("BENCH_RUNS", "200"))

def hyperfine(as_user, argv, cgroup):
    """(median, mean, min) in ms over RUNS sequential runs (hyperfine -N).
    SANDBOX_CGROUP only for the judged runs: a plain run makes no cgroup."""
    out = os.path.join(os.environ.get("SANDBOX_BENCH_DIR", "/tmp"), "judge-%d.json" % os.getpid())
    cmd = " ".join(shlex.quote(a) for a in argv)
    env = dict(os.environ)
    if not cgroup:
        env.pop("SANDBOX_CGROUP", None)
    subprocess.run(as_user + ["hyperfine", "-N", "-w", "10", "-r", str(RUNS), "--export-json", out, cmd],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    with open(out) as f:
        r = json.load(f)["results"][0]
    os.unlink(out)
    return r["median"] * 1000, r["mean"] * 1000, r["min"] * 1000

def main():
    as_user = shlex.split(sys.argv[1])
    sb = sys.argv[2]
    bwrap = shlex.split(sys.argv[3])
    limits = ["--memory", "256M", "--pids", "64", "--cpu-time", "1s", "--wall-time", "2s"]
    judged = [sb, "run"] + limits + ["--report", "/dev/null", "--", "/bin/true"]
    probe = subprocess.run(as_user + [sb, "run"] + limits + ["--report", "-", "--", "/bin/true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        print("judge: SKIP: a judged run fails here (no delegated cgroup?):", probe.stderr.strip()[-200:])
        return
    cg = json.loads(probe.stderr).get("cgroup")
    judge_policy = [sb, "run", "--policy", "judge", "--limits", "strict", "--report", "/dev/null", "--", "/bin/true"]
    rows = [("sandbox run (plain)", [sb, "run", "--", "/bin/true"], False),
            (f"sandbox judged ({cg})", judged, True),
            (f"sandbox --policy judge ({cg})", judge_policy, True),
            ("bwrap (no limits)", bwrap, False)]
    print(f"judged run: {RUNS} sequential runs of /bin/true (ms, hyperfine -N)")
    print(f"  {'':<28}{'median':>8}{'mean':>8}{'min':>8}{'runs/s':>9}")
    res = {}
    for name, argv, cgroup in rows:
        med, mean, mn = hyperfine(as_user, argv, cgroup)
        res[name] = med
        print(f"  {name:<28}{med:8.2f}{mean:8.2f}{mn:8.2f}{1000 / mean:9.0f}")
    jm = res[f"sandbox judged ({cg})"]
    print(f"  judged/bwrap {jm / res['bwrap (no limits)']:.2f}x; cgroup cost {jm - res['sandbox run (plain)']:.2f} ms"
          f"   (target: judged run < 4 ms; isolate's init/run/cleanup takes 8-10 ms here)")

main()
