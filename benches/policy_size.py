#!/usr/bin/env python3
"""check and run time against policy length. Each policy repeats a mix
of directives a generated policy would hold (env, syscalls rules,
keep-env, comments). Prints the best of 3 for each size, the run's cost
per line, and how each time grew when the length grew 4 times (linear:
about 4). Usage: policy_size.py AS_USER SANDBOX_BIN DIR"""
import os, shlex, subprocess, sys, time

SIZES = [25000, 100000, 400000]

def write_policy(path, n):
    mix = ["env V{i}=value-{i}", "syscalls allow read write", "keep-env X{i}", "# comment {i}",
           "syscalls errno ENOSYS fchmodat2"]
    with open(path, "w") as f:
        f.write("include default\n")
        for i in range(n):
            f.write(mix[i % len(mix)].format(i=i) + "\n")
    os.chmod(path, 0o644)

def best(as_user, argv, runs=3):
    t = []
    for _ in range(runs):
        s = time.monotonic()
        subprocess.run(as_user + argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t.append(time.monotonic() - s)
    return min(t)

def main():
    as_user, sb, d = shlex.split(sys.argv[1]), sys.argv[2], sys.argv[3]
    rows = []
    for n in SIZES:
        path = os.path.join(d, f"p{n}.policy")
        write_policy(path, n)
        tc = best(as_user, [sb, "check", path])
        tr = best(as_user, [sb, "run", "--policy", path, "--", "/bin/true"])
        rows.append((n, tc, tr))
    print("policy size: best of 3 (s); growth = time at 4x the lines / time before (linear: ~4)")
    print(f"  {'lines':>8} {'check':>8} {'run':>8} {'run/check':>10} {'run us/line':>12} {'check growth':>13} {'run growth':>11}")
    prev = None
    for n, tc, tr in rows:
        g = (f"{tc / prev[1]:13.1f} {tr / prev[2]:11.1f}" if prev else f"{'':>13} {'':>11}")
        print(f"  {n:>8} {tc:8.3f} {tr:8.3f} {tr / tc:10.2f} {tr / n * 1e6:12.2f} {g}")
        prev = (n, tc, tr)

if __name__ == "__main__":
    main()
