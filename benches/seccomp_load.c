/*
 * seccomp_load FILE [RUNS]: how long loading a raw BPF filter (as written
 * by `sandbox seccomp-export`) takes: the seccomp(2) call alone, in a fresh
 * child each time (a filter cannot be unloaded). Prints the median in us.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static struct sock_filter insns[4096];
	int runs = argc > 2 ? atoi(argv[2]) : 50;
	double us[1000];
	FILE *f;
	size_t n;
	int p[2];

	if (argc < 2 || !(f = fopen(argv[1], "rb")))
		return 2;
	n = fread(insns, sizeof(insns[0]), 4096, f);
	fclose(f);
	if (runs > 1000 || pipe(p) < 0)
		return 2;
	for (int i = 0; i < runs; i++) {
		if (fork() == 0) {
			struct sock_fprog prog = { .len = (unsigned short)n, .filter = insns };
			struct timespec a, b;
			double d;

			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
			clock_gettime(CLOCK_MONOTONIC, &a);
			if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
				_exit(1);
			clock_gettime(CLOCK_MONOTONIC, &b);
			d = (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
			if (write(p[1], &d, sizeof(d)) != sizeof(d))
				_exit(1);
			_exit(0);
		}
		if (read(p[0], &us[i], sizeof(us[i])) != sizeof(us[i]))
			return 1;
		wait(NULL);
	}
	qsort(us, (size_t)runs, sizeof(us[0]), cmp);
	printf("%zu %.1f\n", n, us[runs / 2]);
	return 0;
}
