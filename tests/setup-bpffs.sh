# Sourced by tests/run.sh: a bpffs at /sys/fs/bpf, where root callers keep
# the loaded eBPF programs between runs (sandbox/bpf/cache.c). systemd
# mounts it at boot; a minimal host (this CI's) may not have it, so mount it
# as systemd would and leave it (it is the kernel's own mount point). The
# runs before it existed loaded their programs each time; both paths are
# tested (tests/unit/test_ebpf.c uses a cache directory of its own).
if [ "$(stat -fc %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ]; then
	echo "bpffs: mounted at /sys/fs/bpf"
elif [ "$(id -u)" = 0 ] && [ -d /sys/fs/bpf ] && mount -t bpf -o mode=0700 bpf /sys/fs/bpf 2>/dev/null; then
	echo "bpffs: mounted at /sys/fs/bpf (as systemd does at boot)"
else
	echo "bpffs: none at /sys/fs/bpf; root runs load their eBPF programs each time"
fi
