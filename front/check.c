/*
 * check.c: `sandbox check` output: a plan printed back as one normalized
 * policy. Runs in the launcher process for the check command only; prints
 * (STYLE.md lets commands print) and touches nothing else.
 *
 * The output is itself a valid policy: every directive on its own line,
 * includes already resolved, defaults written out; settings that have no
 * directive form (an unset limit means "no limit") appear as comments. So
 * `sandbox check judge > mine.policy` is a starting point for a new one.
 */
#include "check.h"

#include "net_rules.h"

#include <inttypes.h>
#include <string.h>

static const char *const mount_words[SB_MOUNT_KIND_MAX] = {
	[SB_MOUNT_BIND] = "bind",	[SB_MOUNT_RO_BIND] = "ro-bind", [SB_MOUNT_TMPFS] = "tmpfs",
	[SB_MOUNT_DIR] = "dir",		[SB_MOUNT_SYMLINK] = "symlink", [SB_MOUNT_PROC] = "proc",
	[SB_MOUNT_DEV] = "dev",		[SB_MOUNT_OVERLAY] = "overlay",
};

static const char *const action_words[SB_SYS_ACTION_MAX] = {
	[SB_SYS_ALLOW] = "allow", [SB_SYS_ERRNO] = "deny",  [SB_SYS_KILL] = "kill",
	[SB_SYS_LOG] = "log",	  [SB_SYS_TRAP] = "trap",   [SB_SYS_UNSAFE_ALLOW] = "unsafe-allow",
};

static const char *const op_words[SB_OP_MAX] = {
	[SB_OP_EQ] = "==", [SB_OP_NE] = "!=", [SB_OP_LT] = "<",	      [SB_OP_LE] = "<=",
	[SB_OP_GT] = ">",  [SB_OP_GE] = ">=", [SB_OP_MASKED_EQ] = "&",
};

const char *check_mount_word(const struct sb_mount *m)
{
	if (m->kind == SB_MOUNT_RO_BIND && m->system)
		return m->optional ? "system-ro-bind-try" : "system-ro-bind";
	if (m->kind == SB_MOUNT_RO_BIND && m->optional)
		return "ro-bind-try";
	if (m->kind == SB_MOUNT_BIND && m->optional)
		return "bind-try";
	return (unsigned)m->kind < SB_MOUNT_KIND_MAX ? mount_words[m->kind] : "?";
}

const char *check_landlock_word(enum sb_landlock l)
{
	static const char *const words[SB_LANDLOCK_MAX] = {
		[SB_LANDLOCK_AUTO] = "auto", [SB_LANDLOCK_REQUIRED] = "required", [SB_LANDLOCK_OFF] = "off",
	};

	return (unsigned)l < SB_LANDLOCK_MAX ? words[l] : "?";
}

const char *check_action_word(enum sb_sys_action a)
{
	return (unsigned)a < SB_SYS_ACTION_MAX ? action_words[a] : "?";
}

/* "N" bytes in the largest exact unit, so 268435456 prints as 256M. */
void check_size_str(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (v && v % 1024 == 0 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%" PRIu64, v);
	else
		snprintf(buf, len, "%" PRIu64 "%c", v, units[u]);
}

/* Microseconds in the largest exact unit: 2000000 -> 2s, 1500 -> 1500us. */
void check_time_str(uint64_t us, char *buf, size_t len)
{
	if (us % 3600000000ULL == 0 && us)
		snprintf(buf, len, "%" PRIu64 "h", (uint64_t)(us / 3600000000ULL));
	else if (us % 60000000ULL == 0 && us)
		snprintf(buf, len, "%" PRIu64 "m", (uint64_t)(us / 60000000ULL));
	else if (us % 1000000 == 0)
		snprintf(buf, len, "%" PRIu64 "s", us / 1000000);
	else if (us % 1000 == 0)
		snprintf(buf, len, "%" PRIu64 "ms", us / 1000);
	else
		snprintf(buf, len, "%" PRIu64 "us", us);
}

void check_mount_arg(const struct sb_mount *m, char *buf, size_t len)
{
	switch (m->kind) {
	case SB_MOUNT_BIND:
	case SB_MOUNT_RO_BIND:
	case SB_MOUNT_OVERLAY:
		if (m->src && strcmp(m->src, m->dst) != 0)
			snprintf(buf, len, "%s:%s", m->src, m->dst);
		else
			snprintf(buf, len, "%s", m->dst);
		return;
	case SB_MOUNT_TMPFS: {
		char size[32] = "";

		if (m->size)
			check_size_str(m->size, size, sizeof(size));
		snprintf(buf, len, "%s%s%s%s%s%.0o", m->dst, m->size || m->mode ? ":" : "",
			 m->size ? "size=" : "", size, m->size && m->mode ? ",mode=" : m->mode ? "mode=" : "",
			 m->mode);
		return;
	}
	case SB_MOUNT_SYMLINK:
		snprintf(buf, len, "%s:%s", m->src ? m->src : "", m->dst);
		return;
	case SB_MOUNT_DIR:
	case SB_MOUNT_PROC:
	case SB_MOUNT_DEV:
	case SB_MOUNT_KIND_MAX:
		break;
	}
	snprintf(buf, len, "%s", m->dst);
}

static void print_fs(FILE *f, const struct sb_plan *p)
{
	fputs("\n# filesystem, in mount order\n", f);
	if (p->rootfs)
		fprintf(f, "rootfs %s\n", p->rootfs);
	for (size_t i = 0; i < p->n_mounts; i++) {
		char arg[8300];

		check_mount_arg(&p->mounts[i], arg, sizeof(arg));
		fprintf(f, "%s %s\n", check_mount_word(&p->mounts[i]), arg);
	}
	fprintf(f, "chdir %s\n", p->chdir ? p->chdir : "/");
	fprintf(f, "hostname %s\n", p->hostname ? p->hostname : "sandbox");
	fprintf(f, "landlock %s\n", check_landlock_word(p->landlock));
}

static void print_identity(FILE *f, const struct sb_plan *p)
{
	fputs("\n# identity and network\n", f);
	fprintf(f, "uid %u\ngid %u\n", (unsigned)p->uid, (unsigned)p->gid);
	if (p->map_to_set)
		fprintf(f, "map-to %u\n", (unsigned)p->map_to);
	else
		fputs("# map-to: not set (root callers map to an unprivileged uid)\n", f);
	fprintf(f, "net %s\n", p->net == SB_NET_HOST ? "host" : p->net == SB_NET_USER ? "user" : "none");
	for (size_t i = 0; i < p->n_netrules; i++)
		fprintf(f, "allow-net %s\n", p->netrules[i].text);
	for (size_t i = 0; i < p->n_publish; i++)
		fprintf(f, "publish %s\n", p->publish[i].text);
	if (p->time_ns.new_ns)
		fprintf(f, "time-offset monotonic=%s%" PRIu64 "us\ntime-offset boottime=%s%" PRIu64 "us\n",
			p->time_ns.monotonic_ns < 0 ? "-" : "",
			(uint64_t)(p->time_ns.monotonic_ns < 0 ? -p->time_ns.monotonic_ns : p->time_ns.monotonic_ns) / 1000,
			p->time_ns.boottime_ns < 0 ? "-" : "",
			(uint64_t)(p->time_ns.boottime_ns < 0 ? -p->time_ns.boottime_ns : p->time_ns.boottime_ns) / 1000);
}

static void print_process(FILE *f, const struct sb_plan *p)
{
	fputs("\n# process\n", f);
	if (p->interactive)
		fputs("interactive\n", f);
	for (size_t i = 0; i < p->n_keep_fds; i++)
		fprintf(f, "keep-fd %d\n", p->keep_fds[i]);
	for (size_t i = 0; i < p->n_keep_env; i++)
		fprintf(f, "keep-env %s\n", p->keep_env[i]);
	for (size_t i = 0; i < p->n_env; i++)
		fprintf(f, "env %s\n", p->env[i]);
}

/* One limit: "NAME VALUE", or a comment when unset (no directive says
 * "unlimited" for it). */
static void limit(FILE *f, const char *name, const char *val, bool set)
{
	if (set)
		fprintf(f, "%s %s\n", name, val);
	else
		fprintf(f, "# %s: unlimited (not set)\n", name);
}

static void print_limits(FILE *f, const struct sb_plan *p)
{
	const struct sb_limits *l = &p->limits;
	char b[64];

	fputs("\n# limits\n", f);
	fprintf(f, "limits %s\n", l->best_effort ? "best-effort" : "strict");
	check_size_str(l->memory, b, sizeof(b));
	limit(f, "memory", b, l->memory);
	snprintf(b, sizeof(b), "%" PRIu64, l->pids);
	limit(f, "pids", b, l->pids);
	check_time_str(l->cpu_time_us, b, sizeof(b));
	limit(f, "cpu-time", b, l->cpu_time_us);
	check_time_str(l->wall_time_us, b, sizeof(b));
	limit(f, "wall-time", b, l->wall_time_us);
	snprintf(b, sizeof(b), "%" PRIu64 ".%03" PRIu64, l->cpus_milli / 1000, l->cpus_milli % 1000);
	limit(f, "cpus", b, l->cpus_milli);
	limit(f, "cpuset", l->cpuset ? l->cpuset : "", l->cpuset != NULL);
	check_size_str(l->output_limit, b, sizeof(b));
	limit(f, "output-limit", b, l->output_limit);
	snprintf(b, sizeof(b), "%" PRIu64, l->open_files);
	if (l->open_files)
		fprintf(f, "open-files %s\n", b);
	else
		fputs("# open-files: inherited (not set)\n", f);
	check_size_str(l->stack, b, sizeof(b));
	if (l->stack_unlimited || l->stack)
		fprintf(f, "stack %s\n", l->stack_unlimited ? "unlimited" : b);
	else
		fputs("# stack: inherited (not set)\n", f);
	if (l->cgroup_parent)
		fprintf(f, "cgroup-parent %s\n", l->cgroup_parent);
}

static void print_io(FILE *f, const struct sb_plan *p)
{
	const struct {
		const char *name, *val;
	} io[] = {
		{ "stdin", p->stdin_path },   { "stdout", p->stdout_path }, { "stderr", p->stderr_path },
		{ "report", p->report_path }, { "meta", p->meta_path },
	};

	fputs("\n# input, output and results\n", f);
	for (size_t i = 0; i < sizeof(io) / sizeof(io[0]); i++)
		if (io[i].val)
			fprintf(f, "%s %s\n", io[i].name, io[i].val);
	if (p->stderr_to_stdout)
		fputs("stderr-to-stdout\n", f);
}

/* ENOSYS rather than 38: the name reads back through the parser too. */
static const char *errno_word(int e, char *num, size_t len)
{
	const char *n = strerrorname_np(e);

	if (n)
		return n;
	snprintf(num, len, "%d", e);
	return num;
}

void check_rule_str(const struct sb_sysrule *r, char *buf, size_t len)
{
	char num[16];
	size_t off = 0;

#define APPEND(...)                                                                                \
	do {                                                                                       \
		int w_ = snprintf(buf + off, off < len ? len - off : 0, __VA_ARGS__);              \
		if (w_ > 0)                                                                        \
			off += (size_t)w_;                                                         \
	} while (0)
	buf[0] = '\0';
	if (r->action == SB_SYS_ERRNO && r->errnum != 1 /* EPERM */)
		APPEND("errno %s", errno_word(r->errnum, num, sizeof(num)));
	else
		APPEND("%s", check_action_word(r->action));
	for (char **n = r->names; n && *n; n++)
		APPEND(" %s", *n);
	for (size_t i = 0; i < r->n_conds && i < 6; i++) {
		const struct sb_sys_cond *c = &r->conds[i];

		if (c->op == SB_OP_MASKED_EQ)
			APPEND(" %s arg%u & 0x%" PRIx64 " == %" PRIu64, i ? "and" : "if", c->arg, c->mask, c->value);
		else
			APPEND(" %s arg%u %s %" PRIu64, i ? "and" : "if", c->arg,
			       (unsigned)c->op < SB_OP_MAX ? op_words[c->op] : "?", c->value);
	}
#undef APPEND
}

static void print_syscalls(FILE *f, const struct sb_plan *p)
{
	char rule[2048], num[16];

	fputs("\n# syscalls\n", f);
	if (p->sys_default == SB_SYS_ERRNO && p->sys_default_errnum != 1)
		fprintf(f, "syscalls default errno %s\n", errno_word(p->sys_default_errnum, num, sizeof(num)));
	else
		fprintf(f, "syscalls default %s\n", check_action_word(p->sys_default));
	for (size_t i = 0; i < p->n_sysrules; i++) {
		check_rule_str(&p->sysrules[i], rule, sizeof(rule));
		fprintf(f, "syscalls %s\n", rule);
	}
	for (size_t i = 0; i < p->n_seccomp_profiles; i++)
		fprintf(f, "seccomp-profile %s\n", p->seccomp_profiles[i]);
	if (p->syscalls_log)
		fputs("syscalls-log\n", f);
}

void check_print(FILE *f, const struct sb_plan *p)
{
	fputs("# merged policy:", f);
	for (size_t i = 0; i < p->n_policies; i++)
		fprintf(f, " %s", p->policies[i]);
	fputs("\n# (includes resolved, defaults written out; a valid policy itself)\n", f);
	print_fs(f, p);
	print_identity(f, p);
	print_process(f, p);
	print_limits(f, p);
	print_io(f, p);
	print_syscalls(f, p);
}
