/*
 * payload.c: the last process of the chain, forked by init inside every
 * namespace. Runs the order of STYLE.md section 2 and ends in execve:
 * session, keyring, stdio, rlimits, chdir, capabilities, no_new_privs,
 * descriptors, environment, seccomp (last), exec.
 * Holds all capabilities of the sandbox's user namespace until caps_child.
 */
#include "payload.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "layers.h"
#include "sync.h"
#include "syscalls.h"
#include "util.h"

static bool kept(const struct sb_plan *p, int fd)
{
	for (size_t i = 0; i < p->n_keep_fds; i++)
		if (p->keep_fds[i] == fd)
			return true;
	return false;
}

/* Mark every fd >= 3 close-on-exec except the kept ones (crun's
 * mark_or_close_fds_ge_than); fall back to walking /proc/self/fd. */
static int fds_cloexec(const struct sb_plan *p, struct sb_err *err)
{
	for (size_t i = 0; i < p->n_keep_fds; i++) {
		int fd = p->keep_fds[i];
		int fl = fcntl(fd, F_GETFD);

		if (fl < 0)
			return sb_fail(err, errno, "keep-fd %d: not an open descriptor", fd);
		if (fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
			return sb_fail(err, errno, "keep-fd %d", fd);
	}
	if (p->n_keep_fds == 0 && sys_close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (!d) {
		/* No /proc inside: mark a generous range by hand. */
		for (int fd = 3; fd < 65536; fd++)
			if (!kept(p, fd))
				fcntl(fd, F_SETFD, FD_CLOEXEC);
		return 0;
	}
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);

		if (fd >= 3 && fd != dirfd(d) && !kept(p, fd))
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	closedir(d);
	return 0;
}

/*
 * The wall clock starts now, and the CPU used so far (init's and ours) is
 * set-up, not the command's: measured here and sent along, because the
 * launcher may read the message late on a loaded machine, and anything it
 * measured then would count or drop the command's first milliseconds.
 */
static void report_exec(const struct sb_plan *p, int sync_fd)
{
	uint64_t cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	clockid_t init_clock;

	if (clock_getcpuclockid(getppid(), &init_clock) == 0)
		cpu += clock_ns(init_clock);
	sync_send_exec(sync_fd, timens_host_monotonic(p, clock_ns(CLOCK_MONOTONIC)), cpu, cgroup_cpu_outside_ns());
}

static int setup_stdio(const struct payload_io *io, struct sb_err *err)
{
	for (int target = 0; target < 3; target++) {
		int fd = io->fd[target];

		if (fd < 0)
			continue;
		if (dup2(fd, target) < 0)
			return sb_fail(err, errno, "redirect fd %d", target);
	}
	return 0;
}

/* One --stdin/--stdout/--stderr path, opened by the command's uid inside
 * the new root: RESOLVE_IN_ROOT keeps every symlink (a contestant's
 * planted /box/out -> /etc/passwd) inside the sandbox, and no /proc magic
 * link reopens one of our descriptors. Without openat2 (before 5.6) the
 * last component may not be a symlink at all. A relative path starts in
 * the working directory. */
static int open_inside(const struct sb_plan *p, const char *path, int target, struct sb_err *err)
{
	int flags = (target == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC) | O_CLOEXEC | O_NOCTTY;
	/* openat2 refuses a mode without O_CREAT. */
	struct sb_open_how how = { .flags = (uint64_t)flags, .mode = target ? 0666 : 0,
				   .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	char full[4096];
	int root, fd;

	if (path[0] != '/') {
		snprintf(full, sizeof(full), "%s/%s", p->chdir && strcmp(p->chdir, "/") ? p->chdir : "", path);
		path = full;
	}
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	fd = root < 0 ? -1 : sys_openat2(root, path, &how);
	if (fd < 0 && errno == ENOSYS)
		fd = open(path, flags | O_NOFOLLOW, 0666);
	if (fd < 0)
		sb_fail(err, errno, "open(\"%s\")", path);
	if (root >= 0)
		close(root);
	if (fd < 0)
		return -err->errnum;
	if (fd != target && dup2(fd, target) < 0)
		return sb_fail(err, errno, "redirect fd %d", target);
	if (fd != target)
		close(fd);
	return 0;
}

static int stdio_inside(const struct sb_plan *p, struct sb_err *err)
{
	const char *paths[3] = { p->stdin_path, p->stdout_path, p->stderr_path };
	int r;

	if (!p->stdio_inside)
		return 0;
	for (int i = 0; i < 3; i++)
		if (paths[i] && (r = open_inside(p, paths[i], i, err)) < 0)
			return r;
	if (p->stderr_to_stdout && dup2(1, 2) < 0)
		return sb_fail(err, errno, "--stderr-to-stdout");
	return 0;
}

static int reset_signals(struct sb_err *err)
{
	sigset_t none;

	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		return sb_fail(err, errno, "reset the signal mask");
	return 0;
}

/* A terminal init set up (OCI's, --interactive's): the first standard
 * stream on it (fd 0 unless --stdin redirects it) makes it the
 * controlling terminal of the new session. */
static int take_terminal(const struct payload_io *io, struct sb_err *err)
{
	int fd = 0;

	while (io->ctty && fd < 2 && !isatty(fd))
		fd++;
	if (io->ctty && ioctl(fd, TIOCSCTTY, 0) < 0)
		return sb_fail(err, errno, "make the terminal the controlling one");
	return 0;
}

/* Settings an OCI config may add: umask and the OOM score. */
static int process_settings(const struct sb_plan *p, struct sb_err *err)
{
	char v[16];
	int fd, n;

	if (p->umask >= 0)
		umask((mode_t)p->umask);
	if (!p->oom_score_adj_set)
		return 0;
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	n = snprintf(v, sizeof(v), "%d", p->oom_score_adj);
	if (fd < 0 || write(fd, v, (size_t)n) != n) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return sb_fail(err, e, "set oom_score_adj %d", p->oom_score_adj);
	}
	close(fd);
	return 0;
}

static int prepare(const struct sb_plan *p, const struct payload_io *io, struct sb_err *err)
{
	int r;

	if (!io->orphan && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return sb_fail(err, errno, "set the parent-death signal");
	/* A new session: no controlling terminal to inject keystrokes into
	 * (TIOCSTI) or to signal the caller's job through; a terminal of the
	 * sandbox's own (OCI's, --interactive's) becomes its terminal below. */
	if (setsid() < 0)
		return sb_fail(err, errno, "start a new session");
	/* A fresh session keyring so the caller's keys are out of reach. */
	if (sys_join_new_session_keyring() < 0 && errno != ENOSYS)
		return sb_fail(err, errno, "join a new session keyring");
	r = setup_stdio(io, err);
	if (r == 0)
		r = take_terminal(io, err);
	if (r == 0)
		r = reset_signals(err);
	if (r == 0)
		r = limits_child(p, err);
	if (r == 0)
		r = process_settings(p, err);
	if (r < 0)
		return r;
	/* The command's own ids before anything it opens or enters, so
	 * permission bits apply to it as to any other user. */
	r = userns_drop(p, err);
	if (r < 0)
		return r;
	if (chdir(p->chdir ? p->chdir : "/") < 0) {
		r = sb_fail(err, errno, "chdir '%s'", p->chdir ? p->chdir : "/");
		sb_hint(err, "the directory must exist inside the sandbox: bind it or create it with --dir");
		return r;
	}
	return stdio_inside(p, err);
}

/*
 * Capabilities, no_new_privs, Landlock, descriptors, environment and
 * seccomp, in the order STYLE.md gives: seccomp last, right before
 * execve. Without no_new_privs (an OCI config's noNewPrivileges false),
 * Landlock and seccomp need CAP_SYS_ADMIN, so they come before the
 * capability drop (runc does the same); the filter must then allow the
 * few calls that follow it (capset, setresuid, prctl, close_range).
 */
static int lock_down(const struct sb_plan *p, struct sb_seccomp *sc, int sync_fd, char **caller_env,
		     struct sb_err *err)
{
	char **env = plan_env(p, caller_env);
	int r;

	if (!env)
		return sb_fail(err, ENOMEM, "environment");
	if (p->allow_new_privs) {
		r = landlock_child(p, err);
		if (r == 0)
			report_exec(p, sync_fd);
		if (r == 0)
			r = seccomp_child(p, sc, err);
		if (r == 0)
			r = caps_child(p, err);
		if (r == 0)
			r = fds_cloexec(p, err);
	} else {
		r = caps_child(p, err);
		if (r == 0)
			r = limits_no_new_privs(err);
		if (r == 0)
			r = landlock_child(p, err); /* needs no_new_privs; opens paths of the new root */
		if (r == 0)
			r = fds_cloexec(p, err);
		if (r == 0)
			report_exec(p, sync_fd);
		if (r == 0)
			r = seccomp_child(p, sc, err);
	}
	environ = env; /* execvp searches the PATH of the payload, not ours */
	return r;
}

/* Upstream, or, when nobody listens any more (a detached container's
 * runtime has exited), on stderr, which the engine logs. */
static void send_err(int sync_fd, const struct sb_err *err)
{
	if (sync_send_err(sync_fd, err) < 0)
		dprintf(2, "sandbox: %s\n", err->msg);
}

/* The PATH the payload will have: plan_env's, as the payload builds it
 * (later wins, unset-env removes), or execvp's default without one. */
static const char *payload_path(const struct sb_plan *p, char *buf, size_t len)
{
	char **env = plan_env(p, NULL);

	snprintf(buf, len, "/bin:/usr/bin");
	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], "PATH=", 5) == 0)
			snprintf(buf, len, "%s", env[i] + 5);
	free(env);
	return buf;
}

int payload_lookup(const struct sb_plan *p, struct sb_err *err)
{
	char buf[4096], pathbuf[4096];
	const char *cmd = p->argv[0], *path = payload_path(p, pathbuf, sizeof(pathbuf));
	int r;

	if (strchr(cmd, '/')) {
		if (access(cmd, F_OK) == 0)
			return 0;
	} else {
		for (const char *d = path; *d;) {
			size_t n = strcspn(d, ":");

			snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? d : ".", cmd);
			if (access(buf, X_OK) == 0)
				return 0;
			d += n + (d[n] == ':');
		}
	}
	r = sb_failx(err, ENOENT, "executable file '%s' not found in $PATH (%s) inside the container: No such file or directory", cmd, path);
	err->kind = SB_ERR_EXEC_NOENT;
	return r;
}

static void exec_failed(const struct sb_plan *p, int sync_fd, const char *cmd, int e)
{
	struct sb_err err = SB_ERR_INIT;

	if (p->exec_error_is_exit) {
		/* isolate 1.9+: the command's own failure, on its own stderr. */
		dprintf(2, "execve(\"%s\"): %s\n", cmd, strerror(e));
		_exit(127);
	}

	if (e == ENOENT || e == ENOTDIR) {
		sb_fail(&err, e, "command '%s' not found inside the sandbox", cmd);
		sb_hint(&err, "bind the directory that holds it (e.g. --ro-bind /opt/tool) or give its full path");
		err.kind = SB_ERR_EXEC_NOENT;
	} else {
		sb_fail(&err, e, "cannot execute '%s'", cmd);
		err.kind = SB_ERR_EXEC_PERM;
	}
	send_err(sync_fd, &err);
	_exit(err.kind == SB_ERR_EXEC_NOENT ? 127 : 126);
}

void payload_run(const struct sb_plan *p, const struct payload_io *io, struct sb_seccomp *sc,
		 int sync_fd, char **caller_env)
{
	struct sb_err err = SB_ERR_INIT;
	int r;

	r = prepare(p, io, &err);
	if (r == 0)
		r = lock_down(p, sc, sync_fd, caller_env, &err);
	if (r == 0) {
		execvp(p->argv[0], p->argv);
		exec_failed(p, sync_fd, p->argv[0], errno);
	}
	send_err(sync_fd, &err);
	_exit(125);
}
