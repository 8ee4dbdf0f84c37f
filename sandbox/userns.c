/*
 * userns.c: the user namespace layer.
 *
 * Launcher side (caller's uid, initial user namespace): writes setgroups,
 * uid_map and gid_map of the child. An unprivileged caller may map exactly
 * one id, its own, and must deny setgroups first (user_namespaces(7)). A
 * root caller maps the sandbox's ids to an unprivileged outside uid
 * (--map-to, default 65534), never to real root.
 *
 * With --map-to subuid[:N] the command runs as an id of the caller's
 * subordinate range instead (/etc/subuid, /etc/subgid): the setuid helpers
 * newuidmap and newgidmap (package uidmap) write two lines, inside 0 = the
 * caller (init, which builds the sandbox with the caller's access to bind
 * sources) and the command's uid = the N-th subordinate id. Files of the
 * caller are then "other" to the command, so permission bits protect them
 * as they do between users (isolate's per-box uids). Because a privileged
 * helper wrote gid_map, setgroups stays allowed and init drops the
 * caller's supplementary groups.
 *
 * Child side (init, full capabilities in the new namespace): switch to the
 * inside ids. For a root caller this is what actually drops real root: the
 * clone keeps kuid 0 until setresuid(inside) turns it into the mapped uid.
 * With subordinate ids the payload switches later (userns_drop), after
 * init has built the sandbox as inside 0.
 */
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
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

/* The first range of the caller in /etc/subuid or /etc/subgid, whose lines
 * are NAME:START:COUNT or UID:START:COUNT (subuid(5)). */
static int find_range(const char *file, const char *name, unsigned long id, unsigned long *start,
		      unsigned long *count, struct sb_err *err)
{
	char line[512], num[32];
	FILE *f = fopen(file, "re");
	int r;

	if (!f) {
		r = sb_fail(err, errno, "map-to subuid: read %s", file);
		sb_hint(err, "as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s",
			name ? name : num);
		return r;
	}
	snprintf(num, sizeof(num), "%lu", id);
	while (fgets(line, sizeof(line), f)) {
		char *who = strtok(line, ":\n"), *s = strtok(NULL, ":\n"), *c = strtok(NULL, ":\n");

		if (!who || !s || !c || (strcmp(who, num) != 0 && (!name || strcmp(who, name) != 0)))
			continue;
		*start = strtoul(s, NULL, 10);
		*count = strtoul(c, NULL, 10);
		if (*count == 0)
			continue;
		fclose(f);
		return 0;
	}
	fclose(f);
	r = sb_failx(err, ENOENT, "map-to subuid: no range for %s (uid %lu) in %s", name ? name : num, id, file);
	sb_hint(err, "as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s",
		name ? name : num);
	return r;
}

/* newuidmap/newgidmap are setuid root: found at fixed places only, never
 * through the caller's PATH. */
static const char *helper_path(const char *name)
{
	static const char *const dirs[] = { "/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin" };
	static char buf[64];

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		snprintf(buf, sizeof(buf), "%s/%s", dirs[i], name);
		if (access(buf, X_OK) == 0)
			return buf;
	}
	return NULL;
}

/* A helper that can do its job: setuid root, or file capabilities. */
static int helper_usable(const char *name, struct sb_err *err)
{
	const char *path = helper_path(name);
	struct stat st;
	int r;

	if (!path) {
		r = sb_failx(err, ENOENT, "%s not found", name);
		sb_hint(err, "install the uidmap package (apt-get install uidmap)");
		return r;
	}
	if (stat(path, &st) == 0 && !(st.st_uid == 0 && (st.st_mode & S_ISUID)) &&
	    getxattr(path, "security.capability", NULL, 0) <= 0) {
		r = sb_failx(err, EPERM, "%s is neither setuid root nor has file capabilities", path);
		sb_hint(err, "as root: chmod u+s %s, or reinstall uidmap", path);
		return r;
	}
	return 0;
}

int userns_subids(struct sb_subids *out, struct sb_err *err)
{
	struct passwd *pw = getpwuid(getuid());
	const char *name = pw ? pw->pw_name : NULL;
	int r;

	r = helper_usable("newuidmap", err);
	if (r == 0)
		r = helper_usable("newgidmap", err);
	if (r == 0)
		r = find_range("/etc/subuid", name, getuid(), &out->uid_start, &out->uid_count, err);
	if (r == 0)
		r = find_range("/etc/subgid", name, getuid(), &out->gid_start, &out->gid_count, err);
	return r;
}

/* Start "HELPER PID 0 OWN 1 INSIDE SUB 1"; *child gets its pid. */
static int spawn_helper(const char *name, pid_t pid, unsigned long own, unsigned long inside, unsigned long sub,
			pid_t *child, struct sb_err *err)
{
	char a[5][24], *argv[9];
	const char *path = helper_path(name);
	char *const envp[] = { NULL };
	int r;

	if (!path) {
		r = sb_failx(err, ENOENT, "map-to subuid: %s not found", name);
		sb_hint(err, "install the uidmap package (apt-get install uidmap)");
		return r;
	}
	snprintf(a[0], sizeof(a[0]), "%d", (int)pid);
	snprintf(a[1], sizeof(a[1]), "%lu", own);
	snprintf(a[2], sizeof(a[2]), "%lu", inside);
	snprintf(a[3], sizeof(a[3]), "%lu", sub);
	snprintf(a[4], sizeof(a[4]), "0");
	argv[0] = (char *)name;
	argv[1] = a[0];
	argv[2] = a[4];
	argv[3] = a[1];
	argv[4] = (char *)"1";
	argv[5] = a[2];
	argv[6] = a[3];
	argv[7] = (char *)"1";
	argv[8] = NULL;
	r = posix_spawn(child, path, NULL, NULL, argv, envp);
	if (r != 0)
		return sb_fail(err, r, "map-to subuid: run %s", path);
	return 0;
}

static int wait_helper(pid_t child, const char *name, struct sb_err *err)
{
	int st;

	while (waitpid(child, &st, 0) < 0)
		if (errno != EINTR)
			return sb_fail(err, errno, "map-to subuid: wait for %s", name);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	return sb_failx(err, EPERM, "map-to subuid: %s refused the mapping (see its message above)", name);
}

/* Both helpers run at once: each is an exec of a setuid binary, the
 * slowest part of this layer. */
static int map_subids(const struct sb_plan *p, pid_t pid, struct sb_err *err)
{
	struct passwd *pw = getpwuid(getuid());
	const char *name = pw ? pw->pw_name : NULL;
	struct sb_err later = SB_ERR_INIT;
	unsigned long us, uc, gs, gc;
	pid_t cu = -1, cg = -1;
	int r, ru = 0, rg = 0;

	r = find_range("/etc/subuid", name, getuid(), &us, &uc, err);
	if (r == 0)
		r = find_range("/etc/subgid", name, getuid(), &gs, &gc, err);
	if (r == 0)
		r = spawn_helper("newuidmap", pid, getuid(), p->uid, us + p->subid_index % uc, &cu, err);
	if (r == 0)
		r = spawn_helper("newgidmap", pid, getgid(), p->gid, gs + p->subid_index % gc, &cg, err);
	/* Reap what was started even after a failure; the first error wins. */
	if (cu > 0)
		ru = wait_helper(cu, "newuidmap", r < 0 ? &later : err);
	if (cg > 0)
		rg = wait_helper(cg, "newgidmap", r < 0 || ru < 0 ? &later : err);
	return r < 0 ? r : ru < 0 ? ru : rg;
}

/* Whether map is the one line "X ID 1" (the caller's own id, which needs
 * no privilege to map). */
static bool own_id_only(const char *map, unsigned long id)
{
	unsigned long in, out, n;
	int used = 0;

	return sscanf(map, "%lu %lu %lu %n", &in, &out, &n, &used) == 3 && !map[used] && out == id && n == 1;
}

/* newuidmap/newgidmap PID IN OUT COUNT... for ranges of subordinate ids
 * (the setuid helpers check them against /etc/subuid, /etc/subgid). */
static int spawn_map_helper(const char *name, pid_t pid, const char *map, pid_t *child, struct sb_err *err)
{
	char text[1024], pidstr[16], *argv[3 * 40 + 3], *save = NULL;
	const char *path = helper_path(name);
	char *const envp[] = { NULL };
	size_t n = 0;
	int r;

	if (!path) {
		r = sb_failx(err, ENOENT, "user namespace maps with ranges need %s, which is not installed", name);
		sb_hint(err, "install the uidmap package (apt-get install uidmap)");
		return r;
	}
	snprintf(text, sizeof(text), "%s", map);
	snprintf(pidstr, sizeof(pidstr), "%d", (int)pid);
	argv[n++] = (char *)name;
	argv[n++] = pidstr;
	for (char *w = strtok_r(text, " \t\n", &save); w && n < ELEMENTSOF(argv) - 1; w = strtok_r(NULL, " \t\n", &save))
		argv[n++] = w;
	argv[n] = NULL;
	r = posix_spawn(child, path, NULL, NULL, argv, envp);
	if (r != 0)
		return sb_fail(err, r, "run %s", path);
	return 0;
}

static int wait_map_helper(pid_t child, const char *name, const char *map, struct sb_err *err)
{
	int st, r;

	while (waitpid(child, &st, 0) < 0)
		if (errno != EINTR)
			return sb_fail(err, errno, "wait for %s", name);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	r = sb_failx(err, EPERM, "%s refused the map '%.*s...' (see its message above)", name, (int)strcspn(map, "\n"), map);
	sb_hint(err, "the ranges must be yours in /etc/subuid and /etc/subgid (usermod --add-subuids)");
	return r;
}

/* Both helpers at once, as map_subids runs them; the first error wins and
 * whatever was started is reaped. */
static int map_ranges(pid_t pid, const char *uid_map, const char *gid_map, struct sb_err *err)
{
	struct sb_err later = SB_ERR_INIT;
	pid_t cu = -1, cg = -1;
	int r, ru = 0, rg = 0;

	r = spawn_map_helper("newuidmap", pid, uid_map, &cu, err);
	if (r == 0)
		r = spawn_map_helper("newgidmap", pid, gid_map, &cg, err);
	if (cu > 0)
		ru = wait_map_helper(cu, "newuidmap", uid_map, r < 0 ? &later : err);
	if (cg > 0)
		rg = wait_map_helper(cg, "newgidmap", gid_map, r < 0 || ru < 0 ? &later : err);
	return r < 0 ? r : ru < 0 ? ru : rg;
}

/* The plan's own maps (an OCI config's uidMappings), "IN OUT COUNT"
 * lines: written directly by root, or when they map the caller's own ids
 * alone; through newuidmap/newgidmap otherwise. */
static int write_maps(const struct sb_plan *p, pid_t pid, struct sb_err *err)
{
	const char *gmap = p->ns.gid_map ? p->ns.gid_map : p->ns.uid_map;
	int r;

	if (getuid() != 0 && !(own_id_only(p->ns.uid_map, getuid()) && own_id_only(gmap, getgid())))
		return map_ranges(pid, p->ns.uid_map, gmap, err);
	if (getuid() != 0 && (r = write_file(pid, "setgroups", "deny", err)) < 0)
		return r;
	r = write_file(pid, "uid_map", p->ns.uid_map, err);
	if (r == 0)
		r = write_file(pid, "gid_map", gmap, err);
	return r;
}

int userns_parent(const struct sb_plan *p, pid_t pid, struct sb_err *err)
{
	char map[64];
	int r;

	if (!ns_new(p, SB_NS_USER))
		return 0; /* the caller's (or a joined) user namespace: nothing to map */
	if (p->ns.uid_map)
		return write_maps(p, pid, err);
	if (p->map_subids)
		return map_subids(p, pid, err);
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
	if (p->payload_ids) {
		/* Stay (or become) root of the namespace to build the root; the
		 * payload takes the plan's ids right before exec (caps.c). In a
		 * new namespace whose maps hold no 0 there is no root to become. */
		if (setresgid(0, 0, 0) < 0 && errno != EINVAL)
			return sb_fail(err, errno, "setresgid(0)");
		if (setresuid(0, 0, 0) < 0 && errno != EINVAL)
			return sb_fail(err, errno, "setresuid(0)");
		return 0;
	}
	/* With subordinate ids init stays inside 0 (the caller) until the
	 * payload drops to the command's ids. */
	uid_t uid = p->map_subids ? 0 : p->uid;
	gid_t gid = p->map_subids ? 0 : p->gid;

	/* Groups first: setgroups needs CAP_SETGID, which setresuid may drop. */
	if (setgroups(0, NULL) < 0 && errno != EPERM)
		return sb_fail(err, errno, "drop supplementary groups");
	if (setresgid(gid, gid, gid) < 0)
		return sb_fail(err, errno, "setresgid(%u)", (unsigned)gid);
	if (setresuid(uid, uid, uid) < 0)
		return sb_fail(err, errno, "setresuid(%u)", (unsigned)uid);
	return 0;
}

int userns_drop(const struct sb_plan *p, struct sb_err *err)
{
	if (!p->map_subids && !p->payload_ids)
		return 0;
	/* An OCI process's supplementary groups, while CAP_SETGID is ours. A
	 * new user namespace of an unprivileged caller denies setgroups: fine
	 * when none is asked for. */
	if (p->payload_ids && setgroups(p->n_groups, p->groups) < 0 && !(errno == EPERM && p->n_groups == 0))
		return sb_fail(err, errno, "set %zu supplementary groups", p->n_groups);
	/* Leaving uid 0 clears the capability sets; keep the permitted one
	 * across the switch so caps_child can still drop the bounding set
	 * (that needs CAP_SETPCAP in effect) and keep what the plan keeps,
	 * then let caps_child set them. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return sb_fail(err, errno, "keep capabilities across the uid switch");
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		return sb_fail(err, errno, "setresgid(%u)", (unsigned)p->gid);
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		return sb_fail(err, errno, "setresuid(%u)", (unsigned)p->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return sb_fail(err, errno, "reset keep-capabilities");
	capng_get_caps_process();
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		if (capng_have_capability(CAPNG_PERMITTED, (unsigned)c))
			capng_update(CAPNG_ADD, CAPNG_EFFECTIVE, (unsigned)c);
	if (capng_apply(CAPNG_SELECT_CAPS) != 0)
		return sb_failx(err, EPERM, "raise the permitted capabilities after the uid switch (libcap-ng)");
	/* A credential change cleared the parent-death signal (prctl(2)). An
	 * OCI process does without: its init's end ends its pid namespace,
	 * and an exec'd one outlives its parent by design. */
	if (p->map_subids && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return sb_fail(err, errno, "set the parent-death signal");
	return 0;
}

/* A byte through a pipe, retrying EINTR; false on EOF or error. */
static bool pipe_byte(int fd, bool out)
{
	char c = 0;
	ssize_t n;

	do
		n = out ? write(fd, &c, 1) : read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	return n == 1;
}

int userns_run_mapped(const struct sb_plan *p, int (*fn)(void *arg), void *arg, struct sb_err *err)
{
	int up[2], down[2], st, r;
	pid_t pid;

	if (pipe2(up, O_CLOEXEC) < 0)
		return sb_fail(err, errno, "pipe");
	if (pipe2(down, O_CLOEXEC) < 0) {
		close(up[0]);
		close(up[1]);
		return sb_fail(err, errno, "pipe");
	}
	pid = fork();
	if (pid == 0) {
		/* The child: a new user namespace, mapped by the parent. */
		close(up[0]);
		close(down[1]);
		if (unshare(CLONE_NEWUSER) < 0 || !pipe_byte(up[1], true) || !pipe_byte(down[0], false))
			_exit(125);
		_exit(fn(arg) == 0 ? 0 : 1);
	}
	close(up[1]);
	close(down[0]);
	if (pid < 0)
		r = sb_fail(err, errno, "fork");
	else if (!pipe_byte(up[0], false))
		r = sb_failx(err, EPERM, "cannot create a user namespace");
	else if ((r = userns_parent(p, pid, err)) == 0 && !pipe_byte(down[1], true))
		r = sb_failx(err, EPIPE, "the user namespace's process went away");
	close(up[0]);
	close(down[1]);
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		r = sb_failx(err, EIO, "the work in the user namespace failed");
	return r;
}
