/*
 * launcher_exec.c: one more process in a running sandbox (sandbox-oci
 * exec). Launcher side, as the caller (the engine).
 *
 * The launcher forks a joiner, which enters the target's cgroup (through
 * the host's /sys/fs/cgroup, so first), then its namespaces with setns(2):
 * the user namespace first (the others may belong to it), the mount
 * namespace last (it changes the root). A joined pid namespace applies to
 * children only, so the joiner forks the process itself, which runs the
 * payload's steps (terminal, rlimits, capabilities, no_new_privs,
 * Landlock, seccomp) and execs. The launcher never leaves its own
 * namespaces: it still writes the caller's files (the pid file) after.
 *
 * The joiner reports the process's pid (SYNC_READY, pid in errnum) or its
 * failure over the sync socket. Detached, it exits at once and the process
 * is reparented to the caller's subreaper; otherwise it waits and exits
 * with the process's status, which the launcher returns.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "layers.h"
#include "payload.h"
#include "seccomp.h"
#include "sync.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* In joining order. "time_for_children": the target is the sandbox's
 * init, whose payload lives in the time namespace it made for children. */
static const struct {
	const char *file, *self;
	int type;
} joins[] = {
	{ "user", "user", CLONE_NEWUSER }, { "ipc", "ipc", CLONE_NEWIPC },   { "uts", "uts", CLONE_NEWUTS },
	{ "net", "net", CLONE_NEWNET },	   { "pid", "pid", CLONE_NEWPID },   { "cgroup", "cgroup", CLONE_NEWCGROUP },
	{ "time_for_children", "time", CLONE_NEWTIME }, { "mnt", "mnt", CLONE_NEWNS },
};

static bool same_ns(pid_t target, const char *file, const char *self)
{
	char a[64], b[64];
	struct stat sa, sb;

	snprintf(a, sizeof(a), "/proc/%d/ns/%s", (int)target, file);
	snprintf(b, sizeof(b), "/proc/self/ns/%s", self);
	if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
		return false;
	return sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

static int join_all(pid_t target, struct sb_err *err)
{
	int fd[ELEMENTSOF(joins)];
	int r = 0;

	/* Open them all first: after the mount namespace, /proc is the
	 * sandbox's, and after the user namespace, rights may differ. */
	for (size_t i = 0; i < ELEMENTSOF(joins); i++) {
		char path[64];

		fd[i] = -1;
		if (same_ns(target, joins[i].file, joins[i].self))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)target, joins[i].file);
		fd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fd[i] < 0 && errno != ENOENT && r == 0)
			r = sb_fail(err, errno, "open %s", path);
	}
	for (size_t i = 0; i < ELEMENTSOF(joins); i++) {
		if (fd[i] < 0)
			continue;
		if (r == 0 && setns(fd[i], joins[i].type) < 0)
			r = sb_fail(err, errno, "join the container's %s namespace", joins[i].self);
		close(fd[i]);
	}
	return r;
}

static int exit_code(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void joiner(const struct sb_plan *p, pid_t target, const struct sb_exec *x, struct sb_seccomp *sc,
		   int sync_fd)
{
	struct payload_io io = { .fd = { -1, -1, -1 }, .orphan = x->detach };
	struct sb_err err = SB_ERR_INIT;
	pid_t pid;
	int r = 0, st;

	if (x->join_cgroup)
		r = cgroup_join_like(target, &err);
	if (r == 0)
		r = join_all(target, &err);
	if (r == 0)
		r = payload_lookup(p, &err); /* the engine expects exec to fail for a missing command */
	if (r == 0 && x->console_sock >= 0 && (r = console_child(x->console_sock, false, &io.fd[0], &err)) == 0) {
		io.fd[1] = io.fd[2] = io.fd[0];
		io.ctty = true;
	}
	if (r < 0) {
		sync_send_err(sync_fd, &err);
		_exit(1);
	}
	pid = fork();
	if (pid == 0)
		payload_run(p, &io, sc, sync_fd, environ);
	if (pid < 0) {
		sb_fail(&err, errno, "fork the process");
		sync_send_err(sync_fd, &err);
		_exit(1);
	}
	sync_send(sync_fd, SYNC_READY, pid, NULL);
	if (x->detach)
		_exit(0);
	close(sync_fd);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			_exit(125);
	_exit(exit_code(st));
}

/* The process's pid (SYNC_READY), or the joiner's error. */
static int wait_pid(int fd, pid_t *ret_pid, struct sb_err *err)
{
	struct sync_msg m;

	if (sync_recv(fd, &m) < 0)
		return sb_failx(err, EPIPE, "the exec helper died before it started the process");
	if (m.type == SYNC_ERROR) {
		err->errnum = m.errnum ? m.errnum : EINVAL;
		err->kind = m.kind < SB_ERR_KIND_MAX ? (enum sb_err_kind)m.kind : SB_ERR_SETUP;
		memcpy(err->msg, m.text, sizeof(err->msg));
		return -err->errnum;
	}
	*ret_pid = (pid_t)m.errnum;
	return 0;
}

int launcher_exec(const struct sb_plan *p, pid_t target, const struct sb_exec *x, pid_t *ret_pid, int *ret_status,
		  struct sb_err *err)
{
	struct sb_seccomp sc = { .notify_fd = -1, .sock_fd = { -1, -1 } };
	int sync[2], st, r;
	pid_t helper, pid = -1;

	r = seccomp_prepare(p, &sc, err);
	if (r < 0)
		return sb_wrap(err, "syscall filter");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0) {
		seccomp_teardown(&sc);
		return sb_fail(err, errno, "socketpair");
	}
	helper = fork();
	if (helper == 0) {
		close(sync[0]);
		joiner(p, target, x, &sc, sync[1]);
	}
	close(sync[1]);
	r = helper < 0 ? sb_fail(err, errno, "fork") : wait_pid(sync[0], &pid, err);
	close(sync[0]);
	seccomp_teardown(&sc);
	while (helper > 0 && waitpid(helper, &st, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		return r;
	*ret_pid = pid;
	*ret_status = x->detach ? 0 : exit_code(st);
	return 0;
}
