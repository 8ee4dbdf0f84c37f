# Sourced by tests/run.sh after the tests: remove what setup-cgroup.sh made
# (and any run cgroup a test left inside it, which the tests also check).
for sb_cg_dir in $sb_cg_made; do
	for sb_cg_sub in "$sb_cg_dir"/*/; do
		[ -d "$sb_cg_sub" ] && rmdir "$sb_cg_sub" 2>/dev/null
	done
	# A task that just exited may still be counted for a moment: retry.
	for sb_cg_try in 1 2 3 4 5 6 7 8 9 10; do
		rmdir "$sb_cg_dir" 2>/dev/null && break
		sleep 0.1
	done
	[ -d "$sb_cg_dir" ] && echo "cgroup: could not remove $sb_cg_dir"
done
unset SANDBOX_CGROUP
