/*
 * test_seccomp_hardening.c: the always-on part of the syscall filter holds
 * whatever the policy allows, even `syscalls default allow`; clone3 is
 * answered ENOSYS and glibc still makes threads and processes; other ABIs
 * die; rules and log mode do what they say.
 */
#include "harness.h"

TestSuite(seccomp_hardening, .timeout = 60);

/* Run sysprobe WHAT under the default policy plus extra options. */
static void probe(struct sb_out *o, const char *what, const char *opt, const char *val)
{
	char bind[4200];

	snprintf(bind, sizeof(bind), "%s:/probe", sb_helper("sysprobe"));
	if (opt)
		sb_run(o, "--ro-bind", bind, opt, val, "--", "/probe", what, NULL);
	else
		sb_run(o, "--ro-bind", bind, "--", "/probe", what, NULL);
}

/* Blocked: an errno answer other than "reached the kernel", or death. */
static void assert_blocked(const char *what, const char *opt, const char *val)
{
	struct sb_out o;

	probe(&o, what, opt, val);
	cr_assert(o.status == 128 + 31 || strstr(o.out, "errno 1\n") || strstr(o.out, "errno 38\n"),
		  "%s (%s %s) was not blocked: status %d, %s%s", what, opt ? opt : "", val ? val : "", o.status,
		  o.out, o.err);
}

Test(seccomp_hardening, always_on_even_with_default_allow)
{
	static const char *const denied[] = {
		"unshare-user", "clone-newns", "io_uring_setup", "ptrace", "bpf",
		"userfaultfd", "keyctl", "perf_event_open", "tiocsti",
	};

	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		assert_blocked(denied[i], NULL, NULL);
		assert_blocked(denied[i], "--syscalls", "default allow");
	}
}

Test(seccomp_hardening, clone3_enosys_and_glibc_still_spawns)
{
	struct sb_out o;

	probe(&o, "clone3", NULL, NULL);
	sb_assert_out_has(&o, "errno 38\n"); /* ENOSYS */
	probe(&o, "threads", NULL, NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "threads and fork ok");
}

Test(seccomp_hardening, other_abis_are_killed)
{
	struct sb_out o;

	probe(&o, "x32", NULL, NULL);
	cr_assert_eq(o.status, 128 + 31, "x32 syscall: status %d %s", o.status, o.out);
	probe(&o, "int80", NULL, NULL);
	cr_assert_eq(o.status, 128 + 31, "int 0x80: status %d %s", o.status, o.out);
	probe(&o, "x32", "--syscalls", "default allow");
	cr_assert_eq(o.status, 128 + 31, "x32 with default allow: status %d", o.status);
}

Test(seccomp_hardening, rules_and_actions)
{
	struct sb_out o;

	probe(&o, "getppid", NULL, NULL);
	sb_assert_out_has(&o, "ok");
	probe(&o, "getppid", "--syscalls", "deny getppid");
	sb_assert_out_has(&o, "errno 1\n");
	probe(&o, "getppid", "--syscalls", "errno ENOSYS getppid");
	sb_assert_out_has(&o, "errno 38\n");
	probe(&o, "getppid", "--syscalls", "kill getppid");
	cr_assert_eq(o.status, 128 + 31, "status %d", o.status);
	probe(&o, "getppid", "--syscalls", "deny getppid getpid frobnicate");
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "frobnicate");
}

Test(seccomp_hardening, log_mode_names_what_would_be_denied)
{
	struct sb_out o;
	char bind[4200];

	snprintf(bind, sizeof(bind), "%s:/probe", sb_helper("sysprobe"));
	sb_run(&o, "--ro-bind", bind, "--syscalls", "deny getppid", "--syscalls-log", "--report", "-", "--", "/probe",
	       "getppid", NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "ok"); /* log mode lets it through */
	sb_assert_err_has(&o, "getppid");
	sb_assert_err_has(&o, "\"denied_syscalls\": [\"getppid\"");
}

/* A profile in Docker's own format, as moby's default.json is written. */
Test(seccomp_hardening, docker_profile_import)
{
	struct sb_out o;
	const char *profile = sb_write_file("docker.json",
		"{\n"
		"  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
		"  \"defaultErrnoRet\": 1,\n"
		"  \"architectures\": [\"SCMP_ARCH_X86_64\"],\n"
		"  \"syscalls\": [\n"
		"    {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38},\n"
		"    {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
		"     \"args\": [{\"index\": 0, \"value\": 0, \"valueTwo\": 0, \"op\": \"SCMP_CMP_EQ\"}]}\n"
		"  ]\n"
		"}\n");
	char bind[4200];

	snprintf(bind, sizeof(bind), "%s:/probe", sb_helper("sysprobe"));
	sb_run(&o, "--ro-bind", bind, "--seccomp-profile", profile, "--", "/probe", "getppid", NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "errno 38\n");
	/* The always-on hardening still applies on top of an allow-all profile. */
	sb_run(&o, "--ro-bind", bind, "--seccomp-profile", profile, "--", "/probe", "io_uring_setup", NULL);
	sb_assert_out_has(&o, "errno 1\n");
	/* A broken profile names the file and stops the run. */
	sb_run(&o, "--seccomp-profile", sb_write_file("bad.json", "{\"defaultAction\": 5}"), "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "bad.json");
}

/* One rule, two calls: want_unix/want_inet are "blocked" or "ok". */
static void cond_case(const char *rule, bool unix_blocked, bool inet_blocked, bool cloexec)
{
	struct sb_out o;
	char bind[4200];
	const char *fam[2] = { "1", "2" }; /* AF_UNIX, AF_INET */
	bool want[2] = { unix_blocked, inet_blocked };

	snprintf(bind, sizeof(bind), "%s:/probe", sb_helper("sysprobe"));
	for (int i = 0; i < 2; i++) {
		sb_run(&o, "--ro-bind", bind, "--syscalls", rule, "--", "/probe", "socket", fam[i],
		       cloexec ? "cloexec" : NULL, NULL);
		cr_assert_str_eq(o.out, want[i] ? "errno 1\n" : "ok\n", "rule '%s', family %s: %s%s", rule, fam[i],
				 o.out, o.err);
	}
}

Test(seccomp_hardening, argument_condition_operators)
{
	cond_case("deny socket if arg0 == AF_INET", false, true, false);
	cond_case("deny socket if arg0 != AF_UNIX", false, true, false);
	cond_case("deny socket if arg0 < 2", true, false, false);
	cond_case("deny socket if arg0 <= 1", true, false, false);
	cond_case("deny socket if arg0 > 1", false, true, false);
	cond_case("deny socket if arg0 >= 2", false, true, false);
	cond_case("deny socket if arg1 & SOCK_CLOEXEC", true, true, true);
	cond_case("deny socket if arg1 & SOCK_CLOEXEC", false, false, false);
	cond_case("deny socket if arg0 == AF_INET and arg1 & SOCK_CLOEXEC", false, true, true);
}

Test(seccomp_hardening, trap_action_and_unknown_names)
{
	struct sb_out o;
	char bind[4200];

	snprintf(bind, sizeof(bind), "%s:/probe", sb_helper("sysprobe"));
	sb_run(&o, "--ro-bind", bind, "--syscalls", "trap getppid", "--", "/probe", "getppid", NULL);
	cr_assert_eq(o.status, 128 + 31, "trap: SIGSYS without a handler, status %d", o.status);
	sb_run(&o, "--syscalls", "deny socket if arg0 == AF_BOGUS", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "AF_BOGUS");
}

/* The one way to lift an always-on entry is named for what it is, and it
 * lifts only what it names. */
Test(seccomp_hardening, unsafe_allow_lifts_one_entry)
{
	struct sb_out o;

	probe(&o, "io_uring_setup", "--syscalls", "unsafe-allow io_uring_setup");
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "errno 14\n"); /* EFAULT: reached the kernel with NULL params */
	assert_blocked("bpf", "--syscalls", "unsafe-allow io_uring_setup");
	assert_blocked("io_uring_setup", "--syscalls", "unsafe-allow bpf");
}

/* 'syscalls arch' re-admits an ABI: the call then reaches the kernel
 * (ok, or ENOSYS where the kernel lacks that ABI) instead of SIGSYS. */
Test(seccomp_hardening, arch_readmits_an_abi)
{
	struct sb_out o;

	probe(&o, "x32", "--syscalls", "arch x32");
	cr_assert_neq(o.status, 128 + 31, "x32 with 'arch x32' was killed: %s%s", o.out, o.err);
	cr_assert(strstr(o.out, "ok\n") || strstr(o.out, "errno 38\n"), "x32: %s%s", o.out, o.err);
	probe(&o, "int80", "--syscalls", "arch x86");
	cr_assert_neq(o.status, 128 + 31, "int 0x80 with 'arch x86' was killed: %s%s", o.out, o.err);
	/* Re-admitting one ABI leaves the other killed. */
	probe(&o, "int80", "--syscalls", "arch x32");
	cr_assert_eq(o.status, 128 + 31, "int 0x80 with only 'arch x32': status %d", o.status);
}
