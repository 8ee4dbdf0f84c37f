/*
 * cgroup_impl.h: state and helpers shared by cgroup.c (detection and
 * dispatch) and its two back ends, cgroup_v1.c and cgroup_v2.c. Private to
 * the cgroup layer; launcher.c sees only cgroup.h.
 */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"

#define CG_MOUNT "/sys/fs/cgroup"

/* v1 controllers the layer may join, each its own hierarchy (or co-mounted,
 * as cpu,cpuacct often is: then both names share one directory). */
enum cg1_ctl { CG1_MEMORY, CG1_PIDS, CG1_CPUACCT, CG1_CPU, CG1_CPUSET, CG1_MAX };

struct cg_state {
	char version;
	uint64_t cpu_base_us; /* usage when the payload reached execve */

	/* v2: the run's cgroup */
	char dir[PATH_MAX];
	int dir_fd;
	int stat_fd; /* cpu.stat, read on every CPU check */
	int events_fd; /* memory.events, polled for POLLPRI */
	bool have_memory; /* memory controller enabled: peak and events */

	/* v1: the run's dir in each hierarchy, "" when not joined */
	char v1dir[CG1_MAX][PATH_MAX];
	int v1_usage_fd; /* cpuacct.usage */
	int v1_efd; /* eventfd armed on memory.oom_control */
	int v1_tasks_fd[CG1_MAX]; /* "tasks", written "0" by init to join */
};

/* What the plan asks of the cgroup layer. */
struct cg_needs {
	bool memory, pids, cpu_time, cpus, cpuset; /* limits that need a cgroup */
	bool any; /* one of the above */
	bool want; /* no limit needs one, but figures (report, meta) benefit */
};

/* Where the run's parent cgroup is: --cgroup-parent, $SANDBOX_CGROUP or the
 * caller's own cgroup. rel is true for a relative $SANDBOX_CGROUP (taken
 * relative to the caller's own cgroup in each hierarchy). */
struct cg_where {
	const char *path; /* NULL: automatic */
	bool rel;
	const char *origin; /* "--cgroup-parent", "SANDBOX_CGROUP" */
	bool exact; /* path is the run's cgroup itself (plan->cgroup_path), not its parent */
};

/* cgroup_exact.c: make the run's cgroup at exactly w->path, below base (a
 * hierarchy's mount), relative paths below own (the caller's cgroup
 * there), parents included; the result into out (PATH_MAX). */
struct cg_exact_how {
	bool cpuset; /* v1 cpuset: new levels copy their parent's CPUs and nodes */
	const char *v2_enable; /* v2: controllers each new level's parent enables, "memory pids" */
};
int cg_exact_dir(const char *base, const struct cg_where *w, const char *own, const struct cg_exact_how *how,
		 char *out, struct sb_err *err);

int cgroup_v1_create(const struct sb_plan *p, const struct cg_needs *n, const struct cg_where *w,
		     struct cg_state *s, struct sb_err *err);
int cgroup_v1_join_self(struct cg_state *s, struct sb_err *err);
long long cgroup_v1_usage_us(struct cg_state *s);
bool cgroup_v1_event(struct cg_state *s, struct sb_result *res);
void cgroup_v1_collect(struct cg_state *s, struct sb_result *res);
void cgroup_v1_release(struct cg_state *s);

/* Dry runs of the back ends' own parent lookup (cgroup_where). */
int cgroup_v1_where(const struct cg_needs *n, const struct cg_where *w, struct sb_cgroup_where *out, struct sb_err *err);
int cgroup_v2_where(const struct cg_needs *n, const struct cg_where *w, struct sb_cgroup_where *out, struct sb_err *err);

int cgroup_v2_create(const struct sb_plan *p, const struct cg_needs *n, const struct cg_where *w,
		     struct cg_state *s, struct sb_err *err);
long long cgroup_v2_usage_us(struct cg_state *s);
bool cgroup_v2_event(struct cg_state *s, struct sb_result *res);
int cgroup_v2_kill(struct cg_state *s);
void cgroup_v2_collect(struct cg_state *s, struct sb_result *res);
void cgroup_v2_release(struct cg_state *s);

/* Helpers (cgroup.c). All take a directory path or fd and a file name. */
int cg_write(const char *dir, const char *file, const char *val, struct sb_err *err);
int cg_read(const char *dir, const char *file, char *buf, size_t len);
int cg_read_u64(const char *dir, const char *file, uint64_t *ret);
/* Value of "KEY N" in a flat-keyed file's text (cpu.stat, memory.events). */
bool cg_key_u64(const char *text, const char *key, uint64_t *ret);
/* Remove sibling run cgroups "sandbox-PID-START" whose launcher is gone;
 * kill names the file that kills what is left (v2 cgroup.kill), or NULL. */
void cg_clean_stale(const char *parent, const char *kill_file);
/* rmdir, retrying while the kernel still counts just-reaped tasks. */
void cg_rmdir(const char *dir);
/* Set the tree's CPU time to used seconds, split into user and system in
 * the ratio user:sys (any unit), else in rusage's ratio already in res. */
void cg_split_cpu(struct sb_result *res, double used, uint64_t user, uint64_t sys);
/* "sandbox-PID-START" of this launcher into buf: its pid and start time
 * (unique for the machine's uptime, where a pid is reused). */
void cg_run_name(char *buf, size_t len);
