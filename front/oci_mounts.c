/*
 * oci_mounts.c: the parts of config.json that shape the container's view:
 * mounts, devices and namespaces, as plan entries. Pure translation.
 *
 * Mounts: "bind"/"rbind" become binds (a plain "bind" of the top mount
 * only), "proc" the
 * core's procfs (its /proc/sys, irq, bus read-only, as runc's
 * readonlyPaths ask anyway), every other type a file system mounted by
 * type with its flags and data. The core makes every mount nosuid and all
 * but device nodes and devpts nodev, whatever the options say.
 * Propagation options are ignored: every mount of the container is
 * private.
 *
 * Devices are binds of the host's nodes (as runc does without privileges;
 * with nodev everywhere else, only these can be opened), plus the ones
 * runc always makes (null, zero, full, random, urandom, tty) and its /dev
 * links, when the config mounts a /dev.
 *
 * Namespaces: a type listed is new (or joined by its path); a type not
 * listed is the caller's. No "user" entry is the case of rootless podman,
 * which runs us as root of a user namespace it made: no second one, no
 * map. The cgroup namespace is always the run's own (the core starts it
 * at the container's cgroup).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "oci_impl.h"
#include "util.h"

static const struct {
	const char *name;
	unsigned long flag;
	bool clear;
} mount_opts[] = {
	{ "ro", MS_RDONLY, false },	      { "rw", MS_RDONLY, true },	    { "nosuid", MS_NOSUID, false },
	{ "suid", MS_NOSUID, true },	      { "nodev", MS_NODEV, false },	    { "dev", MS_NODEV, true },
	{ "noexec", MS_NOEXEC, false },	      { "exec", MS_NOEXEC, true },	    { "sync", MS_SYNCHRONOUS, false },
	{ "async", MS_SYNCHRONOUS, true },    { "dirsync", MS_DIRSYNC, false },	    { "noatime", MS_NOATIME, false },
	{ "atime", MS_NOATIME, true },	      { "nodiratime", MS_NODIRATIME, false }, { "diratime", MS_NODIRATIME, true },
	{ "relatime", MS_RELATIME, false },   { "norelatime", MS_RELATIME, true },  { "strictatime", MS_STRICTATIME, false },
	{ "nostrictatime", MS_STRICTATIME, true }, { "mand", MS_MANDLOCK, false }, { "nomand", MS_MANDLOCK, true },
	{ "bind", MS_BIND, false },	      { "rbind", MS_BIND | MS_REC, false },
};

/* Accepted and ignored: propagation (every mount is private), runc's own
 * extensions that change nothing the container relies on. */
static const char *const ignored_opts[] = {
	"private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable",
	"remount", "tmpcopyup", "defaults",
};

static bool in(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* options[] into MS_* flags and the data string for mount(2). */
static int options(json_t *opts, size_t idx, unsigned long *flags, char **data, struct sb_err *err)
{
	char buf[4096] = "";
	size_t i;
	json_t *o;

	json_array_foreach(opts, i, o) {
		const char *s = json_string_value(o);
		size_t k;

		if (!s)
			return sb_failx(err, EINVAL, "mounts[%zu].options[%zu]: expected a string", idx, i);
		for (k = 0; k < ELEMENTSOF(mount_opts); k++)
			if (strcmp(s, mount_opts[k].name) == 0)
				break;
		if (k < ELEMENTSOF(mount_opts)) {
			if (mount_opts[k].clear)
				*flags &= ~mount_opts[k].flag;
			else
				*flags |= mount_opts[k].flag;
		} else if (strcmp(s, "idmap") == 0 || strcmp(s, "ridmap") == 0) {
			return sb_failx(err, EOPNOTSUPP, "mounts[%zu]: idmapped mounts are not supported", idx);
		} else if (!in(s, ignored_opts, ELEMENTSOF(ignored_opts))) {
			size_t len = strlen(buf);

			snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? "," : "", s);
		}
	}
	if (buf[0] && !(*data = strdup(buf)))
		return sb_fail(err, ENOMEM, "mount options");
	return 0;
}

static char *abs_path(const char *bundle, const char *path, struct sb_err *err)
{
	char full[4200];
	char *out = NULL;

	snprintf(full, sizeof(full), "%s%s%s", path[0] == '/' ? "" : bundle, path[0] == '/' ? "" : "/", path);
	if (path_normalize(full, &out, err) < 0)
		return NULL;
	return out;
}

static int one_mount(json_t *e, size_t i, const char *bundle, struct sb_plan *p, struct sb_err *err)
{
	const char *dst = json_string_value(json_object_get(e, "destination"));
	const char *type = json_string_value(json_object_get(e, "type"));
	const char *src = json_string_value(json_object_get(e, "source"));
	struct sb_mount m = { .kind = SB_MOUNT_FS };
	char d[4200];
	int r;

	if (!dst || !*dst)
		return sb_failx(err, EINVAL, "mounts[%zu].destination: missing", i);
	r = options(json_object_get(e, "options"), i, &m.ms_flags, &m.data, err);
	if (r < 0)
		return r;
	snprintf(d, sizeof(d), "%s%s", dst[0] == '/' ? "" : "/", dst);
	if (path_normalize(d, &m.dst, err) < 0)
		goto fail;
	if ((type && strcmp(type, "bind") == 0) || m.ms_flags & MS_BIND) {
		/* "bind" without "rbind": the top mount only. */
		m.kind = m.ms_flags & MS_RDONLY ? SB_MOUNT_RO_BIND : SB_MOUNT_BIND;
		m.flags = (m.ms_flags & MS_NOEXEC ? SB_MNT_NOEXEC : 0) | (m.ms_flags & MS_REC ? 0 : SB_MNT_NOREC);
		m.ms_flags = 0;
		free(m.data); /* a bind has no file system options */
		m.data = NULL;
		if (!src) {
			sb_failx(err, EINVAL, "mounts[%zu] (%s): a bind needs a source", i, dst);
			goto fail;
		}
		if (!(m.src = abs_path(bundle, src, err)))
			goto fail;
	} else if (type && strcmp(type, "proc") == 0) {
		m.kind = SB_MOUNT_PROC;
	} else if (type && *type) {
		if (!(m.fstype = strdup(type)) || (src && !(m.src = strdup(src))))
			goto nomem;
	} else {
		sb_failx(err, EINVAL, "mounts[%zu] (%s): a type is required unless the options say bind", i, dst);
		goto fail;
	}
	if (plan_add_mount(p, &m) == 0)
		return 0;
nomem:
	sb_fail(err, ENOMEM, "copy");
fail:
	free(m.dst);
	free(m.src);
	free(m.fstype);
	free(m.data);
	return strstr(err->msg, "mounts[") ? -EINVAL : sb_wrap(err, "mounts[%zu] (%s)", i, dst);
}

static bool has_mount(const struct sb_plan *p, const char *dst)
{
	for (size_t i = 0; i < p->n_mounts; i++)
		if (strcmp(p->mounts[i].dst, dst) == 0)
			return true;
	return false;
}

static int add_simple(struct sb_plan *p, enum sb_mount_kind kind, const char *src, const char *dst,
		      struct sb_err *err)
{
	struct sb_mount m = { .kind = kind, .src = strdup(src), .dst = strdup(dst) };

	if (!m.src || !m.dst || plan_add_mount(p, &m) < 0) {
		free(m.src);
		free(m.dst);
		return sb_fail(err, ENOMEM, "device %s", dst);
	}
	return 0;
}

/* One lx.devices entry: the host's node at the same path, which must
 * be the same device. */
static int device(json_t *e, size_t i, struct sb_plan *p, struct sb_err *err)
{
	const char *path = json_string_value(json_object_get(e, "path"));
	const char *type = json_string_value(json_object_get(e, "type"));
	json_int_t maj = json_integer_value(json_object_get(e, "major")), min = json_integer_value(json_object_get(e, "minor"));
	struct stat st;

	if (!path || path[0] != '/' || !type)
		return sb_failx(err, EINVAL, "linux.devices[%zu]: path and type are required", i);
	if (strcmp(type, "p") == 0)
		return sb_failx(err, EOPNOTSUPP, "linux.devices[%zu] (%s): FIFOs are not supported", i, path);
	if (stat(path, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) ||
	    (json_object_get(e, "major") && (major(st.st_rdev) != (unsigned)maj || minor(st.st_rdev) != (unsigned)min)))
		return sb_failx(err, ENODEV, "linux.devices[%zu]: the host has no device %lld:%lld at %s to bind", i,
				(long long)maj, (long long)min, path);
	return add_simple(p, SB_MOUNT_BIND, path, path, err);
}

static int devices(json_t *lx, struct sb_plan *p, struct sb_err *err)
{
	static const char *const always[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
					      "/dev/tty" };
	static const char *const links[][2] = { { "/proc/self/fd", "/dev/fd" }, { "/proc/self/fd/0", "/dev/stdin" },
						{ "/proc/self/fd/1", "/dev/stdout" }, { "/proc/self/fd/2", "/dev/stderr" },
						{ "pts/ptmx", "/dev/ptmx" } };
	json_t *list = json_object_get(lx, "devices"), *e;
	size_t i;
	int r;

	json_array_foreach(list, i, e)
		if ((r = device(e, i, p, err)) < 0)
			return r;
	if (!has_mount(p, "/dev"))
		return 0;
	for (i = 0; i < ELEMENTSOF(always); i++)
		if (!has_mount(p, always[i]) && (r = add_simple(p, SB_MOUNT_BIND, always[i], always[i], err)) < 0)
			return r;
	for (i = 0; i < ELEMENTSOF(links); i++)
		if (!has_mount(p, links[i][1]) && (r = add_simple(p, SB_MOUNT_SYMLINK, links[i][0], links[i][1], err)) < 0)
			return r;
	return 0;
}

int oci_mounts(json_t *config, const char *bundle, struct sb_plan *p, struct sb_err *err)
{
	json_t *mounts = json_object_get(config, "mounts"), *e;
	size_t i;
	int r;

	if (mounts && !json_is_array(mounts))
		return sb_failx(err, EINVAL, "mounts: expected an array");
	json_array_foreach(mounts, i, e)
		if ((r = one_mount(e, i, bundle, p, err)) < 0)
			return r;
	return devices(json_object_get(config, "linux"), p, err);
}

/* uidMappings/gidMappings as /proc/PID/uid_map text. */
static int maps(json_t *a, const char *what, char **out, struct sb_err *err)
{
	char buf[4096] = "";
	size_t i;
	json_t *e;

	if (!json_array_size(a))
		return sb_failx(err, EINVAL, "linux.%s: required with a new user namespace", what);
	json_array_foreach(a, i, e) {
		size_t len = strlen(buf);

		if (!json_is_integer(json_object_get(e, "containerID")) || !json_is_integer(json_object_get(e, "hostID")) ||
		    !json_is_integer(json_object_get(e, "size")))
			return sb_failx(err, EINVAL, "linux.%s[%zu]: containerID, hostID and size are required", what, i);
		snprintf(buf + len, sizeof(buf) - len, "%lld %lld %lld\n",
			 (long long)json_integer_value(json_object_get(e, "containerID")),
			 (long long)json_integer_value(json_object_get(e, "hostID")),
			 (long long)json_integer_value(json_object_get(e, "size")));
	}
	*out = strdup(buf);
	return *out ? 0 : sb_fail(err, ENOMEM, "%s", what);
}

int oci_namespaces(json_t *lx, struct sb_plan *p, struct sb_err *err)
{
	static const struct {
		const char *type;
		int ns; /* enum sb_ns, or -1 for time */
	} types[] = { { "user", SB_NS_USER }, { "mount", SB_NS_MNT }, { "pid", SB_NS_PID }, { "ipc", SB_NS_IPC },
		      { "uts", SB_NS_UTS },   { "network", SB_NS_NET }, { "cgroup", SB_NS_CGROUP }, { "time", -1 } };
	json_t *list = json_object_get(lx, "namespaces"), *e;
	size_t i, k;
	int r;

	p->ns.share = (1u << SB_NS_MAX) - 1;
	json_array_foreach(list, i, e) {
		const char *type = json_string_value(json_object_get(e, "type"));
		const char *path = json_string_value(json_object_get(e, "path"));

		for (k = 0; type && k < ELEMENTSOF(types); k++)
			if (strcmp(type, types[k].type) == 0)
				break;
		if (!type || k == ELEMENTSOF(types))
			return sb_failx(err, EINVAL, "linux.namespaces[%zu]: unknown namespace type '%s'", i, type ? type : "");
		if (types[k].ns < 0) {
			if (path && *path)
				return sb_failx(err, EOPNOTSUPP, "linux.namespaces[%zu]: joining a time namespace is not supported", i);
			p->time_ns.new_ns = true;
			continue;
		}
		p->ns.share &= ~(1u << types[k].ns);
		if (path && *path && types[k].ns == SB_NS_MNT)
			return sb_failx(err, EOPNOTSUPP, "linux.namespaces[%zu]: joining a mount namespace is not supported", i);
		if (path && *path && !(p->ns.join[types[k].ns] = strdup(path)))
			return sb_fail(err, ENOMEM, "namespaces");
	}
	p->ns.share &= ~(1u << SB_NS_CGROUP); /* always the run's own, at its cgroup */
	if (p->ns.share & (1u << SB_NS_NET) || p->ns.join[SB_NS_NET])
		p->net = SB_NET_HOST; /* no network namespace of the run's own to set up */
	if (!(p->ns.share & (1u << SB_NS_USER)) && !p->ns.join[SB_NS_USER]) {
		r = maps(json_object_get(lx, "uidMappings"), "uidMappings", &p->ns.uid_map, err);
		if (r == 0)
			r = maps(json_object_get(lx, "gidMappings"), "gidMappings", &p->ns.gid_map, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* "slice:prefix:name" (systemd) as cgroupfs: a slice "a-b.slice" nests
 * in "a.slice" as systemd lays it out; "/path" and "path" stay. */
char *oci_cgroup_path(const char *path)
{
	const char *c1 = strchr(path, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	char out[4096] = "", slice[512];
	size_t len;

	if (!c1)
		return strdup(path);
	if (!c2 || strchr(c2 + 1, ':') || (size_t)(c1 - path) >= sizeof(slice))
		return NULL;
	snprintf(slice, sizeof(slice), "%.*s", (int)(c1 - path), path);
	if (!*slice)
		snprintf(slice, sizeof(slice), "system.slice");
	/* "a-b-c.slice" lives at /a.slice/a-b.slice/a-b-c.slice */
	for (const char *d = strchr(slice, '-'); d && strlen(slice) > 6; d = strchr(d + 1, '-')) {
		len = strlen(out);
		snprintf(out + len, sizeof(out) - len, "/%.*s.slice", (int)(d - slice), slice);
	}
	len = strlen(out);
	snprintf(out + len, sizeof(out) - len, "/%s", slice);
	len = strlen(out);
	if (c2 - c1 > 1)
		snprintf(out + len, sizeof(out) - len, "/%.*s-%s.scope", (int)(c2 - c1 - 1), c1 + 1, c2 + 1);
	else
		snprintf(out + len, sizeof(out) - len, "/%s", c2 + 1);
	return strdup(out);
}
