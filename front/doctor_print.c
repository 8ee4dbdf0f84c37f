/*
 * doctor_print.c: `sandbox doctor`'s output: one line per capability
 * (state, what was found, the fix indented below), then one per shipped
 * policy; or, with --json, the same as one object (docs/doctor.md, schema
 * version 1). Printing only: doctor.c decides everything.
 */
#include "doctor.h"

#include <string.h>

#include "util.h"

static const char *const states[DOCTOR_STATE_MAX] = {
	[DOCTOR_OK] = "ok", [DOCTOR_DEGRADED] = "degraded", [DOCTOR_MISSING] = "missing",
};

static const char *const verdicts[DV_MAX] = {
	[DV_OK] = "ok", [DV_BEST_EFFORT] = "best-effort", [DV_NEEDS_FIX] = "needs-fix", [DV_CANNOT_RUN] = "cannot-run",
};

const char *doctor_state_word(enum doctor_state s)
{
	return (unsigned)s < DOCTOR_STATE_MAX ? states[s] : "?";
}

const char *doctor_verdict_word(enum doctor_verdict v)
{
	return (unsigned)v < DV_MAX ? verdicts[v] : "?";
}

/* Text wrapped at about 78 columns, each line after the first indented. */
static void wrapped(FILE *f, const char *text, size_t col, size_t indent)
{
	const char *p = text;

	while (*p) {
		size_t room = col < 78 ? 78 - col : 20, len = strlen(p), cut = len;

		if (len > room) {
			/* Break at the last blank that fits; a longer word (a
			 * path) runs past the margin rather than being cut. */
			cut = room;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = strcspn(p, " ");
		}
		fprintf(f, "%.*s\n", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
		if (*p)
			fprintf(f, "%*s", (int)indent, "");
		col = indent;
	}
}

void doctor_print_text(FILE *f, const struct doctor_report *r)
{
	fprintf(f, "sandbox doctor: what this host offers (uid %u, kernel %s)\n\n", r->uid, r->kernel);
	for (int i = 0; i < DC_MAX; i++) {
		const struct doctor_line *l = &r->line[i];

		if (!l->id || !l->detail[0])
			continue;
		fprintf(f, "%-9s %-17s ", doctor_state_word(l->state), l->title);
		wrapped(f, l->detail, 28, 28);
		if (l->fix[0]) {
			fprintf(f, "%28sfix: ", "");
			wrapped(f, l->fix, 33, 33);
		}
	}
	fputs("\nshipped policies here:\n", f);
	for (size_t i = 0; i < r->n_policies; i++) {
		const struct doctor_policy *p = &r->policies[i];

		fprintf(f, "%-11s %-17s ", doctor_verdict_word(p->verdict), p->name);
		wrapped(f, p->detail, 30, 30);
	}
	fprintf(f, "\n%s\n", r->default_runs ? "the default policy can run here (exit 0)"
					     : "the default policy cannot run here: see the fixes above (exit 1)");
}

static void json_long(FILE *f, const char *key, long v)
{
	if (v < 0)
		fprintf(f, ", \"%s\": null", key);
	else
		fprintf(f, ", \"%s\": %ld", key, v);
}

/* Words of a blank-separated list as a JSON array. */
static void json_words(FILE *f, const char *key, const char *text)
{
	const char *p = text;
	bool first = true;

	fprintf(f, ", \"%s\": [", key);
	while (*p) {
		size_t len = strcspn(p, " ");

		if (len)
			fprintf(f, "%s\"%.*s\"", first ? "" : ", ", (int)len, p), first = false;
		p += len;
		p += strspn(p, " ");
	}
	fputc(']', f);
}

/* The values behind a check, typed, for provisioning scripts. */
static void json_facts(FILE *f, const struct doctor_facts *x, enum doctor_check c)
{
	switch (c) {
	case DC_USERNS:
		fprintf(f, ", \"usable\": %s", x->userns ? "true" : "false");
		json_long(f, "max_user_namespaces", x->max_userns);
		json_long(f, "unprivileged_userns_clone", x->unpriv_clone);
		json_long(f, "apparmor_restrict_unprivileged_userns", x->apparmor_restrict);
		break;
	case DC_CGROUP:
		if (x->cg.version)
			fprintf(f, ", \"version\": %c, \"usable\": %s, \"origin\": \"%s\", \"parent\": ", x->cg.version,
				x->cg.usable ? "true" : "false", x->cg.origin ? x->cg.origin : "");
		else
			fputs(", \"version\": null, \"usable\": false, \"origin\": null, \"parent\": ", f);
		json_write_str(f, x->cg.parent);
		json_words(f, "controllers", x->cg.controllers);
		break;
	case DC_SECCOMP:
		fprintf(f, ", \"filter\": %s, \"user_notif\": %s, \"action_cache\": %s", x->seccomp ? "true" : "false",
			x->user_notif ? "true" : "false", x->action_cache ? "true" : "false");
		json_words(f, "actions", x->seccomp_actions);
		break;
	case DC_LANDLOCK:
		json_long(f, "abi", x->landlock_abi);
		break;
	case DC_EBPF:
		fprintf(f, ", \"permitted\": %s, \"via\": ", x->ebpf ? "true" : "false");
		if (x->ebpf_via)
			json_write_str(f, x->ebpf_via);
		else
			fputs("null", f);
		break;
	case DC_TIMENS:
	case DC_TUN:
	case DC_SUBIDS:
	case DC_NET_HELPER:
		fprintf(f, ", \"usable\": %s",
			(c == DC_TIMENS ? x->timens : c == DC_TUN ? x->tun : c == DC_SUBIDS ? x->subids : x->net_helper)
				? "true"
				: "false");
		break;
	case DC_MAX:
		break;
	}
}

void doctor_print_json(FILE *f, const struct doctor_report *r)
{
	bool first = true;

	fprintf(f, "{\n  \"version\": 1,\n  \"uid\": %u,\n  \"kernel\": ", r->uid);
	json_write_str(f, r->kernel);
	fputs(",\n  \"checks\": {", f);
	for (int i = 0; i < DC_MAX; i++) {
		const struct doctor_line *l = &r->line[i];

		if (!l->id || !l->detail[0])
			continue;
		fprintf(f, "%s\n    \"%s\": {\"state\": \"%s\", \"detail\": ", first ? "" : ",", l->id,
			doctor_state_word(l->state));
		json_write_str(f, l->detail);
		fputs(", \"fix\": ", f);
		if (l->fix[0])
			json_write_str(f, l->fix);
		else
			fputs("null", f);
		json_facts(f, &r->f, (enum doctor_check)i);
		fputc('}', f);
		first = false;
	}
	fputs("\n  },\n  \"policies\": {", f);
	for (size_t i = 0; i < r->n_policies; i++) {
		fprintf(f, "%s\n    ", i ? "," : "");
		json_write_str(f, r->policies[i].name);
		fprintf(f, ": {\"verdict\": \"%s\", \"detail\": ", doctor_verdict_word(r->policies[i].verdict));
		json_write_str(f, r->policies[i].detail);
		fputc('}', f);
	}
	fprintf(f, "\n  },\n  \"default_runs\": %s\n}\n", r->default_runs ? "true" : "false");
}
