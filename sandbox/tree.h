/*
 * tree.h: samples of the run's process tree from the host's /proc (tree.c),
 * for limits and figures where no cgroup measures the run.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct sb_tree {
	pid_t init; /* the sandbox's pid 1 as the launcher sees it */
	pid_t *list; /* scratch for the walk */
};

struct tree_sample {
	uint64_t cpu_ns; /* every process that ran in the tree, init's set-up included */
	uint64_t memory_bytes; /* resident anonymous memory of the live processes but init */
	unsigned procs, tasks; /* live processes and threads, init not counted */
	bool exact_memory; /* memory_bytes from proportional set sizes */
};

int tree_init(struct sb_tree *t, pid_t init);
void tree_release(struct sb_tree *t);

/* One walk of the tree. exact_memory: proportional set sizes (pages shared
 * after fork counted once; slow for big processes) instead of the sum of
 * resident anonymous pages. -ESRCH when init is gone. */
int tree_sample(struct sb_tree *t, bool exact_memory, struct tree_sample *ret);
