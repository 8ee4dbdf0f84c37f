#!/bin/sh
# The cgroup v2 lane: run the limit, core, seccomp and isolate tests inside
# ../shared/vm's VM (pure cgroup v2, a systemd-style delegated subtree for an
# unprivileged user, the way most users run; and a second kernel, Debian's
# 6.1, for the namespace and syscall-filter behaviour). Skips, with the
# reason, where the VM cannot start.
# Usage: tests/lane-cgroup-v2.sh BUILD_DIR
set -u
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
vm=$top/../shared/vm/run-in-vm
if [ ! -x "$vm" ]; then
	echo "cgroup v2 lane: SKIP: $vm not found (needs ../shared beside the project)"
	exit 0
fi
if [ "$(id -u)" != 0 ] && ! command -v qemu-system-x86_64 >/dev/null; then
	echo "cgroup v2 lane: SKIP: qemu-system-x86_64 missing and not root to install it"
	exit 0
fi
# Inside, as root: copy what the tests need to the guest's own /tmp (the
# project dir may not be readable by the test user), then run the limit,
# core and seccomp tests as the delegated test user, from its scope.
cat > "$top/$build/vm-lane.sh" <<'IN'
set -u
src=$1
d=$(mktemp -d /tmp/lane.XXXXXX)
mkdir -p "$d/helpers"
cp "$src/sandbox" "$d/"
ln -s sandbox "$d/isolate"
cp "$src"/tests/helpers/* "$d/helpers/"
cp "$src"/tests/integ_test_limits "$src"/tests/integ_test_core "$src"/tests/integ_test_seccomp_hardening \
	"$src"/tests/integ_test_ebpf "$src"/tests/integ_test_isolate "$src"/tests/integ_test_verdicts "$d/"
chmod -R a+rX "$d"
chmod 1777 "$d"
echo "guest: $(uname -r), $(stat -fc %T /sys/fs/cgroup), test cgroup $SANDBOX_TEST_CGROUP"
rc=0
# A guest that gives the test user a subordinate range runs those tests too.
subids=""
if command -v newuidmap >/dev/null && grep -q "^$(id -nu "$SANDBOX_TEST_UID"):" /etc/subuid 2>/dev/null; then
	subids=1
fi
for t in integ_test_limits integ_test_verdicts integ_test_core integ_test_seccomp_hardening integ_test_isolate; do
	# The test runner itself lives in the scope, so do the delegation dance
	# for it: runner into a leaf, controllers on, runs under a sibling.
	as-test-user env SANDBOX_BIN="$d/sandbox" SANDBOX_TESTDIR="$d" SANDBOX_HELPERS="$d/helpers" \
		SANDBOX_TEST_UID="$SANDBOX_TEST_UID" SANDBOX_TEST_GID="$SANDBOX_TEST_GID" RUN_IN_VM=1 T="$d/$t" \
		${subids:+SANDBOX_SUBIDS=1} \
		sh -c 'S=/sys/fs/cgroup$(sed -n "s/^0:://p" /proc/self/cgroup)
		       mkdir "$S/tests" "$S/runs" && echo $$ > "$S/tests/cgroup.procs" &&
		       echo "+memory +pids +cpu" > "$S/cgroup.subtree_control" || exit 1
		       SANDBOX_CGROUP=$S/runs exec "$T" --jobs 1' || rc=1
done
# The eBPF layer as the guest's root (loading programs needs CAP_BPF): on
# pure v2 the programs go on the run's own cgroup; Debian's 6.1 kernel,
# whose BPF LSM is active: securityfs shows it (the guest's own /sys), so
# the lsm_cgroup family program runs too. The guest mounts a bpffs at
# /sys/fs/bpf: the programs are pinned by the first run, reused after.
mount -t securityfs none /sys/kernel/security 2>/dev/null
env SANDBOX_BIN="$d/sandbox" SANDBOX_TESTDIR="$d" SANDBOX_HELPERS="$d/helpers" \
	SANDBOX_TEST_UID="$SANDBOX_TEST_UID" SANDBOX_TEST_GID="$SANDBOX_TEST_GID" RUN_IN_VM=1 \
	"$d/integ_test_ebpf" --jobs 1 --verbose >"$d/ebpf.log" 2>&1 || rc=1
grep -E '^\[(SKIP|FAIL|====)\]|Assert|stderr:|want' "$d/ebpf.log"
exit $rc
IN
cd "$top" || exit 1
out=$("$vm" --timeout 600 --mem 2G -- sh "$build/vm-lane.sh" "$top/$build" 2>&1)
rc=$?
echo "$out" | grep -vE '^\s*$' | tail -n 60
if [ $rc = 125 ]; then
	echo "cgroup v2 lane: SKIP: the VM could not start (exit 125, see above)"
	exit 0
fi
[ $rc = 0 ] && echo "cgroup v2 lane: passed" || echo "cgroup v2 lane: FAILED ($rc)"
exit $rc
