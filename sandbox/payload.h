/*
 * payload.h: the payload process (forked by init, ends in execve).
 */
#pragma once

#include "plan.h"
#include "seccomp.h"

/* Descriptors opened by the launcher for --stdin/--stdout/--stderr; -1
 * keeps the inherited one. */
struct payload_io {
	int fd[3];
};

/* Never returns: execs p->argv or reports SYNC_ERROR on sync_fd and exits. */
void payload_run(const struct sb_plan *p, const struct payload_io *io, struct sb_seccomp *sc,
		 int sync_fd, char **caller_env) __attribute__((noreturn));
