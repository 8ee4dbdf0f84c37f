/*
 * isolate.c: the isolate front end's command line (isolate 1.10 / 2.x
 * options, long and short, as CMS and Judge0 send them; see
 * ../shared/ENGINES.md), its commands, and isolate's answers: exit status
 * 0 / 1 / 2, the meta file (report.c writes it for every front end), and
 * the status line on stderr. A --run only turns the options and the box
 * into the one plan (isolate_plan.c) and calls launcher_run(); the box
 * lifecycle is isolate_box.c. Runs as the caller, never as root.
 *
 * Where isolate and this front end differ, on purpose: --quota is refused
 * (it needs root); "tmp" rules are tmpfs; the default /dev is the core's
 * minimal one; --help exits 0; a bad time value is an error instead of 0.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "isolate.h"
#include "launcher.h"
#include "report.h"

#ifndef SB_VERSION
#define SB_VERSION "0.1.0"
#endif
/* The isolate release whose interface this front end follows. */
#define ISO_COMPAT "2.0"

enum {
	OPT_INIT = 256,
	OPT_RUN,
	OPT_CLEANUP,
	OPT_VERSION,
	OPT_HELP,
	OPT_PRINT_CG_ROOT,
	OPT_CG,
	OPT_CG_MEM,
	OPT_CG_TIMING,
	OPT_SHARE_NET,
	OPT_INHERIT_FDS,
	OPT_STDERR_TO_STDOUT,
	OPT_TTY_HACK,
	OPT_CORE,
	OPT_SPECIAL_FILES,
	OPT_WAIT,
	OPT_AS_UID,
	OPT_AS_GID,
};

static const char short_opts[] = "b:c:d:DeE:f:i:k:m:M:n:o:p::q:r:st:vw:x:";

static const struct option long_opts[] = {
	{ "as-uid", 1, NULL, OPT_AS_UID },
	{ "as-gid", 1, NULL, OPT_AS_GID },
	{ "box-id", 1, NULL, 'b' },
	{ "chdir", 1, NULL, 'c' },
	{ "cg", 0, NULL, OPT_CG },
	{ "cg-mem", 1, NULL, OPT_CG_MEM },
	/* An older fork's switches that Judge0 still passes: accepted, and
	 * the timing is the cgroup's whenever there is one. */
	{ "cg-timing", 0, NULL, OPT_CG_TIMING },
	{ "no-cg-timing", 0, NULL, OPT_CG_TIMING },
	{ "cleanup", 0, NULL, OPT_CLEANUP },
	{ "core", 1, NULL, OPT_CORE },
	{ "dir", 1, NULL, 'd' },
	{ "no-default-dirs", 0, NULL, 'D' },
	{ "env", 1, NULL, 'E' },
	{ "extra-time", 1, NULL, 'x' },
	{ "fsize", 1, NULL, 'f' },
	{ "full-env", 0, NULL, 'e' },
	{ "help", 0, NULL, OPT_HELP },
	{ "inherit-fds", 0, NULL, OPT_INHERIT_FDS },
	{ "init", 0, NULL, OPT_INIT },
	{ "mem", 1, NULL, 'm' },
	{ "meta", 1, NULL, 'M' },
	{ "open-files", 1, NULL, 'n' },
	{ "print-cg-root", 0, NULL, OPT_PRINT_CG_ROOT },
	{ "processes", 2, NULL, 'p' },
	{ "quota", 1, NULL, 'q' },
	{ "run", 0, NULL, OPT_RUN },
	{ "share-net", 0, NULL, OPT_SHARE_NET },
	{ "silent", 0, NULL, 's' },
	{ "special-files", 0, NULL, OPT_SPECIAL_FILES },
	{ "stack", 1, NULL, 'k' },
	{ "stderr", 1, NULL, 'r' },
	{ "stderr-to-stdout", 0, NULL, OPT_STDERR_TO_STDOUT },
	{ "stdin", 1, NULL, 'i' },
	{ "stdout", 1, NULL, 'o' },
	{ "time", 1, NULL, 't' },
	{ "tty-hack", 0, NULL, OPT_TTY_HACK },
	{ "verbose", 0, NULL, 'v' },
	{ "version", 0, NULL, OPT_VERSION },
	{ "wait", 0, NULL, OPT_WAIT },
	{ "wall-time", 1, NULL, 'w' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fputs("Usage: isolate [<options>] <command>\n\n"
	      "Options:\n"
	      "    --as-uid=<uid>\tPerform action on behalf of a given user (requires root)\n"
	      "    --as-gid=<gid>\tPerform action on behalf of a given group (requires root)\n"
	      "-b, --box-id=<id>\tWhen multiple sandboxes are used in parallel, each must get a unique ID\n"
	      "    --cg\t\tEnable use of control groups (the caller's delegated cgroup)\n"
	      "    --cg-mem=<size>\tLimit memory usage of the control group to <size> KB\n"
	      "-c, --chdir=<dir>\tChange directory to <dir> before executing the program\n"
	      "-d, --dir=<dir>\t\tMake a directory <dir> visible inside the sandbox\n"
	      "    --dir=<in>=<out>\tMake a directory <out> outside visible as <in> inside\n"
	      "    --dir=<in>=\t\tDelete a previously defined directory rule (even a default one)\n"
	      "    --dir=...:<opt>\tOptions for a rule: dev, fs (proc or tmpfs), maybe, noexec, norec, rw, tmp\n"
	      "-D, --no-default-dirs\tDo not add default directory rules\n"
	      "-f, --fsize=<size>\tMax size (in KB) of files that can be created\n"
	      "-E, --env=<var>\t\tInherit the environment variable <var> from the parent process\n"
	      "-E, --env=<var>=<val>\tSet the environment variable <var> to <val>; unset it if <val> is empty\n"
	      "-x, --extra-time=<time>\tSet extra timeout, before which a timing-out program is not yet killed\n"
	      "-e, --full-env\t\tInherit full environment of the parent process\n"
	      "    --inherit-fds\tInherit all file descriptors of the parent process\n"
	      "-m, --mem=<size>\tLimit address space to <size> KB\n"
	      "-M, --meta=<file>\tOutput process information to <file> (name:value)\n"
	      "-n, --open-files=<max>\tLimit number of open files to <max> (default: 64, 0=unlimited)\n"
	      "-q, --quota=<blk>,<ino>\tDisk quota (refused: needs root)\n"
	      "    --share-net\t\tShare network namespace with the parent process\n"
	      "-s, --silent\t\tDo not print status messages except for fatal errors\n"
	      "-k, --stack=<size>\tLimit stack size to <size> KB (default: 0=unlimited)\n"
	      "-r, --stderr=<file>\tRedirect stderr to <file>\n"
	      "    --stderr-to-stdout\tRedirect stderr to stdout\n"
	      "-i, --stdin=<file>\tRedirect stdin from <file>\n"
	      "-o, --stdout=<file>\tRedirect stdout to <file>\n"
	      "-p, --processes[=<max>]\tEnable multiple processes (at most <max> of them)\n"
	      "-t, --time=<time>\tSet run time limit (seconds, fractions allowed)\n"
	      "-v, --verbose\t\tBe verbose (use multiple times for even more verbosity)\n"
	      "    --wait\t\tIf the sandbox is currently busy, wait instead of refusing to run\n"
	      "-w, --wall-time=<time>\tSet wall clock time limit (seconds, fractions allowed)\n\n"
	      "Commands:\n"
	      "    --init\t\tInitialize sandbox\n"
	      "    --run -- <cmd> ...\tRun given command within sandbox\n"
	      "    --cleanup\t\tClean up sandbox\n"
	      "    --print-cg-root\tPrint the cgroup under which runs make theirs\n"
	      "    --version\t\tDisplay program version and configuration\n\n"
	      "Boxes live in $ISOLATE_BOX_ROOT, else box_root of the config file ($ISOLATE_CONFIG_FILE,\n"
	      "~/.config/sandbox/isolate.cf, /etc/sandbox/isolate.cf), else $XDG_RUNTIME_DIR/isolate.\n",
	      f);
}

/* A usage error: isolate's exit status 2, no meta file. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("Try `isolate --help' for more information.\n", stderr);
	return ISO_EXIT_ERROR;
}

int isolate_die(const struct iso_opts *o, const char *fmt, ...)
{
	struct sb_result res = { .status = SB_ST_XX };
	struct sb_plan p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res.err.msg, sizeof(res.err.msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", res.err.msg);
	if (o->meta_path) {
		struct sb_report_out out;
		struct sb_err e = SB_ERR_INIT;

		plan_init(&p);
		p.meta_path = (char *)(strcmp(o->meta_path, "-") == 0 ? "/dev/stdout" : o->meta_path);
		report_out_init(&out);
		if (report_write(&p, &res, &out, &e) < 0)
			fprintf(stderr, "%s\n", e.msg);
		report_out_release(&out);
		p.meta_path = NULL;
		plan_free(&p);
	}
	return ISO_EXIT_ERROR;
}

void isolate_msg(const struct iso_opts *o, const char *fmt, ...)
{
	va_list ap;

	if (!o->verbose)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* isolate's opt_uint: a decimal that fits a signed int. */
static bool opt_uint(const char *v, uint64_t *ret)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || x > INT_MAX)
		return false;
	*ret = x;
	return true;
}

/* Seconds with fractions, kept in milliseconds as isolate does. */
static bool opt_time(const char *v, uint64_t *ms)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(v, &end);
	if (errno || end == v || *end || !(x >= 0) || x > 1e9)
		return false;
	*ms = (uint64_t)(x * 1000.0 + 1e-6);
	return true;
}

static int set_cmd(struct iso_opts *o, enum iso_cmd c)
{
	if (o->cmd && o->cmd != c)
		return usage_error("Only one command is allowed.\n");
	o->cmd = c;
	return 0;
}

static int numeric_option(struct iso_opts *o, int c, const char *arg)
{
	uint64_t v;

	if (!opt_uint(arg, &v))
		return usage_error("Invalid numeric parameter: %s\n", arg);
	if (c == OPT_AS_UID || c == OPT_AS_GID)
		*(c == OPT_AS_UID ? &o->as_uid : &o->as_gid) = (long)v;
	else
		*(c == 'p' ? &o->processes : c == 'f' ? &o->fsize_kb : c == 'k' ? &o->stack_kb : c == 'm' ? &o->mem_kb :
		  c == 'n' ? &o->open_files : c == OPT_CG_MEM ? &o->cg_mem_kb : &o->core_kb) = v;
	return 0;
}

/* One option; 0, or ISO_EXIT_ERROR after a usage message. */
static int one_option(struct iso_opts *o, int c, const char *arg)
{
	uint64_t v;
	const char *why;

	switch (c) {
	case 'b':
		if (!opt_uint(arg, &v))
			return usage_error("Invalid box id: %s (expected 0 to %d)\n", arg, INT_MAX);
		o->box_id = (unsigned)v;
		return 0;
	case 'c': o->chdir = (char *)arg; return 0;
	case 'd':
		if (!iso_dir_rule(o, arg, 0, &why))
			return usage_error("Invalid directory rule specified: %s (%s)\n", arg, why);
		return 0;
	case 'D': o->default_dirs = false; return 0;
	case 'e': o->full_env = true; return 0;
	case 'E':
		if (!iso_env_rule(o, arg))
			return usage_error("Invalid environment specified: %s\n", arg);
		return 0;
	case 'i': o->stdin_path = (char *)arg; return 0;
	case 'o': o->stdout_path = (char *)arg; return 0;
	case 'r': o->stderr_path = (char *)arg; o->stderr_to_stdout = false; return 0;
	case OPT_STDERR_TO_STDOUT: o->stderr_path = NULL; o->stderr_to_stdout = true; return 0;
	case 'M': o->meta_path = (char *)arg; return 0;
	case 'p':
		if (!arg) {
			o->processes = 0;
			return 0;
		}
		__attribute__((fallthrough)); /* a number, like the others below */
	case 'f': case 'k': case 'm': case 'n': case OPT_CG_MEM: case OPT_CORE: case OPT_AS_UID: case OPT_AS_GID:
		return numeric_option(o, c, arg);
	case 't': case 'w': case 'x':
		if (!opt_time(arg, c == 't' ? &o->time_ms : c == 'w' ? &o->wall_ms : &o->extra_ms))
			return usage_error("Invalid time: %s (expected seconds, e.g. 1.5)\n", arg);
		return 0;
	case 'q': o->quota = true; return 0;
	case 's': o->silent++; return 0;
	case 'v': o->verbose++; return 0;
	case OPT_CG: o->cg = true; return 0;
	case OPT_SHARE_NET: o->share_net = true; return 0;
	case OPT_INHERIT_FDS: o->inherit_fds = true; return 0;
	case OPT_WAIT: o->wait = true; return 0;
	case OPT_CG_TIMING: case OPT_TTY_HACK: case OPT_SPECIAL_FILES: return 0;
	case OPT_INIT: return set_cmd(o, ISO_INIT);
	case OPT_RUN: return set_cmd(o, ISO_RUN);
	case OPT_CLEANUP: return set_cmd(o, ISO_CLEANUP);
	case OPT_VERSION: return set_cmd(o, ISO_VERSION);
	case OPT_HELP: return set_cmd(o, ISO_HELP);
	case OPT_PRINT_CG_ROOT: return set_cmd(o, ISO_PRINT_CG_ROOT);
	default: return usage_error("%s", "");
	}
}

static int parse(struct iso_opts *o, int argc, char **argv)
{
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) >= 0)
		if ((r = one_option(o, c, optarg)) != 0)
			return r;
	if (!o->cmd)
		return usage_error("Please specify an isolate command (e.g. --init, --run).\n");
	if (o->cg_mem_kb && !o->cg)
		return usage_error("Options related to control groups require --cg to be set.\n");
	if (o->cmd == ISO_RUN && optind >= argc)
		return usage_error("--run mode requires a command to run\n");
	if ((o->cmd == ISO_INIT || o->cmd == ISO_CLEANUP) && optind < argc)
		return usage_error("--%s mode takes no parameters\n", o->cmd == ISO_INIT ? "init" : "cleanup");
	o->argv = argv + optind;
	return 0;
}

/* isolate's line on stderr: the status message, "OK (...)" unless -s; an
 * error of the sandbox always. */
static int finish_run(const struct iso_opts *o, const struct sb_result *res)
{
	char msg[SB_ERR_MSG + 64];
	const char *st = report_isolate_status(res, msg, sizeof(msg));

	if (strcmp(st, "XX") == 0 || !o->silent)
		fprintf(stderr, "%s\n", msg);
	return strcmp(st, "OK") == 0 ? ISO_EXIT_OK : strcmp(st, "XX") == 0 ? ISO_EXIT_ERROR : ISO_EXIT_FAILED;
}

static int cmd_run(const struct iso_opts *o, struct iso_box *b)
{
	struct sb_report_out out;
	struct sb_result res = { 0 };
	struct sb_err err = SB_ERR_INIT;
	struct sb_plan p;
	int r;

	r = iso_box_lock_run(o, b);
	if (r)
		return r;
	plan_init(&p);
	r = iso_build_plan(o, b, &p);
	if (r) {
		plan_free(&p);
		return r;
	}
	/* The meta file must be writable before the program runs. */
	report_out_init(&out);
	if (report_out_open(&p, &out, &err) < 0) {
		report_out_release(&out);
		plan_free(&p);
		fprintf(stderr, "%s\n", err.msg);
		return ISO_EXIT_ERROR;
	}
	/* A root caller's box belongs to the per-box uid for the run, as in
	 * isolate; for the others the core hands it over ("own" bind). */
	if (b->root)
		iso_box_chown(b, b->owner, p.map_to, (gid_t)p.map_to, true);
	isolate_msg(o, "Running %s as uid %u inside\n", p.argv[0], (unsigned)p.uid);
	launcher_run(&p, &res, &err);
	report_verdict(&p, &res);
	if (b->root)
		iso_box_chown(b, p.map_to, b->owner, b->owner_gid, false);
	r = finish_run(o, &res);
	if (report_write(&p, &res, &out, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		r = ISO_EXIT_ERROR;
	}
	report_out_release(&out);
	result_free(&res);
	plan_free(&p);
	return r;
}

/* Where runs make their cgroups, decided as a run decides (cgroup_where:
 * nothing is created). */
static int cmd_print_cg_root(const struct iso_opts *o, const struct iso_box *b)
{
	struct sb_cgroup_where w;
	struct sb_plan p;

	plan_init(&p);
	p.limits.cgroup_mode = SB_CG_REQUIRED;
	p.limits.cgroup_parent = b->cf.cg_root[0] ? strdup(b->cf.cg_root) : NULL;
	cgroup_where(&p, &w);
	plan_free(&p);
	if (!w.usable)
		return isolate_die(o, "No cgroup for --cg: %s", w.why);
	printf("%s\n", w.parent);
	return 0;
}

static int cmd_version(const struct iso_opts *o)
{
	struct iso_box b;

	printf("The process isolator " ISO_COMPAT " (sandbox " SB_VERSION ", rootless front end)\n");
	if (iso_box_open(o, &b) == 0)
		printf("Box root: %s\nConfig: %s\nProgram ids: %s\n", b.cf.box_root, b.cf.source,
		       b.root ? "a per-box uid" : b.subids ? "your /etc/subuid range" : "yours (no /etc/subuid range)");
	return 0;
}

int isolate_main(int argc, char **argv)
{
	struct iso_opts o;
	struct iso_box b;
	int r;

	iso_opts_init(&o);
	r = parse(&o, argc, argv);
	if (r == 0 && o.cmd == ISO_HELP)
		usage(stdout);
	else if (r == 0 && o.cmd == ISO_VERSION)
		r = cmd_version(&o);
	else if (r == 0) {
		/* isolate's: files the program and the box make are 0644/0755. */
		umask(022);
		r = iso_box_open(&o, &b);
		if (r == 0 && o.cmd == ISO_INIT)
			r = iso_box_init(&o, &b);
		else if (r == 0 && o.cmd == ISO_CLEANUP)
			r = iso_box_cleanup(&o, &b);
		else if (r == 0 && o.cmd == ISO_RUN)
			r = cmd_run(&o, &b);
		else if (r == 0)
			r = cmd_print_cg_root(&o, &b);
		iso_box_close(&b);
	}
	iso_opts_free(&o);
	return r;
}
