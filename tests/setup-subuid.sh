# Sourced by tests/run.sh: give the test user a subordinate uid/gid range
# (/etc/subuid, /etc/subgid), as an admin would for rootless containers, so
# the tests of --map-to subuid and of isolate's per-box uids run. Needs root
# and newuidmap (package uidmap, tools/deps.sh). The range is added once and
# left in place: several test runs may share this machine, and a range
# removed under a running one would fail it. Never touches other users'
# entries; picks a range above every existing one.
sb_su_name=$(getent passwd "$SANDBOX_TEST_UID" | cut -d: -f1)
sb_su_has() { grep -q "^\($sb_su_name\|$SANDBOX_TEST_UID\):" "$1" 2>/dev/null; }
if ! command -v newuidmap >/dev/null 2>&1; then
	echo "subuid: newuidmap missing (package uidmap); subordinate-id tests will skip"
elif [ "$(id -u)" = 0 ] && ! { sb_su_has /etc/subuid && sb_su_has /etc/subgid; }; then
	(
		flock 9
		sb_su_has /etc/subuid && sb_su_has /etc/subgid && exit 0
		sb_su_first=$(cat /etc/subuid /etc/subgid 2>/dev/null |
			awk -F: 'BEGIN { m = 100000 } NF == 3 && $2 + $3 > m { m = $2 + $3 } END { print m }')
		sb_su_last=$((sb_su_first + 65535))
		usermod --add-subuids "$sb_su_first-$sb_su_last" --add-subgids "$sb_su_first-$sb_su_last" "$sb_su_name"
	) 9>/tmp/sandbox-subuid.lock
fi
if [ -n "$sb_su_name" ] && command -v newuidmap >/dev/null 2>&1 && sb_su_has /etc/subuid && sb_su_has /etc/subgid; then
	SANDBOX_SUBIDS=1
	export SANDBOX_SUBIDS
	echo "subuid: $sb_su_name has $(grep "^$sb_su_name:" /etc/subuid | head -n 1 | cut -d: -f2-) in /etc/subuid"
else
	echo "subuid: no subordinate range for uid $SANDBOX_TEST_UID; subordinate-id tests will skip"
fi
unset sb_su_name sb_su_first sb_su_last
