/*
 * launcher.h: one run, from a validated plan to a filled result.
 */
#pragma once

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
