/*
 * harness.h: run the built `sandbox` binary from Criterion tests, as the
 * unprivileged test user (rootless means rootless) or as root.
 *
 * Environment (set by tests/run.sh):
 *   SANDBOX_BIN       the binary, in a temp dir every user can read
 *   SANDBOX_TEST_UID  uid/gid to run as when the test process is root
 *   SANDBOX_TEST_GID
 *   SANDBOX_TESTDIR   that temp dir (helpers/, fixtures/, policies/ copied in)
 *   SANDBOX_HELPERS   dir of helper binaries (probe, ...)
 */
#pragma once

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SB_MAX_ARGS 128
#define SB_OUT_MAX (1 << 20)

struct sb_out {
	int status; /* exit code, or 128+signal */
	char out[SB_OUT_MAX]; /* stdout, NUL-terminated */
	char err[SB_OUT_MAX]; /* stderr, NUL-terminated */
	size_t out_len, err_len;
};

/* SB_AS_HOOK: sb_exec_hook runs in the child before exec (a test's own
 * way into the caller's place: a user namespace it set up, say). */
enum sb_as { SB_AS_USER, SB_AS_ROOT, SB_AS_HOOK };
static void (*sb_exec_hook)(void);

static inline const char *sb_env(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && *v ? v : def;
}

static inline const char *sb_bin(void)
{
	return sb_env("SANDBOX_BIN", "build/sandbox");
}

/* Path of a helper binary (tests/helpers/NAME.c) in a static buffer. */
static inline const char *sb_helper(const char *name)
{
	static char buf[8][4096];
	static int i;
	char *b = buf[i++ % 8];

	snprintf(b, 4096, "%s/%s", sb_env("SANDBOX_HELPERS", "build/tests/helpers"), name);
	return b;
}

static inline const char *sb_testdir(void)
{
	return sb_env("SANDBOX_TESTDIR", "/tmp");
}

static inline void sb_drop_to_user(void)
{
	uid_t uid = (uid_t)atoi(sb_env("SANDBOX_TEST_UID", "1001"));
	gid_t gid = (gid_t)atoi(sb_env("SANDBOX_TEST_GID", "1001"));

	if (getuid() != 0)
		return;
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0) {
		perror("drop to the test user");
		_exit(99);
	}
}

static inline void sb_drain(int fd, char *buf, size_t *len)
{
	ssize_t n;

	while (*len < SB_OUT_MAX - 1 && (n = read(fd, buf + *len, SB_OUT_MAX - 1 - *len)) > 0)
		*len += (size_t)n;
	buf[*len] = '\0';
}

/* Run argv (argv[0] is the program; NULL-terminated) with stdin from
 * stdin_path (NULL: /dev/null). Captures both outputs; waits up to
 * timeout_s seconds, then SIGKILLs it and fails the test. */
static inline void sb_exec(enum sb_as as, const char *const argv[], const char *stdin_path, int timeout_s,
			   struct sb_out *o)
{
	int po[2], pe[2];
	pid_t pid;

	memset(o, 0, sizeof(*o));
	cr_assert(pipe2(po, O_CLOEXEC) == 0 && pipe2(pe, O_CLOEXEC) == 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int in = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY);

		setpgid(0, 0);
		dup2(in, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		if (as == SB_AS_USER)
			sb_drop_to_user();
		else if (as == SB_AS_HOOK && sb_exec_hook)
			sb_exec_hook();
		if (chdir(sb_testdir()) < 0)
			_exit(98);
		execv(argv[0], (char *const *)argv);
		_exit(97);
	}
	close(po[1]);
	close(pe[1]);
	{
		struct pollfd pfd[2] = { { .fd = po[0], .events = POLLIN }, { .fd = pe[0], .events = POLLIN } };
		int open_fds = 2, waited = 0;

		while (open_fds > 0) {
			int r = poll(pfd, 2, 1000);

			if (r == 0 && ++waited >= timeout_s) {
				kill(-pid, SIGKILL);
				cr_assert_fail("'%s %s' did not finish in %d s", argv[0], argv[1] ? argv[1] : "", timeout_s);
			}
			for (int k = 0; k < 2; k++) {
				char *buf = k ? o->err : o->out;
				size_t *len = k ? &o->err_len : &o->out_len;
				ssize_t n;

				if (pfd[k].fd < 0 || !(pfd[k].revents & (POLLIN | POLLHUP)))
					continue;
				n = read(pfd[k].fd, buf + *len, SB_OUT_MAX - 1 - *len);
				if (n <= 0) {
					close(pfd[k].fd);
					pfd[k].fd = -1;
					open_fds--;
				} else {
					*len += (size_t)n;
					buf[*len] = '\0';
				}
			}
		}
	}
	{
		int st;

		waitpid(pid, &st, 0);
		o->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
}

/* sandbox run ARGS... as the test user: sb_run(&o, "--", "true", NULL). */
static inline void sb_vrun(enum sb_as as, struct sb_out *o, const char *first, va_list ap)
{
	const char *argv[SB_MAX_ARGS];
	size_t n = 0;

	argv[n++] = sb_bin();
	argv[n++] = "run";
	for (const char *a = first; a && n < SB_MAX_ARGS - 1; a = va_arg(ap, const char *))
		argv[n++] = a;
	argv[n] = NULL;
	sb_exec(as, argv, NULL, 60, o);
}

static inline void sb_run(struct sb_out *o, const char *first, ...)
{
	va_list ap;

	va_start(ap, first);
	sb_vrun(SB_AS_USER, o, first, ap);
	va_end(ap);
}

static inline void sb_run_root(struct sb_out *o, const char *first, ...)
{
	va_list ap;

	va_start(ap, first);
	sb_vrun(SB_AS_ROOT, o, first, ap);
	va_end(ap);
}

/* Any sandbox sub-command: sb_cmd(&o, "check", "judge", NULL). */
static inline void sb_cmd(struct sb_out *o, const char *first, ...)
{
	const char *argv[SB_MAX_ARGS];
	size_t n = 0;
	va_list ap;

	argv[n++] = sb_bin();
	va_start(ap, first);
	for (const char *a = first; a && n < SB_MAX_ARGS - 1; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	sb_exec(SB_AS_USER, argv, NULL, 60, o);
}

/* Assert helpers that print the captured output on failure. */
#define sb_assert_status(o, want)                                                                   \
	cr_assert_eq((o)->status, (want), "exit %d, want %d\nstdout: %s\nstderr: %s", (o)->status, \
		     (want), (o)->out, (o)->err)
#define sb_assert_out_has(o, s)                                                                    \
	cr_assert(strstr((o)->out, (s)) != NULL, "stdout lacks '%s'\nstdout: %s\nstderr: %s", (s), \
		  (o)->out, (o)->err)
#define sb_assert_err_has(o, s)                                                                    \
	cr_assert(strstr((o)->err, (s)) != NULL, "stderr lacks '%s'\nstdout: %s\nstderr: %s", (s), \
		  (o)->out, (o)->err)

/* Write a file in the test dir (readable by the test user); returns path. */
static inline const char *sb_write_file(const char *name, const char *text)
{
	static char buf[8][4096];
	static int i;
	char *path = buf[i++ % 8];
	FILE *f;

	snprintf(path, 4096, "%s/%s", sb_testdir(), name);
	f = fopen(path, "w");
	cr_assert(f, "write %s", path);
	fputs(text, f);
	fclose(f);
	chmod(path, 0644);
	return path;
}

/* A scratch directory owned by the test user. */
static inline const char *sb_user_dir(const char *name)
{
	static char buf[8][4096];
	static int i;
	char *path = buf[i++ % 8];

	snprintf(path, 4096, "%s/%s", sb_testdir(), name);
	mkdir(path, 0755);
	if (getuid() == 0 && chown(path, (uid_t)atoi(sb_env("SANDBOX_TEST_UID", "1001")),
				   (gid_t)atoi(sb_env("SANDBOX_TEST_GID", "1001"))) < 0)
		cr_assert_fail("chown %s", path);
	return path;
}

/* sandbox run --ro-bind HELPERS:/h --report - [opts...] -- cmd... as the
 * test user: the report lands in o->err after the command's stderr. */
static inline void sb_judged(struct sb_out *o, const char *const *opts, const char *const *cmd)
{
	const char *argv[SB_MAX_ARGS];
	char bind[4200];
	size_t n = 0;

	snprintf(bind, sizeof(bind), "%s:/h", sb_env("SANDBOX_HELPERS", "build/tests/helpers"));
	argv[n++] = sb_bin();
	argv[n++] = "run";
	argv[n++] = "--ro-bind";
	argv[n++] = bind;
	argv[n++] = "--report";
	argv[n++] = "-";
	for (; opts && *opts && n < SB_MAX_ARGS - 40; opts++)
		argv[n++] = *opts;
	argv[n++] = "--";
	for (; *cmd && n < SB_MAX_ARGS - 1; cmd++)
		argv[n++] = *cmd;
	argv[n] = NULL;
	sb_exec(SB_AS_USER, argv, NULL, 90, o);
}

/* The number after "KEY": in a JSON report's text. */
static inline double sb_json_num(const char *text, const char *key)
{
	char pat[64];
	const char *at;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	at = strstr(text, pat);
	cr_assert(at, "report lacks %s:\n%s", key, text);
	return atof(at + strlen(pat));
}

/* A file's text in a static buffer, or NULL. */
static inline char *sb_slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A process's start time (/proc/PID/stat field 22), 0 when it is gone: a
 * run's cgroup is named "sandbox-PID-START" after its launcher. */
static inline unsigned long long sb_start_time(long pid)
{
	char path[64], buf[1024], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}
