#!/bin/sh
# isolate's front end: a judge's init + run + cleanup cycle of a trivial
# program and the run alone, rootless, beside isolate's own figures (isolate
# is not packaged in Debian 12, so they are the issue's, measured as root on
# this kind of machine). Started by benches/run.sh with its environment.
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$SANDBOX_BENCH_DIR
ln -sf sandbox "$dir/isolate"
mkdir -p "$dir/isolate-boxes"
[ "$(id -u)" = 0 ] && chown "$SANDBOX_TEST_UID:$SANDBOX_TEST_GID" "$dir/isolate-boxes"
chmod 700 "$dir/isolate-boxes"
# The program's own uid comes from the test user's /etc/subuid range.
. "$top/tests/setup-subuid.sh" >/dev/null
ISOLATE_BOX_ROOT="$dir/isolate-boxes" python3 "$top/benches/isolate.py" "$SANDBOX_BENCH_AS" "$dir/isolate"
