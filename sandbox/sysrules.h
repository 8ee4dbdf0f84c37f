/*
 * sysrules.h: parsing of the "syscalls ..." directive into struct sb_sysrule.
 * Pure (no seccomp calls): name resolution uses libseccomp's tables only.
 */
#pragma once

#include "plan.h"

/* Parse one "syscalls" argument: "default ACTION", "ACTION NAME|@SET... [if
 * argN OP VALUE [and ...]]", "unsafe-allow NAME...". Appends to p->sysrules
 * or sets the default. err->col points at the offending word. */
int sysrules_parse(struct sb_plan *p, const char *arg, const struct sb_loc *loc, struct sb_err *err);
