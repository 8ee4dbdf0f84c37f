/*
 * payload.h: the payload process (forked by init, ends in execve).
 */
#pragma once

#include <stdbool.h>

#include "plan.h"
#include "seccomp.h"

/* Descriptors opened by the launcher for --stdin/--stdout/--stderr; -1
 * keeps the inherited one. */
struct payload_io {
	int fd[3];
	bool ctty; /* fd 0 is a terminal to make the controlling one (OCI process.terminal) */
	bool orphan; /* outlives its parent (OCI exec --detach): no parent-death signal */
};

/* Whether p->argv[0] can be found in the new root along the payload's
 * PATH (init, detached: an engine expects create to fail for a missing
 * command). Fails with SB_ERR_EXEC_NOENT. */
int payload_lookup(const struct sb_plan *p, struct sb_err *err);

/* Never returns: execs p->argv or reports SYNC_ERROR on sync_fd and exits. */
void payload_run(const struct sb_plan *p, const struct payload_io *io, struct sb_seccomp *sc,
		 int sync_fd, char **caller_env) __attribute__((noreturn));
