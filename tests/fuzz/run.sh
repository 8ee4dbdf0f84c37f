#!/bin/sh
# make fuzz: build the policy parser fuzzer with clang's libFuzzer plus
# ASan/UBSan and run it for FUZZ_SECONDS (default 600). New crashers land
# in tests/fixtures/fuzz/ (commit them: tests/unit/test_fuzz_regress.c replays them).
# With FUZZ_REPLAY=1 (make test does this) it only builds the fuzzer and
# runs every seed and committed crasher through it once, so the fuzz build
# cannot rot unnoticed.
# Usage: tests/fuzz/run.sh BUILD_DIR
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${FUZZ_SECONDS:-600}
out="$top/$build/fuzz"
CLANG=${CLANG:-clang}

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "fuzz: clang not found (apt-get install clang libclang-rt-14-dev)" >&2
	exit 1
fi
mkdir -p "$out/obj" "$out/corpus"
# The parser and everything it reaches: the whole library but main.c.
# Quote includes only (-iquote): sandbox/seccomp.h must not shadow
# libseccomp's <seccomp.h>. config.h comes from the make build dir.
flags="-std=gnu11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
incs="-iquote $top/sandbox -iquote $top/front -iquote $top/$build"
sh "$top/tools/embed-policies.sh" "$top"/policies/*.policy > "$out/policies_builtin.c"
objs=""
# An object is stale when its source or any header is newer (a struct
# that grew a field must not be read with an old layout).
newest_h=$(ls -t "$top"/sandbox/*.h "$top"/sandbox/bpf/*.h "$top"/front/*.h "$top/$build/config.h" 2>/dev/null | head -n 1)
for src in "$top"/sandbox/*.c "$top"/sandbox/bpf/*.c "$top"/front/*.c "$out/policies_builtin.c"; do
	case $src in */sandbox/main.c | *.bpf.c) continue ;; esac
	o="$out/obj/$(basename "$src" .c).o"
	if [ ! -f "$o" ] || [ "$src" -nt "$o" ] || [ "$newest_h" -nt "$o" ]; then
		$CLANG $flags $incs $(pkg-config --cflags libseccomp libcap-ng 2>/dev/null) -c -o "$o" "$src"
	fi
	objs="$objs $o"
done
$CLANG $flags -fsanitize=fuzzer $incs -o "$out/fuzz_policy" "$top/tests/fuzz/fuzz_policy.c" $objs \
	$(pkg-config --libs libseccomp libcap-ng jansson 2>/dev/null) $(pkg-config --libs --static libbpf 2>/dev/null) -Wl,--wrap=syscall

# Seeds: the shipped policies and the test fixtures.
cp "$top"/policies/*.policy "$out/corpus/" 2>/dev/null || true
cp "$top"/tests/fixtures/*.policy "$out/corpus/" 2>/dev/null || true
cp "$top"/tests/fixtures/fuzz/* "$out/corpus/" 2>/dev/null || true

if [ "${FUZZ_REPLAY:-}" = 1 ]; then
	n=$(ls "$out/corpus" | wc -l)
	# Files given one by one are each run once; any crash fails make test.
	if "$out/fuzz_policy" -runs=1 "$out"/corpus/* >"$out/replay.log" 2>&1; then
		echo "== fuzz: built, $n corpus inputs replayed"
		exit 0
	fi
	tail -n 30 "$out/replay.log" >&2
	echo "fuzz: replaying the corpus failed (full log: $out/replay.log)" >&2
	exit 1
fi

# libFuzzer writes crash-*/leak-*/timeout-* into artifact_prefix.
mkdir -p "$top/tests/fixtures/fuzz"
"$out/fuzz_policy" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$top/tests/fixtures/fuzz/" -dict="$top/tests/fuzz/policy.dict" \
	"$out/corpus"
