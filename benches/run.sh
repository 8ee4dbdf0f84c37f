#!/bin/sh
# make bench: startup latency and launcher memory, side by side with
# bubblewrap in the same run, then the per-area benches (benches/*.sh).
# Runs as an unprivileged user (sbtest when started as root), from a temp dir.
set -u
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/sandbox-bench.XXXXXX)
chmod 1777 "$dir"
cp "$top/$build/sandbox" "$dir/"
mkdir -p "$dir/helpers"
cp -r "$top/$build/tests/helpers/." "$dir/helpers/" 2>/dev/null
chmod -R a+rX "$dir/helpers"
export SANDBOX_BENCH_DIR="$dir" SANDBOX_BIN="$dir/sandbox"
as_user=""
SANDBOX_TEST_UID=$(id -u) SANDBOX_TEST_GID=$(id -g)
if [ "$(id -u)" = 0 ]; then
	getent passwd sbtest >/dev/null || useradd --system --create-home sbtest
	as_user="setpriv --reuid=$(id -u sbtest) --regid=$(id -g sbtest) --clear-groups"
	SANDBOX_TEST_UID=$(id -u sbtest) SANDBOX_TEST_GID=$(id -g sbtest)
fi
export SANDBOX_BENCH_AS="$as_user" SANDBOX_TEST_UID SANDBOX_TEST_GID
# The judged-run benches need a cgroup, delegated as the tests get one.
. "$top/tests/setup-cgroup.sh"
cd "$dir"

# The same isolation for both: every namespace, the default policy's binds,
# fresh /proc, minimal /dev, private /tmp, new session, die with parent.
binds=""
for p in /usr /bin /sbin /lib /lib32 /lib64 /libx32 /etc/ld.so.cache /etc/ld.so.conf \
	/etc/ld.so.conf.d /etc/alternatives /etc/localtime /etc/passwd /etc/group \
	/etc/nsswitch.conf /etc/ssl /etc/ca-certificates /etc/mime.types; do
	[ -e "$p" ] || continue
	if [ -L "$p" ]; then
		binds="$binds --symlink $(readlink "$p") $p"
	else
		binds="$binds --ro-bind $p $p"
	fi
done
bwrap_cmd="bwrap --unshare-all --die-with-parent --new-session $binds --proc /proc --dev /dev --tmpfs /tmp /bin/true"
sb_cmd="$dir/sandbox run -- /bin/true"
export SANDBOX_BENCH_BWRAP="$bwrap_cmd"

# A plain run makes no cgroup unless SANDBOX_CGROUP asks for one.
env -u SANDBOX_CGROUP python3 "$top/benches/startup.py" "$as_user" "$sb_cmd" "$bwrap_cmd"

for b in "$top"/benches/*.sh; do
	case "$b" in */run.sh) continue ;; esac
	echo
	echo "== $(basename "$b")"
	sh "$b" "$build" || echo "(bench $(basename "$b") failed)"
done
cd /
. "$top/tests/teardown-cgroup.sh"
rm -rf "$dir"
