/*
 * fuzz_policy.c: libFuzzer entry for the policy parser (policy.c,
 * policy_expand.c and every option handler in options.c), built with
 * clang -fsanitize=fuzzer,address,undefined by tests/fuzz/run.sh.
 *
 * The input is parsed as a policy file through fmemopen; a valid result is
 * printed back as `sandbox check` would (into memory). Includes must not
 * reach the file system, so every policy name or path resolves through an
 * open hook: "self" is the input itself (so include cycles get exercised),
 * built-in names are the compiled-in copies, anything else is "not found".
 * ${HOME}/${USER} come from fixed values set at start-up.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "plan.h"
#include "policy.h"

static const uint8_t *cur_data;
static size_t cur_size;

static FILE *fuzz_open(const char *name, char *path, size_t len)
{
	const char *text;

	if (strcmp(name, "self") == 0) {
		snprintf(path, len, "<fuzz>/self.policy");
		/* fmemopen of size 0 fails; an empty input is an empty policy. */
		return cur_size ? fmemopen((void *)cur_data, cur_size, "r") : fmemopen((void *)"\n", 1, "r");
	}
	text = strchr(name, '/') ? NULL : policy_builtin(name);
	if (!text) {
		snprintf(path, len, "%s", name);
		errno = ENOENT;
		return NULL;
	}
	snprintf(path, len, "<builtin>/%s.policy", name);
	return fmemopen((void *)text, strlen(text), "r");
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	setenv("HOME", "/fuzz/home", 1);
	unsetenv("SANDBOX_POLICY_PATH");
	policy_set_open_hook(fuzz_open);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sb_err err = SB_ERR_INIT;
	struct sb_plan p;
	FILE *f;

	if (size == 0)
		return 0;
	cur_data = data;
	cur_size = size;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	plan_init(&p);
	if (policy_parse_stream(&p, f, "<fuzz>/self.policy", &err) == 0 && plan_validate(&p, &err) == 0) {
		/* A valid plan must also print (sandbox check) without trouble. */
		char *out = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&out, &len);

		if (m) {
			check_print(m, &p);
			fclose(m);
		}
		free(out);
	}
	/* The message must always be a terminated string. */
	if (strlen(err.msg) >= sizeof(err.msg))
		abort();
	fclose(f);
	plan_free(&p);
	return 0;
}
