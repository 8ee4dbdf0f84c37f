/*
 * util.h: pure helpers (no syscalls): number, size and time parsing,
 * string vectors, cleanup attributes (systemd's _cleanup_ habit).
 */
#pragma once

#include <time.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "err.h"

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))

static inline int take_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}
#define TAKE_FD(fd) take_fd(&(fd))
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _p = (p);                                                            \
		(p) = NULL;                                                                        \
		_p;                                                                                \
	})

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* "123" -> 123. Whole string, decimal, no sign; -EINVAL / -ERANGE. */
int parse_u64(const char *s, uint64_t *ret, struct sb_err *err);

/* "64M", "1G", "4096", "512K" -> bytes (powers of 1024); "unlimited" is not
 * accepted here (callers handle it). */
int parse_size(const char *s, uint64_t *ret, struct sb_err *err);

/* parse_size, or "N%" of this machine's physical memory (page-aligned),
 * for limits that should scale with the machine: "memory 50%". */
int parse_size_share(const char *s, uint64_t *ret, struct sb_err *err);

/* "1.5s", "250ms", "2m", "100us", "3" (seconds) -> microseconds. */
int parse_time_us(const char *s, uint64_t *ret, struct sb_err *err);

/* "1.5" -> 1500 (thousandths), for --cpus. */
int parse_milli(const char *s, uint64_t *ret, struct sb_err *err);

/* Levenshtein distance, for "did you mean" suggestions. */
size_t edit_distance(const char *a, const char *b);

/* Duplicate or die is not our style: returns NULL on ENOMEM. */
char *strdup_or_null(const char *s);

/* Split "A:B" at the first unescaped ':' ; returns b pointer or NULL. */
char *split_colon(char *s);

/* Normalize an absolute path: collapse "//", "/./", strip trailing '/'.
 * Rejects ".." components (-EINVAL) so a policy cannot walk out. */
int path_normalize(const char *in, char **ret, struct sb_err *err);

/* clock_gettime(clock) in nanoseconds, 0 if the clock cannot be read. */
uint64_t clock_ns(clockid_t clock);

/* One read(2) of a small file (a /proc or cgroup file: its text comes in
 * one read) into buf, NUL-terminated; the length, or -errno. */
int read_small_file(const char *path, char *buf, size_t len);

/* s as a JSON string, quoted and escaped (NULL writes ""): the report and
 * doctor --json write their strings through this one function. */
void json_write_str(FILE *f, const char *s);
