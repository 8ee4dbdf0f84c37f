#!/bin/sh
# Install the Debian packages a make target needs. As root they are
# installed with apt-get; otherwise the exact command is printed.
# Usage: tools/deps.sh [TARGET]   (all, demo, install: the build only;
# test, asan, fuzz: also what the tests drive; bench: also the peers it
# is measured against). One package per line, so additions merge cleanly.

# The build: compiler, the libraries linked statically, the eBPF toolchain.
BUILD="
gcc
make
pkg-config
libseccomp-dev
libcap-ng-dev
libjansson-dev
libbpf-dev
libelf-dev
zlib1g-dev
clang
bpftool
"
# make test: the test framework, the fuzzer's runtime, and the real parts
# the tests drive (helpers, engines, user-mode network, nftables, runc as
# the reference runtime, a busybox-static image).
TEST="
libclang-rt-14-dev
libcriterion-dev
bubblewrap
iproute2
python3
util-linux
uidmap
passt
nftables
busybox-static
podman
containerd
runc
crun
"
# make bench: tools the benches time or compare with.
BENCH="
hyperfine
strace
"
case ${1:-all} in
test | asan | fuzz) PKGS="$BUILD $TEST" ;;
bench) PKGS="$BUILD $TEST $BENCH" ;;
*) PKGS="$BUILD" ;;
esac
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null || {
		echo "apt-get install failed for:$missing" >&2
		exit 1
	}
else
	echo "missing packages; run as root: apt-get install -y$missing" >&2
	exit 1
fi
