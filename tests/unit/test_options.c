/*
 * test_options.c: the option/directive handlers fill the plan as documented
 * and reject bad arguments with a message that says what was expected.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "cli.h"
#include "options.h"

static struct sb_plan plan;
static struct sb_err err;
static const struct sb_loc cmdline = { 0 };

static void setup(void)
{
	plan_init(&plan);
	err = (struct sb_err)SB_ERR_INIT;
}

static void teardown(void)
{
	plan_free(&plan);
}

TestSuite(options, .init = setup, .fini = teardown);

static int apply(const char *name, const char *arg)
{
	const struct sb_option *o = options_find(name);

	cr_assert(o, "option %s exists", name);
	return options_apply(&plan, o, arg, &cmdline, &err);
}

Test(options, binds_default_destination_and_normalize)
{
	cr_assert_eq(apply("ro-bind", "/usr//lib/"), 0);
	cr_assert_eq(apply("bind", "/srv/box:/box"), 0);
	cr_assert_eq(apply("ro-bind-try", "/maybe"), 0);
	cr_assert_eq(plan.n_mounts, 3);
	cr_assert_eq(plan.mounts[0].kind, SB_MOUNT_RO_BIND);
	cr_assert_str_eq(plan.mounts[0].src, "/usr/lib");
	cr_assert_str_eq(plan.mounts[0].dst, "/usr/lib");
	cr_assert_eq(plan.mounts[1].kind, SB_MOUNT_BIND);
	cr_assert_str_eq(plan.mounts[1].src, "/srv/box");
	cr_assert_str_eq(plan.mounts[1].dst, "/box");
	cr_assert(plan.mounts[2].optional);
}

Test(options, bind_rejects_relative_dotdot_and_empty_destination)
{
	cr_assert_lt(apply("bind", "relative"), 0);
	cr_assert(strstr(err.msg, "must be absolute"), "%s", err.msg);
	cr_assert_lt(apply("ro-bind", "/usr/../etc"), 0);
	cr_assert(strstr(err.msg, "contains '..'"), "%s", err.msg);
	cr_assert_lt(apply("bind", "/a:"), 0);
	cr_assert(strstr(err.msg, "empty destination"), "%s", err.msg);
	cr_assert_eq(plan.n_mounts, 0, "nothing half-applied");
}

Test(options, mount_options)
{
	cr_assert_eq(apply("ro-bind", "/etc/mono::noexec"), 0);
	cr_assert_str_eq(plan.mounts[0].dst, "/etc/mono");
	cr_assert_eq(plan.mounts[0].flags, SB_MNT_NOEXEC);
	cr_assert_eq(apply("bind", "/dev:/hd:dev,norec,nosuid"), 0);
	cr_assert_eq(plan.mounts[1].flags, SB_MNT_DEV | SB_MNT_NOREC);
	cr_assert_eq(apply("bind", "/dev:/hd2:dev,nodev"), 0);
	cr_assert_eq(plan.mounts[2].flags, 0, "nodev after dev wins");
	cr_assert_eq(apply("tmpfs", "/t:size=1M,noexec"), 0);
	cr_assert_eq(plan.mounts[3].flags, SB_MNT_NOEXEC);
	cr_assert_lt(apply("bind", "/a:/b:noexec,suid"), 0);
	cr_assert(strstr(err.msg, "unknown mount option 'suid'"), "%s", err.msg);
	cr_assert_eq(err.col, 13);
	cr_assert_lt(apply("overlay", "/a:/b:own"), 0);
	cr_assert_eq(plan.n_mounts, 4, "nothing half-applied");
}

Test(options, tmpfs_options)
{
	cr_assert_eq(apply("tmpfs", "/scratch:size=64M,mode=1777"), 0);
	cr_assert_eq(plan.mounts[0].size, 64ULL << 20);
	cr_assert_eq(plan.mounts[0].mode, 01777);
	cr_assert_lt(apply("tmpfs", "/x:size=lots"), 0);
	cr_assert(strstr(err.msg, "'lots' is not a size"), "%s", err.msg);
	cr_assert_lt(apply("tmpfs", "/x:mode=99"), 0);
	cr_assert_lt(apply("tmpfs", "/x:colour=red"), 0);
	cr_assert(strstr(err.msg, "unknown tmpfs option 'colour=red'"), "%s", err.msg);
}

Test(options, symlink_proc_dev_dir)
{
	cr_assert_eq(apply("symlink", "usr/lib:/lib"), 0);
	cr_assert_str_eq(plan.mounts[0].src, "usr/lib");
	cr_assert_str_eq(plan.mounts[0].dst, "/lib");
	cr_assert_lt(apply("symlink", "nolink"), 0);
	cr_assert_eq(apply("proc", NULL), 0);
	cr_assert_str_eq(plan.mounts[1].dst, "/proc");
	cr_assert_eq(apply("dev", "/mydev"), 0);
	cr_assert_str_eq(plan.mounts[2].dst, "/mydev");
	cr_assert_eq(apply("dir", "/a/b"), 0);
	cr_assert_eq(plan.mounts[3].kind, SB_MOUNT_DIR);
}

Test(options, scalars_later_wins)
{
	cr_assert_eq(apply("hostname", "one"), 0);
	cr_assert_eq(apply("hostname", "two"), 0);
	cr_assert_str_eq(plan.hostname, "two");
	cr_assert_lt(apply("hostname", "bad name"), 0);
	cr_assert_str_eq(plan.hostname, "two", "a failed option changes nothing");
	cr_assert_eq(apply("net", "host"), 0);
	cr_assert_eq(apply("net", "none"), 0);
	cr_assert_eq(plan.net, SB_NET_NONE);
	cr_assert_eq(apply("chdir", "/work/"), 0);
	cr_assert_str_eq(plan.chdir, "/work");
}

Test(options, identity)
{
	cr_assert_eq(apply("uid", "1000"), 0);
	cr_assert_eq(apply("gid", "100"), 0);
	cr_assert_eq(plan.uid, 1000);
	cr_assert_eq(plan.gid, 100);
	cr_assert_lt(apply("uid", "-1"), 0);
	cr_assert_lt(apply("uid", "4294967295"), 0);
	cr_assert_lt(apply("map-to", "0"), 0);
	cr_assert(strstr(err.msg, "real root"), "%s", err.msg);
	cr_assert_eq(apply("map-to", "100000"), 0);
	cr_assert(plan.map_to_set);
	cr_assert_eq(apply("map-to", "subuid:7"), 0);
	cr_assert(plan.map_subids && !plan.map_to_set);
	cr_assert_eq(plan.subid_index, 7);
	cr_assert_lt(apply("map-to", "subuid:x"), 0);
	cr_assert_eq(apply("map-to", "subuid"), 0);
	cr_assert_eq(plan.subid_index, 0);
}

Test(options, environment_and_fds)
{
	cr_assert_eq(apply("env", "A=1"), 0);
	cr_assert_eq(apply("env", "B="), 0);
	cr_assert_lt(apply("env", "=x"), 0);
	cr_assert_lt(apply("env", "NOEQUALS"), 0);
	cr_assert_eq(plan.n_env, 2);
	cr_assert_eq(apply("keep-env", "TERM"), 0);
	cr_assert_lt(apply("keep-env", "A=1"), 0);
	cr_assert_eq(apply("keep-fd", "5"), 0);
	cr_assert_lt(apply("keep-fd", "2"), 0);
	cr_assert_eq(plan.n_keep_fds, 1);
	cr_assert_eq(plan.keep_fds[0], 5);
}

Test(options, limits)
{
	cr_assert_eq(apply("memory", "256M"), 0);
	cr_assert_eq(plan.limits.memory, 256ULL << 20);
	cr_assert_eq(apply("cpu-time", "1.5s"), 0);
	cr_assert_eq(plan.limits.cpu_time_us, 1500000);
	cr_assert_eq(apply("wall-time", "250ms"), 0);
	cr_assert_eq(plan.limits.wall_time_us, 250000);
	cr_assert_eq(apply("cpus", "0.5"), 0);
	cr_assert_eq(plan.limits.cpus_milli, 500);
	cr_assert_eq(apply("processes", "16"), 0);
	cr_assert_eq(plan.limits.pids, 16);
	cr_assert_eq(apply("stack", "unlimited"), 0);
	cr_assert(plan.limits.stack_unlimited);
	cr_assert_eq(apply("cpuset", "0-1,3"), 0);
	cr_assert_lt(apply("cpuset", "0;1"), 0);
	cr_assert_eq(err.col, 1);
	cr_assert_eq(apply("limits", "best-effort"), 0);
	cr_assert(plan.limits.best_effort);
	cr_assert_lt(apply("limits", "loose"), 0);
	cr_assert_lt(apply("memory", "12Q"), 0);
	cr_assert(strstr(err.msg, "unknown size suffix 'Q'"), "%s", err.msg);
	cr_assert_eq(err.col, 2);
}

Test(options, flags_take_no_argument_and_values_need_one)
{
	cr_assert_eq(apply("interactive", NULL), 0);
	cr_assert(plan.interactive);
	cr_assert_lt(apply("interactive", "yes"), 0);
	cr_assert(strstr(err.msg, "takes no argument"), "%s", err.msg);
	cr_assert_lt(apply("memory", NULL), 0);
	cr_assert(strstr(err.msg, "needs an argument"), "%s", err.msg);
}

Test(options, nearest_name_suggestions)
{
	cr_assert_str_eq(options_nearest("memroy"), "memory");
	cr_assert_str_eq(options_nearest("ro-bnd"), "ro-bind");
	cr_assert_str_eq(options_nearest("hostnam"), "hostname");
	cr_assert_null(options_nearest("zzzzzzzzzzzz"));
}

Test(options, validate_subids_and_own)
{
	cr_assert_eq(apply("bind", "/srv/box:/box:own"), 0);
	cr_assert_lt(plan_validate(&plan, &err), 0);
	cr_assert(strstr(err.msg, "needs --map-to subuid"), "%s", err.msg);
	cr_assert_eq(apply("map-to", "subuid"), 0);
	cr_assert_lt(plan_validate(&plan, &err), 0);
	cr_assert(strstr(err.msg, "--uid and --gid other than 0"), "%s", err.msg);
	cr_assert_eq(apply("uid", "1000"), 0);
	cr_assert_eq(apply("gid", "1000"), 0);
	cr_assert_eq(plan_validate(&plan, &err), 0, "%s", err.msg);
}

Test(options, validate_conflicts_and_bounds)
{
	cr_assert_eq(apply("stderr", "/tmp/e"), 0);
	cr_assert_eq(apply("stderr-to-stdout", NULL), 0);
	cr_assert_lt(plan_validate(&plan, &err), 0);
	cr_assert(strstr(err.msg, "conflicts with"), "%s", err.msg);
}

Test(options, every_option_has_help_and_group)
{
	size_t n;
	const struct sb_option *t = options_table(&n);

	cr_assert_gt(n, 40);
	for (size_t i = 0; i < n; i++) {
		cr_assert(t[i].help && *t[i].help, "%s has help", t[i].name);
		cr_assert(t[i].group && *t[i].group, "%s has a group", t[i].name);
		cr_assert(t[i].apply, "%s has a handler", t[i].name);
		cr_assert_eq(options_find(t[i].name), &t[i]);
	}
}

/* run --help prints each group's heading once: the table keeps a group's
 * options together. */
Test(options, help_prints_each_group_once)
{
	char *text = NULL, *at;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	size_t n;
	const struct sb_option *t = options_table(&n);

	cr_assert(f);
	cli_usage(f);
	fclose(f);
	for (size_t i = 0; i < n; i++) {
		char head[64];

		snprintf(head, sizeof(head), "\n%s:\n", t[i].group);
		at = strstr(text, head);
		cr_assert(at, "no heading for %s", t[i].group);
		cr_assert_null(strstr(at + 1, head), "run --help prints '%s:' twice", t[i].group);
	}
	free(text);
}
