set -u
src=$1
d=$(mktemp -d /tmp/lane.XXXXXX)
mkdir -p "$d/helpers"
cp "$src/sandbox" "$d/"
cp "$src"/tests/helpers/* "$d/helpers/"
cp "$src"/tests/integ_test_limits "$src"/tests/integ_test_core "$src"/tests/integ_test_seccomp_hardening "$d/"
chmod -R a+rX "$d"
chmod 1777 "$d"
echo "guest: $(uname -r), $(stat -fc %T /sys/fs/cgroup), test cgroup $SANDBOX_TEST_CGROUP"
rc=0
for t in integ_test_limits integ_test_core integ_test_seccomp_hardening; do
	# The test runner itself lives in the scope, so do the delegation dance
	# for it: runner into a leaf, controllers on, runs under a sibling.
	as-test-user env SANDBOX_BIN="$d/sandbox" SANDBOX_TESTDIR="$d" SANDBOX_HELPERS="$d/helpers" \
		SANDBOX_TEST_UID="$SANDBOX_TEST_UID" SANDBOX_TEST_GID="$SANDBOX_TEST_GID" RUN_IN_VM=1 T="$d/$t" \
		sh -c 'S=/sys/fs/cgroup$(sed -n "s/^0:://p" /proc/self/cgroup)
		       mkdir "$S/tests" "$S/runs" && echo $$ > "$S/tests/cgroup.procs" &&
		       echo "+memory +pids +cpu" > "$S/cgroup.subtree_control" || exit 1
		       SANDBOX_CGROUP=$S/runs exec "$T" --jobs 1' || rc=1
done
exit $rc
