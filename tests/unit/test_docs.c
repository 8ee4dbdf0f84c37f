/*
 * test_docs.c: every option in the table (options.c) is documented in the
 * man page (doc/sandbox.1) and as a directive in policies/README.md, so the
 * one vocabulary stays written down as it grows; every key of the report
 * and the meta file is in docs/report.md.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdbool.h>
#include <unistd.h>

#include "options.h"
#include "plan.h"
#include "report.h"

static char *slurp(const char *rel)
{
	const char *src = getenv("SANDBOX_SRCDIR");
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", src ? src : ".", rel);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	cr_assert(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

Test(docs, every_option_in_the_man_page_and_policy_readme)
{
	char *man = slurp("doc/sandbox.1"), *readme = slurp("policies/README.md");
	const struct sb_option *t;
	size_t n;

	if (!man || !readme)
		cr_skip_test("run from the source tree or set SANDBOX_SRCDIR");
	t = options_table(&n);
	for (size_t i = 0; i < n; i++) {
		char roff[128], md[128];
		size_t k = 0;

		/* groff spells "--ro-bind" as "\-\-ro\-bind". */
		k += (size_t)snprintf(roff, sizeof(roff), "\\-\\-");
		for (const char *c = t[i].name; *c && k < sizeof(roff) - 3; c++) {
			if (*c == '-')
				roff[k++] = '\\';
			roff[k++] = *c;
		}
		roff[k] = '\0';
		cr_expect(strstr(man, roff) != NULL, "doc/sandbox.1 lacks %s", roff);
		snprintf(md, sizeof(md), "`%s", t[i].name);
		cr_expect(strstr(readme, md) != NULL, "policies/README.md lacks %s", md);
	}
	free(man);
	free(readme);
}

/* Every key the JSON report and the meta file write is in docs/report.md. */
static void keys_documented(const char *text, const char *doc, bool json)
{
	const char *at = text;

	while ((at = json ? strchr(at, '"') : at) && *at) {
		char key[64] = "`";
		size_t len;

		if (json) {
			len = strcspn(at + 1, "\"");
			if (at[1 + len] != '"' || at[2 + len] != ':') {
				at += 1 + len + 1;
				continue;
			}
			memcpy(key + 1, at + 1, len < 60 ? len : 60);
			at += len + 3;
		} else {
			len = strcspn(at, ":");
			memcpy(key + 1, at, len < 60 ? len : 60);
			at = strchr(at, '\n');
			at = at ? at + 1 : "";
		}
		strcat(key, "`");
		cr_expect(strstr(doc, key) != NULL, "docs/report.md lacks %s", key);
	}
}

Test(docs, every_report_and_meta_key_in_docs_report_md)
{
	char *doc = slurp("docs/report.md"), json[] = "/tmp/sb-docs-json.XXXXXX", meta[] = "/tmp/sb-docs-meta.XXXXXX";
	struct sb_result res = { .status = SB_ST_TO, .signal = 9, .oom_killed = true, .cgroup_version = '2' };
	struct sb_plan p;
	char *text;

	cr_assert(doc, "docs/report.md missing");
	close(mkstemp(json));
	close(mkstemp(meta));
	plan_init(&p);
	p.report_path = json;
	p.meta_path = meta;
	res.denied_syscalls = NULL;
	{
		struct sb_report_out out;
		struct sb_err err = SB_ERR_INIT;

		report_out_init(&out);
		cr_assert_eq(report_write(&p, &res, &out, &err), 0, "%s", err.msg);
		report_out_release(&out);
	}
	p.report_path = p.meta_path = NULL;
	plan_free(&p);
	setenv("SANDBOX_SRCDIR", "/", 1);
	text = slurp(json + 1);
	keys_documented(text, doc, true);
	free(text);
	text = slurp(meta + 1);
	keys_documented(text, doc, false);
	free(text);
	free(doc);
	unlink(json);
	unlink(meta);
}

/* Every word the "syscalls" directive takes as an action is in the
 * directive's entry of policies/README.md, and the parser takes it. */
Test(docs, every_syscalls_action_in_the_policy_readme)
{
	static const struct {
		const char *rule, *doc;
	} rules[] = {
		{ "allow read", "`allow`" },	    { "deny read", "`deny`" },	 { "errno ENOSYS read", "`errno N`" },
		{ "errno 38 read", "`errno N`" },   { "kill read", "`kill`" },	 { "log read", "`log`" },
		{ "trap read", "`trap`" },	    { "unsafe-allow ptrace", "`syscalls unsafe-allow NAME" },
		{ "arch x86", "`syscalls arch x86" }, { "default errno EACCES", "`syscalls default ACTION`" },
	};
	char *readme = slurp("policies/README.md"), *sec, *end;

	if (!readme)
		cr_skip_test("run from the source tree or set SANDBOX_SRCDIR");
	sec = strstr(readme, "\n### syscalls\n");
	cr_assert(sec, "policies/README.md has no syscalls section");
	end = strstr(sec + 1, "\n## ");
	if (end)
		*end = '\0';
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct sb_option *o = options_find("syscalls");
		const struct sb_loc loc = { 0 };
		struct sb_err err = SB_ERR_INIT;
		struct sb_plan p;

		plan_init(&p);
		cr_assert_eq(options_apply(&p, o, rules[i].rule, &loc, &err), 0, "%s: %s", rules[i].rule, err.msg);
		plan_free(&p);
		cr_expect(strstr(sec, rules[i].doc) != NULL, "the syscalls section of policies/README.md lacks %s",
			  rules[i].doc);
	}
	free(readme);
}

/* The README's downloaded-tool example binds the tool where the tool
 * policy sets up its directory (and starts it). */
Test(docs, readme_tool_example_binds_where_tool_policy_expects)
{
	char *readme = slurp("README.md"), *pol = slurp("policies/tool.policy");
	char want[300], *ex, *bind, *colon;
	size_t n;

	if (!readme || !pol)
		cr_skip_test("run from the source tree or set SANDBOX_SRCDIR");
	ex = strstr(readme, "sandbox run --policy tool ");
	cr_assert(ex, "README.md has no 'sandbox run --policy tool' example");
	bind = strstr(ex, "--ro-bind ");
	cr_assert(bind && bind < strchr(ex, '\n'), "the tool example binds nothing");
	colon = strchr(bind, ':');
	cr_assert(colon);
	n = strcspn(colon + 1, " \n");
	snprintf(want, sizeof(want), "\ndir %.*s\n", (int)n, colon + 1);
	cr_expect(strstr(pol, want), "README's tool example binds at %.*s, which tool.policy does not set up", (int)n,
		  colon + 1);
	snprintf(want, sizeof(want), "\nchdir %.*s\n", (int)n, colon + 1);
	cr_expect(strstr(pol, want), "tool.policy does not start in %.*s", (int)n, colon + 1);
	free(readme);
	free(pol);
}
