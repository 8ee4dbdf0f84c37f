/*
 * isolate.h: the isolate front end (the binary started as "isolate"):
 * isolate's command line (isolate.c), its directory and environment rules
 * turned into the one plan (isolate_plan.c), and its box lifecycle:
 * box root, locks, --init and --cleanup (isolate_box.c). Rootless: boxes
 * live under a per-user root, and the command runs as an id of the
 * caller's /etc/subuid range when there is one (else as the caller).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "plan.h"

/* isolate's exit statuses (isolate(1), RETURN VALUE). */
#define ISO_EXIT_OK 0 /* the program ran and exited 0 */
#define ISO_EXIT_FAILED 1 /* the program failed: RE, SG, TO */
#define ISO_EXIT_ERROR 2 /* the sandbox failed (XX), or a usage error */

enum iso_cmd { ISO_NONE = 0, ISO_INIT, ISO_RUN, ISO_CLEANUP, ISO_VERSION, ISO_PRINT_CG_ROOT, ISO_HELP, ISO_CMD_MAX };

/* Directory rule flags (isolate's DIR_FLAG_*), and two of ours. */
#define ISO_DIR_RW 0x01u
#define ISO_DIR_NOEXEC 0x02u
#define ISO_DIR_FS 0x04u
#define ISO_DIR_MAYBE 0x08u
#define ISO_DIR_DEV 0x10u
#define ISO_DIR_TMP 0x20u
#define ISO_DIR_NOREC 0x40u
#define ISO_DIR_DEFAULT 0x100u /* a default rule (--no-default-dirs drops it) */
#define ISO_DIR_OUR_DEV 0x200u /* the default /dev: the core's minimal one */

struct iso_dir {
	char *in; /* inside, without the leading '/' */
	char *out; /* outside: "/abs", "./rel" (in the box dir), an fs type; NULL removes */
	unsigned flags;
};

/* One -E rule: val NULL inherits, "" removes, else sets. */
struct iso_env {
	char *var;
	char *val;
};

struct iso_opts {
	enum iso_cmd cmd;
	unsigned box_id;
	bool cg;
	uint64_t cg_mem_kb; /* 0 = not set */
	uint64_t mem_kb; /* -m: address space */
	uint64_t time_ms, wall_ms, extra_ms;
	uint64_t processes; /* 0 = unlimited */
	uint64_t fsize_kb, stack_kb, core_kb;
	uint64_t open_files; /* 0 = unlimited */
	bool quota;
	struct iso_dir *dirs;
	size_t n_dirs;
	bool default_dirs;
	struct iso_env *env;
	size_t n_env;
	bool full_env;
	char *stdin_path, *stdout_path, *stderr_path, *meta_path, *chdir;
	bool stderr_to_stdout, share_net, inherit_fds, wait;
	int silent, verbose;
	long as_uid, as_gid; /* -1: not given */
	char **argv; /* the command after --run (points into the real argv) */
};

/* Where boxes live and how ids are chosen, from the config file and the
 * environment (isolate_box.c). */
struct iso_config {
	char box_root[4096];
	char lock_root[4096];
	char cg_root[4096]; /* "" = the core's choice (SANDBOX_CGROUP, own cgroup) */
	uint64_t first_uid, first_gid; /* inside ids: first_uid + box id */
	uint64_t num_boxes;
	char source[4200]; /* the config file read, or "built-in defaults" */
};

/* Everything a command needs about its box. */
struct iso_box {
	struct iso_config cf;
	char dir[4200]; /* BOX_ROOT/ID */
	uid_t owner; /* the caller, or --as-uid */
	gid_t owner_gid;
	bool root; /* the caller is root */
	bool subids; /* the program runs as a subordinate id */
	int lock_fd;
};

/* isolate.c */
int isolate_main(int argc, char **argv);
/* Fail the command as isolate's die() does: the message on stderr and, with
 * --meta, status XX in the meta file; returns ISO_EXIT_ERROR. */
int isolate_die(const struct iso_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A --verbose line on stderr. */
void isolate_msg(const struct iso_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* isolate_plan.c: rules */
void iso_opts_init(struct iso_opts *o);
void iso_opts_free(struct iso_opts *o);
/* isolate's --dir argument: IN[=OUT][:OPT...]; false on a malformed rule. */
bool iso_dir_rule(struct iso_opts *o, const char *arg, unsigned extra, const char **why);
/* isolate's --env argument: VAR[=VAL]; false when VAR is empty. */
bool iso_env_rule(struct iso_opts *o, const char *arg);
/* The run's plan from the options and the box; 0 or ISO_EXIT_ERROR
 * (reported through isolate_die). */
int iso_build_plan(const struct iso_opts *o, const struct iso_box *b, struct sb_plan *p);

/* isolate_box.c */
int iso_box_open(const struct iso_opts *o, struct iso_box *b);
int iso_box_init(const struct iso_opts *o, struct iso_box *b);
int iso_box_cleanup(const struct iso_opts *o, struct iso_box *b);
/* Lock the box for a run: 0, or ISO_EXIT_ERROR after isolate_die. */
int iso_box_lock_run(const struct iso_opts *o, struct iso_box *b);
/* Root callers: what from owns in box/ to uid:gid, before a run
 * (to_program: files with another name elsewhere stay) and after it. */
void iso_box_chown(const struct iso_box *b, uid_t from, uid_t uid, gid_t gid, bool to_program);
void iso_box_close(struct iso_box *b);
