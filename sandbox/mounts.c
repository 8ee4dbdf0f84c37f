/*
 * mounts.c: the mount layer, run by init (pid 1) holding CAP_SYS_ADMIN over
 * its new mount namespace, owned by the sandbox's user namespace.
 *
 * Order (bubblewrap's): make every mount private, mount a tmpfs "base" and
 * pivot into it with the old root at /oldroot, so bind sources stay
 * reachable as /oldroot/SRC while the new root is assembled at /newroot;
 * then detach /oldroot and pivot into /newroot with pivot_root(".", ".").
 * Read-only binds use mount_setattr(AT_RECURSIVE) (Linux 5.12) so every
 * submount is read-only too, with a per-mount remount walk as fallback.
 * Every mount is nosuid; every mount but the device binds and binds marked
 * "dev" is nodev; "noexec" and "norec" (top mount only) are per mount, and
 * "own" binds change hands for the run (mounts_own.c).
 * A --rootfs image is read-only from the moment it is bound: mount points
 * it lacks are made in mirrors (mounts_path.c), never in the image, and
 * each later mount keeps the writability it asked for.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layers.h"
#include "mounts_impl.h"
#include "syscalls.h"
#include "util.h"

uint64_t mounts_attr_of(unsigned long ms_flags)
{
	return (ms_flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0) | (ms_flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0) |
	       (ms_flags & MS_NODEV ? MOUNT_ATTR_NODEV : 0) | (ms_flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0) |
	       (ms_flags & MS_NODIRATIME ? MOUNT_ATTR_NODIRATIME : 0);
}

/* Set attributes on a mount and, when rec, everything below it. */
int mounts_set_attr(const char *path, uint64_t set, bool rec, struct sb_err *err)
{
	struct sb_mount_attr attr = { .attr_set = set };

	if (sys_mount_setattr(AT_FDCWD, path, rec ? AT_RECURSIVE : 0, &attr, sizeof(attr)) == 0)
		return 0;
	if (errno != ENOSYS)
		return sb_fail(err, errno, "make %s%s", mounts_shown(path),
			       set & MOUNT_ATTR_RDONLY ? " read-only" : " nosuid");
	/* Pre-5.12 kernels: remount the top mount; submounts keep their flags. */
	unsigned long fl = MS_REMOUNT | MS_BIND | MS_NOSUID |
			   (set & MOUNT_ATTR_NODEV ? MS_NODEV : 0) |
			   (set & MOUNT_ATTR_NOEXEC ? MS_NOEXEC : 0) |
			   (set & MOUNT_ATTR_RDONLY ? MS_RDONLY : 0);
	if (mount(NULL, path, NULL, fl, NULL) < 0)
		return sb_fail(err, errno, "remount %s", mounts_shown(path));
	return 0;
}

/* Mount ids in /proc/self/mountinfo: the newest mount at path, and its
 * children. The mount point field escapes ' ', '\t', '\n', '\\' as \ooo. */
static bool mountinfo_line(char *line, int *id, int *parent, char **mp)
{
	char *save = NULL, *f[5];

	for (int i = 0; i < 5; i++)
		if (!(f[i] = strtok_r(i ? NULL : line, " ", &save)))
			return false;
	*id = atoi(f[0]);
	*parent = atoi(f[1]);
	*mp = f[4];
	for (char *r = f[4], *w = f[4];; r++, w++) {
		if (r[0] == '\\' && r[1] && r[2] && r[3]) {
			*w = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
			r += 3;
		} else if (!(*w = *r)) {
			break;
		}
	}
	return true;
}

/* Cover one submount with something empty: a read-only tmpfs, or for a
 * file, a bind of an empty file on the base tmpfs. */
static int cover(const char *path, struct sb_err *err)
{
	struct stat st;
	int fd;

	if (stat(path, &st) < 0)
		return sb_fail(err, errno, "stat %s", mounts_shown(path));
	if (S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") < 0)
			return sb_fail(err, errno, "cover %s (norec)", mounts_shown(path));
		return 0;
	}
	fd = open("/norec-empty", O_WRONLY | O_CREAT | O_CLOEXEC, 0444);
	if (fd >= 0)
		close(fd);
	if (mount("/norec-empty", path, NULL, MS_BIND, NULL) < 0)
		return sb_fail(err, errno, "cover %s (norec)", mounts_shown(path));
	return 0;
}

/*
 * "norec" where the kernel refuses a non-recursive bind: in a user
 * namespace the mounts below a host mount are locked to it, so binding it
 * alone would uncover what they hide (EINVAL). Bind it recursively, then
 * cover each mount directly below with an empty one: what the command
 * sees is what a non-recursive bind shows, empty mount points.
 */
static int bind_norec_locked(const char *src, const char *dst, struct sb_err *err)
{
	char line[8192], *mp;
	int id, parent, top = -1;
	FILE *f;
	int r = 0;

	if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	for (int pass = 0; pass < 2 && r == 0; pass++) {
		f = fopen(OLDROOT "/proc/self/mountinfo", "re");
		if (!f)
			return sb_fail(err, errno, "read the mount table (norec)");
		while (r == 0 && fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			if (!mountinfo_line(line, &id, &parent, &mp))
				continue;
			if (pass == 0 && strcmp(mp, dst) == 0)
				top = id; /* the last one listed is the newest */
			else if (pass == 1 && parent == top)
				r = cover(mp, err);
		}
		fclose(f);
	}
	return r;
}

/* A read-only bind of a path that is itself a relative symlink at the same
 * place (merged-/usr: /bin -> usr/bin) becomes the same symlink: one mount
 * fewer, and the tree looks like the host's. Returns 1 when done. */
static int copy_relative_link(const struct sb_mount *m, const char *src, const char *dst, struct sb_err *err)
{
	char target[4096];
	struct stat st;
	ssize_t n;

	/* Only where nothing is yet: over an existing dir (a --rootfs's own
	 * /bin), a bind is what the policy asked for. */
	if (m->kind != SB_MOUNT_RO_BIND || strcmp(m->src, m->dst) != 0 || lstat(dst, &st) == 0)
		return 0;
	n = readlink(src, target, sizeof(target) - 1);
	if (n <= 0 || target[0] == '/')
		return 0;
	target[n] = '\0';
	if (strstr(target, ".."))
		return 0;
	return mounts_symlink(target, dst, err) < 0 ? -err->errnum : 1;
}

/* Host paths as the host resolves them, taken before the first pivot: an
 * absolute symlink on the way (/var/run -> /run, a bundle's rootfs link)
 * would afterwards resolve against the base tmpfs. NULL: as given (a
 * missing source; do_bind reports it). */
static char **real_src;
static char *real_rootfs;

/* The path the kernel reaches by opening path, as the caller would: its
 * own walk applies fs.protected_symlinks (a link another user left in a
 * sticky /tmp is not followed), which realpath(3)'s readlink loop does
 * not. /proc/self/fd names what was opened; realpath where /proc is not
 * the host's. NULL when it cannot be opened. */
static char *kernel_realpath(const char *path)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
	char link[64], buf[4096];
	ssize_t n;

	if (fd < 0)
		return NULL;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0 || buf[0] != '/')
		return realpath(path, NULL);
	buf[n] = '\0';
	return strdup(buf);
}

static void resolve_sources(const struct sb_plan *p)
{
	real_src = calloc(p->n_mounts ? p->n_mounts : 1, sizeof(char *));
	for (size_t i = 0; real_src && i < p->n_mounts; i++)
		if (p->mounts[i].src && (p->mounts[i].kind == SB_MOUNT_BIND || p->mounts[i].kind == SB_MOUNT_RO_BIND ||
					 p->mounts[i].kind == SB_MOUNT_OVERLAY))
			real_src[i] = kernel_realpath(p->mounts[i].src);
	if (p->rootfs)
		real_rootfs = kernel_realpath(p->rootfs);
}

static const char *host_src(const struct sb_mount *m, size_t idx)
{
	return real_src && real_src[idx] ? real_src[idx] : m->src;
}

/* A source that cannot be found: skipped when optional; else say what is
 * missing, and when the path is a symlink, where it points. */
static int source_failed(const struct sb_mount *m, const char *under_old, int e, struct sb_err *err)
{
	char target[4096];
	ssize_t n;
	int r;

	if (m->optional && (e == ENOENT || e == ENOTDIR))
		return 1;
	n = readlink(under_old, target, sizeof(target) - 1);
	if (n > 0 && e == ENOENT) {
		target[n] = '\0';
		r = sb_failx(err, e, "bind source '%s' is a symlink to '%s', which does not exist on this machine",
			     m->src, target);
	} else {
		r = sb_fail(err, e, "bind source '%s'", m->src);
	}
	if (e == ENOENT)
		sb_hint(err, "create it, fix the path, or use %s-try to skip a missing source",
			m->kind == SB_MOUNT_RO_BIND ? "--ro-bind" : "--bind");
	return r;
}

static int do_bind(const struct sb_plan *p, const struct sb_mount *m, const char *dst, struct sb_err *err)
{
	char src[4096];
	struct stat st;
	int r;

	snprintf(src, sizeof(src), OLDROOT "%s", host_src(m, (size_t)(m - p->mounts)));
	r = copy_relative_link(m, src, dst, err);
	if (r != 0)
		return r < 0 ? r : 0;
	if (stat(src, &st) < 0) {
		r = source_failed(m, src, errno, err);
		return r < 0 ? r : 0;
	}
	r = mounts_target(dst, S_ISDIR(st.st_mode), 0755, err);
	if (r < 0)
		return r;
	/* norec: the top mount only, as isolate's "norec" (a bind of /dev
	 * without the host's /dev/pts and /dev/shm). */
	r = mount(src, dst, NULL, MS_BIND | (m->flags & SB_MNT_NOREC ? 0 : MS_REC), NULL) < 0 ? -errno : 0;
	if (r == -EINVAL && (m->flags & SB_MNT_NOREC))
		r = bind_norec_locked(src, dst, err);
	if (r < 0)
		return err->msg[0] ? r : sb_fail(err, -r, "bind '%s' at '%s'", m->src, m->dst);
	if (m->flags & SB_MNT_OWN)
		mounts_own(p, dst);
	/* A device node keeps dev semantics (an OCI config's devices, a
	 * --bind /dev/fuse): nodev on it would make it useless; "dev" asks
	 * the same for a whole tree. */
	return mounts_set_attr(dst, MOUNT_ATTR_NOSUID |
				     (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || (m->flags & SB_MNT_DEV) ? 0
													 : MOUNT_ATTR_NODEV) |
				     (m->flags & SB_MNT_NOEXEC ? MOUNT_ATTR_NOEXEC : 0) |
				     (m->kind == SB_MOUNT_RO_BIND ? MOUNT_ATTR_RDONLY : 0),
			!(m->flags & SB_MNT_NOREC), err);
}

static int do_tmpfs(const struct sb_mount *m, const char *dst, struct sb_err *err)
{
	char opts[128];
	unsigned mode = m->mode ? m->mode : (strcmp(m->dst, "/tmp") == 0 ? 01777 : 0755);
	int r;

	r = mounts_target(dst, true, 0755, err);
	if (r < 0)
		return r;
	if (m->size)
		snprintf(opts, sizeof(opts), "mode=%o,size=%llu", mode, (unsigned long long)m->size);
	else
		snprintf(opts, sizeof(opts), "mode=%o", mode);
	if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV | (m->flags & SB_MNT_NOEXEC ? MS_NOEXEC : 0), opts) < 0)
		return sb_fail(err, errno, "mount tmpfs at '%s'", m->dst);
	return 0;
}

/* Parts of /proc that would let a process reconfigure the kernel or the
 * machine if anything in the namespace ever held the right privilege:
 * read-only, as bubblewrap does. */
static const char *const proc_ro[] = { "sys", "sysrq-trigger", "irq", "bus" };

/* Files anyone may read that show what the kernel does not namespace:
 * the keys the caller's uid can view, with their descriptions (the
 * keyring is not namespaced), and every uid's key quota. Covered, as OCI
 * runtimes' maskedPaths do, by an empty read-only file of the base tmpfs
 * (not /dev/null: the cover is nodev like every mount but /dev's). */
#define EMPTY "/.empty"
static const char *const proc_masked[] = { "keys", "key-users" };

static int do_proc(const struct sb_plan *p, const struct sb_mount *m, const char *dst, struct sb_err *err)
{
	char sub[4096];
	int r;

	r = mounts_target(dst, true, 0755, err);
	if (r < 0)
		return r;
	if (mount("proc", dst, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		r = sb_fail(err, errno, "mount proc at '%s'", m->dst);
		sb_hint(err, "procfs cannot be mounted when the host's /proc has parts hidden by "
			     "overmounts (a container?); drop --proc or bind /proc read-only");
		return r;
	}
	for (size_t i = 0; i < ELEMENTSOF(proc_ro); i++) {
		snprintf(sub, sizeof(sub), "%s/%s", dst, proc_ro[i]);
		if (access(sub, F_OK) < 0)
			continue;
		if (mount(sub, sub, NULL, MS_BIND | MS_REC, NULL) < 0)
			return sb_fail(err, errno, "bind %s/%s", m->dst, proc_ro[i]);
		r = mounts_set_attr(sub, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, true, err);
		if (r < 0)
			return r;
	}
	/* An OCI config's maskedPaths say what to mask instead, as runc does. */
	for (size_t i = 0; p->n_masked_paths == 0 && i < ELEMENTSOF(proc_masked); i++) {
		snprintf(sub, sizeof(sub), "%s/%s", dst, proc_masked[i]);
		if (access(sub, F_OK) < 0)
			continue;
		if (access(EMPTY, F_OK) < 0 && mknod(EMPTY, S_IFREG | 0444, 0) < 0)
			return sb_fail(err, errno, "create an empty file to mask %s/%s", m->dst, proc_masked[i]);
		if (mount(EMPTY, sub, NULL, MS_BIND, NULL) < 0)
			return sb_fail(err, errno, "mask %s/%s", m->dst, proc_masked[i]);
		r = mounts_set_attr(sub, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, false, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
static const char *const dev_links[][2] = {
	{ "/proc/self/fd", "fd" },     { "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
	{ "/proc/self/fd/2", "stderr" }, { "pts/ptmx", "ptmx" },
};

static int do_dev(const struct sb_mount *m, const char *dst, struct sb_err *err)
{
	char path[4096], src[64];
	int r;

	r = mounts_target(dst, true, 0755, err);
	if (r < 0)
		return r;
	if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return sb_fail(err, errno, "mount tmpfs at '%s'", m->dst);
	/* Device nodes cannot be created in a user namespace; bind the host's.
	 * These binds keep dev semantics, so they are the only mounts without
	 * nodev; they are nosuid and noexec. */
	for (size_t i = 0; i < ELEMENTSOF(dev_nodes); i++) {
		snprintf(src, sizeof(src), OLDROOT "/dev/%s", dev_nodes[i]);
		snprintf(path, sizeof(path), "%s/%s", dst, dev_nodes[i]);
		if (access(src, F_OK) < 0)
			continue;
		r = mounts_target(path, false, 0644, err);
		if (r < 0)
			return r;
		if (mount(src, path, NULL, MS_BIND, NULL) < 0)
			return sb_fail(err, errno, "bind /dev/%s", dev_nodes[i]);
		if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NOEXEC, NULL) < 0)
			return sb_fail(err, errno, "remount /dev/%s nosuid", dev_nodes[i]);
	}
	snprintf(path, sizeof(path), "%s/pts", dst);
	if (mkdir(path, 0755) < 0)
		return sb_fail(err, errno, "create %s/pts", m->dst);
	if (mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620") < 0)
		return sb_fail(err, errno, "mount a fresh devpts at %s/pts", m->dst);
	snprintf(path, sizeof(path), "%s/shm", dst);
	if (mkdir(path, 0755) < 0)
		return sb_fail(err, errno, "create %s/shm", m->dst);
	if (m->size)
		snprintf(src, sizeof(src), "mode=1777,size=%llu", (unsigned long long)m->size);
	else
		snprintf(src, sizeof(src), "mode=1777");
	if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, src) < 0)
		return sb_fail(err, errno, "mount tmpfs at %s/shm", m->dst);
	for (size_t i = 0; i < ELEMENTSOF(dev_links); i++) {
		snprintf(path, sizeof(path), "%s/%s", dst, dev_links[i][1]);
		if (symlink(dev_links[i][0], path) < 0)
			return sb_fail(err, errno, "symlink %s/%s", m->dst, dev_links[i][1]);
	}
	return 0;
}

/* Overlay: SRC as the lower layer, a fresh dir on the base tmpfs as the
 * upper one. The base is detached after the pivot, which leaves the upper
 * dir alive for as long as the overlay is mounted and unreachable by path. */
static int do_overlay(const struct sb_mount *m, const char *dst, size_t idx, struct sb_err *err)
{
	char upper[64], work[64], opts[8192];
	int r;

	if (strpbrk(m->src, ",:\\"))
		return sb_failx(err, EINVAL, "overlay source '%s' may not contain ',', ':' or '\\'", m->src);
	/* On the base tmpfs, outside the new root. */
	snprintf(upper, sizeof(upper), "/overlay%zu", idx);
	if (mkdir(upper, 0755) < 0)
		return sb_fail(err, errno, "create %s", upper);
	snprintf(upper, sizeof(upper), "/overlay%zu/upper", idx);
	snprintf(work, sizeof(work), "/overlay%zu/work", idx);
	if (mkdir(upper, 0755) < 0 || mkdir(work, 0755) < 0)
		return sb_fail(err, errno, "create %s", work);
	snprintf(opts, sizeof(opts), OLDROOT "%s", host_src(m, idx));
	r = m->flags & SB_MNT_PARTIAL ? 0 : mounts_overlay_check(opts, m->src, err);
	if (r == 0)
		r = mounts_target(dst, true, 0755, err);
	if (r < 0)
		return r;
	snprintf(opts, sizeof(opts), "lowerdir=" OLDROOT "%s,upperdir=%s,workdir=%s", host_src(m, idx), upper, work);
	if (mount("overlay", dst, "overlay", MS_NOSUID | MS_NODEV | (m->flags & SB_MNT_NOEXEC ? MS_NOEXEC : 0), opts) < 0) {
		r = sb_fail(err, errno, "overlay '%s' at '%s'", m->src, m->dst);
		sb_hint(err, "overlayfs in a user namespace needs Linux 5.11; bind a copy instead");
		return r;
	}
	return 0;
}

static int apply_mount(const struct sb_plan *p, const struct sb_mount *m, size_t idx, struct sb_err *err)
{
	char dst[4096];
	int r;

	/* Where the payload will see m->dst: symlinks in an image are
	 * followed inside the new root. A symlink entry is made at the last
	 * component itself. */
	r = mounts_resolve(m->dst, m->kind != SB_MOUNT_SYMLINK, dst, sizeof(dst), err);
	if (r < 0)
		return r;
	switch (m->kind) {
	case SB_MOUNT_BIND:
	case SB_MOUNT_RO_BIND:
		return do_bind(p, m, dst, err);
	case SB_MOUNT_TMPFS:
		return do_tmpfs(m, dst, err);
	case SB_MOUNT_DIR:
		return mounts_target(dst, true, m->mode ? m->mode : 0755, err);
	case SB_MOUNT_SYMLINK:
		return mounts_symlink(m->src, dst, err);
	case SB_MOUNT_PROC:
		return do_proc(p, m, dst, err);
	case SB_MOUNT_DEV:
		return do_dev(m, dst, err);
	case SB_MOUNT_OVERLAY:
		return do_overlay(m, dst, idx, err);
	case SB_MOUNT_FS:
		return mounts_fs(m, dst, err);
	case SB_MOUNT_KIND_MAX:
		break;
	}
	return sb_failx(err, EINVAL, "unknown mount kind %d", (int)m->kind);
}

/* The image at NEWROOT. Read-only at once, all the way down, so nothing
 * below writes into it: mount points it lacks go into mirrors
 * (mounts_path.c). Only a root the plan declares writable (an OCI root
 * with readonly false: the engine's own container layer) is left so, and
 * mount points are then made in it, as runc does. */
static int bind_rootfs(const struct sb_plan *p, struct sb_err *err)
{
	char src[4096];
	int r;

	snprintf(src, sizeof(src), OLDROOT "%s", real_rootfs ? real_rootfs : p->rootfs);
	if (mount(src, NEWROOT, NULL, MS_BIND | MS_REC, NULL) < 0) {
		r = sb_fail(err, errno, "bind rootfs '%s'", p->rootfs);
		if (errno == ENOENT || errno == ENOTDIR)
			sb_hint(err, "the image directory must exist and be a directory");
		return r;
	}
	return mounts_set_attr(NEWROOT, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
						   (p->rootfs_writable ? 0 : MOUNT_ATTR_RDONLY),
			       true, err);
}

/* Steps up to "sources at /oldroot, empty new root at /newroot". */
static int enter_base(const struct sb_plan *p, struct sb_err *err)
{
	/* First: the base tmpfs goes over the host's /tmp next. */
	resolve_sources(p);
	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return sb_fail(err, errno, "make mounts private");
	if (mount("tmpfs", BASE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return sb_fail(err, errno, "mount base tmpfs on " BASE);
	if (mkdir(BASE NEWROOT, 0755) < 0 || mkdir(BASE OLDROOT, 0755) < 0)
		return sb_fail(err, errno, "create base dirs");
	if (chdir(BASE) < 0)
		return sb_fail(err, errno, "chdir " BASE);
	if (sys_pivot_root(BASE, BASE OLDROOT) < 0)
		return sb_fail(err, errno, "pivot_root into the base tmpfs");
	if (chdir("/") < 0)
		return sb_fail(err, errno, "chdir /");
	/* After the pivot, so a rootfs under the host's /tmp is reachable. */
	if (!p->rootfs) {
		if (mount("tmpfs", NEWROOT, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
			return sb_fail(err, errno, "mount tmpfs for the new root");
		return 0;
	}
	return bind_rootfs(p, err);
}

/* Detach the host and make the new root the root. */
static int enter_newroot(const struct sb_plan *p, struct sb_err *err)
{
	int r;

	/* The root itself: read-only, so the payload writes only where a
	 * policy gave it a writable mount. Only the root mount: every mount
	 * made on it keeps the writability it asked for. (An image has been
	 * read-only since it was bound; mirrors become read-only now.) */
	r = mounts_seal_mirrors(err);
	if (r < 0)
		return r;
	if (!p->rootfs && mount(NULL, NEWROOT, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
		return sb_fail(err, errno, "make the new root read-only");
	if (umount2(OLDROOT, MNT_DETACH) < 0)
		return sb_fail(err, errno, "detach the old root");
	if (chdir(NEWROOT) < 0)
		return sb_fail(err, errno, "chdir into the new root");
	/* pivot_root(".", "."): the old root ends stacked under the new one and
	 * is detached by the umount below (pivot_root(2), NOTES). */
	if (sys_pivot_root(".", ".") < 0)
		return sb_fail(err, errno, "pivot_root into the new root");
	if (umount2(".", MNT_DETACH) < 0)
		return sb_fail(err, errno, "detach the base");
	if (chdir("/") < 0)
		return sb_fail(err, errno, "chdir /");
	return 0;
}

int mounts_child(const struct sb_plan *p, struct sb_err *err)
{
	int r;

	r = enter_base(p, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < p->n_mounts; i++) {
		if (plan_mount_skipped(p, &p->mounts[i]))
			continue;
		r = apply_mount(p, &p->mounts[i], i, err);
		if (r < 0) {
			char loc[512];

			if (p->mounts[i].loc.file)
				return sb_wrap(err, "%s", plan_loc_str(&p->mounts[i].loc, loc, sizeof(loc)));
			return r;
		}
	}
	r = net_mounts(p, NEWROOT, err);
	if (r == 0)
		r = mounts_mask(p, err);
	if (r < 0)
		return r;
	return enter_newroot(p, err);
}
