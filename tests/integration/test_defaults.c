/*
 * test_defaults.c: with no options (`sandbox run -- CMD`) the default
 * policy's caps keep a runaway program from taking the machine: a fork
 * loop stops at the pids cap, a descriptor loop at the open-files cap, and
 * /tmp and /dev/shm are tmpfs mounts of a share of the memory. The caps
 * show in the report with how each was enforced, and options lift them.
 */
#include <stdint.h>
#include <sys/statvfs.h>

#include "harness.h"

TestSuite(defaults, .timeout = 120);

static double ram(void)
{
	return (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
}

/* "enforced_by" of one limit in the report. */
static void enforced(const struct sb_out *o, const char *key, char *how, size_t len)
{
	char pat[64];
	const char *at;

	snprintf(pat, sizeof(pat), "\"%s\": {\"value\": ", key);
	at = strstr(o->err, pat);
	cr_assert(at, "report lacks %s:\n%s", key, o->err);
	at = strstr(at, "\"enforced_by\": \"");
	cr_assert(at);
	at += 16;
	snprintf(how, len, "%.*s", (int)strcspn(at, "\""), at);
}

Test(defaults, fork_loop_stops_at_the_pids_cap)
{
	struct sb_out o;
	const char *cmd[] = { "/h/exhaust", "procs", "20000", NULL };
	char how[32];
	long n;

	sb_judged(&o, NULL, cmd);
	sb_assert_status(&o, 0);
	sb_assert_err_has(&o, "\"pids\": {\"value\": 4096,");
	enforced(&o, "pids", how, sizeof(how));
	cr_assert(strcmp(how, "cgroup") == 0 || strcmp(how, "rlimit") == 0, "pids enforced by %s", how);
	n = atol(o.out);
	cr_assert(strstr(o.out, "EAGAIN"), "the fork loop was not stopped: %s", o.out);
	cr_assert(n <= 4096 && n > 1000, "stopped at %ld processes, cap 4096", n);
	/* Lifted by an option. */
	sb_judged(&o, (const char *const[]){ "--pids", "100", NULL }, cmd);
	cr_assert(atol(o.out) <= 100 && strstr(o.out, "EAGAIN"), "%s", o.out);
}

Test(defaults, descriptor_loop_stops_at_the_open_files_cap)
{
	struct sb_out o;
	const char *cmd[] = { "/h/exhaust", "fds", "100000", NULL };

	sb_judged(&o, NULL, cmd);
	sb_assert_status(&o, 0);
	sb_assert_err_has(&o, "\"open_files\": {\"value\": 4096, \"enforced_by\": \"rlimit\"}");
	cr_assert(strstr(o.out, "EMFILE") && atol(o.out) <= 4096, "not stopped at 4096: %s", o.out);
	sb_judged(&o, (const char *const[]){ "--open-files", "unlimited", NULL }, cmd);
	sb_assert_err_has(&o, "\"open_files\": {\"value\": null");
}

/* /tmp is a quarter and /dev/shm a tenth of the memory; a filler stops at
 * the size (shown with a small size, to spare the machine). */
Test(defaults, tmpfs_mounts_are_capped)
{
	struct sb_out o;
	const char *df[] = { "/bin/sh", "-c", "stat -f -c '%b %S' /tmp; stat -f -c '%b %S' /dev/shm", NULL };
	const char *fill[] = { "/bin/sh", "-c", "dd if=/dev/zero of=/tmp/f bs=1M count=64 2>&1; stat -c %s /tmp/f", NULL };
	double blocks, bsize, tmp, shm;

	sb_judged(&o, NULL, df);
	sb_assert_status(&o, 0);
	cr_assert(sscanf(o.out, "%lf %lf", &blocks, &bsize) == 2, "%s", o.out);
	tmp = blocks * bsize;
	cr_assert(sscanf(strchr(o.out, '\n') + 1, "%lf %lf", &blocks, &bsize) == 2, "%s", o.out);
	shm = blocks * bsize;
	cr_assert(tmp > ram() * 0.24 && tmp < ram() * 0.26, "/tmp is %.0f bytes of %.0f", tmp, ram());
	cr_assert(shm > ram() * 0.09 && shm < ram() * 0.11, "/dev/shm is %.0f bytes of %.0f", shm, ram());
	sb_judged(&o, (const char *const[]){ "--tmpfs", "/tmp:size=8M", NULL }, fill);
	sb_assert_out_has(&o, "No space left on device");
	sb_assert_out_has(&o, "8388608");
}

Test(defaults, memory_cap_is_half_the_memory)
{
	struct sb_out o;
	const char *cmd[] = { "/bin/true", NULL };
	char how[32], want[96];

	sb_judged(&o, NULL, cmd);
	snprintf(want, sizeof(want), "\"memory_bytes\": {\"value\": %.0f,",
		 (double)(((uint64_t)(ram() / 2)) & ~(uint64_t)(sysconf(_SC_PAGESIZE) - 1)));
	sb_assert_err_has(&o, want);
	enforced(&o, "memory_bytes", how, sizeof(how));
	cr_assert(strcmp(how, "cgroup") == 0 || strcmp(how, "sampling") == 0, "memory enforced by %s", how);
	sb_judged(&o, (const char *const[]){ "--memory", "unlimited", NULL }, cmd);
	sb_assert_err_has(&o, "\"memory_bytes\": {\"value\": null");
}
