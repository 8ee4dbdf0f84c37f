/*
 * cgroup_fs.c: small file helpers of the cgroup layer: write a control
 * file, read a number or a key of a flat-keyed file, remove a run's
 * directory, clean up after launchers that were killed. Launcher side, as
 * the caller.
 */
#include "cgroup_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

int cg_write(const char *dir, const char *file, const char *val, struct sb_err *err)
{
	char path[PATH_MAX + 64];
	size_t len = strlen(val);
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return sb_fail(err, errno, "open %s", path);
	/* cgroup files take one value per write(2). */
	if (write(fd, val, len) != (ssize_t)len)
		return sb_fail(err, errno, "write '%s' to %s", val, path);
	return 0;
}

int cg_read(const char *dir, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return read_small_file(path, buf, len);
}

int cg_read_u64(const char *dir, const char *file, uint64_t *ret)
{
	char buf[64];
	char *end;
	int r = cg_read(dir, file, buf, sizeof(buf));

	if (r < 0)
		return r;
	errno = 0;
	*ret = strtoull(buf, &end, 10);
	return errno || end == buf ? -EINVAL : 0;
}

bool cg_key_u64(const char *text, const char *key, uint64_t *ret)
{
	size_t klen = strlen(key);

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (strncmp(l, key, klen) == 0 && l[klen] == ' ') {
			*ret = strtoull(l + klen + 1, NULL, 10);
			return true;
		}
	}
	return false;
}

void cg_split_cpu(struct sb_result *res, double used, uint64_t user, uint64_t sys)
{
	double u = (double)user, s = (double)sys;

	/* The split is sampled at ticks (v1 cpuacct.usage_user) and may be
	 * empty for a short run, while the total is exact. */
	if (u + s <= 0) {
		u = res->cpu_user_s;
		s = res->cpu_sys_s;
	}
	res->cpu_time_s = used;
	res->cpu_user_s = u + s > 0 ? used * u / (u + s) : used;
	res->cpu_sys_s = used - res->cpu_user_s;
}

/* A process's start time (clock ticks since boot, /proc/PID/stat field
 * 22): with the pid it names one process for the life of the machine,
 * where a pid alone is reused. 0 when the process does not exist. */
static unsigned long long start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold spaces and ')': fields start after the last ')'. */
	p = strrchr(buf, ')');
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		t = strtoull(p + 1, NULL, 10);
	return t;
}

void cg_run_name(char *buf, size_t len)
{
	snprintf(buf, len, "sandbox-%d-%llu", (int)getpid(), start_time(getpid()));
}

/* Whether the launcher that named a run cgroup "sandbox-PID-START" is gone.
 * A bare "sandbox-PID" (an older launcher) is judged by the pid alone. */
static bool launcher_gone(const char *name)
{
	unsigned long long start = 0;
	char *end;
	long pid = strtol(name, &end, 10);

	if (end == name || pid <= 0 || (*end && *end != '-'))
		return false; /* not one of ours */
	if (*end == '-') {
		start = strtoull(end + 1, &end, 10);
		if (*end)
			return false;
	}
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return true;
	/* The pid is taken: by the launcher that made the directory only if
	 * it started when the name says. Our own names always carry a start
	 * time, so a bare one with our pid is a dead launcher's. */
	if (!start)
		return pid == getpid();
	return start_time((pid_t)pid) != start;
}

static bool rmdir_once(const char *dir)
{
	return rmdir(dir) == 0 || errno == ENOENT;
}

void cg_rmdir(const char *dir)
{
	const struct timespec ms = { 0, 1000000 };

	/* Right after the last task is reaped the kernel may still count it
	 * for a moment (EBUSY); a few retries cover that. */
	for (int i = 0; i < 100; i++) {
		if (rmdir_once(dir) || errno != EBUSY)
			return;
		nanosleep(&ms, NULL);
	}
}

/* A launcher killed by SIGKILL leaves its run's cgroup behind (its init
 * died of PDEATHSIG, so it is empty or soon will be). Names carry the
 * launcher's pid and start time: remove those whose launcher is gone, and
 * only those, so a reused pid can neither hide a stale directory nor make
 * a live run's directory look stale. */
void cg_clean_stale(const char *parent, const char *kill_file)
{
	DIR *d = opendir(parent);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[PATH_MAX + 300];

		if (strncmp(de->d_name, "sandbox-", 8) != 0 || !launcher_gone(de->d_name + 8))
			continue;
		snprintf(path, sizeof(path), "%s/%s", parent, de->d_name);
		if (kill_file) {
			struct sb_err e = SB_ERR_INIT;

			cg_write(path, kill_file, "1", &e);
		}
		/* Killed tasks may take a moment to leave: wait like a run's own. */
		cg_rmdir(path);
	}
	closedir(d);
}
