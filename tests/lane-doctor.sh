#!/bin/sh
# The doctor lane: `sandbox doctor` in ../shared/vm's VM (pure cgroup v2,
# systemd-style delegation): as the test user in a delegated scope, as the
# test user outside any (root's service cgroup), as root, and with user
# namespaces turned off by the real sysctl (user.max_user_namespaces=0),
# where doctor must exit 1 naming it and `sandbox run` fail with 125 and the
# same fix. Skips, with the reason, where the VM cannot start.
# Usage: tests/lane-doctor.sh BUILD_DIR
set -u
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
vm=$top/../shared/vm/run-in-vm
if [ ! -x "$vm" ]; then
	echo "doctor lane: SKIP: $vm not found (needs ../shared beside the project)"
	exit 0
fi
if [ "$(id -u)" != 0 ] && ! command -v qemu-system-x86_64 >/dev/null; then
	echo "doctor lane: SKIP: qemu-system-x86_64 missing and not root to install it"
	exit 0
fi
cat > "$top/$build/vm-doctor.sh" <<'IN'
set -u
src=$1
d=$(mktemp -d /tmp/doctor.XXXXXX)
mkdir -p "$d/helpers"
cp "$src/sandbox" "$src/tests/integ_test_doctor" "$d/"
cp "$src"/tests/helpers/* "$d/helpers/"
chmod -R a+rX "$d"
chmod 1777 "$d"
rc=0
fail() { echo "doctor lane: FAIL: $*"; rc=1; }
has() { case $1 in *"$2"*) return 0 ;; esac; return 1; }
envs="SANDBOX_BIN=$d/sandbox SANDBOX_TESTDIR=$d SANDBOX_HELPERS=$d/helpers SANDBOX_TEST_UID=$SANDBOX_TEST_UID SANDBOX_TEST_GID=$SANDBOX_TEST_GID RUN_IN_VM=1"
echo "guest: $(uname -r), $(stat -fc %T /sys/fs/cgroup)"
# The test user in its delegated scope, the test runner moved to a leaf as
# the cgroup v2 lane does (a scope holding other processes cannot give its
# children controllers), then root.
as-test-user env $envs T="$d/integ_test_doctor" sh -c 'S=/sys/fs/cgroup$(sed -n "s/^0:://p" /proc/self/cgroup)
	mkdir "$S/tests" "$S/runs" && echo $$ > "$S/tests/cgroup.procs" &&
	echo "+memory +pids +cpu" > "$S/cgroup.subtree_control" || exit 1
	SANDBOX_CGROUP=$S/runs exec "$T" --jobs 1' || rc=1
env $envs "$d/integ_test_doctor" --jobs 1 --filter 'doctor/as_root' || rc=1
# The test user outside any delegated cgroup: limits fall back, default runs.
out=$(setpriv --reuid="$SANDBOX_TEST_UID" --regid="$SANDBOX_TEST_GID" --clear-groups "$d/sandbox" doctor --json); st=$?
[ $st = 0 ] || fail "doctor without delegation exited $st"
has "$out" '"cgroup": {"state": "missing"' || has "$out" '"cgroup": {"state": "degraded"' || fail "cgroup not reported unusable: $out"
has "$out" 'Delegate=yes' || fail "no v2 delegation fix: $out"
has "$out" '"judge": {"verdict": "best-effort"' || fail "judge not best-effort: $out"
# A delegated scope that still holds another process: doctor says why not,
# and a judged run there indeed falls back to the launcher's sampling.
both=$(as-test-user sh -c "sleep 60 & p=\$!; $d/sandbox doctor --json; $d/sandbox run --policy judge --chdir / --report - -- /bin/true 2>&1; kill \$p")
has "$both" 'holds other processes' || fail "busy scope not reported: $both"
has "$both" '"judge": {"verdict": "best-effort"' || fail "judge not best-effort in a busy scope: $both"
has "$both" '"memory_bytes": {"value": 268435456, "enforced_by": "sampling"}' || fail "the run in a busy scope: $both"
# User namespaces off, by the sysctl an admin would use.
old=$(cat /proc/sys/user/max_user_namespaces)
sysctl -qw user.max_user_namespaces=0
out=$(as-test-user "$d/sandbox" doctor 2>&1); st=$?
json=$(as-test-user "$d/sandbox" doctor --json 2>&1)
run=$(as-test-user "$d/sandbox" run -- /bin/true 2>&1); rst=$?
sysctl -qw user.max_user_namespaces="$old"
fix='sysctl -w user.max_user_namespaces=15000'
[ $st = 1 ] || fail "doctor exited $st with user namespaces off"
has "$json" 'the sysctl user.max_user_namespaces is 0' || fail "doctor does not name the sysctl: $json"
has "$json" "$fix" || fail "doctor does not give the fix: $json"
has "$out" 'missing   user namespaces' || fail "text form: $out"
[ $rst = 125 ] || fail "run exited $rst with user namespaces off: $run"
has "$run" 'the sysctl user.max_user_namespaces is 0' && has "$run" "$fix" || fail "run's message differs: $run"
[ $rc = 0 ] && echo "doctor lane: user namespaces off: doctor exit 1 and run exit 125, both naming $fix"
exit $rc
IN
cd "$top" || exit 1
out=$("$vm" --timeout 600 --mem 2G -- sh "$build/vm-doctor.sh" "$top/$build" 2>&1)
rc=$?
echo "$out" | grep -vE '^\s*$' | tail -n 40
if [ $rc = 125 ]; then
	echo "doctor lane: SKIP: the VM could not start (exit 125, see above)"
	exit 0
fi
[ $rc = 0 ] && echo "doctor lane: passed" || echo "doctor lane: FAILED ($rc)"
exit $rc
