/* flood [BYTES]: write 'x' to stdout forever, or BYTES of it. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long long left = argc > 1 ? atoll(argv[1]) : -1;
	char buf[4000];

	memset(buf, 'x', sizeof(buf));
	while (left != 0) {
		size_t n = left < 0 || left > (long long)sizeof(buf) ? sizeof(buf) : (size_t)left;
		ssize_t w = write(1, buf, n);

		if (w <= 0)
			return 1;
		if (left > 0)
			left -= w;
	}
	return 0;
}
