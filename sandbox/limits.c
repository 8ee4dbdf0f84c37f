/*
 * limits.c: per-process limits set by the payload before exec: rlimits
 * (open files, stack, file size for the output limit, and the best-effort
 * stand-ins for cgroup limits), and no_new_privs. Runs in the sandbox's
 * user namespace; raising a hard limit is not possible and not attempted.
 */
#include <errno.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "layers.h"

static int set_rlimit(int res, rlim_t v, const char *name, struct sb_err *err)
{
	struct rlimit rl;

	if (getrlimit(res, &rl) < 0)
		return sb_fail(err, errno, "getrlimit(%s)", name);
	if (rl.rlim_max != RLIM_INFINITY && v > rl.rlim_max)
		return sb_failx(err, EPERM, "%s limit %llu is above the caller's hard limit %llu",
				name, (unsigned long long)v, (unsigned long long)rl.rlim_max);
	rl.rlim_cur = v;
	rl.rlim_max = v;
	if (setrlimit(res, &rl) < 0)
		return sb_fail(err, errno, "setrlimit(%s, %llu)", name, (unsigned long long)v);
	return 0;
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
