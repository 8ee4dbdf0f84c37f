/*
 * seccomp.c: the syscall filter layer. seccomp_prepare runs in the launcher
 * before clone (caller's uid, no privileges): it resolves the policy's
 * "syscalls" rules, imported OCI profiles and @sets into one table, then
 * compiles it to classic BPF: stage 0 (seccomp_bpf.c: ABI check, always-on
 * hardening, argument-checked rules) followed by stage 1, libseccomp's
 * binary tree of per-syscall actions. seccomp_child, in the payload right
 * before execve, only loads the finished program: no libseccomp work (and
 * no allocation) after the fork. Seccomp is required: a kernel without it
 * makes the run fail (DESIGN.md). Probes: nothing; the load's errno says it.
 */
#include "seccomp.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "seccomp_harden.h"
#include "seccomp_int.h"
#include "syscall_sets.h"
#include "syscalls.h"
#include "util.h"

/* What follows seccomp_child in the payload (execve, the error message on
 * the sync socket, exit), so every filter allows it. */
static const char *const required[] = { "execve", "sendto", "exit", "exit_group" };

uint32_t sc_action(enum sb_sys_action a, int errnum)
{
	switch (a) {
	case SB_SYS_ALLOW:
	case SB_SYS_UNSAFE_ALLOW:
	case SB_SYS_ACTION_MAX:
		return SECCOMP_RET_ALLOW;
	case SB_SYS_ERRNO:
		return SECCOMP_RET_ERRNO | ((uint32_t)errnum & SECCOMP_RET_DATA);
	case SB_SYS_KILL:
		return SECCOMP_RET_KILL_PROCESS;
	case SB_SYS_LOG:
		/* "allow and report": the launcher answers each notification
		 * with CONTINUE (seccomp_notify.c). */
		return SECCOMP_RET_USER_NOTIF;
	case SB_SYS_TRAP:
		return SECCOMP_RET_TRAP;
	}
	return SECCOMP_RET_KILL_PROCESS;
}

static void drop_rules(struct sc_table *t, const char *name)
{
	size_t k = 0;

	for (size_t i = 0; i < t->n_rules; i++) {
		if (strcmp(t->rules[i].name, name) == 0)
			free(t->rules[i].name);
		else
			t->rules[k++] = t->rules[i];
	}
	t->n_rules = k;
}

static int add_cond_rule(struct sc_table *t, const char *name, const struct sb_sysrule *r)
{
	struct sc_rule *n = realloc(t->rules, (t->n_rules + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	t->rules = n;
	n = &t->rules[t->n_rules];
	memset(n, 0, sizeof(*n));
	n->name = strdup(name);
	if (!n->name)
		return -ENOMEM;
	n->action = sc_action(r->action, r->errnum);
	n->loc = r->loc;
	n->n_conds = r->n_conds;
	memcpy(n->conds, r->conds, sizeof(n->conds));
	t->n_rules++;
	return 0;
}

static int set_extra(struct sc_table *t, const char *name, uint32_t action)
{
	struct sc_extra *n;

	for (size_t i = 0; i < t->n_extra; i++)
		if (strcmp(t->extra[i].name, name) == 0) {
			t->extra[i].action = action;
			return 0;
		}
	n = realloc(t->extra, (t->n_extra + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	t->extra = n;
	n[t->n_extra].action = action;
	n[t->n_extra].name = strdup(name);
	if (!n[t->n_extra].name)
		return -ENOMEM;
	t->n_extra++;
	return 0;
}

/* One syscall name. An unconditional rule replaces whatever came before
 * for that syscall (later wins, like every other directive); a conditional
 * one is an exception checked before the unconditional action. */
static int apply_name(struct sc_table *t, const char *name, const struct sb_sysrule *r)
{
	int nr = seccomp_syscall_resolve_name(name);
	const struct sb_harden *h = seccomp_harden_find(name);
	size_t nh;

	if (r->n_conds)
		return add_cond_rule(t, name, r);
	drop_rules(t, name);
	if (r->action == SB_SYS_UNSAFE_ALLOW && h)
		t->unsafe |= 1ull << (h - seccomp_harden_list(&nh));
	if (nr >= 0 && nr < SC_NR_MAX)
		t->base[nr] = sc_action(r->action, r->errnum);
	else if (nr < 0)
		return set_extra(t, name, sc_action(r->action, r->errnum));
	return 0;
}

static int apply_set(struct sc_table *t, const char *name, const struct sb_sysrule *r, int depth)
{
	const struct sb_syscall_set *set = syscall_set_find(name);

	if (!set || depth > 8)
		return -EINVAL;
	for (const char *const *m = set->members; *m; m++) {
		int rc = (*m)[0] == '@' ? apply_set(t, *m, r, depth + 1) : apply_name(t, *m, r);

		if (rc < 0)
			return rc;
	}
	return 0;
}

int sc_table_apply(struct sc_table *t, const struct sb_sysrule *r, struct sb_err *err)
{
	for (char **n = r->names; n && *n; n++) {
		int rc = (*n)[0] == '@' ? apply_set(t, *n, r, 0) : apply_name(t, *n, r);

		if (rc == -ENOMEM)
			return sb_fail(err, ENOMEM, "syscall rules");
		if (rc < 0)
			return sb_failx(err, EINVAL, "unknown syscall set '%s'", *n);
	}
	return 0;
}

void sc_table_free(struct sc_table *t)
{
	for (size_t i = 0; i < t->n_rules; i++)
		free(t->rules[i].name);
	free(t->rules);
	for (size_t i = 0; i < t->n_extra; i++)
		free(t->extra[i].name);
	free(t->extra);
	free(t);
}

/* No "syscalls default" and no profile: the shipped syscalls-default
 * policy is the baseline the plan's rules then refine, so a policy that
 * forgets seccomp still gets a reasonable allow-list (DESIGN.md: seccomp
 * is required), and "--syscalls 'deny X'" on the command line adds to it. */
const char *seccomp_baseline(const struct sb_plan *p)
{
	return !p->sys_default_set && p->n_seccomp_profiles == 0 ? "syscalls-default" : NULL;
}

int seccomp_baseline_load(const struct sb_plan *p, struct sb_plan *base, struct sb_err *err)
{
	static const struct sb_loc loc = { 0 };
	const char *name = seccomp_baseline(p);

	plan_init(base);
	if (!name)
		return 0;
	if (policy_load(base, name, &loc, err) < 0)
		return sb_wrap(err, "built-in policy %s", name);
	return 0;
}

static int table_from_rules(struct sc_table *t, const struct sb_plan *p, struct sb_err *err)
{
	int r;

	for (size_t i = 0; i < p->n_seccomp_profiles; i++) {
		bool dflt_set = false;

		r = seccomp_oci_import(t, p->seccomp_profiles[i], &dflt_set, err);
		if (r < 0)
			return r;
		if (dflt_set)
			t->dflt_profile = (int)i;
	}
	for (size_t i = 0; i < p->n_sysrules; i++) {
		r = sc_table_apply(t, &p->sysrules[i], err);
		if (r < 0)
			return r;
	}
	if (p->sys_default_set)
		t->dflt = sc_action(p->sys_default, p->sys_default_errnum);
	t->arches |= p->sys_arches;
	return 0;
}

static uint32_t to_log(uint32_t a)
{
	return (a & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW ? a : SECCOMP_RET_USER_NOTIF;
}

/* --syscalls-log: whatever the policy would refuse is reported instead
 * (the always-on hardening in stage 0 still applies). */
static void log_mode(struct sc_table *t)
{
	t->dflt = to_log(t->dflt);
	for (size_t i = 0; i < SC_NR_MAX; i++)
		if (t->base[i] != SC_UNSET)
			t->base[i] = to_log(t->base[i]);
	for (size_t i = 0; i < t->n_rules; i++)
		t->rules[i].action = to_log(t->rules[i].action);
	for (size_t i = 0; i < t->n_extra; i++)
		t->extra[i].action = to_log(t->extra[i].action);
}

static bool uses_notify(const struct sc_table *t)
{
	bool any = t->dflt == SECCOMP_RET_USER_NOTIF;

	for (size_t i = 0; i < SC_NR_MAX && !any; i++)
		any = t->base[i] == SECCOMP_RET_USER_NOTIF;
	for (size_t i = 0; i < t->n_rules && !any; i++)
		any = t->rules[i].action == SECCOMP_RET_USER_NOTIF;
	return any;
}

int sc_build_table(const struct sb_plan *p, struct sc_table *t, struct sb_err *err)
{
	struct sb_plan base;
	int r;

	for (size_t i = 0; i < SC_NR_MAX; i++)
		t->base[i] = SC_UNSET;
	t->handoff_fd = -1;
	t->dflt = SECCOMP_RET_KILL_PROCESS;
	t->dflt_profile = -1;
	/* The baseline's rules first, the plan's on top: check prints them
	 * in this order too, so its output compiles to this same table. */
	r = seccomp_baseline_load(p, &base, err);
	if (r == 0 && base.n_policies)
		r = table_from_rules(t, &base, err);
	plan_free(&base);
	if (r < 0)
		return r;
	r = table_from_rules(t, p, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(required); i++)
		t->base[seccomp_syscall_resolve_name(required[i])] = SECCOMP_RET_ALLOW;
	if (p->syscalls_log)
		log_mode(t);
	t->notify = uses_notify(t);
	return 0;
}

static struct sc_table *table_of(const struct sb_plan *p, struct sb_err *err)
{
	struct sc_table *t = calloc(1, sizeof(*t));

	if (!t) {
		sb_fail(err, ENOMEM, "filter");
		return NULL;
	}
	if (sc_build_table(p, t, err) < 0) {
		sc_table_free(t);
		return NULL;
	}
	return t;
}

/* The plan's last rule that names name itself (not through a @set) and
 * would let it through. */
static const struct sb_sysrule *last_allow(const struct sb_plan *p, const char *name)
{
	for (size_t i = p->n_sysrules; i-- > 0;) {
		const struct sb_sysrule *r = &p->sysrules[i];

		for (char **n = r->names; n && *n; n++)
			if (strcmp(*n, name) == 0)
				return r->action == SB_SYS_ALLOW || r->action == SB_SYS_LOG ? r : NULL;
	}
	return NULL;
}

int seccomp_overruled(const struct sb_plan *p, seccomp_overruled_fn fn, void *ctx, struct sb_err *err)
{
	struct sc_table *t;
	const struct sb_harden *h;
	size_t nh;

	if (p->seccomp_off)
		return 0;
	t = table_of(p, err);
	if (!t)
		return -err->errnum;
	h = seccomp_harden_list(&nh);
	/* Only the entries that refuse the syscall whatever its arguments:
	 * "allow ioctl" still allows every ioctl but TIOCSTI and TIOCLINUX,
	 * which is what a reader expects of it. */
	for (size_t i = 0; i < nh; i++) {
		const struct sb_sysrule *r = last_allow(p, h[i].name);

		if (r && (h[i].kind == SB_HARDEN_DENY || h[i].kind == SB_HARDEN_ENOSYS) && sc_harden_applies(t, &h[i]))
			fn(ctx, &h[i], r);
	}
	sc_table_free(t);
	return 0;
}

/* "kill", "errno ENOSYS", ... for a SECCOMP_RET_* value. */
static void action_words(uint32_t a, char *buf, size_t len)
{
	const char *e;

	switch (a & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
		snprintf(buf, len, "allow");
		return;
	case SECCOMP_RET_ERRNO:
		e = strerrorname_np((int)(a & SECCOMP_RET_DATA));
		if (e)
			snprintf(buf, len, "errno %s", e);
		else
			snprintf(buf, len, "errno %u", a & SECCOMP_RET_DATA);
		return;
	case SECCOMP_RET_TRAP:
		snprintf(buf, len, "trap");
		return;
	case SECCOMP_RET_USER_NOTIF:
	case SECCOMP_RET_LOG:
		snprintf(buf, len, "log");
		return;
	default:
		snprintf(buf, len, "kill");
		return;
	}
}

int seccomp_default_action(const struct sb_plan *p, char *buf, size_t len, const char **from, struct sb_err *err)
{
	struct sc_table *t = table_of(p, err);

	if (!t)
		return -err->errnum;
	action_words(t->dflt, buf, len);
	/* Who set it: the plan's own line wins over a profile's, which wins
	 * over the baseline (table_from_rules applies them in that order). */
	if (p->sys_default_set)
		*from = NULL;
	else if (t->dflt_profile >= 0)
		*from = p->seccomp_profiles[t->dflt_profile];
	else
		*from = seccomp_baseline(p);
	sc_table_free(t);
	return 0;
}

static void ctx_freep(scmp_filter_ctx *c)
{
	if (*c)
		seccomp_release(*c);
}
#define _cleanup_ctx_ __attribute__((cleanup(ctx_freep)))

/* Stage 1: libseccomp's tree of unconditional per-syscall actions. With
 * no argument comparisons in it, the kernel can prove "always allowed"
 * for each allowed syscall and cache that (no filter run at all). */
int sc_emit_libseccomp(const struct sc_table *t, struct sock_filter **ret, size_t *ret_len, struct sb_err *err)
{
	_cleanup_ctx_ scmp_filter_ctx ctx = seccomp_init(t->dflt);
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if (!ctx)
		return sb_failx(err, EINVAL, "libseccomp: cannot create a filter with default action 0x%x", t->dflt);
	/* 2 = binary tree: O(log n) syscall lookups instead of a linear list. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r == 0 && (t->arches & SB_ARCH_X86))
		r = seccomp_arch_add(ctx, SCMP_ARCH_X86);
	if (r == 0 && (t->arches & SB_ARCH_X32))
		r = seccomp_arch_add(ctx, SCMP_ARCH_X32);
	if (r < 0)
		return sb_fail(err, -r, "libseccomp: set up the filter");
	for (int nr = 0; nr < SC_NR_MAX; nr++) {
		if (t->base[nr] == SC_UNSET || t->base[nr] == t->dflt)
			continue;
		r = seccomp_rule_add(ctx, t->base[nr], nr, 0);
		if (r < 0)
			return sb_fail(err, -r, "libseccomp: add a rule for syscall %d", nr);
	}
	for (size_t i = 0; (t->arches & SB_ARCH_X86) && i < t->n_extra; i++)
		if (t->extra[i].action != t->dflt)
			seccomp_rule_add(ctx, t->extra[i].action, seccomp_syscall_resolve_name(t->extra[i].name), 0);
	/* libseccomp 2.5 exports only to a descriptor: a memfd keeps it in memory. */
	fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return sb_fail(err, errno, "memfd_create");
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return sb_fail(err, -r, "libseccomp: export the filter");
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size % sizeof(struct sock_filter))
		return sb_failx(err, EIO, "libseccomp exported a malformed filter");
	*ret = malloc((size_t)st.st_size);
	if (!*ret)
		return sb_fail(err, ENOMEM, "filter");
	if (pread(fd, *ret, (size_t)st.st_size, 0) != st.st_size) {
		free(*ret);
		return sb_fail(err, EIO, "read back the filter");
	}
	*ret_len = (size_t)st.st_size / sizeof(struct sock_filter);
	return 0;
}

/* Over the kernel's instruction limit: say which limit, and where the
 * argument conditions that fill it come from (the syscall with the most,
 * and its first rule). */
static int too_big(const struct sc_table *t, size_t insns, struct sb_err *err)
{
	struct {
		const struct sc_rule *first;
		size_t conds;
	} per[600]; /* one per syscall name; there are fewer names than that */
	const struct sc_rule *worst = NULL;
	size_t n = 0, most = 0;
	char loc[600];

	for (size_t i = 0; i < t->n_rules; i++) {
		size_t k = 0;

		while (k < n && strcmp(per[k].first->name, t->rules[i].name) != 0)
			k++;
		if (k == n && n < ELEMENTSOF(per))
			per[n++] = (typeof(per[0])){ .first = &t->rules[i] };
		if (k < n)
			per[k].conds += t->rules[i].n_conds;
	}
	for (size_t k = 0; k < n; k++)
		if (per[k].conds > most) {
			most = per[k].conds;
			worst = per[k].first;
		}
	if (!worst)
		return sb_failx(err, E2BIG, "the syscall filter has %zu instructions, more than the kernel's limit of %d "
					    "(BPF_MAXINSNS)", insns, BPF_MAXINSNS);
	return sb_failx(err, E2BIG, "the syscall filter has %zu instructions, more than the kernel's limit of %d "
				    "(BPF_MAXINSNS): an argument condition takes about 5; %s has %zu of them, the first "
				    "at %s (fewer rules, or one rule with a mask: 'if argN & MASK == V')",
			 insns, BPF_MAXINSNS, worst->name, most, plan_loc_str(&worst->loc, loc, sizeof(loc)));
}

/* Compile t into s->prog: stage 0 then stage 1. */
static int compile(const struct sc_table *t, struct sb_seccomp *s, struct sb_err *err)
{
	_cleanup_free_ struct sock_filter *s0 = NULL, *s1 = NULL;
	size_t n0 = 0, n1 = 0;
	struct sock_filter *prog;
	int r;

	r = sc_emit_stage0(t, &s0, &n0, err);
	if (r == 0)
		r = t->arches ? sc_emit_libseccomp(t, &s1, &n1, err) : sc_emit_tree(t, &s1, &n1, err);
	if (r < 0)
		return r;
	if (n0 + n1 > BPF_MAXINSNS)
		return too_big(t, n0 + n1, err);
	prog = malloc((n0 + n1) * sizeof(*prog));
	if (!prog)
		return sb_fail(err, ENOMEM, "filter");
	memcpy(prog, s0, n0 * sizeof(*prog));
	memcpy(prog + n0, s1, n1 * sizeof(*prog));
	s->prog = prog;
	s->prog_len = n0 + n1;
	return 0;
}

/* Log mode: the payload hands the listener over on sock_fd[1]; its
 * sendmsg must pass before the launcher can answer anything, so it is
 * allowed (on that descriptor only) ahead of every rule. */
static int add_handoff(struct sc_table *t, int fd, struct sb_err *err)
{
	struct sb_sysrule r = {
		.action = SB_SYS_ALLOW, .n_conds = 1,
		.conds = { { .arg = 0, .op = SB_OP_EQ, .value = (uint64_t)fd } },
	};

	if (add_cond_rule(t, "sendmsg", &r) < 0)
		return sb_fail(err, ENOMEM, "filter");
	t->handoff_fd = fd;
	return 0;
}

int seccomp_prepare(const struct sb_plan *p, struct sb_seccomp *s, struct sb_err *err)
{
	struct sc_table *t = calloc(1, sizeof(*t));
	int r;

	s->prog = NULL;
	s->prog_len = 0;
	s->notify_fd = -1;
	s->sock_fd[0] = s->sock_fd[1] = -1;
	if (!t)
		return sb_fail(err, ENOMEM, "filter");
	s->learn_prog = NULL;
	s->learn_len = 0;
	r = sc_build_table(p, t, err);
	if (r == 0 && p->learn)
		r = sc_learn_table(t, s, err); /* every syscall stops and is recorded */
	if (r == 0 && t->notify) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, s->sock_fd) < 0)
			r = sb_fail(err, errno, "socketpair for the seccomp listener");
		else
			r = add_handoff(t, s->sock_fd[1], err);
	}
	if (r == 0)
		r = compile(t, s, err);
	sc_table_free(t);
	return r;
}

int seccomp_child(const struct sb_plan *p, struct sb_seccomp *s, struct sb_err *err)
{
	struct sock_fprog prog = { .len = (unsigned short)s->prog_len, .filter = s->prog };
	int fd;

	(void)p;
	if (!s->prog)
		return sb_failx(err, EINVAL, "no syscall filter was compiled");
	if (s->sock_fd[1] < 0) {
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
			return sb_fail(err, errno, "load the syscall filter");
		return 0;
	}
	fd = sys_seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0)
		return sb_fail(err, errno, "load the syscall filter with a listener (log mode needs Linux 5.5)");
	return seccomp_notify_handoff(s, fd, err);
}

void seccomp_teardown(struct sb_seccomp *s)
{
	free(s->prog);
	s->prog = NULL;
	free(s->learn_prog);
	s->learn_prog = NULL;
	for (int i = 0; i < 2; i++)
		if (s->sock_fd[i] >= 0) {
			close(s->sock_fd[i]);
			s->sock_fd[i] = -1;
		}
	if (s->notify_fd >= 0) {
		close(s->notify_fd);
		s->notify_fd = -1;
	}
}
