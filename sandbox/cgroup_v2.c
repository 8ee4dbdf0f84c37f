/*
 * cgroup_v2.c: the cgroup v2 back end: a child "sandbox-PID" of a
 * delegated parent, joined at clone time (CLONE_INTO_CGROUP), limits in
 * memory.max (+ memory.swap.max 0, memory.oom.group 1), pids.max, cpu.max,
 * cpuset.cpus; killed with cgroup.kill. Launcher side, as the caller.
 *
 * The parent: --cgroup-parent / SANDBOX_CGROUP (a path under the mount or
 * relative to it; a relative SANDBOX_CGROUP is relative to the caller's own
 * cgroup), else the caller's own cgroup when it is delegated to the caller
 * (systemd-run --user --scope -p Delegate=yes). v2 forbids processes in a
 * cgroup that enables controllers for its children, and the launcher sits
 * in its scope, so it first moves itself into the leaf <scope>/supervisor,
 * then enables the controllers and creates the run's cgroup as a sibling.
 * Later launchers started in that leaf use its parent directly.
 */
#include "cgroup_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#define SUPERVISOR "supervisor"

static int own_cgroup(char *buf, struct sb_err *err)
{
	char line[PATH_MAX + 16];
	FILE *f = fopen("/proc/self/cgroup", "re");
	int r = sb_failx(err, ENOENT, "no cgroup v2 entry in /proc/self/cgroup");

	if (!f)
		return sb_fail(err, errno, "read /proc/self/cgroup");
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(buf, PATH_MAX, "%s%s", CG_MOUNT, strcmp(line + 3, "/") ? line + 3 : "");
		r = 0;
		break;
	}
	fclose(f);
	return r;
}

static bool writable(const char *dir)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	return access(dir, W_OK) == 0 && access(path, W_OK) == 0;
}

/* The launcher leaves its scope for a leaf child, so the scope may hand
 * controllers to its children ("no internal processes" rule). */
static int enter_supervisor(const char *scope, struct sb_err *err)
{
	char leaf[PATH_MAX + 16];

	snprintf(leaf, sizeof(leaf), "%s/%s", scope, SUPERVISOR);
	if (mkdir(leaf, 0755) < 0 && errno != EEXIST)
		return sb_fail(err, errno, "create %s", leaf);
	return cg_write(leaf, "cgroup.procs", "0", err);
}

/* dry: only say where (cgroup_where); the real run may move the launcher. */
static int find_parent(const struct cg_needs *n, const struct cg_where *w, char *parent, bool dry, struct sb_err *err)
{
	char own[PATH_MAX];
	const char *base;
	int r;

	if (w->path && !w->rel) {
		bool full = strncmp(w->path, CG_MOUNT "/", sizeof(CG_MOUNT)) == 0;

		snprintf(parent, PATH_MAX, "%s%s", full ? "" : CG_MOUNT, w->path);
		return writable(parent) ? 0 : sb_fail(err, errno, "cgroup %s from %s", parent, w->origin);
	}
	r = own_cgroup(own, err);
	if (r < 0)
		return r;
	if (w->path) {
		snprintf(parent, PATH_MAX, "%s/%s", own, w->path);
		return writable(parent) ? 0 : sb_fail(err, errno, "cgroup %s from %s", parent, w->origin);
	}
	if (!writable(own))
		return sb_fail(err, errno, "own cgroup %s is not delegated to this user", own);
	base = strrchr(own, '/');
	if (base && strcmp(base + 1, SUPERVISOR) == 0) {
		snprintf(parent, PATH_MAX, "%.*s", (int)(base - own), own);
		return 0;
	}
	snprintf(parent, PATH_MAX, "%s", own);
	/* Only limits justify moving the launcher; a run that merely wants
	 * figures makes do with what the scope offers as it is. */
	return n->any && !dry ? enter_supervisor(own, err) : 0;
}

static bool has_word(const char *text, const char *word)
{
	size_t len = strlen(word);

	for (const char *t = strstr(text, word); t; t = strstr(t + 1, word))
		if ((t == text || t[-1] == ' ') && (t[len] == ' ' || t[len] == '\n' || t[len] == '\0'))
			return true;
	return false;
}

/* Enable a controller for the parent's children; returns whether it is. */
static int enable(const char *parent, const char *ctl, bool needed, struct sb_err *err)
{
	char avail[256], on[256], v[32];
	int r;

	if (cg_read(parent, "cgroup.subtree_control", on, sizeof(on)) >= 0 && has_word(on, ctl))
		return 1;
	if (cg_read(parent, "cgroup.controllers", avail, sizeof(avail)) < 0 || !has_word(avail, ctl)) {
		if (!needed)
			return 0;
		return sb_failx(err, EPERM, "the %s controller is not delegated to cgroup %s", ctl, parent);
	}
	snprintf(v, sizeof(v), "+%s", ctl);
	r = cg_write(parent, "cgroup.subtree_control", v, err);
	if (r < 0 && needed) {
		if (r == -EBUSY)
			sb_hint(err, "cgroup %s holds processes; cgroup v2 lets only a cgroup without "
				     "processes give controllers to its children", parent);
		return r;
	}
	return r == 0;
}

static int enable_all(const char *parent, const struct cg_needs *n, struct cg_state *s, struct sb_err *err)
{
	int r;

	r = enable(parent, "memory", n->memory, err);
	if (r < 0)
		return r;
	s->have_memory = r == 1;
	if (n->pids && (r = enable(parent, "pids", true, err)) < 0)
		return r;
	if (n->cpus && (r = enable(parent, "cpu", true, err)) < 0)
		return r;
	if (n->cpuset && (r = enable(parent, "cpuset", true, err)) < 0)
		return r;
	return 0;
}

static int set_limits(const struct sb_plan *p, struct cg_state *s, struct sb_err *err)
{
	const struct sb_limits *l = &p->limits;
	struct sb_err ignored = SB_ERR_INIT;
	char v[64];
	int r = 0;

	if (l->memory) {
		snprintf(v, sizeof(v), "%llu", (unsigned long long)l->memory);
		r = cg_write(s->dir, "memory.max", v, err);
		/* No swap, or the limit would only slow the run down; absent
		 * without swap accounting, which means the same. */
		cg_write(s->dir, "memory.swap.max", "0", &ignored);
		/* One OOM kill ends the whole run, like a judge expects. */
		cg_write(s->dir, "memory.oom.group", "1", &ignored);
	}
	if (r == 0 && l->pids) {
		snprintf(v, sizeof(v), "%llu", (unsigned long long)l->pids + 1); /* + the sandbox's init */
		r = cg_write(s->dir, "pids.max", v, err);
	}
	if (r == 0 && l->cpus_milli) {
		snprintf(v, sizeof(v), "%llu 100000", (unsigned long long)l->cpus_milli * 100);
		r = cg_write(s->dir, "cpu.max", v, err);
	}
	if (r == 0 && l->cpuset)
		r = cg_write(s->dir, "cpuset.cpus", l->cpuset, err);
	return r;
}

static int open_files(struct cg_state *s, struct sb_err *err)
{
	char path[PATH_MAX + 32];

	s->dir_fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dir_fd < 0)
		return sb_fail(err, errno, "open %s", s->dir);
	snprintf(path, sizeof(path), "%s/cpu.stat", s->dir);
	s->stat_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->have_memory) {
		snprintf(path, sizeof(path), "%s/memory.events", s->dir);
		s->events_fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	return 0;
}

/* The plan names the run's cgroup (cgroup_exact.c): made with its
 * parents, each new level given the controllers the run needs. */
static int create_exact(const struct sb_plan *p, const struct cg_needs *n, const struct cg_where *w,
			struct cg_state *s, struct sb_err *err)
{
	char own[PATH_MAX], ctls[64];
	struct cg_exact_how how = { .v2_enable = ctls };
	int r;

	snprintf(ctls, sizeof(ctls), "%s%s%s%s", n->memory ? "memory " : "", n->pids ? "pids " : "",
		 n->cpus ? "cpu " : "", n->cpuset ? "cpuset" : "");
	ctls[strcspn(ctls, "\0")] = '\0';
	if (ctls[0] && ctls[strlen(ctls) - 1] == ' ')
		ctls[strlen(ctls) - 1] = '\0';
	r = own_cgroup(own, err);
	if (r == 0)
		r = cg_exact_dir(CG_MOUNT, w, own + sizeof(CG_MOUNT) - 1, &how, s->dir, err);
	if (r < 0)
		return r;
	s->have_memory = n->memory;
	r = set_limits(p, s, err);
	if (r == 0)
		r = open_files(s, err);
	if (r < 0)
		cgroup_v2_release(s);
	return r;
}

int cgroup_v2_create(const struct sb_plan *p, const struct cg_needs *n, const struct cg_where *w,
		     struct cg_state *s, struct sb_err *err)
{
	char parent[PATH_MAX], name[64];
	int r;

	if (w->exact)
		return create_exact(p, n, w, s, err);
	r = find_parent(n, w, parent, false, err);
	if (r < 0)
		return r;
	r = enable_all(parent, n, s, err);
	if (r < 0)
		return r;
	cg_clean_stale(parent, "cgroup.kill");
	cg_run_name(name, sizeof(name));
	if (strlen(parent) + strlen(name) + 2 > sizeof(s->dir))
		return sb_failx(err, ENAMETOOLONG, "cgroup path too long");
	snprintf(s->dir, sizeof(s->dir), "%s/%s", parent, name);
	if (mkdir(s->dir, 0755) < 0) {
		r = sb_fail(err, errno, "create cgroup %s", s->dir);
		s->dir[0] = '\0';
		return r;
	}
	r = set_limits(p, s, err);
	if (r == 0)
		r = open_files(s, err);
	if (r < 0)
		cgroup_v2_release(s);
	return r;
}

static int read_fd(int fd, char *buf, size_t len)
{
	ssize_t n;

	if (fd < 0)
		return -EBADF;
	n = pread(fd, buf, len - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

long long cgroup_v2_usage_us(struct cg_state *s)
{
	char buf[1024];
	uint64_t v;

	if (read_fd(s->stat_fd, buf, sizeof(buf)) < 0 || !cg_key_u64(buf, "usage_usec", &v))
		return -1;
	return (long long)v;
}

bool cgroup_v2_event(struct cg_state *s, struct sb_result *res)
{
	char buf[512];
	uint64_t v;

	/* Reading clears the POLLPRI condition; "max" and "high" changes come
	 * here too and are fine; an OOM kill ends the run. */
	if (read_fd(s->events_fd, buf, sizeof(buf)) < 0)
		return false;
	if (cg_key_u64(buf, "oom_kill", &v) && v) {
		res->oom_killed = res->memory_exceeded = true;
		return true;
	}
	return false;
}

int cgroup_v2_kill(struct cg_state *s)
{
	struct sb_err e = SB_ERR_INIT;

	/* cgroup.kill (Linux 5.14) kills every member at once, forks racing
	 * with it included; older kernels rely on the pid namespace. */
	return cg_write(s->dir, "cgroup.kill", "1", &e);
}

static bool ended_badly(const struct sb_result *res)
{
	int st = res->wait_status;

	return res->have_status && (WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) != 0));
}

void cgroup_v2_collect(struct cg_state *s, struct sb_result *res)
{
	char buf[1024];
	uint64_t v, user = 0, sys = 0;

	if (read_fd(s->stat_fd, buf, sizeof(buf)) == 0 && cg_key_u64(buf, "usage_usec", &v)) {
		double used = (double)(v > s->cpu_base_us ? v - s->cpu_base_us : 0) / 1e6;

		if (!cg_key_u64(buf, "user_usec", &user) || !cg_key_u64(buf, "system_usec", &sys))
			user = sys = 0;
		cg_split_cpu(res, used, user, sys);
	}
	/* pids.events "max": a fork or clone failed at pids.max. */
	if (cg_read(s->dir, "pids.events", buf, sizeof(buf)) > 0 && cg_key_u64(buf, "max", &v) && v)
		res->pids_exhausted = true;
	if (!s->have_memory)
		return;
	if (cg_read_u64(s->dir, "memory.peak", &v) == 0)
		res->memory_peak_bytes = v;
	if (read_fd(s->events_fd, buf, sizeof(buf)) < 0)
		return;
	if (cg_key_u64(buf, "oom_kill", &v) && v)
		res->oom_killed = res->memory_exceeded = true;
	/* The limit was reached and the program then failed: an allocation
	 * that could not be satisfied under the limit. */
	if (((cg_key_u64(buf, "oom", &v) && v) || (cg_key_u64(buf, "max", &v) && v)) && ended_badly(res))
		res->memory_exceeded = true;
}

void cgroup_v2_release(struct cg_state *s)
{
	if (s->dir_fd >= 0)
		close(s->dir_fd);
	if (s->stat_fd >= 0)
		close(s->stat_fd);
	if (s->events_fd >= 0)
		close(s->events_fd);
	s->dir_fd = s->stat_fd = s->events_fd = -1;
	if (s->dir[0])
		cg_rmdir(s->dir);
	s->dir[0] = '\0';
}

/* What enable() would meet: a needed controller not yet on for the
 * parent's children, and processes other than this one in the parent
 * (the launcher moves only itself out): "no internal processes". */
static int others_inside(const struct cg_needs *n, const char *parent, struct sb_err *err)
{
	char on[256] = "", procs[4096] = "", me[24];
	int r;

	cg_read(parent, "cgroup.subtree_control", on, sizeof(on));
	if ((!n->memory || has_word(on, "memory")) && (!n->pids || has_word(on, "pids")) &&
	    (!n->cpus || has_word(on, "cpu")) && (!n->cpuset || has_word(on, "cpuset")))
		return 0;
	if (cg_read(parent, "cgroup.procs", procs, sizeof(procs)) < 0)
		return 0;
	snprintf(me, sizeof(me), "%d", (int)getpid());
	for (char *t = strtok(procs, "\n"); t; t = strtok(NULL, "\n"))
		if (strcmp(t, me) != 0) {
			r = sb_failx(err, EBUSY, "cgroup %s holds other processes (pid %s)", parent, t);
			sb_hint(err, "cgroup v2 lets only a cgroup without processes give controllers to its children: "
				     "start sandbox alone in its scope, or point --cgroup-parent/SANDBOX_CGROUP at an empty "
				     "delegated child");
			return r;
		}
	return 0;
}

int cgroup_v2_where(const struct cg_needs *n, const struct cg_where *w, struct sb_cgroup_where *out, struct sb_err *err)
{
	static const char *const ctls[] = { "memory", "pids", "cpu", "cpuset" };
	const bool need[] = { n->memory, n->pids, n->cpus, n->cpuset };
	char avail[256] = "";
	int r;

	r = find_parent(n, w, out->parent, true, err);
	if (r < 0)
		return r;
	cg_read(out->parent, "cgroup.controllers", avail, sizeof(avail));
	avail[strcspn(avail, "\n")] = '\0';
	snprintf(out->controllers, sizeof(out->controllers), "%s", avail);
	for (size_t i = 0; i < sizeof(ctls) / sizeof(ctls[0]); i++)
		if (need[i] && !has_word(avail, ctls[i]))
			return sb_failx(err, EPERM, "the %s controller is not delegated to cgroup %s", ctls[i], out->parent);
	return others_inside(n, out->parent, err);
}
