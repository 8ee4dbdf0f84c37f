/*
 * err.c: filling struct sb_err. Pure code, no syscalls.
 */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int vfail(struct sb_err *err, int errnum, int with_errno, const char *fmt, va_list ap)
{
	int n;

	if (errnum <= 0)
		errnum = errnum < 0 ? -errnum : EINVAL;
	err->errnum = errnum;
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (with_errno && n >= 0 && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s", strerror(errnum));
	return -errnum;
}

int sb_fail(struct sb_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfail(err, errnum, errnum > 0, fmt, ap);
	va_end(ap);
	return r;
}

int sb_failx(struct sb_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfail(err, errnum, 0, fmt, ap);
	va_end(ap);
	return r;
}

int sb_wrap(struct sb_err *err, const char *fmt, ...)
{
	char prefix[SB_ERR_MSG], old[SB_ERR_MSG];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	if (err->errnum == 0)
		err->errnum = EINVAL;
	return -err->errnum;
}

void sb_hint(struct sb_err *err, const char *fmt, ...)
{
	size_t n = strlen(err->msg);
	va_list ap;

	/* One line: the hint goes in parentheses after the message. */
	if (n + 12 >= sizeof(err->msg))
		return;
	memcpy(err->msg + n, " (hint: ", 9);
	n += 8;
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - n - 1, fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	if (n + 1 < sizeof(err->msg)) {
		err->msg[n] = ')';
		err->msg[n + 1] = '\0';
	}
}
