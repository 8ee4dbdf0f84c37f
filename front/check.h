/*
 * check.h: print a plan as one normalized policy (`sandbox check`), and
 * the small formatters explain.c shares. Printing code: called by
 * commands.c only.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>

#include "plan.h"

/* The whole plan as policy text: includes resolved, defaults written out,
 * the built-in syscall baseline too, so the text run as a policy builds
 * the same sandbox. Fails (-EINVAL, err set) when a value cannot be
 * written as a policy line that reads back the same. */
int check_print(FILE *f, const struct sb_plan *p, struct sb_err *err);

/* The directive word of a mount ("ro-bind-try") and its argument. */
const char *check_mount_word(const struct sb_mount *m);
void check_mount_arg(const struct sb_mount *m, char *buf, size_t len);

/* "auto", "required", "off" */
const char *check_landlock_word(enum sb_landlock l);

/* "allow", "deny", ... */
const char *check_action_word(enum sb_sys_action a);

/* One syscall rule as its directive argument: "deny ptrace bpf". */
void check_rule_str(const struct sb_sysrule *r, char *buf, size_t len);

/* Sizes and times in the largest exact unit: 256M, 1500ms. */
void check_size_str(uint64_t v, char *buf, size_t len);
void check_time_str(uint64_t us, char *buf, size_t len);
