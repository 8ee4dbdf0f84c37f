/*
 * options_impl.h: what the option table (options.c) shares with the files
 * that hold some of its handlers (options_limits.c). Private to them.
 */
#pragma once

#include "options.h"

/* A handler of the table; HX: one defined outside options.c. */
#define HX(name) \
	int name(struct sb_plan *p, const char *arg, const struct sb_loc *loc __attribute__((unused)), \
		 struct sb_err *err)

/* Replace a string field with a copy of arg (a normalized path). */
int options_set_str(char **field, const char *arg, struct sb_err *err);
int options_set_path(char **field, const char *arg, struct sb_err *err);

/* The limits (options_limits.c). */
HX(opt_memory);
HX(opt_pids);
HX(opt_cpu_time);
HX(opt_wall_time);
HX(opt_cpus);
HX(opt_cpuset);
HX(opt_output_limit);
HX(opt_open_files);
HX(opt_stack);
HX(opt_limits);
HX(opt_address_space);
HX(opt_extra_time);
HX(opt_cgroup);
HX(opt_cgroup_parent);
