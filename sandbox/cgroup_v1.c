/*
 * cgroup_v1.c: the cgroup v1 back end (legacy and hybrid machines): one
 * directory per controller hierarchy, each a child "sandbox-PID" of a
 * parent the caller may write to (an admin chowned it, or the caller is
 * root and uses its own cgroup). Launcher side, as the caller.
 *
 * Parent per hierarchy: --cgroup-parent /P is taken relative to each
 * controller's mount, as OCI's cgroupsPath is; a relative SANDBOX_CGROUP is
 * taken relative to the caller's own cgroup in each hierarchy (runc's rule
 * for relative paths); without either, the caller's own cgroup when it is
 * writable. v1 has no CLONE_INTO_CGROUP: cgroup_v1_parent moves init in
 * before GO, and init unshares its cgroup namespace afterwards.
 *
 * No freezer: it is rarely delegated; killing the sandbox's pid 1 ends
 * every process of the run at once (pid namespace teardown).
 */
#include "cgroup_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static const char *const ctl_names[CG1_MAX] = {
	[CG1_MEMORY] = "memory", [CG1_PIDS] = "pids", [CG1_CPUACCT] = "cpuacct",
	[CG1_CPU] = "cpu", [CG1_CPUSET] = "cpuset",
};

struct own {
	char path[CG1_MAX][PATH_MAX]; /* the caller's cgroup per controller */
	int hier[CG1_MAX]; /* hierarchy id, -1 when the controller is absent */
};

static void own_cgroups(struct own *o)
{
	char line[PATH_MAX + 128];
	FILE *f = fopen("/proc/self/cgroup", "re");

	for (int c = 0; c < CG1_MAX; c++)
		o->hier[c] = -1;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *ctls = strchr(line, ':'), *path;

		if (!ctls || !(path = strchr(ctls + 1, ':')))
			continue;
		*ctls++ = '\0';
		*path++ = '\0';
		path[strcspn(path, "\n")] = '\0';
		for (char *t = strtok(ctls, ","); t; t = strtok(NULL, ","))
			for (int c = 0; c < CG1_MAX; c++)
				if (strcmp(t, ctl_names[c]) == 0) {
					o->hier[c] = atoi(line);
					snprintf(o->path[c], PATH_MAX, "%s", path);
				}
	}
	fclose(f);
}

/* Whether the plan needs (2), would like (1) or ignores (0) a controller. */
static int wanted(enum cg1_ctl c, const struct cg_needs *n)
{
	switch (c) {
	case CG1_MEMORY:
		return n->memory ? 2 : 1; /* peak and OOM kills for the report */
	case CG1_PIDS:
		return n->pids ? 2 : 0;
	case CG1_CPUACCT:
		return n->cpu_time ? 2 : 1; /* tree CPU time for the report */
	case CG1_CPU:
		return n->cpus ? 2 : 0;
	case CG1_CPUSET:
		return n->cpuset ? 2 : 0;
	case CG1_MAX:
		break;
	}
	return 0;
}

/* --cgroup-parent or SANDBOX_CGROUP as a path inside each hierarchy:
 * "/sys/fs/cgroup/memory/X" (a path under one controller's mount, as an
 * admin copies it from ls) means "/X" in every hierarchy, like "/X" itself. */
static const char *in_hierarchy(const char *path)
{
	const char *rest;

	if (strncmp(path, CG_MOUNT "/", sizeof(CG_MOUNT)) != 0)
		return path;
	rest = strchr(path + sizeof(CG_MOUNT), '/');
	return rest ? rest : "/";
}

static void parent_path(enum cg1_ctl c, const struct own *o, const struct cg_where *w, char *buf)
{
	const char *name = ctl_names[c], *own = strcmp(o->path[c], "/") ? o->path[c] : "";

	if (w->path && !w->rel)
		snprintf(buf, PATH_MAX, "%s/%s%s", CG_MOUNT, name, in_hierarchy(w->path));
	else if (w->path)
		snprintf(buf, PATH_MAX, "%s/%s%s/%s", CG_MOUNT, name, own, w->path);
	else
		snprintf(buf, PATH_MAX, "%s/%s%s", CG_MOUNT, name, own);
}

static int parent_dir(enum cg1_ctl c, const struct own *o, const struct cg_where *w, char *buf,
		      struct sb_err *err)
{
	const char *name = ctl_names[c];

	if (o->hier[c] < 0)
		return sb_failx(err, ENOENT, "no cgroup v1 %s controller on this machine", name);
	parent_path(c, o, w, buf);
	if (access(buf, W_OK) == 0)
		return 0;
	if (errno == ENOENT && w->origin)
		return sb_fail(err, errno, "%s: the %s hierarchy has no cgroup %s", w->origin, name, buf);
	return sb_fail(err, errno, "cgroup %s%s%s", buf, w->origin ? " from " : " (own cgroup)",
		       w->origin ? w->origin : "");
}

/* Stale run cgroups of killed launchers go in every hierarchy, also those
 * this run does not use: a later run may. */
static void clean_stale_everywhere(const struct own *o, const struct cg_where *w)
{
	char parent[PATH_MAX];

	for (int c = 0; c < CG1_MAX; c++) {
		bool seen = false;

		for (int k = 0; k < c; k++)
			seen |= o->hier[k] == o->hier[c];
		if (o->hier[c] < 0 || seen)
			continue;
		parent_path((enum cg1_ctl)c, o, w, parent);
		if (access(parent, W_OK) == 0)
			cg_clean_stale(parent, NULL);
	}
}

static int join(enum cg1_ctl c, const struct own *o, const struct cg_where *w, struct cg_state *s,
		struct sb_err *err)
{
	char parent[PATH_MAX], name[64];
	bool alias = false;
	int r;

	if (w->exact) {
		struct cg_exact_how how = { .cpuset = c == CG1_CPUSET };

		if (o->hier[c] < 0)
			return sb_failx(err, ENOENT, "no cgroup v1 %s controller on this machine", ctl_names[c]);
		snprintf(parent, sizeof(parent), "%s/%s", CG_MOUNT, ctl_names[c]);
		return cg_exact_dir(parent, w, o->path[c], &how, s->v1dir[c], err);
	}
	r = parent_dir(c, o, w, parent, err);
	if (r < 0)
		return r;
	for (int k = 0; k < (int)c; k++)
		alias |= s->v1dir[k][0] && o->hier[k] == o->hier[c];
	cg_run_name(name, sizeof(name));
	if (strlen(parent) + strlen(name) + 2 > PATH_MAX)
		return sb_failx(err, ENAMETOOLONG, "cgroup path too long");
	snprintf(s->v1dir[c], PATH_MAX, "%s/%s", parent, name);
	if (mkdir(s->v1dir[c], 0755) < 0 && !(errno == EEXIST && alias)) {
		r = sb_fail(err, errno, "create cgroup %s", s->v1dir[c]);
		s->v1dir[c][0] = '\0';
		return r;
	}
	return 0;
}

static int set_memory(const struct sb_plan *p, struct cg_state *s, struct sb_err *err)
{
	const char *d = s->v1dir[CG1_MEMORY];
	char v[32];
	int r;

	snprintf(v, sizeof(v), "%llu", (unsigned long long)p->limits.memory);
	r = cg_write(d, "memory.limit_in_bytes", v, err);
	if (r < 0)
		return r;
	/* memory+swap at the same value: no swap at all. Without swap
	 * accounting (memsw absent), keep the run off swap with swappiness. */
	if (cg_write(d, "memory.memsw.limit_in_bytes", v, err) == 0)
		return 0;
	return cg_write(d, "memory.swappiness", "0", err);
}

/* An eventfd the kernel signals when the run's memory cgroup hits OOM
 * (cgroup-v1/memory.rst, "OOM Control"), so the launcher ends the run. */
static void arm_oom_event(struct cg_state *s)
{
	struct sb_err e = SB_ERR_INIT;
	_cleanup_close_ int ofd = -1;
	char path[PATH_MAX + 32], v[32];

	snprintf(path, sizeof(path), "%s/memory.oom_control", s->v1dir[CG1_MEMORY]);
	ofd = open(path, O_RDONLY | O_CLOEXEC);
	s->v1_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ofd < 0 || s->v1_efd < 0)
		return;
	snprintf(v, sizeof(v), "%d %d", s->v1_efd, ofd);
	if (cg_write(s->v1dir[CG1_MEMORY], "cgroup.event_control", v, &e) < 0) {
		close(s->v1_efd);
		s->v1_efd = -1;
	}
}

static int set_cpu(const struct sb_plan *p, struct cg_state *s, struct sb_err *err)
{
	char v[32];
	int r;

	r = cg_write(s->v1dir[CG1_CPU], "cpu.cfs_period_us", "100000", err);
	if (r < 0)
		return r;
	snprintf(v, sizeof(v), "%llu", (unsigned long long)p->limits.cpus_milli * 100);
	return cg_write(s->v1dir[CG1_CPU], "cpu.cfs_quota_us", v, err);
}

/* A new v1 cpuset starts with no CPUs and no memory nodes: copy the
 * parent's nodes, then set the CPUs asked for. */
static int set_cpuset(const struct sb_plan *p, struct cg_state *s, struct sb_err *err)
{
	char parent[PATH_MAX], mems[256];
	int r;

	snprintf(parent, sizeof(parent), "%s", s->v1dir[CG1_CPUSET]);
	*strrchr(parent, '/') = '\0';
	r = cg_read(parent, "cpuset.mems", mems, sizeof(mems));
	if (r <= 1)
		return sb_failx(err, EINVAL, "cgroup %s has no cpuset.mems to copy; set it first", parent);
	mems[strcspn(mems, "\n")] = '\0';
	r = cg_write(s->v1dir[CG1_CPUSET], "cpuset.mems", mems, err);
	if (r < 0)
		return r;
	return cg_write(s->v1dir[CG1_CPUSET], "cpuset.cpus", p->limits.cpuset, err);
}

static int set_limits(const struct sb_plan *p, struct cg_state *s, struct sb_err *err)
{
	char v[32];
	int r = 0;

	if (p->limits.memory)
		r = set_memory(p, s, err);
	if (r == 0 && s->v1dir[CG1_MEMORY][0])
		arm_oom_event(s);
	if (r == 0 && p->limits.pids) {
		snprintf(v, sizeof(v), "%llu", (unsigned long long)p->limits.pids + 1); /* + the sandbox's init */
		r = cg_write(s->v1dir[CG1_PIDS], "pids.max", v, err);
	}
	if (r == 0 && p->limits.cpus_milli)
		r = set_cpu(p, s, err);
	if (r == 0 && p->limits.cpuset)
		r = set_cpuset(p, s, err);
	return r;
}

/*
 * The launcher opens each hierarchy's "tasks" file (its rights are the
 * ones v1 checks: the opener's, against the moved task's uid), and init
 * writes "0" to it: "move this thread". Writing a pid to cgroup.procs
 * instead moves a whole thread group, which takes the global
 * cgroup_threadgroup_rwsem for writing and so waits for an RCU grace
 * period: 10-30 ms here, most of a judged run. A single thread moving
 * itself needs no such lock, and init has one thread.
 */
static int open_tasks(struct cg_state *s, struct sb_err *err)
{
	char path[PATH_MAX + 16];

	for (int c = 0; c < CG1_MAX; c++) {
		if (!s->v1dir[c][0])
			continue;
		snprintf(path, sizeof(path), "%s/tasks", s->v1dir[c]);
		s->v1_tasks_fd[c] = open(path, O_WRONLY | O_CLOEXEC);
		if (s->v1_tasks_fd[c] < 0)
			return sb_fail(err, errno, "open %s", path);
	}
	return 0;
}

int cgroup_v1_create(const struct sb_plan *p, const struct cg_needs *n, const struct cg_where *w,
		     struct cg_state *s, struct sb_err *err)
{
	struct own o;
	bool any = false;
	char path[PATH_MAX + 32];
	int r;

	own_cgroups(&o);
	clean_stale_everywhere(&o, w);
	for (int c = 0; c < CG1_MAX; c++) {
		int want = wanted((enum cg1_ctl)c, n);
		struct sb_err e = SB_ERR_INIT;

		if (!want)
			continue;
		r = join((enum cg1_ctl)c, &o, w, s, &e);
		if (r < 0 && want == 2) {
			*err = e;
			cgroup_v1_release(s);
			return r;
		}
		any |= r == 0;
	}
	if (!any) {
		cgroup_v1_release(s);
		return sb_failx(err, ENOENT, "no usable cgroup v1 hierarchy");
	}
	r = set_limits(p, s, err);
	if (r == 0)
		r = open_tasks(s, err);
	if (r < 0) {
		cgroup_v1_release(s);
		return r;
	}
	snprintf(path, sizeof(path), "%s/cpuacct.usage", s->v1dir[CG1_CPUACCT]);
	if (s->v1dir[CG1_CPUACCT][0])
		s->v1_usage_fd = open(path, O_RDONLY | O_CLOEXEC);
	return 0;
}

int cgroup_v1_join_self(struct cg_state *s, struct sb_err *err)
{
	for (int c = 0; c < CG1_MAX; c++) {
		int fd = s->v1_tasks_fd[c];

		if (fd < 0)
			continue;
		if (write(fd, "0", 1) != 1)
			return sb_fail(err, errno, "join the run's cgroup %s", s->v1dir[c]);
		close(fd);
		s->v1_tasks_fd[c] = -1;
	}
	return 0;
}

long long cgroup_v1_usage_us(struct cg_state *s)
{
	char buf[32];
	ssize_t n;

	if (s->v1_usage_fd < 0)
		return -1;
	n = pread(s->v1_usage_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return (long long)(strtoull(buf, NULL, 10) / 1000);
}

bool cgroup_v1_event(struct cg_state *s, struct sb_result *res)
{
	uint64_t v;

	if (s->v1_efd < 0 || read(s->v1_efd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return false;
	/* The notification is the OOM itself: the tree is at its limit and the
	 * kernel found nothing to reclaim. It comes before the OOM killer has
	 * picked a victim, and v1 has no memory.oom.group, so the launcher ends
	 * the whole run now, and the event, not oom_control's oom_kill count
	 * (still 0 when we got there first), is the evidence of the OOM kill. */
	res->oom_killed = res->memory_exceeded = true;
	return true;
}

static bool ended_badly(const struct sb_result *res)
{
	int st = res->wait_status;

	return res->have_status && (WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) != 0));
}

static void collect_cpu(struct cg_state *s, struct sb_result *res)
{
	const char *d = s->v1dir[CG1_CPUACCT];
	uint64_t total, user, sys;
	double used;

	if (!d[0] || cg_read_u64(d, "cpuacct.usage", &total) < 0)
		return;
	used = (double)(total / 1000 > s->cpu_base_us ? total / 1000 - s->cpu_base_us : 0) / 1e6;
	if (cg_read_u64(d, "cpuacct.usage_user", &user) < 0 || cg_read_u64(d, "cpuacct.usage_sys", &sys) < 0)
		user = sys = 0;
	cg_split_cpu(res, used, user, sys);
}

void cgroup_v1_collect(struct cg_state *s, struct sb_result *res)
{
	const char *d = s->v1dir[CG1_MEMORY];
	char text[512];
	uint64_t v;

	collect_cpu(s, res);
	/* pids.events "max": a fork or clone failed at pids.max. */
	if (s->v1dir[CG1_PIDS][0] && cg_read(s->v1dir[CG1_PIDS], "pids.events", text, sizeof(text)) > 0 &&
	    cg_key_u64(text, "max", &v) && v)
		res->pids_exhausted = true;
	if (!d[0])
		return;
	if (cg_read_u64(d, "memory.max_usage_in_bytes", &v) == 0)
		res->memory_peak_bytes = v;
	if (cg_read(d, "memory.oom_control", text, sizeof(text)) > 0 && cg_key_u64(text, "oom_kill", &v) && v)
		res->oom_killed = res->memory_exceeded = true;
	/* An allocation that failed under the limit (no OOM kill: mmap under
	 * memsw, or a kernel allocation) shows as failcnt; it is ML when the
	 * program then crashed or failed. */
	if (cg_read_u64(d, "memory.failcnt", &v) == 0 && v && ended_badly(res))
		res->memory_exceeded = true;
}

void cgroup_v1_release(struct cg_state *s)
{
	if (s->v1_usage_fd >= 0)
		close(s->v1_usage_fd);
	if (s->v1_efd >= 0)
		close(s->v1_efd);
	s->v1_usage_fd = s->v1_efd = -1;
	for (int c = 0; c < CG1_MAX; c++) {
		if (s->v1_tasks_fd[c] >= 0)
			close(s->v1_tasks_fd[c]);
		s->v1_tasks_fd[c] = -1;
	}
	for (int c = CG1_MAX - 1; c >= 0; c--) {
		if (s->v1dir[c][0])
			cg_rmdir(s->v1dir[c]);
		s->v1dir[c][0] = '\0';
	}
}

int cgroup_v1_where(const struct cg_needs *n, const struct cg_where *w, struct sb_cgroup_where *out, struct sb_err *err)
{
	struct own o;
	char dir[PATH_MAX];
	size_t len = 0;
	int r = 0;

	own_cgroups(&o);
	out->controllers[0] = '\0';
	for (int c = 0; c < CG1_MAX; c++) {
		struct sb_err e = SB_ERR_INIT;
		int want = wanted((enum cg1_ctl)c, n);

		if (parent_dir((enum cg1_ctl)c, &o, w, dir, &e) == 0) {
			len += (size_t)snprintf(out->controllers + len, sizeof(out->controllers) - len, "%s%s",
						len ? " " : "", ctl_names[c]);
			if (!out->parent[0] || c == CG1_MEMORY)
				snprintf(out->parent, sizeof(out->parent), "%s", dir);
		} else if (want == 2 && r == 0) {
			*err = e;
			r = -(e.errnum ? e.errnum : EPERM);
		} else if (c == CG1_MEMORY && !out->parent[0]) {
			snprintf(out->parent, sizeof(out->parent), "%s", dir);
		}
	}
	if (r == 0 && len == 0)
		r = sb_failx(err, ENOENT, "no usable cgroup v1 hierarchy (none of memory, pids, cpu, cpuacct, cpuset is writable)");
	return r;
}
