/*
 * test_check.c: `sandbox check` output (check.c) is a policy that parses
 * back to the same plan: print, parse the print, print again, compare.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "options.h"
#include "plan.h"
#include "policy.h"
#include "seccomp.h"

static char *print_plan(const struct sb_plan *p)
{
	struct sb_err err = SB_ERR_INIT;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int r;

	cr_assert(f);
	r = check_print(f, p, &err);
	fclose(f);
	cr_assert_eq(r, 0, "check_print: %s", err.msg);
	return buf;
}

static void parse_into(struct sb_plan *p, const char *text)
{
	struct sb_err err = SB_ERR_INIT;
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	cr_assert(f);
	cr_assert_eq(policy_parse_stream(p, f, "t.policy", &err), 0, "%s\n--- text:\n%s", err.msg, text);
	fclose(f);
}

/* Everything after the first line (which names the policies). */
static const char *body(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? nl : s;
}

Test(check, every_directive_round_trips)
{
	static const char text[] =
		"ro-bind /usr\nro-bind-try /opt:/o\nbind /srv:/data\nbind-try /x\noverlay /a:/b\n"
		"ro-bind /etc/mono::noexec\nbind /dev:/hd:dev,norec\nbind /srv/b:/box:own\ntmpfs /s:noexec\n"
		"tmpfs /tmp:size=64M,mode=1777\ntmpfs /run:mode=755\ntmpfs /big:size=1536K\ndir /box\n"
		"symlink usr/lib:/lib\nproc\ndev /dev\nrootfs /srv/root\nchdir /box\nhostname judge\n"
		"uid 1000\ngid 1001\nmap-to subuid:4\nnet host\ninteractive\nkeep-fd 3\nenv LANG=C.UTF-8\n"
		"keep-env TERM\nmemory 1.5G\npids 32\ncpu-time 1500ms\nwall-time 2m\ncpus 0.5\ncpuset 0-1\n"
		"output-limit 1000\nopen-files 64\nstack unlimited\nlimits best-effort\ncgroup-parent /cg\n"
		"extra-time 500ms\naddress-space 1G\ncgroup required\nunset-env PATH\nstdio-inside\n"
		"stdin /in\nstdout /out\nreport -\nmeta /meta\nstderr-to-stdout\nsyscalls default deny\n"
		"syscalls allow read write\nsyscalls-log\nseccomp-profile /p.json\nlandlock required\n";
	struct sb_plan a, b;
	char *pa, *pb;

	plan_init(&a);
	plan_init(&b);
	parse_into(&a, text);
	pa = print_plan(&a);
	parse_into(&b, pa);
	pb = print_plan(&b);
	cr_assert_str_eq(body(pb), body(pa));
	cr_assert(strstr(pa, "\ntmpfs /tmp:size=64M,mode=1777\n"), "%s", pa);
	cr_assert(strstr(pa, "\ntmpfs /run:mode=755\n"), "%s", pa);
	cr_assert(strstr(pa, "\nro-bind /etc/mono:/etc/mono:noexec\nbind /dev:/hd:dev,norec\n"), "%s", pa);
	cr_assert(strstr(pa, "\ntmpfs /s:noexec\n"), "%s", pa);
	cr_assert(strstr(pa, "\nmap-to subuid:4\n"), "%s", pa);
	cr_assert(strstr(pa, "\nextra-time 500ms\n") && strstr(pa, "\naddress-space 1G\n"), "%s", pa);
	cr_assert(strstr(pa, "\ncgroup required\n") && strstr(pa, "\nunset-env PATH\n"), "%s", pa);
	cr_assert(strstr(pa, "\nstdio-inside\n"), "%s", pa);
	cr_assert(strstr(pa, "\nmemory 1536M\n"), "%s", pa);
	cr_assert(strstr(pa, "\ncpu-time 1500ms\n"), "%s", pa);
	cr_assert(strstr(pa, "\ncpus 0.500\n"), "%s", pa);
	cr_assert(strstr(pa, "\nlandlock required\n"), "%s", pa);
	cr_assert(strstr(pa, "\nsyscalls default deny\nsyscalls allow read write\n"), "%s", pa);
	cr_assert_eq(b.limits.memory, a.limits.memory);
	cr_assert_eq(b.n_mounts, a.n_mounts);
	free(pa);
	free(pb);
	plan_free(&a);
	plan_free(&b);
}

Test(check, defaults_are_written_out)
{
	struct sb_plan p;
	char *out;

	plan_init(&p);
	out = print_plan(&p);
	cr_assert(strstr(out, "\nchdir /\nhostname sandbox\n"), "%s", out);
	cr_assert(strstr(out, "\nuid 0\ngid 0\n"), "%s", out);
	cr_assert(strstr(out, "\nnet none\n"), "%s", out);
	cr_assert(strstr(out, "\nlimits strict\n# memory: unlimited (not set)\n"), "%s", out);
	/* No "syscalls default": the built-in baseline is written out, not
	 * "syscalls default kill" with no rules (which killed everything). */
	cr_assert(strstr(out, "\nsyscalls default deny\nsyscalls allow @system-service\n"), "%s", out);
	free(out);
	plan_free(&p);
}

/* Lines that are not comments: what the parser reads. */
static char *directives(const char *text)
{
	char *out = calloc(1, strlen(text) + 1), *o = out;

	cr_assert(out);
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");

		if (l[0] != '#') {
			memcpy(o, l, n);
			o += n;
			*o++ = '\n';
		}
		l += n + (l[n] == '\n');
	}
	return out;
}

static void assert_same_filter(const struct sb_plan *a, const struct sb_plan *b, const char *what)
{
	struct sb_err err = SB_ERR_INIT;
	struct sb_seccomp sa, sb;

	cr_assert_eq(seccomp_prepare(a, &sa, &err), 0, "%s: %s", what, err.msg);
	cr_assert_eq(seccomp_prepare(b, &sb, &err), 0, "%s: %s", what, err.msg);
	cr_assert_eq(sa.prog_len, sb.prog_len, "%s: the printed policy compiles to %zu instructions, the original to %zu",
		     what, sb.prog_len, sa.prog_len);
	cr_assert(memcmp(sa.prog, sb.prog, sa.prog_len * 8) == 0, "%s: the printed policy's filter differs", what);
	seccomp_teardown(&sa);
	seccomp_teardown(&sb);
}

/* Print, parse the print, and compare what the run would use: the same
 * syscall filter instruction for instruction, and the same directives. */
static void assert_round_trip(struct sb_plan *a, const char *what)
{
	struct sb_plan b;
	char *pa, *pb, *da, *db;

	pa = print_plan(a);
	plan_init(&b);
	parse_into(&b, pa);
	pb = print_plan(&b);
	da = directives(pa);
	db = directives(pb);
	cr_assert_str_eq(db, da, "%s: printed twice, the directives differ", what);
	assert_same_filter(a, &b, what);
	free(pa);
	free(pb);
	free(da);
	free(db);
	plan_free(&b);
}

Test(check, every_shipped_policy_round_trips_to_the_same_filter)
{
	const char *name;

	for (size_t i = 0; (name = policy_builtin_name(i)); i++) {
		struct sb_err err = SB_ERR_INIT;
		const struct sb_loc loc = { 0 };
		struct sb_plan a;

		plan_init(&a);
		cr_assert_eq(policy_load(&a, name, &loc, &err), 0, "%s: %s", name, err.msg);
		assert_round_trip(&a, name);
		plan_free(&a);
	}
}

Test(check, baseline_arch_and_profile_round_trip)
{
	static const char profile[] = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
				      "[{\"names\": [\"chmod\"], \"action\": \"SCMP_ACT_ERRNO\"}]}";
	char path[] = "/tmp/sb-check-profile.XXXXXX", text[256];
	struct sb_plan a;
	FILE *f;
	int fd = mkstemp(path);
	char *out;

	cr_assert(fd >= 0 && (f = fdopen(fd, "w")));
	fputs(profile, f);
	fclose(f);
	/* The baseline plus an arch and a rule of the plan's own. */
	plan_init(&a);
	parse_into(&a, "syscalls arch x86\nsyscalls deny chmod\n");
	assert_round_trip(&a, "baseline + arch");
	plan_free(&a);
	/* A profile's default is the profile's: no "syscalls default" line
	 * may be printed over it. */
	plan_init(&a);
	snprintf(text, sizeof(text), "seccomp-profile %s\nsyscalls deny mkdir\n", path);
	parse_into(&a, text);
	out = print_plan(&a);
	cr_assert(strstr(out, "\nsyscalls default") == NULL, "%s", out);
	free(out);
	assert_round_trip(&a, "profile");
	plan_free(&a);
	unlink(path);
}

/* A value the policy syntax cannot carry fails rather than printing a
 * policy that means something else. */
Test(check, values_that_cannot_be_written_fail)
{
	static const struct {
		const char *opt, *val, *why;
	} bad[] = {
		{ "env", "X=a #b", "a '#' after a blank" },
		{ "env", "X=a ", "a blank at its start or end" },
		{ "bind", "/srv/${HOME}", "'${'" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sb_err err = SB_ERR_INIT;
		const struct sb_loc loc = { 0 };
		struct sb_plan p;
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		plan_init(&p);
		cr_assert_eq(options_apply(&p, options_find(bad[i].opt), bad[i].val, &loc, &err), 0, "%s", err.msg);
		cr_assert_eq(check_print(f, &p, &err), -EINVAL, "%s %s printed", bad[i].opt, bad[i].val);
		cr_assert(strstr(err.msg, "cannot be written as a policy line") && strstr(err.msg, bad[i].why), "%s",
			  err.msg);
		fclose(f);
		free(buf);
		plan_free(&p);
	}
}

Test(check, allow_of_a_hardened_syscall_is_flagged)
{
	struct sb_plan p;
	char *out;

	plan_init(&p);
	parse_into(&p, "syscalls allow ptrace\nsyscalls allow @debug\nsyscalls allow ioctl\n");
	out = print_plan(&p);
	cr_assert(strstr(out, "\n# note: 'syscalls allow ptrace' (t.policy:1:10) has no effect: the always-on "
			      "hardening refuses ptrace (") && strstr(out, "'syscalls unsafe-allow ptrace' lifts it\n"),
		  "%s", out);
	/* ioctl stays allowed but for TIOCSTI/TIOCLINUX: no note. */
	cr_assert(strstr(out, "'syscalls allow ioctl'") == NULL, "%s", out);
	free(out);
	plan_free(&p);
	plan_init(&p);
	parse_into(&p, "syscalls allow ptrace\nsyscalls unsafe-allow ptrace\n");
	out = print_plan(&p);
	cr_assert(strstr(out, "# note:") == NULL, "%s", out);
	free(out);
	plan_free(&p);
}

Test(check, sizes_and_times_in_exact_units)
{
	char b[64];

	check_size_str(256ULL << 20, b, sizeof(b));
	cr_assert_str_eq(b, "256M");
	check_size_str(1000, b, sizeof(b));
	cr_assert_str_eq(b, "1000");
	check_size_str(3ULL << 40, b, sizeof(b));
	cr_assert_str_eq(b, "3T");
	check_time_str(2000000, b, sizeof(b));
	cr_assert_str_eq(b, "2s");
	check_time_str(90000000, b, sizeof(b));
	cr_assert_str_eq(b, "90s");
	check_time_str(7200000000ULL, b, sizeof(b));
	cr_assert_str_eq(b, "2h");
	check_time_str(1500, b, sizeof(b));
	cr_assert_str_eq(b, "1500us");
	check_time_str(0, b, sizeof(b));
	cr_assert_str_eq(b, "0s");
}

/* Every option of the table, set to a value other than its default, is
 * printed by check and reads back the same. An option added without a
 * sample here fails: check must learn to print it first. */
Test(check, every_option_is_printed_and_reads_back)
{
	static const struct {
		const char *name, *arg, *line;
	} samples[] = {
		{ "ro-bind", "/usr", NULL }, { "ro-bind-try", "/opt:/o", NULL }, { "bind", "/srv:/data", NULL },
		{ "bind-try", "/x", NULL }, { "system-ro-bind", "/lib", NULL }, { "system-ro-bind-try", "/lib64", NULL },
		{ "overlay", "/a:/b", NULL }, { "tmpfs", "/t:size=1M", NULL }, { "dir", "/box", NULL },
		{ "symlink", "usr/lib:/lib", NULL }, { "proc", NULL, "proc /proc" }, { "dev", "/d:shm-size=16M", NULL },
		{ "rootfs", "/r", NULL }, { "chdir", "/c", NULL }, { "hostname", "h", NULL },
		{ "landlock", "off", NULL }, { "uid", "5", NULL }, { "gid", "6", NULL }, { "map-to", "1000", NULL },
		{ "net", "host", NULL }, { "allow-net", "10.0.0.0/8:80", NULL }, { "publish", "8080:80", NULL },
		{ "socket-families", "unix,inet6", NULL }, { "ebpf", "off", NULL }, { "bpf-token", "/sys/fs/bpf", NULL },
		{ "interactive", NULL, "interactive" }, { "keep-fd", "3", NULL }, { "env", "A=b", NULL },
		{ "keep-env", "TERM", NULL }, { "time-offset", "boottime=24h", "time-offset boottime=86400000000us" },
		{ "memory", "1G", NULL }, { "pids", "7", NULL }, { "processes", "8", "pids 8" },
		{ "cpu-time", "2s", NULL }, { "wall-time", "3s", NULL }, { "cpus", "0.5", "cpus 0.500" },
		{ "cpuset", "0-1", NULL }, { "output-limit", "1M", NULL }, { "open-files", "9", NULL },
		{ "stack", "unlimited", NULL }, { "limits", "best-effort", NULL }, { "cgroup-parent", "/cg", NULL },
		{ "stdin", "/in", NULL }, { "stdout", "/out", NULL }, { "stderr", "/err", NULL },
		{ "stderr-to-stdout", NULL, "stderr-to-stdout" }, { "report", "-", NULL }, { "meta", "/m", NULL },
		{ "syscalls", "deny chmod", NULL }, { "syscalls-log", NULL, "syscalls-log" },
		{ "seccomp-profile", "/p.json", NULL }, { "unset-env", "PATH", NULL }, { "extra-time", "500ms", NULL },
		{ "address-space", "1G", NULL }, { "cgroup", "required", NULL }, { "stdio-inside", NULL, "stdio-inside" },
	};
	size_t n;
	const struct sb_option *t = options_table(&n);

	for (size_t i = 0; i < n; i++) {
		const struct sb_loc loc = { 0 };
		struct sb_err err = SB_ERR_INIT;
		char want[256];
		struct sb_plan a, b;
		size_t k = 0;
		char *pa, *pb, *da, *db;

		if (strcmp(t[i].name, "policy") == 0)
			continue; /* includes are resolved, never printed */
		while (k < sizeof(samples) / sizeof(samples[0]) && strcmp(samples[k].name, t[i].name) != 0)
			k++;
		cr_assert(k < sizeof(samples) / sizeof(samples[0]),
			  "option '%s' has no sample here: make check print it, then add one", t[i].name);
		plan_init(&a);
		cr_assert_eq(options_apply(&a, &t[i], samples[k].arg, &loc, &err), 0, "%s: %s", t[i].name, err.msg);
		pa = print_plan(&a);
		snprintf(want, sizeof(want), "\n%s\n", samples[k].line ? samples[k].line : "");
		if (!samples[k].line)
			snprintf(want, sizeof(want), "\n%s %s\n", t[i].name, samples[k].arg);
		cr_assert(strstr(pa, want), "check does not print '%s %s' as %s", t[i].name,
			  samples[k].arg ? samples[k].arg : "", want);
		plan_init(&b);
		parse_into(&b, pa);
		pb = print_plan(&b);
		da = directives(pa);
		db = directives(pb);
		cr_assert_str_eq(db, da, "%s: the printed policy reads back differently", t[i].name);
		free(pa);
		free(pb);
		free(da);
		free(db);
		plan_free(&a);
		plan_free(&b);
	}
}
