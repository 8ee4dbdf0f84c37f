/*
 * sysconsts.c: the named constants of syscall argument conditions, taken
 * from the system headers at build time so the values are the kernel's.
 * Pure data plus lookup; no syscalls.
 */
#include "sysconsts.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <termios.h>

#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

#define C(x) { #x, (uint64_t)(x) }

static const struct {
	const char *name;
	uint64_t value;
} consts[] = {
	/* ioctl requests: terminal injection and the common harmless ones */
	C(TIOCSTI), C(TIOCLINUX), C(TIOCSCTTY), C(TIOCNOTTY), C(TIOCGPGRP), C(TIOCSPGRP), C(TIOCGWINSZ),
	C(TIOCSWINSZ), C(TIOCGSID), C(TIOCOUTQ), C(TIOCCONS), C(TIOCSETD), C(TCGETS), C(TCSETS), C(TCSETSW),
	C(TCSETSF), C(TCFLSH), C(FIONREAD), C(FIONBIO), C(FIOCLEX), C(FIONCLEX), C(FIOASYNC),
	/* address families and socket types */
	C(AF_UNSPEC), C(AF_UNIX), C(AF_LOCAL), C(AF_INET), C(AF_INET6), C(AF_NETLINK), C(AF_PACKET),
	C(AF_KEY), C(AF_ALG), C(AF_VSOCK), C(AF_BLUETOOTH), C(AF_CAN), C(AF_TIPC), C(AF_XDP),
	C(SOCK_STREAM), C(SOCK_DGRAM), C(SOCK_RAW), C(SOCK_SEQPACKET), C(SOCK_NONBLOCK), C(SOCK_CLOEXEC),
	/* clone and unshare flags */
	C(CLONE_VM), C(CLONE_FS), C(CLONE_FILES), C(CLONE_SIGHAND), C(CLONE_PIDFD), C(CLONE_PTRACE),
	C(CLONE_VFORK), C(CLONE_PARENT), C(CLONE_THREAD), C(CLONE_NEWNS), C(CLONE_SYSVSEM),
	C(CLONE_SETTLS), C(CLONE_PARENT_SETTID), C(CLONE_CHILD_CLEARTID), C(CLONE_UNTRACED),
	C(CLONE_CHILD_SETTID), C(CLONE_NEWCGROUP), C(CLONE_NEWUTS), C(CLONE_NEWIPC), C(CLONE_NEWUSER),
	C(CLONE_NEWPID), C(CLONE_NEWNET), C(CLONE_IO), C(CLONE_NEWTIME),
	/* open flags */
	C(O_RDONLY), C(O_WRONLY), C(O_RDWR), C(O_ACCMODE), C(O_CREAT), C(O_EXCL), C(O_NOCTTY), C(O_TRUNC),
	C(O_APPEND), C(O_NONBLOCK), C(O_DSYNC), C(O_SYNC), C(O_DIRECT), C(O_LARGEFILE), C(O_DIRECTORY),
	C(O_NOFOLLOW), C(O_NOATIME), C(O_CLOEXEC), C(O_PATH), C(O_TMPFILE),
	/* mmap and mprotect */
	C(PROT_NONE), C(PROT_READ), C(PROT_WRITE), C(PROT_EXEC), C(MAP_SHARED), C(MAP_PRIVATE),
	C(MAP_FIXED), C(MAP_ANONYMOUS), C(MAP_GROWSDOWN), C(MAP_NORESERVE), C(MAP_POPULATE),
	C(MAP_STACK), C(MAP_HUGETLB), C(MAP_FIXED_NOREPLACE),
	/* personality */
	C(PER_LINUX), C(PER_LINUX32), C(ADDR_NO_RANDOMIZE), C(READ_IMPLIES_EXEC), C(UNAME26),
	/* prctl options a policy may want to single out */
	C(PR_SET_NAME), C(PR_GET_NAME), C(PR_SET_PDEATHSIG), C(PR_SET_DUMPABLE), C(PR_GET_DUMPABLE),
	C(PR_SET_NO_NEW_PRIVS), C(PR_SET_SECCOMP), C(PR_CAPBSET_READ), C(PR_SET_VMA), C(PR_SET_MM),
	C(PR_SET_PTRACER),
	/* fcntl commands */
	C(F_DUPFD), C(F_DUPFD_CLOEXEC), C(F_GETFD), C(F_SETFD), C(F_GETFL), C(F_SETFL), C(F_GETLK),
	C(F_SETLK), C(F_SETLKW), C(F_SETPIPE_SZ), C(F_GETPIPE_SZ), C(F_ADD_SEALS), C(F_GET_SEALS),
};

bool sysconst_find(const char *name, uint64_t *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(consts); i++)
		if (strcmp(consts[i].name, name) == 0) {
			*ret = consts[i].value;
			return true;
		}
	return false;
}

const char *sysconst_name(uint64_t value, const char *const *prefixes)
{
	for (size_t i = 0; i < ELEMENTSOF(consts); i++)
		for (const char *const *p = prefixes; *p; p++)
			if (consts[i].value == value && strncmp(consts[i].name, *p, strlen(*p)) == 0)
				return consts[i].name;
	return NULL;
}

void sysconst_print(FILE *f)
{
	for (size_t i = 0; i < ELEMENTSOF(consts); i++)
		fprintf(f, "%-22s 0x%llx\n", consts[i].name, (unsigned long long)consts[i].value);
}
