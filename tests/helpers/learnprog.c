/* learnprog: reads a config file of "name value" lines, writes the total
 * to an output file and stdout. Used by the learn tests; "extra-syscall"
 * and "extra-path FILE" make it do one thing more. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <errno.h>

int main(int argc, char **argv)
{
	char name[64];
	long v, total = 0;
	FILE *in, *out;

	if (argc < 3) {
		fprintf(stderr, "usage: learnprog CONFIG OUT [extra-syscall | extra-path FILE]\n");
		return 2;
	}
	in = fopen(argv[1], "r");
	if (!in) {
		perror(argv[1]);
		return 1;
	}
	while (fscanf(in, "%63s %ld", name, &v) == 2)
		total += v;
	fclose(in);
	if (argc > 3 && strcmp(argv[3], "extra-syscall") == 0)
		printf("priority %d\n", getpriority(PRIO_PROCESS, 0));
	if (argc > 4 && strcmp(argv[3], "extra-path") == 0) {
		FILE *x = fopen(argv[4], "r");
		if (!x) {
			printf("extra-path: %s\n", strerror(errno));
			return 1;
		}
		printf("extra-path: read\n");
		fclose(x);
	}
	out = fopen(argv[2], "w");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	fprintf(out, "total %ld\n", total);
	fclose(out);
	printf("total %ld\n", total);
	return 0;
}
