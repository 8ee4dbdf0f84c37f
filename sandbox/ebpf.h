/*
 * ebpf.h: the eBPF layer: cgroup programs (sandbox/bpf/) on the run's own
 * cgroup for the network allow-list, socket families and devices. ebpf.c
 * decides whether and where; bpf/loader.c does the libbpf work.
 */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "bpf/ebpf_abi.h"
#include "cgroup.h"
#include "plan.h"
#include "result.h"

/* Whether this caller may attach the programs here, and why not. Filled by
 * ebpf_probe without attaching anything; explain, doctor and the run all
 * ask it. */
struct sb_ebpf_probe {
	bool permitted;
	bool lsm; /* the caller may load the LSM program (ebpf_all_families: and it runs here) */
	const char *via; /* "CAP_SYS_ADMIN", "CAP_BPF+CAP_NET_ADMIN", "a BPF token" */
	char cgroup_parent[PATH_MAX]; /* where a run's own v2 cgroup would go */
	char cache[PATH_MAX]; /* bpffs directory the loaded programs are kept in between runs; "" when none */
	char why[512]; /* when !permitted: what is missing */
	char hint[256]; /* when !permitted: how to get it */
};

/* The run's state, owned by launcher.c. */
struct sb_ebpf {
	struct sb_bpf *bpf; /* loaded and attached programs, or NULL */
	int cg_fd; /* the cgroup they are attached to; -1 */
	bool own; /* cg_fd is ours (dir): remove it after the run */
	char dir[PATH_MAX];
	struct sb_bpf_conf conf; /* the run's rules, as the programs read them */
};

#define SB_EBPF_INIT { .bpf = NULL, .cg_fd = -1, .own = false, .dir = "" }

/* Anyone (explain, doctor, the run): may this caller use eBPF here? p may
 * be NULL (doctor: no plan, no token). Reads /proc and statfs only. */
void ebpf_probe(const struct sb_plan *p, struct sb_ebpf_probe *pr);

/* Explain, doctor: would a permitted run check every socket family (the
 * BPF LSM is active and the caller may load its program), or AF_INET and
 * AF_INET6 only? Reads securityfs. */
bool ebpf_all_families(const struct sb_ebpf_probe *pr);

/* The rule groups the plan holds that only eBPF can enforce, as text for
 * messages ("socket-families"), or NULL when it holds none. */
const char *ebpf_needed_by(const struct sb_plan *p);

/* Anyone (the run, doctor): when eBPF is not permitted (pr), may a run of
 * p go on with the other walls standing in (0), or must it fail (-errno,
 * with the message and hints the run gives)? */
int ebpf_without(const struct sb_plan *p, const struct sb_ebpf_probe *pr, struct sb_err *err);

/* Launcher, before clone, after cgroup_prepare: load the programs the plan
 * needs and attach them to the run's v2 cgroup (cg's, or one of our own on
 * a hybrid host). Fails closed (125 with a hint) when a rule needs eBPF and
 * the caller may not use it, unless "ebpf best-effort". Fills res->ebpf. */
int ebpf_prepare(const struct sb_plan *p, const struct sb_cgroup *cg, struct sb_ebpf *e, struct sb_result *res,
		 struct sb_err *err);

/* Launcher: the fd to clone into (CLONE_INTO_CGROUP) when the cgroup layer
 * gave none, else -1. */
int ebpf_clone_fd(const struct sb_ebpf *e);

/* Launcher, after clone, before GO: put init into our own cgroup. */
int ebpf_parent(struct sb_ebpf *e, pid_t pid, struct sb_err *err);

/* Init, right after GO, before anything else: open /dev/null, which
 * records init in the run's rules (ebpf_abi.h) before the payload exists.
 * Nothing when no programs are attached. */
int ebpf_child(struct sb_err *err);

/* Launcher, after the run: the counters into res->ebpf. */
void ebpf_collect(const struct sb_ebpf *e, struct sb_result *res);

/* Launcher: detach, unload, remove our cgroup. */
void ebpf_release(struct sb_ebpf *e);
