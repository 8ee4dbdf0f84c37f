/*
 * launcher.c: one run, top to bottom (STYLE.md section 2). Runs as the
 * caller, in the caller's namespaces, single-threaded (a clone must not copy
 * a held malloc lock, and unshare(CLONE_NEWUSER) refuses threads).
 *
 *   seccomp_prepare -> cgroup_prepare -> open stdio files -> output relay
 *   -> socketpair -> clone3(every namespace) -> userns_parent
 *   -> cgroup_parent -> GO
 *   -> wait (pidfd, sync socket, signals, wall timer, cgroup events,
 *      output relay)
 *   -> collect figures -> tear down
 *
 * Probes: clone3 (falls back to clone on ENOSYS), CLONE_INTO_CGROUP (v2).
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
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "ebpf.h"
#include "init.h"
#include "layers.h"
#include "relay.h"
#include "seccomp.h"
#include "term.h"
#include "sync.h"
#include "syscalls.h"
#include "tree.h"
#include "util.h"

struct run {
	const struct sb_plan *p;
	struct sb_result *res;
	struct sb_seccomp sc;
	struct sb_cgroup cg;
	struct sb_ebpf bpf;
	struct payload_io io;
	struct sb_relay relay;
	struct sb_term term; /* --interactive: the pty's relay to the caller's terminal */
	int sync[2]; /* [0] launcher, [1] init and payload */
	pid_t pid; /* init, as seen from here */
	int pidfd;
	int sigfd;
	int wall_fd;
	int tick_fd; /* check of the CPU limit, when it could first be crossed */
	int sample_fd; /* periodic sample of the tree (no cgroup measures memory) */
	struct sb_tree tree; /* the tree from /proc, where no cgroup measures it */
	bool sampling; /* tree samples enforce memory/CPU or give the memory figure */
	unsigned n_cpus; /* how many CPUs the tree may burn at once */
	uint64_t cpu_at_kill_ns; /* the tree's CPU when the launcher killed it (sampling) */
	struct timespec t_exec, t_exit;
	struct timespec t_gone; /* when the launcher saw init exit */
	uint64_t setup_cpu_ns; /* init's and the payload's CPU before execve */
	bool exec_seen, exit_seen, killed, setup_failed;
	char *arg_area;
	size_t arg_area_len;
};

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* --stdin/--stdout/--stderr are opened here, with the caller's rights, so
 * the payload needs no access to the files themselves. */
static int io_open(const struct sb_plan *p, struct payload_io *io, struct sb_err *err)
{
	const int wflags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY;
	struct stat st;

	io->fd[0] = io->fd[1] = io->fd[2] = -1;
	if (p->stdio_inside)
		return 0; /* the payload opens them, inside (payload.c) */
	if (p->stdin_path && (io->fd[0] = open(p->stdin_path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return sb_fail(err, errno, "--stdin '%s'", p->stdin_path);
	/* A directory opens read-only fine, then every read fails EISDIR. */
	if (io->fd[0] >= 0 && fstat(io->fd[0], &st) == 0 && S_ISDIR(st.st_mode))
		return sb_failx(err, EISDIR, "--stdin '%s' is a directory; name a file", p->stdin_path);
	if (p->stdout_path && (io->fd[1] = open(p->stdout_path, wflags, 0644)) < 0)
		return sb_fail(err, errno, "--stdout '%s'", p->stdout_path);
	if (p->stderr_path && (io->fd[2] = open(p->stderr_path, wflags, 0644)) < 0)
		return sb_fail(err, errno, "--stderr '%s'", p->stderr_path);
	return 0;
}

/* After the relay has put its pipe in front of stdout, if it did: then
 * stderr names the same write end, which relay_started closes for both. */
static int io_stderr_to_stdout(const struct sb_plan *p, struct payload_io *io, const struct sb_relay *relay,
			       struct sb_err *err)
{
	if (!p->stderr_to_stdout)
		return 0;
	if (io->fd[1] >= 0 && io->fd[1] == relay->s[1].wr)
		io->fd[2] = io->fd[1];
	else if ((io->fd[2] = fcntl(io->fd[1] >= 0 ? io->fd[1] : 1, F_DUPFD_CLOEXEC, 3)) < 0)
		return sb_fail(err, errno, "--stderr-to-stdout");
	return 0;
}

/* The relay's write ends are the relay's to close. */
static void io_close(struct payload_io *io, const struct sb_relay *relay)
{
	for (int i = 0; i < 3; i++)
		if (io->fd[i] >= 0 && io->fd[i] != relay->s[1].wr && io->fd[i] != relay->s[2].wr)
			close(io->fd[i]);
}

void launcher_arg_area(char **area, size_t *len)
{
	char buf[4096];
	ssize_t n, total = 0;
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);

	*area = NULL;
	*len = 0;
	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	close(fd);
	*area = program_invocation_name;
	*len = (size_t)total;
}


/* The usual reasons a user namespace cannot be made are named with their
 * knob by the user namespace layer (doctor says the same). */
static int clone_failed(int e, struct sb_err *err)
{
	if (e == ENOSPC || e == EUSERS || e == EPERM)
		return userns_explain(e, err);
	return sb_fail(err, e, "create the sandbox's namespaces (clone3)");
}

static int spawn(struct run *r, struct sb_err *err)
{
	struct sb_clone_args args = { .exit_signal = SIGCHLD };
	int pidfd = -1;
	pid_t pid;

	args.flags = ns_clone_flags(r->p) | CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	/* The cgroup namespace must start at the run's cgroup: clone into it
	 * (v2), or let init unshare it after the launcher moved it (v1). */
	if (r->cg.clone_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP | CLONE_NEWCGROUP;
		args.cgroup = (uint64_t)r->cg.clone_fd;
	} else if (r->cg.version == 0) {
		args.flags |= CLONE_NEWCGROUP;
	}
	if (r->cg.clone_fd < 0 && ebpf_clone_fd(&r->bpf) >= 0) {
		/* The eBPF layer's own v2 cgroup (hybrid host, or no limits). */
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)ebpf_clone_fd(&r->bpf);
	}
	pid = sys_clone3(&args, sizeof(args));
	if (pid < 0 && errno == ENOSYS) {
		/* No clone3: the legacy clone has no CLONE_INTO_CGROUP, so a v2
		 * cgroup is joined by cgroup_parent instead. */
		args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		pid = (pid_t)syscall(SYS_clone, (unsigned long)(args.flags | SIGCHLD), NULL, &pidfd, NULL, NULL);
	}
	if (pid < 0)
		return clone_failed(errno, err);
	if (pid == 0) {
		struct init_ctx c = {
			.p = r->p, .io = r->io, .sc = &r->sc, .cg = &r->cg, .sync_fd = r->sync[1],
			.caller_env = environ, .arg_area = r->arg_area, .arg_area_len = r->arg_area_len,
			.console_sock = r->term.sock[1], /* --interactive's pty goes there; -1 */
		};

		close(r->sync[0]);
		relay_child(&r->relay);
		init_main(&c);
	}
	r->pid = pid;
	r->pidfd = pidfd;
	return 0;
}

static int block_launcher_signals(struct run *r, sigset_t *old, struct sb_err *err)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	if (r->p->interactive)
		sigaddset(&set, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return sb_fail(err, errno, "block signals");
	r->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (r->sigfd < 0)
		return sb_fail(err, errno, "signalfd");
	return 0;
}

/* A one-shot timer us from now, or at the CLOCK_MONOTONIC instant
 * at_ns when that is not 0. */
static int arm_timer(int *fd, uint64_t us, uint64_t at_ns, struct sb_err *err)
{
	struct itimerspec its = { 0 };
	uint64_t ns = at_ns ? at_ns : us * 1000;

	*fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (*fd < 0)
		return sb_fail(err, errno, "timerfd");
	its.it_value.tv_sec = (time_t)(ns / 1000000000u);
	its.it_value.tv_nsec = (long)(ns % 1000000000u);
	if (timerfd_settime(*fd, at_ns ? TFD_TIMER_ABSTIME : 0, &its, NULL) < 0)
		return sb_fail(err, errno, "arm timer");
	return 0;
}

static void ts_from_ns(struct timespec *ts, uint64_t ns)
{
	if (!ns) {
		clock_gettime(CLOCK_MONOTONIC, ts);
		return;
	}
	ts->tv_sec = (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
}

static void kill_run(struct run *r)
{
	struct tree_sample ts;

	if (r->killed)
		return;
	r->killed = true;
	/* A killed init reaps nothing into its rusage: without a cgroup, the
	 * tree's CPU as it stood at the kill is the figure. */
	if (r->tree.list && tree_sample(&r->tree, false, &ts) == 0)
		r->cpu_at_kill_ns = ts.cpu_ns;
	if (r->cg.version)
		cgroup_kill(&r->cg);
	/* SIGKILL to pid 1 tears the whole pid namespace down. */
	if (sys_pidfd_send_signal(r->pidfd, SIGKILL) < 0)
		kill(r->pid, SIGKILL);
}

static void on_sync(struct run *r)
{
	struct sync_msg m;

	while (sync_recv_nowait(r->sync[0], &m) == 0) {
		switch ((enum sync_type)m.type) {
		case SYNC_EXEC:
			/* Times as the payload measured them (sync.h). */
			r->exec_seen = true;
			ts_from_ns(&r->t_exec, m.t_ns);
			r->setup_cpu_ns = m.cpu_ns;
			/* The cgroup counts init only from when it joined (v1). */
			cgroup_mark_exec(&r->cg, (m.cpu_ns - (m.cpu_outside_ns < m.cpu_ns ? m.cpu_outside_ns : m.cpu_ns)) / 1000);
			if (r->p->limits.wall_time_us) {
				struct sb_err e = SB_ERR_INIT;

				arm_timer(&r->wall_fd, 0, m.t_ns + r->p->limits.wall_time_us * 1000, &e);
			}
			break;
		case SYNC_ERROR:
			r->setup_failed = true;
			r->res->err.errnum = m.errnum;
			r->res->err.kind = m.kind < SB_ERR_KIND_MAX ? (enum sb_err_kind)m.kind : SB_ERR_SETUP;
			memcpy(r->res->err.msg, m.text, sizeof(r->res->err.msg));
			break;
		case SYNC_EXIT:
			r->exit_seen = true;
			ts_from_ns(&r->t_exit, m.t_ns);
			r->res->have_status = true;
			r->res->wait_status = m.errnum;
			break;
		case SYNC_NET:
			net_note_refused(m.t_ns);
			break;
		case SYNC_GO:
		case SYNC_READY:
		case SYNC_TYPE_MAX:
			break;
		}
	}
}

static void on_signal(struct run *r)
{
	struct signalfd_siginfo si;

	/* init forwards these to the payload (its handlers are signalfd-blocked,
	 * which lets signals from an ancestor namespace through). */
	while (read(r->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo == SIGWINCH)
			term_winch(&r->term); /* the pty's size follows the window */
		else
			kill(r->pid, (int)si.ssi_signo);
}

/* CPU time the command's tree used so far (us): the cgroup's figure, or
 * a sample of the tree; its set-up before execve is not the command's. */
static long long cpu_used_us(struct run *r)
{
	struct tree_sample ts;

	if (r->cg.version)
		return cgroup_cpu_usage_us(&r->cg);
	if (!r->exec_seen || tree_sample(&r->tree, false, &ts) < 0)
		return 0;
	return ts.cpu_ns > r->setup_cpu_ns ? (long long)((ts.cpu_ns - r->setup_cpu_ns) / 1000) : 0;
}

/* CPU limit: 0 when the tree used limit_us or more, else how many us to
 * wait before looking again. The tree burns at most n_cpus seconds per
 * second, so nothing can cross the limit before left / n_cpus: sleep that
 * long, then look again. The steps shrink geometrically near the limit;
 * 1 ms floors them so the overshoot stays about a millisecond per CPU. */
static long long cpu_check(struct run *r, uint64_t limit_us)
{
	long long used = cpu_used_us(r);
	uint64_t left, next;

	if (used < 0)
		return 5000;
	if ((uint64_t)used >= limit_us)
		return 0;
	left = limit_us - (uint64_t)used;
	next = left / r->n_cpus;
	return next < 1000 ? 1000 : (long long)next;
}

static void rearm(int fd, long long us)
{
	struct itimerspec its = { 0 };

	its.it_value.tv_sec = (time_t)(us / 1000000);
	its.it_value.tv_nsec = (long)(us % 1000000) * 1000;
	timerfd_settime(fd, 0, &its, NULL);
}

static void rearm_every(int fd, long long us)
{
	struct itimerspec its = { 0 };

	its.it_value.tv_sec = its.it_interval.tv_sec = (time_t)(us / 1000000);
	its.it_value.tv_nsec = its.it_interval.tv_nsec = (long)(us % 1000000) * 1000;
	timerfd_settime(fd, 0, &its, NULL);
}

static void on_cpu_tick(struct run *r)
{
	uint64_t ticks;
	long long next;

	if (read(r->tick_fd, &ticks, sizeof(ticks)) < 0)
		return;
	next = cpu_check(r, plan_cpu_kill_us(r->p));
	if (next == 0) {
		r->res->timeout = SB_TO_CPU;
		kill_run(r);
		return;
	}
	rearm(r->tick_fd, next);
}

/* Every SAMPLE_US without a cgroup: the tree's memory, for the figure and
 * the limit. A sum over the limit counts pages shared after fork once per
 * process, so it is confirmed with proportional set sizes before it ends
 * the run (only then: they walk page tables, milliseconds per big process). */
#define SAMPLE_US 10000

static void on_sample(struct run *r)
{
	const struct sb_limits *l = &r->p->limits;
	struct tree_sample ts;
	uint64_t ticks;

	if (read(r->sample_fd, &ticks, sizeof(ticks)) < 0 || tree_sample(&r->tree, false, &ts) < 0)
		return;
	if (r->res->enf.memory == SB_ENF_SAMPLING && ts.memory_bytes > l->memory && ts.procs > 1)
		tree_sample(&r->tree, true, &ts);
	if (ts.memory_bytes > r->res->memory_sampled_bytes)
		r->res->memory_sampled_bytes = ts.memory_bytes;
	if (ts.tasks > r->res->tasks_peak)
		r->res->tasks_peak = ts.tasks;
	if (r->res->enf.memory == SB_ENF_SAMPLING && ts.memory_bytes > l->memory) {
		r->res->memory_exceeded = true;
		kill_run(r);
	}
}

static void on_output(struct run *r, int i)
{
	if (relay_pump(&r->relay, i)) {
		r->res->output_exceeded = true;
		kill_run(r);
	}
}

/* Wait for init to exit, reacting to messages, signals and limits. */
static void wait_loop(struct run *r)
{
	for (;;) {
		struct pollfd pfd[13] = {
			{ .fd = r->pidfd, .events = POLLIN },
			{ .fd = r->sync[0], .events = POLLIN },
			{ .fd = r->sigfd, .events = POLLIN },
			{ .fd = r->wall_fd, .events = POLLIN },
			{ .fd = r->cg.event_fd, .events = r->cg.event_mask },
			{ .fd = r->tick_fd, .events = POLLIN },
			{ .fd = seccomp_poll_fd(&r->sc), .events = POLLIN },
			{ .fd = -1 },
			{ .fd = -1 },
			{ .fd = r->sample_fd, .events = POLLIN },
		};

		pfd[7].fd = relay_poll_fd(&r->relay, 1, &pfd[7].events);
		pfd[8].fd = relay_poll_fd(&r->relay, 2, &pfd[8].events);
		term_poll(&r->term, &pfd[10]);

		if (poll(pfd, ELEMENTSOF(pfd), -1) < 0) {
			if (errno == EINTR)
				continue;
			kill_run(r);
			return;
		}
		if (pfd[1].revents)
			on_sync(r);
		term_handle(&r->term, &pfd[10]); /* before the exit below: the pty's output first */
		if (pfd[6].revents) /* POLLHUP too: seccomp_handle stops polling a dead listener */
			seccomp_handle(r->p, &r->sc, r->res);
		if (pfd[0].revents) {
			/* The run is over: the wall clock stops here at the latest,
			 * whatever the output relay still has to pass on. */
			clock_gettime(CLOCK_MONOTONIC, &r->t_gone);
			return;
		}
		if (pfd[2].revents)
			on_signal(r);
		if (pfd[3].revents) {
			r->res->timeout = SB_TO_WALL;
			kill_run(r);
		}
		if (pfd[4].revents && cgroup_event(r->p, &r->cg, r->res))
			kill_run(r);
		if (pfd[5].revents)
			on_cpu_tick(r);
		for (int i = 1; i < 3; i++)
			if (pfd[6 + i].revents)
				on_output(r, i);
		if (pfd[9].revents)
			on_sample(r);
	}
}

/* rusage counts init's and the payload's set-up too; it is not the
 * command's CPU. Nearly all of it is system time: take it from there. */
static void drop_setup_cpu(struct sb_result *res, double setup_s)
{
	double from_sys = setup_s < res->cpu_sys_s ? setup_s : res->cpu_sys_s;

	res->cpu_sys_s -= from_sys;
	res->cpu_user_s -= setup_s - from_sys < res->cpu_user_s ? setup_s - from_sys : res->cpu_user_s;
	res->cpu_time_s = res->cpu_user_s + res->cpu_sys_s;
}

static void collect(struct run *r)
{
	struct sb_result *res = r->res;
	struct rusage ru;
	int status;

	while (wait4(r->pid, &status, __WALL, &ru) < 0 && errno == EINTR)
		;
	if (!r->t_gone.tv_sec && !r->t_gone.tv_nsec)
		clock_gettime(CLOCK_MONOTONIC, &r->t_gone);
	on_sync(r); /* SYNC_EXIT/ERROR queued before init exited */
	if (!r->exit_seen)
		r->t_exit = r->t_gone;
	/* A signal for the launcher ends the drain at once. */
	relay_finish(&r->relay, res, r->sigfd);
	term_finish(&r->term);
	res->started = r->exec_seen && !r->setup_failed;
	if (r->exec_seen)
		res->wall_time_s = ts_diff(&r->t_exec, &r->t_exit);
	/* init reaps every process of the sandbox, so its children's rusage
	 * covers the whole tree, including never-waited-for grandchildren. */
	res->cpu_user_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	res->cpu_sys_s = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	if (r->cpu_at_kill_ns && (double)r->cpu_at_kill_ns / 1e9 > res->cpu_user_s + res->cpu_sys_s) {
		/* Sampled at the kill: no user/system split, all counted as user. */
		res->cpu_user_s = (double)r->cpu_at_kill_ns / 1e9 - res->cpu_sys_s;
	}
	drop_setup_cpu(res, (double)r->setup_cpu_ns / 1e9);
		/* Without a cgroup: the sampled tree peak, or the largest single
	 * process's peak RSS when that is higher (a spike between samples). */
	res->memory_peak_bytes = res->max_rss_bytes = (uint64_t)ru.ru_maxrss * 1024;
	if (res->memory_sampled_bytes > res->memory_peak_bytes)
		res->memory_peak_bytes = res->memory_sampled_bytes;
	if (r->p->limits.pids && res->enf.pids == SB_ENF_RLIMIT && res->tasks_peak >= r->p->limits.pids)
		res->pids_exhausted = true;
	res->csw_voluntary = (uint64_t)ru.ru_nvcsw;
	res->csw_forced = (uint64_t)ru.ru_nivcsw;
	if (r->cg.version)
		cgroup_collect(r->p, &r->cg, res);
	ebpf_collect(&r->bpf, res);
	/* v2 memory.oom.group kills every member of the run's cgroup, init
	 * too, so init may die before it could report: the OOM kill the
	 * cgroup recorded is what ended the run, as if the launcher had. */
	if (!res->have_status && !r->setup_failed && r->exec_seen && res->oom_killed)
		r->killed = true;
	if (!res->have_status && !r->setup_failed && !r->killed) {
		/* init died without a word: nothing the payload can do causes
		 * that, so it is the sandbox's failure. */
		res->err.errnum = EPIPE;
		snprintf(res->err.msg, sizeof(res->err.msg), "the sandbox's init exited unexpectedly (status 0x%x)", status);
		r->setup_failed = true;
	}
	if (!res->have_status && r->killed) {
		/* A limit fired: the payload died of our SIGKILL. */
		res->have_status = true;
		res->wait_status = SIGKILL;
	}
	res->killed = r->killed;
}

/* Signals that arrived after the run ended were for a run that is over
 * (or ended the output drain): take them off the queue, so restoring the
 * caller's signal mask does not kill the launcher before it reports. */
static void drop_pending_signals(struct run *r)
{
	struct signalfd_siginfo si;

	if (r->sigfd >= 0)
		while (read(r->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			;
}

static void release(struct run *r)
{
	drop_pending_signals(r);
	if (r->pidfd >= 0)
		close(r->pidfd);
	if (r->sigfd >= 0)
		close(r->sigfd);
	if (r->wall_fd >= 0)
		close(r->wall_fd);
	if (r->tick_fd >= 0)
		close(r->tick_fd);
	if (r->sample_fd >= 0)
		close(r->sample_fd);
	tree_release(&r->tree);
	if (r->sync[0] >= 0)
		close(r->sync[0]);
	if (r->sync[1] >= 0)
		close(r->sync[1]);
	io_close(&r->io, &r->relay);
	relay_release(&r->relay);
	term_release(&r->term);
	ebpf_release(&r->bpf);
	cgroup_release(&r->cg);
	seccomp_teardown(&r->sc);
	net_release(r->res);
}

/* "own" binds go back to the caller when the run ends; init does it after
 * the last exit, so only a run init did not finish (a limit's SIGKILL
 * ends the pid namespace with it) needs the launcher: a user namespace
 * mapped like the sandbox's, where the command's files can be chowned. */
static void hand_back(struct run *r)
{
	struct sb_err e = SB_ERR_INIT;
	bool own = false;

	for (size_t i = 0; i < r->p->n_mounts; i++)
		own |= (r->p->mounts[i].flags & SB_MNT_OWN) != 0;
	if (own && !r->exit_seen && r->p->map_subids)
		userns_run_mapped(r->p, mounts_release_host, (void *)r->p, &e);
}

/* Checked before the launcher opens anything: a --keep-fd that is not open
 * in the caller could otherwise name one of our own descriptors. */
static int check_keep_fds(const struct sb_plan *p, struct sb_err *err)
{
	for (size_t i = 0; i < p->n_keep_fds; i++)
		if (fcntl(p->keep_fds[i], F_GETFD) < 0)
			return sb_fail(err, errno, "--keep-fd %d: not an open descriptor of the caller", p->keep_fds[i]);
	return 0;
}

static int prepare(struct run *r, struct sb_err *err)
{
	int rc;

	rc = net_prepare(r->p, err);
	if (rc < 0)
		return rc;
	rc = limits_prepare(r->p, err);
	if (rc < 0)
		return rc;
	rc = seccomp_prepare(r->p, &r->sc, err);
	if (rc < 0)
		return sb_wrap(err, "syscall filter");
	rc = cgroup_prepare(r->p, &r->cg, r->res, err);
	if (rc < 0)
		return rc;
	limits_use(&r->res->enf); /* rlimit stand-ins where no cgroup enforces */
	rc = ebpf_prepare(r->p, &r->cg, &r->bpf, r->res, err);
	if (rc < 0)
		return rc;
	r->n_cpus = limits_parallelism(r->p);
	/* Without a cgroup the launcher samples the tree: to enforce memory
	 * and CPU time, and for the memory figure a report asks for. */
	r->sampling = r->res->enf.memory == SB_ENF_SAMPLING || r->res->enf.cpu_time == SB_ENF_SAMPLING ||
		      (!r->cg.version && (r->p->report_path || r->p->meta_path));
	rc = io_open(r->p, &r->io, err);
	if (rc == 0)
		rc = relay_prepare(r->p, &r->relay, &r->io, err);
	/* Pipes are cut by the relay; files by RLIMIT_FSIZE, which the report
	 * names only when no stream is relayed. */
	if (rc == 0 && r->p->limits.output_limit && relay_active(&r->relay))
		r->res->enf.output = SB_ENF_RELAY;
	if (rc == 0)
		rc = io_stderr_to_stdout(r->p, &r->io, &r->relay, err);
	if (rc == 0)
		rc = term_prepare(r->p, &r->term, err);
	if (rc < 0)
		return rc;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, r->sync) < 0)
		return sb_fail(err, errno, "socketpair");
	launcher_arg_area(&r->arg_area, &r->arg_area_len);
	return ns_join(r->p, err); /* last: the clone is born in them */
}

static int start(struct run *r, struct sb_err *err)
{
	int rc;

	rc = spawn(r, err);
	if (rc < 0)
		return rc;
	close(r->sync[1]);
	r->sync[1] = -1;
	relay_started(&r->relay, &r->io);
	term_started(&r->term);
	rc = userns_parent(r->p, r->pid, err);
	if (rc < 0)
		return rc;
	rc = cgroup_parent(r->p, &r->cg, r->pid, err);
	if (rc < 0)
		return rc;
	rc = ebpf_parent(&r->bpf, r->pid, err);
	if (rc < 0)
		return rc;
	rc = seccomp_parent(r->p, &r->sc, err);
	if (rc < 0)
		return rc;
	rc = net_parent(r->p, r->pid, err);
	if (rc < 0)
		return rc;
	rc = sync_send(r->sync[0], SYNC_GO, 0, NULL);
	if (rc < 0)
		return sb_fail(err, -rc, "start the sandbox's init");
	rc = net_ready(r->sync[0], err);
	if (rc < 0)
		return rc;
	if (r->sampling && (rc = tree_init(&r->tree, r->pid)) < 0)
		return sb_fail(err, -rc, "process tree sampling");
	if (r->sampling && (rc = arm_timer(&r->sample_fd, SAMPLE_US, 0, err)) < 0)
		return rc;
	if (r->sampling)
		rearm_every(r->sample_fd, SAMPLE_US);
	if (r->p->limits.cpu_time_us && (r->cg.version || r->res->enf.cpu_time == SB_ENF_SAMPLING))
		return arm_timer(&r->tick_fd, plan_cpu_kill_us(r->p) / r->n_cpus, 0, err);
	return 0;
}

int launcher_run(const struct sb_plan *p, struct sb_result *res, struct sb_err *err)
{
	struct run r = {
		.p = p, .res = res, .sync = { -1, -1 }, .pid = -1, .pidfd = -1,
		.sigfd = -1, .wall_fd = -1, .tick_fd = -1, .sample_fd = -1,
		.sc = { .notify_fd = -1, .sock_fd = { -1, -1 } },
		.cg = { .clone_fd = -1, .event_fd = -1 },
		.bpf = SB_EBPF_INIT,
		.io = { .fd = { -1, -1, -1 } },
	};
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	sigset_t old;
	int rc;

	relay_init(&r.relay);
	term_init(&r.term);
	/* A reader of the relayed output that goes away must cost the
	 * payload its EPIPE, not the launcher its life. */
	sigaction(SIGPIPE, &ign, &old_pipe);
	sigprocmask(SIG_SETMASK, NULL, &old);
	rc = check_keep_fds(p, err);
	if (rc == 0)
		rc = block_launcher_signals(&r, &old, err);
	if (rc == 0)
		rc = prepare(&r, err);
	if (rc == 0)
		rc = start(&r, err);
	if (rc < 0) {
		if (r.pid > 0) {
			kill_run(&r);
			waitpid(r.pid, NULL, __WALL);
		}
		release(&r);
		sigprocmask(SIG_SETMASK, &old, NULL);
		sigaction(SIGPIPE, &old_pipe, NULL);
		res->status = SB_ST_XX;
		res->err = *err;
		return rc;
	}
	wait_loop(&r);
	collect(&r);
	release(&r);
	hand_back(&r);
	/* The forwarded signals stay blocked (those queued were dropped):
	 * one arriving now must not end the launcher before it reports. */
	sigaction(SIGPIPE, &old_pipe, NULL);
	if (r.setup_failed) {
		*err = res->err;
		res->status = SB_ST_XX;
		return -(err->errnum ? err->errnum : EINVAL);
	}
	return 0;
}
