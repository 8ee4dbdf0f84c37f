/*
 * seccomp.h: the syscall filter. Compiled in the launcher before clone
 * (seccomp_prepare), loaded last in the payload right before execve
 * (seccomp_child), as crun and nsjail do.
 */
#pragma once

#include <stdbool.h>
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

/* That baseline, read into base (always plan_init'ed: empty when there is
 * none). The run's filter, check's output and explain all start from it,
 * so the three agree on what applies. Free base with plan_free. */
int seccomp_baseline_load(const struct sb_plan *p, struct sb_plan *base, struct sb_err *err);

/* The filter's default action as a policy would write it ("kill", "errno
 * EPERM", "allow"), decided by the same table the run compiles; *from is
 * where it comes from: NULL (the plan's own "syscalls default"), an
 * imported profile's path, or the built-in baseline's name. */
int seccomp_default_action(const struct sb_plan *p, char *buf, size_t len, const char **from, struct sb_err *err);

/* Rules that allow a syscall the always-on hardening refuses whatever its
 * arguments ("syscalls allow ptrace" without "unsafe-allow ptrace"): fn
 * gets each hardening entry concerned with the plan's last rule naming it.
 * The decision is the filter's own (sc_harden_applies). */
struct sb_harden;
typedef void (*seccomp_overruled_fn)(void *ctx, const struct sb_harden *h, const struct sb_sysrule *rule);
int seccomp_overruled(const struct sb_plan *p, seccomp_overruled_fn fn, void *ctx, struct sb_err *err);

/* What this kernel offers the filter layer (seccomp_probe.c). */
struct sb_seccomp_probe {
	bool filter; /* seccomp filters exist: without them no run can start */
	bool user_notif; /* SECCOMP_RET_USER_NOTIF: --syscalls-log and learn */
	bool cache; /* per-syscall "always allowed" cache (told by the version) */
	char actions[256]; /* actions_avail as the kernel lists them */
	char kernel[32]; /* "6.18" */
};

/* Anyone: read-only probe; loads nothing. */
void seccomp_probe(struct sb_seccomp_probe *pr);

/* Print the @sets, the always-on hardening and the named constants (for
 * `sandbox explain`). */
void seccomp_explain(FILE *f);
