#!/usr/bin/env python3
"""--net user figures, side by side in one run:
start-up (median of hyperfine -N runs of /bin/true) under --net none,
--net user, --net user with an allow-list, and pasta + bwrap started by
hand; throughput of a 200 MB download from a server on the host's
127.0.0.1 through the sandbox (with an allow-list) and through pasta alone.
Environment from benches/run.sh: SANDBOX_BIN, SANDBOX_BENCH_AS,
SANDBOX_BENCH_BWRAP, SANDBOX_BENCH_DIR."""
import json, os, shlex, socket, statistics, subprocess, sys, threading

RUNS = int(os.environ.get("BENCH_NET_RUNS", "60"))
SIZE = 200 * 1000 * 1000
as_user = shlex.split(os.environ.get("SANDBOX_BENCH_AS", ""))
sb = os.environ["SANDBOX_BIN"]
tmp = os.environ.get("SANDBOX_BENCH_DIR", "/tmp")
probe = os.path.join(tmp, "helpers", "nettry")
PASTA = ["pasta", "--config-net", "--quiet", "-t", "none", "-u", "none", "-T", "none", "-U", "none"]

def hyperfine(cmd):
    out = os.path.join(tmp, "hf-net-%d.json" % os.getpid())
    subprocess.run(as_user + ["hyperfine", "-N", "-w", "5", "-r", str(RUNS), "--export-json", out, cmd],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as f:
        med = json.load(f)["results"][0]["median"]
    os.unlink(out)
    return med * 1000

def server():
    """200 MB to every client, from the host's 127.0.0.1."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    chunk = b"x" * (1 << 20)
    def serve():
        while True:
            c, _ = s.accept()
            left = SIZE
            while left > 0:
                n = min(left, len(chunk))
                c.sendall(chunk[:n])
                left -= n
            c.close()
    threading.Thread(target=serve, daemon=True).start()
    return s.getsockname()[1]

def gateway():
    with open("/proc/net/route") as f:
        for line in f.readlines()[1:]:
            p = line.split()
            if p[1] == "00000000" and p[2] != "00000000":
                return socket.inet_ntoa(int(p[2], 16).to_bytes(4, "little"))

def mbps(a, b, rounds=5):
    """Best MB/s of each of two download commands, run alternately so a
    busy moment of the shared machine hits both alike."""
    got = [[], []]
    for _ in range(rounds):
        for i, argv in enumerate((a, b)):
            out = subprocess.run(as_user + argv, capture_output=True, text=True, timeout=120).stdout
            if "ok:" not in out or str(SIZE) not in out:
                raise SystemExit("net bench: download failed: %s" % out.strip())
            got[i].append(float(out.split(",")[-1].split()[0]))
    return [(max(g), statistics.median(g)) for g in got]

def main():
    bwrap = shlex.split(os.environ["SANDBOX_BENCH_BWRAP"])
    # The hand-made way: pasta makes the namespace and its network, bwrap
    # adds the rest of the isolation inside it (sharing that network).
    by_hand = PASTA + ["--"] + [a if a != "--unshare-all" else
                                "--unshare-user --unshare-ipc --unshare-pid --unshare-uts --unshare-cgroup-try"
                                for a in bwrap]
    by_hand = " ".join(by_hand)
    port = server()
    t_none = hyperfine(f"{sb} run --net none -- /bin/true")
    t_user = hyperfine(f"{sb} run --net user -- /bin/true")
    t_rules = hyperfine(f"{sb} run --net user --allow-net host-loopback:{port} --allow-net 10.0.0.0/8:443 -- /bin/true")
    t_hand = hyperfine(by_hand)
    print(f"start-up: median of {RUNS} runs of /bin/true (ms, hyperfine -N)")
    print(f"  {'sandbox --net none':<40}{t_none:8.2f}")
    print(f"  {'sandbox --net user':<40}{t_user:8.2f}   +{t_user - t_none:.2f} ms over none (target <= 5)")
    print(f"  {'sandbox --net user + allow-list':<40}{t_rules:8.2f}")
    print(f"  {'pasta -- bwrap (by hand)':<40}{t_hand:8.2f}")
    print(f"  ratio sandbox --net user / by hand      {t_user / t_hand:8.2f}x  (target <= 1.00x)")
    sandboxed, alone = mbps([sb, "run", "--net", "user", "--allow-net", f"host-loopback:{port}", "--ro-bind",
                             f"{probe}:/nettry", "--", "/nettry", "fetch", "4", "host-loopback", str(port)],
                            PASTA + ["--", probe, "fetch", "4", gateway(), str(port)])
    print(f"throughput: 200 MB from the host's 127.0.0.1, 5 runs each, alternating (MB/s: best, median)")
    print(f"  {'sandbox --net user + allow-list':<40}{sandboxed[0]:8.1f} {sandboxed[1]:8.1f}")
    print(f"  {'pasta alone':<40}{alone[0]:8.1f} {alone[1]:8.1f}")
    print(f"  ratio sandbox / pasta alone             {sandboxed[0] / alone[0]:8.2f}x {sandboxed[1] / alone[1]:8.2f}x  (target >= 1.00x)")

main()
