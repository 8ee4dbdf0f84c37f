/*
 * cgroup.c: placeholder until the cgroup layer lands (issue 5): no cgroup
 * is used; limits that need one fail closed unless best-effort.
 */
#include "cgroup.h"

#include <errno.h>

int cgroup_prepare(const struct sb_plan *p, struct sb_cgroup *cg, struct sb_result *res, struct sb_err *err)
{
	const struct sb_limits *l = &p->limits;

	(void)res;
	cg->version = 0;
	cg->clone_fd = -1;
	cg->event_fd = -1;
	if ((l->memory || l->pids || l->cpus_milli || l->cpuset || l->cpu_time_us) && !l->best_effort)
		return sb_failx(err, EOPNOTSUPP, "cgroup limits are not supported yet");
	return 0;
}

int cgroup_parent(const struct sb_plan *p, struct sb_cgroup *cg, pid_t pid, struct sb_err *err)
{
	(void)p, (void)cg, (void)pid, (void)err;
	return 0;
}

int cgroup_child(const struct sb_plan *p, const struct sb_cgroup *cg, struct sb_err *err)
{
	(void)p, (void)cg, (void)err;
	return 0;
}

bool cgroup_event(const struct sb_plan *p, struct sb_cgroup *cg, struct sb_result *res)
{
	(void)p, (void)cg, (void)res;
	return false;
}

long long cgroup_cpu_usage_us(struct sb_cgroup *cg)
{
	(void)cg;
	return -1;
}

int cgroup_kill(struct sb_cgroup *cg)
{
	(void)cg;
	return 0;
}

void cgroup_collect(const struct sb_plan *p, struct sb_cgroup *cg, struct sb_result *res)
{
	(void)p, (void)cg, (void)res;
}

void cgroup_release(struct sb_cgroup *cg)
{
	(void)cg;
}
