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
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
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

void cg_run_name(char *buf, size_t len)
{
	snprintf(buf, len, "sandbox-%d", (int)getpid());
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
 * launcher's pid: remove those whose launcher is gone. */
void cg_clean_stale(const char *parent, const char *kill_file)
{
	DIR *d = opendir(parent);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[PATH_MAX + 300], *end;
		long pid;

		if (strncmp(de->d_name, "sandbox-", 8) != 0)
			continue;
		pid = strtol(de->d_name + 8, &end, 10);
		if (*end || pid <= 0 || pid == getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", parent, de->d_name);
		if (kill_file) {
			struct sb_err e = SB_ERR_INIT;

			cg_write(path, kill_file, "1", &e);
		}
		rmdir_once(path);
	}
	closedir(d);
}
