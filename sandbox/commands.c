/*
 * commands.c: check, explain and policies. First version: check validates.
 */
#include "commands.h"

#include <stdio.h>

#include "cli.h"
#include "policy.h"
#include "report.h"

int cmd_check(int argc, char **argv)
{
	struct sb_err err = SB_ERR_INIT;
	int rc = 0;

	for (int i = 0; i < argc; i++) {
		struct sb_plan p;
		const struct sb_loc loc = { 0 };

		plan_init(&p);
		if (policy_load(&p, argv[i], &loc, &err) < 0 || plan_validate(&p, &err) < 0) {
			report_error(&err);
			rc = 125;
		}
		plan_free(&p);
	}
	return rc;
}

int cmd_explain(int argc, char **argv)
{
	(void)argc, (void)argv;
	fputs("sandbox: explain is not available yet\n", stderr);
	return 125;
}

int cmd_policies(int argc, char **argv)
{
	(void)argc, (void)argv;
	fputs("sandbox: policies is not available yet\n", stderr);
	return 125;
}
