/*
 * test_commands.c: policy lookup order, `sandbox check`, `sandbox explain`,
 * `sandbox policies` and how a bad policy stops a run, as the test user
 * with the binary in the test dir (so its policies/ is the "build tree").
 */
#include "harness.h"

/* A policy file NAME.policy in testdir/SUB holding "hostname HOST". */
static const char *policy_in(const char *sub, const char *name, const char *host)
{
	static char dirs[8][4096];
	static int i;
	char *d = dirs[i++ % 8], path[4400];
	FILE *f;

	snprintf(d, 4096, "%s/%s", sb_testdir(), sub);
	{
		char cmd[4200];

		snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && chmod -R a+rX '%s/%.*s'", d, sb_testdir(),
			 (int)strcspn(sub, "/"), sub);
		cr_assert(system(cmd) == 0);
	}
	snprintf(path, sizeof(path), "%s/%s.policy", d, name);
	f = fopen(path, "w");
	cr_assert(f);
	fprintf(f, "hostname %s\n", host);
	fclose(f);
	chmod(path, 0644);
	return d;
}

static void clean_env(void)
{
	unsetenv("SANDBOX_POLICY_PATH");
	setenv("HOME", "/nonexistent", 1);
}

TestSuite(commands, .init = clean_env);

Test(commands, lookup_order_path_then_home_then_build_tree_then_builtin)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	const char *d1 = policy_in("lk/d1", "lk", "first");
	const char *d2 = policy_in("lk/d2", "lk", "second");
	char path[8400];

	policy_in("lk/home/.config/sandbox/policies", "lk", "home");
	policy_in("lk/home/.config/sandbox/policies", "lkhome", "homeonly");
	snprintf(path, sizeof(path), "%s:%s", d1, d2);
	setenv("SANDBOX_POLICY_PATH", path, 1);
	snprintf(path, sizeof(path), "%s/lk/home", sb_testdir());
	setenv("HOME", path, 1);

	sb_cmd(o, "check", "lk", NULL);
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "hostname first\n");

	setenv("SANDBOX_POLICY_PATH", d2, 1);
	sb_cmd(o, "check", "lk", NULL);
	sb_assert_out_has(o, "hostname second\n");

	unsetenv("SANDBOX_POLICY_PATH");
	sb_cmd(o, "check", "lk", NULL);
	sb_assert_out_has(o, "hostname home\n");
	sb_cmd(o, "check", "lkhome", NULL);
	sb_assert_out_has(o, "hostname homeonly\n");

	/* The test dir's policies/ beside the binary is the build tree. */
	sb_cmd(o, "policies", NULL);
	sb_assert_status(o, 0);
	snprintf(path, sizeof(path), "judge                build tree           %s/policies/judge.policy\n", sb_testdir());
	sb_assert_out_has(o, path);
	sb_assert_out_has(o, "judge                built-in             <builtin>/judge.policy  (shadowed by ");
	snprintf(path, sizeof(path), "lk                   user                 %s/lk/home/.config/sandbox/policies/lk.policy\n",
		 sb_testdir());
	sb_assert_out_has(o, path);
	free(o);
}

Test(commands, policies_shows_shadowing)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	const char *d1 = policy_in("sh/d1", "judge", "mine");
	char want[8400];

	setenv("SANDBOX_POLICY_PATH", d1, 1);
	sb_cmd(o, "policies", NULL);
	sb_assert_status(o, 0);
	snprintf(want, sizeof(want), "judge                SANDBOX_POLICY_PATH  %s/judge.policy\n", d1);
	sb_assert_out_has(o, want);
	snprintf(want, sizeof(want), "%s/policies/judge.policy  (shadowed by %s/judge.policy)\n", sb_testdir(), d1);
	sb_assert_out_has(o, want);
	/* run --list-policies is the same list. */
	sb_run(o, "--list-policies", NULL);
	sb_assert_status(o, 0);
	sb_assert_out_has(o, want);
	sb_cmd(o, "check", "judge", NULL);
	sb_assert_out_has(o, "hostname mine\n");
	free(o);
}

Test(commands, builtin_copy_when_nothing_on_disk)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	char dir[4200], cmd[8600];

	snprintf(dir, sizeof(dir), "%s/lonely", sb_testdir());
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp '%s' '%s/' && chmod -R a+rX '%s'", dir, sb_bin(), dir, dir);
	cr_assert(system(cmd) == 0);
	snprintf(cmd, sizeof(cmd), "%s/sandbox", dir);
	{
		const char *argv[] = { cmd, "check", "judge", NULL };

		sb_exec(SB_AS_USER, argv, NULL, 30, o);
	}
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "# merged policy: judge syscalls-judge\n");
	sb_assert_out_has(o, "chdir /box\n");
	free(o);
}

Test(commands, policy_given_as_path)
{
	struct sb_out *o = calloc(1, sizeof(*o));

	policy_in("bypath", "p", "bypath");
	sb_cmd(o, "check", "./bypath/p.policy", NULL);
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "hostname bypath\n");
	free(o);
}

Test(commands, check_prints_merged_normalized_policy)
{
	struct sb_out *o = calloc(1, sizeof(*o));

	sb_cmd(o, "check", "judge-interpreted", NULL);
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "# merged policy: judge-interpreted judge syscalls-judge\n");
	sb_assert_out_has(o, "\nro-bind /usr\n");             /* from the include */
	sb_assert_out_has(o, "\ntmpfs /tmp:size=64M,mode=1777\n");
	sb_assert_out_has(o, "\nmemory 512M\n");              /* later line wins */
	sb_assert_out_has(o, "\nuid 0\n");                    /* defaults written out */
	sb_assert_out_has(o, "\nsyscalls default kill\n");
	sb_assert_out_has(o, "\nsyscalls kill socket if arg0 != 1\n"); /* syscalls-judge, AF_UNIX */
	sb_assert_out_has(o, "\n# cpus: unlimited (not set)\n");
	cr_assert(strstr(o->out, "\ninclude ") == NULL && strstr(o->out, "\npolicy ") == NULL, "includes are resolved");
	free(o);
}

/* The directive lines of a print (comments say where things came from,
 * which differs between a policy and its printed copy). */
static void strip_comments(char *s)
{
	char *o = s;

	for (char *l = s; *l;) {
		size_t n = strcspn(l, "\n") + (l[strcspn(l, "\n")] == '\n');

		if (l[0] != '#') {
			memmove(o, l, n);
			o += n;
		}
		l += n;
	}
	*o = '\0';
}

Test(commands, check_output_is_a_policy_that_checks_the_same)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	struct sb_out *o2 = calloc(1, sizeof(*o2));
	const char *path;

	sb_cmd(o, "check", "build", NULL);
	sb_assert_status(o, 0);
	path = sb_write_file("roundtrip.policy", o->out);
	sb_cmd(o2, "check", path, NULL);
	sb_assert_status(o2, 0);
	strip_comments(o->out);
	strip_comments(o2->out);
	cr_assert_str_eq(o2->out, o->out);
	free(o);
	free(o2);
}

Test(commands, check_merges_several_in_order)
{
	struct sb_out *o = calloc(1, sizeof(*o));

	policy_in("merge", "a", "aaa");
	policy_in("merge", "b", "bbb");
	sb_cmd(o, "check", "./merge/a.policy", "./merge/b.policy", NULL);
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "hostname bbb\n");
	free(o);
}

Test(commands, check_reports_errors_like_a_compiler)
{
	struct sb_out *o = calloc(1, sizeof(*o));

	sb_cmd(o, "check", "./fixtures/broken.policy", NULL);
	sb_assert_status(o, 125);
	cr_assert_str_eq(o->err, "sandbox: ./fixtures/broken.policy:3:1: error: unknown directive 'memroy' (did you mean 'memory'?)\n"
				 "     3 | memroy 256M\n"
				 "       | ^\n");
	cr_assert_str_eq(o->out, "");
	sb_cmd(o, "check", "./fixtures/cycle-a.policy", NULL);
	sb_assert_status(o, 125);
	sb_assert_err_has(o, "error: include: include cycle: ./fixtures/cycle-a.policy -> ");
	sb_assert_err_has(o, "/fixtures/cycle-b.policy -> ");
	sb_assert_err_has(o, "note: included from here");
	sb_cmd(o, "check", "no-such-policy", NULL);
	sb_assert_status(o, 125);
	sb_assert_err_has(o, "sandbox: policy 'no-such-policy' not found (looked for no-such-policy.policy in ");
	free(o);
}

Test(commands, bad_policy_stops_the_run_before_anything)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	char marker[4200];

	snprintf(marker, sizeof(marker), "%s/ran-marker", sb_testdir());
	sb_run(o, "--policy", "./fixtures/broken.policy", "--", "/bin/sh", "-c", "echo ran", NULL);
	sb_assert_status(o, 125);
	sb_assert_err_has(o, "broken.policy:3:1: error: unknown directive 'memroy'");
	cr_assert_str_eq(o->out, "");
	sb_run(o, "--memroy", "1G", "--", "/bin/true", NULL);
	sb_assert_status(o, 125);
	sb_assert_err_has(o, "unknown option '--memroy' (did you mean '--memory'?)");
	free(o);
}

Test(commands, explain_prints_every_section)
{
	struct sb_out *o = calloc(1, sizeof(*o));

	sb_cmd(o, "explain", "--policy", "judge", "--bind", "/nonexistent/box:/box", "--memory", "128M", NULL);
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "(nothing was created)");
	sb_assert_out_has(o, "\npolicies: judge syscalls-judge\n");
	sb_assert_out_has(o, "\nidentity and namespaces\n");
	sb_assert_out_has(o, "\nfilesystem (in mount order)\n");
	sb_assert_out_has(o, "  /usr                     <- /usr read-only bind  [");
	sb_assert_out_has(o, "  /box                     <- /nonexistent/box read-write bind  [command line]\n");
	sb_assert_out_has(o, "  working directory        /box\n");
	sb_assert_out_has(o, "\nnetwork\n  none: ");
	sb_assert_out_has(o, "\nlimits\n  memory           128M ");
	sb_assert_out_has(o, "  open-files       64         rlimit (RLIMIT_NOFILE)\n");
	sb_assert_out_has(o, "\nsyscalls (seccomp)\n  default action   kill");
	sb_assert_out_has(o, "\nlayers on this machine (read-only probe)\n  user namespace   ");
	sb_assert_out_has(o, "\n  landlock         ");
	sb_assert_out_has(o, "\n  cgroup           ");
	free(o);
}

Test(commands, explain_without_policy_uses_default_and_rejects_bad_options)
{
	struct sb_out *o = calloc(1, sizeof(*o));

	sb_cmd(o, "explain", NULL);
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "\npolicies: default\n");
	sb_assert_out_has(o, "  /tmp                     tmpfs, read-write, thrown away");
	sb_cmd(o, "explain", "--net", "host", "--", "curl", NULL);
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "  host: the caller's network namespace");
	sb_assert_out_has(o, "  command          curl\n");
	sb_cmd(o, "explain", "--memory", "lots", NULL);
	sb_assert_status(o, 125);
	sb_assert_err_has(o, "option '--memory lots': 'lots' is not a size");
	free(o);
}

/* Every @set with its members, the hardening and the constants. */
Test(commands, explain_syscalls_lists_sets_hardening_constants)
{
	struct sb_out *o = calloc(1, sizeof(*o));

	sb_cmd(o, "explain", "syscalls", NULL);
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "\n@network-io  # ");
	sb_assert_out_has(o, "socketpair");
	sb_assert_out_has(o, "\n@system-service  # ");
	sb_assert_out_has(o, "\nio_uring_setup ");
	sb_assert_out_has(o, "TIOCSTI");
	free(o);
}

/* The filter 'run' would load, raw: whole sock_filter records that end
 * in a return, for bwrap --seccomp FD. */
Test(commands, seccomp_export_writes_raw_bpf)
{
	struct sb_out *o = calloc(1, sizeof(*o));

	sb_cmd(o, "seccomp-export", "--policy", "judge", NULL);
	sb_assert_status(o, 0);
	cr_assert(o->out_len > 64 && o->out_len % 8 == 0, "%zu bytes", o->out_len);
	cr_assert_eq((unsigned char)o->out[o->out_len - 8], 0x06, "last instruction is not BPF_RET");
	sb_cmd(o, "seccomp-export", "--syscalls-log", NULL);
	sb_assert_status(o, 125);
	sb_assert_err_has(o, "log mode");
	free(o);
}

/* check builds the syscall filter, so an imported Docker profile's JSON
 * error shows at check time, with the file, line and column. */
Test(commands, check_validates_an_imported_seccomp_profile)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	const char *bad = sb_write_file("broken-profile.json", "{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
							      " \"syscalls\": [ {\"names\": [\"read\"] \"action\": 1} ]}\n");
	const char *good = sb_write_file("good-profile.json", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": "
							      "[{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}\n");
	char text[4300];

	snprintf(text, sizeof(text), "seccomp-profile %s\n", bad);
	sb_cmd(o, "check", sb_write_file("uses-broken.policy", text), NULL);
	sb_assert_status(o, 125);
	sb_assert_err_has(o, "broken-profile.json:2:");
	sb_assert_err_has(o, "expected near '\"action\"'");
	snprintf(text, sizeof(text), "seccomp-profile %s\n", good);
	sb_cmd(o, "check", sb_write_file("uses-good.policy", text), NULL);
	sb_assert_status(o, 0);
	free(o);
}
