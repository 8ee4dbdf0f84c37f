/*
 * init.c: pid 1 inside the sandbox. Cloned by the launcher into every new
 * namespace with full capabilities over them (not over the host).
 *
 * It waits for GO (the launcher has written the id maps and, on cgroup v2,
 * cloned it into the run's cgroup), becomes the inside uid, joins the
 * run's cgroup itself on v1, builds the filesystem, sets
 * the hostname, brings loopback up, then forks the payload and stays as a
 * reaper: it forwards SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGUSR1/SIGUSR2 to the
 * payload, reaps orphans, and when the payload exits kills and reaps
 * everything left, so their CPU time lands in the launcher's rusage, then
 * reports the payload's wait status and exits (which tears down the pid
 * namespace).
 */
#include "init.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layers.h"
#include "sync.h"
#include "util.h"

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static void fail(struct init_ctx *c, struct sb_err *err)
{
	sync_send_err(c->sync_fd, err);
	_exit(125);
}

/* PR_SET_PDEATHSIG is cleared by a uid change (prctl(2)); re-arm it and
 * check the launcher did not die in between (its end of the socket would
 * have hung up). */
static int arm_deathsig(int sync_fd, struct sb_err *err)
{
	struct pollfd pfd = { .fd = sync_fd, .events = 0 };

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return sb_fail(err, errno, "set the parent-death signal");
	if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLHUP | POLLERR)))
		_exit(125);
	return 0;
}

/* Everything init holds came from the launcher's memory: argv, environment,
 * the plan. /proc/1/cmdline is readable by anything in the pid namespace,
 * so wipe the argument and environment areas, and make init non-dumpable
 * so /proc/1/mem, environ, fd and maps need CAP_SYS_PTRACE, which the
 * payload never has. */
static void hide_from_proc(struct init_ctx *c)
{
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (c->arg_area)
		memset(c->arg_area, 0, c->arg_area_len);
	for (char **e = c->caller_env; e && *e; e++)
		memset(*e, 0, strlen(*e));
}

static int setup(struct init_ctx *c, struct sb_err *err)
{
	const struct sb_plan *p = c->p;
	int r;

	r = userns_child(p, err);
	if (r < 0)
		return r;
	r = arm_deathsig(c->sync_fd, err);
	if (r < 0)
		return r;
	r = cgroup_child(p, c->cg, err);
	if (r < 0)
		return r;
	r = timens_child(p, err); /* writes the host's /proc: before the mounts */
	if (r < 0)
		return r;
	r = mounts_child(p, err);
	if (r < 0)
		return sb_wrap(err, "filesystem");
	if (sethostname(p->hostname ? p->hostname : "sandbox", strlen(p->hostname ? p->hostname : "sandbox")) < 0)
		return sb_fail(err, errno, "set hostname");
	return net_child(p, err);
}

static int block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(set, forwarded[i]);
	if (sigprocmask(SIG_BLOCK, set, NULL) < 0)
		return -errno;
	return signalfd(-1, set, SFD_CLOEXEC);
}

/* Payload gone: kill the rest (pid 1 may signal all of its namespace),
 * reap them so their CPU counts, hand the status up, exit. */
static void finish(struct init_ctx *c, int status)
{
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
	net_finish(c->sync_fd);
	/* The last process is gone: the wall clock stops here. */
	uint64_t t = clock_ns(CLOCK_MONOTONIC);

	mounts_release(c->p);
	sync_send_times(c->sync_fd, SYNC_EXIT, status, t, 0);
	_exit(0);
}

static void reap_loop(struct init_ctx *c, int sfd, pid_t payload)
{
	struct signalfd_siginfo si;

	for (;;) {
		ssize_t n = read(sfd, &si, sizeof(si));
		int status;
		pid_t pid;

		if (n != (ssize_t)sizeof(si)) {
			if (n < 0 && errno == EINTR)
				continue;
			_exit(125);
		}
		if (si.ssi_signo != SIGCHLD) {
			/* With --interactive the terminal's own signals (SI_KERNEL)
			 * already reached the payload, which shares our group. */
			if (!(c->p->interactive && si.ssi_code == SI_KERNEL))
				kill(payload, (int)si.ssi_signo);
			continue;
		}
		while ((pid = waitpid(-1, &status, WNOHANG | __WALL)) > 0)
			if (pid == payload)
				finish(c, status);
	}
}

void init_main(struct init_ctx *c)
{
	struct sb_err err = SB_ERR_INIT;
	struct sync_msg m;
	sigset_t set;
	pid_t payload;
	int sfd;

	/* Armed before waiting for GO, so GO proves the launcher outlived it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		_exit(125);
	if (sync_recv(c->sync_fd, &m) < 0 || m.type != SYNC_GO)
		_exit(125);
	/* Leave the caller's process group unless the payload must share its
	 * terminal: a Ctrl-C then reaches only the launcher, which forwards it
	 * once, instead of reaching init too and arriving twice. */
	if (!c->p->interactive)
		setpgid(0, 0);
	if (setup(c, &err) < 0)
		fail(c, &err);
	if (net_await(c->sync_fd) < 0)
		_exit(125); /* the launcher said why, or is gone */
	sfd = block_signals(&set);
	if (sfd < 0) {
		sb_fail(&err, -sfd, "signalfd");
		fail(c, &err);
	}
	payload = fork();
	if (payload < 0) {
		sb_fail(&err, errno, "fork the payload");
		fail(c, &err);
	}
	if (payload == 0) {
		close(sfd);
		payload_run(c->p, &c->io, c->sc, c->sync_fd, c->caller_env);
	}
	hide_from_proc(c);
	for (int i = 0; i < 3; i++)
		if (c->io.fd[i] >= 0)
			close(c->io.fd[i]);
	reap_loop(c, sfd, payload);
	_exit(125);
}
