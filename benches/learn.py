#!/usr/bin/env python3
"""sandbox learn's cost. 1: a whole learning run of the C helper (read a
config, write an output) against a plain `sandbox run` of it and against
`strace -f` around that run. 2: the cost per syscall while learning, on a
getppid loop, against strace -f (ptrace stops each call too) and against
the same loop under the default filter. 3: a policy learned from the loop
runs it at the default filter's cost (same loop, millions of calls).
Usage: learn.py AS_USER SANDBOX DIR (DIR holds syscall_loop, learnprog, in/, out/)."""
import os, shlex, subprocess, sys, time

REPS = 7

def wall(argv):
    """Fastest of REPS runs, in ms (load only ever adds time)."""
    best = None
    for _ in range(REPS):
        t = time.perf_counter()
        p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        dt = (time.perf_counter() - t) * 1000
        if p.returncode != 0:
            print("  failed:", " ".join(argv), p.stderr.strip()[:200])
            return None
        best = dt if best is None else min(best, dt)
    return best

def ns_per_call(argv, reps=3):
    vals = []
    for _ in range(reps):
        p = subprocess.run(argv, capture_output=True, text=True)
        if p.returncode != 0:
            print("  failed:", " ".join(argv), p.stderr.strip()[:200])
            return None
        vals.append(float(p.stdout.split()[-1]))
    return min(vals)

def main():
    as_user, sb, d = shlex.split(sys.argv[1]), sys.argv[2], sys.argv[3]
    have_strace = subprocess.run(["which", "strace"], capture_output=True).returncode == 0
    prog = [f"{d}/learnprog", f"{d}/in/config.txt", f"{d}/out/result.txt"]
    pol = f"{d}/learnprog.policy"
    run = as_user + [sb, "run", "--bind", d, "--"] + prog
    learn = as_user + [sb, "learn", "--bind", d, "-o", pol, "--"] + prog
    print(f"learn: whole runs of the C helper (read a config, write an output), fastest of {REPS}, ms")
    rows = [("sandbox run (default + bind)", wall(run)), ("sandbox learn", wall(learn))]
    if have_strace:
        rows.append(("strace -f -o /dev/null sandbox run", wall(as_user + ["strace", "-f", "-qq", "-o", "/dev/null", sb, "run", "--bind", d, "--"] + prog)))
    base = rows[0][1]
    for label, v in rows:
        print(f"  {label:<40}{v:8.2f} ms  {v / base:5.2f}x" if v and base else f"  {label:<40}    fail")
    n = 20000
    loop = [f"{d}/syscall_loop", str(n), "getppid"]
    print(f"learn: ns per syscall while learning ({n:,} getppid calls, the loop's own clock)")
    bare = ns_per_call(as_user + loop)
    under_run = ns_per_call(as_user + [sb, "run", "--ro-bind", d, "--"] + loop)
    under_learn = ns_per_call(as_user + [sb, "learn", "--ro-bind", d, "-o", f"{d}/loop.policy", "--"] + loop)
    rows = [("bare", bare), ("sandbox run, default filter", under_run), ("sandbox learn (every call recorded)", under_learn)]
    if have_strace:
        rows.append(("strace -f (ptrace stops every call)", ns_per_call(as_user + ["strace", "-f", "-qq", "-o", "/dev/null"] + loop)))
    for label, v in rows:
        print(f"  {label:<40}{v:10.1f} ns  {v / bare:7.1f}x bare" if v and bare else f"  {label:<40}      fail")
    if under_learn and rows[-1][1] and have_strace:
        print(f"  learn / strace -f: {under_learn / rows[-1][1]:.2f}x")
    big = [f"{d}/syscall_loop", "4000000", "getppid"]
    print("learn: the learned policy runs at the normal filter cost (4,000,000 getppid calls)")
    # Alternate the two, fastest of 5 each: the machine's load drifts.
    dflt = learned = None
    for _ in range(5):
        a = ns_per_call(as_user + [sb, "run", "--ro-bind", d, "--"] + big, 1)
        b = ns_per_call(as_user + [sb, "run", "--policy", f"{d}/loop.policy", "--"] + big, 1)
        dflt = a if dflt is None or (a and a < dflt) else dflt
        learned = b if learned is None or (b and b < learned) else learned
    if dflt and learned:
        print(f"  default policy {dflt:.1f} ns, learned policy {learned:.1f} ns: {learned / dflt:.2f}x (target 1.00x, within noise)")
    ins = subprocess.run(as_user + [sb, "seccomp-export", "--policy", f"{d}/loop.policy"], capture_output=True)
    dins = subprocess.run(as_user + [sb, "seccomp-export"], capture_output=True)
    if ins.returncode == 0 and dins.returncode == 0:
        print(f"  filter size: learned {len(ins.stdout) // 8} instructions, default {len(dins.stdout) // 8}")

main()
