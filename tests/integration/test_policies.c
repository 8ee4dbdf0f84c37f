/*
 * test_policies.c: each shipped policy runs a real program as the
 * unprivileged test user: a compiled C program under judge, python3 under
 * judge-interpreted, `make` of tests/fixtures/cproject under build, and a
 * static binary from its own read-only directory under tool.
 */
#include "harness.h"

/* Skip when this machine cannot run sandboxes as the test user at all
 * (user namespaces off): that is not what these tests are about. */
static void need_sandbox(void)
{
	struct sb_out *o = calloc(1, sizeof(*o));

	sb_run(o, "--", "/bin/true", NULL);
	if (o->status != 0)
		cr_skip_test("sandbox cannot run here: %s", o->err);
	free(o);
}

/* gcc on the host: fixture source -> dir/name, readable and runnable by all. */
static void compile(const char *fixture, const char *dir, const char *name, bool is_static)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "gcc %s -O2 -o '%s/%s' '%s/fixtures/%s' && chmod 755 '%s/%s'",
		 is_static ? "-static" : "", dir, name, sb_testdir(), fixture, dir, name);
	if (system(cmd) != 0)
		cr_skip_test("gcc could not build %s%s", fixture, is_static ? " statically" : "");
}

static bool has_line(const struct sb_out *o, const char *line)
{
	char want[512];

	snprintf(want, sizeof(want), "%s\n", line);
	return strncmp(o->out, want, strlen(want)) == 0 || (strstr(o->out, want) && strstr(o->out, want)[-1] == '\n');
}

#define assert_line(o, l) cr_assert(has_line((o), (l)), "stdout lacks line '%s'\nstdout: %s\nstderr: %s", (l), (o)->out, (o)->err)

Test(policies, judge_runs_a_compiled_submission, .timeout = 60)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	const char *box = sb_user_dir("judge-box");
	char bind[4200], answer[4200];
	FILE *f;

	need_sandbox();
	compile("judge-probe.c", box, "solution", false);
	snprintf(bind, sizeof(bind), "%s:/box", box);
	sb_run(o, "--policy", "judge", "--bind", bind, "--", "./solution", NULL);
	/* Killed by the judge's syscall filter at its AF_INET socket, last. */
	sb_assert_status(o, 128 + SIGSYS);
	assert_line(o, "cwd /box");
	assert_line(o, "box ok");
	assert_line(o, "tmp ok");
	assert_line(o, "usr Read-only file system");
	assert_line(o, "root Read-only file system");
	assert_line(o, "home absent");
	assert_line(o, "unix ok");
	cr_assert(!strstr(o->out, "net "), "the network socket was not killed: %s", o->out);
	snprintf(answer, sizeof(answer), "%s/answer.txt", box);
	f = fopen(answer, "r");
	cr_assert(f, "the submission's output file is in the box on the host");
	fclose(f);
	free(o);
}

Test(policies, judge_limits_are_rlimits_here, .timeout = 60)
{
	struct sb_out *o = calloc(1, sizeof(*o));

	need_sandbox();
	/* output-limit 64M and open-files 64 are rlimits: visible from inside. */
	sb_run(o, "--policy", "judge", "--", "/bin/sh", "-c", "ulimit -n; ulimit -f", NULL);
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "64\n");
	sb_assert_out_has(o, "131072\n"); /* 64M in 512-byte blocks */
	free(o);
}

Test(policies, judge_interpreted_runs_python, .timeout = 60)
{
	struct sb_out *o = calloc(1, sizeof(*o));

	need_sandbox();
	if (access("/usr/bin/python3", X_OK) != 0)
		cr_skip_test("no /usr/bin/python3 on this machine");
	sb_run(o, "--policy", "judge-interpreted", "--", "python3", "-c",
	       "import os, socket, subprocess, threading\n"
	       "print(sum(range(10)))\n"
	       "print('é'.upper())\n"
	       "try:\n    open('/usr/x', 'w')\nexcept OSError as e:\n    print('usr', e.strerror)\n"
	       "t = threading.Thread(target=print, args=('thread',)); t.start(); t.join()\n"
	       "print(subprocess.run(['echo', 'child'], capture_output=True, text=True).stdout, end='')\n"
	       "a, b = socket.socketpair(); print('socketpair ok', flush=True)\n"
	       "s = socket.socket()\n"
	       "print('not killed')\n",
	       NULL);
	sb_assert_status(o, 128 + SIGSYS);
	assert_line(o, "45");
	assert_line(o, "É");
	assert_line(o, "usr Read-only file system");
	assert_line(o, "thread");
	assert_line(o, "child");
	assert_line(o, "socketpair ok");
	cr_assert(!strstr(o->out, "not killed"), "%s", o->out);
	free(o);
}

Test(policies, build_makes_a_c_project_in_the_workspace, .timeout = 120)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	const char *proj = sb_user_dir("build-proj");
	char cmd[8192];

	need_sandbox();
	snprintf(cmd, sizeof(cmd), "cp -r '%s/fixtures/cproject/.' '%s/' && chown -R %s:%s '%s'", sb_testdir(), proj,
		 sb_env("SANDBOX_TEST_UID", "1001"), sb_env("SANDBOX_TEST_GID", "1001"), proj);
	cr_assert(getuid() != 0 || system(cmd) == 0, "copy the fixture project");
	if (getuid() != 0) {
		snprintf(cmd, sizeof(cmd), "cp -r '%s/fixtures/cproject/.' '%s/'", sb_testdir(), proj);
		cr_assert(system(cmd) == 0);
	}
	/* ${PWD} is the workspace: start the sandbox from the project dir. */
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && exec \"$SANDBOX_BIN\" run --policy build -- sh -c "
		 "'make && ./hello && pwd && (touch /usr/x 2>/dev/null && echo usr-writable || echo usr-ro)'",
		 proj);
	{
		const char *argv[] = { "/bin/sh", "-c", cmd, NULL };

		sb_exec(SB_AS_USER, argv, NULL, 110, o);
	}
	sb_assert_status(o, 0);
	assert_line(o, "built in the sandbox");
	assert_line(o, proj);
	assert_line(o, "usr-ro");
	snprintf(cmd, sizeof(cmd), "%s/hello", proj);
	cr_assert(access(cmd, X_OK) == 0, "the build's output stays in the workspace");
	free(o);
}

Test(policies, build_has_no_network_unless_asked, .timeout = 60)
{
	struct sb_out *o = calloc(1, sizeof(*o));

	need_sandbox();
	sb_run(o, "--policy", "build", "--", "/bin/sh", "-c", "cat /proc/net/dev | wc -l", NULL);
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "3\n"); /* two header lines and lo */
	free(o);
}

Test(policies, tool_runs_a_static_binary_from_its_own_dir, .timeout = 60)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	const char *dir = sb_user_dir("tool-dir");
	char bind[4200];

	need_sandbox();
	compile("tool-probe.c", dir, "tool", true);
	snprintf(bind, sizeof(bind), "%s:/app", dir);
	sb_run(o, "--policy", "tool", "--ro-bind", bind, "--", "/app/tool", NULL);
	sb_assert_status(o, 0);
	assert_line(o, "self found");
	assert_line(o, "own-dir Read-only file system");
	assert_line(o, "tmp ok");
	assert_line(o, "HOME /tmp");
	assert_line(o, "home absent");
	assert_line(o, "root-home absent");
	assert_line(o, "net Network is unreachable");
	free(o);
}

Test(policies, default_runs_a_shell, .timeout = 60)
{
	struct sb_out *o = calloc(1, sizeof(*o));

	need_sandbox();
	sb_run(o, "--policy", "default", "--", "/bin/sh", "-c", "echo hi; ls /home 2>&1 >/dev/null || echo nohome", NULL);
	sb_assert_status(o, 0);
	assert_line(o, "hi");
	assert_line(o, "nohome");
	free(o);
}
