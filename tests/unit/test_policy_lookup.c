/*
 * test_policy_lookup.c: the policy search path (policy_lookup.c): its
 * order, first match wins, and how policy_list() marks shadowed copies.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "policy_lookup.h"

static char tmp[256];

static void setup(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/test_lookup.XXXXXX");
	cr_assert(mkdtemp(tmp));
	unsetenv("SANDBOX_POLICY_PATH");
	setenv("HOME", "/nonexistent-home", 1);
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	cr_assert(system(cmd) == 0);
}

TestSuite(policy_lookup, .init = setup, .fini = teardown);

static const char *mkpolicy(const char *sub, const char *name)
{
	static char dir[4][512];
	static int i;
	char *d = dir[i++ % 4], path[700];
	FILE *f;

	snprintf(d, 512, "%s/%s", tmp, sub);
	mkdir(d, 0755);
	snprintf(path, sizeof(path), "%s/%s.policy", d, name);
	f = fopen(path, "w");
	cr_assert(f);
	fputs("net none\n", f);
	fclose(f);
	return d;
}

Test(policy_lookup, search_order)
{
	struct sb_err err = SB_ERR_INIT;
	struct policy_dir *d;
	size_t n;

	setenv("SANDBOX_POLICY_PATH", "/p1::/p2", 1);
	setenv("HOME", "/home/u", 1);
	cr_assert_eq(policy_dirs(&d, &n, &err), 0);
	cr_assert_geq(n, 5);
	cr_assert_str_eq(d[0].path, "/p1");
	cr_assert_str_eq(d[0].origin, "SANDBOX_POLICY_PATH");
	cr_assert_str_eq(d[1].path, "/p2", "empty entries are skipped");
	cr_assert_str_eq(d[2].path, "/home/u/.config/sandbox/policies");
	cr_assert_str_eq(d[2].origin, "user");
	cr_assert_str_eq(d[3].path, "/etc/sandbox/policies");
	cr_assert_str_eq(d[4].path, SB_POLICY_DIR);
	cr_assert_str_eq(d[4].origin, "installed");
	policy_dirs_free(d, n);
}

Test(policy_lookup, first_match_wins)
{
	struct sb_err err = SB_ERR_INIT;
	const char *a = mkpolicy("a", "x"), *b = mkpolicy("b", "x");
	const char *origin;
	char env[1200], want[700], *path;

	mkpolicy("b", "only-b");
	snprintf(env, sizeof(env), "%s:%s", a, b);
	setenv("SANDBOX_POLICY_PATH", env, 1);
	cr_assert_eq(policy_find("x", &path, &origin, &err), 0);
	snprintf(want, sizeof(want), "%s/x.policy", a);
	cr_assert_str_eq(path, want);
	free(path);
	cr_assert_eq(policy_find("only-b", &path, &origin, &err), 0);
	snprintf(want, sizeof(want), "%s/only-b.policy", b);
	cr_assert_str_eq(path, want);
	free(path);
	cr_assert_eq(policy_find("nowhere", &path, &origin, &err), -ENOENT);
}

Test(policy_lookup, list_marks_shadowed_copies)
{
	struct sb_err err = SB_ERR_INIT;
	const char *a = mkpolicy("a", "default"), *b = mkpolicy("b", "default");
	struct policy_entry *e;
	char env[1200];
	size_t n, first = (size_t)-1, seen = 0;

	mkpolicy("b", "zeta");
	snprintf(env, sizeof(env), "%s:%s", a, b);
	setenv("SANDBOX_POLICY_PATH", env, 1);
	cr_assert_eq(policy_list(&e, &n, &err), 0);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(e[i].name, "default") != 0)
			continue;
		if (first == (size_t)-1) {
			first = i;
			cr_assert(strstr(e[i].path, a) == e[i].path, "the first dir's copy is listed first");
			cr_assert_eq(e[i].shadowed_by, -1);
		} else {
			cr_assert_eq(e[i].shadowed_by, (int)first, "%s", e[i].path);
		}
		seen++;
	}
	cr_assert_geq(seen, 3, "two on disk and the built-in copy");
	cr_assert_str_eq(e[n - 1].name, "zeta", "sorted by name");
	policy_list_free(e, n);
}
