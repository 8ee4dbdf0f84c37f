/*
 * syscall_sets.h: named syscall groups ("@file-system", ...) modelled on
 * systemd's SystemCallFilter= groups. Pure data (syscall_sets.c).
 */
#pragma once

#include <stdio.h>

struct sb_syscall_set {
	const char *name; /* with the '@' */
	const char *help;
	const char *const *members; /* syscall names or "@set", NULL-terminated */
};

/* The set called name ("@basic-io"), or NULL. */
const struct sb_syscall_set *syscall_set_find(const char *name);

/* Every set, in table order; *n gets the count. */
const struct sb_syscall_set *syscall_sets(size_t *n);

/* Print each set with its help line and members (for `sandbox explain`). */
void seccomp_sets_print(FILE *f);
