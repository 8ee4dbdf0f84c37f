#!/bin/sh
# An "untrusted download": it pokes at everything a hostile tool would. Run by
# `make demo` under the default policy; each line says what the sandbox did.
try() {
	label=$1; shift
	if out=$("$@" 2>&1); then echo "  ALLOWED  $label"; else echo "  blocked  $label: $(echo "$out" | head -n1)"; fi
}
echo "untrusted sample running as uid $(id -u) on host '$(hostname)', pid $$"
try "read /etc/shadow"            cat /etc/shadow
try "list /home"                  ls /home
try "list /root"                  ls /root
try "write into /usr/bin"         touch /usr/bin/evil
try "write /tmp (private tmpfs)"  sh -c 'echo x > /tmp/scratch'
try "see host processes"          sh -c 'n=$(ls /proc | grep -c "^[0-9]"); [ "$n" -gt 6 ] || { echo "only $n pids visible: its own"; exit 1; }'
try "reach the host's services"   python3 -c '
import socket, sys
try:
    socket.create_connection(("127.0.0.1", 22), 1)
except OSError as e:
    sys.exit("127.0.0.1:22 is the sandbox'"'"'s own loopback: %s" % e.strerror)'
try "remount /usr read-write"     mount -o remount,rw /usr
try "hold any capability"         sh -c 'c=$(grep CapEff /proc/self/status | cut -f2); [ "$c" != 0000000000000000 ] || { echo "CapEff=$c"; exit 1; }'
echo "interfaces: $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ' ')"
exit 3
