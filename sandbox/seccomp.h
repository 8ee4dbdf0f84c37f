/*
 * seccomp.h: the syscall filter. Compiled in the launcher before clone
 * (seccomp_prepare), loaded last in the payload right before execve
 * (seccomp_child), as crun and nsjail do.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "plan.h"
#include "result.h"

struct sb_seccomp {
	void *prog; /* struct sock_filter[] (BPF), malloc'd; NULL = no filter */
	size_t prog_len; /* number of instructions */
	int notify_fd; /* log mode: the listener fd in the launcher, -1 otherwise */
	int sock_fd[2]; /* log mode: socketpair to pass the listener fd, -1 otherwise */
	void *learn_prog; /* learn mode: the hardening program the listener runs, else NULL */
	size_t learn_len;
};

/* Launcher, before clone: resolve sets, apply always-on hardening, compile. */
int seccomp_prepare(const struct sb_plan *p, struct sb_seccomp *s, struct sb_err *err);

/* Payload, last step before execve: load the compiled program. */
int seccomp_child(const struct sb_plan *p, struct sb_seccomp *s, struct sb_err *err);

/* Launcher, after clone (log mode): receive the listener fd. May be a no-op. */
int seccomp_parent(const struct sb_plan *p, struct sb_seccomp *s, struct sb_err *err);

/* Launcher, in the wait loop (log mode): the fd to poll, or -1. */
int seccomp_poll_fd(const struct sb_seccomp *s);

/* Launcher, when seccomp_poll_fd() is readable: handle one notification,
 * recording denied syscall names into res. */
void seccomp_handle(const struct sb_plan *p, struct sb_seccomp *s, struct sb_result *res);

/* Launcher, at the end: free the program, close the sockets and listener.
 * (Not seccomp_release: libseccomp owns that name.) */
void seccomp_teardown(struct sb_seccomp *s);

/* The built-in policy whose syscall rules a plan refines ("syscalls-
 * default") when it sets no "syscalls default" and imports no profile;
 * NULL when the plan's own rules are the whole filter. */
const char *seccomp_baseline(const struct sb_plan *p);

/* Print the @sets, the always-on hardening and the named constants (for
 * `sandbox explain`). */
void seccomp_explain(FILE *f);
