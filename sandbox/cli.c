/*
 * cli.c: `sandbox run` options. Table-driven through options.c so that
 * every option is also a policy directive. Pure.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "policy.h"
#include "util.h"

/* Split "--name=value" / "--name value"; returns the option or NULL. */
static const struct sb_option *lookup(const char *word, const char **inline_arg, char *name, size_t len)
{
	const char *eq = strchr(word + 2, '=');
	size_t n = eq ? (size_t)(eq - word - 2) : strlen(word + 2);

	if (n >= len)
		n = len - 1;
	memcpy(name, word + 2, n);
	name[n] = '\0';
	*inline_arg = eq ? eq + 1 : NULL;
	return options_find(name);
}

static int unknown(const char *name, struct sb_err *err)
{
	const char *near = options_nearest(name);

	if (near)
		return sb_failx(err, EINVAL, "unknown option '--%s' (did you mean '--%s'?); see 'sandbox run --help'", name, near);
	return sb_failx(err, EINVAL, "unknown option '--%s'; see 'sandbox run --help'", name);
}

/* A scalar option given twice on one command line with two different
 * values is almost always a mistake (a pasted line, a bad script); say so
 * instead of silently taking the later one. Policies may still be
 * overridden: this only compares the command line with itself. */
static int check_twice(int argc, char **argv, int upto, const struct sb_option *o, const char *arg,
		       struct sb_err *err)
{
	const char *cur = arg ? arg : "";

	for (int i = 0; i < upto; i++) {
		const struct sb_option *seen;
		const char *prev;
		char name[64];

		if (strcmp(argv[i], "--") == 0 || strncmp(argv[i], "--", 2) != 0)
			return 0;
		seen = lookup(argv[i], &prev, name, sizeof(name));
		if (seen && !prev && seen->arg == SB_ARG_ONE && i + 1 < argc)
			prev = argv[++i];
		if (seen != o)
			continue;
		if (strcmp(prev ? prev : "", cur) == 0)
			return 0;
		return sb_failx(err, EINVAL, "option '--%s' given twice, as '%s' and '%s': keep one", o->name,
				prev ? prev : "", cur);
	}
	return 0;
}

/* One pass over the options; apply those where want_policy matches
 * (o is the policy option). Returns the index of the command, or -errno. */
static int pass(int argc, char **argv, struct sb_plan *p, bool want_policy, struct sb_err *err)
{
	const struct sb_loc loc = { 0 };
	int i;

	for (i = 0; i < argc; i++) {
		const char *w = argv[i], *arg;
		const struct sb_option *o;
		char name[64];
		int r;

		if (strcmp(w, "--") == 0)
			return i + 1;
		if (strncmp(w, "--", 2) != 0)
			return i; /* the command starts here */
		o = lookup(w, &arg, name, sizeof(name));
		if (!o)
			return unknown(name, err);
		if (!arg && o->arg == SB_ARG_ONE) {
			if (i + 1 >= argc)
				return sb_failx(err, EINVAL, "option '--%s' needs an argument (%s)", name, o->metavar);
			arg = argv[++i];
		}
		if (arg && o->arg == SB_ARG_NONE)
			return sb_failx(err, EINVAL, "option '--%s' takes no argument", name);
		if ((strcmp(o->name, "policy") == 0) != want_policy)
			continue;
		if (!o->multi && check_twice(argc, argv, w == argv[i] ? i : i - 1, o, arg, err) < 0)
			return -EINVAL;
		err->col = -1;
		r = options_apply(p, o, arg, &loc, err);
		if (r < 0 && err->col == SB_COL_LOCATED)
			return r; /* a policy file's error already says FILE:LINE:COL */
		if (r < 0)
			return sb_wrap(err, "option '--%s%s%s'", name, arg ? " " : "", arg ? arg : "");
		if (want_policy)
			p->policy_given = true;
	}
	return i;
}

int cli_parse(int argc, char **argv, struct sb_plan *p, bool allow_no_command, struct sb_err *err)
{
	int cmd, r;

	r = pass(argc, argv, p, true, err);
	if (r < 0)
		return r;
	if (!p->policy_given) {
		const struct sb_loc loc = { 0 };

		r = policy_load(p, "default", &loc, err);
		if (r < 0 && err->col != SB_COL_LOCATED)
			return sb_wrap(err, "built-in policy 'default'");
	}
	cmd = pass(argc, argv, p, false, err);
	if (cmd < 0)
		return cmd;
	if (cmd >= argc) {
		if (allow_no_command)
			return 0;
		return sb_failx(err, EINVAL, "no command given (usage: sandbox run [OPTIONS] -- COMMAND [ARG...])");
	}
	p->argv = calloc((size_t)(argc - cmd + 1), sizeof(char *));
	if (!p->argv)
		return sb_fail(err, ENOMEM, "command");
	for (int i = cmd; i < argc; i++)
		if (!(p->argv[i - cmd] = strdup(argv[i])))
			return sb_fail(err, ENOMEM, "command");
	return 0;
}

void cli_result_paths(int argc, char **argv, const char **report, const char **meta)
{
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i], *arg;
		const struct sb_option *o;
		char name[64];

		if (strcmp(w, "--") == 0 || strncmp(w, "--", 2) != 0)
			return;
		o = lookup(w, &arg, name, sizeof(name));
		if (!o)
			continue; /* an unknown option: its argument, if any, reads as one */
		if (!arg && o->arg == SB_ARG_ONE && i + 1 < argc)
			arg = argv[++i];
		if (arg && strcmp(o->name, "report") == 0)
			*report = arg;
		else if (arg && strcmp(o->name, "meta") == 0)
			*meta = arg;
	}
}

void cli_usage(FILE *f)
{
	const char *group = NULL;
	size_t n;
	const struct sb_option *t = options_table(&n);

	fputs("usage: sandbox run [OPTIONS] [--] COMMAND [ARG...]\n"
	      "Every option is also a policy directive: the same word without '--'.\n"
	      "Options apply after the policies; sizes take K/M/G, times ms/s/m.\n",
	      f);
	for (size_t i = 0; i < n; i++) {
		char head[64];

		if (!group || strcmp(group, t[i].group) != 0) {
			group = t[i].group;
			fprintf(f, "\n%s:\n", group);
		}
		snprintf(head, sizeof(head), "--%s%s%s", t[i].name, t[i].metavar ? " " : "", t[i].metavar ? t[i].metavar : "");
		fprintf(f, "  %-32s %s\n", head, t[i].help);
	}
}
