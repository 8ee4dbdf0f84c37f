/*
 * options_limits.c: the limit directives of the option table (options.c):
 * each takes a value in a range that means something, or "unlimited".
 * Pure, like the rest of the table.
 */
#include "options_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- limits ---- */

/*
 * Every limit takes a value in a range that means something, or the word
 * "unlimited", which lifts a limit a policy set (`--memory unlimited` after
 * the default policy's cap). 0 is refused: it used to mean "no limit"
 * silently, and `--pids 0` reads like "no processes".
 */
struct range {
	const char *name;
	uint64_t min, max;
	const char *min_s, *max_s; /* as a user would write them */
	int (*parse)(const char *, uint64_t *, struct sb_err *);
};

static const struct range r_memory = { "memory", 1ULL << 20, 1ULL << 60, "1M", "1E", parse_size_share };
static const struct range r_pids = { "pids", 1, 4194304, "1", "4194304", parse_u64 };
static const struct range r_cpu_time = { "cpu-time", 1000, 365ULL * 86400 * 1000000, "1ms", "365d", parse_time_us };
static const struct range r_wall_time = { "wall-time", 1000, 365ULL * 86400 * 1000000, "1ms", "365d", parse_time_us };
static const struct range r_cpus = { "cpus", 10, 4096000, "0.01", "4096", parse_milli };
static const struct range r_output = { "output-limit", 1, 1ULL << 62, "1", "4E", parse_size };
static const struct range r_open_files = { "open-files", 1, 1U << 30, "1", "1073741824", parse_u64 };
static const struct range r_stack = { "stack", 16384, 1ULL << 62, "16K", "4E", parse_size };

static int limit(const struct range *rg, const char *arg, uint64_t *ret, struct sb_err *err)
{
	uint64_t v;
	int r;

	if (strcmp(arg, "unlimited") == 0) {
		*ret = 0;
		return 0;
	}
	r = rg->parse(arg, &v, err);
	if (r < 0)
		return r;
	if (v < rg->min || v > rg->max) {
		err->col = 0;
		return sb_failx(err, ERANGE, "%s '%s' is out of range: expected %s to %s, or 'unlimited'", rg->name, arg,
				rg->min_s, rg->max_s);
	}
	*ret = v;
	return 0;
}

HX(opt_memory)
{
	(void)loc;
	return limit(&r_memory, arg, &p->limits.memory, err);
}
HX(opt_pids)
{
	(void)loc;
	return limit(&r_pids, arg, &p->limits.pids, err);
}
HX(opt_cpu_time)
{
	(void)loc;
	return limit(&r_cpu_time, arg, &p->limits.cpu_time_us, err);
}
HX(opt_wall_time)
{
	(void)loc;
	return limit(&r_wall_time, arg, &p->limits.wall_time_us, err);
}
HX(opt_cpus)
{
	(void)loc;
	return limit(&r_cpus, arg, &p->limits.cpus_milli, err);
}
HX(opt_cpuset)
{
	(void)loc;
	if (strcmp(arg, "unlimited") == 0 || strcmp(arg, "any") == 0) {
		free(p->limits.cpuset);
		p->limits.cpuset = NULL;
		return 0;
	}
	for (const char *c = arg; *c; c++)
		if (!((*c >= '0' && *c <= '9') || *c == ',' || *c == '-')) {
			err->col = (int)(c - arg);
			return sb_failx(err, EINVAL, "cpuset '%s' is not a CPU list such as 0-1,3", arg);
		}
	if (!*arg)
		return sb_failx(err, EINVAL, "expected a CPU list such as 0-1,3");
	return options_set_str(&p->limits.cpuset, arg, err);
}
HX(opt_output_limit)
{
	(void)loc;
	return limit(&r_output, arg, &p->limits.output_limit, err);
}
HX(opt_open_files)
{
	(void)loc;
	return limit(&r_open_files, arg, &p->limits.open_files, err);
}
HX(opt_stack)
{
	(void)loc;
	/* "unlimited" is a real setting here: RLIMIT_STACK infinity; "inherit"
	 * lifts a policy's value (the caller's stack limit applies). */
	p->limits.stack_unlimited = strcmp(arg, "unlimited") == 0;
	if (p->limits.stack_unlimited || strcmp(arg, "inherit") == 0) {
		p->limits.stack = 0;
		return 0;
	}
	return limit(&r_stack, arg, &p->limits.stack, err);
}
HX(opt_limits)
{
	(void)loc;
	if (strcmp(arg, "best-effort") == 0)
		p->limits.best_effort = true;
	else if (strcmp(arg, "strict") == 0)
		p->limits.best_effort = false;
	else
		return sb_failx(err, EINVAL, "unknown limits mode '%s' (expected strict or best-effort)", arg);
	return 0;
}
HX(opt_address_space)
{
	(void)loc;
	return parse_size(arg, &p->limits.address_space, err);
}
HX(opt_extra_time)
{
	(void)loc;
	return parse_time_us(arg, &p->limits.extra_time_us, err);
}
HX(opt_cgroup)
{
	static const char *const modes[SB_CG_MODE_MAX] = {
		[SB_CG_AUTO] = "auto", [SB_CG_REQUIRED] = "required", [SB_CG_OFF] = "off",
	};

	(void)loc;
	for (int i = 0; i < SB_CG_MODE_MAX; i++)
		if (strcmp(arg, modes[i]) == 0) {
			p->limits.cgroup_mode = (enum sb_cgroup_mode)i;
			return 0;
		}
	return sb_failx(err, EINVAL, "unknown cgroup mode '%s' (expected auto, required or off)", arg);
}
HX(opt_cgroup_parent)
{
	(void)loc;
	return options_set_path(&p->limits.cgroup_parent, arg, err);
}
