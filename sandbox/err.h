/*
 * err.h: the error value every layer returns through (STYLE.md section 3).
 *
 * A failing function returns -errno and fills a struct sb_err with a message
 * that says what failed and, where we know it, how to fix it. Callers add
 * context on the way up with sb_wrap(). Only report.c prints it.
 */
#pragma once

#include <stddef.h>

#define SB_ERR_MSG 1024

/* What kind of failure, so report.c can pick DESIGN.md's exit code. */
enum sb_err_kind {
	SB_ERR_SETUP = 0, /* sandbox could not be built: exit 125 */
	SB_ERR_EXEC_NOENT, /* command not found: exit 127 */
	SB_ERR_EXEC_PERM, /* command found but not executable: exit 126 */
	SB_ERR_KIND_MAX,
};

struct sb_err {
	int errnum; /* positive errno, 0 when unset */
	enum sb_err_kind kind;
	int col; /* 0-based column inside the argument that failed, -1 if unknown */
	char msg[SB_ERR_MSG];
};

#define SB_ERR_INIT { .errnum = 0, .kind = SB_ERR_SETUP, .col = -1, .msg = "" }

/* Fill err with a formatted message (", errno text" is appended when errnum
 * is non-zero) and return -errnum (or -EINVAL when errnum is 0). */
int sb_fail(struct sb_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Same as sb_fail without the errno text: for messages that carry their own
 * explanation ("expected a size such as 64M"). */
int sb_failx(struct sb_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the existing message with context: "mount /usr: <old message>".
 * Returns -err->errnum so it can be the last statement of an error path. */
int sb_wrap(struct sb_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append " (hint: ...)" to the message: how to fix it, on the same line. */
void sb_hint(struct sb_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
