#!/bin/sh
# The build lane: `make install PREFIX=P` after a plain build must give a
# binary that finds its policies under P (the prefix is compiled in, and a
# new prefix rebuilds what uses it), with the front-end aliases installed
# beside it. Copies the build dir (mtimes kept) so only what depends on the
# prefix is rebuilt.
# Usage: tests/lane-build.sh BUILD_DIR
set -u
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/sandbox-build.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -a "$top/$build" "$tmp/b"
fail() { echo "build lane: FAILED: $*"; exit 1; }
make -C "$top" --no-print-directory -s SB_DEPS_DONE=1 BUILD="$tmp/b" PREFIX="$tmp/p" install >"$tmp/log" 2>&1 ||
	{ cat "$tmp/log"; fail "make install PREFIX=$tmp/p"; }
out=$(cd / && HOME=/nonexistent "$tmp/p/bin/sandbox" policies 2>&1)
echo "$out" | grep -q "installed *$tmp/p/share/sandbox/policies/default.policy" ||
	{ echo "$out"; fail "installed binary does not look under the new prefix"; }
for a in isolate sandbox-oci; do
	[ "$(readlink "$tmp/p/bin/$a")" = sandbox ] || fail "$a is not installed as a link to sandbox"
done
echo "build lane: passed (make install PREFIX=... rebuilt for the prefix; aliases installed)"
