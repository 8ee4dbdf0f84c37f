/*
 * test_docs.c: every option in the table (options.c) is documented in the
 * man page (doc/sandbox.1) and as a directive in policies/README.md, so the
 * one vocabulary stays written down as it grows.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

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
