/*
 * loader_impl.h: what loader.c (libbpf, attach), cache.c (programs kept
 * pinned in a bpffs between runs) and token.c (BPF tokens) share: the set
 * of loaded programs as descriptors, named as the pins are.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

enum sb_bpf_prog {
	SB_P_CONNECT4 = 0,
	SB_P_CONNECT6,
	SB_P_SENDMSG4,
	SB_P_SENDMSG6,
	SB_P_BIND4,
	SB_P_BIND6,
	SB_P_SOCK_CREATE,
	SB_P_LSM_SOCKET, /* optional: only where the BPF LSM can run it */
	SB_P_DEV,
	SB_P_MAX,
};

/* The loaded programs and their rules map: descriptors, -1 when absent. */
struct sb_bpf_set {
	int map_fd;
	int prog_fd[SB_P_MAX];
};

/* Each program's name (its pin, and its function in sandbox.bpf.c) and
 * where it attaches (enum bpf_attach_type). */
extern const char *const sb_bpf_prog_names[SB_P_MAX];
extern const int sb_bpf_prog_attach[SB_P_MAX];

void bpf_set_init(struct sb_bpf_set *s);
void bpf_set_close(struct sb_bpf_set *s);

/* cache.c: the programs kept pinned under dir/HASH (HASH: of the embedded
 * object, so a rebuilt binary never takes another build's programs).
 * bpf_cache_get fills s from the pins: 0, or -ENOENT when there is no
 * complete, trustworthy set (owned by this user, writable by it alone).
 * bpf_cache_put pins s there (best effort: a failure only costs the next
 * run a load). */
int bpf_cache_get(const char *dir, const void *obj, size_t obj_len, struct sb_bpf_set *s);
void bpf_cache_put(const char *dir, const void *obj, size_t obj_len, const struct sb_bpf_set *s);

/* token.c: while set (>= 0), libbpf's BTF_LOAD, MAP_CREATE and PROG_LOAD
 * carry this BPF token; -1 stops it. */
void bpf_token_hook(int token_fd);
