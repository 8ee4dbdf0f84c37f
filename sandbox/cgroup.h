/*
 * cgroup.h: the run's cgroup (v2 delegated subtree or v1 chowned
 * per-controller dirs), limits, events and figures. cgroup.c detects and
 * dispatches to cgroup_v1.c / cgroup_v2.c.
 */
#pragma once

#include <stdbool.h>
#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "plan.h"
#include "result.h"

struct sb_cgroup {
	char version; /* '1', '2', or 0 when the run has no cgroup */
	int clone_fd; /* v2: dir fd for CLONE_INTO_CGROUP, else -1 */
	int event_fd; /* fd to poll for limit events (OOM), or -1 */
	short event_mask; /* poll events for event_fd: POLLPRI (v2 memory.events), POLLIN (v1 eventfd) */
	void *impl; /* back end state */
};

/* Launcher, before clone: find a usable cgroup, create the run's child,
 * write limits. Fails closed (-EPERM with a how-to message) when the plan
 * needs a cgroup and none is usable, unless p->limits.best_effort. Fills
 * res->enf with how each limit will be enforced. */
int cgroup_prepare(const struct sb_plan *p, struct sb_cgroup *cg, struct sb_result *res,
		   struct sb_err *err);

/* Where a run's cgroup would go for plan p and whether it can be made,
 * decided as cgroup_prepare decides, creating and moving nothing (explain,
 * doctor). "usable" is false with why (and its how-to) when the plan's
 * limits need a cgroup that cannot be had; when no limit needs one it says
 * whether one could be had anyway. */
struct sb_cgroup_where {
	char version; /* '1', '2', or 0: no cgroup file system mounted */
	bool needed; /* the plan's limits need a cgroup */
	bool usable; /* a run's cgroup can be made there */
	const char *origin; /* "--cgroup-parent", "SANDBOX_CGROUP" or "own cgroup" */
	char parent[PATH_MAX]; /* v2: the parent; v1: the memory hierarchy's */
	char controllers[256]; /* v2: available there; v1: the hierarchies writable */
	char why[1024]; /* when !usable: cgroup_prepare's error, hints included */
};
void cgroup_where(const struct sb_plan *p, struct sb_cgroup_where *w);

/* How each limit of p is enforced with (have_cg) or without a usable
 * cgroup: the one place that decides it (cgroup_prepare, explain, doctor,
 * the report). SB_ENF_NONE for a set limit means the run would fail
 * (strict). */
void cgroup_enforcement(const struct sb_plan *p, bool have_cg, struct sb_enforcement *e);

/* Whether a run of p stops (exit 125) when it gets no cgroup, or goes on
 * with stand-ins: the rule cgroup_prepare applies, for explain. */
bool cgroup_without_fails(const struct sb_plan *p);

/* Launcher, after clone, before GO: move pid in when clone3's
 * CLONE_INTO_CGROUP was not available (v2; v1 joins in cgroup_child). */
int cgroup_parent(const struct sb_plan *p, struct sb_cgroup *cg, pid_t pid, struct sb_err *err);

/* Init, after GO, before it forks: join the run's cgroup and unshare the
 * cgroup namespace when clone could not (v1). */
int cgroup_child(const struct sb_plan *p, const struct sb_cgroup *cg, struct sb_err *err);

/* Init and the payload, after cgroup_child: the CPU init used before it
 * joined the run's cgroup (v1; 0 when it was born in it), which the
 * cgroup's CPU figure does not hold. */
uint64_t cgroup_cpu_outside_ns(void);

/* Launcher, when event_fd is readable: returns true when the run must end
 * (a limit fired), recording why in res. */
bool cgroup_event(const struct sb_plan *p, struct sb_cgroup *cg, struct sb_result *res);

/* Launcher, when the payload reached execve: setup_us of the cgroup's CPU
 * is set-up (init's and the payload's before execve, as the payload
 * measured it), not the command's; figures exclude it. */
void cgroup_mark_exec(struct sb_cgroup *cg, uint64_t setup_us);

/* Launcher: CPU time used so far in microseconds (for the CPU limit), or -1. */
long long cgroup_cpu_usage_us(struct sb_cgroup *cg);

/* Launcher: kill every process of the run at once. */
int cgroup_kill(struct sb_cgroup *cg);

/* Launcher, after the run: CPU, memory peak, OOM kills into res. */
void cgroup_collect(const struct sb_plan *p, struct sb_cgroup *cg, struct sb_result *res);

/* Launcher: remove the run's cgroup (and stale ones of earlier runs). */
void cgroup_release(struct sb_cgroup *cg);

/* Detached launcher: let go of the run's cgroup without removing it (its
 * init lives on). */
void cgroup_forget(struct sb_cgroup *cg);

/* An exact cgroup (plan->cgroup_path) of a run that is over or being
 * deleted: kill what is left in it, remove it in every hierarchy. */
void cgroup_remove_exact(const char *path);

/* Move the calling process into every cgroup target is in (an exec into a
 * running sandbox), in each hierarchy where it is elsewhere. */
int cgroup_join_like(pid_t target, struct sb_err *err);
