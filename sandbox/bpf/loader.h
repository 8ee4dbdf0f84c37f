/*
 * loader.h: get the embedded eBPF programs (sandbox.bpf.c) loaded (with
 * libbpf, or from the pins a previous run left: cache.c), attach the ones
 * a run needs to its cgroup, write the run's rules into that cgroup's
 * storage, read the counters back, and detach. The only code that knows
 * libbpf; ebpf.c decides what to attach and where.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/ebpf_abi.h"
#include "err.h"

/* Which programs to attach, with the run's rules. */
struct sb_bpf_load {
	const struct sb_bpf_conf *conf; /* rules, devices, families */
	bool net; /* connect4/6, sendmsg4/6 */
	bool bind; /* bind4/6 */
	bool families; /* sock_create and, where loaded, lsm_cgroup/socket_create */
	bool lsm; /* try to load the LSM program (the BPF LSM is active, the caller may) */
	bool devices; /* dev; it also records the run's init (ebpf_abi.h), so families need it */
	int token_fd; /* a BPF token for loading, or -1 */
	const char *cache; /* a bpffs directory to keep the loaded programs in, or NULL */
};

struct sb_bpf;

/* Attach what l asks for to cgroup_fd (as links: they detach when the
 * launcher exits, however it exits) and write l->conf as the cgroup's
 * rules. *ret is set only on success. */
int bpf_loader_attach(const struct sb_bpf_load *l, int cgroup_fd, struct sb_bpf **ret, struct sb_err *err);

/* What the programs refused so far. */
void bpf_loader_counters(const struct sb_bpf *b, struct sb_bpf_counters *c);

/* Does the socket family check cover every family (the LSM program), or
 * only AF_INET/AF_INET6 (cgroup/sock_create)? */
bool bpf_loader_all_families(const struct sb_bpf *b);

/* Did the programs come from the pins of an earlier run? */
bool bpf_loader_cached(const struct sb_bpf *b);

/* Detach and close; NULL is fine. */
void bpf_loader_release(struct sb_bpf *b);

/* Is the BPF LSM active (lsm_cgroup programs can run)? Reads
 * /sys/kernel/security/lsm; false when securityfs is not mounted. */
bool bpf_loader_lsm_active(void);

/* token.c: a BPF token from the delegated bpffs mounted at path, checked
 * to delegate what the programs need; -errno with the kernel's reason and
 * a hint otherwise. */
int bpf_loader_token(const char *path, int *ret_fd, struct sb_err *err);
