/*
 * oci.h: the sandbox-oci front end (DESIGN.md "front ends"): runc's
 * command line for podman and containerd. oci.c parses it and runs the
 * commands, oci_config.c turns a bundle's config.json into the one plan,
 * oci_state.c keeps each container's state under --root. The core never
 * knows this front end called it.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "plan.h"

/* Global flags, as runc takes them before the command. */
struct oci_opts {
	const char *root; /* --root, or the default state dir */
	const char *log; /* --log FILE, NULL = stderr only */
	bool log_json; /* --log-format json */
	bool debug;
};

/* A bundle's config.json as a plan. state_dir receives files the plan
 * refers to (the seccomp profile). On error err names the file (and line
 * and column for a syntax error) or the field. */
int oci_config_load(const char *bundle, const char *state_dir, struct sb_plan *p, json_t **ret_config,
		    struct sb_err *err);

/* process (an OCI "process" object: config.json's, or exec --process's)
 * onto the plan: args, env, cwd, user, capabilities, rlimits,
 * noNewPrivileges, oomScoreAdj. where names it in messages. */
int oci_config_process(json_t *process, const char *where, struct sb_plan *p, struct sb_err *err);

/* ---- oci_state.c ---- */

enum oci_status { OCI_CREATED, OCI_RUNNING, OCI_STOPPED, OCI_STATUS_MAX };

struct oci_state {
	char id[256];
	char dir[4096]; /* ROOT/ID */
	pid_t pid;
	unsigned long long start_time; /* init's, from /proc/PID/stat, against pid reuse */
	char *bundle;
	char *rootfs;
	char *created; /* RFC 3339 */
	char *cgroup; /* the exact cgroup we made (cgroupsPath), NULL = none */
	json_t *annotations;
	enum oci_status status;
	int lock_fd;
};

/* A container id runc would accept: letters, digits, '_', '+', '-', '.'. */
bool oci_id_valid(const char *id);
/* ROOT/ID must not exist; made (mode 0700) and locked. */
int oci_state_new(const struct oci_opts *o, const char *id, struct oci_state *s, struct sb_err *err);
/* Read ROOT/ID (locked when lock): "container ID does not exist" when absent. */
int oci_state_load(const struct oci_opts *o, const char *id, bool lock, struct oci_state *s, struct sb_err *err);
int oci_state_save(const struct oci_state *s, struct sb_err *err);
/* Remove ROOT/ID and everything in it. */
void oci_state_remove(struct oci_state *s);
void oci_state_free(struct oci_state *s);
/* created, running or stopped, from the pid, its start time and the FIFO. */
enum oci_status oci_state_status(const struct oci_state *s);
const char *oci_status_name(enum oci_status st);
/* Init's start time (field 22 of /proc/PID/stat), 0 when gone or a zombie. */
unsigned long long oci_start_time(pid_t pid);
/* The runtime-spec state JSON (`state ID`). */
char *oci_state_json(const struct oci_state *s);
/* Write the pid to path atomically (a temp file renamed over it). */
int oci_write_pid_file(const char *path, pid_t pid, struct sb_err *err);
/* Every process of the container (its pid namespace or cgroup). */
int oci_state_pids(const struct oci_state *s, pid_t **ret, size_t *n);
