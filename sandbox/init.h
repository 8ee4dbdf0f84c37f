/*
 * init.h: pid 1 of the sandbox's pid namespace.
 */
#pragma once

#include <stdbool.h>

#include "cgroup.h"
#include "payload.h"
#include "plan.h"
#include "seccomp.h"

struct init_ctx {
	const struct sb_plan *p;
	struct payload_io io;
	struct sb_seccomp *sc;
	const struct sb_cgroup *cg;
	int sync_fd;
	char **caller_env;
	char *arg_area; /* the launcher's argv strings (contiguous), to wipe */
	size_t arg_area_len;
	/* Detached (launcher_create): once built, init reports SYNC_READY, no
	 * longer dies with the launcher, and forks the payload only when a
	 * byte arrives on start_fd; its own exit status is then the payload's
	 * (an engine's subreaper waits for it). */
	bool detached;
	int start_fd;
	int console_sock; /* OCI terminal: send the pty's master here, or -1 */
};

/* Never returns. */
void init_main(struct init_ctx *c) __attribute__((noreturn));
