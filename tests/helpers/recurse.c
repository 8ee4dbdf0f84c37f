/* recurse MB: recurse until MB megabytes of stack are in use, print ok. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int depth(long n)
{
	volatile char frame[1024];

	memset((char *)frame, (int)n, sizeof(frame));
	if (n == 0)
		return frame[0];
	return depth(n - 1) + frame[1];
}

int main(int argc, char **argv)
{
	long mb = argc > 1 ? atol(argv[1]) : 1;

	printf("ok %d\n", depth(mb * 1024) & 1);
	return 0;
}
