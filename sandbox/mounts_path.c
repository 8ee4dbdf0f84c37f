/*
 * mounts_path.c: where a mount lands in the new root, and how a missing
 * mount point is made. Run by init (pid 1) in its own mount namespace,
 * holding CAP_SYS_ADMIN over it, while the new root is assembled at
 * NEWROOT (mounts.c).
 *
 * Destinations are resolved the way the payload will see them: a symlink
 * in an image (/var/run -> /run) is followed inside the new root, never
 * out to the base tmpfs or the host.
 *
 * An image (--rootfs, an OCI root) is bound read-only before anything is
 * mounted in it, so it is never written to: no mount point, symlink or
 * file is created in it. When an entry must be created in a read-only
 * directory (EROFS), the directory is "mirrored": a tmpfs is mounted over
 * it holding a bind of each of its entries (the same symlinks, files and
 * directories, submounts included), and the entry is created in the
 * mirror. Mirrors are made read-only before the pivot, like the directory
 * they stand in for. This also works for an image owned by root and a
 * caller without privileges: the mirror is ours, the image only read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mounts_impl.h"
#include "syscalls.h"
#include "util.h"

#define MIRROR_SRC "/mirror-src"
#define MAX_LINKS 40
#define MAX_MIRRORS 64

/* Mirror tmpfs mounts, held open so sealing reaches the mirror itself
 * even when a later mount covers its path. */
static int mirror_fd[MAX_MIRRORS];
static size_t n_mirrors;

/* Append "/name" (n bytes) to cur; -ENAMETOOLONG when it does not fit. */
static int append(char *cur, size_t cap, const char *name, size_t n)
{
	size_t len = strlen(cur);

	if (len + 1 + n + 1 > cap)
		return -ENAMETOOLONG;
	cur[len] = '/';
	memcpy(cur + len + 1, name, n);
	cur[len + 1 + n] = '\0';
	return 0;
}

/* Replace todo with "link/rest"; cur restarts at the root for an absolute
 * link (it is resolved inside the new root, as the payload sees it). */
static int splice_link(char *cur, char *todo, size_t cap, const char *link, const char *rest)
{
	char next[PATH_MAX];

	if ((size_t)snprintf(next, sizeof(next), "%s/%s", link, rest) >= sizeof(next))
		return -ENAMETOOLONG;
	if (link[0] == '/')
		cur[0] = '\0';
	snprintf(todo, cap, "%s", next);
	return 0;
}

int mounts_resolve(const char *dst, bool follow_last, char *out, size_t len, struct sb_err *err)
{
	char cur[PATH_MAX] = "", todo[PATH_MAX], full[PATH_MAX], link[PATH_MAX];
	int links = 0;

	if ((size_t)snprintf(todo, sizeof(todo), "%s", dst) >= sizeof(todo))
		return sb_failx(err, ENAMETOOLONG, "path too long: %s", dst);
	for (char *p = todo; *p;) {
		size_t n = strcspn(p, "/");
		char *rest = p + n + (p[n] == '/');
		struct stat st;
		ssize_t k;

		if (n == 0 || (n == 1 && p[0] == '.')) {
			p = rest;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(cur, '/');

			if (slash)
				*slash = '\0';
			p = rest;
			continue;
		}
		snprintf(full, sizeof(full), "%s%s/%.*s", NEWROOT, cur, (int)n, p);
		if (lstat(full, &st) < 0 || !S_ISLNK(st.st_mode) || (!*rest && !follow_last)) {
			/* A missing component: the rest is created as named. */
			if (append(cur, sizeof(cur), p, n) < 0)
				return sb_failx(err, ENAMETOOLONG, "path too long: %s", dst);
			p = rest;
			continue;
		}
		k = readlink(full, link, sizeof(link) - 1);
		if (k < 0)
			return sb_fail(err, errno, "read link %s", mounts_shown(full));
		link[k] = '\0';
		if (++links > MAX_LINKS)
			return sb_failx(err, ELOOP, "too many symlinks resolving %s", dst);
		if (splice_link(cur, todo, sizeof(todo), link, rest) < 0)
			return sb_failx(err, ENAMETOOLONG, "path too long: %s", dst);
		p = todo;
	}
	if ((size_t)snprintf(out, len, "%s%s", NEWROOT, cur) >= len)
		return sb_failx(err, ENAMETOOLONG, "path too long: %s", dst);
	return 0;
}

/* One entry of the mirrored directory: the same symlink, or a bind of the
 * file or directory (recursive: its submounts come along, with their own
 * flags, read-only ones included). */
static int mirror_entry(const char *dir, const char *name, struct sb_err *err)
{
	char src[PATH_MAX], dst[PATH_MAX], link[PATH_MAX];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(src, sizeof(src), MIRROR_SRC "/%s", name);
	if ((size_t)snprintf(dst, sizeof(dst), "%s/%s", dir, name) >= sizeof(dst))
		return sb_failx(err, ENAMETOOLONG, "path too long: %s/%s", mounts_shown(dir), name);
	if (lstat(src, &st) < 0)
		return sb_fail(err, errno, "mirror %s", mounts_shown(dst));
	if (S_ISLNK(st.st_mode)) {
		n = readlink(src, link, sizeof(link) - 1);
		if (n < 0)
			return sb_fail(err, errno, "read link %s", mounts_shown(dst));
		link[n] = '\0';
		if (symlink(link, dst) < 0)
			return sb_fail(err, errno, "mirror link %s", mounts_shown(dst));
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		if (mkdir(dst, st.st_mode & 07777) < 0)
			return sb_fail(err, errno, "mirror directory %s", mounts_shown(dst));
	} else {
		fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777);
		if (fd < 0)
			return sb_fail(err, errno, "mirror file %s", mounts_shown(dst));
		close(fd);
	}
	if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return sb_fail(err, errno, "mirror %s", mounts_shown(dst));
	return 0;
}

static int mirror_entries(const char *dir, struct sb_err *err)
{
	DIR *d = opendir(MIRROR_SRC);
	struct dirent *de;
	int r = 0;

	if (!d)
		return sb_fail(err, errno, "read directory %s", mounts_shown(dir));
	while (r == 0 && (de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			r = mirror_entry(dir, de->d_name, err);
	closedir(d);
	return r;
}

/* Stand a writable tmpfs in for the read-only directory dir. */
static int mirror(const char *dir, struct sb_err *err)
{
	char opts[32];
	struct stat st;
	int r;

	if (n_mirrors == MAX_MIRRORS)
		return sb_failx(err, ENOSPC, "more than %d read-only directories need new mount points", MAX_MIRRORS);
	if (stat(dir, &st) < 0)
		return sb_fail(err, errno, "stat %s", mounts_shown(dir));
	if (mkdir(MIRROR_SRC, 0700) < 0 && errno != EEXIST)
		return sb_fail(err, errno, "create " MIRROR_SRC);
	if (mount(dir, MIRROR_SRC, NULL, MS_BIND | MS_REC, NULL) < 0)
		return sb_fail(err, errno, "bind %s aside", mounts_shown(dir));
	snprintf(opts, sizeof(opts), "mode=%o", (unsigned)(st.st_mode & 07777));
	if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0) {
		r = sb_fail(err, errno, "mount a tmpfs over %s", mounts_shown(dir));
	} else {
		mirror_fd[n_mirrors] = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		r = mirror_fd[n_mirrors] < 0 ? sb_fail(err, errno, "open %s", mounts_shown(dir)) : 0;
		if (r == 0)
			n_mirrors++;
		if (r == 0)
			r = mirror_entries(dir, err);
	}
	umount2(MIRROR_SRC, MNT_DETACH);
	return r;
}

enum entry_kind { ENTRY_DIR, ENTRY_FILE, ENTRY_LINK };

static int try_create(const char *path, enum entry_kind k, mode_t mode, const char *target)
{
	int fd;

	switch (k) {
	case ENTRY_DIR:
		return mkdir(path, mode);
	case ENTRY_LINK:
		return symlink(target, path);
	case ENTRY_FILE:
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0)
			close(fd);
		return fd < 0 ? -1 : 0;
	}
	errno = EINVAL;
	return -1;
}

/* Create one entry; a read-only parent is mirrored first, then retried. */
static int create_entry(const char *path, enum entry_kind k, mode_t mode, const char *target, struct sb_err *err)
{
	char parent[PATH_MAX];
	char *slash;
	int r;

	if (try_create(path, k, mode, target) == 0 || (errno == EEXIST && k != ENTRY_LINK))
		return 0;
	if (errno != EROFS)
		return sb_fail(err, errno, "create %s", mounts_shown(path));
	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return sb_failx(err, EROFS, "create %s: read-only", mounts_shown(path));
	*slash = '\0';
	r = mirror(parent, err);
	if (r < 0)
		return sb_wrap(err, "make room for %s", mounts_shown(path));
	if (try_create(path, k, mode, target) < 0 && (errno != EEXIST || k == ENTRY_LINK))
		return sb_fail(err, errno, "create %s", mounts_shown(path));
	return 0;
}

/* Every missing directory above path (which is under NEWROOT). */
static int make_parents(const char *path, struct sb_err *err)
{
	char buf[PATH_MAX];
	struct stat st;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *c = buf + sizeof(NEWROOT); (c = strchr(c, '/')); c++) {
		int r;

		*c = '\0';
		if (lstat(buf, &st) == 0) {
			if (!S_ISDIR(st.st_mode))
				return sb_failx(err, ENOTDIR, "%s is not a directory", mounts_shown(buf));
		} else if ((r = create_entry(buf, ENTRY_DIR, 0755, NULL, err)) < 0) {
			return r;
		}
		*c = '/';
	}
	return 0;
}

int mounts_target(const char *path, bool dir, mode_t mode, struct sb_err *err)
{
	struct stat st;
	int r;

	if (stat(path, &st) == 0) {
		if (dir && !S_ISDIR(st.st_mode))
			return sb_failx(err, ENOTDIR, "mount point %s is not a directory", mounts_shown(path));
		if (!dir && S_ISDIR(st.st_mode))
			return sb_failx(err, EISDIR, "mount point %s is a directory, the source a file",
					mounts_shown(path));
		return 0;
	}
	r = make_parents(path, err);
	if (r < 0)
		return r;
	return create_entry(path, dir ? ENTRY_DIR : ENTRY_FILE, dir ? mode : 0644, NULL, err);
}

int mounts_symlink(const char *target, const char *path, struct sb_err *err)
{
	char old[PATH_MAX];
	struct stat st;
	ssize_t n;
	int r;

	if (lstat(path, &st) == 0 && !S_ISLNK(st.st_mode))
		return sb_failx(err, EEXIST, "symlink %s -> %s: something else is there", mounts_shown(path), target);
	n = readlink(path, old, sizeof(old) - 1);
	if (n >= 0) {
		/* Re-creating the same link (two policies agree) is fine. */
		old[n] = '\0';
		if (strcmp(old, target) == 0)
			return 0;
		return sb_failx(err, EEXIST, "symlink %s -> %s: a link to %s is already there", mounts_shown(path),
				target, old);
	}
	r = make_parents(path, err);
	if (r < 0)
		return r;
	return create_entry(path, ENTRY_LINK, 0, target, err);
}

int mounts_seal_mirrors(struct sb_err *err)
{
	struct sb_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
	int r = 0;

	for (size_t i = 0; i < n_mirrors; i++) {
		if (r == 0 && sys_mount_setattr(mirror_fd[i], "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
			r = sb_fail(err, errno, "make a mirrored directory read-only");
		close(mirror_fd[i]);
	}
	n_mirrors = 0;
	return r;
}
