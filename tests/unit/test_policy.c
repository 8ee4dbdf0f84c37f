/*
 * test_policy.c: the policy parser (policy.c, policy_expand.c) through
 * fmemopen and temp files: every directive, every error class with its
 * exact message, includes and cycles, precedence and ${VAR} expansion.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "plan.h"
#include "policy.h"

static struct sb_plan plan;
static struct sb_err err;
static char tmp[256];

static void setup(void)
{
	plan_init(&plan);
	err = (struct sb_err)SB_ERR_INIT;
	snprintf(tmp, sizeof(tmp), "/tmp/test_policy.XXXXXX");
	cr_assert(mkdtemp(tmp));
	setenv("HOME", "/home/tester", 1);
	unsetenv("SANDBOX_POLICY_PATH");
}

static void teardown(void)
{
	char cmd[300];

	plan_free(&plan);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	cr_assert(system(cmd) == 0);
}

TestSuite(policy, .init = setup, .fini = teardown);

/* Parse text as t.policy; returns the parser's result. */
static int parse(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int r;

	cr_assert(f);
	r = policy_parse_stream(&plan, f, "t.policy", &err);
	fclose(f);
	return r;
}

static void parse_ok(const char *text)
{
	int r = parse(text);

	cr_assert_eq(r, 0, "parse failed: %s", err.msg);
}

/* The exact error message for text. */
static void parse_err(const char *text, const char *want)
{
	int r = parse(text);

	cr_assert_lt(r, 0, "parse of '%s' succeeded", text);
	cr_assert_str_eq(err.msg, want);
}

/* A file in the temp dir. */
static const char *file(const char *name, const char *text)
{
	static char path[8][512];
	static int i;
	char *p = path[i++ % 8];
	FILE *f;

	snprintf(p, 512, "%s/%s", tmp, name);
	f = fopen(p, "w");
	cr_assert(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static int load(const char *name)
{
	const struct sb_loc loc = { 0 };

	return policy_load(&plan, name, &loc, &err);
}

/* ---- format ---- */

Test(policy, comments_and_blank_lines)
{
	parse_ok("# a comment\n\n   \t\n  # indented comment\nhostname box # trailing comment\n"
		 "env A=b#c\r\n");
	cr_assert_str_eq(plan.hostname, "box");
	cr_assert_eq(plan.n_env, 1);
	cr_assert_str_eq(plan.env[0], "A=b#c", "a '#' inside a word is not a comment");
}

Test(policy, every_filesystem_directive)
{
	parse_ok("ro-bind /usr\nro-bind-try /opt:/o\nbind /srv:/data\nbind-try /x\noverlay /a:/b\n"
		 "tmpfs /tmp:size=64M,mode=1777\ndir /box\nsymlink usr/lib:/lib\nproc\ndev /dev\n"
		 "rootfs /srv/root\nchdir /box\nhostname judge\n");
	cr_assert_eq(plan.n_mounts, 10);
	cr_assert_eq(plan.mounts[0].kind, SB_MOUNT_RO_BIND);
	cr_assert_str_eq(plan.mounts[0].src, "/usr");
	cr_assert_str_eq(plan.mounts[0].dst, "/usr");
	cr_assert(plan.mounts[1].optional);
	cr_assert_str_eq(plan.mounts[1].dst, "/o");
	cr_assert_eq(plan.mounts[2].kind, SB_MOUNT_BIND);
	cr_assert_str_eq(plan.mounts[2].dst, "/data");
	cr_assert(plan.mounts[3].optional);
	cr_assert_eq(plan.mounts[4].kind, SB_MOUNT_OVERLAY);
	cr_assert_eq(plan.mounts[5].kind, SB_MOUNT_TMPFS);
	cr_assert_eq(plan.mounts[5].size, 64ULL << 20);
	cr_assert_eq(plan.mounts[5].mode, 01777);
	cr_assert_eq(plan.mounts[6].kind, SB_MOUNT_DIR);
	cr_assert_eq(plan.mounts[7].kind, SB_MOUNT_SYMLINK);
	cr_assert_str_eq(plan.mounts[7].src, "usr/lib");
	cr_assert_eq(plan.mounts[8].kind, SB_MOUNT_PROC);
	cr_assert_str_eq(plan.mounts[8].dst, "/proc");
	cr_assert_eq(plan.mounts[9].kind, SB_MOUNT_DEV);
	cr_assert_str_eq(plan.rootfs, "/srv/root");
	cr_assert_str_eq(plan.chdir, "/box");
	cr_assert_str_eq(plan.hostname, "judge");
	cr_assert_eq(plan.mounts[2].loc.line, 3);
	cr_assert_eq(plan.mounts[2].loc.col, 6);
	cr_assert_str_eq(plan.mounts[2].loc.file, "t.policy");
}

Test(policy, every_identity_network_process_directive)
{
	parse_ok("uid 1000\ngid 1001\nmap-to 100000\nnet host\ninteractive\nkeep-fd 3\n"
		 "env LANG=C.UTF-8\nkeep-env TERM\n");
	cr_assert_eq(plan.uid, 1000);
	cr_assert_eq(plan.gid, 1001);
	cr_assert(plan.map_to_set);
	cr_assert_eq(plan.map_to, 100000);
	cr_assert_eq(plan.net, SB_NET_HOST);
	cr_assert(plan.interactive);
	cr_assert_eq(plan.n_keep_fds, 1);
	cr_assert_eq(plan.keep_fds[0], 3);
	cr_assert_str_eq(plan.env[0], "LANG=C.UTF-8");
	cr_assert_str_eq(plan.keep_env[0], "TERM");
}

Test(policy, every_limit_directive)
{
	parse_ok("memory 256M\npids 32\ncpu-time 1.5s\nwall-time 2m\ncpus 0.5\ncpuset 0-1,3\n"
		 "output-limit 1G\nopen-files 64\nstack unlimited\nlimits best-effort\ncgroup-parent /sys/fs/cgroup/x\n");
	cr_assert_eq(plan.limits.memory, 256ULL << 20);
	cr_assert_eq(plan.limits.pids, 32);
	cr_assert_eq(plan.limits.cpu_time_us, 1500000);
	cr_assert_eq(plan.limits.wall_time_us, 120000000);
	cr_assert_eq(plan.limits.cpus_milli, 500);
	cr_assert_str_eq(plan.limits.cpuset, "0-1,3");
	cr_assert_eq(plan.limits.output_limit, 1ULL << 30);
	cr_assert_eq(plan.limits.open_files, 64);
	cr_assert(plan.limits.stack_unlimited);
	cr_assert(plan.limits.best_effort);
	cr_assert_str_eq(plan.limits.cgroup_parent, "/sys/fs/cgroup/x");
	parse_ok("processes 8\nstack 8M\nlimits strict\n");
	cr_assert_eq(plan.limits.pids, 8);
	cr_assert_eq(plan.limits.stack, 8ULL << 20);
	cr_assert(!plan.limits.stack_unlimited);
	cr_assert(!plan.limits.best_effort);
}

Test(policy, every_io_and_syscall_directive)
{
	parse_ok("stdin /in\nstdout /out\nstderr /err\nreport -\nmeta /meta\n"
		 "syscalls default deny\nsyscalls allow read write\nsyscalls-log\nseccomp-profile /p.json\n");
	cr_assert_str_eq(plan.stdin_path, "/in");
	cr_assert_str_eq(plan.stdout_path, "/out");
	cr_assert_str_eq(plan.stderr_path, "/err");
	cr_assert_str_eq(plan.report_path, "-");
	cr_assert_str_eq(plan.meta_path, "/meta");
	cr_assert(plan.sys_default_set);
	cr_assert_eq(plan.sys_default, SB_SYS_ERRNO);
	cr_assert_eq(plan.n_sysrules, 1);
	cr_assert_str_eq(plan.sysrules[0].names[1], "write");
	cr_assert(plan.syscalls_log);
	cr_assert_str_eq(plan.seccomp_profiles[0], "/p.json");
	parse_ok("stderr-to-stdout\nlandlock required\n");
	cr_assert(plan.stderr_to_stdout);
	cr_assert_eq(plan.landlock, SB_LANDLOCK_REQUIRED);
	parse_err("landlock maybe\n",
		  "t.policy:1:10: error: landlock: unknown landlock mode 'maybe' (expected auto, required or off)\n"
		  "     1 | landlock maybe\n"
		  "       |          ^");
}

/* ---- precedence ---- */

Test(policy, later_scalars_win_lists_accumulate)
{
	parse_ok("memory 1G\nenv A=1\nro-bind /a\nmemory 2G\nenv B=2\nro-bind /b\nnet host\nnet none\n");
	cr_assert_eq(plan.limits.memory, 2ULL << 30);
	cr_assert_eq(plan.n_env, 2);
	cr_assert_str_eq(plan.env[1], "B=2");
	cr_assert_eq(plan.n_mounts, 2);
	cr_assert_str_eq(plan.mounts[1].dst, "/b");
	cr_assert_eq(plan.net, SB_NET_NONE);
}

Test(policy, file_after_file_wins)
{
	const char *a = file("a.policy", "memory 1G\npids 10\nro-bind /a\n");
	const char *b = file("b.policy", "memory 2G\nro-bind /b\n");

	cr_assert_eq(load(a), 0, "%s", err.msg);
	cr_assert_eq(load(b), 0, "%s", err.msg);
	cr_assert_eq(plan.limits.memory, 2ULL << 30);
	cr_assert_eq(plan.limits.pids, 10);
	cr_assert_eq(plan.n_mounts, 2);
	cr_assert_eq(plan.n_policies, 2);
}

Test(policy, command_line_wins_over_policies)
{
	const char *a = file("a.policy", "memory 1G\nhostname file\n");
	char *argv[] = { "--memory", "3G", "--policy", (char *)a, "--hostname=cli", "--", "true", NULL };

	cr_assert_eq(cli_parse(7, argv, &plan, false, &err), 0, "%s", err.msg);
	cr_assert_eq(plan.limits.memory, 3ULL << 30, "the option given before --policy still wins");
	cr_assert_str_eq(plan.hostname, "cli");
	cr_assert_str_eq(plan.argv[0], "true");
}

Test(policy, cli_error_in_policy_file_is_not_wrapped)
{
	const char *a = file("a.policy", "memory lots\n");
	char *argv[] = { "--policy", (char *)a, "--", "true", NULL };
	char want[1024];

	cr_assert_lt(cli_parse(4, argv, &plan, false, &err), 0);
	snprintf(want, sizeof(want),
		 "%s:1:8: error: memory: 'lots' is not a size (expected a number with an optional K, M, G or T suffix, e.g. 256M)\n"
		 "     1 | memory lots\n"
		 "       |        ^",
		 a);
	cr_assert_str_eq(err.msg, want);
}

/* ---- errors, exact messages ---- */

Test(policy, unknown_directive_suggests)
{
	parse_err("ro-bind /usr\nmemroy 1G\n",
		  "t.policy:2:1: error: unknown directive 'memroy' (did you mean 'memory'?)\n"
		  "     2 | memroy 1G\n"
		  "       | ^");
}

Test(policy, unknown_directive_suggests_include)
{
	parse_err("inclde judge\n",
		  "t.policy:1:1: error: unknown directive 'inclde' (did you mean 'include'?)\n"
		  "     1 | inclde judge\n"
		  "       | ^");
}

Test(policy, unknown_directive_without_suggestion)
{
	parse_err("  frobnicate yes\n",
		  "t.policy:1:3: error: unknown directive 'frobnicate' (expected a 'sandbox run' option without '--', "
		  "see 'sandbox run --help')\n"
		  "     1 |   frobnicate yes\n"
		  "       |   ^");
}

Test(policy, command_line_spellings_get_a_hint)
{
	parse_err("--memory 1G\n",
		  "t.policy:1:1: error: unknown directive '--memory' (expected 'memory': directives are written without '--')\n"
		  "     1 | --memory 1G\n"
		  "       | ^");
	parse_err("memory=1G\n",
		  "t.policy:1:1: error: unknown directive 'memory=1G' (expected 'memory ARGUMENT': a blank, not '=', "
		  "separates the argument)\n"
		  "     1 | memory=1G\n"
		  "       | ^");
}

Test(policy, flag_with_argument)
{
	parse_err("interactive yes\n",
		  "t.policy:1:13: error: 'interactive' takes no argument (expected nothing after it)\n"
		  "     1 | interactive yes\n"
		  "       |             ^");
}

Test(policy, missing_argument)
{
	parse_err("memory   # none\n",
		  "t.policy:1:7: error: 'memory' needs an argument (expected SIZE|N%|unlimited)\n"
		  "     1 | memory   # none\n"
		  "       |       ^");
}

Test(policy, bad_size_suffix_column)
{
	parse_err("\tmemory  12Q\n",
		  "t.policy:1:12: error: memory: '12Q' has an unknown size suffix 'Q' (expected K, M, G or T)\n"
		  "     1 | \tmemory  12Q\n"
		  "       | \t          ^");
}

Test(policy, bad_time)
{
	parse_err("cpu-time 2 s\n",
		  "t.policy:1:11: error: cpu-time: '2 s' has an unknown time suffix ' s' (expected us, ms, s, m or h)\n"
		  "     1 | cpu-time 2 s\n"
		  "       |           ^");
}

Test(policy, bad_number)
{
	parse_err("pids 1O\n",
		  "t.policy:1:7: error: pids: '1O' is not a number (expected digits only)\n"
		  "     1 | pids 1O\n"
		  "       |       ^");
	parse_err("open-files 99999999999999999999999\n",
		  "t.policy:1:12: error: open-files: number '99999999999999999999999' is too large\n"
		  "     1 | open-files 99999999999999999999999\n"
		  "       |            ^");
}

Test(policy, bad_path)
{
	parse_err("bind relative/dir\n",
		  "t.policy:1:6: error: bind: path 'relative/dir' must be absolute (start with '/')\n"
		  "     1 | bind relative/dir\n"
		  "       |      ^");
	parse_err("bind /srv:/a/../b\n",
		  "t.policy:1:14: error: bind: path '/a/../b' contains '..' (write the path without it)\n"
		  "     1 | bind /srv:/a/../b\n"
		  "       |              ^");
	parse_err("bind /srv:\n",
		  "t.policy:1:11: error: bind: empty destination after ':' (expected SRC[:DST[:OPTIONS]])\n"
		  "     1 | bind /srv:\n"
		  "       |           ^");
}

Test(policy, bad_tmpfs_option_column)
{
	parse_err("tmpfs /tmp:mode=777,size=1X\n",
		  "t.policy:1:27: error: tmpfs: '1X' has an unknown size suffix 'X' (expected K, M, G or T)\n"
		  "     1 | tmpfs /tmp:mode=777,size=1X\n"
		  "       |                           ^");
	parse_err("tmpfs /tmp:sise=1M\n",
		  "t.policy:1:12: error: tmpfs: unknown tmpfs option 'sise=1M' (expected size=N, mode=OCTAL or noexec)\n"
		  "     1 | tmpfs /tmp:sise=1M\n"
		  "       |            ^");
}

Test(policy, bad_enum_values)
{
	parse_err("net wifi\n",
		  "t.policy:1:5: error: net: unknown network mode 'wifi' (expected none, host or user)\n"
		  "     1 | net wifi\n"
		  "       |     ^");
	parse_err("hostname a_b\n",
		  "t.policy:1:11: error: hostname: hostname 'a_b' may hold only letters, digits, '-' and '.'\n"
		  "     1 | hostname a_b\n"
		  "       |           ^");
	parse_err("limits loose\n",
		  "t.policy:1:8: error: limits: unknown limits mode 'loose' (expected strict or best-effort)\n"
		  "     1 | limits loose\n"
		  "       |        ^");
}

Test(policy, error_stops_at_first_bad_line)
{
	cr_assert_lt(parse("hostname one\nmemory x\nhostname two\n"), 0);
	cr_assert_str_eq(plan.hostname, "one", "nothing after the bad line is applied");
}

Test(policy, control_bytes_are_not_echoed)
{
	parse_err("bogus \x1b[31m\n",
		  "t.policy:1:1: error: unknown directive 'bogus' (expected a 'sandbox run' option without '--', "
		  "see 'sandbox run --help')\n"
		  "     1 | bogus ?[31m\n"
		  "       | ^");
}

Test(policy, long_line_keeps_caret_visible)
{
	char text[600];

	memset(text, 'a', sizeof(text));
	memcpy(text, "bind /", 6);
	memcpy(text + 300, "/../b", 5);
	text[400] = '\n';
	text[401] = '\0';
	cr_assert_lt(parse(text), 0);
	cr_assert(strncmp(err.msg, "t.policy:1:302: error: bind: path '/", 36) == 0, "%s", err.msg);
	cr_assert(strstr(err.msg, "\n     1 | ...aaaa") != NULL, "%s", err.msg);
	/* The caret sits under the '.' of '..', 60 columns into the window. */
	cr_assert(strstr(err.msg, "\n       |    " "                                                            ^") != NULL, "%s", err.msg);
}

/* ---- conflicts ---- */

Test(policy, conflicts_name_both_lines)
{
	parse_ok("stderr /e\nmemory 1M\nstderr-to-stdout\n");
	cr_assert_lt(plan_validate(&plan, &err), 0);
	cr_assert_str_eq(err.msg,
			 "'stderr' (t.policy:1:8) conflicts with 'stderr-to-stdout' (t.policy:3:1): keep only one");
}

Test(policy, conflict_same_file_for_stdout_and_stderr)
{
	parse_ok("stdout /o\nstderr /o\n");
	cr_assert_lt(plan_validate(&plan, &err), 0);
	cr_assert_str_eq(err.msg,
			 "'stdout' (t.policy:1:8) conflicts with 'stderr' (t.policy:2:8): keep only one"
			 " (hint: to send both to one file, write 'stdout FILE' and 'stderr-to-stdout')");
}

Test(policy, conflict_stdin_is_stdout)
{
	parse_ok("stdin /io\nstdout /io\n");
	cr_assert_lt(plan_validate(&plan, &err), 0);
	cr_assert_str_eq(err.msg, "'stdin' (t.policy:1:7) conflicts with 'stdout' (t.policy:2:8): keep only one");
}

/* ---- ${VAR} expansion ---- */

Test(policy, expands_fixed_variables_in_paths)
{
	char cwd[4096], want[4200];

	cr_assert(getcwd(cwd, sizeof(cwd)));
	parse_ok("bind ${HOME}/work:/w\nchdir ${PWD}\ntmpfs /run/${UID}\nro-bind /home/${USER}\n");
	cr_assert_str_eq(plan.mounts[0].src, "/home/tester/work");
	cr_assert_str_eq(plan.chdir, cwd);
	snprintf(want, sizeof(want), "/run/%u", (unsigned)getuid());
	cr_assert_str_eq(plan.mounts[1].dst, want);
	cr_assert(strncmp(plan.mounts[2].dst, "/home/", 6) == 0 && !strchr(plan.mounts[2].dst, '$'));
}

Test(policy, no_expansion_outside_paths)
{
	parse_ok("env DIR=${HOME}\nbind /a$b\n");
	cr_assert_str_eq(plan.env[0], "DIR=${HOME}", "env is not a path directive");
	cr_assert_str_eq(plan.mounts[0].src, "/a$b", "a '$' without '{' stays");
}

Test(policy, environment_is_not_a_variable_source)
{
	setenv("SECRET_DIR", "/secret", 1);
	parse_err("bind ${SECRET_DIR}\n",
		  "t.policy:1:6: error: unknown variable ${SECRET_DIR} (expected HOME, PWD, USER, UID or POLICY_DIR)\n"
		  "     1 | bind ${SECRET_DIR}\n"
		  "       |      ^");
}

Test(policy, bad_variable_syntax)
{
	parse_err("chdir /x/${HOME\n",
		  "t.policy:1:10: error: unterminated '${' (expected ${NAME})\n"
		  "     1 | chdir /x/${HOME\n"
		  "       |          ^");
	parse_err("chdir ${}\n",
		  "t.policy:1:7: error: bad variable name (expected HOME, PWD, USER, UID or POLICY_DIR)\n"
		  "     1 | chdir ${}\n"
		  "       |       ^");
}

Test(policy, column_maps_back_through_expansion)
{
	parse_err("bind ${HOME}/x:/b/../c\n",
		  "t.policy:1:19: error: bind: path '/b/../c' contains '..' (write the path without it)\n"
		  "     1 | bind ${HOME}/x:/b/../c\n"
		  "       |                   ^");
}

Test(policy, policy_dir_is_the_files_directory)
{
	const char *a = file("a.policy", "ro-bind ${POLICY_DIR}/app:/app\n");
	char want[600];

	cr_assert_eq(load(a), 0, "%s", err.msg);
	snprintf(want, sizeof(want), "%s/app", tmp);
	cr_assert_str_eq(plan.mounts[0].src, want);
}

Test(policy, policy_dir_undefined_for_streams_without_a_dir)
{
	parse_err("ro-bind ${POLICY_DIR}/x\n",
		  "t.policy:1:9: error: ${POLICY_DIR} has no value: this policy is not read from a file (a built-in copy)\n"
		  "     1 | ro-bind ${POLICY_DIR}/x\n"
		  "       |         ^");
}

/* ---- include ---- */

Test(policy, include_by_path_relative_to_the_file)
{
	const char *a;

	file("base.policy", "hostname base\nmemory 1G\n");
	a = file("a.policy", "include ./base.policy\nmemory 2G\n");
	cr_assert_eq(load(a), 0, "%s", err.msg);
	cr_assert_str_eq(plan.hostname, "base");
	cr_assert_eq(plan.limits.memory, 2ULL << 30, "lines after the include win");
	cr_assert_eq(plan.n_policies, 2);
}

Test(policy, include_by_name_uses_search_path)
{
	const char *a;

	setenv("SANDBOX_POLICY_PATH", tmp, 1);
	file("base.policy", "hostname fromdir\n");
	a = file("a.policy", "include base\n");
	cr_assert_eq(load(a), 0, "%s", err.msg);
	cr_assert_str_eq(plan.hostname, "fromdir");
}

Test(policy, include_builtin)
{
	parse_ok("include default\nhostname mine\n");
	cr_assert_gt(plan.n_mounts, 3);
	cr_assert_str_eq(plan.hostname, "mine");
	cr_assert_str_eq(plan.mounts[0].loc.file, "<builtin>/default.policy");
}

Test(policy, include_cycle_names_the_chain)
{
	char want[2048];

	file("a.policy", "hostname a\ninclude ./b.policy\n");
	file("b.policy", "include ./c.policy\n");
	file("c.policy", "\n\ninclude ./a.policy\n");
	snprintf(want, sizeof(want), "%s/a.policy", tmp);
	cr_assert_lt(load(want), 0);
	cr_assert_eq(errno == 0 ? ELOOP : ELOOP, err.errnum);
	snprintf(want, sizeof(want),
		 "%1$s/c.policy:3:9: error: include: include cycle: %1$s/a.policy -> %1$s/b.policy -> %1$s/c.policy -> %1$s/a.policy (a policy cannot include itself)\n"
		 "     3 | include ./a.policy\n"
		 "       |         ^\n"
		 "%1$s/b.policy:1:9: note: included from here\n"
		 "%1$s/a.policy:2:9: note: included from here",
		 tmp);
	cr_assert_str_eq(err.msg, want);
}

Test(policy, self_include_is_a_cycle)
{
	const char *a = file("a.policy", "include ${POLICY_DIR}/a.policy\n");

	cr_assert_lt(load(a), 0);
	cr_assert(strstr(err.msg, "include cycle:") != NULL, "%s", err.msg);
}

Test(policy, include_same_file_twice_is_not_a_cycle)
{
	const char *a;

	file("base.policy", "ro-bind /usr\n");
	a = file("a.policy", "include ./base.policy\ninclude ./base.policy\n");
	cr_assert_eq(load(a), 0, "%s", err.msg);
	cr_assert_eq(plan.n_mounts, 2);
}

Test(policy, include_not_found)
{
	setenv("SANDBOX_POLICY_PATH", tmp, 1);
	parse_ok("");
	cr_assert_lt(parse("include no-such-policy\n"), 0);
	cr_assert(strncmp(err.msg, "t.policy:1:9: error: include: policy 'no-such-policy' not found (looked for no-such-policy.policy in ",
			  strlen("t.policy:1:9: error: include: policy 'no-such-policy' not found (looked for no-such-policy.policy in ")) == 0,
		  "%s", err.msg);
	cr_assert(strstr(err.msg, tmp) != NULL);
}

Test(policy, error_inside_include_points_into_it)
{
	const char *a;
	char want[1024];

	file("base.policy", "# base\nmemory 1Z\n");
	a = file("a.policy", "include ./base.policy\n");
	cr_assert_lt(load(a), 0);
	snprintf(want, sizeof(want),
		 "%1$s/base.policy:2:9: error: memory: '1Z' has an unknown size suffix 'Z' (expected K, M, G or T)\n"
		 "     2 | memory 1Z\n"
		 "       |         ^\n"
		 "%1$s/a.policy:1:9: note: included from here",
		 tmp);
	cr_assert_str_eq(err.msg, want);
}

Test(policy, missing_file)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/none.policy", tmp);
	cr_assert_eq(load(path), -ENOENT);
	snprintf(path, sizeof(path), "policy '%s/none.policy': No such file or directory", tmp);
	cr_assert_str_eq(err.msg, path);
}

Test(policy, directory_is_not_a_policy)
{
	char want[600];

	cr_assert_eq(load(tmp), -EISDIR);
	snprintf(want, sizeof(want), "policy '%s' is a directory (expected a policy file)", tmp);
	cr_assert_str_eq(err.msg, want);
}

Test(policy, deep_but_acyclic_includes_are_bounded)
{
	char name[64], text[128];
	char *argv0;

	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "p%d.policy", i);
		snprintf(text, sizeof(text), "include ./p%d.policy\n", i + 1);
		file(name, text);
	}
	file("p40.policy", "hostname deep\n");
	argv0 = strdup(file("p0.policy", "include ./p1.policy\n"));
	cr_assert_lt(load(argv0), 0);
	cr_assert(strstr(err.msg, "includes nest deeper than 32") != NULL, "%s", err.msg);
	free(argv0);
}

/* Parse len bytes (NULs included) as t.policy. */
static int parse_n(const char *text, size_t len)
{
	FILE *f = fmemopen((void *)text, len, "r");
	int r;

	cr_assert(f);
	r = policy_parse_stream(&plan, f, "t.policy", &err);
	fclose(f);
	return r;
}

/* A NUL byte is an error at its line and column, wherever it is: it used
 * to cut the line ("ro-bind /usr\0:/etc/shadow" read as "ro-bind /usr")
 * or hide a whole line. */
Test(policy, nul_byte_is_an_error_with_line_and_column)
{
	static const char mid[] = "hostname a\nro-bind /usr\0:/etc/shadow\n";
	static const char start[] = "hostname a\n\0memory 1G\n";

	cr_assert_lt(parse_n(mid, sizeof(mid) - 1), 0);
	cr_assert_str_eq(err.msg, "t.policy:2:13: error: a NUL byte (expected text)\n"
				  "     2 | ro-bind /usr\n"
				  "       |             ^");
	cr_assert_eq(plan.n_mounts, 0, "nothing of the line was applied");
	cr_assert_lt(parse_n(start, sizeof(start) - 1), 0);
	cr_assert(strncmp(err.msg, "t.policy:2:1: error: a NUL byte", 31) == 0, "%s", err.msg);
}

/* A policy is short text: a huge line or file (check /dev/zero) stops with
 * a message instead of eating the memory. */
Test(policy, oversized_lines_and_files_are_refused)
{
	size_t n = SB_POLICY_LINE_MAX + 100, big = SB_POLICY_SIZE_MAX + 4096;
	char *text = malloc(big + 1);

	cr_assert(text);
	memcpy(text, "env A=", 6);
	memset(text + 6, 'x', n - 6);
	text[n] = '\n';
	cr_assert_lt(parse_n(text, n + 1), 0);
	cr_assert(strstr(err.msg, "t.policy:1:65537: error: line longer than 65536 bytes"), "%s", err.msg);
	for (size_t i = 0; i + 8 <= big; i += 8)
		memcpy(text + i, "# 45678\n", 8);
	plan_free(&plan);
	plan_init(&plan);
	cr_assert_lt(parse_n(text, big), 0);
	cr_assert(strstr(err.msg, "error: the policy and its includes exceed 16 MiB"), "%s", err.msg);
	free(text);
}
