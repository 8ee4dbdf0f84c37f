/* judgeprog MODE [ARG]: a contestant's program for the isolate tests, one
 * behaviour per mode, single-process (CMS runs with --processes=1):
 *   double      read an integer from stdin, print it doubled, exit 0
 *   exit N      exit with status N
 *   signal N    die of signal N
 *   spin        burn CPU forever
 *   burn MS     burn MS milliseconds of its own CPU time, then exit 0
 *   sleep S     sleep S seconds, then exit 0
 *   alloc MB    allocate and touch MB megabytes, exit 0 (3 if malloc fails)
 *   write KB    write KB kilobytes to stdout, exit 0 (4 on a short write)
 *   env         print the environment, one variable per line
 *   id          print "uid gid" */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int write_kb(long kb)
{
	static char buf[1024];

	memset(buf, 'x', sizeof(buf));
	for (long i = 0; i < kb; i++)
		if (fwrite(buf, 1, sizeof(buf), stdout) != sizeof(buf))
			return 4;
	return fflush(stdout) == 0 ? 0 : 4;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	long arg = argc > 2 ? atol(argv[2]) : 0;

	if (strcmp(mode, "double") == 0) {
		long x;

		if (scanf("%ld", &x) != 1)
			return 2;
		printf("%ld\n", 2 * x);
		return 0;
	}
	if (strcmp(mode, "exit") == 0)
		return (int)arg;
	if (strcmp(mode, "signal") == 0) {
		signal((int)arg, SIG_DFL);
		raise((int)arg);
		return 99;
	}
	if (strcmp(mode, "spin") == 0)
		for (volatile unsigned long i = 0;; i++)
			;
	if (strcmp(mode, "burn") == 0) {
		struct timespec ts;

		do
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
		while (ts.tv_sec * 1000 + ts.tv_nsec / 1000000 < arg);
		return 0;
	}
	if (strcmp(mode, "sleep") == 0) {
		sleep((unsigned)arg);
		return 0;
	}
	if (strcmp(mode, "alloc") == 0) {
		volatile char *p = malloc((size_t)arg << 20);

		if (!p)
			return 3;
		for (size_t i = 0; i < ((size_t)arg << 20); i += 4096)
			p[i] = 1;
		return 0;
	}
	if (strcmp(mode, "write") == 0)
		return write_kb(arg);
	if (strcmp(mode, "env") == 0) {
		for (char **e = environ; *e; e++)
			puts(*e);
		return 0;
	}
	if (strcmp(mode, "id") == 0) {
		printf("%u %u\n", (unsigned)getuid(), (unsigned)getgid());
		return 0;
	}
	fprintf(stderr, "judgeprog: unknown mode '%s'\n", mode);
	return 64;
}
