/*
 * policy.c: policy files -> struct sb_plan. Runs in the launcher, as the
 * caller, before anything is created; reads files and nothing else.
 *
 * A policy is a saved command line: each line is "DIRECTIVE [ARGUMENT]"
 * where DIRECTIVE is a `sandbox run` long option without "--" (options.c)
 * and ARGUMENT is the rest of the line, trimmed. '#' starts a comment at
 * the start of a line or after white space. "include NAME" is "policy
 * NAME". ${VAR} expands in path arguments only (policy_expand.c). The
 * grammar is written out in policies/README.md.
 *
 * Errors are located like a compiler's: "FILE:LINE:COL: error: WHAT",
 * then the line and a caret under the column. The run stops at the first
 * error, before anything is created, so nothing is half-applied.
 */
#include "policy.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "options.h"
#include "policy_expand.h"
#include "policy_lookup.h"
#include "util.h"

/* Includes deeper than this are refused even without a cycle: no real
 * policy needs it, and it bounds the stack below. */
#define MAX_DEPTH 32

/* An error inside an included file is already located: outer levels only
 * add a note. */
#define COL_LOCATED SB_COL_LOCATED

/* The files being read, outermost first. key identifies a file (its
 * resolved path) for cycle detection; dir feeds ${POLICY_DIR}. The launcher
 * is single-threaded (STYLE.md 5), so one stack serves the process. */
struct frame {
	const char *file; /* display name, interned in the plan */
	char *key;
	char *dir; /* absolute directory of the file, NULL for built-ins */
};

static struct frame stack[MAX_DEPTH];
static size_t depth;
static policy_open_fn open_hook;

void policy_set_open_hook(policy_open_fn fn)
{
	open_hook = fn;
}

/* ---- error location ---- */

/* Append the gcc-style quote of line with a caret under byte col0. Control
 * bytes show as '?' so a broken file cannot drive the terminal; tabs are
 * copied into the caret line so the caret stays aligned. */
static void quote(char *dst, size_t len, unsigned lineno, const char *line, size_t col0)
{
	char shown[200], caret[200], num[16];
	size_t n = strcspn(line, "\r\n"), start = 0, k = 0, j = 0;

	if (col0 > n)
		col0 = n;
	if (col0 > 120)
		start = col0 - 60; /* keep a long line's caret on screen */
	for (size_t i = start; i < n && k < 160; i++) {
		unsigned char c = (unsigned char)line[i];

		shown[k++] = c == '\t' ? '\t' : (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	shown[k] = '\0';
	for (size_t i = start; i < col0 && j < 170; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c & 0xc0) == 0x80)
			continue; /* UTF-8 continuation byte: same screen column */
		caret[j++] = c == '\t' ? '\t' : ' ';
	}
	caret[j++] = '^';
	caret[j] = '\0';
	/* The caret line's gutter is as wide as the line number's. */
	snprintf(num, sizeof(num), "%5u", lineno);
	snprintf(dst, len, "\n %s | %s%s\n %*s | %s%s", num, start ? "..." : "", shown, (int)strlen(num), "",
		 start ? "   " : "", caret);
}

/* Rewrite err->msg as "FILE:LINE:COL: error: PREFIX MSG" + quote (hint
 * lines of MSG go after the quote). Returns -errno. */
static int locate(struct sb_err *err, const struct frame *fr, unsigned lineno, const char *line,
		  size_t col0, const char *prefix)
{
	char old[SB_ERR_MSG], q[512];
	char *rest;

	memcpy(old, err->msg, sizeof(old));
	rest = strchr(old, '\n');
	if (rest)
		*rest++ = '\0';
	quote(q, sizeof(q), lineno, line, col0);
	snprintf(err->msg, sizeof(err->msg), "%s:%u:%zu: error: %s%s%s%s%s", fr->file, lineno, col0 + 1,
		 prefix, old, q, rest ? "\n" : "", rest ? rest : "");
	err->col = COL_LOCATED;
	if (err->errnum == 0)
		err->errnum = EINVAL;
	return -err->errnum;
}

/* An error from an included file: say where it was included from. */
static int note_included(struct sb_err *err, const struct frame *fr, unsigned lineno, size_t col0)
{
	size_t n = strlen(err->msg);

	snprintf(err->msg + n, sizeof(err->msg) - n, "\n%s:%u:%zu: note: included from here", fr->file,
		 lineno, col0 + 1);
	return -err->errnum;
}

/* ---- one line ---- */

/* Where the content ends: at a comment ('#' at the start or after white
 * space) or the end of line, trailing white space dropped. */
static size_t content_end(const char *line)
{
	size_t e = 0;

	for (size_t i = 0; line[i]; i++) {
		if (line[i] == '#' && (i == 0 || isspace((unsigned char)line[i - 1])))
			break;
		e = i + 1;
	}
	while (e > 0 && isspace((unsigned char)line[e - 1]))
		e--;
	return e;
}

struct line {
	const struct frame *fr;
	unsigned lineno;
	const char *text;
	size_t w0, w1, a0, a1; /* directive word [w0,w1), argument [a0,a1) */
};

static bool split_line(struct line *l)
{
	const char *s = l->text;
	size_t end = content_end(s), i = 0;

	while (i < end && isspace((unsigned char)s[i]))
		i++;
	if (i == end)
		return false;
	l->w0 = i;
	while (i < end && !isspace((unsigned char)s[i]))
		i++;
	l->w1 = i;
	while (i < end && isspace((unsigned char)s[i]))
		i++;
	l->a0 = i;
	l->a1 = end;
	return true;
}

static int unknown_directive(struct sb_err *err, const struct line *l, const char *word)
{
	const char *near = options_nearest(word);
	size_t eq = strcspn(word, "=");
	char name[64];

	/* "include" is a policy-only spelling, not in the option table. */
	if (edit_distance(word, "include") <= 2)
		near = "include";
	/* Lines pasted from a command line: "--memory 1G", "memory=1G". */
	snprintf(name, sizeof(name), "%.*s", (int)(eq < sizeof(name) - 1 ? eq : sizeof(name) - 1), word);
	if (strncmp(word, "--", 2) == 0 && options_find(name + 2))
		sb_failx(err, EINVAL, "unknown directive '%.64s' (expected '%s': directives are written without '--')",
			 word, name + 2);
	else if (word[eq] == '=' && options_find(name))
		sb_failx(err, EINVAL, "unknown directive '%.64s' (expected '%s ARGUMENT': a blank, not '=', "
				      "separates the argument)", word, name);
	else if (near)
		sb_failx(err, EINVAL, "unknown directive '%.64s' (did you mean '%s'?)", word, near);
	else
		sb_failx(err, EINVAL, "unknown directive '%.64s' (expected a 'sandbox run' option without '--', "
				      "see 'sandbox run --help')", word);
	return locate(err, l->fr, l->lineno, l->text, l->w0, "");
}

/* Apply the directive with its (expanded) argument; map turns an error
 * column in the expanded text back into the source line. */
static int apply(struct sb_plan *p, const struct line *l, const struct sb_option *o, const char *word,
		 const char *arg, const size_t *map, struct sb_err *err)
{
	struct sb_loc loc = { .file = l->fr->file, .line = l->lineno,
			      .col = (unsigned)(l->a1 > l->a0 ? l->a0 : l->w0) + 1 };
	char prefix[80];
	size_t col0, alen = strlen(arg);
	int r;

	err->col = -1;
	r = options_apply(p, o, *arg ? arg : NULL, &loc, err);
	if (r >= 0)
		return r;
	if (err->col == COL_LOCATED)
		return note_included(err, l->fr, l->lineno, l->a0);
	col0 = l->a0;
	if (err->col >= 0)
		col0 = l->a0 + (map ? map[(size_t)err->col < alen ? (size_t)err->col : alen]
				    : ((size_t)err->col < alen ? (size_t)err->col : alen));
	snprintf(prefix, sizeof(prefix), "%s: ", word);
	return locate(err, l->fr, l->lineno, l->text, col0, prefix);
}

static int parse_line(struct sb_plan *p, struct line *l, struct sb_err *err)
{
	_cleanup_free_ char *word = NULL, *arg = NULL, *exp = NULL;
	_cleanup_free_ size_t *map = NULL;
	const struct sb_option *o;

	if (!split_line(l))
		return 0;
	word = strndup(l->text + l->w0, l->w1 - l->w0);
	arg = strndup(l->text + l->a0, l->a1 - l->a0);
	if (!word || !arg)
		return sb_fail(err, ENOMEM, "policy line");
	o = options_find(strcmp(word, "include") == 0 ? "policy" : word);
	if (!o)
		return unknown_directive(err, l, word);
	if (o->arg == SB_ARG_NONE && *arg) {
		sb_failx(err, EINVAL, "'%s' takes no argument (expected nothing after it)", word);
		return locate(err, l->fr, l->lineno, l->text, l->a0, "");
	}
	if (o->arg == SB_ARG_ONE && !*arg) {
		sb_failx(err, EINVAL, "'%s' needs an argument (expected %s)", word, o->metavar);
		return locate(err, l->fr, l->lineno, l->text, l->w1, "");
	}
	if (o->path && *arg) {
		err->col = -1;
		if (policy_expand(arg, l->fr->dir, &exp, &map, err) < 0)
			return locate(err, l->fr, l->lineno, l->text,
				      l->a0 + (err->col >= 0 ? (size_t)err->col : 0), "");
	}
	return apply(p, l, o, word, exp ? exp : arg, map, err);
}

/* ---- files ---- */

/* Read one line (without its '\n') into buf, at most SB_POLICY_LINE_MAX
 * bytes; *len is its length, NUL bytes included. Returns 1 for a line, 0
 * at the end, -E2BIG for a longer line (its first bytes are in buf). */
static int read_line(FILE *f, char *buf, size_t *len, uint64_t *total)
{
	size_t n = 0;
	int c;

	while ((c = getc_unlocked(f)) != EOF && c != '\n') {
		if (n == SB_POLICY_LINE_MAX) {
			buf[n] = '\0';
			*len = n;
			return -E2BIG;
		}
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	*len = n;
	*total += n + (c == '\n');
	return c == EOF && n == 0 ? 0 : 1;
}

/* Bytes read by the policy being loaded, includes and all: a policy is
 * text a person writes, so a huge one (check /dev/zero) is a mistake to
 * stop, not to read for ever. */
static uint64_t read_total;

static int parse(struct sb_plan *p, FILE *f, const struct frame *fr, struct sb_err *err)
{
	_cleanup_free_ char *buf = malloc(SB_POLICY_LINE_MAX + 1);
	struct line l = { .fr = fr };
	size_t len;
	int r = 0, got;

	if (!buf)
		return sb_fail(err, ENOMEM, "policy line");
	while (r == 0 && (got = read_line(f, buf, &len, &read_total)) != 0) {
		l.lineno++;
		l.text = buf;
		/* A NUL would cut the line where C strings end: refuse it. */
		if (strlen(buf) != len) {
			sb_failx(err, EINVAL, "a NUL byte (expected text)");
			return locate(err, fr, l.lineno, buf, strlen(buf), "");
		}
		if (got == -E2BIG) {
			sb_failx(err, E2BIG, "line longer than %d bytes (a policy holds one short directive a line)",
				 SB_POLICY_LINE_MAX);
			return locate(err, fr, l.lineno, buf, SB_POLICY_LINE_MAX, "");
		}
		if (read_total > SB_POLICY_SIZE_MAX) {
			sb_failx(err, EFBIG, "the policy and its includes exceed %d MiB (a policy is short text; is '%s' "
					     "a policy file?)", SB_POLICY_SIZE_MAX >> 20, fr->file);
			return locate(err, fr, l.lineno, buf, 0, "");
		}
		r = parse_line(p, &l, err);
	}
	/* A read error must not pass for the end of a shorter policy. */
	if (r == 0 && ferror(f))
		return sb_fail(err, errno ? errno : EIO, "%s: read after line %u", fr->file, l.lineno);
	return r;
}

/* Absolute directory of path (NULL when it has none: "<builtin>/x"). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char cwd[4096], *d;

	if (!slash || path[0] == '<')
		return NULL;
	if (path[0] == '/')
		return slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	if (asprintf(&d, "%s/%.*s", cwd, (int)(slash - path), path) < 0)
		return NULL;
	return d;
}

/* Push a frame, parse, pop: the one place the stack changes. */
static int parse_framed(struct sb_plan *p, FILE *f, const char *display, char *key, struct sb_err *err)
{
	struct frame *fr;
	int r;

	if (depth >= MAX_DEPTH) {
		free(key);
		return sb_failx(err, ELOOP, "includes nest deeper than %d", MAX_DEPTH);
	}
	if (depth == 0)
		read_total = 0;
	fr = &stack[depth];
	fr->file = plan_intern(p, display);
	fr->key = key;
	fr->dir = dir_of(key ? key : display);
	if (!fr->file || !fr->key) {
		free(fr->key);
		free(fr->dir);
		return sb_fail(err, ENOMEM, "policy");
	}
	depth++;
	r = parse(p, f, fr, err);
	depth--;
	free(fr->key);
	free(fr->dir);
	*fr = (struct frame){ 0 };
	return r;
}

int policy_parse_stream(struct sb_plan *p, FILE *f, const char *filename, struct sb_err *err)
{
	char *key = strdup(filename);

	return parse_framed(p, f, filename, key, err);
}

/* "include cycle: a -> b -> a" from the frame that first read key. */
static int cycle(const char *key, const char *path, struct sb_err *err)
{
	char chain[SB_ERR_MSG / 2] = "";
	size_t i = 0, off = 0;

	while (i < depth && strcmp(stack[i].key, key) != 0)
		i++;
	if (i == depth)
		return 0;
	for (; i < depth && off < sizeof(chain); i++) {
		int w = snprintf(chain + off, sizeof(chain) - off, "%s -> ", stack[i].file);

		if (w < 0)
			break;
		off += (size_t)w;
	}
	return sb_failx(err, ELOOP, "include cycle: %s%s (a policy cannot include itself)", chain, path);
}

/* Open a policy given by path: relative paths in an include are relative
 * to the including file, as C's #include "x" is. */
static FILE *open_path(const char *name, const struct sb_loc *from, char *path, size_t len)
{
	if (name[0] != '/' && from && from->file && depth > 0 && stack[depth - 1].dir)
		snprintf(path, len, "%s/%s", stack[depth - 1].dir, strncmp(name, "./", 2) == 0 ? name + 2 : name);
	else
		snprintf(path, len, "%s", name);
	return fopen(path, "re");
}

static FILE *open_named(const char *name, char *path, size_t len, struct sb_err *err)
{
	_cleanup_free_ char *found = NULL;
	const char *origin, *text;
	char where[2048];
	int r;

	r = policy_find(name, &found, &origin, err);
	if (r == 0) {
		snprintf(path, len, "%s", found);
		return fopen(path, "re");
	}
	if (r != -ENOENT)
		return NULL;
	text = policy_builtin(name);
	if (text) {
		snprintf(path, len, "<builtin>/%s.policy", name);
		return fmemopen((void *)text, strlen(text), "r");
	}
	policy_search_path_str(where, sizeof(where));
	sb_failx(err, ENOENT, "policy '%.200s' not found (looked for %.200s.policy in %s, then the built-in ones; "
			      "'sandbox policies' lists them)", name, name, where);
	if (strlen(name) > 7 && strcmp(name + strlen(name) - 7, ".policy") == 0)
		sb_hint(err, "a name is given without '.policy'; to name a file, write a path: ./%.200s", name);
	errno = ENOENT;
	return NULL;
}

/* fopen() opens a directory for reading; reading it then fails. Pipes and
 * /dev/stdin are fine (`... | sandbox check /dev/stdin`). */
static bool is_dir(FILE *f)
{
	struct stat st;
	int fd = fileno(f);

	return fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

int policy_load(struct sb_plan *p, const char *name, const struct sb_loc *from, struct sb_err *err)
{
	char path[4096] = "";
	char *key;
	FILE *f;
	int r;

	if (!*name)
		return sb_failx(err, EINVAL, "expected a policy name or path");
	err->msg[0] = '\0';
	if (open_hook)
		f = open_hook(name, path, sizeof(path));
	else if (strchr(name, '/'))
		f = open_path(name, from, path, sizeof(path));
	else
		f = open_named(name, path, sizeof(path), err);
	if (!f)
		return err->msg[0] ? -err->errnum : sb_fail(err, errno, "policy '%.200s'", path[0] ? path : name);
	if (is_dir(f)) {
		fclose(f);
		return sb_failx(err, EISDIR, "policy '%.200s' is a directory (expected a policy file)", path);
	}
	key = path[0] == '<' || open_hook ? strdup(path) : realpath(path, NULL);
	if (!key)
		key = strdup(path);
	r = key ? cycle(key, path, err) : sb_fail(err, ENOMEM, "policy");
	if (r == 0 && plan_strv_add(&p->policies, &p->n_policies, name) < 0)
		r = sb_fail(err, ENOMEM, "policy");
	if (r < 0) {
		free(key);
		fclose(f);
		return r;
	}
	r = parse_framed(p, f, path, key, err);
	fclose(f);
	return r;
}
