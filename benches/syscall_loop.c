/*
 * syscall_loop N MODE: make N syscalls and print the mean ns per call.
 * MODE "getppid": a syscall every shipped policy allows outright, whose
 * filter result the kernel can cache (it depends on the number only).
 * MODE "ioctl": ioctl(FIONREAD) on stdin, which the always-on hardening
 * checks by argument (TIOCSTI/TIOCLINUX), so the filter runs every time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10000000;
	int ioctl_mode = argc > 2 && strcmp(argv[2], "ioctl") == 0;
	struct timespec a, b;
	int v;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		if (ioctl_mode)
			ioctl(0, FIONREAD, &v);
		else
			syscall(SYS_getppid);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.2f\n", ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / (double)n);
	return 0;
}
