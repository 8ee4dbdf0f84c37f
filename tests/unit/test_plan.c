/*
 * test_plan.c: plan.c's pure helpers: the command's environment
 * (plan_env), which the payload execs with and explain prints.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

static void add_env(struct sb_plan *p, const char *kv)
{
	cr_assert_eq(plan_strv_add(&p->env, &p->n_env, kv), 0);
}

Test(plan, env_keeps_the_last_value_of_each_name_in_order)
{
	char *caller[] = { "TERM=xterm", "HOME=/home/u", "TERM=vt100", "SECRET=x", NULL };
	struct sb_plan p;
	char **env;

	plan_init(&p);
	add_env(&p, "A=1");
	add_env(&p, "B=2");
	add_env(&p, "A=3");
	add_env(&p, "AB=4");
	cr_assert_eq(plan_strv_add(&p.keep_env, &p.n_keep_env, "TERM"), 0);
	cr_assert_eq(plan_strv_add(&p.keep_env, &p.n_keep_env, "MISSING"), 0);
	env = plan_env(&p, caller);
	cr_assert(env);
	cr_assert_str_eq(env[0], "PATH=" SB_DEFAULT_PATH);
	cr_assert_str_eq(env[1], "TERM=xterm"); /* the caller's first, as getenv */
	cr_assert_str_eq(env[2], "B=2");
	cr_assert_str_eq(env[3], "A=3");
	cr_assert_str_eq(env[4], "AB=4");
	cr_assert_null(env[5]);
	free(env);
	/* unset-env removes a name wherever it came from, the default PATH too. */
	cr_assert_eq(plan_strv_add(&p.unset_env, &p.n_unset_env, "PATH"), 0);
	cr_assert_eq(plan_strv_add(&p.unset_env, &p.n_unset_env, "A"), 0);
	env = plan_env(&p, caller);
	cr_assert_str_eq(env[0], "TERM=xterm");
	cr_assert_str_eq(env[1], "B=2");
	cr_assert_str_eq(env[2], "AB=4");
	cr_assert_null(env[3]);
	free(env);
	for (size_t i = 0; i < p.n_unset_env; i++)
		free(p.unset_env[i]);
	free(p.unset_env);
	p.unset_env = NULL;
	p.n_unset_env = 0;
	/* A PATH of the plan replaces the default one. */
	add_env(&p, "PATH=/bin");
	env = plan_env(&p, NULL);
	cr_assert_str_eq(env[0], "B=2");
	cr_assert_str_eq(env[3], "PATH=/bin");
	cr_assert_null(env[4]);
	free(env);
	plan_free(&p);
}

/* 400k "env" lines (a generated policy) cost 400k steps: the pairwise scan
 * this replaced moved 10^11 pointers and took minutes here. The timeout
 * is some 1000 times what the linear pass needs. */
Test(plan, env_of_400k_entries_is_built_in_linear_time, .timeout = 30)
{
	struct sb_plan p;
	char **env, kv[32];
	size_t n = 0;

	plan_init(&p);
	for (int i = 0; i < 400000; i++) {
		snprintf(kv, sizeof(kv), "V%d=%d", i % 1000, i);
		add_env(&p, kv);
	}
	env = plan_env(&p, NULL);
	cr_assert(env);
	while (env[n])
		n++;
	cr_assert_eq(n, 1001, "PATH and the 1000 distinct names");
	cr_assert_str_eq(env[1000], "V999=399999");
	free(env);
	plan_free(&p);
}
