/*
 * test_learn.c: `sandbox learn` on the test helpers, as the test user (and
 * once as root): the learned policy passes check, runs the program with the
 * same output, and refuses what the program did not do while learning.
 * Work files live in a fresh directory under /var/tmp, because the base
 * policy's /tmp is a private tmpfs (learn must bind them in, not find them).
 */
#include "harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/socket.h>

static char work[256];

static void rm_rf(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* WORK/in/config.txt (sums to 42), WORK/in/other.txt, WORK/out (empty). */
static void setup(void)
{
	uid_t uid = (uid_t)atoi(sb_env("SANDBOX_TEST_UID", "1001"));
	gid_t gid = (gid_t)atoi(sb_env("SANDBOX_TEST_GID", "1001"));
	char path[400], cmd[800];
	FILE *f;

	snprintf(work, sizeof(work), "/var/tmp/sandbox-learn.XXXXXX");
	cr_assert(mkdtemp(work));
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/in' '%s/out'", work, work);
	cr_assert(system(cmd) == 0);
	snprintf(path, sizeof(path), "%s/in/config.txt", work);
	f = fopen(path, "w");
	cr_assert(f);
	fputs("apples 1\npears 2\nplums 39\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/in/other.txt", work);
	f = fopen(path, "w");
	cr_assert(f);
	fputs("not learned\n", f);
	fclose(f);
	if (getuid() == 0) {
		snprintf(cmd, sizeof(cmd), "chown -R %u:%u '%s' && chmod -R a+rX '%s'", (unsigned)uid, (unsigned)gid,
			 work, work);
		cr_assert(system(cmd) == 0);
	}
}

static void teardown(void)
{
	if (work[0])
		rm_rf(work);
}

TestSuite(learn, .init = setup, .fini = teardown, .timeout = 120);

/* WORK/NAME in a static buffer. */
static const char *w(const char *name)
{
	static char buf[8][512];
	static int i;
	char *b = buf[i++ % 8];

	snprintf(b, 512, "%s/%s", work, name);
	return b;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	cr_assert(f, "read %s", path);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void assert_has(const char *text, const char *s)
{
	cr_assert(strstr(text, s), "lacks '%s' in:\n%s", s, text);
}

static void assert_lacks(const char *text, const char *s)
{
	cr_assert(!strstr(text, s), "has '%s' in:\n%s", s, text);
}

/* learnprog CONFIG OUT [ARGS]: learned once into WORK/NAME. */
static void learn_c(struct sb_out *o, const char *policy, const char *extra1, const char *extra2)
{
	sb_cmd(o, "learn", "-o", w(policy), "--", sb_helper("learnprog"), w("in/config.txt"), w("out/result.txt"),
	       extra1, extra2, NULL);
}

static void run_c(struct sb_out *o, const char *policy, const char *extra1, const char *extra2)
{
	sb_run(o, "--policy", w(policy), "--", sb_helper("learnprog"), w("in/config.txt"), w("out/result.txt"), extra1,
	       extra2, NULL);
}

Test(learn, c_program_learned_policy_reruns_and_refuses_the_rest)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	char want[600], *text, *result;

	learn_c(o, "c.policy", NULL, NULL);
	sb_assert_status(o, 0);
	cr_assert_str_eq(o->out, "total 42\n");
	text = slurp(w("c.policy"));
	assert_has(text, "include default\n");
	snprintf(want, sizeof(want), "\nro-bind %s\n", w("in/config.txt"));
	assert_has(text, want); /* read only: a file */
	snprintf(want, sizeof(want), "\nbind %s\n", w("out"));
	assert_has(text, want); /* a file was created there: the directory, writable */
	snprintf(want, sizeof(want), "\nro-bind %s\n", sb_helper("learnprog"));
	assert_has(text, want);
	assert_has(text, "\nnet none\n");
	assert_has(text, "\nsyscalls default kill\n");
	assert_has(text, " openat ");
	assert_lacks(text, "getpriority");
	assert_lacks(text, "other.txt");
	assert_lacks(text, "unsafe-allow");
	assert_has(text, "# Learning is not enforcement");

	sb_cmd(o, "check", w("c.policy"), NULL);
	sb_assert_status(o, 0);

	unlink(w("out/result.txt"));
	run_c(o, "c.policy", NULL, NULL);
	sb_assert_status(o, 0);
	cr_assert_str_eq(o->out, "total 42\n");
	result = slurp(w("out/result.txt"));
	cr_assert_str_eq(result, "total 42\n");

	/* A syscall the learning run never made: killed (SIGSYS). */
	run_c(o, "c.policy", "extra-syscall", NULL);
	sb_assert_status(o, 128 + SIGSYS);
	/* A path it never used: not there. */
	run_c(o, "c.policy", "extra-path", w("in/other.txt"));
	sb_assert_status(o, 1);
	sb_assert_out_has(o, "extra-path: No such file or directory");
	free(result);
	free(text);
	free(o);
}

/* The policy text without the dates of its run lines. */
static void drop_dates(char *text)
{
	for (char *p = strstr(text, "# run "); p; p = strstr(p + 1, "# run ")) {
		char *colon = strstr(p, " UTC:");

		cr_assert(colon, "run line without a date: %.80s", p);
		memset(p + 6, 'D', (size_t)(colon - p - 6));
	}
}

Test(learn, learning_twice_gives_the_same_policy_but_the_date)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	char *a, *b;

	learn_c(o, "a.policy", NULL, NULL);
	sb_assert_status(o, 0);
	learn_c(o, "b.policy", NULL, NULL);
	sb_assert_status(o, 0);
	a = slurp(w("a.policy"));
	b = slurp(w("b.policy"));
	drop_dates(a);
	drop_dates(b);
	cr_assert_str_eq(a, b);
	free(a);
	free(b);
	free(o);
}

Test(learn, append_widens_the_policy)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	char *text;

	learn_c(o, "p.policy", NULL, NULL);
	sb_assert_status(o, 0);
	run_c(o, "p.policy", "extra-path", w("in/other.txt"));
	sb_assert_status(o, 1);

	/* Another input and another code path, merged in. */
	sb_cmd(o, "learn", "--append", "-o", w("p.policy"), "--", sb_helper("learnprog"), w("in/config.txt"),
	       w("out/result.txt"), "extra-path", w("in/other.txt"), NULL);
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "extra-path: read\n");
	sb_cmd(o, "learn", "--append", "-o", w("p.policy"), "--", sb_helper("learnprog"), w("in/config.txt"),
	       w("out/result.txt"), "extra-syscall", NULL);
	sb_assert_status(o, 0);

	text = slurp(w("p.policy"));
	cr_assert(strstr(text, "# run ") && strstr(strstr(strstr(text, "# run ") + 1, "# run ") + 1, "# run "),
		  "three run lines expected:\n%s", text);
	assert_has(text, "getpriority");
	sb_cmd(o, "check", w("p.policy"), NULL);
	sb_assert_status(o, 0);
	run_c(o, "p.policy", NULL, NULL);
	sb_assert_status(o, 0);
	cr_assert_str_eq(o->out, "total 42\n");
	run_c(o, "p.policy", "extra-path", w("in/other.txt"));
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "extra-path: read\n");
	run_c(o, "p.policy", "extra-syscall", NULL);
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "priority ");
	free(text);
	free(o);
}

Test(learn, python_threads_and_a_subprocess)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	char script[600], first[512], *text;

	if (access("/usr/bin/python3", X_OK) != 0)
		cr_skip_test("python3 is not installed");
	snprintf(script, sizeof(script), "%s/fixtures/learn/threads.py", sb_testdir());
	sb_cmd(o, "learn", "-o", w("py.policy"), "--", "python3", script, NULL);
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "[(1000, 499500), (2000, 1999000), (3000, 4498500)] from the child\n");
	snprintf(first, sizeof(first), "%s", o->out);

	text = slurp(w("py.policy"));
	/* threads: glibc's clone3 refused (ENOSYS), clone with thread flags */
	assert_has(text, "#   refused clone3 (ENOSYS)");
	assert_has(text, "syscalls allow clone if arg0 == CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|");
	assert_lacks(text, "unsafe-allow");
	sb_cmd(o, "check", w("py.policy"), NULL);
	sb_assert_status(o, 0);

	sb_run(o, "--policy", w("py.policy"), "--", "python3", script, NULL);
	sb_assert_status(o, 0);
	cr_assert_str_eq(o->out, first);
	/* A file the learning run did not read is not there. */
	sb_run(o, "--policy", w("py.policy"), "--", "python3", script, w("in/config.txt"), NULL);
	sb_assert_out_has(o, "cannot read: No such file or directory\n");
	free(text);
	free(o);
}

Test(learn, hardening_is_never_learned_away)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	char *text;

	sb_cmd(o, "learn", "-o", w("h.policy"), "--", sb_helper("sysprobe"), "ptrace", NULL);
	sb_assert_status(o, 0);
	cr_assert_str_eq(o->out, "errno 1\n"); /* EPERM while learning too */
	text = slurp(w("h.policy"));
	assert_has(text, "#   refused ptrace (EPERM): ");
	/* The policy's default (kill) would have ended the program; it keeps
	 * the EPERM it coped with. */
	assert_has(text, "\nsyscalls deny ptrace\n");
	assert_lacks(text, "unsafe-allow");
	sb_run(o, "--policy", w("h.policy"), "--", sb_helper("sysprobe"), "ptrace", NULL);
	sb_assert_status(o, 0);
	cr_assert_str_eq(o->out, "errno 1\n");
	free(text);
	free(o);
}

Test(learn, a_loopback_server_of_its_own_needs_no_network)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	char *text;

	sb_cmd(o, "learn", "-o", w("n.policy"), "--", sb_helper("netprog"), "self", NULL);
	sb_assert_status(o, 0);
	cr_assert_str_eq(o->out, "pong:ping\n");
	text = slurp(w("n.policy"));
	assert_has(text, "\nnet none\n");
	assert_lacks(text, "allow-net");
	assert_has(text, "\nsyscalls allow socket if arg0 == AF_INET\n");
	sb_run(o, "--policy", w("n.policy"), "--", sb_helper("netprog"), "self", NULL);
	sb_assert_status(o, 0);
	cr_assert_str_eq(o->out, "pong:ping\n");
	/* Another socket family than the one learned: killed. */
	sb_run(o, "--policy", w("n.policy"), "--", sb_helper("netprog"), "client", "::1", "9", NULL);
	sb_assert_status(o, 128 + SIGSYS);
	free(text);
	free(o);
}

/* A server on the host's loopback answering "pong:" + what it reads, in a
 * child process; returns its port. */
static int host_server(pid_t *pid)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert(ls >= 0 && bind(ls, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(ls, 4) == 0);
	cr_assert(getsockname(ls, (struct sockaddr *)&a, &len) == 0);
	*pid = fork();
	cr_assert(*pid >= 0);
	if (*pid == 0) {
		for (;;) {
			char buf[64], out[80];
			int c = accept(ls, NULL, NULL);
			ssize_t n = c >= 0 ? read(c, buf, sizeof(buf) - 1) : -1;

			if (n < 0)
				_exit(1);
			buf[n] = '\0';
			snprintf(out, sizeof(out), "pong:%s", buf);
			if (write(c, out, strlen(out)) < 0)
				_exit(1);
			close(c);
		}
	}
	close(ls);
	return ntohs(a.sin_port);
}

/* A server on the host's loopback: learning shares the host's network,
 * where the name host-loopback is 127.0.0.1 as --net user makes it the
 * host's loopback; the learned policy says net user and allows exactly
 * that port, and the same command line then works under it. */
Test(learn, a_host_loopback_server_becomes_an_allow_net_line)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	char port[16], want[64], *text;
	pid_t server;

	snprintf(port, sizeof(port), "%d", host_server(&server));
	sb_cmd(o, "learn", "-o", w("h.policy"), "--", sb_helper("netprog"), "client", "host-loopback", port, NULL);
	sb_assert_status(o, 0);
	cr_assert_str_eq(o->out, "pong:ping\n");
	text = slurp(w("h.policy"));
	snprintf(want, sizeof(want), "\nallow-net host-loopback:%s\n", port);
	assert_has(text, want);
	assert_has(text, "\nnet user\n");
	assert_lacks(text, "/udp"); /* getaddrinfo's source-address probe needs no rule */
	sb_cmd(o, "check", w("h.policy"), NULL);
	sb_assert_status(o, 0);
	/* --net user needs pasta and a default route: doctor says whether
	 * this machine has them. */
	sb_cmd(o, "doctor", "--json", NULL);
	if (!strstr(o->out, "\"net_helper\": {\"state\": \"ok\"")) {
		kill(server, SIGKILL);
		waitpid(server, NULL, 0);
		cr_skip_test("--net user cannot run here (see sandbox doctor): the rerun under the policy is not tried");
	}
	sb_run(o, "--policy", w("h.policy"), "--", sb_helper("netprog"), "client", "host-loopback", port, NULL);
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	sb_assert_status(o, 0);
	cr_assert_str_eq(o->out, "pong:ping\n");
	free(text);
	free(o);
}

Test(learn, as_root)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	const char *argv[] = { sb_bin(), "learn", "-o", w("r.policy"), "--", sb_helper("learnprog"),
			       w("in/config.txt"), w("out/root.txt"), NULL };
	const char *run[] = { sb_bin(), "run", "--policy", w("r.policy"), "--", sb_helper("learnprog"),
			      w("in/config.txt"), w("out/root.txt"), NULL };

	if (getuid() != 0)
		cr_skip_test("needs root");
	chmod(w("out"), 0777); /* a root caller runs as the unprivileged map-to uid */
	sb_exec(SB_AS_ROOT, argv, NULL, 60, o);
	sb_assert_status(o, 0);
	cr_assert_str_eq(o->out, "total 42\n");
	sb_exec(SB_AS_ROOT, run, NULL, 60, o);
	sb_assert_status(o, 0);
	cr_assert_str_eq(o->out, "total 42\n");
	free(o);
}

Test(learn, bad_usage_fails_before_running)
{
	struct sb_out *o = calloc(1, sizeof(*o));

	sb_cmd(o, "learn", "--", sb_helper("learnprog"), NULL);
	sb_assert_status(o, 125);
	sb_assert_err_has(o, "give -o FILE");
	sb_cmd(o, "learn", "--syscalls", "deny ptrace", "-o", w("x.policy"), "--", "true", NULL);
	sb_assert_status(o, 125);
	sb_assert_err_has(o, "--syscalls: learn writes the syscall rules itself");
	sb_cmd(o, "learn", "--append", "-o", w("in/config.txt"), "--", "true", NULL);
	sb_assert_status(o, 125);
	sb_assert_err_has(o, "not a policy sandbox learn wrote");
	sb_cmd(o, "learn", "-o", w("x.policy"), "--", "/nonexistent/cmd", NULL);
	sb_assert_status(o, 127);
	cr_assert(access(w("x.policy"), F_OK) != 0, "a policy was written for a run that never started");
	free(o);
}

Test(learn, a_long_program_ends_at_its_wall_time_and_is_still_learned)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	char script[700], want[600], *text;

	snprintf(script, sizeof(script), "cat %s; exec sleep 60", w("in/config.txt"));
	sb_cmd(o, "learn", "--wall-time", "500ms", "-o", w("l.policy"), "--", "/bin/sh", "-c", script, NULL);
	sb_assert_status(o, 128 + SIGKILL); /* the wall-time limit ended it */
	sb_assert_out_has(o, "plums 39\n");
	text = slurp(w("l.policy"));
	assert_has(text, "\nwall-time 500ms\n"); /* the run's own options are kept */
	snprintf(want, sizeof(want), "\nro-bind %s\n", w("in/config.txt"));
	assert_has(text, want);
	assert_has(text, "nanosleep"); /* or clock_nanosleep */
	free(text);
	free(o);
}

/* --errno: what was not learned fails with EPERM instead of a kill. */
Test(learn, errno_instead_of_kill)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	char *text;

	sb_cmd(o, "learn", "--errno", "-o", w("e.policy"), "--", sb_helper("learnprog"), w("in/config.txt"),
	       w("out/result.txt"), NULL);
	sb_assert_status(o, 0);
	text = slurp(w("e.policy"));
	assert_has(text, "\nsyscalls default errno EPERM\n");
	run_c(o, "e.policy", "extra-syscall", NULL);
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "priority -1\n"); /* getpriority refused, not fatal */
	free(text);
	free(o);
}

/* An interactive program (its terminal kept): stdin reaches it while
 * learning and under the learned policy alike. */
Test(learn, interactive_program)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	const char *in = sb_write_file("learn-stdin.txt", "hello\n");
	const char *learn[] = { sb_bin(), "learn", "--interactive", "-o", w("i.policy"), "--", "/bin/sh", "-c",
				"read a; echo got $a", NULL };
	const char *run[] = { sb_bin(), "run", "--policy", w("i.policy"), "--", "/bin/sh", "-c", "read a; echo got $a",
			      NULL };
	char *text;

	sb_exec(SB_AS_USER, learn, in, 60, o);
	sb_assert_status(o, 0);
	cr_assert_str_eq(o->out, "got hello\n");
	text = slurp(w("i.policy"));
	assert_has(text, "\ninteractive\n");
	sb_exec(SB_AS_USER, run, in, 60, o);
	sb_assert_status(o, 0);
	cr_assert_str_eq(o->out, "got hello\n");
	free(text);
	free(o);
}

/*
 * The learning run shows the host's /tmp through an overlay; the kernel
 * refuses overlayfs in a user namespace over a directory with mounts
 * beneath it (another program's mount under /tmp). Learning then goes on
 * with the empty /tmp a normal run gets (it used to fail with EINVAL).
 */
Test(learn, a_mount_under_the_hosts_tmp_does_not_stop_learning)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	char sub[128];

	if (getuid() != 0)
		cr_skip_test("needs root to mount under /tmp");
	snprintf(sub, sizeof(sub), "/tmp/sandbox-learn-mnt.XXXXXX");
	cr_assert(mkdtemp(sub));
	cr_assert(mount("none", sub, "tmpfs", 0, "size=1M") == 0, "mount a tmpfs at %s", sub);
	learn_c(o, "m.policy", NULL, NULL);
	umount(sub);
	rmdir(sub);
	sb_assert_status(o, 0);
	cr_assert_str_eq(o->out, "total 42\n");
	free(o);
}
