#!/usr/bin/env python3
"""Per-syscall cost of the filters, side by side with bubblewrap running the
same program with the same filter (exported by `sandbox seccomp-export` and
passed by `bwrap --seccomp FD`), and the filter's load time.
Usage: seccomp.py AS_USER SANDBOX BWRAP_CMD DIR (DIR holds syscall_loop and
seccomp_load, built by seccomp.sh; it is bound at /h)."""
import os, shlex, subprocess, sys

N = int(os.environ.get("BENCH_SYSCALLS", "4000000"))
REPS = 3

def ns_per_call(argv, fd_file=None):
    """Fastest of REPS runs of the loop's own ns/call figure: other load on
    the machine only ever adds time, so the minimum is the filter's cost."""
    vals = []
    for _ in range(REPS):
        fds = ()
        if fd_file:
            fd = os.open(fd_file, os.O_RDONLY)
            os.dup2(fd, 9)
            os.close(fd)
            fds = (9,)
        p = subprocess.run(argv, capture_output=True, text=True, pass_fds=fds, stdin=subprocess.DEVNULL)
        if fd_file:
            os.close(9)
        if p.returncode != 0:
            return None
        vals.append(float(p.stdout.split()[-1]))
    return min(vals)

def main():
    as_user, sb, bwrap, d = shlex.split(sys.argv[1]), sys.argv[2], shlex.split(sys.argv[3]), sys.argv[4]
    bwrap = [a for a in bwrap if a != "/bin/true"] + ["--ro-bind", d, "/h"]
    allow = os.path.join(d, "allow-all.policy")
    with open(allow, "w") as f:
        f.write("include default\nsyscalls default allow\n")
    os.chmod(allow, 0o644)
    filters = {}
    for name, opts in (("allow-all", ["--policy", allow]), ("default", []), ("judge", ["--policy", "judge"])):
        path = os.path.join(d, name + ".bpf")
        with open(path, "wb") as out:
            r = subprocess.run(as_user + [sb, "seccomp-export"] + opts, stdout=out, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            print("seccomp: SKIP: seccomp-export failed:", r.stderr.strip())
            return
        filters[name] = (path, opts)
    have_bwrap = subprocess.run(["which", "bwrap"], capture_output=True).returncode == 0
    print(f"seccomp: ns per syscall, fastest of {REPS} runs of {N:,} calls (the loop's own clock)")
    print(f"  {'':<34}{'getppid':>9}{'added':>8}{'ioctl':>9}{'added':>8}")
    bare = {m: ns_per_call(as_user + [os.path.join(d, "syscall_loop"), str(N), m]) for m in ("getppid", "ioctl")}
    rows = [("bare (no sandbox, no filter)", bare)]
    sbres, bwres = {}, {}
    for name, (path, opts) in filters.items():
        sbres[name] = {m: ns_per_call(as_user + [sb, "run"] + opts + ["--ro-bind", f"{d}:/h", "--", "/h/syscall_loop", str(N), m])
                       for m in ("getppid", "ioctl")}
        rows.append((f"sandbox, {name} filter", sbres[name]))
    if have_bwrap:
        rows.append(("bwrap, no filter", {m: ns_per_call(as_user + bwrap + ["/h/syscall_loop", str(N), m]) for m in ("getppid", "ioctl")}))
        for name in ("default", "judge"):
            path = filters[name][0]
            bwres[name] = {m: ns_per_call(as_user + bwrap + ["--seccomp", "9", "/h/syscall_loop", str(N), m], path)
                           for m in ("getppid", "ioctl")}
            rows.append((f"bwrap --seccomp, {name} filter", bwres[name]))
    for label, r in rows:
        cells = ""
        for m in ("getppid", "ioctl"):
            v = r.get(m)
            cells += f"{v:9.1f}{v - bare[m]:+8.1f}" if v is not None and bare[m] is not None else f"{'fail':>9}{'':>8}"
        print(f"  {label:<34}{cells}")
    aa = sbres["allow-all"]["getppid"]
    for name in ("default", "judge"):
        g = sbres[name]["getppid"]
        print(f"  {name}: allowed syscall vs allow-all filter {g - aa:+.1f} ns (target <= 0, within noise);"
              f" argument-checked ioctl adds {sbres[name]['ioctl'] - bare['ioctl']:.1f} ns (target < 70)")
        if name in bwres and bwres[name]["getppid"]:
            print(f"  {name}: sandbox/bwrap with the same filter: getppid {g / bwres[name]['getppid']:.2f}x,"
                  f" ioctl {sbres[name]['ioctl'] / bwres[name]['ioctl']:.2f}x (target <= 1.00x)")
    if not have_bwrap:
        print("  (bwrap not installed: no side-by-side rows)")
    for name, (path, _) in filters.items():
        out = subprocess.run(as_user + [os.path.join(d, "seccomp_load"), path, "50"], capture_output=True, text=True)
        if out.returncode == 0:
            insns, us = out.stdout.split()
            print(f"  load {name:<10} {int(insns):4d} instructions, {float(us):6.1f} us median of 50 (target < 150 us)")

main()
