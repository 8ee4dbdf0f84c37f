/*
 * policy.c: policy files -> struct sb_plan. Runs in the launcher before
 * anything is created; reads files and nothing else.
 *
 * A policy is a saved command line: each line is "DIRECTIVE [ARGUMENT]"
 * where DIRECTIVE is a `sandbox run` long option without "--" (options.c)
 * and ARGUMENT is the rest of the line. "include NAME" is "policy NAME".
 */
#include "policy.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "util.h"

#ifndef SB_POLICY_DIR
#define SB_POLICY_DIR "/usr/local/share/sandbox/policies"
#endif

#define MAX_DEPTH 16

static int load_depth;

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* One line: "directive [arg]". col offsets are 1-based for messages. */
static int parse_line(struct sb_plan *p, char *line, const char *file, unsigned lineno, struct sb_err *err)
{
	char *hash, *s, *word, *arg;
	const struct sb_option *o;
	struct sb_loc loc = { .file = file, .line = lineno };
	int r;

	hash = strchr(line, '#');
	if (hash && (hash == line || isspace((unsigned char)hash[-1])))
		*hash = '\0';
	s = trim(line);
	if (!*s)
		return 0;
	word = s;
	while (*s && !isspace((unsigned char)*s))
		s++;
	if (*s)
		*s++ = '\0';
	arg = trim(s);
	loc.col = (unsigned)(*arg ? arg - line : word - line) + 1;
	o = options_find(strcmp(word, "include") == 0 ? "policy" : word);
	if (!o) {
		const char *near = options_nearest(word);

		loc.col = (unsigned)(word - line) + 1;
		err->col = -1;
		r = near ? sb_failx(err, EINVAL, "%s:%u:%u: error: unknown directive '%s' (did you mean '%s'?)",
				    file, lineno, loc.col, word, near)
			 : sb_failx(err, EINVAL, "%s:%u:%u: error: unknown directive '%s'", file, lineno, loc.col, word);
		return r;
	}
	err->col = -1;
	r = options_apply(p, o, *arg ? arg : NULL, &loc, err);
	if (r < 0) {
		unsigned col = loc.col + (err->col > 0 ? (unsigned)err->col : 0);

		if (strncmp(err->msg, file, strlen(file)) == 0)
			return r; /* already located (an include below us) */
		return sb_wrap(err, "%s:%u:%u: error: %s", file, lineno, col, word);
	}
	return 0;
}

int policy_parse_stream(struct sb_plan *p, FILE *f, const char *filename, struct sb_err *err)
{
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	const char *file = plan_intern(p, filename);

	if (!file)
		return sb_fail(err, ENOMEM, "policy");
	while (getline(&line, &cap, f) >= 0) {
		int r;

		lineno++;
		r = parse_line(p, line, file, lineno, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static FILE *open_in(const char *dir, const char *name, char *path, size_t len)
{
	snprintf(path, len, "%s/%s.policy", dir, name);
	return fopen(path, "re");
}

/* Lookup order: $SANDBOX_POLICY_PATH, ~/.config/sandbox/policies,
 * /etc/sandbox/policies, the installed dir, the build tree's policies/. */
static FILE *lookup(const char *name, char *path, size_t len)
{
	const char *env = getenv("SANDBOX_POLICY_PATH");
	const char *home = getenv("HOME");
	char dir[4096];
	FILE *f;

	if (env) {
		_cleanup_free_ char *copy = strdup(env);
		char *save = NULL;

		for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save))
			if ((f = open_in(d, name, path, len)))
				return f;
	}
	if (home) {
		snprintf(dir, sizeof(dir), "%s/.config/sandbox/policies", home);
		if ((f = open_in(dir, name, path, len)))
			return f;
	}
	if ((f = open_in("/etc/sandbox/policies", name, path, len)))
		return f;
	if ((f = open_in(SB_POLICY_DIR, name, path, len)))
		return f;
	return NULL;
}

int policy_load(struct sb_plan *p, const char *name, const struct sb_loc *from, struct sb_err *err)
{
	char path[4096];
	FILE *f;
	int r;

	(void)from;
	if (load_depth >= MAX_DEPTH)
		return sb_failx(err, ELOOP, "policy '%s': includes nest deeper than %d (a cycle?)", name, MAX_DEPTH);
	if (strchr(name, '/')) {
		snprintf(path, sizeof(path), "%s", name);
		f = fopen(path, "re");
		if (!f)
			return sb_fail(err, errno, "policy '%s'", name);
	} else {
		f = lookup(name, path, sizeof(path));
		if (!f) {
			const char *text = policy_builtin(name);

			if (!text)
				return sb_failx(err, ENOENT, "policy '%s' not found (looked in $SANDBOX_POLICY_PATH, ~/.config/sandbox/policies, /etc/sandbox/policies, %s)", name, SB_POLICY_DIR);
			f = fmemopen((void *)text, strlen(text), "r");
			snprintf(path, sizeof(path), "<builtin>/%s.policy", name);
			if (!f)
				return sb_fail(err, errno, "policy '%s'", name);
		}
	}
	if (plan_strv_add(&p->policies, &p->n_policies, name) < 0) {
		fclose(f);
		return sb_fail(err, ENOMEM, "policy");
	}
	load_depth++;
	r = policy_parse_stream(p, f, path, err);
	load_depth--;
	fclose(f);
	return r;
}
