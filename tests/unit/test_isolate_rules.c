/*
 * test_isolate_rules.c: isolate's directory and environment rules
 * (front/isolate_plan.c) keep isolate's semantics: defaults, replacement in
 * place, removal, option words, the malformed rules isolate refuses.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "isolate.h"

static struct iso_opts o;

static void setup(void)
{
	iso_opts_init(&o);
}

static void teardown(void)
{
	iso_opts_free(&o);
}

TestSuite(isolate_rules, .init = setup, .fini = teardown);

static const struct iso_dir *rule(const char *in)
{
	for (size_t i = 0; i < o.n_dirs; i++)
		if (strcmp(o.dirs[i].in, in) == 0)
			return &o.dirs[i];
	return NULL;
}

static bool add(const char *arg)
{
	const char *why;

	return iso_dir_rule(&o, arg, 0, &why);
}

Test(isolate_rules, defaults_are_isolate_2s)
{
	static const char *const in[] = { "box", "bin", "dev", "lib", "lib64", "proc", "tmp", "usr", "dev/shm" };

	cr_assert_eq(o.n_dirs, 9);
	for (size_t i = 0; i < 9; i++)
		cr_assert_str_eq(o.dirs[i].in, in[i]);
	cr_assert_str_eq(rule("box")->out, "./box");
	cr_assert(rule("box")->flags & ISO_DIR_RW);
	cr_assert(rule("dev")->flags & ISO_DIR_OUR_DEV);
	cr_assert(rule("lib64")->flags & ISO_DIR_MAYBE);
	cr_assert(rule("proc")->flags & ISO_DIR_FS);
	cr_assert(rule("tmp")->flags & ISO_DIR_TMP);
	cr_assert_eq(o.processes, 1);
	cr_assert_eq(o.open_files, 64);
}

Test(isolate_rules, replace_in_place_and_remove)
{
	cr_assert(add("/tmp=/home/cms/x:rw"));
	cr_assert_eq(o.n_dirs, 9, "a rule for an existing inside path replaces it");
	cr_assert_str_eq(o.dirs[6].in, "tmp");
	cr_assert_str_eq(o.dirs[6].out, "/home/cms/x");
	cr_assert_eq(o.dirs[6].flags, ISO_DIR_RW, "the default flag goes with the old rule");
	cr_assert(add("dev="));
	cr_assert_null(rule("dev")->out, "IN= removes");
	cr_assert(add("/etc/alternatives"));
	cr_assert_str_eq(rule("etc/alternatives")->out, "/etc/alternatives");
	cr_assert(add("etc/mono:noexec:maybe"));
	cr_assert_eq(rule("etc/mono")->flags, ISO_DIR_NOEXEC | ISO_DIR_MAYBE);
	cr_assert(add("/dev/shm:tmp"));
	cr_assert_eq(rule("dev/shm")->flags, ISO_DIR_TMP | ISO_DIR_RW);
	cr_assert(add("data=./inputs:rw,noexec"), "options separated by commas too");
	cr_assert_eq(rule("data")->flags, ISO_DIR_RW | ISO_DIR_NOEXEC);
}

Test(isolate_rules, malformed_rules)
{
	const char *why;

	cr_assert_not(iso_dir_rule(&o, "/x:bogus", 0, &why));
	cr_assert_str_eq(why, "unknown directory option");
	cr_assert_not(add("../etc"), "no .. out of the box");
	cr_assert_not(add("a/../../etc"));
	cr_assert_not(add("/"), "an empty inside path");
	cr_assert_not(add("x=relative"), "OUT is absolute or ./ relative to the box dir");
	cr_assert_not(add("proc:fs"), "fs needs the type");
	cr_assert_not(add("p=a/b:fs"), "a type has no '/'");
	cr_assert_not(add("t=/x:tmp"), "tmp takes no OUT");
	cr_assert_not(add("t:tmp:fs"), "tmp and fs exclude each other");
	cr_assert_eq(o.n_dirs, 9, "nothing half-added");
}

Test(isolate_rules, environment_rules)
{
	cr_assert(iso_env_rule(&o, "HOME=/tmp"));
	cr_assert(iso_env_rule(&o, "LANG"));
	cr_assert(iso_env_rule(&o, "GONE="));
	cr_assert_not(iso_env_rule(&o, "=x"));
	cr_assert_not(iso_env_rule(&o, ""));
	cr_assert_eq(o.n_env, 3);
	cr_assert_str_eq(o.env[0].var, "HOME");
	cr_assert_str_eq(o.env[0].val, "/tmp");
	cr_assert_null(o.env[1].val, "VAR alone inherits");
	cr_assert_str_eq(o.env[2].val, "", "VAR= removes");
}
