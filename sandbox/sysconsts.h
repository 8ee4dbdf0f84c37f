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

/* Print every constant name and value (for `sandbox explain`). */
void sysconst_print(FILE *f);
