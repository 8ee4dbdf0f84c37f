/*
 * policy_expand.h: ${VAR} expansion in the path arguments of policy
 * directives (policy_expand.c). Pure but for reading the caller's identity.
 */
#pragma once

#include <stddef.h>

#include "err.h"

/* Expand ${HOME}, ${PWD}, ${USER}, ${UID} and ${POLICY_DIR} in s; nothing
 * else is expanded, and never from arbitrary environment variables. A '$'
 * not followed by '{' is kept as it is. policy_dir is the directory of the
 * file being read, NULL when it has none (built-in copies).
 *
 * On success *ret is the expanded string and *ret_map (strlen(*ret) + 1
 * entries) maps each of its bytes back to an offset in s, so an error found
 * later in the expanded text can point at the source column. Both are
 * malloc'd. On error err->col is the offset in s of the bad '$'. */
int policy_expand(const char *s, const char *policy_dir, char **ret, size_t **ret_map,
		  struct sb_err *err);
