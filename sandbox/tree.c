/*
 * tree.c: the run's process tree as the launcher sees it from the host's
 * /proc, for runs whose limits no cgroup enforces (limits best-effort, or
 * a machine without delegation). Launcher side, as the caller.
 *
 * The tree is init (the sandbox's pid 1, our child) and its descendants,
 * found through /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN). Per
 * live process:
 *   CPU: its process CPU clock (clock_getcpuclockid: every thread, dead
 *        ones included, in ns; readable for any pid we can see) plus the
 *        CPU of the children it has already reaped (cutime + cstime from
 *        /proc/PID/stat, clock ticks). A process reaped by init moves into
 *        init's cutime, so nothing that ran is lost, whoever reaped it.
 *   memory: resident anonymous pages (statm resident - shared). Summing
 *        them counts a page shared after fork once per process; so a sum
 *        over the limit is confirmed with proportional set sizes
 *        (smaps_rollup Pss_Anon + Pss_Shmem) before it ends a run.
 * The figures are samples: a process that lives between two samples is
 * still counted in CPU (it is reaped into someone's cutime) but its memory
 * may be missed; docs/report.md says how exact each figure is.
 */
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* At most this many processes are walked per sample (pids are bounded by
 * the pids limit anyway; this bounds the launcher's work). */
#define TREE_MAX 65536

/* Field n (1-based, as proc(5) numbers them) of /proc/PID/stat's text. */
static unsigned long long stat_field(const char *text, int n)
{
	const char *p = strrchr(text, ')');

	/* Fields after the command name start at 3; the name may hold ' '. */
	for (int f = 2; p && f < n; f++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

static uint64_t ticks_ns(unsigned long long ticks)
{
	static long hz;

	if (!hz)
		hz = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
	return (uint64_t)ticks * (1000000000ULL / (uint64_t)hz);
}

static uint64_t cpu_clock_ns(pid_t pid)
{
	struct timespec ts;
	clockid_t clk;

	if (clock_getcpuclockid(pid, &clk) != 0 || clock_gettime(clk, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t anon_bytes(pid_t pid)
{
	char path[64], buf[256];
	unsigned long long size, resident, shared;

	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	if (read_small_file(path, buf, sizeof(buf)) < 0 || sscanf(buf, "%llu %llu %llu", &size, &resident, &shared) != 3)
		return 0;
	return resident > shared ? (resident - shared) * (uint64_t)sysconf(_SC_PAGESIZE) : 0;
}

/* Proportional anonymous and shmem memory: exact for pages shared after
 * fork, but it walks the page tables (milliseconds for a big process). */
static uint64_t pss_bytes(pid_t pid)
{
	char path[64], buf[2048];
	uint64_t anon = 0, shmem = 0;
	const char *a, *s;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	if (read_small_file(path, buf, sizeof(buf)) < 0)
		return anon_bytes(pid);
	a = strstr(buf, "\nPss_Anon:");
	s = strstr(buf, "\nPss_Shmem:");
	if (!a)
		return anon_bytes(pid);
	anon = strtoull(a + 10, NULL, 10);
	shmem = s ? strtoull(s + 11, NULL, 10) : 0;
	return (anon + shmem) * 1024;
}

/* Append the children of every thread of pid to the list. */
static void add_children(pid_t pid, unsigned threads, pid_t *list, size_t *n)
{
	char path[96], buf[8192];
	DIR *d = NULL;
	struct dirent *de;
	long tid = pid;

	if (threads > 1) {
		snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
		d = opendir(path);
	}
	do {
		if (d) {
			de = readdir(d);
			if (!de)
				break;
			if (de->d_name[0] == '.')
				continue;
			tid = strtol(de->d_name, NULL, 10);
		}
		snprintf(path, sizeof(path), "/proc/%d/task/%ld/children", (int)pid, tid);
		if (read_small_file(path, buf, sizeof(buf)) <= 0)
			continue;
		for (char *t = strtok(buf, " \n"); t && *n < TREE_MAX; t = strtok(NULL, " \n"))
			list[(*n)++] = (pid_t)strtol(t, NULL, 10);
	} while (d);
	if (d)
		closedir(d);
}

int tree_init(struct sb_tree *t, pid_t init)
{
	t->init = init;
	t->list = malloc(TREE_MAX * sizeof(pid_t));
	return t->list ? 0 : -ENOMEM;
}

void tree_release(struct sb_tree *t)
{
	free(t->list);
	t->list = NULL;
}

int tree_sample(struct sb_tree *t, bool exact_memory, struct tree_sample *ret)
{
	struct tree_sample s = { 0 };
	size_t n = 0;
	char path[64], buf[1024];

	if (!t->list)
		return -ENOMEM;
	t->list[n++] = t->init;
	for (size_t i = 0; i < n; i++) {
		pid_t pid = t->list[i];
		unsigned threads;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		if (read_small_file(path, buf, sizeof(buf)) <= 0)
			continue; /* gone since its parent listed it: reaped into a cutime */
		threads = (unsigned)stat_field(buf, 20);
		s.cpu_ns += cpu_clock_ns(pid) + ticks_ns(stat_field(buf, 16) + stat_field(buf, 17));
		/* init is the sandbox's, not the command's: its CPU counts (its
		 * set-up is subtracted by the caller, its reaped children's is the
		 * command's), its memory does not. */
		if (i > 0) {
			s.memory_bytes += exact_memory ? pss_bytes(pid) : anon_bytes(pid);
			s.procs++;
			s.tasks += threads ? threads : 1;
		}
		add_children(pid, threads, t->list, &n);
	}
	if (n == 1 && s.cpu_ns == 0)
		return -ESRCH;
	s.exact_memory = exact_memory;
	*ret = s;
	return 0;
}
