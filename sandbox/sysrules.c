/*
 * sysrules.c: "syscalls ..." directive parser (pure). Minimal first version:
 * "default ACTION" and "ACTION NAME...". The seccomp work extends it.
 */
#include "sysrules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int parse_action(const char *w, enum sb_sys_action *ret, int *errnum)
{
	static const struct {
		const char *name;
		enum sb_sys_action a;
		int errnum;
	} actions[] = {
		{ "allow", SB_SYS_ALLOW, 0 }, { "deny", SB_SYS_ERRNO, EPERM }, { "kill", SB_SYS_KILL, 0 },
		{ "log", SB_SYS_LOG, 0 },     { "trap", SB_SYS_TRAP, 0 },
	};
	for (size_t i = 0; i < ELEMENTSOF(actions); i++)
		if (strcmp(w, actions[i].name) == 0) {
			*ret = actions[i].a;
			*errnum = actions[i].errnum;
			return 0;
		}
	return -EINVAL;
}

int sysrules_parse(struct sb_plan *p, const char *arg, const struct sb_loc *loc, struct sb_err *err)
{
	_cleanup_free_ char *copy = strdup(arg);
	char *save = NULL, *w;
	struct sb_sysrule rule = { .loc = *loc };
	size_t n = 0;

	if (!copy)
		return sb_fail(err, ENOMEM, "syscalls");
	w = strtok_r(copy, " \t", &save);
	if (w && strcmp(w, "default") == 0) {
		w = strtok_r(NULL, " \t", &save);
		if (!w || parse_action(w, &p->sys_default, &p->sys_default_errnum) < 0)
			return sb_failx(err, EINVAL, "expected 'default allow|deny|kill|log|trap'");
		p->sys_default_set = true;
		return 0;
	}
	if (!w || parse_action(w, &rule.action, &rule.errnum) < 0)
		return sb_failx(err, EINVAL, "expected an action (allow, deny, kill, log, trap) or 'default'");
	while ((w = strtok_r(NULL, " \t", &save))) {
		struct sb_sysrule *nr;

		if (plan_strv_add(&rule.names, &n, w) < 0)
			return sb_fail(err, ENOMEM, "syscalls");
		(void)nr;
	}
	if (n == 0)
		return sb_failx(err, EINVAL, "expected at least one syscall name or @set after the action");
	{
		struct sb_sysrule *nr = realloc(p->sysrules, (p->n_sysrules + 1) * sizeof(*nr));

		if (!nr)
			return sb_fail(err, ENOMEM, "syscalls");
		p->sysrules = nr;
		p->sysrules[p->n_sysrules++] = rule;
	}
	return 0;
}
