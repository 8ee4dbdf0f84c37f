/*
 * cgroup.c: the cgroup layer's front: decides whether the plan needs a
 * cgroup, detects which hierarchy the machine has (pure cgroup v2, or the
 * v1 per-controller hierarchies of a legacy/hybrid machine), dispatches to
 * cgroup_v1.c / cgroup_v2.c, and records how each limit is enforced.
 *
 * Runs in the launcher, as the caller, in the caller's namespaces; never
 * needs root: it uses a delegated subtree (v2), chowned per-controller
 * dirs (v1), or, for a root caller, a child of its own cgroup. Where none
 * is usable, a plan whose limits need one fails closed (exit 125) unless
 * "limits best-effort", when rlimits stand in (limits.c).
 *
 * Probes: statfs(/sys/fs/cgroup) for the hierarchy type.
 */
#include "cgroup_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static void needs_of(const struct sb_plan *p, struct cg_needs *n)
{
	const struct sb_limits *l = &p->limits;

	n->memory = l->memory != 0;
	n->pids = l->pids != 0;
	n->cpu_time = l->cpu_time_us != 0;
	n->cpus = l->cpus_milli != 0;
	n->cpuset = l->cpuset != NULL;
	/* "cgroup required": the figures (tree CPU, memory peak, OOM kills)
	 * are promised, so a run without a cgroup would lie about them. */
	n->any = n->memory || n->pids || n->cpu_time || n->cpus || n->cpuset || l->cgroup_mode == SB_CG_REQUIRED;
	/* Figures for a judge (tree CPU, memory peak, OOM kills) come from the
	 * cgroup; use one when it costs nothing more than a mkdir. */
	n->want = p->report_path || p->meta_path || l->cgroup_parent || l->cgroup_path || getenv("SANDBOX_CGROUP");
}

static enum sb_enforce enf(bool set, bool have_cg, enum sb_enforce fallback)
{
	if (!set)
		return SB_ENF_NONE;
	return have_cg ? SB_ENF_CGROUP : fallback;
}

void cgroup_enforcement(const struct sb_plan *p, bool have_cg, struct sb_enforcement *e)
{
	const struct sb_limits *l = &p->limits;
	bool be = l->best_effort;

	/* Without a cgroup (best-effort): the launcher samples the tree for
	 * memory and CPU time (RLIMIT_AS and RLIMIT_CPU behind it, per
	 * process), RLIMIT_NPROC counts processes, affinity pins CPUs. */
	e->memory = enf(l->memory, have_cg, be ? SB_ENF_SAMPLING : SB_ENF_NONE);
	e->pids = enf(l->pids, have_cg, be ? SB_ENF_RLIMIT : SB_ENF_NONE);
	e->cpu_time = enf(l->cpu_time_us, have_cg, be ? SB_ENF_SAMPLING : SB_ENF_NONE);
	e->cpus = enf(l->cpus_milli, have_cg, SB_ENF_NONE);
	e->cpuset = enf(l->cpuset, have_cg, be ? SB_ENF_AFFINITY : SB_ENF_NONE);
	e->wall_time = l->wall_time_us ? SB_ENF_LAUNCHER : SB_ENF_NONE;
	e->output = l->output_limit ? SB_ENF_RLIMIT : SB_ENF_NONE; /* the relay says so when it cuts pipes */
	e->open_files = l->open_files ? SB_ENF_RLIMIT : SB_ENF_NONE;
	e->stack = (l->stack || l->stack_unlimited) ? SB_ENF_RLIMIT : SB_ENF_NONE;
	e->address_space = l->address_space ? SB_ENF_RLIMIT : SB_ENF_NONE;
}

static char detect(void)
{
	struct statfs sf;
	char probe[64];

	if (statfs(CG_MOUNT, &sf) == 0 && sf.f_type == (typeof(sf.f_type))CGROUP2_SUPER_MAGIC)
		return '2';
	/* Legacy or hybrid: a tmpfs holding one mount per v1 hierarchy. The
	 * hybrid's "unified" v2 mount carries no controllers, so v1 it is. */
	snprintf(probe, sizeof(probe), "%s/cpuacct", CG_MOUNT);
	if (access(probe, F_OK) == 0)
		return '1';
	snprintf(probe, sizeof(probe), "%s/memory", CG_MOUNT);
	return access(probe, F_OK) == 0 ? '1' : 0;
}

static void where_of(const struct sb_plan *p, struct cg_where *w)
{
	const char *env = getenv("SANDBOX_CGROUP");

	*w = (struct cg_where){ 0 };
	if (p->limits.cgroup_path) {
		w->path = p->limits.cgroup_path;
		w->rel = w->path[0] != '/';
		w->exact = true;
		w->origin = "cgroupsPath";
	} else if (p->limits.cgroup_parent) {
		w->path = p->limits.cgroup_parent;
		w->origin = "--cgroup-parent";
	} else if (env && *env) {
		w->path = env;
		w->rel = env[0] != '/';
		w->origin = "SANDBOX_CGROUP";
	}
}

static void how_to(struct sb_err *err)
{
	sb_hint(err, "get a delegated cgroup: systemd-run --user --scope -p Delegate=yes sandbox run ...");
	sb_hint(err, "or have an admin create one and chown it to you (cgroup v1: in each of memory, pids, "
		     "cpu, cpuacct, cpuset) and pass --cgroup-parent PATH or SANDBOX_CGROUP=PATH");
	sb_hint(err, "or accept rlimit stand-ins: --limits best-effort");
}

static void init_state(struct cg_state *s)
{
	memset(s, 0, sizeof(*s));
	s->dir_fd = s->stat_fd = s->events_fd = -1;
	s->v1_usage_fd = s->v1_efd = -1;
	for (int c = 0; c < CG1_MAX; c++)
		s->v1_tasks_fd[c] = -1;
}

void cgroup_where(const struct sb_plan *p, struct sb_cgroup_where *out)
{
	struct sb_err err = SB_ERR_INIT;
	struct cg_needs n;
	struct cg_where w;
	int r;

	memset(out, 0, sizeof(*out));
	needs_of(p, &n);
	where_of(p, &w);
	out->version = detect();
	out->needed = n.any;
	out->origin = w.origin ? w.origin : "own cgroup";
	if (out->version == '2')
		r = cgroup_v2_where(&n, &w, out, &err);
	else if (out->version == '1')
		r = cgroup_v1_where(&n, &w, out, &err);
	else
		r = sb_failx(&err, ENOENT, "no cgroup file system is mounted at %s", CG_MOUNT);
	out->usable = r == 0;
	if (r < 0) {
		how_to(&err);
		snprintf(out->why, sizeof(out->why), "%s", err.msg);
	}
}

/* Without a usable cgroup the run stops when a limit needs one and the
 * plan takes no stand-ins ('cgroup required' takes none even then). */
static bool fails_without(const struct cg_needs *n, const struct sb_plan *p)
{
	return n->any && (!p->limits.best_effort || p->limits.cgroup_mode == SB_CG_REQUIRED);
}

bool cgroup_without_fails(const struct sb_plan *p)
{
	struct cg_needs n;

	needs_of(p, &n);
	return fails_without(&n, p);
}

int cgroup_prepare(const struct sb_plan *p, struct sb_cgroup *cg, struct sb_result *res, struct sb_err *err)
{
	struct cg_needs n;
	struct cg_where w;
	struct cg_state *s;
	char v;
	int r;

	cg->version = 0;
	cg->clone_fd = cg->event_fd = -1;
	cg->impl = NULL;
	needs_of(p, &n);
	cgroup_enforcement(p, false, &res->enf);
	if (p->limits.cgroup_mode == SB_CG_OFF) {
		if (!fails_without(&n, p))
			return 0;
		return sb_failx(err, EINVAL, "the limits need a cgroup and 'cgroup off' forbids one (use --limits "
					     "best-effort for rlimit stand-ins)");
	}
	if (!n.any && !n.want)
		return 0;
	s = malloc(sizeof(*s));
	if (!s)
		return sb_fail(err, ENOMEM, "cgroup state");
	init_state(s);
	where_of(p, &w);
	v = detect();
	if (v == '2')
		r = cgroup_v2_create(p, &n, &w, s, err);
	else if (v == '1')
		r = cgroup_v1_create(p, &n, &w, s, err);
	else
		r = sb_failx(err, ENOENT, "no cgroup file system is mounted at %s", CG_MOUNT);
	if (r < 0) {
		free(s);
		if (!fails_without(&n, p)) {
			*err = (struct sb_err)SB_ERR_INIT;
			return 0;
		}
		sb_wrap(err, p->limits.cgroup_mode == SB_CG_REQUIRED ? "a cgroup is required and none is usable"
								      : "the limits need a cgroup and none is usable");
		how_to(err);
		return r;
	}
	s->version = v;
	cg->version = v;
	cg->impl = s;
	cg->clone_fd = v == '2' ? s->dir_fd : -1;
	cg->event_fd = v == '2' ? s->events_fd : s->v1_efd;
	cg->event_mask = v == '2' ? POLLPRI : POLLIN;
	res->cgroup_version = v;
	cgroup_enforcement(p, true, &res->enf);
	return 0;
}

int cgroup_parent(const struct sb_plan *p, struct sb_cgroup *cg, pid_t pid, struct sb_err *err)
{
	struct cg_state *s = cg->impl;
	char buf[32];

	(void)p;
	if (!s)
		return 0;
	if (s->version == '1')
		return 0; /* init joins itself: cgroup_child */
	/* v2 without clone3 (CLONE_INTO_CGROUP): join before GO. Writing the
	 * pid again after CLONE_INTO_CGROUP is harmless. */
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	return cg_write(s->dir, "cgroup.procs", buf, err);
}

/* init's CPU before it joined the run's v1 cgroup: the cgroup never saw
 * it, so the set-up subtracted from the cgroup's figure leaves it out.
 * Set in init; the payload, forked after, reads its copy. */
static uint64_t cpu_outside_ns;

uint64_t cgroup_cpu_outside_ns(void)
{
	return cpu_outside_ns;
}

int cgroup_child(const struct sb_plan *p, const struct sb_cgroup *cg, struct sb_err *err)
{
	int r;

	(void)p;
	if (cg->version != '1')
		return 0;
	cpu_outside_ns = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	/* v1 has no CLONE_INTO_CGROUP: init joins before it forks anything, so
	 * a namespace unshared now is rooted at the run's cgroup (crun's
	 * "unshared later"). */
	r = cgroup_v1_join_self(cg->impl, err);
	if (r < 0)
		return r;
	if (unshare(CLONE_NEWCGROUP) < 0)
		return sb_fail(err, errno, "unshare the cgroup namespace");
	return 0;
}

bool cgroup_event(const struct sb_plan *p, struct sb_cgroup *cg, struct sb_result *res)
{
	(void)p;
	if (!cg->impl)
		return false;
	if (cg->version == '2')
		return cgroup_v2_event(cg->impl, res);
	return cgroup_v1_event(cg->impl, res);
}

static long long usage_us(struct sb_cgroup *cg)
{
	if (!cg->impl)
		return -1;
	return cg->version == '2' ? cgroup_v2_usage_us(cg->impl) : cgroup_v1_usage_us(cg->impl);
}

void cgroup_mark_exec(struct sb_cgroup *cg, uint64_t setup_us)
{
	struct cg_state *s = cg->impl;

	if (s)
		s->cpu_base_us = setup_us;
}

long long cgroup_cpu_usage_us(struct sb_cgroup *cg)
{
	struct cg_state *s = cg->impl;
	long long u = usage_us(cg);

	if (u < 0)
		return -1;
	return (uint64_t)u > s->cpu_base_us ? u - (long long)s->cpu_base_us : 0;
}

int cgroup_kill(struct sb_cgroup *cg)
{
	/* v1: no freezer of our own to use; the launcher's SIGKILL to the
	 * sandbox's pid 1 tears the pid namespace down, which the kernel does
	 * at once (it stops pid allocation there, then kills every member). */
	if (cg->version == '2' && cg->impl)
		return cgroup_v2_kill(cg->impl);
	return 0;
}

void cgroup_collect(const struct sb_plan *p, struct sb_cgroup *cg, struct sb_result *res)
{
	(void)p;
	if (!cg->impl)
		return;
	if (cg->version == '2')
		cgroup_v2_collect(cg->impl, res);
	else
		cgroup_v1_collect(cg->impl, res);
}

void cgroup_release(struct sb_cgroup *cg)
{
	struct cg_state *s = cg->impl;

	if (!s)
		return;
	if (s->version == '2')
		cgroup_v2_release(s);
	else
		cgroup_v1_release(s);
	free(s);
	cg->impl = NULL;
	cg->clone_fd = cg->event_fd = -1;
}
