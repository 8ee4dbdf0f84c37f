# Sourced by tests/run.sh: give the test user a cgroup to run under, as an
# admin would. Pure cgroup v2 (systemd) delegates user@UID.service itself,
# so nothing is needed there; on a v1/hybrid machine, create a child of the
# current cgroup in each v1 controller hierarchy the limits use and chown it
# to the test user. SANDBOX_CGROUP names it relative to the current cgroup
# (each hierarchy may place us elsewhere); teardown-cgroup.sh removes it.
# Never touches cgroups it did not create.
sb_cg_name="sbtest-$$"
sb_cg_made=""
if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
	echo "cgroup: pure v2; runs use the caller's delegated cgroup"
elif [ "$(id -u)" != 0 ]; then
	echo "cgroup: v1 delegation needs root to chown a cgroup; cgroup tests will skip"
else
	for sb_cg_ctl in memory pids cpu cpuacct cpuset; do
		sb_cg_own=$(awk -F: -v c="$sb_cg_ctl" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' /proc/self/cgroup)
		[ -n "$sb_cg_own" ] && [ -d "/sys/fs/cgroup/$sb_cg_ctl" ] || continue
		sb_cg_dir="/sys/fs/cgroup/$sb_cg_ctl${sb_cg_own%/}/$sb_cg_name"
		[ -d "$sb_cg_dir" ] || mkdir "$sb_cg_dir" || continue
		if [ "$sb_cg_ctl" = cpuset ]; then
			# A new v1 cpuset is empty; give it its parent's CPUs and nodes.
			cat "${sb_cg_dir%/*}/cpuset.cpus" > "$sb_cg_dir/cpuset.cpus"
			cat "${sb_cg_dir%/*}/cpuset.mems" > "$sb_cg_dir/cpuset.mems"
		fi
		chown -R "$SANDBOX_TEST_UID:$SANDBOX_TEST_GID" "$sb_cg_dir"
		sb_cg_made="$sb_cg_made $sb_cg_dir"
	done
	if [ -n "$sb_cg_made" ]; then
		SANDBOX_CGROUP=$sb_cg_name
		export SANDBOX_CGROUP
		echo "cgroup: v1, delegated to uid $SANDBOX_TEST_UID:$sb_cg_made"
	fi
fi
