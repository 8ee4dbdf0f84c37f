/*
 * test_truth.c: `sandbox check` and `sandbox explain` tell the truth about
 * what `sandbox run` does. check's output, run as a policy, behaves like
 * its input (every shipped policy); explain's syscall default, its
 * "no effect" notes and its cgroup verdict are checked against real runs,
 * as the test user.
 */
#include "harness.h"

TestSuite(truth, .timeout = 120);

static const char *const shipped[] = {
	"default", "judge", "judge-interpreted", "build", "tool", "syscalls-default", "syscalls-judge",
};

/* sandbox check NAME, saved as a policy file in the test dir. */
static const char *checked(const char *name)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	char file[256];
	const char *path;

	sb_cmd(o, "check", name, NULL);
	sb_assert_status(o, 0);
	snprintf(file, sizeof(file), "rt-%s.policy", name);
	path = sb_write_file(file, o->out);
	free(o);
	return path;
}

/* What a run of sh does under a policy: status and output. Static
 * binaries need nothing inside, so every policy, even one without mounts,
 * runs the same program. */
static void run_under(struct sb_out *o, const char *policy)
{
	char bind[4200];

	snprintf(bind, sizeof(bind), "%s:/probe", sb_helper("sysprobe"));
	sb_run(o, "--policy", policy, "--ro-bind", bind, "--", "/probe", "getppid", NULL);
}

/* check NAME > f; run --policy ./f behaves as run --policy NAME: the same
 * status and output, and the same syscall filter to the byte. */
Test(truth, check_output_runs_like_its_input_for_every_shipped_policy)
{
	struct sb_out *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));

	for (size_t i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		const char *path = checked(shipped[i]);

		run_under(a, shipped[i]);
		run_under(b, path);
		cr_assert_eq(b->status, a->status, "%s: the printed policy exits %d, the original %d\n%s%s", shipped[i],
			     b->status, a->status, b->out, b->err);
		cr_assert_str_eq(b->out, a->out, "%s", shipped[i]);
		sb_cmd(a, "seccomp-export", "--policy", shipped[i], NULL);
		sb_cmd(b, "seccomp-export", "--policy", path, NULL);
		sb_assert_status(a, 0);
		sb_assert_status(b, 0);
		cr_assert(a->out_len == b->out_len && memcmp(a->out, b->out, a->out_len) == 0,
			  "%s: the printed policy's filter differs (%zu vs %zu bytes)", shipped[i], b->out_len, a->out_len);
	}
	/* The case the issue reported: the default policy, printed, runs sh. */
	sb_run(a, "--policy", checked("default"), "--", "/bin/sh", "-c", "echo hi", NULL);
	sb_assert_status(a, 0);
	cr_assert_str_eq(a->out, "hi\n");
	free(a);
	free(b);
}

/* "syscalls allow ptrace" is overruled by the always-on hardening: check
 * warns and notes it, explain says so, and the run indeed refuses it. */
Test(truth, allow_of_a_hardened_syscall_is_named_and_really_refused)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	const char *pol = sb_write_file("allow-ptrace.policy", "include default\nsyscalls allow ptrace\n");
	char bind[4200];

	sb_cmd(o, "check", pol, NULL);
	sb_assert_status(o, 0);
	sb_assert_err_has(o, "allow-ptrace.policy:2:10: warning: 'syscalls allow ptrace' has no effect: "
			     "the always-on hardening refuses ptrace; write 'syscalls unsafe-allow ptrace' to lift it");
	sb_assert_out_has(o, "\n# note: 'syscalls allow ptrace' (");
	sb_cmd(o, "explain", "--policy", pol, NULL);
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "\n  NO EFFECT        ptrace: allowed at ");
	sb_assert_out_has(o, "'syscalls unsafe-allow ptrace' lifts it\n");
	snprintf(bind, sizeof(bind), "%s:/probe", sb_helper("sysprobe"));
	sb_run(o, "--policy", pol, "--ro-bind", bind, "--", "/probe", "ptrace", NULL);
	sb_assert_status(o, 0);
	cr_assert_str_eq(o->out, "errno 1\n", "ptrace was not refused: %s", o->out);
	/* With unsafe-allow it reaches the kernel, and nothing is noted. */
	sb_cmd(o, "explain", "--policy", pol, "--syscalls", "unsafe-allow ptrace", NULL);
	cr_assert(strstr(o->out, "NO EFFECT") == NULL, "%s", o->out);
	sb_run(o, "--policy", pol, "--syscalls", "unsafe-allow ptrace", "--ro-bind", bind, "--", "/probe", "ptrace", NULL);
	cr_assert_str_neq(o->out, "errno 1\n");
	free(o);
}

/* explain's default action is the one the run applies: an imported
 * profile's defaultAction, not "kill" (the plan's unset default). */
Test(truth, explain_default_action_follows_an_imported_profile)
{
	static const struct {
		const char *json, *explained, *probe;
	} cases[] = {
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}", "allow", "ok\n" },
		/* What a static program's start-up and printf need, not getppid. */
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 13, \"syscalls\": [{\"names\": "
		  "[\"arch_prctl\", \"brk\", \"set_tid_address\", \"set_robust_list\", \"rseq\", \"prlimit64\", "
		  "\"mprotect\", \"readlink\", \"readlinkat\", \"uname\", \"getrandom\", \"newfstatat\", \"fstat\", "
		  "\"write\", \"mmap\", \"munmap\", \"ioctl\", \"exit_group\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
		  "errno EACCES", "errno 13\n" },
	};
	struct sb_out *o = calloc(1, sizeof(*o));
	char bind[4200], want[4400], name[64];

	snprintf(bind, sizeof(bind), "%s:/probe", sb_helper("sysprobe"));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *prof;

		snprintf(name, sizeof(name), "profile-%zu.json", i);
		prof = sb_write_file(name, cases[i].json);
		sb_cmd(o, "explain", "--seccomp-profile", prof, NULL);
		sb_assert_status(o, 0);
		snprintf(want, sizeof(want), "\n  default action   %s (from the imported profile %s)\n", cases[i].explained,
			 prof);
		sb_assert_out_has(o, want);
		sb_run(o, "--seccomp-profile", prof, "--ro-bind", bind, "--", "/probe", "getppid", NULL);
		sb_assert_status(o, 0);
		cr_assert_str_eq(o->out, cases[i].probe, "%s", cases[i].json);
	}
	free(o);
}

/* The caller's own cgroup in the memory hierarchy (v1) or the v2 path,
 * as /proc/self/cgroup says. */
static void own_memory_cgroup(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[4096];

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		char *ctl = strchr(line, ':'), *path = ctl ? strchr(ctl + 1, ':') : NULL;

		if (!path)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(ctl + 1, "memory:", 7) == 0 || strstr(ctl + 1, ",memory:"))
			snprintf(buf, len, "/sys/fs/cgroup/memory%s", strcmp(path + 1, "/") ? path + 1 : "");
	}
	if (f)
		fclose(f);
}

/* explain OPTS --memory 64M says whether the run would fail for want of a
 * cgroup; run OPTS --memory 64M -- true must agree. Returns whether it
 * said the cgroup is usable. */
static bool explain_agrees_with_run(const char *what, const char *opt, const char *val)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	bool fails, usable;

	if (opt)
		sb_cmd(o, "explain", opt, val, "--memory", "64M", NULL);
	else
		sb_cmd(o, "explain", "--memory", "64M", NULL);
	sb_assert_status(o, 0);
	fails = strstr(o->out, "(the run would fail)") != NULL;
	usable = strstr(o->out, "(limits enforced there)") != NULL;
	cr_assert(!(fails && usable), "%s: explain says both\n%s", what, o->out);
	if (opt)
		sb_run(o, opt, val, "--memory", "64M", "--", "/bin/true", NULL);
	else
		sb_run(o, "--memory", "64M", "--", "/bin/true", NULL);
	cr_assert_eq(o->status, fails ? 125 : 0, "%s: explain says the run would %s, it exited %d\n%s", what,
		     fails ? "fail" : "work", o->status, o->err);
	if (fails)
		sb_assert_err_has(o, "the limits need a cgroup and none is usable");
	free(o);
	return usable;
}

/* explain asks the cgroup layer the run uses (cgroup_where): it honours
 * SANDBOX_CGROUP, takes --cgroup-parent as the run does (a path under the
 * cgroup mount too), and says "would fail" exactly when the run does. */
Test(truth, explain_cgroup_verdict_matches_the_run)
{
	const char *env = getenv("SANDBOX_CGROUP");
	char own[4096], abs[8400];

	if (!env || !*env || env[0] == '/')
		cr_skip_test("needs the relative SANDBOX_CGROUP tests/setup-cgroup.sh delegates (v1 host, as root)");
	cr_assert(explain_agrees_with_run("SANDBOX_CGROUP", NULL, NULL), "SANDBOX_CGROUP=%s was not used", env);
	own_memory_cgroup(own, sizeof(own));
	snprintf(abs, sizeof(abs), "%s/%s", own, env);
	explain_agrees_with_run("--cgroup-parent under the mount", "--cgroup-parent", abs);
	explain_agrees_with_run("--cgroup-parent missing", "--cgroup-parent", "/no/such/cgroup");
	unsetenv("SANDBOX_CGROUP");
	explain_agrees_with_run("own cgroup", NULL, NULL);
	cr_assert(!explain_agrees_with_run("own cgroup, best-effort", "--limits", "best-effort"));
}

/* Policy input is bounded and exact: /dev/zero as a policy or as a seccomp
 * profile stops at once with a message (it used to grow by a GB a
 * second), and a NUL byte is an error at its line and column. */
Test(truth, policy_input_is_bounded_and_exact)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	char path[4200];
	FILE *f;

	sb_cmd(o, "check", "/dev/zero", NULL);
	sb_assert_status(o, 125);
	sb_assert_err_has(o, "/dev/zero:1:1: error: a NUL byte (expected text)");
	sb_run(o, "--seccomp-profile", "/dev/zero", "--", "/bin/true", NULL);
	sb_assert_status(o, 125);
	sb_assert_err_has(o, "seccomp-profile /dev/zero: larger than 4 MiB");
	snprintf(path, sizeof(path), "%s/nul.policy", sb_testdir());
	f = fopen(path, "w");
	cr_assert(f);
	fwrite("include default\nro-bind /usr\0:/etc/shadow\n", 1, 43, f);
	fclose(f);
	chmod(path, 0644);
	sb_run(o, "--policy", path, "--", "/bin/true", NULL);
	sb_assert_status(o, 125);
	sb_assert_err_has(o, "nul.policy:2:13: error: a NUL byte (expected text)");
	/* In an imported profile too. */
	snprintf(path, sizeof(path), "%s/nul.json", sb_testdir());
	f = fopen(path, "w");
	cr_assert(f);
	fwrite("{\"defaultAction\":\n \"SCMP_ACT_ALLOW\"\0}", 1, 37, f);
	fclose(f);
	chmod(path, 0644);
	sb_run(o, "--seccomp-profile", path, "--", "/bin/true", NULL);
	sb_assert_status(o, 125);
	sb_assert_err_has(o, "nul.json:2:18: a NUL byte (expected JSON text)");
	free(o);
}

/* A bind source that is a symlink is what it is on the host: an absolute
 * link is followed from the host's root (it used to be resolved in the
 * sandbox's half-built root: "No such file or directory"), and a link to
 * nothing says so. */
Test(truth, bind_source_symlink_is_resolved_as_on_the_host)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	const char *target = sb_write_file("link-target.txt", "through the link\n");
	char link[4200], dangling[4200], bind[4400];

	snprintf(link, sizeof(link), "%s/abs-link", sb_testdir());
	snprintf(dangling, sizeof(dangling), "%s/dangling-link", sb_testdir());
	unlink(link);
	unlink(dangling);
	cr_assert(symlink(target, link) == 0);
	cr_assert(symlink("/nonexistent/elsewhere", dangling) == 0);
	snprintf(bind, sizeof(bind), "%s:/data.txt", link);
	sb_run(o, "--ro-bind", bind, "--", "/bin/cat", "/data.txt", NULL);
	sb_assert_status(o, 0);
	cr_assert_str_eq(o->out, "through the link\n");
	snprintf(bind, sizeof(bind), "%s:/data.txt", dangling);
	sb_run(o, "--ro-bind", bind, "--", "/bin/cat", "/data.txt", NULL);
	sb_assert_status(o, 125);
	sb_assert_err_has(o, "dangling-link' is a symlink to '/nonexistent/elsewhere', which does not exist on this machine");
	sb_run(o, "--ro-bind-try", bind, "--", "/bin/true", NULL);
	sb_assert_status(o, 0);
	free(o);
}
