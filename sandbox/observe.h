/*
 * observe.h: what a learning run saw (`sandbox learn`): the syscalls made
 * (with the argument values the policy language conditions on), the paths
 * touched and how, the network addresses used, and what the always-on
 * hardening refused. Filled in the launcher by the seccomp listener
 * (seccomp_learn.c), read by the learn front end (front/learn*.c), and
 * rebuilt from an existing learned policy for --append. Pure data: no
 * syscalls here.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SB_OBS_NR_MAX 1024 /* native (x86_64) syscall numbers */

/* How a path was used; bits, since one path can be used several ways. */
enum {
	SB_OBS_READ = 1 << 0, /* opened for reading, executed, stat'ed (a file) */
	SB_OBS_LIST = 1 << 1, /* a directory opened for reading (listed) */
	SB_OBS_EXIST = 1 << 2, /* a directory that only had to exist (chdir, stat, O_PATH) */
	SB_OBS_WRITE = 1 << 3, /* an existing file written, truncated, chmod'ed */
	SB_OBS_CREATE = 1 << 4, /* entries created, removed or renamed in this directory */
	SB_OBS_DIR = 1 << 5, /* the path was a directory when seen */
};

struct sb_obs_path {
	char *path; /* absolute, normalized, as the sandbox saw it */
	unsigned how; /* SB_OBS_* bits */
};

/* A syscall argument value worth a condition: socket's family, ioctl's
 * request, clone's flags. */
struct sb_obs_arg {
	int nr;
	unsigned arg;
	uint64_t value;
};

enum sb_obs_net_op { SB_OBS_CONNECT = 0, SB_OBS_SEND, SB_OBS_BIND, SB_OBS_NET_OP_MAX };

struct sb_obs_net {
	enum sb_obs_net_op op;
	int family; /* AF_INET or AF_INET6 */
	int type; /* SOCK_STREAM, SOCK_DGRAM, ... (0 when unknown) */
	uint8_t addr[16]; /* network byte order; 4 bytes used for AF_INET */
	uint16_t port; /* host byte order */
};

struct sb_observed {
	uint8_t used[SB_OBS_NR_MAX / 8]; /* allowed and made (native numbers) */
	struct sb_obs_arg *args;
	size_t n_args;
	struct sb_obs_path *paths; /* sorted by path */
	size_t n_paths;
	struct sb_obs_net *net;
	size_t n_net;
	char **refused; /* "name" of syscalls the hardening refused, sorted */
	size_t n_refused;
	char **notes; /* things learn could not express (abstract sockets...) */
	size_t n_notes;
	unsigned long events; /* notifications handled */
	unsigned long unreadable; /* arguments that could not be read */
};

struct sb_observed *observe_new(void);
void observe_free(struct sb_observed *o);

/* Each returns 0, or -ENOMEM (the observation is then lost, not the run). */
void observe_syscall(struct sb_observed *o, int nr);
bool observe_used(const struct sb_observed *o, int nr);
int observe_arg(struct sb_observed *o, int nr, unsigned arg, uint64_t value);
int observe_path(struct sb_observed *o, const char *path, unsigned how);
int observe_net(struct sb_observed *o, const struct sb_obs_net *n);
int observe_refused(struct sb_observed *o, const char *name);
int observe_note(struct sb_observed *o, const char *note);

/* Add everything src saw to dst (--append: an old policy and a new run). */
void observe_merge(struct sb_observed *dst, const struct sb_observed *src);

/* The entry for path, or NULL. */
const struct sb_obs_path *observe_find_path(const struct sb_observed *o, const char *path);

/* Lexically normalize an absolute path in place: collapse "//", drop "."
 * and resolve ".." (never above "/"), drop a trailing "/". */
void observe_normalize(char *path);
