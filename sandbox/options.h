/*
 * options.h: the one vocabulary. Every `sandbox run --NAME ARG` option is
 * the policy directive `NAME ARG`; both the command line (cli.c) and policy
 * files (policy.c) go through options_apply(). Pure: handlers only fill the
 * plan (the "policy" handler reads policy files).
 */
#pragma once

#include "plan.h"

enum sb_arg {
	SB_ARG_NONE, /* a flag: --interactive */
	SB_ARG_ONE, /* one argument: --memory 256M; a policy line's rest */
	SB_ARG_OPTIONAL, /* --proc or --proc=/p; a policy line's rest may be empty */
	SB_ARG_MAX,
};

struct sb_option {
	const char *name;
	enum sb_arg arg;
	bool path; /* argument holds paths: ${VAR} expansion applies in policies */
	bool multi; /* a list: each use adds an entry (binds, env, rules) */
	const char *metavar;
	const char *group;
	const char *help;
	int (*apply)(struct sb_plan *p, const char *arg, const struct sb_loc *loc, struct sb_err *err);
};

/* All options, in --help order; *n gets the count. */
const struct sb_option *options_table(size_t *n);

/* Find by long name (without "--"); NULL when unknown. */
const struct sb_option *options_find(const char *name);

/* The known name nearest to an unknown one, or NULL when nothing is close. */
const char *options_nearest(const char *name);

/* Apply one option. arg is NULL for SB_ARG_NONE (and an absent optional
 * argument). On error err->msg names the option; err->col may point into arg. */
int options_apply(struct sb_plan *p, const struct sb_option *o, const char *arg,
		  const struct sb_loc *loc, struct sb_err *err);
