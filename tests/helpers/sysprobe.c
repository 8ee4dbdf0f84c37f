/*
 * sysprobe.c: runs inside the sandbox and makes one syscall named by
 * argv[1], printing "errno N" (blocked, or reached the kernel with a
 * deliberately bad argument: EFAULT/EINVAL/EBADF), "ok" or dying of the
 * filter's signal. Static, so it needs nothing inside.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int report(long r)
{
	if (r < 0)
		printf("errno %d\n", errno);
	else
		printf("ok\n");
	return 0;
}

static void *thread_fn(void *arg)
{
	return arg;
}

/* glibc's pthread_create uses clone3 and falls back to clone on ENOSYS. */
static int threads_and_fork(void)
{
	pthread_t th;
	pid_t pid;
	int st;

	if (pthread_create(&th, NULL, thread_fn, NULL) != 0 || pthread_join(th, NULL) != 0)
		return printf("thread failed\n"), 1;
	pid = fork();
	if (pid == 0)
		_exit(7);
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || WEXITSTATUS(st) != 7)
		return printf("fork failed\n"), 1;
	printf("threads and fork ok\n");
	return 0;
}

/* A syscall with the x32 bit set (nr | 0x40000000): getpid's x32 number. */
/* A raw syscall returns -errno itself; give it libc's convention. */
static long raw(long r)
{
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

static long x32_getpid(void)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "0"(0x40000000L | 39) : "rcx", "r11", "memory");
	return r;
}

/* The i386 entry: int 0x80 with eax = 20 (getpid on i386). */
static long int80_getpid(void)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "0"(20L) : "memory");
	return r;
}

int main(int argc, char **argv)
{
	const char *w = argc > 1 ? argv[1] : "";
	char c = 'x';

	if (!strcmp(w, "clone3"))
		return report(syscall(SYS_clone3, NULL, 0));
	if (!strcmp(w, "threads"))
		return threads_and_fork();
	if (!strcmp(w, "unshare-user"))
		return report(unshare(CLONE_NEWUSER));
	if (!strcmp(w, "clone-newns"))
		return report(syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, NULL, NULL, NULL, NULL));
	if (!strcmp(w, "io_uring_setup"))
		return report(syscall(SYS_io_uring_setup, 1, NULL));
	if (!strcmp(w, "ptrace"))
		return report(syscall(SYS_ptrace, 0 /* TRACEME */, 0, NULL, NULL));
	if (!strcmp(w, "bpf"))
		return report(syscall(SYS_bpf, 0, NULL, 0));
	if (!strcmp(w, "userfaultfd"))
		return report(syscall(SYS_userfaultfd, 0));
	if (!strcmp(w, "keyctl"))
		return report(syscall(SYS_keyctl, 0, -3, 0));
	if (!strcmp(w, "perf_event_open"))
		return report(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
	if (!strcmp(w, "tiocsti"))
		return report(ioctl(0, TIOCSTI, &c));
	/* socket FAMILY [cloexec]: argument conditions on arg0 and arg1. */
	if (!strcmp(w, "socket") && argc > 2)
		return report(socket(atoi(argv[2]), SOCK_STREAM | (argc > 3 ? SOCK_CLOEXEC : 0), 0));
	if (!strcmp(w, "getppid"))
		return report(syscall(SYS_getppid));
	if (!strcmp(w, "x32"))
		return report(raw(x32_getpid()));
	if (!strcmp(w, "int80"))
		return report(raw(int80_getpid()));
	fprintf(stderr, "unknown probe %s\n", w);
	return 2;
}
