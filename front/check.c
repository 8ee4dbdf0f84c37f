/*
 * check.c: `sandbox check` output: a plan printed back as one normalized
 * policy. Runs in the launcher process for the check command only; prints
 * (STYLE.md lets commands print) and touches nothing else.
 *
 * The output is itself a valid policy: every directive on its own line,
 * includes already resolved, defaults written out; settings that have no
 * directive form (an unset limit means "no limit") appear as comments. So
 * `sandbox check judge > mine.policy` is a starting point for a new one.
 *
 * "Equivalent" is the contract: the output, run as a policy, must build
 * the same sandbox. So the syscall baseline a policy runs on without
 * saying so (seccomp_baseline) is written out, and every directive goes
 * through one emitter that refuses a value the policy syntax would read
 * back differently (a '#' after a blank, blanks at either end, "${" in a
 * path) instead of printing a policy that means something else.
 */
#include "check.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "net_rules.h"
#include "options.h"
#include "policy.h"
#include "seccomp.h"
#include "seccomp_harden.h"
#include "sysconsts.h"

static const char *const mount_words[SB_MOUNT_KIND_MAX] = {
	[SB_MOUNT_BIND] = "bind",	[SB_MOUNT_RO_BIND] = "ro-bind", [SB_MOUNT_TMPFS] = "tmpfs",
	[SB_MOUNT_DIR] = "dir",		[SB_MOUNT_SYMLINK] = "symlink", [SB_MOUNT_PROC] = "proc",
	[SB_MOUNT_DEV] = "dev",		[SB_MOUNT_OVERLAY] = "overlay",
	[SB_MOUNT_FS] = "# (no directive) mount", /* only OCI configs make these */
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
	char fl[64];

	plan_mount_flags_str(m->flags, fl, sizeof(fl));
	switch (m->kind) {
	case SB_MOUNT_BIND:
	case SB_MOUNT_RO_BIND:
	case SB_MOUNT_OVERLAY:
		if (fl[0])
			snprintf(buf, len, "%s:%s:%s", m->src ? m->src : m->dst, m->dst, fl);
		else if (m->src && strcmp(m->src, m->dst) != 0)
			snprintf(buf, len, "%s:%s", m->src, m->dst);
		else
			snprintf(buf, len, "%s", m->dst);
		return;
	case SB_MOUNT_TMPFS: {
		char size[32] = "", mode[16] = "";
		size_t n;

		if (m->size)
			check_size_str(m->size, size, sizeof(size));
		if (m->mode)
			snprintf(mode, sizeof(mode), "%o", m->mode);
		n = (size_t)snprintf(buf, len, "%s", m->dst);
		if (m->size || m->mode || fl[0])
			snprintf(buf + n, len > n ? len - n : 0, ":%s%s%s%s%s%s", m->size ? "size=" : "", size,
				 m->size && m->mode ? "," : "", m->mode ? "mode=" : "", mode,
				 fl[0] ? (m->size || m->mode ? ",noexec" : "noexec") : "");
		return;
	}
	case SB_MOUNT_SYMLINK:
		snprintf(buf, len, "%s:%s", m->src ? m->src : "", m->dst);
		return;
	case SB_MOUNT_DEV:
		if (m->size) {
			char size[32];

			check_size_str(m->size, size, sizeof(size));
			snprintf(buf, len, "%s:shm-size=%s", m->dst, size);
			return;
		}
		break;
	case SB_MOUNT_FS:
		snprintf(buf, len, "%s at %s", m->fstype, m->dst);
		return;
	case SB_MOUNT_DIR:
	case SB_MOUNT_PROC:
	case SB_MOUNT_KIND_MAX:
		break;
	}
	snprintf(buf, len, "%s", m->dst);
}

/* The output stream and the first directive that cannot be carried. */
struct out {
	FILE *f;
	struct sb_err *err;
	int r;
};

/* Would policy.c read "WORD ARG" back as exactly arg? (policy.c: the
 * argument is the rest of the line up to a '#' after a blank, trimmed;
 * ${ expands in path arguments.) */
static const char *unfaithful(const char *word, const char *arg)
{
	const struct sb_option *o = options_find(word);
	size_t n = strlen(arg);

	if (strpbrk(arg, "\n\r"))
		return "a line break";
	if (n && (isspace((unsigned char)arg[0]) || isspace((unsigned char)arg[n - 1])))
		return "a blank at its start or end";
	if (arg[0] == '#')
		return "a leading '#'";
	for (size_t i = 1; i < n; i++)
		if (arg[i] == '#' && isspace((unsigned char)arg[i - 1]))
			return "a '#' after a blank (a comment)";
	if (o && o->path && strstr(arg, "${"))
		return "'${' (a variable)";
	return NULL;
}

/* One directive line. */
static void __attribute__((format(printf, 3, 4))) dir(struct out *o, const char *word, const char *fmt, ...)
{
	char arg[8400];
	const char *why;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(arg, sizeof(arg), fmt, ap);
	va_end(ap);
	why = unfaithful(word, arg);
	if (why && o->r == 0)
		o->r = sb_failx(o->err, EINVAL, "'%s %.200s' cannot be written as a policy line (its value holds %s)",
				word, arg, why);
	fprintf(o->f, "%s%s%s\n", word, *arg ? " " : "", arg);
}

static void print_fs(struct out *o, const struct sb_plan *p)
{
	fputs("\n# filesystem, in mount order\n", o->f);
	if (p->rootfs)
		dir(o, "rootfs", "%s", p->rootfs);
	for (size_t i = 0; i < p->n_mounts; i++) {
		char arg[8300];

		check_mount_arg(&p->mounts[i], arg, sizeof(arg));
		dir(o, check_mount_word(&p->mounts[i]), "%s", arg);
	}
	dir(o, "chdir", "%s", p->chdir ? p->chdir : "/");
	dir(o, "hostname", "%s", p->hostname ? p->hostname : "sandbox");
	dir(o, "landlock", "%s", check_landlock_word(p->landlock));
}

static void print_identity(struct out *o, const struct sb_plan *p)
{
	fputs("\n# identity and network\n", o->f);
	dir(o, "uid", "%u", (unsigned)p->uid);
	dir(o, "gid", "%u", (unsigned)p->gid);
	if (p->map_subids)
		dir(o, "map-to", "subuid:%u", (unsigned)p->subid_index);
	else if (p->map_to_set)
		dir(o, "map-to", "%u", (unsigned)p->map_to);
	else
		fputs("# map-to: not set (root callers map to an unprivileged uid)\n", o->f);
	dir(o, "net", "%s", p->net == SB_NET_HOST ? "host" : p->net == SB_NET_USER ? "user" : "none");
	for (size_t i = 0; i < p->n_netrules; i++)
		dir(o, "allow-net", "%s", p->netrules[i].text);
	for (size_t i = 0; i < p->n_publish; i++)
		dir(o, "publish", "%s", p->publish[i].text);
	if (p->time_ns.new_ns) {
		dir(o, "time-offset", "monotonic=%s%" PRIu64 "us", p->time_ns.monotonic_ns < 0 ? "-" : "",
		    (uint64_t)(p->time_ns.monotonic_ns < 0 ? -p->time_ns.monotonic_ns : p->time_ns.monotonic_ns) / 1000);
		dir(o, "time-offset", "boottime=%s%" PRIu64 "us", p->time_ns.boottime_ns < 0 ? "-" : "",
		    (uint64_t)(p->time_ns.boottime_ns < 0 ? -p->time_ns.boottime_ns : p->time_ns.boottime_ns) / 1000);
	}
}

/* The families of --socket-families as the option spells them; a family
 * with no name here cannot be printed, which the emitter reports. */
static void print_families(struct out *o, uint64_t mask)
{
	static const char *const names[] = { "unix", "inet", "inet6", "netlink", "packet", "key", "alg",
					     "vsock", "bluetooth", "can", "tipc", "xdp" };
	char list[512] = "", up[32];
	size_t off = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint64_t f;
		size_t k;

		for (k = 0; names[i][k] && k < sizeof(up) - 4; k++)
			up[3 + k] = (char)toupper((unsigned char)names[i][k]);
		memcpy(up, "AF_", 3);
		up[3 + k] = '\0';
		if (!sysconst_find(up, &f) || f >= 64 || !(mask & (1ULL << f)))
			continue;
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", off ? "," : "", names[i]);
		mask &= ~(1ULL << f);
	}
	if (mask && o->r == 0)
		o->r = sb_failx(o->err, EINVAL, "'socket-families' cannot be written as a policy line (families 0x%" PRIx64
				" have no name)", mask);
	dir(o, "socket-families", "%s", off ? list : "none");
}

static void print_ebpf(struct out *o, const struct sb_plan *p)
{
	static const char *const modes[SB_EBPF_MODE_MAX] = {
		[SB_EBPF_AUTO] = "auto", [SB_EBPF_REQUIRED] = "required",
		[SB_EBPF_BEST_EFFORT] = "best-effort", [SB_EBPF_OFF] = "off",
	};

	dir(o, "ebpf", "%s", (unsigned)p->ebpf < SB_EBPF_MODE_MAX ? modes[p->ebpf] : "?");
	if (p->socket_families_set)
		print_families(o, p->socket_families);
	if (p->bpf_token)
		dir(o, "bpf-token", "%s", p->bpf_token);
}

static void print_process(struct out *o, const struct sb_plan *p)
{
	fputs("\n# process\n", o->f);
	if (p->interactive)
		dir(o, "interactive", "%s", "");
	for (size_t i = 0; i < p->n_keep_fds; i++)
		dir(o, "keep-fd", "%d", p->keep_fds[i]);
	for (size_t i = 0; i < p->n_keep_env; i++)
		dir(o, "keep-env", "%s", p->keep_env[i]);
	for (size_t i = 0; i < p->n_env; i++)
		dir(o, "env", "%s", p->env[i]);
	for (size_t i = 0; i < p->n_unset_env; i++)
		dir(o, "unset-env", "%s", p->unset_env[i]);
}

/* One limit: "NAME VALUE", or a comment when unset (no directive says
 * "unlimited" for it). */
static void limit(struct out *o, const char *name, const char *val, bool set)
{
	if (set)
		dir(o, name, "%s", val);
	else
		fprintf(o->f, "# %s: unlimited (not set)\n", name);
}

static void print_limits(struct out *o, const struct sb_plan *p)
{
	const struct sb_limits *l = &p->limits;
	char b[64];

	fputs("\n# limits\n", o->f);
	dir(o, "limits", "%s", l->best_effort ? "best-effort" : "strict");
	check_size_str(l->memory, b, sizeof(b));
	limit(o, "memory", b, l->memory);
	snprintf(b, sizeof(b), "%" PRIu64, l->pids);
	limit(o, "pids", b, l->pids);
	check_time_str(l->cpu_time_us, b, sizeof(b));
	limit(o, "cpu-time", b, l->cpu_time_us);
	if (l->extra_time_us) {
		check_time_str(l->extra_time_us, b, sizeof(b));
		dir(o, "extra-time", "%s", b);
	}
	check_time_str(l->wall_time_us, b, sizeof(b));
	limit(o, "wall-time", b, l->wall_time_us);
	snprintf(b, sizeof(b), "%" PRIu64 ".%03" PRIu64, l->cpus_milli / 1000, l->cpus_milli % 1000);
	limit(o, "cpus", b, l->cpus_milli);
	limit(o, "cpuset", l->cpuset ? l->cpuset : "", l->cpuset != NULL);
	check_size_str(l->output_limit, b, sizeof(b));
	limit(o, "output-limit", b, l->output_limit);
	if (l->open_files)
		dir(o, "open-files", "%" PRIu64, l->open_files);
	else
		fputs("# open-files: inherited (not set)\n", o->f);
	check_size_str(l->stack, b, sizeof(b));
	if (l->stack_unlimited || l->stack)
		dir(o, "stack", "%s", l->stack_unlimited ? "unlimited" : b);
	else
		fputs("# stack: inherited (not set)\n", o->f);
	check_size_str(l->address_space, b, sizeof(b));
	limit(o, "address-space", b, l->address_space);
	dir(o, "cgroup", "%s", l->cgroup_mode == SB_CG_REQUIRED ? "required" : l->cgroup_mode == SB_CG_OFF ? "off" : "auto");
	if (l->cgroup_parent)
		dir(o, "cgroup-parent", "%s", l->cgroup_parent);
}

static void print_io(struct out *o, const struct sb_plan *p)
{
	const struct {
		const char *name, *val;
	} io[] = {
		{ "stdin", p->stdin_path },   { "stdout", p->stdout_path }, { "stderr", p->stderr_path },
		{ "report", p->report_path }, { "meta", p->meta_path },
	};

	fputs("\n# input, output and results\n", o->f);
	for (size_t i = 0; i < sizeof(io) / sizeof(io[0]); i++)
		if (io[i].val)
			dir(o, io[i].name, "%s", io[i].val);
	if (p->stderr_to_stdout)
		dir(o, "stderr-to-stdout", "%s", "");
	if (p->stdio_inside)
		dir(o, "stdio-inside", "%s", "");
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

static void print_rules(struct out *o, const struct sb_plan *p)
{
	char rule[2048];

	for (size_t i = 0; i < p->n_sysrules; i++) {
		check_rule_str(&p->sysrules[i], rule, sizeof(rule));
		dir(o, "syscalls", "%s", rule);
	}
}

static void overruled_note(void *ctx, const struct sb_harden *h, const struct sb_sysrule *r)
{
	char loc[600];

	fprintf(ctx, "# note: 'syscalls %s %s' (%s) has no effect: the always-on hardening refuses %s (%s); "
		     "'syscalls unsafe-allow %s' lifts it\n",
		check_action_word(r->action), h->name, plan_loc_str(&r->loc, loc, sizeof(loc)), h->name, h->why,
		h->name);
}

/* The filter as the run builds it (seccomp.c, sc_build_table): the
 * baseline's default and rules when the plan sets no default and imports
 * no profile, then the plan's rules; a profile's default stays the
 * profile's (a "syscalls default" line here would override it). */
static void print_syscalls(struct out *o, const struct sb_plan *p, const struct sb_plan *base)
{
	const struct sb_plan *d = base->n_policies ? base : p;
	char num[16];

	fputs("\n# syscalls\n", o->f);
	if (base->n_policies)
		fprintf(o->f, "# the policy sets no 'syscalls default': the built-in %s applies, written out\n",
			base->policies[0]);
	if (!d->sys_default_set && p->n_seccomp_profiles)
		fputs("# syscalls default: the imported profile's defaultAction\n", o->f);
	else if (d->sys_default == SB_SYS_ERRNO && d->sys_default_errnum != 1)
		dir(o, "syscalls", "default errno %s", errno_word(d->sys_default_errnum, num, sizeof(num)));
	else
		dir(o, "syscalls", "default %s", check_action_word(d->sys_default));
	if ((p->sys_arches | base->sys_arches) & SB_ARCH_X86)
		dir(o, "syscalls", "arch x86");
	if ((p->sys_arches | base->sys_arches) & SB_ARCH_X32)
		dir(o, "syscalls", "arch x32");
	print_rules(o, base);
	print_rules(o, p);
	for (size_t i = 0; i < p->n_seccomp_profiles; i++)
		dir(o, "seccomp-profile", "%s", p->seccomp_profiles[i]);
	if (p->syscalls_log)
		dir(o, "syscalls-log", "%s", "");
}

int check_print(FILE *f, const struct sb_plan *p, struct sb_err *err)
{
	struct out o = { .f = f, .err = err };
	struct sb_err ignored = SB_ERR_INIT;
	struct sb_plan base;
	int r;

	r = seccomp_baseline_load(p, &base, err);
	if (r < 0)
		return r;
	fputs("# merged policy:", f);
	for (size_t i = 0; i < p->n_policies; i++)
		fprintf(f, " %s", p->policies[i]);
	fputs("\n# (includes resolved, variables expanded, defaults written out; a valid policy itself)\n", f);
	print_fs(&o, p);
	print_identity(&o, p);
	print_ebpf(&o, p);
	print_process(&o, p);
	print_limits(&o, p);
	print_io(&o, p);
	print_syscalls(&o, p, &base);
	plan_free(&base);
	/* Notes only: a filter that cannot be built (a missing profile) is
	 * reported by whoever compiles it (cmd_check does, before this). */
	seccomp_overruled(p, overruled_note, f, &ignored);
	return o.r;
}
