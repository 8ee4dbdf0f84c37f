/*
 * sysconsts.h: named constants usable as values in "syscalls ... if argN OP
 * VALUE" conditions (flags, address families, ioctl requests). Pure data.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Look up one constant ("TIOCSTI"); false when unknown. */
bool sysconst_find(const char *name, uint64_t *ret);

/* The name of the constant whose name starts with one of the prefixes
 * (NULL-terminated list, e.g. { "TIOC", "TC", "FIO", NULL }) and whose value
 * is value; NULL when there is none. Values collide across groups (AF_INET
 * and O_RDWR are both 2), hence the prefixes. */
const char *sysconst_name(uint64_t value, const char *const *prefixes);

/* Print every constant name and value (for `sandbox explain`). */
void sysconst_print(FILE *f);
