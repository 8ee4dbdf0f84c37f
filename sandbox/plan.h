/*
 * plan.h: struct sb_plan, the one description of a run (nsjail's config
 * message). The command line (cli.c) and policy files (policy.c) both fill
 * it through the option table (options.c); every layer reads it and none
 * writes it after plan_validate().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

struct sb_netrule;
struct sb_publish;

/* Where a directive came from: a policy file position, or the command line
 * (file == NULL). Used in error messages and conflict reports. */
struct sb_loc {
	const char *file; /* interned: lives as long as the plan */
	unsigned line; /* 1-based; 0 for the command line */
	unsigned col; /* 1-based column of the directive's argument */
};

enum sb_mount_kind {
	SB_MOUNT_BIND, /* --bind SRC[:DST], read-write */
	SB_MOUNT_RO_BIND, /* --ro-bind SRC[:DST], recursively read-only */
	SB_MOUNT_TMPFS, /* --tmpfs DST[:size=N,mode=M] */
	SB_MOUNT_DIR, /* --dir DST: an empty directory in the new root */
	SB_MOUNT_SYMLINK, /* --symlink TARGET:LINK */
	SB_MOUNT_PROC, /* --proc DST */
	SB_MOUNT_DEV, /* --dev DST: minimal /dev */
	SB_MOUNT_OVERLAY, /* --overlay SRC:DST: writable layer, thrown away */
	SB_MOUNT_FS, /* a file system by type (sysfs, mqueue, devpts, cgroup, tmpfs...): OCI mounts */
	SB_MOUNT_KIND_MAX,
};

/* Per-mount options (sb_mount.flags), the words after a bind's or tmpfs's
 * last ':' (options.c parses them, plan_mount_flags_str prints them). Every
 * mount is nosuid and, unless SB_MNT_DEV, nodev: those words are accepted
 * but change nothing. */
#define SB_MNT_NOEXEC 0x1u /* "noexec": nothing on it can be executed */
#define SB_MNT_DEV 0x2u /* "dev": device nodes on it work (a bind of /dev) */
#define SB_MNT_NOREC 0x4u /* "norec": bind the top mount only, not the mounts below it */
#define SB_MNT_OWN 0x8u /* "own": the tree belongs to the command's uid for the run (map-to subuid) */
#define SB_MNT_PARTIAL 0x10u /* "partial" (overlay): entries of ids the sandbox does not map stay unwritable */

struct sb_mount {
	enum sb_mount_kind kind;
	unsigned flags; /* SB_MNT_* */
	char *src; /* host path (binds, overlay) or link target (symlink) */
	char *dst; /* absolute path inside the sandbox */
	bool optional; /* --ro-bind-try / --bind-try: skip when src is missing */
	bool system; /* system-ro-bind: the host's system files, skipped when a rootfs brings its own */
	uint64_t size; /* tmpfs size in bytes, 0 = default */
	unsigned mode; /* tmpfs/dir mode, 0 = default (0755, /tmp 01777) */
	unsigned long ms_flags; /* SB_MOUNT_FS: mount(2) flags (MS_RDONLY, MS_NOEXEC, MS_STRICTATIME...) */
	char *fstype; /* SB_MOUNT_FS: the file system type */
	char *data; /* SB_MOUNT_FS: mount(2) data ("mode=755,size=65536k"), NULL = none */
	struct sb_loc loc;
};

/* Namespaces a plan may keep from the caller or join by path instead of
 * creating (`sandbox run` makes them all new; an OCI config chooses). */
enum sb_ns { SB_NS_USER, SB_NS_MNT, SB_NS_PID, SB_NS_IPC, SB_NS_UTS, SB_NS_NET, SB_NS_CGROUP, SB_NS_MAX };

struct sb_namespaces {
	unsigned share; /* 1u << SB_NS_*: stay in the caller's (no new one) */
	char *join[SB_NS_MAX]; /* setns(2) to this path instead of a new one */
	/* A new user namespace's maps, "INSIDE OUTSIDE COUNT" lines as in
	 * /proc/PID/uid_map; NULL maps uid/gid alone (userns.c). */
	char *uid_map, *gid_map;
};

/* Capability sets the payload keeps (OCI process.capabilities); without
 * them every capability is dropped. Bit N is capability N. */
struct sb_caps {
	bool set;
	uint64_t bounding, effective, permitted, inheritable, ambient;
};

struct sb_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
};

enum sb_net {
	SB_NET_NONE = 0, /* own namespace, loopback only (default) */
	SB_NET_HOST, /* share the caller's network namespace */
	SB_NET_USER, /* own namespace, a user-mode stack (pasta) outside: net.c */
	SB_NET_MAX,
};

/* Syscall filter actions (seccomp.c turns them into SCMP_ACT_*). */
enum sb_sys_action {
	SB_SYS_ALLOW = 0,
	SB_SYS_ERRNO, /* errno value in sb_sysrule.errnum; "deny" is errno EPERM */
	SB_SYS_KILL, /* kill the process */
	SB_SYS_LOG, /* allow and report */
	SB_SYS_TRAP,
	SB_SYS_UNSAFE_ALLOW, /* re-allow something the always-on hardening denies */
	SB_SYS_ACTION_MAX,
};

enum sb_sys_op { SB_OP_EQ, SB_OP_NE, SB_OP_LT, SB_OP_LE, SB_OP_GT, SB_OP_GE, SB_OP_MASKED_EQ, SB_OP_MAX };

struct sb_sys_cond {
	unsigned arg; /* 0..5 */
	enum sb_sys_op op;
	uint64_t value;
	uint64_t mask; /* for SB_OP_MASKED_EQ: (arg & mask) == value */
};

/* Extra ABIs a policy may re-admit with "syscalls arch x86|x32". */
#define SB_ARCH_X86 0x1u
#define SB_ARCH_X32 0x2u

/* One "syscalls ACTION NAME..." directive, parsed by sysrules.c. */
struct sb_sysrule {
	enum sb_sys_action action;
	int errnum; /* for SB_SYS_ERRNO */
	char **names; /* syscall names and @sets, NULL-terminated */
	struct sb_sys_cond conds[6];
	size_t n_conds;
	struct sb_loc loc;
};

/* How a limit ended up enforced; filled by cgroup/limits code for the report. */
enum sb_enforce {
	SB_ENF_NONE = 0,
	SB_ENF_CGROUP, /* the run's cgroup */
	SB_ENF_RLIMIT, /* a per-process rlimit */
	SB_ENF_LAUNCHER, /* the launcher's own timer (wall time) */
	SB_ENF_AFFINITY, /* a CPU affinity mask (cpuset without a cgroup) */
	SB_ENF_SAMPLING, /* the launcher sampling the process tree, an rlimit behind it */
	SB_ENF_RELAY, /* the launcher's output relay (pipes), RLIMIT_FSIZE on files */
	SB_ENF_MAX,
};

/* Whether the run has a cgroup of its own ("cgroup auto|required|off"). */
enum sb_cgroup_mode {
	SB_CG_AUTO = 0, /* when a limit needs one, or figures gain and one is at hand */
	SB_CG_REQUIRED, /* always; fail closed when none is usable (isolate --cg) */
	SB_CG_OFF, /* never: limits that need one fail, or fall back under best-effort */
	SB_CG_MODE_MAX,
};

struct sb_limits {
	uint64_t memory; /* bytes, 0 = unlimited */
	uint64_t pids; /* 0 = unlimited */
	uint64_t cpu_time_us; /* whole tree, 0 = unlimited */
	uint64_t wall_time_us; /* 0 = unlimited */
	uint64_t cpus_milli; /* CPU bandwidth in thousandths of a CPU, 0 = unlimited */
	char *cpuset; /* "0-1,3", NULL = any */
	uint64_t output_limit; /* bytes per file (RLIMIT_FSIZE + launcher-side cut), 0 = none */
	uint64_t open_files; /* RLIMIT_NOFILE, 0 = inherit */
	uint64_t stack; /* RLIMIT_STACK bytes, 0 = inherit */
	bool stack_unlimited;
	bool best_effort; /* "limits best-effort": rlimits stand in without a cgroup */
	char *cgroup_parent; /* --cgroup-parent PATH, NULL = find one */
	uint64_t address_space; /* RLIMIT_AS bytes, 0 = inherit (isolate's --mem) */
	uint64_t extra_time_us; /* CPU kill at cpu_time_us + this; TO above cpu_time_us all the same */
	enum sb_cgroup_mode cgroup_mode;
	/* The run's cgroup itself (an OCI cgroupsPath): made with its
	 * parents, kept by a detached launcher; NULL = a child of a parent */
	char *cgroup_path;
};

/* A time namespace and its clock offsets (time_namespaces(7)): what
 * CLOCK_MONOTONIC and CLOCK_BOOTTIME read inside, relative to the host. */
struct sb_time_ns {
	bool new_ns; /* the payload gets its own time namespace */
	int64_t monotonic_ns, boottime_ns; /* offsets, may be negative */
};

enum sb_landlock {
	SB_LANDLOCK_AUTO = 0, /* apply when the kernel has it (default) */
	SB_LANDLOCK_REQUIRED, /* fail closed without it */
	SB_LANDLOCK_OFF,
	SB_LANDLOCK_MAX,
};

/* How the eBPF layer (ebpf.c) applies: auto attaches the programs when the
 * caller may and fails only when a rule has no other wall; required fails
 * without them; best-effort never fails for them; off never loads them. */
enum sb_ebpf_mode {
	SB_EBPF_AUTO = 0,
	SB_EBPF_REQUIRED,
	SB_EBPF_BEST_EFFORT,
	SB_EBPF_OFF,
	SB_EBPF_MODE_MAX,
};

struct sb_plan {
	char **argv; /* the command, NULL-terminated; NULL for check/explain */

	/* policies named so far (for the report and explain), NULL-terminated */
	char **policies;
	size_t n_policies;
	bool policy_given; /* a --policy was given: do not load "default" */

	/* filesystem, in the order given */
	struct sb_mount *mounts;
	size_t n_mounts;
	char *rootfs; /* --rootfs DIR: bind DIR as / before the entries above */
	bool rootfs_writable; /* the root stays writable (an OCI root with readonly false); never from the CLI */
	char *chdir; /* --chdir DIR, default "/" (or $HOME-less "/") */
	char *hostname; /* default "sandbox" */

	/* identity */
	uid_t uid; /* inside; default 0 */
	gid_t gid;
	uid_t map_to; /* outside uid for root callers */
	bool map_to_set;
	/* --map-to subuid[:N]: the command's ids map to the caller's
	 * subordinate ids (/etc/subuid, /etc/subgid, through newuidmap and
	 * newgidmap), the N-th of the range (modulo its size); inside 0 stays
	 * the caller, for init's set-up. */
	bool map_subids;
	uint32_t subid_index;
	gid_t *groups; /* supplementary groups of the payload */
	size_t n_groups;
	/* The payload, not init, takes uid/gid/groups, right before exec and
	 * keeping caps: init stays root of its namespace to build the root
	 * (OCI: the process's user is not the namespace's owner). */
	bool payload_ids;
	struct sb_namespaces ns;
	struct sb_caps caps;
	bool allow_new_privs; /* no no_new_privs (OCI noNewPrivileges false) */
	int umask; /* -1: leave as inherited */
	int oom_score_adj;
	bool oom_score_adj_set;
	struct sb_rlimit *rlimits; /* set before exec, after the limits above */
	size_t n_rlimits;
	char **sysctl; /* "key=value", written inside the run's namespaces */
	size_t n_sysctl;
	char **masked_paths; /* made unreadable: /dev/null over files, an empty ro tmpfs over dirs */
	size_t n_masked_paths;
	char **readonly_paths; /* bound read-only over themselves */
	size_t n_readonly_paths;

	enum sb_net net;
	struct sb_loc loc_net; /* where the last "net" came from */
	/* --allow-net and --publish, in order (net_rules.h) */
	struct sb_netrule *netrules;
	size_t n_netrules;
	struct sb_publish *publish;
	size_t n_publish;
	enum sb_landlock landlock;
	/* No Landlock scoping (signals, abstract sockets): OCI exec'd
	 * processes live in a domain of their own and must still reach the
	 * container's other processes. */
	bool landlock_unscoped;
	struct sb_time_ns time_ns; /* --time-offset */

	/* eBPF: cgroup programs on the run's cgroup (ebpf.c) */
	enum sb_ebpf_mode ebpf;
	char *bpf_token; /* --bpf-token PATH: a delegated bpffs to take a BPF token from */
	uint64_t socket_families; /* bit F: address family F may be created */
	bool socket_families_set; /* --socket-families given: others are refused */

	/* process */
	bool interactive; /* keep the caller's session and terminal */
	int *keep_fds;
	size_t n_keep_fds;
	char **env; /* "K=V" in order; later duplicates win */
	size_t n_env;
	char **keep_env; /* names copied from the caller's environment */
	size_t n_keep_env;
	char **unset_env; /* names removed last (the default PATH too) */
	size_t n_unset_env;

	struct sb_limits limits;

	/* io and results */
	char *stdin_path, *stdout_path, *stderr_path;
	bool stderr_to_stdout;
	/* --stdio-inside: the payload opens the three paths inside the
	 * sandbox, as the command's uid, resolved in its root (openat2
	 * RESOLVE_IN_ROOT: no symlink leads out, no /proc magic link). */
	bool stdio_inside;
	/* A command that cannot be executed is the command's failure, as in
	 * isolate 1.9+: `execve("CMD"): ERROR` on its stderr, exit status 127
	 * (set by front ends; sandbox run reports it as a set-up error). */
	bool exec_error_is_exit;
	char *report_path; /* "-" = stderr */
	unsigned closed_stdio; /* bit N: the caller started us with fd N closed (main.c); /dev/null stands in */
	char *meta_path;

	/* syscalls */
	enum sb_sys_action sys_default; /* default action, SB_SYS_KILL unless set */
	int sys_default_errnum;
	bool sys_default_set;
	struct sb_sysrule *sysrules;
	size_t n_sysrules;
	char **seccomp_profiles; /* OCI/Docker JSON profiles to import, in order */
	size_t n_seccomp_profiles;
	unsigned sys_arches; /* "syscalls arch": extra ABIs, SB_ARCH_* bits (native only by default) */
	bool syscalls_log; /* report denied syscalls instead of enforcing */
	bool seccomp_off; /* "syscalls off": no filter at all (explicit, greppable) */
	bool learn; /* `sandbox learn`: every syscall stops and is recorded (paths,
		     * addresses, arguments) into the result; nothing is refused but
		     * the always-on hardening. Not an option: the learn front end sets it. */

	/* where each scalar came from, for "conflicting directives" messages */
	struct sb_loc loc_stderr, loc_stderr_to_stdout, loc_rootfs, loc_stdin, loc_stdout;

	/* interned strings (file names of locs) freed with the plan */
	char **strings;
	size_t n_strings;
};

void plan_init(struct sb_plan *p);
void plan_free(struct sb_plan *p);

/* Check the plan for conflicts and impossible values before anything is
 * created (bubblewrap's main does the same). Pure. */
int plan_validate(const struct sb_plan *p, struct sb_err *err);

/* Whether mount m is left out of the run: a system-ro-bind when a rootfs
 * brings its own system. The one rule mounts, Landlock and explain ask. */
bool plan_mount_skipped(const struct sb_plan *p, const struct sb_mount *m);

/* The search path a command gets when no policy sets PATH. */
#define SB_DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"

/* The command's environment: PATH, the --keep-env variables found in
 * caller_env, then the --env entries; of one name the last wins, order
 * otherwise kept; the --unset-env names are left out (PATH too). The strings are the plan's and caller_env's (not
 * copied); free the array only. NULL on ENOMEM. Pure; linear in size.
 * The payload execs with it, explain prints it. */
char **plan_env(const struct sb_plan *p, char **caller_env);

/* Append helpers used by option handlers; all return -ENOMEM on failure. */
int plan_add_mount(struct sb_plan *p, const struct sb_mount *m);
int plan_strv_add(char ***v, size_t *n, const char *s);
const char *plan_intern(struct sb_plan *p, const char *s);

/* Where the launcher kills for CPU time: the limit plus --extra-time. */
static inline uint64_t plan_cpu_kill_us(const struct sb_plan *p)
{
	return p->limits.cpu_time_us ? p->limits.cpu_time_us + p->limits.extra_time_us : 0;
}

/* "noexec,dev" for SB_MNT_* flags into buf ("" when none). Pure. */
const char *plan_mount_flags_str(unsigned flags, char *buf, size_t len);

/* Format a location as "FILE:LINE:COL" or "command line" into buf. */
const char *plan_loc_str(const struct sb_loc *loc, char *buf, size_t len);
