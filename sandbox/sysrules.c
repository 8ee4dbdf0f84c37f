/*
 * sysrules.c: the "syscalls ..." directive (also --syscalls) -> struct
 * sb_sysrule. Pure: syscall names are checked against libseccomp's tables
 * (no seccomp(2) call), sets against syscall_sets.c, values against
 * sysconsts.c. Errors set err->col to the 0-based offset of the bad word
 * inside the argument; policy.c turns it into FILE:LINE:COL.
 *
 *   syscalls default ACTION
 *   syscalls ACTION NAME|@SET... [if argN OP VALUE [and argN OP VALUE]...]
 *   syscalls unsafe-allow NAME...     re-allow an always-on hardening entry
 *   syscalls arch x86|x32...          re-admit another ABI (off by default)
 *
 * ACTION is allow, deny (= errno EPERM), errno ENAME, kill, log or trap.
 * OP is == != < <= > >= or "& MASK" (arg & MASK == MASK), "& MASK == V".
 */
#include "sysrules.h"

#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp_harden.h"
#include "syscall_sets.h"
#include "sysconsts.h"
#include "util.h"

#define MAX_WORDS 512

struct words {
	char *w[MAX_WORDS];
	int col[MAX_WORDS]; /* 0-based offset in the original argument */
	size_t n, i; /* count, cursor */
};

static int split(char *s, struct words *ws, struct sb_err *err)
{
	char *p = s;

	ws->n = ws->i = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return 0;
		if (ws->n == MAX_WORDS) {
			err->col = (int)(p - s);
			return sb_failx(err, E2BIG, "too many words in one rule (at most %d)", MAX_WORDS);
		}
		ws->w[ws->n] = p;
		ws->col[ws->n++] = (int)(p - s);
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
	}
}

static const char *peek(const struct words *ws)
{
	return ws->i < ws->n ? ws->w[ws->i] : NULL;
}

/* Fail at word i, or just past the end of the argument when i == n. */
static int fail_at(struct words *ws, size_t i, const char *arg, struct sb_err *err)
{
	err->col = i < ws->n ? ws->col[i] : (int)strlen(arg);
	return -EINVAL;
}

static int parse_errno(const char *w, int *ret)
{
	char *end;
	long v = strtol(w, &end, 10);

	if (*w && !*end && v > 0 && v < 4096) {
		*ret = (int)v;
		return 0;
	}
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);

		if (n && strcmp(n, w) == 0) {
			*ret = e;
			return 0;
		}
	}
	return -EINVAL;
}

/* ACTION [ENAME]: consumes one or two words. */
static int parse_action(struct words *ws, const char *arg, enum sb_sys_action *ret, int *errnum,
			struct sb_err *err)
{
	static const struct {
		const char *name;
		enum sb_sys_action a;
		int errnum;
	} actions[] = {
		{ "allow", SB_SYS_ALLOW, 0 }, { "deny", SB_SYS_ERRNO, EPERM }, { "kill", SB_SYS_KILL, 0 },
		{ "log", SB_SYS_LOG, 0 },     { "trap", SB_SYS_TRAP, 0 },
	};
	const char *w = peek(ws);

	if (w && strcmp(w, "errno") == 0) {
		ws->i++;
		if (!peek(ws) || parse_errno(peek(ws), errnum) < 0) {
			fail_at(ws, ws->i, arg, err);
			return sb_failx(err, EINVAL, "expected an errno name or number after 'errno', e.g. EPERM, EACCES, ENOSYS");
		}
		ws->i++;
		*ret = SB_SYS_ERRNO;
		return 0;
	}
	for (size_t k = 0; w && k < ELEMENTSOF(actions); k++)
		if (strcmp(w, actions[k].name) == 0) {
			ws->i++;
			*ret = actions[k].a;
			*errnum = actions[k].errnum;
			return 0;
		}
	fail_at(ws, ws->i, arg, err);
	return w ? sb_failx(err, EINVAL, "unknown action '%s' (expected default, allow, deny, errno ENAME, kill, log, trap, unsafe-allow or arch)", w)
		 : sb_failx(err, EINVAL, "expected an action: allow, deny, errno ENAME, kill, log or trap");
}

/* A number (decimal, 0x hex, 0 octal) or NAME[|NAME...]; col is the
 * word's offset, moved to the bad piece on error. */
static int parse_value(const char *w, int col, uint64_t *ret, struct sb_err *err)
{
	uint64_t v = 0;
	const char *p = w;

	for (;;) {
		size_t len = strcspn(p, "|");
		char piece[128];
		uint64_t x;

		if (len == 0 || len >= sizeof(piece)) {
			err->col = col + (int)(p - w);
			return sb_failx(err, EINVAL, "expected a number or a constant name in '%s'", w);
		}
		memcpy(piece, p, len);
		piece[len] = '\0';
		if (isdigit((unsigned char)piece[0])) {
			char *end;

			errno = 0;
			x = strtoull(piece, &end, 0);
			if (*end || errno) {
				err->col = col + (int)(p - w);
				return sb_failx(err, EINVAL, "'%s' is not a number (decimal or 0x hex, at most 64 bits)", piece);
			}
		} else if (!sysconst_find(piece, &x)) {
			err->col = col + (int)(p - w);
			return sb_failx(err, EINVAL, "unknown constant '%s' (see 'sandbox explain syscalls')", piece);
		}
		v |= x;
		if (!p[len])
			break;
		p += len + 1;
	}
	*ret = v;
	return 0;
}

static int parse_op(const char *w, enum sb_sys_op *ret)
{
	static const char *const ops[] = { [SB_OP_EQ] = "==", [SB_OP_NE] = "!=", [SB_OP_LT] = "<",
					   [SB_OP_LE] = "<=", [SB_OP_GT] = ">", [SB_OP_GE] = ">=",
					   [SB_OP_MASKED_EQ] = "&" };

	for (int k = 0; k < SB_OP_MAX; k++)
		if (strcmp(w, ops[k]) == 0) {
			*ret = (enum sb_sys_op)k;
			return 0;
		}
	return -EINVAL;
}

/* argN OP VALUE | argN & MASK [== VALUE] */
static int parse_cond(struct words *ws, const char *arg, struct sb_sys_cond *c, struct sb_err *err)
{
	const char *w = peek(ws);
	int r;

	if (!w || strncmp(w, "arg", 3) != 0 || w[3] < '0' || w[3] > '5' || w[4]) {
		fail_at(ws, ws->i, arg, err);
		return sb_failx(err, EINVAL, "expected arg0 .. arg5 in a condition");
	}
	c->arg = (unsigned)(w[3] - '0');
	ws->i++;
	if (!peek(ws) || parse_op(peek(ws), &c->op) < 0) {
		fail_at(ws, ws->i, arg, err);
		return sb_failx(err, EINVAL, "expected an operator after '%s': == != < <= > >= or &", w);
	}
	ws->i++;
	if (!peek(ws)) {
		fail_at(ws, ws->i, arg, err);
		return sb_failx(err, EINVAL, "expected a value after '%s'", ws->w[ws->i - 1]);
	}
	r = parse_value(peek(ws), ws->col[ws->i], &c->value, err);
	if (r < 0)
		return r;
	ws->i++;
	if (c->op != SB_OP_MASKED_EQ)
		return 0;
	c->mask = c->value; /* "& MASK": every bit of MASK set */
	if (!peek(ws) || strcmp(peek(ws), "==") != 0)
		return 0;
	ws->i++;
	if (!peek(ws)) {
		fail_at(ws, ws->i, arg, err);
		return sb_failx(err, EINVAL, "expected a value after '=='");
	}
	r = parse_value(peek(ws), ws->col[ws->i], &c->value, err);
	if (r < 0)
		return r;
	ws->i++;
	return 0;
}

static int parse_conds(struct words *ws, const char *arg, struct sb_sysrule *rule, struct sb_err *err)
{
	for (;;) {
		int r;

		if (rule->n_conds == ELEMENTSOF(rule->conds)) {
			fail_at(ws, ws->i, arg, err);
			return sb_failx(err, EINVAL, "at most %zu conditions in one rule", ELEMENTSOF(rule->conds));
		}
		r = parse_cond(ws, arg, &rule->conds[rule->n_conds], err);
		if (r < 0)
			return r;
		rule->n_conds++;
		if (!peek(ws))
			return 0;
		if (strcmp(peek(ws), "and") != 0) {
			fail_at(ws, ws->i, arg, err);
			return sb_failx(err, EINVAL, "expected 'and' or the end of the rule, got '%s'", peek(ws));
		}
		ws->i++;
	}
}

/* A syscall known to libseccomp on any architecture, or a known @set. */
static int check_name(struct words *ws, size_t i, const char *arg, bool unsafe, struct sb_err *err)
{
	const char *w = ws->w[i];

	if (w[0] == '@' && unsafe) {
		fail_at(ws, i, arg, err);
		return sb_failx(err, EINVAL, "unsafe-allow takes syscall names, not sets ('%s')", w);
	}
	if (w[0] == '@') {
		if (syscall_set_find(w))
			return 0;
		fail_at(ws, i, arg, err);
		return sb_failx(err, EINVAL, "unknown syscall set '%s' (see 'sandbox explain syscalls')", w);
	}
	if (seccomp_syscall_resolve_name(w) == __NR_SCMP_ERROR) {
		fail_at(ws, i, arg, err);
		return sb_failx(err, EINVAL, "unknown syscall '%s'", w);
	}
	if (unsafe && !seccomp_harden_find(w)) {
		fail_at(ws, i, arg, err);
		return sb_failx(err, EINVAL, "'%s' is not part of the always-on hardening; use 'allow' (see 'sandbox explain syscalls')", w);
	}
	return 0;
}

static void rule_free(struct sb_sysrule *r)
{
	for (char **n = r->names; n && *n; n++)
		free(*n);
	free(r->names);
	r->names = NULL;
}

static int push_rule(struct sb_plan *p, struct sb_sysrule *rule, struct sb_err *err)
{
	struct sb_sysrule *nr = realloc(p->sysrules, (p->n_sysrules + 1) * sizeof(*nr));

	if (!nr) {
		rule_free(rule);
		return sb_fail(err, ENOMEM, "syscalls");
	}
	p->sysrules = nr;
	p->sysrules[p->n_sysrules++] = *rule;
	return 0;
}

/* NAME... [if COND [and COND]...] after the action. */
static int parse_names(struct words *ws, const char *arg, struct sb_sysrule *rule, struct sb_err *err)
{
	size_t n = 0, first = ws->i;
	bool has_set = false;
	int r;

	for (; peek(ws) && strcmp(peek(ws), "if") != 0; ws->i++) {
		r = check_name(ws, ws->i, arg, rule->action == SB_SYS_UNSAFE_ALLOW, err);
		if (r < 0)
			return r;
		has_set |= peek(ws)[0] == '@';
		if (plan_strv_add(&rule->names, &n, peek(ws)) < 0)
			return sb_fail(err, ENOMEM, "syscalls");
	}
	if (n == 0) {
		fail_at(ws, ws->i, arg, err);
		return sb_failx(err, EINVAL, "expected at least one syscall name or @set after '%s'", ws->w[first - 1]);
	}
	if (!peek(ws))
		return 0;
	if (has_set || rule->action == SB_SYS_UNSAFE_ALLOW) {
		fail_at(ws, ws->i, arg, err);
		return sb_failx(err, EINVAL, "conditions apply to syscalls named one by one, not to @sets or unsafe-allow");
	}
	ws->i++;
	return parse_conds(ws, arg, rule, err);
}

static int parse_arch(struct sb_plan *p, struct words *ws, const char *arg, struct sb_err *err)
{
	if (!peek(ws)) {
		fail_at(ws, ws->i, arg, err);
		return sb_failx(err, EINVAL, "expected x86 or x32 after 'arch'");
	}
	for (; peek(ws); ws->i++) {
		if (strcmp(peek(ws), "x86") == 0 || strcmp(peek(ws), "i386") == 0)
			p->sys_arches |= SB_ARCH_X86;
		else if (strcmp(peek(ws), "x32") == 0)
			p->sys_arches |= SB_ARCH_X32;
		else if (strcmp(peek(ws), "x86_64") != 0 && strcmp(peek(ws), "native") != 0) {
			fail_at(ws, ws->i, arg, err);
			return sb_failx(err, EINVAL, "unknown architecture '%s' (expected x86 or x32)", peek(ws));
		}
	}
	return 0;
}

static int parse_default(struct sb_plan *p, struct words *ws, const char *arg, struct sb_err *err)
{
	enum sb_sys_action a;
	int e = 0, r;

	r = parse_action(ws, arg, &a, &e, err);
	if (r < 0)
		return r;
	if (peek(ws)) {
		fail_at(ws, ws->i, arg, err);
		return sb_failx(err, EINVAL, "unexpected '%s' after the default action", peek(ws));
	}
	p->sys_default = a;
	p->sys_default_errnum = e;
	p->sys_default_set = true;
	return 0;
}

int sysrules_parse(struct sb_plan *p, const char *arg, const struct sb_loc *loc, struct sb_err *err)
{
	_cleanup_free_ char *copy = strdup(arg ? arg : "");
	struct sb_sysrule rule = { .loc = *loc };
	struct words ws;
	int r;

	if (!copy)
		return sb_fail(err, ENOMEM, "syscalls");
	r = split(copy, &ws, err);
	if (r < 0)
		return r;
	if (peek(&ws) && strcmp(peek(&ws), "default") == 0) {
		ws.i++;
		return parse_default(p, &ws, arg, err);
	}
	if (peek(&ws) && strcmp(peek(&ws), "arch") == 0) {
		ws.i++;
		return parse_arch(p, &ws, arg, err);
	}
	if (peek(&ws) && strcmp(peek(&ws), "unsafe-allow") == 0) {
		ws.i++;
		rule.action = SB_SYS_UNSAFE_ALLOW;
	} else {
		r = parse_action(&ws, arg, &rule.action, &rule.errnum, err);
		if (r < 0)
			return r;
	}
	r = parse_names(&ws, arg, &rule, err);
	if (r < 0) {
		rule_free(&rule);
		return r;
	}
	return push_rule(p, &rule, err);
}
