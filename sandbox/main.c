/*
 * main.c: argv -> plan -> launcher -> exit status. The only caller of exit().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "isolate.h"
#include "launcher.h"
#include "doctor.h"
#include "learn.h"
#include "oci_cmds.h"
#include "report.h"

#ifndef SB_VERSION
#define SB_VERSION "0.1.0"
#endif

static void usage(FILE *f)
{
	fputs("usage:\n"
	      "  sandbox run [OPTIONS] -- COMMAND [ARG...]   run one command in a sandbox\n"
	      "  sandbox check POLICY...                     validate policies, print the merged result\n"
	      "  sandbox explain [OPTIONS]                   print the plan without running anything\n"
	      "  sandbox explain syscalls                    list the @sets, the hardening, the constants\n"
	      "  sandbox seccomp-export [OPTIONS] > FILE     write the syscall filter as raw BPF\n"
	      "  sandbox policies                            list the policies found and where\n"
	      "  sandbox learn [OPTIONS] -o FILE -- CMD      run CMD with everything recorded, write a policy for it\n"
	      "  sandbox doctor [--json]                     what this host offers, each with its fix\n"
	      "  sandbox --version | --help | run --help\n",
	      f);
}

/* A run that failed before it started (bad options, a bad policy): any
 * result an earlier run left at the --report/--meta paths is replaced by
 * this error (status XX), so a judge never reads a stale verdict. The
 * paths come from the plan as far as it got, else from the command line. */
static void fail_results(int argc, char **argv, struct sb_plan *p, const struct sb_err *err)
{
	struct sb_result res = { .status = SB_ST_XX, .err = *err };
	struct sb_err e = SB_ERR_INIT;
	struct sb_report_out out;
	const char *report = NULL, *meta = NULL;

	cli_result_paths(argc, argv, &report, &meta);
	if (!p->report_path && report)
		p->report_path = strdup(report);
	if (!p->meta_path && meta)
		p->meta_path = strdup(meta);
	report_out_init(&out);
	if ((p->report_path || p->meta_path) && report_write(p, &res, &out, &e) < 0)
		report_error(&e);
	report_out_release(&out);
}

static int cmd_run(int argc, char **argv, unsigned closed_stdio)
{
	struct sb_plan p;
	struct sb_result res = { 0 };
	struct sb_err err = SB_ERR_INIT;
	struct sb_report_out out;
	int r, code;

	if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
		cli_usage(stdout);
		return 0;
	}
	if (argc >= 1 && strcmp(argv[0], "--list-policies") == 0)
		return cmd_policies(0, NULL);
	plan_init(&p);
	p.closed_stdio = closed_stdio;
	r = cli_parse(argc, argv, &p, false, &err);
	if (r == 0)
		r = plan_validate(&p, &err);
	if (r < 0) {
		report_error(&err);
		fail_results(argc, argv, &p, &err);
		plan_free(&p);
		return 125;
	}
	/* The result files must be writable before anything starts. */
	report_out_init(&out);
	r = report_out_open(&p, &out, &err);
	if (r < 0) {
		report_error(&err);
		plan_free(&p);
		return 125;
	}
	r = launcher_run(&p, &res, &err);
	if (r < 0)
		report_error(&err);
	report_verdict(&p, &res);
	code = report_exit_code(&res);
	if (report_write(&p, &res, &out, &err) < 0) {
		report_error(&err);
		code = 125;
	}
	report_out_release(&out);
	result_free(&res);
	plan_free(&p);
	return code;
}

/*
 * A caller may start us with 0, 1 or 2 closed. The first descriptors we
 * open (a signalfd, an OOM eventfd, a cgroup file) would then take those
 * numbers, and the output relay would take them for the caller's stdout:
 * a program's 8 bytes written into the OOM eventfd read as an OOM. Hold
 * each closed one with /dev/null before anything else opens a file.
 * Returns the closed ones as bits (1 << fd), for the report.
 */
static unsigned reserve_stdio(void)
{
	unsigned closed = 0;

	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		closed |= 1u << fd;
		/* open() returns the lowest free number: this one. */
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			_exit(125);
	}
	return closed;
}

/* Front ends chosen by the name the binary was started as (DESIGN.md:
 * "isolate ...", "sandbox-oci ..."): each turns its own command line into
 * the one plan and calls the launcher. A front end adds its row here. */
static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
} aliases[] = {
	{ "isolate", isolate_main },
	{ "sandbox-oci", oci_main },
	{ NULL, NULL },
};

static int by_argv0(int argc, char **argv)
{
	const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;

	base = base ? base + 1 : argc > 0 ? argv[0] : "";
	for (size_t i = 0; aliases[i].name; i++)
		if (strcmp(base, aliases[i].name) == 0)
			return aliases[i].main(argc, argv);
	return -1;
}

int main(int argc, char **argv)
{
	unsigned closed_stdio = reserve_stdio();
	int r = by_argv0(argc, argv);

	if (r >= 0)
		return r;
	if (argc < 2) {
		usage(stderr);
		return 125;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("sandbox %s\n", SB_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 2, argv + 2, closed_stdio);
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 2, argv + 2);
	if (strcmp(argv[1], "explain") == 0)
		return cmd_explain(argc - 2, argv + 2);
	if (strcmp(argv[1], "seccomp-export") == 0)
		return cmd_seccomp_export(argc - 2, argv + 2);
	if (strcmp(argv[1], "policies") == 0)
		return cmd_policies(argc - 2, argv + 2);
	if (strcmp(argv[1], "learn") == 0)
		return cmd_learn(argc - 2, argv + 2);
	if (strcmp(argv[1], "doctor") == 0)
		return cmd_doctor(argc - 2, argv + 2);
	fprintf(stderr, "sandbox: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 125;
}
