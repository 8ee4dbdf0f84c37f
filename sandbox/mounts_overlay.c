/*
 * mounts_overlay.c: whether an --overlay source can work as the writable
 * layer it promises. Run by init in the sandbox's user namespace, before
 * the overlay is mounted, over the source as init sees it (under OLDROOT).
 *
 * overlayfs copies a file up to the upper layer before the first write,
 * with the file's owner and group. The sandbox's user namespace maps only
 * the caller's uid and gid (or a subordinate range): an entry owned by
 * any other id shows as the overflow id, and its copy-up fails with
 * EOVERFLOW ("Value too large for defined data type"), a file of yours
 * with another group included; a directory of another owner (root's) is
 * not writable at all, capabilities being void over unmapped inodes.
 * Neither can be made to work without privileges (an idmapped mount
 * needs them), so the run is refused at set-up, naming the first such
 * entry, instead of failing at the payload's first write; "partial"
 * accepts it (learn's overlays of the host's /tmp do).
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mounts_impl.h"
#include "util.h"

/* What the walk needs; nftw passes no context, and init is one thread. */
static struct {
	unsigned long oflow_uid, oflow_gid; /* the kernel's overflow ids */
	bool uid_mapped, gid_mapped; /* whether an overflow id is also a mapped one */
	char bad[4096];
	uid_t bad_uid;
	gid_t bad_gid;
} w;

static unsigned long read_ul(const char *path, unsigned long dflt)
{
	FILE *f = fopen(path, "re");
	unsigned long v = dflt;

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = dflt;
		fclose(f);
	}
	return v;
}

/* Whether id falls in a range of this user namespace's map (its own
 * uid_map, read from inside: "INSIDE OUTSIDE COUNT" lines). */
static bool in_map(const char *map, unsigned long id)
{
	FILE *f = fopen(map, "re");
	unsigned long in, out, n;
	bool hit = false;

	while (f && !hit && fscanf(f, "%lu %lu %lu", &in, &out, &n) == 3)
		hit = id >= in && id - in < n;
	if (f)
		fclose(f);
	return hit;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)type, (void)ftw;
	if ((st->st_uid == w.oflow_uid && !w.uid_mapped) || (st->st_gid == w.oflow_gid && !w.gid_mapped)) {
		snprintf(w.bad, sizeof(w.bad), "%s", path);
		w.bad_uid = st->st_uid;
		w.bad_gid = st->st_gid;
		return 1; /* the first one is enough to say why */
	}
	return 0;
}

int mounts_overlay_check(const char *lower, const char *src, struct sb_err *err)
{
	int r;

	w.oflow_uid = read_ul(OLDROOT "/proc/sys/kernel/overflowuid", 65534);
	w.oflow_gid = read_ul(OLDROOT "/proc/sys/kernel/overflowgid", 65534);
	w.uid_mapped = in_map(OLDROOT "/proc/self/uid_map", w.oflow_uid);
	w.gid_mapped = in_map(OLDROOT "/proc/self/gid_map", w.oflow_gid);
	w.bad[0] = '\0';
	r = nftw(lower, visit, 64, FTW_PHYS | FTW_MOUNT);
	if (r < 0)
		return sb_fail(err, errno, "overlay '%s': read the source tree", src);
	if (r == 0)
		return 0;
	r = sb_failx(err, EOVERFLOW,
		     "overlay '%s': '%s%s' has an owner or group this sandbox does not map (it maps your uid and gid "
		     "only), so the overlay could not copy it up when written (EOVERFLOW) nor write into it",
		     src, src, w.bad + strlen(lower));
	sb_hint(err, "--bind the tree read-write, --ro-bind it, overlay a copy of it that you own (user and group), or "
		     "add ':partial' (overlay SRC:DST:partial) to accept that such entries stay unwritable");
	return r;
}
