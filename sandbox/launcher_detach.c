/*
 * launcher_detach.c: runs that outlive their launcher, for front ends that
 * hand the run to someone else to wait for (sandbox-oci: podman's conmon,
 * containerd's shim, both subreapers). Runs as the caller, in the caller's
 * namespaces (or the engine's: rootless podman runs us as root of its user
 * namespace), single-threaded.
 *
 * launcher_create builds the sandbox exactly as launcher_run does (the
 * same layers, in the same order: seccomp_prepare, cgroup_prepare, clone3
 * into the namespaces, userns_parent, cgroup_parent, GO), but init stops
 * once it is built: it reports SYNC_READY and blocks until a byte arrives
 * on the plan's start descriptor (runc's exec FIFO idea), then forks the
 * payload. The launcher returns init's pid and exits; init is reparented
 * to the caller's subreaper, and its exit status is the payload's.
 *
 * launcher_exec starts one more process in a running sandbox: it joins
 * the namespaces and cgroup of the sandbox's init (target), forks, and the
 * child runs the payload's steps (capabilities, no_new_privs, Landlock,
 * seccomp) before exec. Detached, the launcher returns its pid at once.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "init.h"
#include "layers.h"
#include "seccomp.h"
#include "sync.h"
#include "syscalls.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct create {
	const struct sb_plan *p;
	const struct sb_detach *d;
	struct sb_seccomp sc;
	struct sb_cgroup cg;
	struct sb_result res;
	int sync[2];
	pid_t pid;
	int pidfd;
};

/* clone3 into the plan's namespaces, as launcher.c's spawn does: the
 * cgroup namespace starts at the run's cgroup (CLONE_INTO_CGROUP on v2,
 * unshared by init after joining on v1). */
static int clone_init(struct create *c, struct sb_err *err)
{
	struct sb_clone_args args = { .exit_signal = SIGCHLD };

	args.flags = ns_clone_flags(c->p) | CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)&c->pidfd;
	if (c->cg.clone_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP | CLONE_NEWCGROUP;
		args.cgroup = (uint64_t)c->cg.clone_fd;
	} else if (c->cg.version == 0) {
		args.flags |= CLONE_NEWCGROUP;
	}
	c->pid = sys_clone3(&args, sizeof(args));
	if (c->pid < 0 && errno == ENOSYS) {
		args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		c->pid = (pid_t)syscall(SYS_clone, (unsigned long)(args.flags | SIGCHLD), NULL, &c->pidfd, NULL, NULL);
	}
	if (c->pid < 0)
		return sb_fail(err, errno, "create the container's namespaces (clone3)");
	if (c->pid == 0) {
		struct init_ctx ic = {
			.p = c->p, .io = { .fd = { -1, -1, -1 } }, .sc = &c->sc, .cg = &c->cg,
			.sync_fd = c->sync[1], .caller_env = environ, .detached = true,
			.start_fd = c->d->start_fd, .console_sock = c->d->console_sock,
		};

		close(c->sync[0]);
		launcher_arg_area(&ic.arg_area, &ic.arg_area_len);
		init_main(&ic);
	}
	return 0;
}

/* Until init is built (SYNC_READY), failed (SYNC_ERROR, its message) or
 * gone without a word. */
static int wait_ready(struct create *c, struct sb_err *err)
{
	struct pollfd pfd[2] = { { .fd = c->sync[0], .events = POLLIN }, { .fd = c->pidfd, .events = POLLIN } };
	struct sync_msg m;

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return sb_fail(err, errno, "wait for the container's init");
		}
		if (sync_recv_nowait(c->sync[0], &m) == 0) {
			if (m.type == SYNC_READY)
				return 0;
			if (m.type == SYNC_ERROR) {
				err->errnum = m.errnum ? m.errnum : EINVAL;
				err->kind = m.kind < SB_ERR_KIND_MAX ? (enum sb_err_kind)m.kind : SB_ERR_SETUP;
				memcpy(err->msg, m.text, sizeof(err->msg));
				return -err->errnum;
			}
			continue;
		}
		if (pfd[1].revents)
			return sb_failx(err, EPIPE, "the container's init exited while it was being built");
	}
}

static int build(struct create *c, struct sb_err *err)
{
	int r;

	r = net_prepare(c->p, err);
	if (r < 0)
		return r;
	r = seccomp_prepare(c->p, &c->sc, err);
	if (r < 0)
		return sb_wrap(err, "syscall filter");
	r = cgroup_prepare(c->p, &c->cg, &c->res, err);
	if (r < 0)
		return r;
	limits_use(&c->res.enf);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->sync) < 0)
		return sb_fail(err, errno, "socketpair");
	r = ns_join(c->p, err);
	if (r == 0)
		r = clone_init(c, err);
	if (r < 0)
		return r;
	close(c->sync[1]);
	c->sync[1] = -1;
	r = userns_parent(c->p, c->pid, err);
	if (r == 0)
		r = cgroup_parent(c->p, &c->cg, c->pid, err);
	if (r == 0)
		r = seccomp_parent(c->p, &c->sc, err);
	if (r < 0)
		return r;
	r = sync_send(c->sync[0], SYNC_GO, 0, NULL);
	if (r < 0)
		return sb_fail(err, -r, "start the container's init");
	return wait_ready(c, err);
}

int launcher_create(const struct sb_plan *p, const struct sb_detach *d, pid_t *ret_pid, struct sb_err *err)
{
	struct create c = {
		.p = p, .d = d, .sync = { -1, -1 }, .pid = -1, .pidfd = -1,
		.sc = { .notify_fd = -1, .sock_fd = { -1, -1 } },
		.cg = { .clone_fd = -1, .event_fd = -1 },
	};
	int r;

	if (p->syscalls_log)
		return sb_failx(err, EINVAL, "syscalls-log needs a launcher that waits for the run; a detached one cannot");
	r = build(&c, err);
	if (r < 0 && c.pid > 0) {
		if (sys_pidfd_send_signal(c.pidfd, SIGKILL) < 0)
			kill(c.pid, SIGKILL);
		waitpid(c.pid, NULL, __WALL);
	}
	if (r < 0)
		cgroup_release(&c.cg);
	else
		cgroup_forget(&c.cg); /* init lives on in it */
	for (int i = 0; i < 2; i++)
		if (c.sync[i] >= 0)
			close(c.sync[i]);
	if (c.pidfd >= 0)
		close(c.pidfd);
	seccomp_teardown(&c.sc);
	result_free(&c.res);
	if (r == 0)
		*ret_pid = c.pid;
	return r;
}
