/*
 * mounts_fs.c: file systems mounted by type (an OCI config's sysfs,
 * mqueue, devpts, tmpfs, cgroup entries) and the masked and read-only
 * paths, part of the mount layer. Run by init in its mount namespace while
 * the new root is assembled at NEWROOT (mounts.c), holding CAP_SYS_ADMIN
 * over it (in a user namespace of its own, or in the engine's).
 *
 * Every such mount is nosuid and, but for devpts (whose ptys are device
 * nodes), nodev: a device node is usable only where the plan binds one
 * (mounts.c), so a node made with mknod inside is inert, and no device
 * cgroup is needed to keep disks out of reach.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "mounts_impl.h"
#include "syscalls.h"
#include "util.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define HOST_CGROUP OLDROOT "/sys/fs/cgroup"

/* Where sysfs cannot be mounted (the network namespace is not owned by
 * our user namespace), a read-only bind of the host's, as runc does for
 * rootless containers. */
static int bind_host(const char *host, const char *dst, unsigned long flags, struct sb_err *err)
{
	if (mount(host, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return sb_fail(err, errno, "bind %s at %s", host + sizeof(OLDROOT) - 1, mounts_shown(dst));
	return mounts_set_attr(dst, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | mounts_attr_of(flags),
			       true, err);
}

/* One v1 hierarchy (or the hybrid "unified" v2 mount) under the new
 * cgroup tmpfs: mounted afresh where the kernel lets us (then it starts at
 * the run's cgroup namespace), else the host's, read-only. */
static int cgroup_hierarchy(const char *name, const char *dst, unsigned long flags, struct sb_err *err)
{
	char host[PATH_MAX], sub[PATH_MAX];
	const char *opts = name;
	int r;

	snprintf(host, sizeof(host), HOST_CGROUP "/%s", name);
	snprintf(sub, sizeof(sub), "%s/%s", dst, name);
	r = mounts_target(sub, true, 0755, err);
	if (r < 0)
		return r;
	if (strcmp(name, "unified") == 0) {
		if (mount("cgroup2", sub, "cgroup2", flags, NULL) == 0)
			return 0;
	} else {
		if (strcmp(name, "systemd") == 0)
			opts = "none,name=systemd";
		if (mount("cgroup", sub, "cgroup", flags, opts) == 0)
			return 0;
	}
	return bind_host(host, sub, flags | MS_RDONLY, err);
}

/* type "cgroup": cgroup2 on a pure v2 host; on v1 and hybrid hosts a
 * tmpfs with one mount per hierarchy and the host's links (cpu ->
 * cpu,cpuacct), read-only when asked. */
static int do_cgroup(const struct sb_mount *m, const char *dst, unsigned long flags, struct sb_err *err)
{
	struct statfs sf;
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (statfs(HOST_CGROUP, &sf) == 0 && sf.f_type == (typeof(sf.f_type))CGROUP2_SUPER_MAGIC) {
		if (mount("cgroup2", dst, "cgroup2", flags, NULL) == 0)
			return 0;
		return bind_host(HOST_CGROUP, dst, flags | MS_RDONLY, err);
	}
	if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
		return sb_fail(err, errno, "mount a tmpfs for cgroups at %s", m->dst);
	d = opendir(HOST_CGROUP);
	if (!d)
		return sb_fail(err, errno, "read the host's /sys/fs/cgroup");
	while (r == 0 && (de = readdir(d))) {
		char link[PATH_MAX], path[PATH_MAX];
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), HOST_CGROUP "/%s", de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n >= 0) {
			link[n] = '\0';
			snprintf(path, sizeof(path), "%s/%s", dst, de->d_name);
			r = mounts_symlink(link, path, err);
		} else if (de->d_type == DT_DIR) {
			r = cgroup_hierarchy(de->d_name, dst, flags, err);
		}
	}
	closedir(d);
	if (r == 0 && flags & MS_RDONLY && mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		r = sb_fail(err, errno, "make %s read-only", m->dst);
	return r;
}

/* devpts refuses a gid= this user namespace does not map (a rootless
 * container's "gid=5"): mount it without, as runc does. */
static int devpts_no_gid(const struct sb_mount *m, const char *dst, unsigned long flags, struct sb_err *err)
{
	char data[512] = "";

	for (const char *o = m->data; *o;) {
		size_t n = strcspn(o, ",");

		if (strncmp(o, "gid=", 4) != 0)
			snprintf(data + strlen(data), sizeof(data) - strlen(data), "%s%.*s", data[0] ? "," : "", (int)n, o);
		o += n + (o[n] == ',');
	}
	if (mount(m->src ? m->src : "devpts", dst, "devpts", flags, data) < 0)
		return sb_fail(err, errno, "mount devpts at %s with %s", m->dst, data);
	return 0;
}

int mounts_fs(const struct sb_mount *m, const char *dst, struct sb_err *err)
{
	unsigned long flags = (m->ms_flags & ~(unsigned long)MS_REC) | MS_NOSUID;
	int r;

	if (strcmp(m->fstype, "devpts") != 0)
		flags |= MS_NODEV;
	r = mounts_target(dst, true, 0755, err);
	if (r < 0)
		return r;
	if (strcmp(m->fstype, "cgroup") == 0 || strcmp(m->fstype, "cgroup2") == 0)
		return do_cgroup(m, dst, flags, err);
	if (mount(m->src ? m->src : m->fstype, dst, m->fstype, flags, m->data) == 0)
		return 0;
	if (strcmp(m->fstype, "devpts") == 0 && errno == EINVAL && m->data && strstr(m->data, "gid="))
		return devpts_no_gid(m, dst, flags, err);
	if (strcmp(m->fstype, "sysfs") == 0 && (errno == EPERM || errno == EACCES))
		return bind_host(OLDROOT "/sys", dst, flags | MS_RDONLY, err);
	r = sb_fail(err, errno, "mount %s at %s%s%s", m->fstype, m->dst, m->data ? " with " : "", m->data ? m->data : "");
	if (strcmp(m->fstype, "mqueue") == 0 && errno == EPERM)
		sb_hint(err, "mqueue needs an IPC namespace of the run's own");
	return r;
}

/* A masked path reads as empty: /dev/null over a file, an empty
 * read-only tmpfs over a directory (runc's maskedPaths). */
static int mask(const char *path, struct sb_err *err)
{
	char dst[PATH_MAX];
	struct stat st;
	int r;

	r = mounts_resolve(path, true, dst, sizeof(dst), err);
	if (r < 0)
		return r;
	if (stat(dst, &st) < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : sb_fail(err, errno, "masked path %s", path);
	if (S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", dst, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			return sb_fail(err, errno, "mask %s", path);
		return 0;
	}
	if (mount(OLDROOT "/dev/null", dst, NULL, MS_BIND, NULL) < 0)
		return sb_fail(err, errno, "mask %s with /dev/null", path);
	return 0;
}

static int read_only(const char *path, struct sb_err *err)
{
	char dst[PATH_MAX];
	int r;

	r = mounts_resolve(path, true, dst, sizeof(dst), err);
	if (r < 0)
		return r;
	if (access(dst, F_OK) < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : sb_fail(err, errno, "read-only path %s", path);
	if (mount(dst, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return sb_fail(err, errno, "bind %s over itself", path);
	return mounts_set_attr(dst, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, true, err);
}

int mounts_mask(const struct sb_plan *p, struct sb_err *err)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < p->n_readonly_paths; i++)
		r = read_only(p->readonly_paths[i], err);
	for (size_t i = 0; r == 0 && i < p->n_masked_paths; i++)
		r = mask(p->masked_paths[i], err);
	return r;
}
