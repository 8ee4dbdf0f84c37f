#!/usr/bin/env python3
"""sandbox-oci against runc (and crun where it runs).

  bundle  ROOTFS OCI N   as root: the runtime's own create, start, the
                         container's run (`true`), delete of one bundle,
                         median of N, per phase, for each runtime
  podman  IMAGE_TAR OCI N  as the (unprivileged) caller: `podman run --rm
                         IMAGE true`, rootless, median of N wall times

Prints tables with sandbox-oci/runc ratios. The container's init is
reaped by this process (a subreaper, as conmon and the shim are)."""
import ctypes, json, os, shutil, statistics, subprocess, sys, tempfile, time

PR_SET_CHILD_SUBREAPER = 36


def runtimes(oci):
    rts = [("sandbox-oci", oci)]
    for name in ("runc", "crun"):
        path = shutil.which(name) or ("/usr/sbin/" + name if os.path.exists("/usr/sbin/" + name) else None)
        if path:
            rts.append((name, path))
    return rts


def config(rootfs):
    caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
    return {
        "ociVersion": "1.0.2",
        "process": {"terminal": False, "user": {"uid": 0, "gid": 0}, "args": ["true"],
                    "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], "cwd": "/",
                    "capabilities": {k: caps for k in ("bounding", "effective", "permitted", "ambient")},
                    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}], "noNewPrivileges": True},
        "root": {"path": rootfs, "readonly": True},
        "hostname": "bench",
        "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
                   {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
                    "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
                   {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
                    "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
                   {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
                    "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
                   {"destination": "/sys", "type": "sysfs", "source": "sysfs",
                    "options": ["nosuid", "noexec", "nodev", "ro"]}],
        "linux": {"namespaces": [{"type": t} for t in ("pid", "network", "ipc", "uts", "mount")],
                  "maskedPaths": ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"],
                  "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]},
    }


def run(argv):
    """A file, not a pipe, for stderr: the container's init inherits it
    from create and holds it until the container ends."""
    with tempfile.TemporaryFile() as err:
        p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=err)
        if p.returncode != 0:
            err.seek(0)
            raise RuntimeError(err.read().decode(errors="replace").strip().splitlines()[-1:] or ["exit %d" % p.returncode])


def one_cycle(rt, root, bundle, cid):
    """Seconds spent in create, start, the container's life, delete."""
    pidfile = os.path.join(bundle, "pid")
    t0 = time.perf_counter()
    run([rt, "--root", root, "create", "--bundle", bundle, "--pid-file", pidfile, cid])
    t1 = time.perf_counter()
    run([rt, "--root", root, "start", cid])
    t2 = time.perf_counter()
    os.waitpid(int(open(pidfile).read()), 0)
    t3 = time.perf_counter()
    run([rt, "--root", root, "delete", cid])
    t4 = time.perf_counter()
    return [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0]


def bench_bundle(rootfs, oci, n):
    libc = ctypes.CDLL(None)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    tmp = tempfile.mkdtemp(prefix="oci-bench-")
    bundle = os.path.join(tmp, "bundle")
    os.mkdir(bundle)
    json.dump(config(rootfs), open(os.path.join(bundle, "config.json"), "w"))
    rows = {}
    for name, rt in runtimes(oci):
        root = os.path.join(tmp, "root-" + name)
        try:
            one_cycle(rt, root, bundle, "warm")
            samples = [one_cycle(rt, root, bundle, "c%d" % i) for i in range(n)]
        except RuntimeError as e:
            print("%-12s could not run here: %s" % (name, e.args[0][0] if e.args[0] else "?"))
            continue
        rows[name] = [statistics.median(col) * 1000 for col in zip(*samples)]
    shutil.rmtree(tmp, ignore_errors=True)
    print("runtime      create   start   run(true)  delete   total  (ms, median of %d)" % n)
    for name, r in rows.items():
        print("%-12s %6.2f  %6.2f  %9.2f  %6.2f  %6.2f" % (name, *r))
    if "runc" in rows and "sandbox-oci" in rows:
        o, r = rows["sandbox-oci"], rows["runc"]
        print("sandbox-oci/runc: create %.2fx, start %.2fx, delete %.2fx, total %.2fx"
              % (o[0] / r[0], o[1] / r[1], o[3] / r[3], o[4] / r[4]))


def bench_podman(tar, oci, n):
    base = tempfile.mkdtemp(prefix="oci-podman-")
    env = dict(os.environ, HOME=base + "/home", XDG_RUNTIME_DIR=base + "/run",
               XDG_CONFIG_HOME=base + "/home/.config", XDG_DATA_HOME=base + "/home/.local/share")
    os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700)
    podman = ["podman", "--storage-driver", "vfs", "--cgroup-manager=cgroupfs", "--events-backend=file"]
    subprocess.run(podman + ["import", "-q", tar, "localhost/bench-busybox"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    rows = {}
    for name, rt in runtimes(oci):
        argv = podman + ["--runtime", rt, "run", "--rm", "--network", "none", "localhost/bench-busybox", "true"]
        with tempfile.TemporaryFile() as err:
            p = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=err)
            err.seek(0)
            msg = err.read().decode(errors="replace").strip().splitlines()
        if p.returncode != 0:
            print("%-12s could not run here: %s" % (name, msg[-1] if msg else "exit %d" % p.returncode))
            continue
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - t0)
        rows[name] = statistics.median(times) * 1000
    subprocess.run(podman + ["system", "reset", "-f"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(base, ignore_errors=True)
    print("podman run --rm IMAGE true, rootless (ms, median of %d)" % n)
    for name, ms in rows.items():
        print("  %-12s %7.1f" % (name, ms))
    if "runc" in rows and "sandbox-oci" in rows:
        print("  sandbox-oci/runc: %.2fx (the difference, %+.1f ms, is the runtime's own)"
              % (rows["sandbox-oci"] / rows["runc"], rows["sandbox-oci"] - rows["runc"]))


if __name__ == "__main__":
    what, path, oci, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    (bench_bundle if what == "bundle" else bench_podman)(path, oci, n)
