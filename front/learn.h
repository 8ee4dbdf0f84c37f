/*
 * learn.h: `sandbox learn` (learn.c: the command, the learning run and
 * --append) and the policy it writes (learn_policy.c: from observations
 * to directives). Printing code: the command prints its own output.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "observe.h"
#include "plan.h"

int cmd_learn(int argc, char **argv);

/* What the writer needs besides the observations. */
struct learn_ctx {
	const struct sb_plan *base; /* the plan the options describe, before learn changed it */
	char **includes; /* the --policy arguments, or "default" */
	size_t n_includes;
	char **options; /* other run options as directive lines ("chdir /src") */
	size_t n_options;
	char **runs; /* "DATE: COMMAND" of each learning run, oldest first */
	size_t n_runs;
	bool errno_default; /* --errno: "syscalls default errno EPERM" instead of kill */
	const char *home; /* never widened into as a whole */
};

/* The marker after which the learned directives start; --append reads
 * what follows it back. */
#define LEARN_MARKER "# ---- learned: sandbox learn --append merges into what follows ----"

/* Write the learned policy for o to f. Deterministic: the same
 * observations give the same text (the run lines hold the dates). */
void learn_write(FILE *f, const struct learn_ctx *c, const struct sb_observed *o);

/* Mark the native members of @set (nested sets too) in map. */
void learn_set_members(const char *set, uint8_t *map);

/* The name of native syscall nr (malloc'd), or NULL. */
char *learn_syscall_name(int nr);
