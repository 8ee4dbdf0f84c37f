/*
 * isolate_plan.c: isolate's directory and environment rules, and the one
 * plan a --run builds from them (part of the isolate front end). Pure but
 * for reading the caller's environment and its stack rlimit.
 *
 * Directory rules keep isolate's semantics: a rule for an inside path that
 * already has one replaces it in place, IN= removes one, "maybe" skips a
 * missing source (the core's -try binds), "tmp" is a fresh tmpfs here
 * (isolate makes a directory in the box dir; nothing outlives the run
 * either way), "fs" mounts proc or tmpfs. The default /dev is the core's
 * minimal one (null zero full random urandom tty pts shm) instead of a bind
 * of the host's: the same for a judged program, and no host device node a
 * caller's groups might open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "isolate.h"
#include "util.h"

static const char *const default_rules[] = {
	"box=./box:rw", "bin", "dev:dev", "lib", "lib64:maybe", "proc=proc:fs", "tmp:tmp", "usr", "dev/shm:tmp",
};

void iso_opts_init(struct iso_opts *o)
{
	const char *why;

	memset(o, 0, sizeof(*o));
	o->processes = 1;
	o->open_files = 64;
	o->default_dirs = true;
	o->as_uid = o->as_gid = -1;
	for (size_t i = 0; i < ELEMENTSOF(default_rules); i++)
		iso_dir_rule(o, default_rules[i], ISO_DIR_DEFAULT | (i == 2 ? ISO_DIR_OUR_DEV : 0), &why);
}

void iso_opts_free(struct iso_opts *o)
{
	for (size_t i = 0; i < o->n_dirs; i++) {
		free(o->dirs[i].in);
		free(o->dirs[i].out);
	}
	free(o->dirs);
	for (size_t i = 0; i < o->n_env; i++)
		free(o->env[i].var);
	free(o->env);
}

/* Leading '/' stripped; no ".." component may walk out of the box. */
static const char *sanitize(const char *in)
{
	const char *p;

	while (*in == '/')
		in++;
	if (!*in)
		return NULL;
	for (p = in; *p;) {
		size_t len = strcspn(p, "/");

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return NULL;
		p += len;
		p += *p == '/';
	}
	return in;
}

static bool dir_option(const char *w, unsigned *flags)
{
	static const struct {
		const char *word;
		unsigned bit;
	} words[] = {
		{ "rw", ISO_DIR_RW },	 { "noexec", ISO_DIR_NOEXEC }, { "fs", ISO_DIR_FS },	   { "maybe", ISO_DIR_MAYBE },
		{ "dev", ISO_DIR_DEV }, { "tmp", ISO_DIR_TMP },	       { "norec", ISO_DIR_NOREC },
	};

	for (size_t i = 0; i < ELEMENTSOF(words); i++)
		if (strcmp(w, words[i].word) == 0) {
			*flags |= words[i].bit;
			return true;
		}
	return false;
}

/* Replace the rule for in (keeping its place), or append one. */
static bool add_rule(struct iso_opts *o, const char *in, const char *out, unsigned flags)
{
	struct iso_dir *r = NULL;
	char *cin, *cout = out ? strdup(out) : NULL;

	for (size_t i = 0; i < o->n_dirs; i++)
		if (strcmp(o->dirs[i].in, in) == 0)
			r = &o->dirs[i];
	if (out && !cout)
		return false;
	if (!r) {
		struct iso_dir *n = realloc(o->dirs, (o->n_dirs + 1) * sizeof(*n));

		cin = strdup(in);
		if (!n || !cin) {
			free(cin);
			free(cout);
			if (n)
				o->dirs = n;
			return false;
		}
		o->dirs = n;
		r = &o->dirs[o->n_dirs++];
		r->in = cin;
		r->out = NULL;
	}
	free(r->out);
	r->out = cout;
	r->flags = flags;
	return true;
}

bool iso_dir_rule(struct iso_opts *o, const char *arg, unsigned extra, const char **why)
{
	_cleanup_free_ char *copy = strdup(arg), *built = NULL;
	unsigned flags = extra;
	const char *in, *out;
	char *colon, *eq;

	*why = "malformed rule";
	if (!copy)
		return false;
	/* IN[=OUT]:OPT:OPT... (a comma between options is accepted too). */
	colon = strchr(copy, ':');
	if (colon) {
		*colon = '\0';
		for (char *w = strtok(colon + 1, ":,"); w; w = strtok(NULL, ":,"))
			if (!dir_option(w, &flags)) {
				*why = "unknown directory option";
				return false;
			}
	}
	eq = strchr(copy, '=');
	if (eq)
		*eq++ = '\0';
	in = sanitize(copy);
	if (!in || ((flags & ISO_DIR_FS) && (flags & ISO_DIR_TMP)))
		return false;
	if (flags & ISO_DIR_FS) {
		/* OUT names the file system type. */
		if (!eq || !*eq || strchr(eq, '/'))
			return false;
		return add_rule(o, in, eq, flags);
	}
	if (flags & ISO_DIR_TMP)
		return !eq && add_rule(o, in, "tmp", flags | ISO_DIR_RW);
	if (eq && !*eq)
		return add_rule(o, in, NULL, flags);
	if (eq) {
		if (eq[0] != '/' && strncmp(eq, "./", 2) != 0)
			return false;
		return add_rule(o, in, eq, flags);
	}
	if (asprintf(&built, "/%s", in) < 0)
		return false;
	out = built;
	return add_rule(o, in, out, flags);
}

bool iso_env_rule(struct iso_opts *o, const char *arg)
{
	struct iso_env *n;
	char *var;
	const char *eq = strchr(arg, '=');

	if (eq == arg || !*arg)
		return false;
	n = realloc(o->env, (o->n_env + 1) * sizeof(*n));
	if (!n)
		return false;
	o->env = n;
	var = strdup(arg);
	if (!var)
		return false;
	n[o->n_env].var = var;
	n[o->n_env].val = NULL;
	if (eq) {
		var[eq - arg] = '\0';
		n[o->n_env].val = var + (eq - arg) + 1;
	}
	o->n_env++;
	return true;
}

/* ---- the plan ---- */

static int add_mount(struct sb_plan *p, enum sb_mount_kind kind, const char *src, const char *dst, unsigned flags,
		     bool optional)
{
	struct sb_mount m = { .kind = kind, .flags = flags, .optional = optional };

	m.dst = strdup(dst);
	m.src = src ? strdup(src) : NULL;
	if (!m.dst || (src && !m.src) || plan_add_mount(p, &m) < 0) {
		free(m.dst);
		free(m.src);
		return -ENOMEM;
	}
	return 0;
}

/* One directory rule as a mount of the plan; -EINVAL for an fs type the
 * rootless sandbox cannot mount. */
static int rule_mount(const struct iso_dir *r, const struct iso_box *b, struct sb_plan *p)
{
	char dst[4200], src[8400];
	unsigned fl = (r->flags & ISO_DIR_NOEXEC ? SB_MNT_NOEXEC : 0);

	snprintf(dst, sizeof(dst), "/%s", r->in);
	if (r->flags & ISO_DIR_OUR_DEV)
		return add_mount(p, SB_MOUNT_DEV, NULL, dst, 0, false);
	if (r->flags & ISO_DIR_TMP) {
		/* Only the command runs in the box: 1777 is isolate's 0700
		 * directory owned by the box uid, without the chown. */
		int rc = add_mount(p, SB_MOUNT_TMPFS, NULL, dst, fl, false);

		if (rc == 0)
			p->mounts[p->n_mounts - 1].mode = 01777;
		return rc;
	}
	if (r->flags & ISO_DIR_FS) {
		if (strcmp(r->out, "proc") == 0)
			return add_mount(p, SB_MOUNT_PROC, NULL, dst, 0, false);
		if (strcmp(r->out, "tmpfs") == 0)
			return add_mount(p, SB_MOUNT_TMPFS, NULL, dst, fl, false);
		return -EINVAL;
	}
	if (strncmp(r->out, "./", 2) == 0)
		snprintf(src, sizeof(src), "%s/%s", b->dir, r->out + 2);
	else
		snprintf(src, sizeof(src), "%s", r->out);
	fl |= (r->flags & ISO_DIR_DEV ? SB_MNT_DEV : 0) | (r->flags & ISO_DIR_NOREC ? SB_MNT_NOREC : 0);
	/* The box changes hands for the run, as isolate chowns it to the
	 * box uid and back (only with an id of its own to hand it to). */
	if (b->subids && (r->flags & ISO_DIR_RW) && strcmp(r->out, "./box") == 0)
		fl |= SB_MNT_OWN;
	return add_mount(p, r->flags & ISO_DIR_RW ? SB_MOUNT_BIND : SB_MOUNT_RO_BIND, src, dst, fl,
			 (r->flags & ISO_DIR_MAYBE) != 0);
}

static int add_mounts(const struct iso_opts *o, const struct iso_box *b, struct sb_plan *p)
{
	for (size_t i = 0; i < o->n_dirs; i++) {
		const struct iso_dir *r = &o->dirs[i];
		int rc;

		if (!r->out || (!o->default_dirs && (r->flags & ISO_DIR_DEFAULT)))
			continue;
		rc = rule_mount(r, b, p);
		if (rc == -EINVAL)
			return isolate_die(o, "Cannot mount %s on %s: only proc and tmpfs can be mounted without root",
					   r->out, r->in);
		if (rc < 0)
			return isolate_die(o, "Out of memory");
	}
	return 0;
}

static bool env_match(const char *entry, const char *var)
{
	size_t len = strlen(var);

	return strncmp(entry, var, len) == 0 && entry[len] == '=';
}

/* isolate's environment: empty (or the caller's with -e), then
 * LIBC_FATAL_STDERR_=1 and the -E rules in order; no PATH unless a rule
 * gives one (the core's default PATH is unset). */
static int add_env(const struct iso_opts *o, struct sb_plan *p)
{
	const struct iso_env dflt = { .var = (char *)"LIBC_FATAL_STDERR_", .val = (char *)"1" };
	size_t n = 0, cap = o->n_env + 2;
	char **env;
	bool path = false;
	int rc = 0;

	for (char **e = environ; e && *e; e++)
		cap++;
	env = calloc(cap, sizeof(char *));
	if (!env)
		return -ENOMEM;
	for (char **e = environ; o->full_env && e && *e; e++)
		env[n++] = strdup(*e);
	for (size_t i = 0; i <= o->n_env; i++) {
		const struct iso_env *r = i ? &o->env[i - 1] : &dflt;

		for (size_t k = 0; k < n; k++)
			if (env_match(env[k], r->var)) {
				free(env[k]);
				env[k] = env[--n];
				break;
			}
		if (r->val && r->val[0]) {
			if (asprintf(&env[n], "%s=%s", r->var, r->val) >= 0)
				n++;
		} else if (!r->val) {
			for (char **e = environ; e && *e; e++)
				if (env_match(*e, r->var)) {
					env[n++] = strdup(*e);
					break;
				}
		}
	}
	for (size_t k = 0; k < n && rc == 0; k++) {
		path |= env[k] && env_match(env[k], "PATH");
		rc = env[k] ? plan_strv_add(&p->env, &p->n_env, env[k]) : -ENOMEM;
	}
	if (rc == 0 && !path)
		rc = plan_strv_add(&p->unset_env, &p->n_unset_env, "PATH");
	for (size_t k = 0; k < n; k++)
		free(env[k]);
	free(env);
	return rc;
}

/* isolate resolves stdio and --chdir paths from /box, the program's
 * starting directory. */
static char *in_box(const char *path)
{
	char *r = NULL;

	if (path[0] == '/')
		return strdup(path);
	return asprintf(&r, "/box/%s", path) < 0 ? NULL : r;
}

static void set_limits(const struct iso_opts *o, struct sb_plan *p)
{
	struct sb_limits *l = &p->limits;
	struct rlimit rl;

	l->cpu_time_us = o->time_ms * 1000;
	l->extra_time_us = o->time_ms ? o->extra_ms * 1000 : 0;
	l->wall_time_us = o->wall_ms * 1000;
	l->memory = o->cg_mem_kb * 1024;
	l->address_space = o->mem_kb * 1024;
	l->pids = o->processes;
	l->output_limit = o->fsize_kb * 1024;
	l->open_files = o->open_files;
	if (o->stack_kb)
		l->stack = o->stack_kb * 1024;
	else if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_max == RLIM_INFINITY)
		l->stack_unlimited = true; /* isolate's default; kept when it cannot be raised */
	/* --cg: the cgroup is the point (tree CPU, cg-mem): none usable is
	 * an error. Without it, what a cgroup would enforce falls back to
	 * rlimits, as isolate's own non-cgroup mode is. */
	l->cgroup_mode = o->cg ? SB_CG_REQUIRED : SB_CG_AUTO;
	l->best_effort = !o->cg;
}

static int set_io(const struct iso_opts *o, struct sb_plan *p)
{
	p->stdio_inside = true;
	p->exec_error_is_exit = true;
	p->stderr_to_stdout = o->stderr_to_stdout;
	if ((o->stdin_path && !(p->stdin_path = in_box(o->stdin_path))) ||
	    (o->stdout_path && !(p->stdout_path = in_box(o->stdout_path))) ||
	    (o->stderr_path && !(p->stderr_path = in_box(o->stderr_path))) ||
	    !(p->chdir = in_box(o->chdir ? o->chdir : "/box")))
		return -ENOMEM;
	if (o->meta_path && !(p->meta_path = strdup(strcmp(o->meta_path, "-") == 0 ? "/dev/stdout" : o->meta_path)))
		return -ENOMEM;
	return 0;
}

/* --inherit-fds: every descriptor the caller gave us, as isolate keeps
 * them all; collected before the box's lock is opened. */
static int keep_fds(const struct iso_opts *o, struct sb_plan *p, const struct iso_box *b)
{
	for (int fd = 3; o->inherit_fds && fd < 1024; fd++) {
		int *n;

		if (fd == b->lock_fd || fcntl(fd, F_GETFD) < 0)
			continue;
		n = realloc(p->keep_fds, (p->n_keep_fds + 1) * sizeof(int));
		if (!n)
			return -ENOMEM;
		p->keep_fds = n;
		p->keep_fds[p->n_keep_fds++] = fd;
	}
	return 0;
}

int iso_build_plan(const struct iso_opts *o, const struct iso_box *b, struct sb_plan *p)
{
	struct sb_err err = SB_ERR_INIT;
	uint64_t id = b->cf.first_uid + o->box_id;
	size_t n = 0;
	int rc;

	for (char **a = o->argv; *a; a++)
		if (plan_strv_add(&p->argv, &n, *a) < 0)
			return isolate_die(o, "Out of memory");
	rc = add_mounts(o, b, p);
	if (rc)
		return rc;
	/* The program's ids inside are isolate's box ids; outside they are a
	 * subordinate id, the caller's own (no range), or for a root caller
	 * the per-box uid itself. */
	p->uid = (uid_t)id;
	p->gid = (gid_t)(b->cf.first_gid + o->box_id);
	p->map_subids = b->subids;
	p->subid_index = o->box_id;
	if (b->root) {
		p->map_to = (uid_t)id;
		p->map_to_set = true;
	}
	p->net = o->share_net ? SB_NET_HOST : SB_NET_NONE;
	set_limits(o, p);
	if (b->cf.cg_root[0] && !(p->limits.cgroup_parent = strdup(b->cf.cg_root)))
		return isolate_die(o, "Out of memory");
	if (add_env(o, p) < 0 || set_io(o, p) < 0 || keep_fds(o, p, b) < 0)
		return isolate_die(o, "Out of memory");
	if (plan_validate(p, &err) < 0)
		return isolate_die(o, "%s", err.msg);
	return 0;
}
