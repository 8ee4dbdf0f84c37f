/*
 * syscalls.h: the only place that calls syscall(2) (STYLE.md section 5).
 * Each wrapper returns -1 with errno = ENOSYS when the number is unknown at
 * build time, so callers probe the feature instead of the kernel version.
 */
#pragma once

#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* struct clone_args as of Linux 5.7 (with cgroup). */
struct sb_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
	uint64_t set_tid;
	uint64_t set_tid_size;
	uint64_t cgroup;
};

struct sb_mount_attr {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};

static inline pid_t sys_clone3(struct sb_clone_args *args, size_t size)
{
#ifdef __NR_clone3
	return (pid_t)syscall(__NR_clone3, args, size);
#else
	(void)args, (void)size;
	errno = ENOSYS;
	return -1;
#endif
}

static inline int sys_pidfd_open(pid_t pid, unsigned flags)
{
#ifdef __NR_pidfd_open
	return (int)syscall(__NR_pidfd_open, pid, flags);
#else
	(void)pid, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static inline int sys_pidfd_send_signal(int pidfd, int sig)
{
#ifdef __NR_pidfd_send_signal
	return (int)syscall(__NR_pidfd_send_signal, pidfd, sig, NULL, 0);
#else
	(void)pidfd, (void)sig;
	errno = ENOSYS;
	return -1;
#endif
}

static inline int sys_close_range(unsigned first, unsigned last, unsigned flags)
{
#ifdef __NR_close_range
	return (int)syscall(__NR_close_range, first, last, flags);
#else
	(void)first, (void)last, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static inline int sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(__NR_pivot_root, new_root, put_old);
}

static inline int sys_mount_setattr(int dfd, const char *path, unsigned flags,
				    struct sb_mount_attr *attr, size_t size)
{
#ifdef __NR_mount_setattr
	return (int)syscall(__NR_mount_setattr, dfd, path, flags, attr, size);
#else
	(void)dfd, (void)path, (void)flags, (void)attr, (void)size;
	errno = ENOSYS;
	return -1;
#endif
}

/* keyctl(KEYCTL_JOIN_SESSION_KEYRING, NULL): a fresh anonymous session
 * keyring, so the payload cannot reach the caller's keys. */
static inline long sys_join_new_session_keyring(void)
{
#ifdef __NR_keyctl
	return syscall(__NR_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* Landlock (Linux 5.13+). UAPI constants newer than the build headers. */
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#define SB_LANDLOCK_RULE_PATH_BENEATH 1
#define SB_LL_FS_EXECUTE (1ULL << 0)
#define SB_LL_FS_WRITE_FILE (1ULL << 1)
#define SB_LL_FS_READ_FILE (1ULL << 2)
#define SB_LL_FS_READ_DIR (1ULL << 3)
#define SB_LL_FS_REFER (1ULL << 13) /* ABI 2 */
#define SB_LL_FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#define SB_LL_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#define SB_LL_FS_ALL_V1 ((1ULL << 13) - 1)
#define SB_LANDLOCK_RULE_NET_PORT 2 /* ABI 4 */
#define SB_LL_NET_CONNECT_TCP (1ULL << 1) /* ABI 4 */
#define SB_LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */
#define SB_LL_SCOPE_SIGNAL (1ULL << 1) /* ABI 6 */

struct sb_landlock_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct sb_landlock_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct sb_landlock_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
} __attribute__((packed));

static inline int sys_landlock_create_ruleset(const struct sb_landlock_ruleset_attr *attr, size_t size,
					      uint32_t flags)
{
#ifdef __NR_landlock_create_ruleset
	return (int)syscall(__NR_landlock_create_ruleset, attr, size, flags);
#else
	(void)attr, (void)size, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static inline int sys_landlock_add_rule(int fd, int type, const void *attr, uint32_t flags)
{
#ifdef __NR_landlock_add_rule
	return (int)syscall(__NR_landlock_add_rule, fd, type, attr, flags);
#else
	(void)fd, (void)type, (void)attr, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static inline int sys_landlock_restrict_self(int fd, uint32_t flags)
{
#ifdef __NR_landlock_restrict_self
	return (int)syscall(__NR_landlock_restrict_self, fd, flags);
#else
	(void)fd, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

/* The kernel's Landlock ABI version, or -1 (explain.c's probe). */
static inline int sys_landlock_abi_version(void)
{
	return sys_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
}

/* seccomp(2): glibc has no wrapper; needed for SECCOMP_FILTER_FLAG_NEW_LISTENER. */
static inline int sys_seccomp(unsigned op, unsigned flags, void *args)
{
#ifdef __NR_seccomp
	return (int)syscall(__NR_seccomp, op, flags, args);
#else
	(void)op, (void)flags, (void)args;
	errno = ENOSYS;
	return -1;
#endif
}

/* pidfd_getfd(2) (Linux 5.6): a copy of another process's descriptor;
 * needs ptrace access to it (learn mode reads a socket's type with it). */
static inline int sys_pidfd_getfd(int pidfd, int fd, unsigned flags)
{
#ifdef __NR_pidfd_getfd
	return (int)syscall(__NR_pidfd_getfd, pidfd, fd, flags);
#else
	(void)pidfd, (void)fd, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

/* openat2(2) (Linux 5.6), for RESOLVE_IN_ROOT lookups in another root. */
struct sb_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
#ifndef RESOLVE_NO_MAGICLINKS
#define RESOLVE_NO_MAGICLINKS 0x02
#endif
#ifndef RESOLVE_IN_ROOT
#define RESOLVE_IN_ROOT 0x10
#endif

static inline int sys_openat2(int dfd, const char *path, struct sb_open_how *how)
{
#ifdef __NR_openat2
	return (int)syscall(__NR_openat2, dfd, path, how, sizeof(*how));
#else
	(void)dfd, (void)path, (void)how;
	errno = ENOSYS;
	return -1;
#endif
}

/* BPF_TOKEN_CREATE (Linux 6.9): a BPF token from the root of a delegated
 * bpffs. Debian 12's headers (6.1) and libbpf (1.1) predate it: the command
 * number and its attr (__u32 flags, __u32 bpffs_fd) as in the kernel's
 * include/uapi/linux/bpf.h. */
#define SB_BPF_TOKEN_CREATE 36

static inline int sys_bpf_token_create(int bpffs_fd)
{
#ifdef __NR_bpf
	uint32_t attr[2] = { 0, (uint32_t)bpffs_fd };

	return (int)syscall(__NR_bpf, SB_BPF_TOKEN_CREATE, attr, sizeof(attr));
#else
	(void)bpffs_fd;
	errno = ENOSYS;
	return -1;
#endif
}

/* capget(2): glibc has no wrapper (libcap has one); version 3, two words. */
#define SB_CAP_V3 0x20080522
struct sb_cap_header {
	uint32_t version;
	int pid;
};
struct sb_cap_data {
	uint32_t effective, permitted, inheritable;
};

static inline int sys_capget(struct sb_cap_header *h, struct sb_cap_data *d)
{
	return (int)syscall(SYS_capget, h, d);
}
