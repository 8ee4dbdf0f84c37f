/*
 * launcher.h: one run, from a validated plan to a filled result.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "plan.h"
#include "result.h"

/* Build the sandbox, run p->argv in it, wait, measure, tear down.
 * Returns 0 when the payload ran (whatever its outcome, see res->status),
 * -errno with err filled when the sandbox could not be set up (res->err
 * also holds it and res->status is SB_ST_XX, or the exec kinds).
 * After a run, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 stay
 * blocked (any queued were dropped): the caller writes the report and
 * exits without a late signal cutting it short. */
int launcher_run(const struct sb_plan *p, struct sb_result *res, struct sb_err *err);

/* The launcher's argv strings, contiguous from program_invocation_name for
 * the length of /proc/self/cmdline (NULL, 0 if it cannot be read): init
 * wipes them so the payload cannot read them (they may name the caller's
 * or the engine's paths). Shared by every launcher that clones an init. */
void launcher_arg_area(char **area, size_t *len);

/* launcher_detach.c: a run that outlives the launcher (an engine's
 * container). The sandbox is built and its init waits, before the
 * payload, for a byte on start_fd (a FIFO the front end opened O_RDWR; the
 * front end's `start` writes it). Returns init's pid; init's exit status
 * will be the payload's. console_sock: an OCI terminal goes there, or -1. */
struct sb_detach {
	int start_fd;
	int console_sock;
};
int launcher_create(const struct sb_plan *p, const struct sb_detach *d, pid_t *ret_pid, struct sb_err *err);

/* launcher_detach.c: run p->argv in the running sandbox whose init is
 * target: its namespaces, its cgroup (join_cgroup: when it has one of its
 * own), p's hardening. Detached: returns the process's pid at once;
 * otherwise waits and returns its exit status (code, or 128 + signal). */
struct sb_exec {
	bool detach;
	bool join_cgroup;
	int console_sock;
};
int launcher_exec(const struct sb_plan *p, pid_t target, const struct sb_exec *x, pid_t *ret_pid, int *ret_status,
		  struct sb_err *err);
