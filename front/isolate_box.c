/*
 * isolate_box.c: isolate's box lifecycle, rootless (part of the isolate
 * front end; runs as the caller, in the caller's namespaces).
 *
 * A box is BOX_ROOT/ID with box/ inside, owned by the caller. BOX_ROOT is
 * per user: $ISOLATE_BOX_ROOT, else box_root in the config file, else
 * $XDG_RUNTIME_DIR/isolate, else /tmp/isolate-UID; it must be a directory
 * of the caller that nobody else may write. The config file is
 * $ISOLATE_CONFIG_FILE, else ~/.config/sandbox/isolate.cf, else
 * /etc/sandbox/isolate.cf, in isolate's "key = value" format.
 *
 * Locks are isolate's: LOCK_ROOT/ID (default BOX_ROOT/locks/ID) records the
 * owner, the cgroup mode and whether --init finished; it is flock()ed while
 * a command works on the box and never unlinked (truncated on cleanup), so
 * two commands can never hold two different files for one box.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isolate.h"
#include "layers.h"
#include "util.h"

#define LOCK_MAGIC "sandbox-isolate-box"

/* ---- configuration ---- */

static bool set_path(char *dst, const char *v)
{
	if (v[0] != '/' || strlen(v) >= 4096)
		return false;
	snprintf(dst, 4096, "%s", v);
	return true;
}

/* One "key = value" line; 0, or -1 with *why set. Keys isolate has for
 * per-box CPU pinning and for root-only set-up are accepted and ignored. */
static int config_line(struct iso_config *cf, char *key, char *val, const char **why)
{
	char *end;

	*why = "expected an absolute path";
	if (strcmp(key, "box_root") == 0)
		return set_path(cf->box_root, val) ? 0 : -1;
	if (strcmp(key, "lock_root") == 0)
		return set_path(cf->lock_root, val) ? 0 : -1;
	/* isolate 2.x's "auto:/run/isolate/cgroup" names its keeper's
	 * cgroup: here the core finds the caller's own. */
	if (strcmp(key, "cg_root") == 0)
		return strncmp(val, "auto:", 5) == 0 || set_path(cf->cg_root, val) ? 0 : -1;
	*why = "expected a number";
	if (strcmp(key, "first_uid") == 0 || strcmp(key, "first_gid") == 0 || strcmp(key, "num_boxes") == 0) {
		uint64_t v;

		errno = 0;
		v = strtoull(val, &end, 10);
		if (errno || end == val || *end || v > 0xfffffffeULL)
			return -1;
		*(strcmp(key, "first_uid") == 0 ? &cf->first_uid : strcmp(key, "first_gid") == 0 ? &cf->first_gid
												   : &cf->num_boxes) = v;
		return 0;
	}
	if (strcmp(key, "restricted_init") == 0 || strncmp(key, "box", 3) == 0)
		return 0;
	*why = "unknown key (expected box_root, lock_root, cg_root, first_uid, first_gid or num_boxes)";
	return -1;
}

static int config_read(const struct iso_opts *o, struct iso_config *cf, const char *file)
{
	char line[8192];
	unsigned n = 0;
	FILE *f = fopen(file, "re");

	if (!f)
		return errno == ENOENT || errno == EACCES ? 1 : isolate_die(o, "Cannot open %s: %s", file, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *key = line, *eq, *val;
		const char *why;

		n++;
		line[strcspn(line, "#\n")] = '\0';
		key += strspn(key, " \t");
		if (!*key)
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			fclose(f);
			return isolate_die(o, "%s:%u: expected 'key = value'", file, n);
		}
		val = eq + 1 + strspn(eq + 1, " \t");
		while (eq > key && (eq[-1] == ' ' || eq[-1] == '\t'))
			eq--;
		*eq = '\0';
		for (char *t = val + strlen(val); t > val && (t[-1] == ' ' || t[-1] == '\t');)
			*--t = '\0';
		if (config_line(cf, key, val, &why) < 0) {
			fclose(f);
			return isolate_die(o, "%s:%u: %s: %s", file, n, key, why);
		}
	}
	fclose(f);
	snprintf(cf->source, sizeof(cf->source), "%s", file);
	return 0;
}

static int config_load(const struct iso_opts *o, struct iso_config *cf)
{
	const char *env = getenv("ISOLATE_CONFIG_FILE"), *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
	const char *run = getenv("XDG_RUNTIME_DIR");
	char user[4200];
	struct stat st;
	int r;

	memset(cf, 0, sizeof(*cf));
	cf->first_uid = cf->first_gid = 60000;
	cf->num_boxes = 1ULL << 31;
	snprintf(cf->source, sizeof(cf->source), "built-in defaults");
	if (env && *env) {
		r = config_read(o, cf, env);
		if (r == 1)
			return isolate_die(o, "Cannot open %s (ISOLATE_CONFIG_FILE): %s", env, strerror(ENOENT));
	} else {
		if (xdg && *xdg == '/')
			snprintf(user, sizeof(user), "%s/sandbox/isolate.cf", xdg);
		else
			snprintf(user, sizeof(user), "%s/.config/sandbox/isolate.cf", home && *home ? home : "/nonexistent");
		r = config_read(o, cf, user);
		if (r == 1)
			r = config_read(o, cf, "/etc/sandbox/isolate.cf");
	}
	if (r == ISO_EXIT_ERROR)
		return r;
	if ((env = getenv("ISOLATE_BOX_ROOT")) && *env && !set_path(cf->box_root, env))
		return isolate_die(o, "ISOLATE_BOX_ROOT must be an absolute path, not '%s'", env);
	if (!cf->box_root[0]) {
		/* A tmpfs of the caller's own that the session clears, else a
		 * directory in /tmp that must turn out to be ours. */
		if (run && run[0] == '/' && stat(run, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid())
			snprintf(cf->box_root, sizeof(cf->box_root), "%s/isolate", run);
		else
			snprintf(cf->box_root, sizeof(cf->box_root), "/tmp/isolate-%u", (unsigned)getuid());
	}
	if (!cf->lock_root[0])
		snprintf(cf->lock_root, sizeof(cf->lock_root), "%.4080s/locks", cf->box_root);
	return 0;
}

/* dir exists (made with mode when missing) and is the caller's: not a
 * symlink, not writable by anybody else. */
static int own_dir(const struct iso_opts *o, const char *dir, mode_t mode)
{
	struct stat st;

	if (mkdir(dir, mode) < 0 && errno != EEXIST)
		return isolate_die(o, "Cannot create %s: %s", dir, strerror(errno));
	if (lstat(dir, &st) < 0)
		return isolate_die(o, "Cannot stat %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return isolate_die(o, "%s is not a directory", dir);
	if (st.st_uid != getuid())
		return isolate_die(o, "%s belongs to uid %u, not to you: choose another box root (ISOLATE_BOX_ROOT)", dir,
				   (unsigned)st.st_uid);
	if (st.st_mode & 022)
		return isolate_die(o, "%s is writable by others: chmod go-w it, or choose another box root", dir);
	return 0;
}

int iso_box_open(const struct iso_opts *o, struct iso_box *b)
{
	struct sb_err err = SB_ERR_INIT;
	struct sb_subids ids;
	int r;

	memset(b, 0, sizeof(*b));
	b->lock_fd = -1;
	b->root = getuid() == 0;
	b->owner = getuid();
	b->owner_gid = getgid();
	if (o->as_uid >= 0 || o->as_gid >= 0) {
		if (!b->root)
			return isolate_die(o, "You must be root to use --as-uid or --as-gid");
		if (o->as_uid < 0 || o->as_gid < 0)
			return isolate_die(o, "--as-uid and --as-gid must be used either both or none");
		b->owner = (uid_t)o->as_uid;
		b->owner_gid = (gid_t)o->as_gid;
	}
	r = config_load(o, &b->cf);
	if (r)
		return r;
	if (o->box_id >= b->cf.num_boxes)
		return isolate_die(o, "Sandbox ID out of range (allowed: 0-%llu)", (unsigned long long)b->cf.num_boxes - 1);
	snprintf(b->dir, sizeof(b->dir), "%s/%u", b->cf.box_root, o->box_id);
	/* A root caller's program runs as the per-box uid, which must reach
	 * the box: isolate's 0755 box dirs. Others keep theirs private. */
	b->subids = !b->root && userns_subids(&ids, &err) == 0;
	isolate_msg(o, "Box %s (config: %s); the program runs as %s\n", b->dir, b->cf.source,
		    b->root ? "the per-box uid" : b->subids ? "an id of your /etc/subuid range" :
							"you (no /etc/subuid range: your files are the program's)");
	return 0;
}

/* ---- locks ---- */

struct lock_rec {
	unsigned owner;
	int cg, initialized;
};

static int lock_write(const struct iso_opts *o, const struct iso_box *b, const struct lock_rec *l)
{
	char text[128];
	int n = snprintf(text, sizeof(text), LOCK_MAGIC " owner=%u cg=%d init=%d\n", l->owner, l->cg, l->initialized);

	if (ftruncate(b->lock_fd, 0) < 0 || pwrite(b->lock_fd, text, (size_t)n, 0) != n)
		return isolate_die(o, "Cannot write lock file: %s", strerror(errno));
	return 0;
}

/* 1 when the box exists (locked, checked), 0 when it does not (after init:
 * 1 always), or ISO_EXIT_ERROR. */
static int lock_box(const struct iso_opts *o, struct iso_box *b, bool is_init)
{
	char path[4200], text[128] = "";
	struct lock_rec l = { 0 };
	ssize_t n;
	int r;

	r = own_dir(o, b->cf.box_root, b->root ? 0755 : 0700);
	if (r == 0)
		r = own_dir(o, b->cf.lock_root, 0700);
	if (r)
		return r;
	snprintf(path, sizeof(path), "%s/%u", b->cf.lock_root, o->box_id);
	b->lock_fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (is_init ? O_CREAT : 0), 0600);
	if (b->lock_fd < 0)
		return errno == ENOENT ? 0 : isolate_die(o, "Cannot open %s: %s", path, strerror(errno));
	if (flock(b->lock_fd, LOCK_EX | (o->wait ? 0 : LOCK_NB)) < 0)
		return errno == EWOULDBLOCK ? isolate_die(o, "This box is currently in use by another process")
					    : isolate_die(o, "Cannot lock %s: %s", path, strerror(errno));
	n = pread(b->lock_fd, text, sizeof(text) - 1, 0);
	if (n > 0) {
		text[n] = '\0';
		if (sscanf(text, LOCK_MAGIC " owner=%u cg=%d init=%d", &l.owner, &l.cg, &l.initialized) != 3)
			return isolate_die(o, "Lock file %s has incompatible format", path);
		if (l.initialized && l.owner != b->owner && !b->root)
			return isolate_die(o, "This box belongs to a different user (uid %u)", l.owner);
		if (l.cg != (int)o->cg)
			return isolate_die(o, "This box was initialized with an incompatible control group mode");
	}
	if (is_init) {
		l = (struct lock_rec){ .owner = (unsigned)b->owner, .cg = o->cg, .initialized = 0 };
		r = lock_write(o, b, &l);
		return r ? r : 1;
	}
	if (n <= 0)
		return 0; /* truncated by --cleanup, or another --init just made it */
	if (!l.initialized)
		return isolate_die(o, "This box was not initialized properly");
	return 1;
}

/* ---- trees ---- */

/* Remove the entries of dir (an open directory), depth first, on its own
 * file system only; -errno of the first failure, going on regardless. */
static int empty_dir(int dfd, dev_t dev, int depth)
{
	struct dirent *de;
	DIR *d;
	int fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3), r = 0;

	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d))) {
		struct stat st;
		int sub;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev) {
			r = r ? r : -EBUSY;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			sub = depth < 512 ? openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
			if (sub < 0) {
				r = r ? r : -(depth < 512 ? errno : ELOOP);
				continue;
			}
			int e = empty_dir(sub, dev, depth + 1);

			close(sub);
			r = r ? r : e;
		}
		if (unlinkat(dfd, de->d_name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
			r = r ? r : -errno;
	}
	closedir(d);
	return r;
}

static int rmtree(void *arg)
{
	const char *dir = arg;
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), r;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	r = fstat(fd, &st) < 0 ? -errno : empty_dir(fd, st.st_dev, 0);
	close(fd);
	if (r == 0 && rmdir(dir) < 0)
		r = -errno;
	return r;
}

/* The box dir and all in it. What the program made under its own id and
 * a killed run did not hand back needs a user namespace where that id is
 * mapped (userns_run_mapped). */
static int remove_box(const struct iso_opts *o, const struct iso_box *b)
{
	struct sb_err err = SB_ERR_INIT;
	struct sb_plan p;
	int r = rmtree((void *)b->dir);

	if (r == 0 || !((r == -EACCES || r == -EPERM) && b->subids))
		return r == 0 ? 0 : isolate_die(o, "Cannot remove %s: %s", b->dir, strerror(-r));
	isolate_msg(o, "Removing files the program left under its own id\n");
	plan_init(&p);
	p.map_subids = true;
	p.uid = (uid_t)(b->cf.first_uid + o->box_id);
	p.gid = (gid_t)(b->cf.first_gid + o->box_id);
	p.subid_index = o->box_id;
	r = userns_run_mapped(&p, rmtree, (void *)b->dir, &err);
	plan_free(&p);
	return r == 0 ? 0 : isolate_die(o, "Cannot remove %s: %s", b->dir, err.msg);
}

/* A root caller's handover, as the core's "own" binds do it for the
 * others (mounts_own.c): what from owns goes to uid:gid, but a file with a
 * second name elsewhere only back to its owner, never to the program. */
struct handover {
	uid_t from, uid;
	gid_t gid;
	bool to_program;
};

static void chown_walk(int dfd, dev_t dev, const struct handover *h, int depth)
{
	struct dirent *de;
	DIR *d;
	int fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3);

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;
		int sub;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 512 &&
		    (sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
			chown_walk(sub, dev, h, depth + 1);
			close(sub);
		}
		if (st.st_uid != h->from || (h->to_program && !S_ISDIR(st.st_mode) && st.st_nlink != 1))
			continue;
		if (fchownat(dfd, de->d_name, h->uid, h->gid, AT_SYMLINK_NOFOLLOW) < 0)
			continue; /* best effort: the run reports what it cannot use */
	}
	closedir(d);
}

void iso_box_chown(const struct iso_box *b, uid_t from, uid_t uid, gid_t gid, bool to_program)
{
	const struct handover h = { .from = from, .uid = uid, .gid = gid, .to_program = to_program };
	char box[4300];
	struct stat st;
	int fd;

	snprintf(box, sizeof(box), "%s/box", b->dir);
	fd = open(box, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0) {
		chown_walk(fd, st.st_dev, &h, 0);
		if (st.st_uid == from && fchown(fd, uid, gid) < 0) {
			/* best effort, as above */
		}
	}
	close(fd);
}

/* ---- commands ---- */

int iso_box_init(const struct iso_opts *o, struct iso_box *b)
{
	char box[4300];
	int r;

	if (o->quota)
		return isolate_die(o, "Disk quotas (--quota) cannot be set up without root and quota support on the "
				      "box's file system; this isolate does not set them");
	r = lock_box(o, b, true);
	if (r != 1)
		return r;
	isolate_msg(o, "Preparing sandbox\n");
	r = remove_box(o, b);
	if (r)
		return r;
	snprintf(box, sizeof(box), "%s/box", b->dir);
	if (mkdir(b->dir, b->root ? 0755 : 0700) < 0)
		return isolate_die(o, "Cannot create %s: %s", b->dir, strerror(errno));
	if (mkdir(box, 0700) < 0)
		return isolate_die(o, "Cannot create box: %s", strerror(errno));
	if (b->root && chown(box, b->owner, b->owner_gid) < 0)
		return isolate_die(o, "Cannot chown box: %s", strerror(errno));
	r = lock_write(o, b, &(struct lock_rec){ .owner = (unsigned)b->owner, .cg = o->cg, .initialized = 1 });
	if (r)
		return r;
	printf("%s\n", b->dir);
	return fflush(stdout) == 0 ? 0 : isolate_die(o, "Cannot write to stdout: %s", strerror(errno));
}

int iso_box_cleanup(const struct iso_opts *o, struct iso_box *b)
{
	int r = lock_box(o, b, false);

	if (r == 0) {
		isolate_msg(o, "Nothing to do -- box did not exist\n");
		return 0;
	}
	if (r != 1)
		return r;
	isolate_msg(o, "Deleting sandbox\n");
	r = remove_box(o, b);
	if (r)
		return r;
	/* Never unlinked: a racing command would lock a file nobody else sees. */
	if (ftruncate(b->lock_fd, 0) < 0)
		return isolate_die(o, "Cannot truncate lock file: %s", strerror(errno));
	return 0;
}

int iso_box_lock_run(const struct iso_opts *o, struct iso_box *b)
{
	int r = lock_box(o, b, false);

	if (r == 0)
		return isolate_die(o, "Box not found, did you run `isolate%s --init'?", o->cg ? " --cg" : "");
	return r == 1 ? 0 : r;
}

void iso_box_close(struct iso_box *b)
{
	if (b->lock_fd >= 0)
		close(b->lock_fd);
	b->lock_fd = -1;
}
