/*
 * ns.c: which namespaces a run makes, keeps or joins. Launcher side, as
 * the caller, before clone. The one place that decides it: the launchers
 * take their clone flags from here, init and the layers ask ns_new().
 *
 * `sandbox run` makes every namespace new (DESIGN.md). A plan from an OCI
 * config may keep the caller's (sb_namespaces.share: rootless podman has
 * made the user namespace already) or join one by path (a Kubernetes pod's
 * network namespace). Joined namespaces are entered by the launcher itself
 * with setns(2), the user namespace first (the others may be owned by it),
 * so the clone that follows is born in them; a joined pid namespace takes
 * effect for that clone only, as setns(2) documents.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "layers.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	int flag;
	const char *name;
} ns_info[SB_NS_MAX] = {
	[SB_NS_USER] = { CLONE_NEWUSER, "user" }, [SB_NS_MNT] = { CLONE_NEWNS, "mount" },
	[SB_NS_PID] = { CLONE_NEWPID, "pid" },	  [SB_NS_IPC] = { CLONE_NEWIPC, "ipc" },
	[SB_NS_UTS] = { CLONE_NEWUTS, "uts" },	  [SB_NS_NET] = { CLONE_NEWNET, "network" },
	[SB_NS_CGROUP] = { CLONE_NEWCGROUP, "cgroup" },
};

bool ns_new(const struct sb_plan *p, enum sb_ns n)
{
	if (p->ns.share & (1u << n) || p->ns.join[n])
		return false;
	/* --net host is the caller's network namespace. */
	return !(n == SB_NS_NET && p->net == SB_NET_HOST);
}

const char *ns_name(enum sb_ns n)
{
	return (unsigned)n < SB_NS_MAX ? ns_info[n].name : "?";
}

uint64_t ns_clone_flags(const struct sb_plan *p)
{
	uint64_t f = 0;

	/* The cgroup namespace is the cgroup layer's (it must start at the
	 * run's cgroup: launcher.c and cgroup_child decide when). */
	for (int n = 0; n < SB_NS_MAX; n++)
		if (n != SB_NS_CGROUP && ns_new(p, (enum sb_ns)n))
			f |= (uint64_t)ns_info[n].flag;
	return f;
}

static int join_one(const struct sb_plan *p, enum sb_ns n, struct sb_err *err)
{
	_cleanup_close_ int fd = open(p->ns.join[n], O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return sb_fail(err, errno, "open the %s namespace %s", ns_info[n].name, p->ns.join[n]);
	if (setns(fd, ns_info[n].flag) == 0)
		return 0;
	r = sb_fail(err, errno, "join the %s namespace %s", ns_info[n].name, p->ns.join[n]);
	if (errno == EINVAL)
		sb_hint(err, "the path must be a %s namespace (/proc/PID/ns/%s or a bind of one)", ns_info[n].name,
			n == SB_NS_NET ? "net" : n == SB_NS_MNT ? "mnt" : ns_info[n].name);
	return r;
}

int ns_join(const struct sb_plan *p, struct sb_err *err)
{
	int r;

	/* The user namespace first: the others may belong to it. */
	if (p->ns.join[SB_NS_USER] && (r = join_one(p, SB_NS_USER, err)) < 0)
		return r;
	for (int n = 0; n < SB_NS_MAX; n++)
		if (n != SB_NS_USER && p->ns.join[n] && (r = join_one(p, (enum sb_ns)n, err)) < 0)
			return r;
	return 0;
}

int ns_validate(const struct sb_plan *p, struct sb_err *err)
{
	if (!ns_new(p, SB_NS_MNT))
		return sb_failx(err, EINVAL, "a mount namespace of the run's own is required (the root is built in it)");
	for (int n = 0; n < SB_NS_MAX; n++)
		if (p->ns.join[n] && p->ns.share & (1u << n))
			return sb_failx(err, EINVAL, "the %s namespace cannot be both kept and joined", ns_info[n].name);
	return 0;
}
