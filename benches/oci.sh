#!/bin/sh
# sandbox-oci against runc (and crun, which refuses this hybrid-cgroup host):
# the runtime's own create+start+delete of a trivial bundle (as root), and
# rootless `podman run --rm IMAGE true` (as the test user). Started by
# benches/run.sh with its environment.
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${SANDBOX_BENCH_DIR:-/tmp}
oci="$dir/sandbox-oci"
ln -sf sandbox "$oci"
[ -x /bin/busybox ] || { echo "busybox-static missing: skipped"; exit 0; }
rootfs="$dir/oci-rootfs"
rm -rf "$rootfs" && mkdir -p "$rootfs/bin" "$rootfs/proc" "$rootfs/dev" "$rootfs/sys" "$rootfs/tmp" &&
	cp /bin/busybox "$rootfs/bin/" && ln -s busybox "$rootfs/bin/sh" && ln -s busybox "$rootfs/bin/true" &&
	chmod -R a+rX "$rootfs" && tar -C "$rootfs" -cf "$dir/oci-rootfs.tar" . && chmod 644 "$dir/oci-rootfs.tar"
if [ "$(id -u)" = 0 ]; then
	python3 "$top/benches/oci.py" bundle "$rootfs" "$oci" "${BENCH_OCI_RUNS:-30}"
else
	echo "(the bundle bench needs root: skipped)"
fi
echo
if command -v podman >/dev/null; then
	$SANDBOX_BENCH_AS /usr/bin/python3 "$top/benches/oci.py" podman "$dir/oci-rootfs.tar" "$oci" "${BENCH_PODMAN_RUNS:-10}"
else
	echo "(podman is not installed: skipped)"
fi
