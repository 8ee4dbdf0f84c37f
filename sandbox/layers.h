/*
 * layers.h: the verbs each layer exposes to launcher.c (STYLE.md section 1).
 * X_prepare runs in the launcher before clone, X_parent in the launcher
 * after clone, X_child in init (pid 1) or the payload as noted.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "plan.h"
#include "result.h"

/* ns.c (launcher, before clone): which namespaces are new, their clone
 * flags (all but cgroup's), joining the ones given by path, checks. */
bool ns_new(const struct sb_plan *p, enum sb_ns n);
const char *ns_name(enum sb_ns n);
uint64_t ns_clone_flags(const struct sb_plan *p);
int ns_join(const struct sb_plan *p, struct sb_err *err);
int ns_validate(const struct sb_plan *p, struct sb_err *err);

/* userns.c (launcher): write setgroups/uid_map/gid_map for child pid. */
int userns_parent(const struct sb_plan *p, pid_t pid, struct sb_err *err);
/* userns.c (init): become the inside uid/gid (inside 0 with --map-to
 * subuid), drop supplementary groups. */
int userns_child(const struct sb_plan *p, struct sb_err *err);
/* userns.c (payload, before chdir and caps_child): with --map-to subuid,
 * become the command's ids; CAP_SETPCAP stays in effect for caps_child. */
int userns_drop(const struct sb_plan *p, struct sb_err *err);
/* userns.c: run fn(arg) in a forked child inside a new user namespace
 * mapped as p maps the sandbox's (inside 0 = the caller, the command's ids =
 * subordinate ones), holding every capability there: for work on files the
 * command left behind (isolate --cleanup after a killed run). 0 when fn
 * returned 0. */
int userns_run_mapped(const struct sb_plan *p, int (*fn)(void *arg), void *arg, struct sb_err *err);
/* The outside uid/gid the sandbox's ids map to (the caller's, or map-to). */
uid_t userns_outside_uid(const struct sb_plan *p);
gid_t userns_outside_gid(const struct sb_plan *p);

/* userns_probe.c (anyone): why a user namespace cannot be made, as an error
 * naming the sysctl (or AppArmor, or a container's seccomp) and the fix;
 * the launcher's clone failure and doctor both say it this way. */
int userns_explain(int e, struct sb_err *err);
/* userns_probe.c (anyone): make the namespaces a run makes, in a child that
 * exits at once; 0, or -errno with userns_explain's message. */
int userns_probe(struct sb_err *err);
/* userns.c (anyone): the caller's subordinate ids for --map-to subuid, or
 * -errno saying what is missing (uidmap's helpers, their setuid bit, a
 * range in /etc/subuid or /etc/subgid) with the fix. Reads only. */
struct sb_subids {
	unsigned long uid_start, uid_count, gid_start, gid_count;
};
int userns_subids(struct sb_subids *out, struct sb_err *err);
/* A number from /proc/sys (path), or -1 when absent or unreadable. */
long userns_sysctl(const char *path);

/* mounts.c (init): build the new root and pivot into it; the trees of
 * "own" binds go to the command's ids. */
int mounts_child(const struct sb_plan *p, struct sb_err *err);
/* mounts.c (init, after the last process of the run was reaped): hand the
 * trees of "own" binds back to the caller. Best effort: never fails. */
void mounts_release(const struct sb_plan *p);
/* mounts_own.c (launcher, in a child made by userns_run_mapped): the same
 * for a run init could not finish (killed by a limit, failed set-up): the
 * binds' sources, seen from the caller's mount namespace. plan is the
 * struct sb_plan; always 0. */
int mounts_release_host(void *plan);

/* timens.c (init, before the mounts): a time namespace for the payload
 * with the plan's clock offsets. */
int timens_child(const struct sb_plan *p, struct sb_err *err);
/* timens.c (anyone): can a time namespace be made here (in a child, inside
 * a user namespace, as init would)? 0 when it can (or when no user
 * namespace could be made to try), else -errno with the hint. */
int timens_probe(struct sb_err *err);
/* timens.c (payload): a CLOCK_MONOTONIC reading inside, as the host's. */
uint64_t timens_host_monotonic(const struct sb_plan *p, uint64_t ns);

/* sysctl.c: the plan's sysctls are namespaced and the run owns their
 * namespace (pure, plan_validate); write them (init, before the mounts). */
int sysctl_check(const struct sb_plan *p, struct sb_err *err);
int sysctl_child(const struct sb_plan *p, struct sb_err *err);

/* console.c (init, or an exec'd process, inside the run's root): a new
 * pty; its master goes to the engine over sock, the slave to *ret_slave;
 * dev_console (init): bound at /dev/console too. */
int console_child(int sock, bool dev_console, int *ret_slave, struct sb_err *err);

/* net.c (anyone: the run, doctor): what --net user needs from the host
 * before anything starts: pasta (*helper gets its path) and a default route
 * for it to copy; -errno with the package or the reason otherwise. */
int net_user_probe(const char **helper, struct sb_err *err);
/* net.c (launcher, before clone): --net user: find pasta, resolve the
 * allow-list's names once, check published host ports are free. */
int net_prepare(const struct sb_plan *p, struct sb_err *err);
/* net.c (launcher, after net_prepare): each destination the --net user
 * allow-list lets the payload reach, as its connects carry it inside the
 * run's namespace (for the eBPF second wall); 0, or fn's first error. */
int net_user_dests(int (*fn)(void *ctx, const struct sb_netaddr *a, const struct sb_netgrant *g), void *ctx);
/* net.c (launcher, after the id maps): start pasta on init's namespace and
 * wait until it has set it up. */
int net_parent(const struct sb_plan *p, pid_t pid, struct sb_err *err);
/* net.c (launcher, after GO): wait for pasta, then a second GO tells init
 * the network is up. */
int net_ready(int sync_fd, struct sb_err *err);
/* net.c (init, before it starts the payload): wait for that second GO;
 * -EPIPE when the launcher went away or failed instead. */
int net_await(int sync_fd);
/* net.c (launcher): init's count of refused packets (SYNC_NET). */
void net_note_refused(uint64_t count);
/* net.c (launcher, at the end): stop pasta; hand the applied allow-list
 * and the refused count to the result. */
void net_release(struct sb_result *res);
/* net.c (init, while mounts are built, before the root turns read-only):
 * the run's /etc/hosts and /etc/resolv.conf under root. */
int net_mounts(const struct sb_plan *p, const char *root, struct sb_err *err);
/* net.c (init): bring loopback up in a new network namespace; install the
 * allow-list (nftables) with --net user. */
int net_child(const struct sb_plan *p, struct sb_err *err);
/* net.c (payload): the TCP ports the allow-list lets it connect to, for
 * Landlock's port rules (ABI 4+); -1 when no port wall fits (no
 * allow-list, a TCP grant without ports, more than max ports). */
long net_landlock_ports(uint16_t *ports, size_t max);
/* net.c (init, before it reports the exit): send the refused count. */
void net_finish(int sync_fd);

/* caps.c (payload): drop every capability in every set. */
int caps_child(const struct sb_plan *p, struct sb_err *err);

/* limits.c (launcher, before anything is created): values that depend on
 * this machine, such as a --cpuset naming CPUs it does not have. */
int limits_prepare(const struct sb_plan *p, struct sb_err *err);
/* limits.c: how many CPUs the run's tree may keep busy at once (its
 * affinity, --cpuset, --cpus), for the CPU limit's check schedule. */
unsigned limits_parallelism(const struct sb_plan *p);
/* limits.c (launcher, before clone): which limits rlimits must stand in for
 * (res->enf as cgroup_prepare filled it). */
void limits_use(const struct sb_enforcement *enf);
/* limits.c (payload): rlimits and no_new_privs. */
int limits_child(const struct sb_plan *p, struct sb_err *err);
int limits_no_new_privs(struct sb_err *err);
/* limits.c: 1 when init counts against the command's RLIMIT_NPROC (it
 * shares the command's uid), else 0. */
unsigned limits_init_shares_nproc(const struct sb_plan *p);

/* landlock.c (anyone): the kernel's Landlock ABI version (>= 1), or -errno
 * with what is missing and how to get it (disabled at boot, not built). */
int landlock_probe(struct sb_err *err);
/* landlock.c (payload, after no_new_privs): filesystem rules and scoping. */
int landlock_child(const struct sb_plan *p, struct sb_err *err);
