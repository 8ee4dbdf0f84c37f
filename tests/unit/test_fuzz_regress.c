/*
 * test_fuzz_regress.c: replay every input kept in tests/fixtures/fuzz/
 * (crashers found by `make fuzz`, and hand-made edge cases) through the
 * fuzzer's own entry point, compiled in here, so a replay is exactly what
 * the fuzzer ran. Each must parse or fail cleanly; under `make asan` leaks
 * and overflows fail the run.
 */
#include <criterion/criterion.h>
#include <dirent.h>

#include "../fuzz/fuzz_policy.c"

static void replay(const char *path)
{
	FILE *in = fopen(path, "rb");
	uint8_t *buf;
	size_t n;
	long len;

	cr_assert(in, "open %s", path);
	fseek(in, 0, SEEK_END);
	len = ftell(in);
	rewind(in);
	buf = malloc((size_t)len + 1);
	cr_assert(buf);
	n = fread(buf, 1, (size_t)len, in);
	fclose(in);
	cr_assert_eq(LLVMFuzzerTestOneInput(buf, n), 0, "%s", path);
	free(buf);
}

Test(fuzz_regress, replay_fixtures)
{
	const char *src = getenv("SANDBOX_SRCDIR");
	char dir[4096];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/fuzz", src ? src : ".");
	d = opendir(dir);
	if (!d)
		cr_skip_test("no %s (run from the source tree or set SANDBOX_SRCDIR)", dir);
	LLVMFuzzerInitialize(NULL, NULL);
	while ((e = readdir(d))) {
		char path[8192];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		replay(path);
		n++;
	}
	closedir(d);
	policy_set_open_hook(NULL);
	cr_assert_gt(n, 0);
	cr_log_info("replayed %d inputs", n);
}
