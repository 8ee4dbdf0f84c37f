/*
 * oci_cmds.c: sandbox-oci's container lifecycle: create, start, run,
 * state, kill, delete (exec, ps and the rest are in oci_exec.c). Runs as
 * the engine's user; the container itself is built by the core
 * (launcher_create) from the plan oci_config.c makes.
 *
 * create returns once the container's namespaces exist and its init waits
 * (launcher_create), with init's pid in --pid-file; init's exit status is
 * the container's, for the engine's subreaper. start writes one byte to
 * the FIFO init waits on, and returns at once. delete kills what is left,
 * then removes the cgroup we made and the state.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "launcher.h"
#include "oci_cmds.h"
#include "syscalls.h"
#include "util.h"

struct create_args {
	const char *bundle, *pid_file, *console_socket, *id;
	unsigned preserve_fds;
	bool detach, keep; /* run only */
};

static int usage_error(const char *cmd, const char *what)
{
	oci_log("error", "%s: %s", cmd, what);
	return 1;
}

/* The flags of create (and run's extra ones); false on a bad command line. */
static bool parse_create(int argc, char **argv, struct create_args *a)
{
	bool ignored;

	a->bundle = ".";
	for (int i = 1; i < argc; i++) {
		const char *v = NULL, *w = argv[i];

		if (w[0] != '-') {
			if (a->id)
				return false;
			a->id = w;
		} else if (oci_flag(argc, argv, &i, "bundle", 'b', &a->bundle) ||
			   oci_flag(argc, argv, &i, "pid-file", 0, &a->pid_file) ||
			   oci_flag(argc, argv, &i, "console-socket", 0, &a->console_socket) ||
			   oci_flag(argc, argv, &i, "pidfd-socket", 0, &v)) {
			if (!a->bundle || (v == NULL && strstr(w, "pidfd")))
				return false;
		} else if (oci_flag(argc, argv, &i, "preserve-fds", 0, &v)) {
			a->preserve_fds = v ? (unsigned)strtoul(v, NULL, 10) : 0;
		} else if (!(oci_bool(w, "no-pivot", 0, &ignored) || oci_bool(w, "no-new-keyring", 0, &ignored) ||
			     oci_bool(w, "detach", 'd', &a->detach) || oci_bool(w, "keep", 0, &a->keep) ||
			     oci_bool(w, "no-subreaper", 0, &ignored))) {
			return false;
		}
	}
	return a->id != NULL;
}

int oci_console_connect(const char *path, struct sb_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return sb_failx(err, ENAMETOOLONG, "--console-socket %s: path too long", path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return sb_fail(err, e, "--console-socket %s", path);
	}
	return fd;
}

static void now_rfc3339(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

/* The runtime's side of a new container: the FIFO init waits on, the
 * terminal's socket, the plan's extras from the command line. */
static int build(const struct create_args *a, struct oci_state *s, struct sb_plan *p, json_t *config,
		 struct sb_err *err)
{
	struct sb_detach d = { .start_fd = -1, .console_sock = -1 };
	char fifo[4200], created[64];
	pid_t pid;
	int r;

	for (unsigned i = 0; i < a->preserve_fds; i++) {
		int *n = realloc(p->keep_fds, (p->n_keep_fds + 1) * sizeof(int));

		if (!n)
			return sb_fail(err, ENOMEM, "preserve-fds");
		p->keep_fds = n;
		p->keep_fds[p->n_keep_fds++] = 3 + (int)i;
	}
	r = plan_validate(p, err);
	if (r < 0)
		return r;
	if (json_is_true(json_object_get(json_object_get(config, "process"), "terminal"))) {
		if (a->console_socket) {
			d.console_sock = oci_console_connect(a->console_socket, err);
			if (d.console_sock < 0)
				return d.console_sock;
		} else if (a->detach) {
			return sb_failx(err, EINVAL, "process.terminal is true: a detached container needs --console-socket");
		}
		/* run in the foreground without a socket: our own stdio, as is */
	}
	/* Unlocked from here: the lock's descriptor must not live on in init,
	 * and until state.json is written the container "does not exist". */
	close(s->lock_fd);
	s->lock_fd = -1;
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", s->dir);
	if (mkfifo(fifo, 0600) < 0 || (d.start_fd = open(fifo, O_RDWR | O_CLOEXEC)) < 0)
		r = sb_fail(err, errno, "create %s", fifo);
	if (r == 0)
		r = launcher_create(p, &d, &pid, err);
	if (d.start_fd >= 0)
		close(d.start_fd);
	if (d.console_sock >= 0)
		close(d.console_sock);
	if (r < 0)
		return r;
	now_rfc3339(created, sizeof(created));
	s->pid = pid;
	s->start_time = oci_start_time(pid);
	s->bundle = strdup(a->bundle);
	s->rootfs = strdup(p->rootfs);
	s->created = strdup(created);
	s->cgroup = p->limits.cgroup_path ? strdup(p->limits.cgroup_path) : NULL;
	s->annotations = json_incref(json_object_get(config, "annotations"));
	r = oci_state_save(s, err);
	if (r == 0 && a->pid_file)
		r = oci_write_pid_file(a->pid_file, pid, err);
	return r;
}

/* create: make ROOT/ID, load the bundle, build; on failure nothing stays. */
static int create(struct create_args *a, const struct oci_opts *o, struct oci_state *s, struct sb_err *err)
{
	char bundle[4096];
	struct sb_plan p;
	json_t *config = NULL;
	int r;

	if (!realpath(a->bundle, bundle))
		return sb_fail(err, errno, "--bundle %s", a->bundle);
	a->bundle = bundle;
	r = oci_state_new(o, a->id, s, err);
	if (r < 0)
		return r;
	plan_init(&p);
	r = oci_config_load(bundle, s->dir, &p, &config, err);
	if (r == 0)
		r = build(a, s, &p, config, err);
	if (r < 0) {
		if (s->pid > 0)
			kill(s->pid, SIGKILL);
		if (p.limits.cgroup_path && s->pid > 0)
			cgroup_remove_exact(p.limits.cgroup_path);
		oci_state_remove(s);
	}
	a->bundle = NULL;
	json_decref(config);
	plan_free(&p);
	return r;
}

int oci_cmd_create(const struct oci_opts *o, int argc, char **argv)
{
	struct create_args a = { 0 };
	struct oci_state s = { .lock_fd = -1 };
	struct sb_err err = SB_ERR_INIT;
	int r;

	if (!parse_create(argc, argv, &a))
		return usage_error("create", "usage: create --bundle DIR [--pid-file F] [--console-socket S] "
					     "[--preserve-fds N] [--no-pivot] [--no-new-keyring] ID");
	a.detach = true;
	r = create(&a, o, &s, &err);
	oci_state_free(&s);
	return r < 0 ? oci_error(&err) : 0;
}

/* One byte on the FIFO releases init; the FIFO goes: "running". */
static int start(struct oci_state *s, struct sb_err *err)
{
	char fifo[4200];
	int fd;

	if (s->status != OCI_CREATED)
		return sb_failx(err, EINVAL, "cannot start a container that is %s", oci_status_name(s->status));
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", s->dir);
	/* Non-blocking: with init gone there is no reader (ENXIO), and we
	 * must not wait for one. */
	fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return sb_fail(err, errno, "container not running: its init does not wait on %s", fifo);
	if (write(fd, "0", 1) != 1) {
		close(fd);
		return sb_fail(err, errno, "start the container");
	}
	close(fd);
	unlink(fifo);
	return 0;
}

static bool one_id(int argc, char **argv, const char **id)
{
	*id = NULL;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' || *id)
			return false;
		*id = argv[i];
	}
	return *id != NULL;
}

int oci_cmd_start(const struct oci_opts *o, int argc, char **argv)
{
	struct sb_err err = SB_ERR_INIT;
	struct oci_state s;
	const char *id;
	int r;

	if (!one_id(argc, argv, &id))
		return usage_error("start", "usage: start ID");
	r = oci_state_load(o, id, true, &s, &err);
	if (r == 0)
		r = start(&s, &err);
	oci_state_free(&s);
	return r < 0 ? oci_error(&err) : 0;
}

int oci_cmd_state(const struct oci_opts *o, int argc, char **argv)
{
	struct sb_err err = SB_ERR_INIT;
	struct oci_state s;
	const char *id;
	char *text;

	if (!one_id(argc, argv, &id))
		return usage_error("state", "usage: state ID");
	if (oci_state_load(o, id, false, &s, &err) < 0)
		return oci_error(&err);
	text = oci_state_json(&s);
	if (text)
		printf("%s\n", text);
	free(text);
	oci_state_free(&s);
	return text ? 0 : 1;
}

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },	    { "QUIT", SIGQUIT },   { "ILL", SIGILL },	  { "TRAP", SIGTRAP },
	{ "ABRT", SIGABRT }, { "IOT", SIGIOT },	    { "BUS", SIGBUS },	   { "FPE", SIGFPE },	  { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },   { "USR2", SIGUSR2 },   { "PIPE", SIGPIPE },	  { "ALRM", SIGALRM },
	{ "TERM", SIGTERM }, { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },	  { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },   { "TTOU", SIGTTOU },   { "URG", SIGURG },	  { "XCPU", SIGXCPU },
	{ "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH }, { "IO", SIGIO },
	{ "PWR", SIGPWR },   { "SYS", SIGSYS },
};

/* "9", "KILL", "SIGKILL", "sigkill"; -1 when unknown. */
static int parse_signal(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s && !*end)
		return n > 0 && n < NSIG ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < ELEMENTSOF(signals); i++)
		if (strcasecmp(s, signals[i].name) == 0)
			return signals[i].sig;
	return -1;
}

/* Signal init through a pidfd checked against its start time, so a
 * reused pid is never signalled. */
static int signal_init(const struct oci_state *s, int sig, struct sb_err *err)
{
	_cleanup_close_ int pidfd = sys_pidfd_open(s->pid, 0);

	if (pidfd < 0 || oci_start_time(s->pid) != s->start_time)
		return sb_failx(err, ESRCH, "container not running");
	if (sys_pidfd_send_signal(pidfd, sig) < 0)
		return errno == ESRCH ? sb_failx(err, ESRCH, "no such process") : sb_fail(err, errno, "kill");
	return 0;
}

static int kill_all(const struct oci_state *s, int sig)
{
	pid_t *pids;
	size_t n;

	if (oci_state_pids(s, &pids, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		kill(pids[i], sig);
	free(pids);
	return 0;
}

int oci_cmd_kill(const struct oci_opts *o, int argc, char **argv)
{
	const char *id = NULL, *signame = "TERM";
	struct sb_err err = SB_ERR_INIT;
	struct oci_state s;
	bool all = false;
	int sig, r, npos = 0;

	for (int i = 1; i < argc; i++) {
		if (oci_bool(argv[i], "all", 'a', &all))
			continue;
		if (argv[i][0] == '-' && npos == 0)
			return usage_error("kill", "usage: kill [--all] ID [SIGNAL]");
		if (npos++ == 0)
			id = argv[i];
		else
			signame = argv[i];
	}
	if (!id || npos > 2)
		return usage_error("kill", "usage: kill [--all] ID [SIGNAL]");
	sig = parse_signal(signame);
	if (sig < 0)
		return usage_error("kill", "unknown signal");
	r = oci_state_load(o, id, false, &s, &err);
	if (r == 0 && s.status == OCI_STOPPED)
		r = sb_failx(&err, ESRCH, "container not running");
	if (r == 0 && all && sig != SIGKILL)
		r = kill_all(&s, sig) < 0 ? sb_fail(&err, errno, "list the container's processes") : 0;
	else if (r == 0) /* SIGKILL to pid 1 takes every process of its pid namespace with it */
		r = signal_init(&s, sig, &err);
	oci_state_free(&s);
	return r < 0 ? oci_error(&err) : 0;
}

/* SIGKILL init and wait (up to 10 s) until it is gone or a zombie. */
static int stop(const struct oci_state *s, struct sb_err *err)
{
	const struct timespec ms = { 0, 5000000 };
	struct sb_err ignored = SB_ERR_INIT;

	signal_init(s, SIGKILL, &ignored);
	for (int i = 0; i < 2000; i++) {
		if (oci_start_time(s->pid) != s->start_time)
			return 0;
		nanosleep(&ms, NULL);
	}
	return sb_failx(err, EBUSY, "container %s: init %d did not die", s->id, (int)s->pid);
}

int oci_cmd_delete(const struct oci_opts *o, int argc, char **argv)
{
	struct sb_err err = SB_ERR_INIT;
	struct oci_state s;
	const char *id = NULL;
	bool force = false;
	int r;

	for (int i = 1; i < argc; i++) {
		if (oci_bool(argv[i], "force", 'f', &force))
			continue;
		if (argv[i][0] == '-' || id)
			return usage_error("delete", "usage: delete [--force] ID");
		id = argv[i];
	}
	if (!id)
		return usage_error("delete", "usage: delete [--force] ID");
	r = oci_state_load(o, id, true, &s, &err);
	if (r == 0 && s.status == OCI_RUNNING && !force)
		r = sb_failx(&err, EBUSY, "cannot delete container %s that is not stopped: running", id);
	if (r == 0 && s.status != OCI_STOPPED)
		r = stop(&s, &err);
	if (r == 0) {
		if (s.cgroup)
			cgroup_remove_exact(s.cgroup);
		oci_state_remove(&s);
	}
	oci_state_free(&s);
	return r < 0 ? oci_error(&err) : 0;
}

/* run in the foreground: signals we get go to init; its status is ours. */
static int wait_init(pid_t pid)
{
	sigset_t set;
	struct signalfd_siginfo si;
	int sfd, st, pidfd = sys_pidfd_open(pid, 0);

	sigemptyset(&set);
	for (int sig = 1; sig < 32; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD && sig != SIGSEGV && sig != SIGBUS)
			sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	for (;;) {
		struct pollfd pfd[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents)
			break;
		if (pfd[1].revents && read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			kill(pid, (int)si.ssi_signo);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int oci_cmd_run(const struct oci_opts *o, int argc, char **argv)
{
	struct create_args a = { 0 };
	struct sb_err err = SB_ERR_INIT;
	struct oci_state s = { .lock_fd = -1 };
	int r, code;

	if (!parse_create(argc, argv, &a))
		return usage_error("run", "usage: run [--bundle DIR] [--detach] [--pid-file F] [--keep] ID");
	r = create(&a, o, &s, &err);
	if (r == 0)
		s.status = OCI_CREATED;
	if (r == 0)
		r = start(&s, &err);
	if (r < 0) {
		if (s.pid > 0)
			stop(&s, &err);
		oci_state_remove(&s);
		oci_state_free(&s);
		return oci_error(&err);
	}
	if (a.detach) {
		oci_state_free(&s);
		return 0;
	}
	code = wait_init(s.pid);
	if (!a.keep) {
		if (s.cgroup)
			cgroup_remove_exact(s.cgroup);
		oci_state_remove(&s);
	}
	oci_state_free(&s);
	return code;
}
