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
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "ebpf.h"
#include "layers.h"
#include "sync.h"
#include "syscalls.h"
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

	r = ebpf_child(err); /* first: the eBPF programs learn which process is init */
	if (r < 0)
		return r;
	r = userns_child(p, err);
	if (r < 0)
		return r;
	r = arm_deathsig(c->sync_fd, err);
	if (r < 0)
		return r;
	r = cgroup_child(p, c->cg, err);
	if (r < 0)
		return r;
	/* Both write the host's /proc, still mounted before the mounts. */
	r = timens_child(p, err);
	if (r == 0)
		r = sysctl_child(p, err);
	if (r < 0)
		return r;
	r = mounts_child(p, err);
	if (r < 0)
		return sb_wrap(err, "filesystem");
	/* Only in a UTS namespace of our own: a kept one is the host's. */
	if (ns_new(p, SB_NS_UTS) &&
	    sethostname(p->hostname ? p->hostname : "sandbox", strlen(p->hostname ? p->hostname : "sandbox")) < 0)
		return sb_fail(err, errno, "set hostname");
	return net_child(p, err);
}

/* The signals init forwards arrive through a signalfd. A detached init
 * (an engine's container) forwards every signal the engine sends
 * (`kill ID SIGNAL`): blocked signals reach a pid 1 from outside its
 * namespace even without a handler (signal(7): they are never "ignored"
 * while blocked). */
static int block_signals(const struct init_ctx *c, sigset_t *set)
{
	sigemptyset(set);
	if (c->detached)
		sigfillset(set);
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
	/* Only as pid 1 of a namespace of its own: in a kept or joined one,
	 * -1 would be every process init may signal there. */
	if (ns_new(c->p, SB_NS_PID))
		kill(-1, SIGKILL);
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
	net_finish(c->sync_fd);
	/* The last process is gone: the wall clock stops here. */
	uint64_t t = clock_ns(CLOCK_MONOTONIC);

	mounts_release(c->p);
	sync_send_times(c->sync_fd, SYNC_EXIT, status, t, 0);
	/* A detached init's status is the container's, as an engine's
	 * subreaper reads it: the code, or 128 + the signal (what conmon and
	 * containerd's shim report for a process killed by a signal). */
	if (c->detached)
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
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
			kill(payload, (int)si.ssi_signo);
			continue;
		}
		while ((pid = waitpid(-1, &status, WNOHANG | __WALL)) > 0)
			if (pid == payload)
				finish(c, status);
	}
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void close_from_to(int from, int to)
{
	if (from <= to && sys_close_range((unsigned)from, (unsigned)to, 0) < 0)
		for (int k = from; k <= to && k < 65536; k++)
			close(k);
}

/* A detached init lives as long as the container: it must not hold the
 * launcher's descriptors (a state lock, an engine's sync pipe whose EOF
 * the engine waits for). Close every one but those it needs, in ranges. */
static void close_others(const struct init_ctx *c)
{
	int keep[64], n = 0, from = 3;

	keep[n++] = c->sync_fd;
	keep[n++] = c->start_fd;
	keep[n++] = c->console_sock;
	for (size_t i = 0; i < c->p->n_keep_fds && n < (int)ELEMENTSOF(keep); i++)
		keep[n++] = c->p->keep_fds[i];
	qsort(keep, (size_t)n, sizeof(int), cmp_int);
	for (int i = 0; i < n; i++) {
		if (keep[i] < from)
			continue;
		close_from_to(from, keep[i] - 1);
		from = keep[i] + 1;
	}
	close_from_to(from, INT_MAX);
}

/* Detached, built: the terminal (for the engine, before create returns:
 * conmon and the shim wait for it), a check that the command exists (an
 * engine expects create to fail for a missing one), then SYNC_READY. The
 * launcher exits after it, so init stops dying with it first. */
static int ready(struct init_ctx *c, struct sb_err *err)
{
	int r, slave;

	if (c->console_sock >= 0) {
		r = console_child(c->console_sock, true, &slave, err);
		if (r < 0)
			return r;
		c->console_sock = -1;
		c->io.fd[0] = c->io.fd[1] = c->io.fd[2] = slave;
		c->io.ctty = true;
	}
	r = payload_lookup(c->p, err);
	if (r < 0)
		return r;
	if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
		return sb_fail(err, errno, "clear the parent-death signal");
	r = sync_send(c->sync_fd, SYNC_READY, 0, NULL);
	return r < 0 ? sb_fail(err, -r, "report the container ready") : 0;
}

/* A script that pipes input in, or reads the output, wants the bytes as
 * they are: no echo of piped input, no "\r\n" for "\n" in captured
 * output. Set before the payload exists, so its first write is plain. A
 * person at a terminal gets the pty's usual settings. */
static void plain_when_piped(int slave)
{
	struct termios t;

	if (tcgetattr(slave, &t) < 0)
		return;
	if (!isatty(STDIN_FILENO))
		t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	if (!isatty(STDOUT_FILENO))
		t.c_oflag &= ~(tcflag_t)OPOST;
	tcsetattr(slave, TCSANOW, &t);
}

/* --interactive (not detached): the terminal, a pty of the sandbox's
 * devpts made in the new root, its master to the launcher (term.c); the
 * slave takes every stream --stdin/--stdout/--stderr leave, and becomes
 * the payload's controlling terminal. */
static int interactive_terminal(struct init_ctx *c, struct sb_err *err)
{
	int r, slave;

	r = console_child(c->console_sock, false, &slave, err);
	c->console_sock = -1;
	if (r < 0) {
		sb_hint(err, "--interactive's terminal lives in the sandbox's own devpts: keep a 'dev /dev' mount "
			     "(the default policy has one)");
		return r;
	}
	plain_when_piped(slave);
	for (int i = 0; i < 3; i++)
		if (c->io.fd[i] < 0)
			c->io.fd[i] = slave;
	c->io.ctty = true;
	return 0;
}

/* Created, not started: wait for the byte `start` writes. A signal now
 * (`kill` of a created container) ends the container with it. */
static void wait_start(struct init_ctx *c, int sfd)
{
	struct pollfd pfd[2] = { { .fd = c->start_fd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
	struct signalfd_siginfo si;
	char b;

	for (;;) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			_exit(125);
		if (pfd[0].revents && read(c->start_fd, &b, 1) == 1)
			break;
		if (pfd[1].revents && read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si) && si.ssi_signo != SIGCHLD)
			_exit(128 + (int)si.ssi_signo);
	}
	close(c->start_fd);
	c->start_fd = -1;
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
	/* Leave the caller's process group: a Ctrl-C on the caller's terminal
	 * reaches only the launcher, which forwards it once, instead of
	 * reaching init too and arriving twice. (--interactive's terminal is a
	 * pty of the sandbox: its ^C is the pty's to deliver.) */
	setpgid(0, 0);
	if (setup(c, &err) < 0)
		fail(c, &err);
	if (net_await(c->sync_fd) < 0)
		_exit(125); /* the launcher said why, or is gone */
	if (c->detached)
		close_others(c);
	else if (c->p->interactive && interactive_terminal(c, &err) < 0)
		fail(c, &err);
	sfd = block_signals(c, &set);
	if (sfd < 0) {
		sb_fail(&err, -sfd, "signalfd");
		fail(c, &err);
	}
	if (c->detached) {
		if (ready(c, &err) < 0)
			fail(c, &err);
		wait_start(c, sfd);
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
		if (c->io.fd[i] >= 0 && (i == 0 || c->io.fd[i] != c->io.fd[i - 1]))
			close(c->io.fd[i]);
	reap_loop(c, sfd, payload);
	_exit(125);
}
