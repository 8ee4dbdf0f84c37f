/*
 * test_overlay.c: --overlay either works as a writable layer or is refused
 * at set-up saying why. A file of the caller's with another group, or a
 * directory of root's, cannot be copied up in the sandbox's user
 * namespace (EOVERFLOW, or not writable at all): the run used to start
 * and fail at the command's first write; it now stops before, naming
 * the entry. A tree the caller owns works, and the host keeps its files.
 */
#include "harness.h"

TestSuite(overlay, .timeout = 60);

static void put(const char *path, const char *text, uid_t uid, gid_t gid)
{
	FILE *f = fopen(path, "w");

	cr_assert(f, "%s", path);
	fputs(text, f);
	fclose(f);
	chmod(path, 0644);
	cr_assert(chown(path, uid, gid) == 0, "chown %s", path);
}

static uid_t test_uid(void)
{
	return (uid_t)atoi(sb_env("SANDBOX_TEST_UID", "1001"));
}

static gid_t test_gid(void)
{
	return (gid_t)atoi(sb_env("SANDBOX_TEST_GID", "1001"));
}

/* The two cases of the issue, each refused with the entry named. */
Test(overlay, unmapped_owner_or_group_is_refused_at_set_up)
{
	struct sb_out o;
	const char *a = sb_user_dir("ov-group"), *b = sb_user_dir("ov-rootdir");
	char path[4300], spec[4300];

	if (getuid() != 0)
		cr_skip_test("needs root to give a file another group");
	snprintf(path, sizeof(path), "%s/data", a);
	put(path, "mine, group root\n", test_uid(), 0);
	snprintf(spec, sizeof(spec), "%s:/o", a);
	sb_run(&o, "--overlay", spec, "--", "/bin/sh", "-c", "echo more >> /o/data; echo wrote", NULL);
	sb_assert_status(&o, 125);
	cr_assert_str_eq(o.out, "", "the command ran");
	sb_assert_err_has(&o, "ov-group/data' has an owner or group this sandbox does not map");
	sb_assert_err_has(&o, "(EOVERFLOW)");

	snprintf(path, sizeof(path), "%s/sub", b);
	cr_assert(mkdir(path, 0755) == 0 || errno == EEXIST);
	cr_assert(chown(path, 0, 0) == 0);
	snprintf(spec, sizeof(spec), "%s:/o", b);
	sb_run(&o, "--overlay", spec, "--", "/bin/sh", "-c", "echo x > /o/sub/new; echo wrote", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "ov-rootdir/sub' has an owner or group this sandbox does not map");
}

/* A tree of the caller's own, nested: written through the layer, the
 * host's files unchanged. */
Test(overlay, a_tree_the_caller_owns_is_writable)
{
	struct sb_out o;
	const char *d = sb_user_dir("ov-mine");
	char sub[4300], path[4400], spec[4300], buf[64] = "";
	FILE *f;

	snprintf(sub, sizeof(sub), "%s/deep", d);
	cr_assert(mkdir(sub, 0755) == 0 || errno == EEXIST);
	if (getuid() == 0)
		cr_assert(chown(sub, test_uid(), test_gid()) == 0);
	snprintf(path, sizeof(path), "%s/f", sub);
	put(path, "orig\n", getuid() == 0 ? test_uid() : getuid(), getuid() == 0 ? test_gid() : getgid());
	snprintf(spec, sizeof(spec), "%s:/o", d);
	sb_run(&o, "--overlay", spec, "--", "/bin/sh", "-c", "echo new >> /o/deep/f && mkdir /o/deep/n && cat /o/deep/f",
	       NULL);
	sb_assert_status(&o, 0);
	cr_assert_str_eq(o.out, "orig\nnew\n");
	f = fopen(path, "r");
	cr_assert(f && fgets(buf, sizeof(buf), f));
	fclose(f);
	cr_assert_str_eq(buf, "orig\n", "the host's file changed");
}

/* ':partial' accepts such a tree: the caller's entries are writable, the
 * others' stay as they are. */
Test(overlay, partial_accepts_entries_of_others)
{
	struct sb_out o;
	const char *d = sb_user_dir("ov-partial");
	char path[4300], spec[4300];

	if (getuid() != 0)
		cr_skip_test("needs root to give a file another group");
	snprintf(path, sizeof(path), "%s/theirs", d);
	put(path, "theirs\n", 0, 0);
	snprintf(path, sizeof(path), "%s/mine", d);
	put(path, "mine\n", test_uid(), test_gid());
	snprintf(spec, sizeof(spec), "%s:/o:partial", d);
	sb_run(&o, "--overlay", spec, "--", "/bin/sh", "-c", "echo more >> /o/mine && cat /o/mine /o/theirs", NULL);
	sb_assert_status(&o, 0);
	cr_assert_str_eq(o.out, "mine\nmore\ntheirs\n");
}
