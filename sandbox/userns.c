/*
 * userns.c: the user namespace layer.
 *
 * Launcher side (caller's uid, initial user namespace): writes setgroups,
 * uid_map and gid_map of the child. An unprivileged caller may map exactly
 * one id, its own, and must deny setgroups first (user_namespaces(7)). A
 * root caller maps the sandbox's ids to an unprivileged outside uid
 * (--map-to, default 65534), never to real root.
 *
 * Child side (init, full capabilities in the new namespace): switch to the
 * inside ids. For a root caller this is what actually drops real root: the
 * clone keeps kuid 0 until setresuid(inside) turns it into the mapped uid.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "layers.h"
#include "util.h"

#define NOBODY 65534

uid_t userns_outside_uid(const struct sb_plan *p)
{
	if (getuid() != 0)
		return getuid();
	return p->map_to_set ? p->map_to : NOBODY;
}

gid_t userns_outside_gid(const struct sb_plan *p)
{
	if (getuid() != 0)
		return getgid();
	return p->map_to_set ? (gid_t)p->map_to : NOBODY;
}

static int write_file(pid_t pid, const char *name, const char *text, struct sb_err *err)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(text);

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return sb_fail(err, errno, "open %s", path);
	if (write(fd, text, len) != (ssize_t)len)
		return sb_fail(err, errno, "write '%.*s' to %s", (int)strcspn(text, "\n"), text, path);
	return 0;
}

int userns_parent(const struct sb_plan *p, pid_t pid, struct sb_err *err)
{
	char map[64];
	int r;

	/* Unprivileged callers must deny setgroups before writing gid_map; a
	 * root caller keeps it allowed so init can drop root's supplementary
	 * groups (which would otherwise travel into the sandbox). */
	if (getuid() != 0) {
		r = write_file(pid, "setgroups", "deny", err);
		if (r < 0)
			return r;
	}
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)p->uid, (unsigned)userns_outside_uid(p));
	r = write_file(pid, "uid_map", map, err);
	if (r < 0)
		return sb_wrap(err, "map uid %u inside to %u outside", (unsigned)p->uid,
			       (unsigned)userns_outside_uid(p));
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)p->gid, (unsigned)userns_outside_gid(p));
	r = write_file(pid, "gid_map", map, err);
	if (r < 0)
		return sb_wrap(err, "map gid %u inside to %u outside", (unsigned)p->gid,
			       (unsigned)userns_outside_gid(p));
	return 0;
}

int userns_child(const struct sb_plan *p, struct sb_err *err)
{
	/* Groups first: setgroups needs CAP_SETGID, which setresuid may drop. */
	if (setgroups(0, NULL) < 0 && errno != EPERM)
		return sb_fail(err, errno, "drop supplementary groups");
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		return sb_fail(err, errno, "setresgid(%u)", (unsigned)p->gid);
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		return sb_fail(err, errno, "setresuid(%u)", (unsigned)p->uid);
	return 0;
}
