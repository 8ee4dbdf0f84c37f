/*
 * cli.h: the command line -> struct sb_plan. Pure (the policy option reads
 * policy files).
 */
#pragma once

#include <stdio.h>

#include "plan.h"

/* Parse `run` options (argv[0] is the first option). Policies given with
 * --policy apply first, in order, or "default" when none is; the other
 * options then apply on top. Sets p->argv (copied) unless allow_no_command
 * and no command was given. */
int cli_parse(int argc, char **argv, struct sb_plan *p, bool allow_no_command, struct sb_err *err);

/* The --report and --meta paths named on the command line (the last of
 * each), found without applying anything: a run whose options fail to
 * parse still replaces the results of an earlier run with its error. */
void cli_result_paths(int argc, char **argv, const char **report, const char **meta);

/* Print the option table, grouped, as --help shows it. */
void cli_usage(FILE *f);
