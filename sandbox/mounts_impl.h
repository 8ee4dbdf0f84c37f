/*
 * mounts_impl.h: shared by mounts.c (the mount layer's order) and
 * mounts_path.c (where an entry lands in the new root, and how a missing
 * mount point is made). Private to the mount layer; init runs both.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "plan.h"

/* The layout while the new root is assembled (see mounts.c): the base
 * tmpfs is "/", the host's old root is at OLDROOT, the new root at NEWROOT. */
#define BASE "/tmp"
#define NEWROOT "/newroot"
#define OLDROOT "/oldroot"

/* Resolve the sandbox path dst (absolute) to a path under NEWROOT, as the
 * payload will see it: symlinks already in the new root are followed with
 * NEWROOT as their root, ".." stops at the root, and components that do
 * not exist yet are kept as given. With follow_last false the last
 * component is not followed (to create a symlink there). */
int mounts_resolve(const char *dst, bool follow_last, char *out, size_t len, struct sb_err *err);

/* Make path (under NEWROOT, resolved) exist as a directory (dir) or an
 * empty file, creating missing parents. Nothing is ever written into a
 * read-only mount (an image, a read-only bind): the directory that would
 * need the new entry is mirrored first (a tmpfs with binds of each entry
 * it held), and the entry is made in the mirror. */
int mounts_target(const char *path, bool dir, mode_t mode, struct sb_err *err);

/* Create the symlink path -> target (path under NEWROOT, resolved), the
 * same way. An existing link with the same target is fine. */
int mounts_symlink(const char *target, const char *path, struct sb_err *err);

/* Before pivot_root: make every mirror read-only, as the directory it
 * stands in for was. Mounts made on top keep their own writability. */
int mounts_seal_mirrors(struct sb_err *err);

/* mounts_own.c: hand the tree at path (an "own" bind, just mounted) to
 * the command's ids for the run. Best effort, like mounts_release. */
struct sb_plan;
void mounts_own(const struct sb_plan *p, const char *path);

/* Set attributes (MOUNT_ATTR_*) on the mount at path and, when rec, every
 * mount below it (mount_setattr, Linux 5.12; a remount of the top one before). */
int mounts_set_attr(const char *path, uint64_t set, bool rec, struct sb_err *err);
/* mount(2) MS_* flags as MOUNT_ATTR_* bits. */
uint64_t mounts_attr_of(unsigned long ms_flags);

/* mounts_fs.c: a file system by type at dst (SB_MOUNT_FS). */
int mounts_fs(const struct sb_mount *m, const char *dst, struct sb_err *err);
/* mounts_fs.c: the plan's masked and read-only paths, after all mounts. */
int mounts_mask(const struct sb_plan *p, struct sb_err *err);

/* mounts_overlay.c (init): whether the overlay source lower (a path under
 * OLDROOT; src as the policy names it) can be written through an overlay
 * here: -EOVERFLOW naming the first entry whose owner or group the
 * sandbox does not map (its copy-up would fail). */
int mounts_overlay_check(const char *lower, const char *src, struct sb_err *err);

/* The sandbox path of a path under NEWROOT, for messages. */
static inline const char *mounts_shown(const char *path)
{
	return path[sizeof(NEWROOT) - 1] ? path + sizeof(NEWROOT) - 1 : "/";
}
