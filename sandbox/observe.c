/*
 * observe.c: the store of a learning run's observations (observe.h).
 * Pure: memory and strings only. Paths stay sorted so a lookup is a binary
 * search: a python start-up touches a few thousand paths, each looked up
 * once per syscall that names it.
 */
#include "observe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct sb_observed *observe_new(void)
{
	return calloc(1, sizeof(struct sb_observed));
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void observe_free(struct sb_observed *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n_paths; i++)
		free(o->paths[i].path);
	free(o->paths);
	free(o->args);
	free(o->net);
	strv_free(o->refused, o->n_refused);
	strv_free(o->notes, o->n_notes);
	free(o);
}

void observe_syscall(struct sb_observed *o, int nr)
{
	if (nr >= 0 && nr < SB_OBS_NR_MAX)
		o->used[nr / 8] |= (uint8_t)(1u << (nr % 8));
}

bool observe_used(const struct sb_observed *o, int nr)
{
	return nr >= 0 && nr < SB_OBS_NR_MAX && (o->used[nr / 8] & (1u << (nr % 8)));
}

int observe_arg(struct sb_observed *o, int nr, unsigned arg, uint64_t value)
{
	struct sb_obs_arg *n;

	for (size_t i = 0; i < o->n_args; i++)
		if (o->args[i].nr == nr && o->args[i].arg == arg && o->args[i].value == value)
			return 0;
	n = realloc(o->args, (o->n_args + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	o->args = n;
	n[o->n_args++] = (struct sb_obs_arg){ .nr = nr, .arg = arg, .value = value };
	return 0;
}

/* Index of path, or of where it would go (*found false). */
static size_t path_slot(const struct sb_observed *o, const char *path, bool *found)
{
	size_t lo = 0, hi = o->n_paths;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(o->paths[mid].path, path);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

const struct sb_obs_path *observe_find_path(const struct sb_observed *o, const char *path)
{
	bool found;
	size_t i = path_slot(o, path, &found);

	return found ? &o->paths[i] : NULL;
}

int observe_path(struct sb_observed *o, const char *path, unsigned how)
{
	struct sb_obs_path *n;
	bool found;
	size_t i = path_slot(o, path, &found);
	char *copy;

	if (found) {
		o->paths[i].how |= how;
		return 0;
	}
	copy = strdup(path);
	n = copy ? realloc(o->paths, (o->n_paths + 1) * sizeof(*n)) : NULL;
	if (!n) {
		free(copy);
		return -ENOMEM;
	}
	o->paths = n;
	memmove(&n[i + 1], &n[i], (o->n_paths - i) * sizeof(*n));
	n[i] = (struct sb_obs_path){ .path = copy, .how = how };
	o->n_paths++;
	return 0;
}

int observe_net(struct sb_observed *o, const struct sb_obs_net *x)
{
	struct sb_obs_net *n;

	for (size_t i = 0; i < o->n_net; i++)
		if (memcmp(&o->net[i], x, sizeof(*x)) == 0)
			return 0;
	n = realloc(o->net, (o->n_net + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	o->net = n;
	n[o->n_net++] = *x;
	return 0;
}

/* Add s to a sorted, duplicate-free string vector. */
static int strv_add_sorted(char ***v, size_t *n, const char *s)
{
	size_t i = 0;
	char **nv, *copy;

	while (i < *n && strcmp((*v)[i], s) < 0)
		i++;
	if (i < *n && strcmp((*v)[i], s) == 0)
		return 0;
	copy = strdup(s);
	nv = copy ? realloc(*v, (*n + 1) * sizeof(*nv)) : NULL;
	if (!nv) {
		free(copy);
		return -ENOMEM;
	}
	memmove(&nv[i + 1], &nv[i], (*n - i) * sizeof(*nv));
	nv[i] = copy;
	(*n)++;
	*v = nv;
	return 0;
}

int observe_refused(struct sb_observed *o, const char *name)
{
	return strv_add_sorted(&o->refused, &o->n_refused, name);
}

int observe_note(struct sb_observed *o, const char *note)
{
	return strv_add_sorted(&o->notes, &o->n_notes, note);
}

void observe_normalize(char *path)
{
	char *out = path, *in = path;

	/* out always ends without a slash ("" stands for "/"). */
	while (*in) {
		size_t len;

		while (*in == '/')
			in++;
		len = strcspn(in, "/");
		if (len == 0 || (len == 1 && in[0] == '.')) {
			in += len;
			continue;
		}
		if (len == 2 && in[0] == '.' && in[1] == '.') {
			char *slash = out > path ? memrchr(path, '/', (size_t)(out - path)) : NULL;

			out = slash ? slash : path;
			in += len;
			continue;
		}
		*out++ = '/';
		memmove(out, in, len);
		out += len;
		in += len;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

void observe_merge(struct sb_observed *dst, const struct sb_observed *src)
{
	for (size_t i = 0; i < sizeof(dst->used); i++)
		dst->used[i] |= src->used[i];
	for (size_t i = 0; i < src->n_args; i++)
		observe_arg(dst, src->args[i].nr, src->args[i].arg, src->args[i].value);
	for (size_t i = 0; i < src->n_paths; i++)
		observe_path(dst, src->paths[i].path, src->paths[i].how);
	for (size_t i = 0; i < src->n_net; i++)
		observe_net(dst, &src->net[i]);
	for (size_t i = 0; i < src->n_refused; i++)
		observe_refused(dst, src->refused[i]);
	for (size_t i = 0; i < src->n_notes; i++)
		observe_note(dst, src->notes[i]);
	dst->events += src->events;
	dst->unreadable += src->unreadable;
}
