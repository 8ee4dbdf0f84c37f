/*
 * test_check.c: `sandbox check` output (check.c) is a policy that parses
 * back to the same plan: print, parse the print, print again, compare.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "plan.h"
#include "policy.h"

static char *print_plan(const struct sb_plan *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert(f);
	check_print(f, p);
	fclose(f);
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
		"tmpfs /tmp:size=64M,mode=1777\ntmpfs /run:mode=755\ntmpfs /big:size=1536K\ndir /box\n"
		"symlink usr/lib:/lib\nproc\ndev /dev\nrootfs /srv/root\nchdir /box\nhostname judge\n"
		"uid 1000\ngid 1001\nmap-to 100000\nnet host\ninteractive\nkeep-fd 3\nenv LANG=C.UTF-8\n"
		"keep-env TERM\nmemory 1.5G\npids 32\ncpu-time 1500ms\nwall-time 2m\ncpus 0.5\ncpuset 0-1\n"
		"output-limit 1000\nopen-files 64\nstack unlimited\nlimits best-effort\ncgroup-parent /cg\n"
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
	cr_assert(strstr(out, "\nsyscalls default kill\n"), "%s", out);
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
