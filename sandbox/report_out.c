/*
 * report_out.c: where the result files (--report, --meta) go, so a judge
 * never reads a half-written, missing or stale result. Launcher side, as
 * the caller, before the run and after it.
 *
 * Before the run, each path gets a temp file beside it (".NAME.XXXXXX" in
 * the same directory): that proves the directory writable while failing is
 * still cheap (exit 125, nothing started). After the run the result is
 * written there, checked (every write, flush and close), and renamed over
 * the path in one step. A path that is not a regular file (a FIFO, a
 * character device such as /dev/full, "-" for stderr) or names one of the
 * caller's descriptors (/dev/stdout, /proc/self/fd/N) is written in place:
 * renaming over it would replace a device node or miss the descriptor.
 */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

void report_out_init(struct sb_report_out *o)
{
	for (int i = 0; i < 2; i++)
		o->f[i] = (struct report_file){ .fd = -1 };
	o->opened = false;
}

static int open_direct(struct report_file *f, const char *what, struct sb_err *err)
{
	if (strcmp(f->path, "-") == 0) {
		f->fd = STDERR_FILENO;
		return 0;
	}
	/* A FIFO is opened when the result is ready (opening it now would
	 * wait for its reader); a device now, to fail early. */
	if (access(f->path, W_OK) < 0)
		return sb_fail(err, errno, "%s '%s' is not writable", what, f->path);
	return 0;
}

/* Resolve a symlink at the path to what it names, so the rename replaces
 * the file the caller meant and not the link. */
static int resolve(struct report_file *f, const char *what, struct stat *st, bool *exists, struct sb_err *err)
{
	char *real;

	*exists = lstat(f->path, st) == 0;
	if (!*exists || !S_ISLNK(st->st_mode))
		return 0;
	real = realpath(f->path, NULL);
	if (!real)
		return sb_fail(err, errno, "%s '%s' is a symlink that leads nowhere", what, f->path);
	free(f->path);
	f->path = real;
	*exists = stat(f->path, st) == 0;
	return 0;
}

static int open_one(struct report_file *f, const char *path, const char *what, struct sb_err *err)
{
	_cleanup_free_ char *dir_copy = NULL, *base_copy = NULL;
	struct stat st;
	bool exists;
	int r;

	f->path = strdup(path);
	if (!f->path)
		return sb_fail(err, ENOMEM, "%s path", what);
	/* "-", /dev/stdout, /dev/fd/N, /proc/self/fd/N: the caller's own
	 * descriptors, written in place (a rename would go around them). */
	f->direct = strcmp(path, "-") == 0 || strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0;
	if (!f->direct && (r = resolve(f, what, &st, &exists, err)) < 0)
		return r;
	if (!f->direct && exists && S_ISDIR(st.st_mode))
		return sb_failx(err, EISDIR, "%s '%s' is a directory; name a file", what, path);
	if (!f->direct && exists && !S_ISREG(st.st_mode))
		f->direct = true;
	if (f->direct)
		return open_direct(f, what, err);
	dir_copy = strdup(f->path);
	base_copy = strdup(f->path);
	if (!dir_copy || !base_copy)
		return sb_fail(err, ENOMEM, "%s path", what);
	if (asprintf(&f->tmp, "%s/.%s.XXXXXX", dirname(dir_copy), basename(base_copy)) < 0) {
		f->tmp = NULL;
		return sb_fail(err, ENOMEM, "%s path", what);
	}
	f->fd = mkostemp(f->tmp, O_CLOEXEC);
	if (f->fd < 0) {
		r = sb_fail(err, errno, "%s '%s': cannot create a file in its directory", what, path);
		free(f->tmp);
		f->tmp = NULL;
		return r;
	}
	/* mkstemp makes 0600; give the result the mode a plain create would
	 * (or the replaced file's), so a judge running as another user reads it. */
	if (exists) {
		fchmod(f->fd, st.st_mode & 07777);
	} else {
		mode_t um = umask(0);

		umask(um);
		fchmod(f->fd, 0666 & ~um);
	}
	return 0;
}

int report_out_open(const struct sb_plan *p, struct sb_report_out *o, struct sb_err *err)
{
	const char *paths[2] = { p->report_path, p->meta_path };
	static const char *const what[2] = { "--report", "--meta" };
	int r;

	o->opened = true;
	for (int i = 0; i < 2; i++) {
		if (!paths[i])
			continue;
		r = open_one(&o->f[i], paths[i], what[i], err);
		if (r < 0) {
			report_out_release(o);
			return r;
		}
	}
	return 0;
}

static int put_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int report_out_commit(struct report_file *f, const char *text, size_t len, const char *what, struct sb_err *err)
{
	int fd = f->fd, r;

	if (f->direct && fd < 0) {
		fd = f->fd = open(f->path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return sb_fail(err, errno, "cannot write %s '%s'", what, f->path);
	}
	r = put_all(fd, text, len);
	if (r < 0)
		return sb_fail(err, -r, "cannot write %s '%s'", what, f->path);
	if (f->direct)
		return 0;
	/* close() reports what a network file system deferred. */
	r = close(fd);
	f->fd = -1;
	if (r < 0)
		return sb_fail(err, errno, "cannot write %s '%s'", what, f->path);
	if (rename(f->tmp, f->path) < 0)
		return sb_fail(err, errno, "cannot put %s in place at '%s'", what, f->path);
	free(f->tmp);
	f->tmp = NULL;
	return 0;
}

void report_out_release(struct sb_report_out *o)
{
	for (int i = 0; i < 2; i++) {
		struct report_file *f = &o->f[i];

		if (f->fd > STDERR_FILENO)
			close(f->fd);
		if (f->tmp)
			unlink(f->tmp);
		free(f->tmp);
		free(f->path);
		f->tmp = f->path = NULL;
		f->fd = -1;
	}
}
