/*
 * mounts_own.c: "own" binds change hands for the run (isolate's chown of
 * the box to the box uid and back), part of the mount layer. Init does it,
 * as inside 0 with CAP_CHOWN over the caller's and the command's mapped
 * ids (--map-to subuid, checked by plan_validate), while no other process
 * of the sandbox exists: right after the bind is mounted, before the
 * payload is forked, and after the last process was reaped. When the run
 * ended without init (a limit's SIGKILL tears the pid namespace down),
 * the launcher hands the trees back from outside instead, in a user
 * namespace mapped like the sandbox's (mounts_release_host).
 *
 * Directory fds and AT_SYMLINK_NOFOLLOW, so nothing is followed out of the
 * tree; mounts below it (another device) are left alone. Only directories
 * and files with a single name are handed over: a hard link into the tree
 * of a file that also lives elsewhere keeps its owner.
 */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layers.h"
#include "mounts_impl.h"
#include "util.h"

struct own_req {
	uid_t from; /* hand over what this (inside) uid owns */
	uid_t to_uid;
	gid_t to_gid;
	bool single_link; /* but only files without another name elsewhere */
};

/* Deeper than this stays as it is: each level holds a descriptor. */
#define OWN_MAX_DEPTH 256

static void own_one(int dfd, const char *name, const struct stat *st, const struct own_req *q)
{
	if (st->st_uid != q->from)
		return;
	if (q->single_link && !S_ISDIR(st->st_mode) && st->st_nlink != 1)
		return;
	/* Ids not mapped here (EPERM, EINVAL) stay as they are. */
	if (fchownat(dfd, name, q->to_uid, q->to_gid, AT_SYMLINK_NOFOLLOW | (*name ? 0 : AT_EMPTY_PATH)) < 0)
		return;
}

static void own_walk(int dfd, dev_t dev, const struct own_req *q, int depth)
{
	struct dirent *de;
	DIR *d;
	int fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3);

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;
		int sub;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev)
			continue;
		if (S_ISDIR(st.st_mode) && depth < OWN_MAX_DEPTH &&
		    (sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
			own_walk(sub, dev, q, depth + 1);
			close(sub);
		}
		own_one(dfd, de->d_name, &st, q);
	}
	closedir(d);
}

static void own_tree(const char *dir, const struct own_req *q)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return;
	own_walk(fd, st.st_dev, q, 0);
	own_one(fd, "", &st, q);
}

void mounts_own(const struct sb_plan *p, const char *path)
{
	const struct own_req to = { .from = 0, .to_uid = p->uid, .to_gid = p->gid, .single_link = true };

	own_tree(path, &to);
}

void mounts_release(const struct sb_plan *p)
{
	const struct own_req back = { .from = p->uid, .to_uid = 0, .to_gid = 0 };

	/* After the pivot the binds are at their own paths, as the payload
	 * saw them. */
	for (size_t i = 0; i < p->n_mounts; i++)
		if (p->mounts[i].flags & SB_MNT_OWN)
			own_tree(p->mounts[i].dst, &back);
}

int mounts_release_host(void *plan)
{
	const struct sb_plan *p = plan;
	const struct own_req back = { .from = p->uid, .to_uid = 0, .to_gid = 0 };

	/* From the caller's mount namespace: the binds' sources. */
	for (size_t i = 0; i < p->n_mounts; i++)
		if ((p->mounts[i].flags & SB_MNT_OWN) && p->mounts[i].src)
			own_tree(p->mounts[i].src, &back);
	return 0;
}
