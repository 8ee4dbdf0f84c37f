/*
 * syscall_sets.c: the data behind "@set" names in "syscalls" rules. Groups
 * and members follow systemd's SystemCallFilter= groups (seccomp-util.c),
 * which many admins already know; names that do not exist on x86_64 (mmap2,
 * _llseek, ...) are kept for fidelity and skipped when the filter is built.
 * Sets may include other sets ("@system-service" includes "@basic-io").
 * Pure data plus lookup; no syscalls.
 */
#include "syscall_sets.h"

#include <string.h>

#include "util.h"

#define SET(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct sb_syscall_set sets[] = {
	{ "@default", "what every program needs: memory, time, identity queries, exit",
	  SET("arch_prctl", "brk", "cacheflush", "clock_getres", "clock_getres_time64", "clock_gettime",
	      "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "execve", "exit", "exit_group",
	      "futex", "futex_time64", "futex_waitv", "get_robust_list", "get_thread_area", "getegid",
	      "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32", "getpgid",
	      "getpgrp", "getpid", "getppid", "getrandom", "getresgid", "getresgid32", "getresuid",
	      "getresuid32", "getrlimit", "getsid", "gettid", "gettimeofday", "getuid", "getuid32",
	      "membarrier", "mmap", "mmap2", "mprotect", "munmap", "nanosleep", "pause", "prlimit64",
	      "restart_syscall", "riscv_flush_icache", "rseq", "rt_sigreturn", "sched_getaffinity",
	      "sched_yield", "set_robust_list", "set_thread_area", "set_tid_address", "set_tls", "sigreturn",
	      "time", "ugetrlimit") },
	{ "@aio", "asynchronous I/O (io_uring stays denied by the always-on hardening)",
	  SET("io_cancel", "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64", "io_setup",
	      "io_submit", "io_uring_enter", "io_uring_register", "io_uring_setup") },
	{ "@basic-io", "read, write, seek and close descriptors",
	  SET("_llseek", "close", "close_range", "dup", "dup2", "dup3", "lseek", "pread64", "preadv",
	      "preadv2", "pwrite64", "pwritev", "pwritev2", "read", "readv", "write", "writev") },
	{ "@chown", "change file ownership",
	  SET("chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32") },
	{ "@clock", "set the system clock",
	  SET("adjtimex", "clock_adjtime", "clock_adjtime64", "clock_settime", "clock_settime64",
	      "settimeofday") },
	{ "@cpu-emulation", "run code in emulated CPU modes",
	  SET("modify_ldt", "subpage_prot", "switch_endian", "vm86", "vm86old") },
	{ "@debug", "debug, trace and profile other processes",
	  SET("lookup_dcookie", "perf_event_open", "pidfd_getfd", "ptrace", "rtas", "s390_runtime_instr",
	      "sys_debug_setcontext") },
	{ "@file-system", "open, stat, create, rename and remove files; watch them",
	  SET("access", "chdir", "chmod", "close", "creat", "faccessat", "faccessat2", "fallocate", "fchdir",
	      "fchmod", "fchmodat", "fchmodat2", "fcntl", "fcntl64", "fgetxattr", "flistxattr",
	      "fremovexattr", "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64",
	      "ftruncate", "ftruncate64", "futimesat", "getcwd", "getdents", "getdents64", "getxattr",
	      "inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch", "lgetxattr", "link",
	      "linkat", "listxattr", "llistxattr", "lremovexattr", "lsetxattr", "lstat", "lstat64", "mkdir",
	      "mkdirat", "mknod", "mknodat", "mmap", "mmap2", "munmap", "newfstatat", "oldfstat", "oldlstat",
	      "oldstat", "open", "openat", "openat2", "readlink", "readlinkat", "removexattr", "rename",
	      "renameat", "renameat2", "rmdir", "setxattr", "stat", "stat64", "statfs", "statfs64", "statx",
	      "symlink", "symlinkat", "truncate", "truncate64", "unlink", "unlinkat", "utime", "utimensat",
	      "utimensat_time64", "utimes") },
	{ "@io-event", "wait for events on descriptors",
	  SET("_newselect", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
	      "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "poll", "ppoll",
	      "ppoll_time64", "pselect6", "pselect6_time64", "select") },
	{ "@ipc", "pipes, SysV and POSIX IPC, memfd, cross-process memory",
	  SET("ipc", "memfd_create", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive",
	      "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "msgctl",
	      "msgget", "msgrcv", "msgsnd", "pipe", "pipe2", "process_madvise", "process_vm_readv",
	      "process_vm_writev", "semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "shmat",
	      "shmctl", "shmdt", "shmget") },
	{ "@keyring", "the kernel keyring (denied by the always-on hardening)",
	  SET("add_key", "keyctl", "request_key") },
	{ "@memlock", "lock memory into RAM", SET("mlock", "mlock2", "mlockall", "munlock", "munlockall") },
	{ "@module", "load and unload kernel modules", SET("delete_module", "finit_module", "init_module") },
	{ "@mount", "mount and unmount file systems, change root",
	  SET("chroot", "fsconfig", "fsmount", "fsopen", "fspick", "mount", "mount_setattr", "move_mount",
	      "open_tree", "pivot_root", "umount", "umount2") },
	{ "@network-io", "sockets: create, connect, send, receive",
	  SET("accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt", "listen",
	      "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "send", "sendmmsg", "sendmsg",
	      "sendto", "setsockopt", "shutdown", "socket", "socketcall", "socketpair") },
	{ "@obsolete", "unusual, obsolete or unimplemented syscalls",
	  SET("_sysctl", "afs_syscall", "bdflush", "break", "create_module", "ftime", "get_kernel_syms",
	      "getpmsg", "gtty", "idle", "lock", "mpx", "prof", "profil", "putpmsg", "query_module",
	      "security", "sgetmask", "ssetmask", "stime", "stty", "sysfs", "tuxcall", "ulimit", "uselib",
	      "ustat", "vserver") },
	{ "@pkey", "memory protection keys", SET("pkey_alloc", "pkey_free", "pkey_mprotect") },
	{ "@privileged", "syscalls that need capabilities to do anything",
	  SET("@chown", "@clock", "@module", "@raw-io", "@reboot", "@swap", "_sysctl", "acct", "bpf",
	      "capset", "chroot", "fanotify_init", "fanotify_mark", "nfsservctl", "open_by_handle_at",
	      "pivot_root", "quotactl", "quotactl_fd", "setdomainname", "setfsuid", "setfsuid32",
	      "setgroups", "setgroups32", "sethostname", "setresuid", "setresuid32", "setreuid",
	      "setreuid32", "setuid", "setuid32", "vhangup") },
	{ "@process", "create, signal, wait for and inspect processes and threads",
	  SET("capget", "clone", "clone3", "execveat", "fork", "getrusage", "kill", "pidfd_open",
	      "pidfd_send_signal", "prctl", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "setns", "swapcontext",
	      "tgkill", "times", "tkill", "unshare", "vfork", "wait4", "waitid", "waitpid") },
	{ "@raw-io", "raw I/O port and PCI access",
	  SET("ioperm", "iopl", "pciconfig_iobase", "pciconfig_read", "pciconfig_write",
	      "s390_pci_mmio_read", "s390_pci_mmio_write") },
	{ "@reboot", "reboot and kexec", SET("kexec_file_load", "kexec_load", "reboot") },
	{ "@resources", "change scheduling, memory policy and resource limits",
	  SET("ioprio_set", "mbind", "migrate_pages", "move_pages", "nice", "sched_setaffinity",
	      "sched_setattr", "sched_setparam", "sched_setscheduler", "set_mempolicy",
	      "set_mempolicy_home_node", "setpriority", "setrlimit") },
	{ "@sandbox", "sandbox yourself further: Landlock, seccomp",
	  SET("landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "seccomp") },
	{ "@setuid", "change user and group ids",
	  SET("setgid", "setgid32", "setgroups", "setgroups32", "setregid", "setregid32", "setresgid",
	      "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32", "setuid", "setuid32") },
	{ "@signal", "signal handlers, masks and signalfd",
	  SET("rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigsuspend", "rt_sigtimedwait",
	      "rt_sigtimedwait_time64", "sigaction", "sigaltstack", "signal", "signalfd", "signalfd4",
	      "sigpending", "sigprocmask", "sigsuspend") },
	{ "@swap", "enable and disable swap", SET("swapoff", "swapon") },
	{ "@sync", "flush file data to disk",
	  SET("fdatasync", "fsync", "msync", "sync", "sync_file_range", "sync_file_range2", "syncfs") },
	{ "@timer", "timers and alarms",
	  SET("alarm", "getitimer", "setitimer", "timer_create", "timer_delete", "timer_getoverrun",
	      "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create",
	      "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times") },
	{ "@system-service", "what an ordinary service or tool needs (systemd's recommended base)",
	  SET("@aio", "@basic-io", "@chown", "@default", "@file-system", "@io-event", "@ipc", "@keyring",
	      "@memlock", "@network-io", "@process", "@resources", "@setuid", "@signal", "@sync", "@timer",
	      "arm_fadvise64_64", "capget", "capset", "copy_file_range", "fadvise64", "fadvise64_64",
	      "flock", "get_mempolicy", "getcpu", "getpriority", "ioctl", "ioprio_get", "kcmp", "madvise",
	      "mremap", "name_to_handle_at", "oldolduname", "olduname", "personality", "readahead",
	      "readdir", "remap_file_pages", "sched_get_priority_max", "sched_get_priority_min",
	      "sched_getattr", "sched_getparam", "sched_getscheduler", "sched_rr_get_interval",
	      "sched_rr_get_interval_time64", "sched_yield", "sendfile", "sendfile64", "setfsgid",
	      "setfsgid32", "setfsuid", "setfsuid32", "setpgid", "setsid", "splice", "sysinfo", "tee",
	      "umask", "uname", "userfaultfd", "vmsplice") },
};

const struct sb_syscall_set *syscall_set_find(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(sets); i++)
		if (strcmp(sets[i].name, name) == 0)
			return &sets[i];
	return NULL;
}

const struct sb_syscall_set *syscall_sets(size_t *n)
{
	*n = ELEMENTSOF(sets);
	return sets;
}

void seccomp_sets_print(FILE *f)
{
	for (size_t i = 0; i < ELEMENTSOF(sets); i++) {
		size_t col = 2;

		fprintf(f, "%s  # %s\n ", sets[i].name, sets[i].help);
		for (const char *const *m = sets[i].members; *m; m++) {
			if (col + strlen(*m) + 1 > 78) {
				fputs("\n ", f);
				col = 2;
			}
			fprintf(f, " %s", *m);
			col += strlen(*m) + 1;
		}
		fputc('\n', f);
	}
}
