/*
 * policy.h: policy files -> struct sb_plan (through options.c).
 * Reads files; otherwise pure. The grammar is in policies/README.md.
 */
#pragma once

#include <stdio.h>

#include "plan.h"

/* Bounds on policy input: one line, and everything one load reads
 * (includes too). Errors name the file and line. */
#define SB_POLICY_LINE_MAX 65536
#define SB_POLICY_SIZE_MAX (16 << 20)

/* err->col after a policy error whose message already starts with
 * "FILE:LINE:COL: error:" (callers should not wrap it in more context). */
#define SB_COL_LOCATED (-2)

/* Load the policy NAME (looked up, see policy_lookup.c, then the built-in
 * copy) or PATH (contains '/'; relative to the including file's directory
 * when it comes from an include) into p. from is where it was asked for
 * (command line: from->file == NULL, or an include line). An include cycle
 * fails with -ELOOP naming the chain. */
int policy_load(struct sb_plan *p, const char *name_or_path, const struct sb_loc *from,
		struct sb_err *err);

/* Parse an open stream as policy text; filename is used in messages and,
 * when it holds a '/', for ${POLICY_DIR}. Errors read
 * "FILE:LINE:COL: error: WHAT" followed by the line and a caret. */
int policy_parse_stream(struct sb_plan *p, FILE *f, const char *filename, struct sb_err *err);

/* Built-in copies of the shipped policies (generated at build time), so the
 * binary works before and without `make install`. NULL when unknown. */
const char *policy_builtin(const char *name);
/* The i-th built-in policy's name, NULL past the end. */
const char *policy_builtin_name(size_t i);

/* Test and fuzz hook: when set, every policy name or path is opened through
 * fn instead of the file system (fn fills path, a display name that is also
 * the cycle-detection key, and returns a stream, or NULL with errno set).
 * NULL restores normal lookup. */
typedef FILE *(*policy_open_fn)(const char *name, char *path, size_t len);
void policy_set_open_hook(policy_open_fn fn);
