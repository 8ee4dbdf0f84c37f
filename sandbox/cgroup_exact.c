/*
 * cgroup_exact.c: a run's cgroup named exactly by the plan (an OCI
 * config's cgroupsPath) instead of a "sandbox-PID" child of a parent, for
 * runs that outlive their launcher (launcher_create). Launcher side, as
 * the caller (the engine: root, or a user with a delegated subtree).
 *
 * The path is taken as runc takes it: absolute ones below each
 * hierarchy's mount, relative ones below the caller's own cgroup; missing
 * parents are created (a new v1 cpuset level gets its parent's CPUs and
 * memory nodes, a new v2 level the controllers the run needs). Such a
 * cgroup is not cleaned as stale and is kept when the detached launcher
 * exits (cgroup_forget); the engine's delete removes it
 * (cgroup_remove_exact), after its processes.
 */
#include "cgroup_impl.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "util.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* A new level's cpuset starts empty (v1): copy the parent's. */
static int inherit_cpuset(const char *parent, const char *dir, struct sb_err *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	char v[256];

	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		if (cg_read(parent, files[i], v, sizeof(v)) <= 0)
			return sb_failx(err, EINVAL, "cgroup %s has no %s to copy", parent, files[i]);
		v[strcspn(v, "\n")] = '\0';
		if (cg_write(dir, files[i], v, err) < 0)
			return -err->errnum;
	}
	return 0;
}

/* v2: a new level's parent hands it the controllers (space-separated). */
static int enable_in(const char *parent, const char *ctls, struct sb_err *err)
{
	char word[32];

	for (const char *c = ctls; c && *c;) {
		size_t n = strcspn(c, " ");

		snprintf(word, sizeof(word), "+%.*s", (int)n, c);
		if (cg_write(parent, "cgroup.subtree_control", word, err) < 0)
			return -err->errnum;
		c += n + (c[n] == ' ');
	}
	return 0;
}

int cg_exact_dir(const char *base, const struct cg_where *w, const char *own, const struct cg_exact_how *how,
		 char *out, struct sb_err *err)
{
	char path[PATH_MAX];
	size_t start;

	if (w->rel)
		snprintf(path, sizeof(path), "%s%s/%s", base, strcmp(own, "/") ? own : "", w->path);
	else
		snprintf(path, sizeof(path), "%s%s", base, w->path);
	if (strstr(path, "/../") || strlen(path) >= PATH_MAX - 1)
		return sb_failx(err, EINVAL, "cgroup path %s: '..' or too long", w->path);
	start = strlen(base) + 1;
	for (char *c = path + start;; c++) {
		char save = *c;

		if (save != '/' && save != '\0')
			continue;
		*c = '\0';
		if (mkdir(path, 0755) == 0) {
			char parent[PATH_MAX];

			snprintf(parent, sizeof(parent), "%.*s", (int)(strrchr(path, '/') - path), path);
			if (how->cpuset && inherit_cpuset(parent, path, err) < 0)
				return sb_wrap(err, "create cgroup %s", path);
			if (enable_in(parent, how->v2_enable, err) < 0)
				return sb_wrap(err, "create cgroup %s", path);
		} else if (errno != EEXIST) {
			return sb_fail(err, errno, "create cgroup %s (from %s)", path, w->origin);
		} else if (how->v2_enable && save) {
			/* An existing level must hand the controllers on too;
			 * one that cannot (it holds processes) leaves the leaf
			 * without them, and its limits then fail clearly. */
			struct sb_err ignored = SB_ERR_INIT;

			enable_in(path, how->v2_enable, &ignored);
		}
		*c = save;
		if (!save)
			break;
	}
	snprintf(out, PATH_MAX, "%s", path);
	return 0;
}

void cgroup_forget(struct sb_cgroup *cg)
{
	struct cg_state *s = cg->impl;

	if (!s)
		return;
	/* Close what the launcher holds; the directories stay. */
	if (s->version == '2') {
		s->dir[0] = '\0';
		cgroup_v2_release(s);
	} else {
		for (int c = 0; c < CG1_MAX; c++)
			s->v1dir[c][0] = '\0';
		cgroup_v1_release(s);
	}
	free(s);
	cg->impl = NULL;
	cg->clone_fd = cg->event_fd = -1;
}

/* SIGKILL what is left in dir, then remove it. */
static void remove_dir(const char *dir)
{
	char procs[PATH_MAX + 16], line[32];
	FILE *f;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	for (int round = 0; round < 3 && (f = fopen(procs, "re")); round++) {
		bool any = false;

		while (fgets(line, sizeof(line), f))
			any |= kill((pid_t)atoi(line), SIGKILL) == 0;
		fclose(f);
		if (!any)
			break;
		usleep(10000);
	}
	cg_rmdir(dir);
}

/* The caller's own cgroup in the hierarchy whose /proc/self/cgroup
 * controller list is ctl ("" for v2's "0::" line). */
static void own_path(const char *ctl, char *out, size_t len)
{
	char line[PATH_MAX + 128];
	FILE *f = fopen("/proc/self/cgroup", "re");

	snprintf(out, len, "/");
	while (f && fgets(line, sizeof(line), f)) {
		char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;

		if (!b || (size_t)(b - a - 1) != strlen(ctl) || strncmp(a + 1, ctl, strlen(ctl)) != 0)
			continue;
		b[strcspn(b, "\n")] = '\0';
		snprintf(out, len, "%s", b + 1);
	}
	if (f)
		fclose(f);
}

void cgroup_remove_exact(const char *path)
{
	struct cg_where w = { .path = path, .rel = path[0] != '/', .exact = true };
	char dir[PATH_MAX], own[PATH_MAX];
	struct statfs sf;
	struct dirent *de;
	DIR *d;

	if (statfs(CG_MOUNT, &sf) == 0 && sf.f_type == (typeof(sf.f_type))CGROUP2_SUPER_MAGIC) {
		own_path("", own, sizeof(own));
		snprintf(dir, sizeof(dir), "%s%s/%s", CG_MOUNT, w.rel && strcmp(own, "/") ? own : "", path + !w.rel);
		remove_dir(dir);
		return;
	}
	/* v1 (and a hybrid's unified mount): every hierarchy holds a copy. */
	d = opendir(CG_MOUNT);
	while (d && (de = readdir(d))) {
		struct stat st;

		snprintf(dir, sizeof(dir), CG_MOUNT "/%s", de->d_name);
		if (de->d_name[0] == '.' || lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		own_path(strcmp(de->d_name, "unified") ? de->d_name : "", own, sizeof(own));
		snprintf(dir, sizeof(dir), CG_MOUNT "/%s%s/%s", de->d_name, w.rel && strcmp(own, "/") ? own : "",
			 path + !w.rel);
		if (access(dir, F_OK) == 0)
			remove_dir(dir);
	}
	if (d)
		closedir(d);
}

/* The directory of one /proc/PID/cgroup line ("ID:CONTROLLERS:PATH") on
 * this machine, into out. */
static bool line_dir(char *line, bool pure_v2, char *out, size_t len)
{
	char *ctls = strchr(line, ':'), *path = ctls ? strchr(ctls + 1, ':') : NULL;

	if (!path)
		return false;
	*path++ = '\0';
	path[strcspn(path, "\n")] = '\0';
	ctls++;
	if (!*ctls) /* "0::/path": the v2 hierarchy, or a hybrid's unified mount */
		snprintf(out, len, "%s%s%s", CG_MOUNT, pure_v2 ? "" : "/unified", path);
	else
		snprintf(out, len, "%s/%s%s", CG_MOUNT, strncmp(ctls, "name=", 5) ? ctls : ctls + 5, path);
	return true;
}

int cgroup_join_like(pid_t target, struct sb_err *err)
{
	char tpath[64], line[PATH_MAX + 64], self[8192] = "", dir[PATH_MAX + 64], pid[16];
	struct statfs sf;
	bool pure_v2 = statfs(CG_MOUNT, &sf) == 0 && sf.f_type == (typeof(sf.f_type))CGROUP2_SUPER_MAGIC;
	FILE *f = fopen("/proc/self/cgroup", "re");
	size_t n = f ? fread(self, 1, sizeof(self) - 1, f) : 0;
	int r = 0;

	if (f)
		fclose(f);
	self[n] = '\0';
	snprintf(tpath, sizeof(tpath), "/proc/%d/cgroup", (int)target);
	f = fopen(tpath, "re");
	if (!f)
		return sb_fail(err, errno, "read %s", tpath);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	while (r == 0 && fgets(line, sizeof(line), f)) {
		/* Already there (the same line in ours): nothing to do. */
		if (strstr(self, line))
			continue;
		if (line_dir(line, pure_v2, dir, sizeof(dir)))
			r = cg_write(dir, "cgroup.procs", pid, err);
	}
	fclose(f);
	return r;
}
