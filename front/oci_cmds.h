/*
 * oci_cmds.h: sandbox-oci's commands (oci_cmds.c, oci_exec.c) and the
 * dispatcher's helpers they share (oci.c).
 */
#pragma once

#include <stdbool.h>

#include "err.h"
#include "oci.h"

/* The alias entry point (sandbox/main.c). */
int oci_main(int argc, char **argv);

/* Log at level ("error", "warning", "debug") to stderr (errors) and --log. */
void oci_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Log err; returns 1, runc's exit status for a failed command. */
int oci_error(const struct sb_err *err);
/* Flag NAME (or -SHORT) at argv[*i], with its value into *val (NULL when
 * missing), advancing *i past a separate value. */
bool oci_flag(int argc, char **argv, int *i, const char *name, char shorty, const char **val);
bool oci_bool(const char *a, const char *name, char shorty, bool *out);

/* Each takes argv[0] = the command's name. */
int oci_cmd_create(const struct oci_opts *o, int argc, char **argv);
int oci_cmd_start(const struct oci_opts *o, int argc, char **argv);
int oci_cmd_run(const struct oci_opts *o, int argc, char **argv);
int oci_cmd_state(const struct oci_opts *o, int argc, char **argv);
int oci_cmd_kill(const struct oci_opts *o, int argc, char **argv);
int oci_cmd_delete(const struct oci_opts *o, int argc, char **argv);
int oci_cmd_exec(const struct oci_opts *o, int argc, char **argv);
int oci_cmd_ps(const struct oci_opts *o, int argc, char **argv);
int oci_cmd_list(const struct oci_opts *o, int argc, char **argv);
int oci_cmd_features(const struct oci_opts *o, int argc, char **argv);
int oci_cmd_refused(const struct oci_opts *o, int argc, char **argv);

/* oci_cmds.c, for oci_exec.c: connect to an engine's console socket. */
int oci_console_connect(const char *path, struct sb_err *err);
