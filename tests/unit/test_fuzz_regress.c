/*
 * test_fuzz_regress.c: replay every input kept in tests/fixtures/fuzz/
 * (crashers found by tests/fuzz/fuzz_policy.c, and hand-made edge cases)
 * through the parser, with includes served from memory as the fuzzer does.
 * Each must parse or fail cleanly; under `make asan` leaks and overflows
 * fail the run.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "policy.h"

static char *cur;
static size_t cur_len;

/* As in fuzz_policy.c: "self" is the input, built-ins are served, nothing
 * else exists. */
static FILE *open_mem(const char *name, char *path, size_t len)
{
	const char *text;

	if (strcmp(name, "self") == 0) {
		snprintf(path, len, "<fuzz>/self.policy");
		return fmemopen(cur_len ? cur : (char *)"\n", cur_len ? cur_len : 1, "r");
	}
	text = strchr(name, '/') ? NULL : policy_builtin(name);
	snprintf(path, len, "<builtin>/%s.policy", name);
	if (!text) {
		errno = ENOENT;
		return NULL;
	}
	return fmemopen((void *)text, strlen(text), "r");
}

static void replay(const char *path)
{
	struct sb_err err = SB_ERR_INIT;
	struct sb_plan p;
	FILE *in = fopen(path, "rb"), *f;
	long n;

	cr_assert(in, "open %s", path);
	fseek(in, 0, SEEK_END);
	n = ftell(in);
	rewind(in);
	cur = malloc((size_t)n + 1);
	cr_assert(cur);
	cur_len = fread(cur, 1, (size_t)n, in);
	fclose(in);
	if (cur_len == 0) {
		free(cur);
		return;
	}
	f = fmemopen(cur, cur_len, "r");
	cr_assert(f);
	plan_init(&p);
	if (policy_parse_stream(&p, f, "<fuzz>/self.policy", &err) == 0)
		(void)plan_validate(&p, &err);
	cr_assert_lt(strlen(err.msg), sizeof(err.msg));
	fclose(f);
	plan_free(&p);
	free(cur);
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
	policy_set_open_hook(open_mem);
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
	cr_log_info("replayed %d inputs", n);
}
