/* alloc MB [CHILDREN]: allocate and touch MB megabytes, in this process or
 * in each of CHILDREN forked children (waited for). Exit 0 when every
 * allocation succeeded, 3 when malloc failed, 4 when a child failed. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int hog(size_t mb)
{
	volatile char *p = malloc(mb << 20); /* volatile: the stores must happen */

	if (!p)
		return 3;
	for (size_t i = 0; i < mb << 20; i += 4096)
		p[i] = 1;
	return 0;
}

int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 1;
	int children = argc > 2 ? atoi(argv[2]) : 0;
	int bad = 0;

	if (!children)
		return hog(mb);
	for (int i = 0; i < children; i++)
		if (fork() == 0) {
			int r = hog(mb);

			sleep(1); /* hold it while the siblings allocate */
			_exit(r);
		}
	for (int i = 0; i < children; i++) {
		int st;

		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			bad = 1;
	}
	return bad ? 4 : 0;
}
