#!/bin/sh
# make fuzz: build the policy parser fuzzer with clang's libFuzzer plus
# ASan/UBSan and run it for FUZZ_SECONDS (default 600). New crashers land
# in tests/fixtures/fuzz/ (commit them: tests/unit/test_fuzz_regress.c replays them).
# Usage: tests/fuzz/run.sh BUILD_DIR
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${FUZZ_SECONDS:-600}
out="$top/$build/fuzz"
CLANG=${CLANG:-clang}

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "fuzz: clang not found (apt-get install clang libclang-rt-14-dev); skipping"
	exit 77
fi
mkdir -p "$out/obj" "$out/corpus"
# The parser and everything it reaches: the whole library but main.c and
# the layers that act on the system (they are not linked in by the parser,
# but -ffunction-sections keeps this list simple: link all, main excluded).
flags="-std=gnu11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
sh "$top/tools/embed-policies.sh" "$top"/policies/*.policy > "$out/policies_builtin.c"
objs=""
for src in "$top"/sandbox/*.c "$out/policies_builtin.c"; do
	case $src in */main.c) continue ;; esac
	o="$out/obj/$(basename "$src" .c).o"
	$CLANG $flags -I"$top/sandbox" $(pkg-config --cflags libseccomp libcap-ng 2>/dev/null) -c -o "$o" "$src"
	objs="$objs $o"
done
$CLANG $flags -fsanitize=fuzzer -I"$top/sandbox" -o "$out/fuzz_policy" "$top/tests/fuzz/fuzz_policy.c" $objs \
	$(pkg-config --libs libseccomp libcap-ng jansson 2>/dev/null)

# Seeds: the shipped policies and the test fixtures.
cp "$top"/policies/*.policy "$out/corpus/" 2>/dev/null || true
cp "$top"/tests/fixtures/*.policy "$out/corpus/" 2>/dev/null || true
cp "$top"/tests/fixtures/fuzz/* "$out/corpus/" 2>/dev/null || true

# libFuzzer writes crash-*/leak-*/timeout-* into artifact_prefix.
mkdir -p "$top/tests/fixtures/fuzz"
"$out/fuzz_policy" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$top/tests/fixtures/fuzz/" -dict="$top/tests/fuzz/policy.dict" \
	"$out/corpus"
