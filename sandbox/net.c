/*
 * net.c: the network layer, run by init (pid 1) with CAP_NET_ADMIN over its
 * own network namespace. With --net none the namespace is new and holds
 * only "lo", which starts down: bring it up so loopback servers work.
 * With --net host nothing is done (the caller's namespace is shared).
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "layers.h"
#include "util.h"

int net_prepare(const struct sb_plan *p, struct sb_err *err)
{
	char where[512];

	if (p->net != SB_NET_USER)
		return 0;
	/* Fail closed: never run with an allow-list or a network mode that
	 * nothing enforces. */
	sb_failx(err, EOPNOTSUPP, "--net user (%s) is not available in this build yet",
		 plan_loc_str(&p->loc_net, where, sizeof(where)));
	sb_hint(err, "use --net none (loopback only) or --net host");
	return -EOPNOTSUPP;
}

int net_child(const struct sb_plan *p, struct sb_err *err)
{
	_cleanup_close_ int fd = -1;
	struct ifreq ifr;

	if (p->net != SB_NET_NONE)
		return 0;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sb_fail(err, errno, "socket for loopback set-up");
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return sb_fail(err, errno, "read flags of lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return sb_fail(err, errno, "bring lo up");
	return 0;
}
