/*
 * sysctl.c: kernel parameters of the run's own namespaces (an OCI
 * config's linux.sysctl). Only parameters the kernel keeps per namespace
 * are accepted, and only when the run has that namespace to itself:
 * network ones (net.*) need its own network namespace, IPC ones
 * (kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*) its own IPC
 * namespace, kernel.domainname its own UTS namespace. Anything else would
 * change the host and is refused before anything is created (the same
 * list as runc's).
 *
 * sysctl_check is pure (plan_validate calls it). sysctl_child runs in init,
 * inside the run's namespaces, before the mounts, through the host's /proc
 * that is still mounted then: /proc/sys/net and /proc/sys/kernel/shm* show
 * the writer's own namespaces, whatever /proc they are reached through.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "layers.h"
#include "util.h"

static const char *const ipc_keys[] = {
	"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

/* Which namespace key belongs to, or SB_NS_MAX when it is not namespaced. */
static enum sb_ns owner(const char *key, size_t len)
{
	if (len > 4 && strncmp(key, "net.", 4) == 0)
		return SB_NS_NET;
	if (len > 10 && strncmp(key, "fs.mqueue.", 10) == 0)
		return SB_NS_IPC;
	for (size_t i = 0; i < ELEMENTSOF(ipc_keys); i++)
		if (strlen(ipc_keys[i]) == len && strncmp(key, ipc_keys[i], len) == 0)
			return SB_NS_IPC;
	if (len == 17 && strncmp(key, "kernel.domainname", len) == 0)
		return SB_NS_UTS;
	return SB_NS_MAX;
}

int sysctl_check(const struct sb_plan *p, struct sb_err *err)
{
	for (size_t i = 0; i < p->n_sysctl; i++) {
		const char *kv = p->sysctl[i];
		size_t len = strcspn(kv, "=");
		enum sb_ns n = owner(kv, len);

		if (!kv[len] || len == 0 || strstr(kv, "..") || memchr(kv, '/', len))
			return sb_failx(err, EINVAL, "sysctl '%s': expected KEY=VALUE with a dotted key", kv);
		if (n == SB_NS_MAX)
			return sb_failx(err, EPERM, "sysctl %.*s is not kept per namespace: setting it would change the host",
					(int)len, kv);
		if (!ns_new(p, n))
			return sb_failx(err, EPERM, "sysctl %.*s needs a %s namespace of the container's own", (int)len, kv,
					ns_name(n));
	}
	return 0;
}

int sysctl_child(const struct sb_plan *p, struct sb_err *err)
{
	for (size_t i = 0; i < p->n_sysctl; i++) {
		const char *kv = p->sysctl[i];
		size_t len = strcspn(kv, "="), vlen = strlen(kv + len + 1);
		char path[512];
		int fd;

		snprintf(path, sizeof(path), "/proc/sys/%.*s", (int)len, kv);
		for (char *c = path + 10; *c; c++)
			if (*c == '.')
				*c = '/';
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return sb_fail(err, errno, "sysctl %.*s", (int)len, kv);
		if (write(fd, kv + len + 1, vlen) != (ssize_t)vlen) {
			int e = errno;

			close(fd);
			return sb_fail(err, e, "sysctl %s", kv);
		}
		close(fd);
	}
	return 0;
}
