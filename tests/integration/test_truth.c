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
