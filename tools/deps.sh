#!/bin/sh
# Install the Debian packages the build, tests and benches need. As root
# they are installed with apt-get; otherwise the exact command is printed.
# One package per line, grouped by who needs it, so additions merge cleanly.
PKGS="
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
libclang-rt-14-dev
libcriterion-dev
bubblewrap
iproute2
python3
util-linux
hyperfine
strace
uidmap
passt
nftables
busybox-static
podman
containerd
runc
crun
"
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
