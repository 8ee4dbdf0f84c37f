/*
 * policy.h: policy files -> struct sb_plan (through options.c).
 * Reads files; otherwise pure.
 */
#pragma once

#include <stdio.h>

#include "plan.h"

/* Load the policy NAME (looked up, see policy.c) or PATH (contains '/')
 * into p. from is where it was asked for (command line or an include). */
int policy_load(struct sb_plan *p, const char *name_or_path, const struct sb_loc *from,
		struct sb_err *err);

/* Parse an open stream as policy text; filename is used in messages and for
 * ${POLICY_DIR}. */
int policy_parse_stream(struct sb_plan *p, FILE *f, const char *filename, struct sb_err *err);

/* Built-in copies of the shipped policies (generated at build time), so the
 * binary works before and without `make install`. NULL when unknown. */
const char *policy_builtin(const char *name);
