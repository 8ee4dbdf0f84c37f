/*
 * init.h: pid 1 of the sandbox's pid namespace.
 */
#pragma once

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
};

/* Never returns. */
void init_main(struct init_ctx *c) __attribute__((noreturn));
