/*
 * fuzz_policy.c: libFuzzer entry for the policy parser (policy.c,
 * policy_expand.c and every option handler in options.c), built with
 * clang -fsanitize=fuzzer,address,undefined by tests/fuzz/run.sh.
 *
 * The input is parsed as a policy file through fmemopen; a valid result is
 * printed back as `sandbox check` would (into memory), and that print must
 * parse again and print the same directives (check's output is a policy
 * equivalent to its input), or check must have refused to print it. Includes must not
 * reach the file system, so every policy name or path resolves through an
 * open hook: "self" is the input itself (so include cycles get exercised),
 * built-in names are the compiled-in copies, anything else is "not found".
 * ${HOME}/${USER} come from fixed values set at start-up.
 *
 * An input that starts with "\0CLI\n" is a command line instead: the rest,
 * split at newlines, is the argument vector of `sandbox run` (cli.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
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

/* cli_parse on the input's lines as argv. */
static void fuzz_cli(const uint8_t *data, size_t size)
{
	struct sb_err err = SB_ERR_INIT;
	char *copy = malloc(size + 1), *save = NULL;
	char *argv[64];
	int argc = 0;
	struct sb_plan p;

	if (!copy)
		return;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (char *a = strtok_r(copy, "\n", &save); a && argc < 63; a = strtok_r(NULL, "\n", &save))
		argv[argc++] = a;
	argv[argc] = NULL;
	plan_init(&p);
	if (cli_parse(argc, argv, &p, true, &err) == 0)
		(void)plan_validate(&p, &err);
	plan_free(&p);
	free(copy);
}

static char *print(const struct sb_plan *p, int *r)
{
	struct sb_err err = SB_ERR_INIT;
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);

	if (!m)
		abort();
	*r = check_print(m, p, &err);
	fclose(m);
	return out;
}

/* The directives of a print: its lines but comments. */
static void strip_comments(char *s)
{
	char *o = s;

	for (char *l = s; *l;) {
		size_t n = strcspn(l, "\n") + 1;

		if (l[0] != '#') {
			memmove(o, l, n);
			o += n;
		}
		l += n;
		if (l[-1] == '\0')
			break;
	}
	*o = '\0';
}

static void round_trip(const struct sb_plan *p)
{
	struct sb_err err = SB_ERR_INIT;
	struct sb_plan q;
	char *a, *b;
	FILE *f;
	int r;

	a = print(p, &r);
	if (r < 0) {
		free(a); /* check refused a value it cannot write: fine */
		return;
	}
	f = fmemopen(a, strlen(a), "r");
	plan_init(&q);
	if (!f || policy_parse_stream(&q, f, "<fuzz>/printed.policy", &err) < 0) {
		fprintf(stderr, "check's output does not parse: %s\n%s", err.msg, a);
		abort();
	}
	fclose(f);
	b = print(&q, &r);
	strip_comments(a);
	strip_comments(b);
	if (r < 0 || strcmp(a, b) != 0) {
		fprintf(stderr, "check's output reads back differently:\n%s\n---\n%s", a, b);
		abort();
	}
	free(a);
	free(b);
	plan_free(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sb_err err = SB_ERR_INIT;
	struct sb_plan p;
	FILE *f;

	if (size == 0)
		return 0;
	if (size >= 5 && memcmp(data, "\0CLI\n", 5) == 0) {
		fuzz_cli(data + 5, size - 5);
		return 0;
	}
	cur_data = data;
	cur_size = size;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	plan_init(&p);
	if (policy_parse_stream(&p, f, "<fuzz>/self.policy", &err) == 0 && plan_validate(&p, &err) == 0)
		round_trip(&p);
	/* The message must always be a terminated string. */
	if (strlen(err.msg) >= sizeof(err.msg))
		abort();
	fclose(f);
	plan_free(&p);
	return 0;
}
