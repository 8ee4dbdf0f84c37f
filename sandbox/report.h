/*
 * report.h: the only code that prints (STYLE.md section 3): error lines,
 * the JSON report, the isolate-compatible meta file, and the exit status.
 */
#pragma once

#include <stddef.h>

#include "plan.h"
#include "result.h"

/* Decide res->status from the wait status and the limit flags. */
void report_verdict(const struct sb_plan *p, struct sb_result *res);

/* "sandbox: MESSAGE" on stderr, one line plus hint lines. */
void report_error(const struct sb_err *err);

/* Write --report and --meta if asked; errors are printed, return -errno. */
int report_write(const struct sb_plan *p, const struct sb_result *res);

/* isolate's status for a result ("OK", "RE", "SG", "TO", "XX": no ML or
 * OL, which show as the signal or exit that ended the command) and its
 * message into msg ("Time limit exceeded", "Caught fatal signal 9", ...;
 * "" for OK): what the meta file says, and isolate's front end prints. */
const char *report_isolate_status(const struct sb_result *res, char *msg, size_t len);

/* DESIGN.md's exit status for a finished or failed run. */
int report_exit_code(const struct sb_result *res);
