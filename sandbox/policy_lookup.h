/*
 * policy_lookup.h: where named policies are found (policy_lookup.c).
 * Reads directories and nothing else; runs in the launcher.
 */
#pragma once

#include <stddef.h>

#include "err.h"

/* One directory searched for NAME.policy, in search order. */
struct policy_dir {
	char *path;
	const char *origin; /* "SANDBOX_POLICY_PATH", "user", "system", "installed", "build tree" */
};

/* One policy found by policy_list(). */
struct policy_entry {
	char *name; /* without ".policy" */
	char *path; /* file path, or "<builtin>/NAME.policy" */
	const char *origin; /* as in struct policy_dir, or "built-in" */
	int shadowed_by; /* index of the entry that wins over this one, or -1 */
};

/* The search path, in order: $SANDBOX_POLICY_PATH (colon-separated),
 * ~/.config/sandbox/policies, /etc/sandbox/policies, SB_POLICY_DIR, and the
 * build tree's policies/ when the binary runs from one. Directories that do
 * not exist are listed too (policy_list skips them). */
int policy_dirs(struct policy_dir **ret, size_t *n, struct sb_err *err);
void policy_dirs_free(struct policy_dir *d, size_t n);

/* Find NAME.policy along the search path: 0 with *ret_path (malloc'd) and
 * *ret_origin, -ENOENT when no directory has it (the caller then tries the
 * built-in copy). Unreadable directories are skipped. */
int policy_find(const char *name, char **ret_path, const char **ret_origin, struct sb_err *err);

/* Every policy on the search path and built in, sorted by name, then by
 * search order (the first of a name wins, the others are shadowed). */
int policy_list(struct policy_entry **ret, size_t *n, struct sb_err *err);
void policy_list_free(struct policy_entry *e, size_t n);

/* Human text naming the search path, for "not found" messages. */
void policy_search_path_str(char *buf, size_t len);
