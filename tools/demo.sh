#!/bin/sh
# make demo: run demo/untrusted.sh under the default policy and print the
# report. As root, the sandbox maps its root to an unprivileged uid.
set -u
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/sandbox-demo.XXXXXX)
chmod 755 "$dir"
cp "$top/$build/sandbox" "$top/demo/untrusted.sh" "$dir/"
chmod 755 "$dir/untrusted.sh"
echo "\$ sandbox run --ro-bind $dir/untrusted.sh:/sample --report - -- /sample"
"$dir/sandbox" run --ro-bind "$dir/untrusted.sh:/sample" --report - -- /sample
echo "(exit status $?: the sample's own 'exit 3')"
rm -rf "$dir"
