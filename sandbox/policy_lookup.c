/*
 * policy_lookup.c: the policy search path. Runs in the launcher (and in
 * `sandbox policies`), as the caller, before anything is created. It reads
 * environment variables, /proc/self/exe and directory listings, nothing
 * else: finding a policy must never change the machine.
 *
 * Order (first match wins, like $PATH): $SANDBOX_POLICY_PATH, the user's
 * ~/.config/sandbox/policies, the machine's /etc/sandbox/policies, the
 * installed $(PREFIX)/share/sandbox/policies, the build tree's policies/
 * (so a fresh checkout works before `make install`), then the copies
 * compiled into the binary (policy_builtin(), handled by policy.c).
 */
#include "policy_lookup.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "util.h"

/* SB_POLICY_DIR: $(PREFIX)/share/sandbox/policies, written by make into
 * the build's config.h (rewritten only when PREFIX changes). */
#include "config.h"

static int add_dir(struct policy_dir **d, size_t *n, const char *path, const char *origin)
{
	struct policy_dir *nd = realloc(*d, (*n + 1) * sizeof(*nd));

	if (!nd)
		return -ENOMEM;
	*d = nd;
	nd[*n].path = strdup(path);
	if (!nd[*n].path)
		return -ENOMEM;
	nd[*n].origin = origin;
	(*n)++;
	return 0;
}

/* A build tree's policies/ counts only when it holds default.policy and
 * belongs to root or the caller without being writable by others: a binary
 * copied to /tmp/x/ must not pick up policies a stranger left in
 * /tmp/policies. */
static bool trusted_build_dir(const char *dir)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/default.policy", dir);
	if (access(path, R_OK) != 0 || stat(dir, &st) < 0)
		return false;
	return (st.st_uid == 0 || st.st_uid == getuid()) && !(st.st_mode & S_IWOTH);
}

/* The build tree: the binary is BUILD/sandbox and the policies sit in
 * BUILD/../policies (a checkout) or beside it in policies/ (the test dir
 * tests/run.sh makes). Only a trusted dir holding default.policy counts. */
static int add_build_tree(struct policy_dir **d, size_t *n)
{
	static const char *const rel[] = { "/../policies", "/policies" };
	char exe[4096], dir[4096];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (len <= 0)
		return 0;
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	for (size_t i = 0; i < ELEMENTSOF(rel); i++) {
		char *real;

		snprintf(dir, sizeof(dir), "%s%s", exe, rel[i]);
		if (!trusted_build_dir(dir))
			continue;
		real = realpath(dir, NULL);
		if (!real)
			continue;
		/* Skip it when it is the installed dir under another name. */
		if (strcmp(real, SB_POLICY_DIR) != 0 && add_dir(d, n, real, "build tree") < 0) {
			free(real);
			return -ENOMEM;
		}
		free(real);
		return 0;
	}
	return 0;
}

int policy_dirs(struct policy_dir **ret, size_t *n, struct sb_err *err)
{
	const char *env = getenv("SANDBOX_POLICY_PATH");
	const char *home = getenv("HOME");
	struct policy_dir *d = NULL;
	size_t nd = 0;
	int r = 0;

	if (env && *env) {
		_cleanup_free_ char *copy = strdup(env);
		char *save = NULL;

		if (!copy)
			return sb_fail(err, ENOMEM, "policy path");
		for (char *s = strtok_r(copy, ":", &save); s && r == 0; s = strtok_r(NULL, ":", &save))
			r = add_dir(&d, &nd, s, "SANDBOX_POLICY_PATH");
	}
	if (r == 0 && home && *home) {
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s/.config/sandbox/policies", home);
		r = add_dir(&d, &nd, dir, "user");
	}
	if (r == 0)
		r = add_dir(&d, &nd, "/etc/sandbox/policies", "system");
	if (r == 0)
		r = add_dir(&d, &nd, SB_POLICY_DIR, "installed");
	if (r == 0)
		r = add_build_tree(&d, &nd);
	if (r < 0) {
		policy_dirs_free(d, nd);
		return sb_fail(err, ENOMEM, "policy path");
	}
	*ret = d;
	*n = nd;
	return 0;
}

void policy_dirs_free(struct policy_dir *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(d[i].path);
	free(d);
}

int policy_find(const char *name, char **ret_path, const char **ret_origin, struct sb_err *err)
{
	struct policy_dir *d;
	size_t n;
	int r;

	r = policy_dirs(&d, &n, err);
	if (r < 0)
		return r;
	r = -ENOENT;
	for (size_t i = 0; i < n && r == -ENOENT; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s.policy", d[i].path, name);
		if (access(path, R_OK) != 0)
			continue;
		*ret_path = strdup(path);
		*ret_origin = d[i].origin;
		r = *ret_path ? 0 : sb_fail(err, ENOMEM, "policy path");
	}
	policy_dirs_free(d, n);
	return r;
}

static int add_entry(struct policy_entry **e, size_t *n, const char *name, const char *path,
		     const char *origin)
{
	struct policy_entry *ne = realloc(*e, (*n + 1) * sizeof(*ne));

	if (!ne)
		return -ENOMEM;
	*e = ne;
	ne[*n] = (struct policy_entry){ .name = strdup(name), .path = strdup(path), .origin = origin,
					.shadowed_by = -1 };
	(*n)++;
	return ne[*n - 1].name && ne[*n - 1].path ? 0 : -ENOMEM;
}

static int list_dir(const struct policy_dir *d, struct policy_entry **e, size_t *n)
{
	struct dirent **names;
	int k = scandir(d->path, &names, NULL, alphasort);
	int r = 0;

	if (k < 0)
		return 0; /* missing or unreadable: nothing there for us */
	for (int i = 0; i < k; i++) {
		size_t len = strlen(names[i]->d_name);
		char path[4096];

		if (r == 0 && len > 7 && names[i]->d_name[0] != '.' &&
		    strcmp(names[i]->d_name + len - 7, ".policy") == 0) {
			names[i]->d_name[len - 7] = '\0';
			snprintf(path, sizeof(path), "%s/%s.policy", d->path, names[i]->d_name);
			r = add_entry(e, n, names[i]->d_name, path, d->origin);
		}
		free(names[i]);
	}
	free(names);
	return r;
}

/* Stable by search order within a name (entries were added in that order). */
static int by_name(const void *a, const void *b)
{
	const struct policy_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->shadowed_by > y->shadowed_by) - (x->shadowed_by < y->shadowed_by);
}

int policy_list(struct policy_entry **ret, size_t *n, struct sb_err *err)
{
	struct policy_entry *e = NULL;
	struct policy_dir *d;
	size_t nd, ne = 0;
	const char *b;
	int r;

	r = policy_dirs(&d, &nd, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < nd && r == 0; i++)
		r = list_dir(&d[i], &e, &ne);
	policy_dirs_free(d, nd);
	for (size_t i = 0; r == 0 && (b = policy_builtin_name(i)); i++) {
		char path[512];

		snprintf(path, sizeof(path), "<builtin>/%s.policy", b);
		r = add_entry(&e, &ne, b, path, "built-in");
	}
	if (r < 0) {
		policy_list_free(e, ne);
		return sb_fail(err, ENOMEM, "list policies");
	}
	/* Temporarily use shadowed_by as the search rank to sort stably. */
	for (size_t i = 0; i < ne; i++)
		e[i].shadowed_by = (int)i;
	qsort(e, ne, sizeof(*e), by_name);
	for (size_t i = 0; i < ne; i++)
		e[i].shadowed_by = i > 0 && strcmp(e[i].name, e[i - 1].name) == 0
					   ? (e[i - 1].shadowed_by >= 0 ? e[i - 1].shadowed_by : (int)i - 1)
					   : -1;
	*ret = e;
	*n = ne;
	return 0;
}

void policy_list_free(struct policy_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].path);
	}
	free(e);
}

void policy_search_path_str(char *buf, size_t len)
{
	struct sb_err err = SB_ERR_INIT;
	struct policy_dir *d;
	size_t n, off = 0;

	buf[0] = '\0';
	if (policy_dirs(&d, &n, &err) < 0)
		return;
	for (size_t i = 0; i < n && off < len; i++) {
		int w = snprintf(buf + off, len - off, "%s%s", i ? ", " : "", d[i].path);

		if (w < 0)
			break;
		off += (size_t)w;
	}
	policy_dirs_free(d, n);
}
