/*
 * limits.c: per-process limits set by the payload before exec: rlimits
 * (open files, stack, file size for the output limit, and the best-effort
 * stand-ins for cgroup limits), and no_new_privs. Runs in the sandbox's
 * user namespace; raising a hard limit is not possible and not attempted.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "layers.h"

/* Set by the launcher before clone; the payload reads its copy. */
static struct sb_enforcement enforced;

void limits_use(const struct sb_enforcement *enf)
{
	enforced = *enf;
}

/* Soft limit v, hard limit hard (>= v). */
static int set_rlimit2(int res, rlim_t v, rlim_t hard, const char *name, struct sb_err *err)
{
	struct rlimit rl;

	if (getrlimit(res, &rl) < 0)
		return sb_fail(err, errno, "getrlimit(%s)", name);
	if (rl.rlim_max != RLIM_INFINITY && (hard == RLIM_INFINITY || hard > rl.rlim_max))
		return sb_failx(err, EPERM, "%s limit %llu is above the caller's hard limit %llu",
				name, (unsigned long long)hard, (unsigned long long)rl.rlim_max);
	rl.rlim_cur = v;
	rl.rlim_max = hard;
	if (setrlimit(res, &rl) < 0)
		return sb_fail(err, errno, "setrlimit(%s, %llu)", name, (unsigned long long)v);
	return 0;
}

static int set_rlimit(int res, rlim_t v, const char *name, struct sb_err *err)
{
	return set_rlimit2(res, v, v, name, err);
}

/*
 * --pids counts the command's processes, not the sandbox's init. RLIMIT_NPROC
 * counts the processes of one uid in the sandbox's user namespace (Linux
 * 5.14+ ucounts): init's too when it runs as the command's uid, which it
 * does unless --map-to subuid gave the command an id of its own.
 */
unsigned limits_init_shares_nproc(const struct sb_plan *p)
{
	return p->map_subids ? 0 : 1;
}

/* CPUs from a "0-1,3" list into set; -EINVAL when it does not parse. */
static int cpu_list(const char *list, cpu_set_t *set)
{
	const char *s = list;

	CPU_ZERO(set);
	while (*s) {
		char *end;
		unsigned long lo = strtoul(s, &end, 10), hi = lo;

		if (end == s)
			return -EINVAL;
		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		if (hi < lo)
			return -EINVAL;
		for (unsigned long c = lo; c <= hi && c < CPU_SETSIZE; c++)
			CPU_SET(c, set);
		if (hi >= CPU_SETSIZE)
			return -ERANGE;
		if (*end && *end != ',')
			return -EINVAL;
		s = *end ? end + 1 : end;
	}
	return 0;
}

/* "0-1" for the CPUs in set, into buf. */
static void cpu_list_str(const cpu_set_t *set, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int c = 0; c < CPU_SETSIZE && n + 16 < len; c++) {
		int e = c;

		if (!CPU_ISSET(c, set))
			continue;
		while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, set))
			e++;
		n += (size_t)snprintf(buf + n, len - n, e > c ? "%s%d-%d" : "%s%d", n ? "," : "", c, e);
		c = e;
	}
}

unsigned limits_parallelism(const struct sb_plan *p)
{
	cpu_set_t set;
	unsigned n = 1;

	if (p->limits.cpuset && cpu_list(p->limits.cpuset, &set) == 0)
		n = (unsigned)CPU_COUNT(&set);
	else if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = (unsigned)CPU_COUNT(&set);
	if (p->limits.cpus_milli && (p->limits.cpus_milli + 999) / 1000 < n)
		n = (unsigned)((p->limits.cpus_milli + 999) / 1000);
	return n ? n : 1;
}

int limits_prepare(const struct sb_plan *p, struct sb_err *err)
{
	cpu_set_t want, have, both;
	char avail[256];

	if (!p->limits.cpuset)
		return 0;
	if (cpu_list(p->limits.cpuset, &want) < 0)
		return sb_failx(err, EINVAL, "--cpuset '%s' is not a CPU list such as 0-1,3", p->limits.cpuset);
	if (sched_getaffinity(0, sizeof(have), &have) < 0)
		return sb_fail(err, errno, "--cpuset: read the CPUs this process may use");
	CPU_AND(&both, &want, &have);
	if (CPU_EQUAL(&both, &want))
		return 0;
	cpu_list_str(&have, avail, sizeof(avail));
	return sb_failx(err, EINVAL, "--cpuset '%s' names CPUs this machine does not have (or this process may not use): "
				     "the usable CPUs are %s", p->limits.cpuset, avail);
}

/* --cpuset without a cgroup: the same CPUs as an affinity mask. The list
 * was checked when parsed ("0-1,3"); the payload may widen the mask again
 * (sched_setaffinity needs no privilege), so this pins for timing, it
 * does not confine. */
static int pin_cpus(const char *list, struct sb_err *err)
{
	cpu_set_t set;

	if (cpu_list(list, &set) < 0)
		return sb_failx(err, EINVAL, "cpuset '%s' is not a CPU list", list);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return sb_fail(err, errno, "cpuset '%s' (CPU affinity)", list);
	return 0;
}

/* "limits best-effort" without a cgroup: the launcher samples the tree
 * for memory and CPU time (tree.c) and ends the run at the limit; these
 * per-process limits stand behind it, weaker than the cgroup limits they
 * replace (docs/report.md says how): RLIMIT_AS caps address space, not
 * memory in use (memory + stack), so one process cannot run far past the
 * limit between two samples; RLIMIT_CPU, a second past the limit (whole
 * seconds, per process), ends a process if the launcher could not;
 * RLIMIT_NPROC counts the processes of the user in this user namespace
 * (ucounts, Linux 5.14+; before that every process of the real uid on the
 * machine); CPU affinity stands in for --cpuset. */
static int best_effort(const struct sb_plan *p, struct sb_err *err)
{
	const struct sb_limits *l = &p->limits;
	int r = 0;

	if (enforced.memory == SB_ENF_SAMPLING && !l->address_space) {
		/* glibc reserves a new thread's stack at RLIMIT_STACK's size:
		 * with a stack limit as large as the memory limit (judges do
		 * that), no thread could start under an address-space cap of
		 * the memory limit alone. Reserved stack is not memory in use. */
		rlim_t as = l->memory + (l->stack_unlimited ? 0 : l->stack);

		r = set_rlimit(RLIMIT_AS, as, "memory (RLIMIT_AS)", err);
	}
	if (r == 0 && enforced.cpu_time == SB_ENF_SAMPLING) {
		/* A backstop only: the launcher ends the run at the limit (plus
		 * --extra-time), and a process's own clock includes its pre-exec
		 * set-up. */
		rlim_t s = (rlim_t)((l->cpu_time_us + l->extra_time_us + 999999) / 1000000) + 1;

		r = set_rlimit2(RLIMIT_CPU, s, s + 1, "cpu-time (RLIMIT_CPU)", err);
	}
	if (r == 0 && enforced.pids == SB_ENF_RLIMIT)
		r = set_rlimit(RLIMIT_NPROC, l->pids + limits_init_shares_nproc(p), "pids (RLIMIT_NPROC)", err);
	if (r == 0 && enforced.cpuset == SB_ENF_AFFINITY)
		r = pin_cpus(l->cpuset, err);
	return r;
}

int limits_child(const struct sb_plan *p, struct sb_err *err)
{
	const struct sb_limits *l = &p->limits;
	int r;

	if (l->open_files) {
		r = set_rlimit(RLIMIT_NOFILE, l->open_files, "open-files (RLIMIT_NOFILE)", err);
		if (r < 0)
			return r;
	}
	if (l->stack || l->stack_unlimited) {
		r = set_rlimit(RLIMIT_STACK, l->stack_unlimited ? RLIM_INFINITY : l->stack,
			       "stack (RLIMIT_STACK)", err);
		if (r < 0)
			return r;
	}
	if (l->output_limit) {
		r = set_rlimit(RLIMIT_FSIZE, l->output_limit, "output-limit (RLIMIT_FSIZE)", err);
		if (r < 0)
			return r;
	}
	if (l->address_space) {
		r = set_rlimit(RLIMIT_AS, l->address_space, "address-space (RLIMIT_AS)", err);
		if (r < 0)
			return r;
	}
	r = best_effort(p, err);
	if (r < 0)
		return r;
	/* Resource limits an OCI config lists (process.rlimits), as given. */
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct rlimit rl = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };

		if (setrlimit(p->rlimits[i].resource, &rl) < 0)
			return sb_fail(err, errno, "setrlimit(%d, %llu, %llu)", p->rlimits[i].resource,
				       (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
	}
	/* Core dumps of a hostile payload would land in its rw dirs and can be
	 * huge; judges and CI never want them. */
	return set_rlimit(RLIMIT_CORE, 0, "core", err);
}

int limits_no_new_privs(struct sb_err *err)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return sb_fail(err, errno, "set no_new_privs");
	return 0;
}
