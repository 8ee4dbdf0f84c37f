/*
 * policy_expand.c: ${VAR} in policy path arguments. Runs in the launcher,
 * as the caller. The set of variables is fixed on purpose: a policy must
 * mean the same thing whatever the caller's environment holds, so only
 * values that describe who runs it and from where are offered. HOME comes
 * from the environment (as every tool takes it) with the passwd entry as a
 * fallback; USER and UID come from the real uid, PWD from getcwd().
 */
#include "policy_expand.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Output buffer plus the map back to source offsets. */
struct out {
	char *s;
	size_t *map;
	size_t len, cap;
};

static int put(struct out *o, const char *s, size_t n, size_t src_off)
{
	if (o->len + n + 1 > o->cap) {
		size_t cap = (o->len + n + 1) * 2;
		char *ns = realloc(o->s, cap);
		size_t *nm;

		if (!ns)
			return -ENOMEM;
		o->s = ns;
		nm = realloc(o->map, cap * sizeof(*nm));
		if (!nm)
			return -ENOMEM;
		o->map = nm;
		o->cap = cap;
	}
	memcpy(o->s + o->len, s, n);
	for (size_t i = 0; i < n; i++)
		o->map[o->len + i] = src_off;
	o->len += n;
	o->s[o->len] = '\0';
	return 0;
}

static const char *user_home(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && *h == '/')
		return h;
	pw = getpwuid(getuid());
	return pw && pw->pw_dir && *pw->pw_dir == '/' ? pw->pw_dir : NULL;
}

static const char *user_name(void)
{
	struct passwd *pw = getpwuid(getuid());

	return pw ? pw->pw_name : NULL;
}

/* The value of one variable into buf, or NULL with a reason in *why. */
static const char *lookup(const char *name, const char *policy_dir, char *buf, size_t len,
			  const char **why)
{
	*why = NULL;
	if (strcmp(name, "HOME") == 0) {
		*why = "the caller has no home directory";
		return user_home();
	}
	if (strcmp(name, "PWD") == 0) {
		*why = "the current directory cannot be read";
		return getcwd(buf, len);
	}
	if (strcmp(name, "USER") == 0) {
		*why = "the caller's uid has no user name";
		return user_name();
	}
	if (strcmp(name, "UID") == 0) {
		snprintf(buf, len, "%u", (unsigned)getuid());
		return buf;
	}
	if (strcmp(name, "POLICY_DIR") == 0) {
		*why = "this policy is not read from a file (a built-in copy)";
		return policy_dir;
	}
	return NULL;
}

/* One "${NAME}" at s[i] ('$'); appends its value, advances *i past '}'. */
static int expand_one(const char *s, size_t *i, const char *policy_dir, struct out *o, struct sb_err *err)
{
	const char *close = strchr(s + *i + 2, '}');
	char name[32], buf[4096];
	const char *val, *why;
	size_t n;

	if (!close) {
		err->col = (int)*i;
		return sb_failx(err, EINVAL, "unterminated '${' (expected ${NAME})");
	}
	n = (size_t)(close - (s + *i + 2));
	if (n == 0 || n >= sizeof(name)) {
		err->col = (int)*i;
		return sb_failx(err, EINVAL, "bad variable name (expected HOME, PWD, USER, UID or POLICY_DIR)");
	}
	memcpy(name, s + *i + 2, n);
	name[n] = '\0';
	val = lookup(name, policy_dir, buf, sizeof(buf), &why);
	if (!val) {
		err->col = (int)*i;
		if (why)
			return sb_failx(err, ENOENT, "${%s} has no value: %s", name, why);
		return sb_failx(err, EINVAL, "unknown variable ${%.31s} (expected HOME, PWD, USER, UID or POLICY_DIR)", name);
	}
	if (put(o, val, strlen(val), *i) < 0)
		return sb_fail(err, ENOMEM, "expand ${%s}", name);
	*i += n + 3;
	return 0;
}

int policy_expand(const char *s, const char *policy_dir, char **ret, size_t **ret_map, struct sb_err *err)
{
	struct out o = { 0 };
	size_t i = 0, n = strlen(s);
	int r = put(&o, "", 0, 0); /* allocate, so an empty s still yields "" */

	while (r == 0 && i < n) {
		if (s[i] == '$' && s[i + 1] == '{') {
			r = expand_one(s, &i, policy_dir, &o, err);
			continue;
		}
		r = put(&o, s + i, 1, i) < 0 ? sb_fail(err, ENOMEM, "expand") : 0;
		i++;
	}
	if (r < 0) {
		free(o.s);
		free(o.map);
		return r;
	}
	o.map[o.len] = n; /* one past the end maps to the end */
	*ret = o.s;
	*ret_map = o.map;
	return 0;
}
