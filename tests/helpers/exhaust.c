/* exhaust procs|fds MAX: take processes (children that wait) or open
 * descriptors (after raising the soft limit to the hard one) until the
 * kernel refuses or MAX is reached; print "N ERRNO-NAME" (N processes
 * including this one, or N descriptors open), then exit 0. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long max = argc > 2 ? atol(argv[2]) : 10000, n;
	int e = 0;

	if (argc < 2)
		return 2;
	if (strcmp(argv[1], "procs") == 0) {
		int hold[2];

		if (pipe(hold) < 0)
			return 2;
		for (n = 1; n < max; n++) {
			pid_t pid = fork();
			char c;

			if (pid < 0) {
				e = errno;
				break;
			}
			if (pid == 0) {
				close(hold[1]);
				/* Wait until the parent is done counting, then go. */
				while (read(hold[0], &c, 1) < 0 && errno == EINTR)
					;
				_exit(0);
			}
		}
	} else {
		struct rlimit rl;

		getrlimit(RLIMIT_NOFILE, &rl);
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		for (n = 3; n < max; n++)
			if (open("/dev/null", O_RDONLY) < 0) {
				e = errno;
				break;
			}
	}
	printf("%ld %s\n", n, e == EAGAIN ? "EAGAIN" : e == EMFILE ? "EMFILE" : e ? strerror(e) : "none");
	fflush(stdout);
	return 0;
}
