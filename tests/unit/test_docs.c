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
	cr_assert_eq(report_write(&p, &res), 0);
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
