/*
 * net_pasta.c: the user-mode network stack behind --net user. Runs in the
 * launcher (the caller's uid and namespaces), after the run's id maps are
 * written and before GO.
 *
 * Why pasta (package passt) and not slirp4netns: pasta attaches to an
 * existing namespace (joining its user namespace itself), copies
 * the host's addresses and routes (--config-net) so IPv4 and IPv6 work
 * without NAT set-up, forwards published ports from its command line
 * (slirp4netns needs an API socket and one request per port), and moves
 * data with splice()/recvmmsg instead of a full TCP/IP emulation (libslirp),
 * so bulk transfers run several times faster. Both are in Debian 12.
 *
 * Lifetime: pasta runs in the foreground as the launcher's child with
 * PR_SET_PDEATHSIG(SIGKILL), kept across its exec of passt.avx2, so a
 * SIGKILLed launcher takes it along; otherwise net_pasta_stop() kills it
 * when the run ends. Readiness: pasta writes its PID file once its set-up
 * is done; that file is a pipe we read (-P /proc/self/fd/3). It is started
 * before GO and waited for after it, so its set-up runs while init builds
 * the filesystem; init waits for a second GO before it starts the payload.
 */
#include "net_pasta.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscalls.h"
#include "util.h"

#define READY_TIMEOUT_MS 10000

static const char *const pasta_paths[] = { "/usr/bin/pasta", "/usr/local/bin/pasta", "/usr/sbin/pasta" };

int net_pasta_find(struct net_pasta *h, struct sb_err *err)
{
	for (size_t i = 0; i < ELEMENTSOF(pasta_paths); i++)
		if (access(pasta_paths[i], X_OK) == 0) {
			h->path = pasta_paths[i];
			return 0;
		}
	sb_failx(err, ENOENT, "--net user needs pasta, which is not installed");
	sb_hint(err, "apt-get install passt");
	return -ENOENT;
}

/* -t/-u spec for one published port: ADDR/HOSTPORT:PORT. */
static int publish_spec(const struct sb_publish *pub, char *buf, size_t len)
{
	char a[64];

	netaddr_str(&pub->host_addr, a, sizeof(a));
	return snprintf(buf, len, "%s/%u:%u", a, pub->host_port, pub->port);
}

#define MAX_ARGS 64

/* argv for pasta: no automatic port forwarding in either direction (its
 * default "auto" would expose the host's loopback listeners inside), the
 * gateway mapped to the host's loopback only when an allow-list names
 * host-loopback (nftables limits it to the named ports), DNS forwarded
 * from one in-sandbox address to the host's resolver. */
static void build_argv(const struct sb_plan *p, const struct net_pasta *h, pid_t pid, char **argv,
		       char specs[][128], char *pidstr)
{
	size_t n = 0, s = 0;

	argv[n++] = (char *)"pasta";
	argv[n++] = (char *)"--config-net";
	argv[n++] = (char *)"--foreground";
	argv[n++] = (char *)"--quiet";
	argv[n++] = (char *)"--pid";
	argv[n++] = (char *)"/proc/self/fd/3";
	argv[n++] = (char *)"--dns-forward";
	argv[n++] = (char *)h->dns_forward;
	argv[n++] = (char *)"-T";
	argv[n++] = (char *)"none";
	argv[n++] = (char *)"-U";
	argv[n++] = (char *)"none";
	if (!h->map_gw)
		argv[n++] = (char *)"--no-map-gw";
	/* A root caller's run lives in a user namespace root owns: pasta must
	 * stay uid 0 to join it (its default as root is to become nobody
	 * first). It still confines itself in its own namespaces and seccomp
	 * filter once set up, and no uid change clears its PDEATHSIG. */
	if (geteuid() == 0) {
		argv[n++] = (char *)"--runas";
		argv[n++] = (char *)"0";
	}
	/* -t for TCP, -u for UDP; "none" where nothing is published, since
	 * pasta's default for both is "auto". */
	for (int udp = 0; udp < 2; udp++) {
		size_t before = n;

		for (size_t i = 0; i < p->n_publish && n < MAX_ARGS - 6 && s < 32; i++) {
			if ((p->publish[i].proto == SB_NETP_UDP) != udp)
				continue;
			publish_spec(&p->publish[i], specs[s], 128);
			argv[n++] = (char *)(udp ? "-u" : "-t");
			argv[n++] = specs[s++];
		}
		if (n == before) {
			argv[n++] = (char *)(udp ? "-u" : "-t");
			argv[n++] = (char *)"none";
		}
	}
	/* The namespaces as descriptors the launcher opened before GO: init
	 * changes its credentials meanwhile, and pasta would race it to open
	 * /proc/PID/ns (a root caller's run then refused it). */
	(void)pid, (void)pidstr;
	argv[n++] = (char *)"--userns";
	argv[n++] = (char *)"/proc/self/fd/4";
	argv[n++] = (char *)"--netns";
	argv[n++] = (char *)"/proc/self/fd/5";
	argv[n++] = (char *)"--no-netns-quit";
	argv[n] = NULL;
}

/* In the forked child: die with the launcher, stdio and fd 3, exec. */
static void child(const struct net_pasta *h, char **argv, int ready_wr, int log_fd, const int ns[2],
		  pid_t launcher)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int devnull;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != launcher)
		_exit(125);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	sigaction(SIGPIPE, &dfl, NULL);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(log_fd, 2) < 0 ||
	    dup2(ready_wr, 3) < 0 || dup2(ns[0], 4) < 0 || dup2(ns[1], 5) < 0)
		_exit(125);
	sys_close_range(6, ~0U, CLOSE_RANGE_CLOEXEC);
	execv(h->path, argv);
	_exit(127);
}

/* pasta's own words when it failed, for the message. */
static void read_log(int log_fd, char *buf, size_t len)
{
	ssize_t n = pread(log_fd, buf, len - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	for (char *c = buf; *c; c++)
		if (*c == '\n')
			*c = *(c + 1) ? ' ' : '\0';
}

/* Wait for the PID line, or for pasta to exit or time out. */
static int wait_ready(struct net_pasta *h, int ready_rd, int log_fd, struct sb_err *err)
{
	struct pollfd pfd = { .fd = ready_rd, .events = POLLIN };
	char line[32], log[512];
	ssize_t n = 0;
	int r;

	while ((r = poll(&pfd, 1, READY_TIMEOUT_MS)) < 0 && errno == EINTR)
		;
	if (r > 0)
		n = read(ready_rd, line, sizeof(line) - 1);
	if (n > 0)
		return 0;
	read_log(log_fd, log, sizeof(log));
	net_pasta_stop(h);
	if (r == 0)
		return sb_failx(err, ETIMEDOUT, "pasta did not set up the run's network in %d s%s%s", READY_TIMEOUT_MS / 1000,
				*log ? ": " : "", log);
	return sb_failx(err, EIO, "pasta could not set up the run's network%s%s", *log ? ": " : " (it said nothing)",
			log);
}

int net_pasta_start(const struct sb_plan *p, struct net_pasta *h, pid_t pid, struct sb_err *err)
{
	char *argv[MAX_ARGS], specs[32][128], pidstr[16];
	int ready[2] = { -1, -1 }, ns[2] = { -1, -1 };
	pid_t launcher = getpid();
	char path[64];

	build_argv(p, h, pid, argv, specs, pidstr);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	ns[0] = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	ns[1] = open(path, O_RDONLY | O_CLOEXEC);
	if (ns[0] < 0 || ns[1] < 0) {
		int e = errno;

		if (ns[0] >= 0)
			close(ns[0]);
		return sb_fail(err, e, "open the run's namespaces for pasta");
	}
	h->log_fd = memfd_create("pasta-log", MFD_CLOEXEC);
	if (h->log_fd < 0 || pipe2(ready, O_CLOEXEC) < 0) {
		int e = errno;

		close(ns[0]);
		close(ns[1]);
		return sb_fail(err, e, "memfd and pipe for pasta's messages and readiness");
	}
	h->pid = fork();
	if (h->pid == 0)
		child(h, argv, ready[1], h->log_fd, ns, launcher);
	close(ready[1]);
	close(ns[0]);
	close(ns[1]);
	if (h->pid < 0) {
		close(ready[0]);
		return sb_fail(err, errno, "fork pasta");
	}
	h->ready_fd = ready[0];
	h->pidfd = sys_pidfd_open(h->pid, 0);
	return 0;
}

int net_pasta_wait(struct net_pasta *h, struct sb_err *err)
{
	int r = wait_ready(h, h->ready_fd, h->log_fd, err);

	close(h->ready_fd);
	h->ready_fd = -1;
	return r;
}

void net_pasta_stop(struct net_pasta *h)
{
	if (h->pid <= 0)
		return;
	if (h->pidfd < 0 || sys_pidfd_send_signal(h->pidfd, SIGKILL) < 0)
		kill(h->pid, SIGKILL);
	/* Reap it if it is gone already, but do not wait: its exit closes the
	 * tap device of the run's namespace, whose unregistering waits for an
	 * RCU grace period (a quarter of a second on a loaded host). Killed,
	 * it holds nothing of ours; once the launcher exits, its reaper reaps
	 * it. */
	waitpid(h->pid, NULL, WNOHANG);
	if (h->pidfd >= 0)
		close(h->pidfd);
	if (h->ready_fd >= 0)
		close(h->ready_fd);
	if (h->log_fd >= 0)
		close(h->log_fd);
	h->pid = -1;
	h->pidfd = h->ready_fd = h->log_fd = -1;
}
