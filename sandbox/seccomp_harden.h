/*
 * seccomp_harden.h: the always-on syscall hardening every filter carries,
 * whatever the policy allows (SECURITY.md, "Always-on syscall hardening").
 * Each entry can be re-allowed only with "syscalls unsafe-allow NAME".
 */
#pragma once

#include <stdio.h>

enum sb_harden_kind {
	SB_HARDEN_DENY = 0, /* always EPERM */
	SB_HARDEN_ENOSYS, /* always ENOSYS (clone3: glibc falls back to clone) */
	SB_HARDEN_NSFLAGS, /* EPERM when arg0 holds a CLONE_NEW* flag */
	SB_HARDEN_IOCTL, /* EPERM for ioctl(TIOCSTI) and ioctl(TIOCLINUX) */
	SB_HARDEN_PERSONALITY, /* EPERM unless PER_LINUX, PER_LINUX32 or the query */
	SB_HARDEN_KIND_MAX,
};

struct sb_harden {
	const char *name; /* the syscall */
	enum sb_harden_kind kind;
	const char *why;
};

/* The entry for syscall name, or NULL when it is not hardened. */
const struct sb_harden *seccomp_harden_find(const char *name);

const struct sb_harden *seccomp_harden_list(size_t *n);

/* One line per entry: "name  why" (for `sandbox explain`). */
void seccomp_harden_print(FILE *f, const char *indent);
