/*
 * test_mountopts.c: per-mount options (noexec, dev, norec, own) and the
 * command running as a subordinate id (--map-to subuid), asserted from
 * inside the sandbox and on the files outside. Runs as the test user; the
 * subordinate-id tests need the range tests/setup-subuid.sh gives it.
 */
#include "harness.h"

TestSuite(mountopts, .timeout = 60);

static void need_subids(void)
{
	if (!getenv("SANDBOX_SUBIDS"))
		cr_skip_test("the test user has no /etc/subuid range (tests/setup-subuid.sh needs root and uidmap)");
}

/* A fresh directory owned by the test user, holding a copy of /bin/true. */
static const char *dir_with_true(const char *name)
{
	const char *d = sb_user_dir(name);
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "cp /bin/true %s/true && chmod 755 %s/true && chown %s %s/true", d, d,
		 sb_env("SANDBOX_TEST_UID", "0"), d);
	cr_assert(system(cmd) == 0, "%s", cmd);
	return d;
}

Test(mountopts, noexec_bind_refuses_exec_only_there)
{
	struct sb_out o;
	char with[4300], without[4300];
	const char *d = dir_with_true("nx");

	snprintf(with, sizeof(with), "%s:/nx:noexec", d);
	snprintf(without, sizeof(without), "%s:/x", d);
	sb_run(&o, "--ro-bind", without, "--", "/x/true", NULL);
	sb_assert_status(&o, 0);
	sb_run(&o, "--ro-bind", with, "--", "/nx/true", NULL);
	sb_assert_status(&o, 126);
	sb_assert_err_has(&o, "Permission denied");
	/* The mount says so too: a second wall would be needed for nothing. */
	sb_run(&o, "--ro-bind", with, "--", "sh", "-c", "grep ' /nx ' /proc/self/mountinfo", NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "noexec");
}

Test(mountopts, noexec_tmpfs)
{
	struct sb_out o;

	sb_run(&o, "--tmpfs", "/t:size=4M,noexec", "--", "sh", "-c", "cp /bin/true /t/ && /t/true", NULL);
	sb_assert_status(&o, 126);
	sb_run(&o, "--tmpfs", "/t:size=4M", "--", "sh", "-c", "cp /bin/true /t/ && /t/true", NULL);
	sb_assert_status(&o, 0);
}

Test(mountopts, dev_and_norec)
{
	struct sb_out o;

	/* Devices work only on a bind marked dev; norec leaves the host's
	 * /dev/pts and /dev/shm out (empty mount points instead). */
	sb_run(&o, "--ro-bind", "/dev:/hd:dev,norec", "--", "sh", "-c",
	       "head -c 3 /hd/zero | wc -c; ls -A /hd/pts | wc -l; ls -A /hd/shm | wc -l", NULL);
	sb_assert_status(&o, 0);
	cr_assert_str_eq(o.out, "3\n0\n0\n", "%s%s", o.out, o.err);
	sb_run(&o, "--ro-bind", "/dev:/hd", "--", "sh", "-c", "head -c 3 /hd/zero", NULL);
	cr_assert_neq(o.status, 0);
	sb_assert_err_has(&o, "Permission denied");
}

Test(mountopts, bad_option_names_itself)
{
	struct sb_out o;

	sb_run(&o, "--ro-bind", "/usr:/u:noexec,nosiud", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "unknown mount option 'nosiud'");
	sb_run(&o, "--bind", "/tmp:/u:own", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "needs --map-to subuid");
	sb_run(&o, "--map-to", "subuid", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "needs --uid and --gid other than 0");
}

/* The uid and gid an outside file has, as "UID:GID". */
static void owner_of(const char *path, char *buf, size_t len)
{
	struct stat st;

	cr_assert(lstat(path, &st) == 0, "stat %s", path);
	snprintf(buf, len, "%u:%u", (unsigned)st.st_uid, (unsigned)st.st_gid);
}

Test(mountopts, subuid_runs_as_another_user)
{
	struct sb_out o;
	char bind[4300], path[4300], own[64];
	const char *d = sb_user_dir("subid");
	struct stat st;

	need_subids();
	snprintf(bind, sizeof(bind), "%s:/w", d);
	chmod(d, 0777);
	sb_run(&o, "--map-to", "subuid:7", "--uid", "60000", "--gid", "60000", "--bind", bind, "--", "sh", "-c",
	       "id; grep Cap /proc/self/status | sort -u -k2 | wc -l; touch /w/made", NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "uid=60000 gid=60000 groups=60000\n");
	sb_assert_out_has(&o, "\n1\n"); /* every Cap line is the same: zero */
	snprintf(path, sizeof(path), "%s/made", d);
	cr_assert(stat(path, &st) == 0);
	/* Outside, the file belongs to neither the test user nor root. */
	owner_of(path, own, sizeof(own));
	cr_assert(st.st_uid != (uid_t)atoi(sb_env("SANDBOX_TEST_UID", "0")) && st.st_uid != 0, "owner %s", own);
	cr_assert(st.st_uid >= 100000, "owner %s is not a subordinate id", own);
}

/* CMS's protection: a 0755 directory and 0722 files of the caller; the
 * command may rewrite those files but not read them, nor create files. */
Test(mountopts, permission_bits_protect_the_callers_files)
{
	struct sb_out o;
	char bind[4300], path[4300];
	const char *d = sb_user_dir("perm");
	FILE *f;

	need_subids();
	snprintf(path, sizeof(path), "%s/secret", d);
	f = fopen(path, "w");
	cr_assert(f);
	fputs("expected output\n", f);
	fclose(f);
	chmod(path, 0722);
	cr_assert(chown(path, (uid_t)atoi(sb_env("SANDBOX_TEST_UID", "0")),
			(gid_t)atoi(sb_env("SANDBOX_TEST_GID", "0"))) == 0);
	chmod(d, 0755);
	snprintf(bind, sizeof(bind), "%s:/tmp", d);
	sb_run(&o, "--map-to", "subuid:3", "--uid", "60003", "--gid", "60003", "--bind", bind, "--", "sh", "-c",
	       "cat /tmp/secret; echo $?; echo rewritten > /tmp/secret; echo $?; touch /tmp/new; echo $?", NULL);
	sb_assert_status(&o, 0);
	cr_assert_str_eq(o.out, "1\n0\n1\n", "%s%s", o.out, o.err);
	f = fopen(path, "r");
	cr_assert(f);
	cr_assert(fgets(path, sizeof(path), f));
	fclose(f);
	cr_assert_str_eq(path, "rewritten\n");
}

Test(mountopts, own_hands_the_tree_over_and_back)
{
	struct sb_out o;
	char bind[4300], path[4300], cmd[8800], own[64], me[64];
	const char *d = sb_user_dir("owned");
	const char *o2 = sb_user_dir("owned-outside");

	need_subids();
	snprintf(me, sizeof(me), "%s:%s", sb_env("SANDBOX_TEST_UID", "0"), sb_env("SANDBOX_TEST_GID", "0"));
	/* A private file of the caller, and a hard link to a file outside. */
	snprintf(cmd, sizeof(cmd),
		 "echo in > %s/in && chmod 600 %s/in && echo x > %s/ext && ln %s/ext %s/link 2>/dev/null; "
		 "chown -R %s %s %s",
		 d, d, o2, o2, d, me, d, o2);
	cr_assert(system(cmd) == 0);
	chmod(d, 0700);
	snprintf(bind, sizeof(bind), "%s:/box:own", d);
	sb_run(&o, "--map-to", "subuid:9", "--uid", "60009", "--gid", "60009", "--bind", bind, "--", "sh", "-c",
	       "cat /box/in && mkdir /box/sub && echo out > /box/sub/f && stat -c '%u %n' /box/link", NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "in\n");
	/* Same filesystem: the link exists and was not handed over. */
	snprintf(path, sizeof(path), "%s/link", d);
	if (access(path, F_OK) == 0)
		sb_assert_out_has(&o, "0 /box/link");
	/* Afterwards everything is the caller's again. */
	snprintf(path, sizeof(path), "%s/sub/f", d);
	owner_of(path, own, sizeof(own));
	cr_assert_str_eq(own, me);
	snprintf(path, sizeof(path), "%s/sub", d);
	owner_of(path, own, sizeof(own));
	cr_assert_str_eq(own, me);
	snprintf(path, sizeof(path), "%s/in", d);
	owner_of(path, own, sizeof(own));
	cr_assert_str_eq(own, me);
}
