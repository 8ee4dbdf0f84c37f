/*
 * timens.c: the time namespace layer (time_namespaces(7), Linux 5.6).
 * Run by init (pid 1) holding every capability of the sandbox's user
 * namespace, before it builds the filesystem (the host's /proc is still
 * mounted then).
 *
 * unshare(CLONE_NEWTIME) does not move the caller: it makes the namespace
 * its children will be born in. Its offsets can only be written before
 * the first process enters it, so init writes them to
 * /proc/self/timens_offsets and only then forks the payload. init itself
 * keeps the host's clocks, so every time it and the launcher measure stays
 * on one clock; the payload's measurement is mapped back with
 * timens_host_monotonic().
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layers.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* "CLOCK SECS NANOSECS" with the nanoseconds in [0, 1e9). */
static void offset_line(char *buf, size_t len, const char *clock, int64_t ns)
{
	int64_t s = ns / 1000000000, rem = ns % 1000000000;

	if (rem < 0) {
		rem += 1000000000;
		s--;
	}
	snprintf(buf, len, "%s %" PRId64 " %" PRId64 "\n", clock, s, rem);
}

static int write_offset(int fd, const char *clock, int64_t ns, struct sb_err *err)
{
	char line[96];
	ssize_t n;

	offset_line(line, sizeof(line), clock, ns);
	n = write(fd, line, strlen(line));
	if (n == (ssize_t)strlen(line))
		return 0;
	if (n >= 0)
		errno = EIO;
	if (errno == EINVAL)
		return sb_failx(err, EINVAL, "time offset %s %.3f s: the kernel refused it (a clock may not go below 0)",
				clock, (double)ns / 1e9);
	return sb_fail(err, errno, "write the %s offset to /proc/self/timens_offsets", clock);
}

/* The one way to say the kernel lacks them (the run and doctor). */
static int no_timens(int e, struct sb_err *err)
{
	int r = sb_fail(err, e, "create a time namespace");

	if (e == EINVAL)
		sb_hint(err, "the kernel lacks time namespaces (Linux 5.6 with CONFIG_TIME_NS); drop --time-offset");
	return r;
}

int timens_probe(struct sb_err *err)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return sb_fail(err, errno, "fork a probe");
	/* As init does it: inside a new user namespace, then the time one. */
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) < 0 ? 0 : unshare(CLONE_NEWTIME) == 0 ? 0 : errno);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return sb_fail(err, errno, "wait for the probe");
	if (!WIFEXITED(st) || WEXITSTATUS(st) == 0)
		return 0;
	return no_timens(WEXITSTATUS(st), err);
}

int timens_child(const struct sb_plan *p, struct sb_err *err)
{
	_cleanup_close_ int fd = -1;
	int r;

	if (!p->time_ns.new_ns)
		return 0;
	if (unshare(CLONE_NEWTIME) < 0)
		return no_timens(errno, err);
	/* A root caller's init changed its uid to the mapped one, which made
	 * it non-dumpable and its /proc files root's: dumpable again for this
	 * write (init hides itself before the payload runs: hide_from_proc). */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return sb_fail(err, errno, "open /proc/self/timens_offsets");
	r = write_offset(fd, "monotonic", p->time_ns.monotonic_ns, err);
	if (r == 0)
		r = write_offset(fd, "boottime", p->time_ns.boottime_ns, err);
	return r;
}

uint64_t timens_host_monotonic(const struct sb_plan *p, uint64_t ns)
{
	return p->time_ns.new_ns ? (uint64_t)((int64_t)ns - p->time_ns.monotonic_ns) : ns;
}
