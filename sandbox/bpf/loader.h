/*
 * loader.h: load the embedded eBPF programs (sandbox.bpf.c) with libbpf,
 * fill their rules, attach them to one cgroup, read their counters, and
 * detach them. The only code that knows libbpf; ebpf.c decides what to
 * load and where.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/ebpf_abi.h"
#include "err.h"

/* Which programs to load, with their rules. */
struct sb_bpf_load {
	bool net; /* connect4/6, sendmsg4/6, bind4/6 with rules[] */
	const struct sb_bpf_rule *rules;
	size_t n_rules;
	bool families; /* sock_create (inet) and, with lsm, lsm_cgroup/socket_create */
	bool lsm; /* the BPF LSM is active: every family is covered */
	uint64_t family_mask; /* bit F: family F allowed */
	bool devices; /* dev with devs[] */
	const struct sb_bpf_dev *devs;
	size_t n_devs;
	int token_fd; /* a BPF token, or -1 */
};

struct sb_bpf;

/* Load what l asks for and attach it to cgroup_fd (links: they detach when
 * the launcher exits, however it exits). *ret is set only on success. */
int bpf_loader_attach(const struct sb_bpf_load *l, int cgroup_fd, struct sb_bpf **ret, struct sb_err *err);

/* What the programs refused so far. */
void bpf_loader_counters(const struct sb_bpf *b, struct sb_bpf_counters *c);

/* Does the socket family check cover every family (the LSM program), or
 * only AF_INET/AF_INET6 (cgroup/sock_create)? */
bool bpf_loader_all_families(const struct sb_bpf *b);

/* Detach and unload; NULL is fine. */
void bpf_loader_release(struct sb_bpf *b);

/* Is the BPF LSM active (lsm_cgroup programs can run)? Reads
 * /sys/kernel/security/lsm; false when securityfs is not mounted. */
bool bpf_loader_lsm_active(void);
