#!/usr/bin/env python3
"""isolate front end: the judge's cycle (--init, --run, --cleanup of a
trivial program) and a CMS-like run alone, with and without --cg, as
medians of RUNS sequential invocations each (hyperfine -N; a step's
set-up, such as --init before a run, is untimed). isolate is not packaged
in Debian 12: the comparison is with the figures the issue gives for
isolate on this kind of machine, as root (cycle 8-10 ms with --cg, run
3.7-4.4 ms). Usage: isolate.py AS_USER ISOLATE (env ISOLATE_BOX_ROOT,
SANDBOX_CGROUP for --cg)."""
import json, os, shlex, subprocess, sys

RUNS = int(os.environ.get("BENCH_RUNS", "200"))
ISOLATE_CYCLE = (8.0, 10.0)
ISOLATE_RUN = (3.7, 4.4)

def hyperfine(as_user, cmd, prepare=None):
    """Median ms of cmd (a list) over RUNS runs; prepare (untimed) before each."""
    out = os.path.join(os.environ["ISOLATE_BOX_ROOT"], "..", "isolate-bench-%d.json" % os.getpid())
    q = lambda argv: " ".join(shlex.quote(a) for a in argv)
    args = as_user + ["hyperfine", "-N", "-w", "10", "-r", str(RUNS), "--export-json", out]
    if prepare:
        args += ["--prepare", q(prepare)]
    subprocess.run(args + [q(cmd)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as f:
        r = json.load(f)["results"][0]
    os.unlink(out)
    return r["median"] * 1000, (r["user"] + r["system"]) * 1000

def main():
    as_user = shlex.split(sys.argv[1])
    iso = sys.argv[2]
    meta = os.path.join(os.environ["ISOLATE_BOX_ROOT"], "..", "isolate-bench.meta")
    modes = [("--cg", ["--cg"])] if os.environ.get("SANDBOX_CGROUP") else []
    modes.append(("no --cg", []))
    probe = subprocess.run(as_user + [iso, "--version"], capture_output=True, text=True)
    ids = [l for l in probe.stdout.splitlines() if l.startswith("Program ids")]
    print(f"isolate front end: median of {RUNS} sequential runs each (ms, hyperfine -N), as an unprivileged user;")
    print(f"  {ids[0] if ids else ''}; isolate is not packaged in Debian 12, its figures are the issue's (root)")
    print(f"  {'':<34}{'ours':>8}{'CPU':>8}{'isolate':>12}{'ratio':>8}")
    # The core alone, at the same moment: what the front end adds to it.
    sb = os.path.join(os.path.dirname(iso), "sandbox")
    base = hyperfine(as_user, [sb, "run", "--", "/bin/true"])
    print(f"  {'sandbox run -- /bin/true':<34}{base[0]:8.2f}{base[1]:8.2f}")
    for name, cg in modes:
        box = ["-b", "4242"] + cg
        init, cleanup = [iso] + box + ["--init"], [iso] + box + ["--cleanup"]
        run = [iso] + box + ["-s", "--run", "--", "/bin/true"]
        cms = [iso] + box + ["-s", "--chdir=/box", "--time=1", "--wall-time=3", "--extra-time=0.5",
                             "--processes=1", "--fsize=65536", f"--meta={meta}"]
        cms += (["--cg-mem=262144"] if cg else ["--mem=262144"]) + ["--run", "--", "/bin/true"]
        subprocess.run(as_user + cleanup, check=True)
        t_init = hyperfine(as_user, init, prepare=cleanup)
        t_clean = hyperfine(as_user, cleanup, prepare=init)
        subprocess.run(as_user + init, check=True, stdout=subprocess.DEVNULL)
        t_run = hyperfine(as_user, run)
        t_cms = hyperfine(as_user, cms)
        subprocess.run(as_user + cleanup, check=True)
        cycle = tuple(a + b + c for a, b, c in zip(t_init, t_run, t_clean))
        mid_c, mid_r = sum(ISOLATE_CYCLE) / 2, sum(ISOLATE_RUN) / 2
        row = lambda label, t, iso_txt="", ratio=None: print(
            f"  {name + ': ' + label:<34}{t[0]:8.2f}{t[1]:8.2f}{iso_txt:>12}" + (f"{ratio:7.2f}x" if ratio else ""))
        row("--init", t_init)
        row("--run -- /bin/true", t_run)
        row("--cleanup", t_clean)
        row("cycle (init + run + cleanup)", cycle, "8-10", cycle[0] / mid_c)
        row("CMS-like run (limits, meta)", t_cms, "3.7-4.4", t_cms[0] / mid_r)
    load = os.getloadavg()[0]
    print(f"  ours: median wall ms; CPU: mean user+system ms of the whole tree (newuidmap included), which a loaded")
    print(f"  machine inflates less (load average now {load:.1f} on {os.cpu_count()} CPUs); ratio: ours / the middle of")
    print(f"  isolate's range; targets: cycle < 5 ms, run < 4 ms")

main()
