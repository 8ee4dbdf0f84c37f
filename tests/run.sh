#!/bin/sh
# make test: unit tests, then integration tests that run the built binary as
# an unprivileged user from a fresh temp dir that user can read (CI's clone
# may sit under a mode-0700 home), then the cgroup v2 lane in a VM.
# Usage: tests/run.sh BUILD_DIR [PATTERN]
# With PATTERN (a shell glob such as 'integ_test_verdicts' or '*limits*'),
# only the test programs and lanes whose names match run: for development.
set -u
build=${1:-build}
only=${2:-*}
top=$(cd "$(dirname "$0")/.." && pwd)
fail=0

# The test user: an ordinary account, as a developer or judge would run us.
if [ "$(id -u)" = 0 ]; then
	if ! getent passwd sbtest >/dev/null; then
		useradd --system --create-home --shell /bin/sh sbtest 2>/dev/null ||
			useradd -m sbtest
	fi
	SANDBOX_TEST_UID=$(id -u sbtest)
	SANDBOX_TEST_GID=$(id -g sbtest)
else
	SANDBOX_TEST_UID=$(id -u)
	SANDBOX_TEST_GID=$(id -g)
fi
export SANDBOX_TEST_UID SANDBOX_TEST_GID

dir=$(mktemp -d /tmp/sandbox-test.XXXXXX)
chmod 755 "$dir"
cp "$top/$build/sandbox" "$dir/"
# The front ends are argv[0] aliases: copy the links too (isolate -> sandbox).
for a in isolate sandbox-oci; do
	[ -L "$top/$build/$a" ] && cp -P "$top/$build/$a" "$dir/"
done
mkdir -p "$dir/helpers" "$dir/policies" "$dir/fixtures"
cp -r "$top/$build/tests/helpers/." "$dir/helpers/" 2>/dev/null
cp "$top"/policies/*.policy "$dir/policies/"
cp -r "$top/tests/fixtures/." "$dir/fixtures/" 2>/dev/null
chmod -R a+rX "$dir"
export SANDBOX_BIN="$dir/sandbox" SANDBOX_TESTDIR="$dir" SANDBOX_HELPERS="$dir/helpers"
export SANDBOX_SRCDIR="$top"

# Optional per-area set-up scripts (cgroup delegation and the like) export
# more variables for the tests; each prints why it skips what it skips.
for s in "$top"/tests/setup-*.sh; do
	[ -f "$s" ] && . "$s"
done

echo "== unit tests"
for t in "$top/$build"/tests/test_*; do
	[ -x "$t" ] || continue
	case $(basename "$t") in $only) ;; *) continue ;; esac
	"$t" --jobs 2 || fail=1
done

echo "== integration tests (as uid $SANDBOX_TEST_UID, from $dir)"
for t in "$top/$build"/tests/integ_*; do
	[ -x "$t" ] || continue
	case $(basename "$t") in $only) ;; *) continue ;; esac
	"$t" --jobs 2 || fail=1
done

for s in "$top"/tests/lane-*.sh; do
	[ -f "$s" ] || continue
	case $(basename "$s" .sh) in $only) ;; *) continue ;; esac
	echo "== $(basename "$s")"
	sh "$s" "$build" || fail=1
done

for s in "$top"/tests/teardown-*.sh; do
	[ -f "$s" ] && . "$s"
done
rm -rf "$dir"
[ $fail = 0 ] && echo "all test programs passed" || echo "some test programs FAILED"
exit $fail
