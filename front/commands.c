/*
 * commands.c: the sub-commands besides run: check, explain, seccomp-export,
 * policies. Run
 * in the launcher process as the caller; they read policies and probe the
 * machine read-only, never create anything, and print (with check.c and
 * explain.c, the only printing code besides report.c).
 */
#include "commands.h"

#include <errno.h>
#include <linux/filter.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "explain.h"
#include "policy.h"
#include "policy_lookup.h"
#include "report.h"
#include "seccomp.h"
#include "seccomp_harden.h"

/* Exit status for a bad policy or option (DESIGN.md: sandbox error). */
#define EXIT_SETUP 125

/* Compile the syscall filter as 'run' would, so that what only shows when
 * it is built (an imported Docker/OCI profile's JSON, a filter too big for
 * the kernel) fails here too, not at the first run. */
static int check_filter(const struct sb_plan *p, struct sb_err *err)
{
	struct sb_seccomp s;
	int r;

	if (p->seccomp_off)
		return 0;
	r = seccomp_prepare(p, &s, err);
	seccomp_teardown(&s);
	return r < 0 ? sb_wrap(err, "syscall filter") : 0;
}

/* On stderr too, where a reader of the printed policy will see it. */
static void overruled_warning(void *ctx, const struct sb_harden *h, const struct sb_sysrule *r)
{
	char loc[600];

	(void)ctx;
	fprintf(stderr, "sandbox: %s: warning: 'syscalls %s %s' has no effect: the always-on hardening refuses %s; "
			"write 'syscalls unsafe-allow %s' to lift it\n",
		plan_loc_str(&r->loc, loc, sizeof(loc)), check_action_word(r->action), h->name, h->name, h->name);
}

/* The whole text first: a plan that cannot be printed faithfully prints
 * nothing rather than half a policy. */
static int print_checked(const struct sb_plan *p, struct sb_err *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	int r;

	if (!m)
		return sb_fail(err, errno, "open_memstream");
	r = check_print(m, p, err);
	fclose(m);
	if (r == 0)
		r = seccomp_overruled(p, overruled_warning, NULL, err);
	if (r == 0 && fwrite(text, 1, len, stdout) != len)
		r = sb_fail(err, errno, "write stdout");
	free(text);
	return r;
}

int cmd_check(int argc, char **argv)
{
	struct sb_err err = SB_ERR_INIT;
	const struct sb_loc loc = { 0 };
	struct sb_plan p;
	int r = 0;

	if (argc < 1 || strcmp(argv[0], "--help") == 0) {
		fputs("usage: sandbox check POLICY...\n"
		      "Validate the policies (names or paths), merged in order as --policy would,\n"
		      "and print the result as one policy. Exit 0 when valid, 125 when not.\n",
		      argc < 1 ? stderr : stdout);
		return argc < 1 ? EXIT_SETUP : 0;
	}
	/* All of them into one plan: the same merge `run --policy A --policy B` does. */
	plan_init(&p);
	for (int i = 0; i < argc && r == 0; i++)
		r = policy_load(&p, argv[i], &loc, &err);
	if (r == 0)
		r = plan_validate(&p, &err);
	if (r == 0)
		r = check_filter(&p, &err);
	if (r == 0)
		r = print_checked(&p, &err);
	if (r < 0)
		report_error(&err);
	plan_free(&p);
	return r < 0 ? EXIT_SETUP : 0;
}

static bool wants_help(int argc, char **argv)
{
	return argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0);
}

/* Build the plan 'sandbox run' would from the same options (the command is
 * optional), then act on it. Errors are printed; returns the exit status. */
static int with_run_plan(int argc, char **argv, int (*act)(const struct sb_plan *, struct sb_err *))
{
	struct sb_err err = SB_ERR_INIT;
	struct sb_plan p;
	int r;

	plan_init(&p);
	r = cli_parse(argc, argv, &p, true, &err);
	if (r == 0)
		r = plan_validate(&p, &err);
	if (r == 0)
		r = act(&p, &err);
	if (r < 0)
		report_error(&err);
	plan_free(&p);
	return r < 0 ? EXIT_SETUP : 0;
}

static int explain_plan(const struct sb_plan *p, struct sb_err *err)
{
	(void)err;
	explain_print(stdout, p);
	return 0;
}

int cmd_explain(int argc, char **argv)
{
	if (argc == 1 && strcmp(argv[0], "syscalls") == 0) {
		seccomp_explain(stdout); /* every @set, the hardening, the constants */
		return 0;
	}
	if (wants_help(argc, argv)) {
		fputs("usage: sandbox explain [RUN OPTIONS] [-- COMMAND...]\n"
		      "       sandbox explain syscalls\n"
		      "Print what 'sandbox run' with these options would set up, and which layers\n"
		      "this machine enforces, without creating anything. 'explain syscalls' lists\n"
		      "every @set with its members, the always-on hardening and the constants.\n",
		      stdout);
		return 0;
	}
	return with_run_plan(argc, argv, explain_plan);
}

/* The compiled filter, raw, for other tools: `bwrap --seccomp FD` takes
 * exactly this (make bench compares the two with the same rules). */
static int export_filter(const struct sb_plan *p, struct sb_err *err)
{
	struct sb_seccomp s;
	size_t len;
	int r;

	if (p->seccomp_off)
		return sb_failx(err, EINVAL, "seccomp-export: the plan has no filter ('seccomp off')");
	if (p->syscalls_log)
		return sb_failx(err, EINVAL, "seccomp-export: log mode needs the launcher's listener; export without --syscalls-log");
	if (isatty(STDOUT_FILENO))
		return sb_failx(err, EINVAL, "seccomp-export: stdout is a terminal; redirect it to a file");
	r = seccomp_prepare(p, &s, err);
	if (r == 0 && s.sock_fd[0] >= 0)
		r = sb_failx(err, EINVAL, "seccomp-export: a rule uses 'log', which needs the launcher's listener");
	len = s.prog_len * sizeof(struct sock_filter);
	if (r == 0 && fwrite(s.prog, 1, len, stdout) != len)
		r = sb_fail(err, errno, "seccomp-export: write stdout");
	seccomp_teardown(&s);
	return r;
}

int cmd_seccomp_export(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		fputs("usage: sandbox seccomp-export [RUN OPTIONS] > FILE\n"
		      "Write the syscall filter 'sandbox run' with these options would load, as raw\n"
		      "classic BPF (struct sock_filter[]), e.g. for bwrap --seccomp FD.\n",
		      stdout);
		return 0;
	}
	return with_run_plan(argc, argv, export_filter);
}

int cmd_policies(int argc, char **argv)
{
	struct sb_err err = SB_ERR_INIT;
	struct policy_entry *e;
	size_t n;

	(void)argv;
	if (argc > 0) {
		fputs("usage: sandbox policies\nList the policies found, where, and which shadows which.\n", stderr);
		return EXIT_SETUP;
	}
	if (policy_list(&e, &n, &err) < 0) {
		report_error(&err);
		return EXIT_SETUP;
	}
	printf("%-20s %-20s %s\n", "NAME", "FROM", "PATH");
	for (size_t i = 0; i < n; i++) {
		printf("%-20s %-20s %s", e[i].name, e[i].origin, e[i].path);
		if (e[i].shadowed_by >= 0)
			printf("  (shadowed by %s)", e[e[i].shadowed_by].path);
		putchar('\n');
	}
	policy_list_free(e, n);
	return 0;
}
