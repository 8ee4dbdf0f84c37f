/*
 * report.h: the only code that prints (STYLE.md section 3): error lines,
 * the JSON report, the isolate-compatible meta file, and the exit status.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "plan.h"
#include "result.h"

/* Decide res->status from the wait status and the limit flags. */
void report_verdict(const struct sb_plan *p, struct sb_result *res);

/* "sandbox: MESSAGE" on stderr, one line plus hint lines. */
void report_error(const struct sb_err *err);

/* The result files: a temp file beside each path from before the run,
 * renamed into place after it (report_out.c). */
struct report_file {
	char *path; /* where the result goes (a symlink resolved) */
	char *tmp; /* the temp file beside it, NULL when written in place */
	int fd; /* tmp's fd, or the path's own (stderr, a FIFO, a device) */
	bool direct; /* written in place: "-", a FIFO, a character device */
};

struct sb_report_out {
	struct report_file f[2]; /* [0] --report, [1] --meta */
	bool opened;
};

void report_out_init(struct sb_report_out *o);

/* Before the run: make sure each result can be written (a temp file in its
 * directory, or a writable device). -errno with the path in the message. */
int report_out_open(const struct sb_plan *p, struct sb_report_out *o, struct sb_err *err);

/* Write text to f, check every step, rename it into place. */
int report_out_commit(struct report_file *f, const char *text, size_t len, const char *what, struct sb_err *err);

/* Drop temp files that were never committed. */
void report_out_release(struct sb_report_out *o);

/* Write --report and --meta if asked (opening them first if report_out_open
 * was not called); -errno and a message when a result cannot be written:
 * the caller must then exit 125, never 0 with a missing result. */
int report_write(const struct sb_plan *p, const struct sb_result *res, struct sb_report_out *o, struct sb_err *err);

/* isolate's status for a result ("OK", "RE", "SG", "TO", "XX": no ML or
 * OL, which show as the signal or exit that ended the command) and its
 * message into msg ("Time limit exceeded", "Caught fatal signal 9", ...;
 * "" for OK): what the meta file says, and isolate's front end prints. */
const char *report_isolate_status(const struct sb_result *res, char *msg, size_t len);

/* DESIGN.md's exit status for a finished or failed run. */
int report_exit_code(const struct sb_result *res);
