/* burn SECONDS [THREADS] [unwaited]: burn CPU until this process (all its
 * threads) used SECONDS of CPU since main() began, or forever for "inf".
 * (The process clock also holds what the sandbox spent in this process
 * before execve, which is set-up, not the command's.) "unwaited": a child
 * burns instead and the parent sleeps, never waiting for it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double limit = -1;

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *burn(void *arg)
{
	volatile unsigned long x = 0;

	(void)arg;
	for (;;) {
		for (int i = 0; i < 100000; i++)
			x += (unsigned long)i;
		if (limit >= 0 && cpu_now() >= limit)
			return NULL;
	}
}

int main(int argc, char **argv)
{
	int threads = argc > 2 ? atoi(argv[2]) : 1;
	pthread_t t[64];

	if (argc < 2)
		return 2;
	limit = strcmp(argv[1], "inf") == 0 ? -1 : cpu_now() + atof(argv[1]);
	if (argc > 3 && strcmp(argv[3], "unwaited") == 0) {
		double secs = limit < 0 ? -1 : atof(argv[1]);

		if (fork() == 0) {
			limit = limit < 0 ? -1 : cpu_now() + secs; /* a new process clock */
			burn(NULL);
			_exit(0);
		}
		sleep((unsigned)(secs * 2 + 1));
		return 0;
	}
	for (int i = 1; i < threads && i < 64; i++)
		pthread_create(&t[i], NULL, burn, NULL);
	burn(NULL);
	return 0;
}
