/*
 * plan.c: struct sb_plan lifetime and validation. Pure code, no syscalls.
 */
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layers.h"
#include "net_rules.h"
#include "util.h"

void plan_init(struct sb_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->sys_default = SB_SYS_KILL;
	p->net = SB_NET_NONE;
	p->umask = -1;
}

static void strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n || (n == 0 && v[i]); i++)
		free(v[i]);
	free(v);
}

void plan_free(struct sb_plan *p)
{
	for (size_t i = 0; i < p->n_mounts; i++) {
		free(p->mounts[i].src);
		free(p->mounts[i].dst);
		free(p->mounts[i].fstype);
		free(p->mounts[i].data);
	}
	for (int i = 0; i < SB_NS_MAX; i++)
		free(p->ns.join[i]);
	free(p->ns.uid_map);
	free(p->ns.gid_map);
	free(p->groups);
	free(p->rlimits);
	strv_free(p->sysctl, p->n_sysctl);
	strv_free(p->masked_paths, p->n_masked_paths);
	strv_free(p->readonly_paths, p->n_readonly_paths);
	free(p->mounts);
	for (size_t i = 0; i < p->n_sysrules; i++)
		strv_free(p->sysrules[i].names, 0);
	free(p->sysrules);
	for (size_t i = 0; i < p->n_netrules; i++)
		netrule_free(&p->netrules[i]);
	free(p->netrules);
	for (size_t i = 0; i < p->n_publish; i++)
		publish_free(&p->publish[i]);
	free(p->publish);
	strv_free(p->argv, 0);
	strv_free(p->policies, p->n_policies);
	strv_free(p->env, p->n_env);
	strv_free(p->keep_env, p->n_keep_env);
	strv_free(p->unset_env, p->n_unset_env);
	strv_free(p->seccomp_profiles, p->n_seccomp_profiles);
	strv_free(p->strings, p->n_strings);
	free(p->keep_fds);
	free(p->rootfs);
	free(p->chdir);
	free(p->hostname);
	free(p->limits.cpuset);
	free(p->limits.cgroup_parent);
	free(p->limits.cgroup_path);
	free(p->stdin_path);
	free(p->stdout_path);
	free(p->stderr_path);
	free(p->report_path);
	free(p->meta_path);
	free(p->bpf_token);
	memset(p, 0, sizeof(*p));
}

bool plan_mount_skipped(const struct sb_plan *p, const struct sb_mount *m)
{
	return m->system && p->rootfs;
}

int plan_add_mount(struct sb_plan *p, const struct sb_mount *m)
{
	struct sb_mount *n = realloc(p->mounts, (p->n_mounts + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	p->mounts = n;
	p->mounts[p->n_mounts++] = *m;
	return 0;
}

int plan_strv_add(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));
	char *d;

	if (!nv)
		return -ENOMEM;
	*v = nv;
	d = strdup(s);
	if (!d)
		return -ENOMEM;
	nv[(*n)++] = d;
	nv[*n] = NULL;
	return 0;
}

const char *plan_intern(struct sb_plan *p, const char *s)
{
	for (size_t i = 0; i < p->n_strings; i++)
		if (strcmp(p->strings[i], s) == 0)
			return p->strings[i];
	if (plan_strv_add(&p->strings, &p->n_strings, s) < 0)
		return NULL;
	return p->strings[p->n_strings - 1];
}

const char *plan_mount_flags_str(unsigned flags, char *buf, size_t len)
{
	static const struct {
		unsigned bit;
		const char *word;
	} words[] = { { SB_MNT_NOEXEC, "noexec" }, { SB_MNT_DEV, "dev" }, { SB_MNT_NOREC, "norec" }, { SB_MNT_OWN, "own" },
		      { SB_MNT_PARTIAL, "partial" } };
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ELEMENTSOF(words); i++)
		if (flags & words[i].bit)
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "," : "", words[i].word);
	return buf;
}

const char *plan_loc_str(const struct sb_loc *loc, char *buf, size_t len)
{
	if (!loc || !loc->file)
		snprintf(buf, len, "command line");
	else
		snprintf(buf, len, "%s:%u:%u", loc->file, loc->line, loc->col);
	return buf;
}

static int conflict(struct sb_err *err, const char *a, const struct sb_loc *la, const char *b,
		    const struct sb_loc *lb)
{
	char sa[512], sb[512];

	return sb_failx(err, EINVAL, "'%s' (%s) conflicts with '%s' (%s): keep only one", a,
			plan_loc_str(la, sa, sizeof(sa)), b, plan_loc_str(lb, sb, sizeof(sb)));
}

/* The network options against the mode (issue #10's bad-input list). */
static int validate_net(const struct sb_plan *p, struct sb_err *err)
{
	char where[512];

	if (p->n_netrules && p->net == SB_NET_NONE) {
		sb_failx(err, EINVAL, "--allow-net %s (%s) needs --net user: with --net none nothing leaves the sandbox",
			 p->netrules[0].text, plan_loc_str(&p->netrules[0].loc, where, sizeof(where)));
		sb_hint(err, "add --net user");
		return -EINVAL;
	}
	/* The caller's own namespace is filtered by the eBPF programs on the
	 * run's cgroup (ebpf.c decides at start whether the caller may). */
	if (p->n_netrules && p->net == SB_NET_HOST && p->ebpf == SB_EBPF_OFF) {
		sb_failx(err, EINVAL, "--allow-net %s (%s) cannot be enforced with --net host without eBPF, and 'ebpf off' "
				      "turns it off",
			 p->netrules[0].text, plan_loc_str(&p->netrules[0].loc, where, sizeof(where)));
		sb_hint(err, "use --net user, which enforces the allow-list inside the run's own network namespace");
		return -EINVAL;
	}
	if (p->n_publish && p->net != SB_NET_USER) {
		sb_failx(err, EINVAL, "--publish %s (%s) needs --net user (the published port is forwarded by its stack)",
			 p->publish[0].text, plan_loc_str(&p->publish[0].loc, where, sizeof(where)));
		sb_hint(err, "add --net user");
		return -EINVAL;
	}
	for (size_t i = 0; i < p->n_publish; i++)
		for (size_t j = 0; j < i; j++)
			if (p->publish[i].host_port == p->publish[j].host_port &&
			    p->publish[i].proto == p->publish[j].proto &&
			    p->publish[i].host_addr.family == p->publish[j].host_addr.family)
				return sb_failx(err, EINVAL, "--publish %s (%s): host port %u is already published by --publish %s",
						p->publish[i].text, plan_loc_str(&p->publish[i].loc, where, sizeof(where)),
						p->publish[i].host_port, p->publish[j].text);
	return 0;
}

int plan_validate(const struct sb_plan *p, struct sb_err *err)
{
	int r = ns_validate(p, err);

	if (r == 0)
		r = sysctl_check(p, err);
	if (r < 0)
		return r;
	if (p->stderr_path && p->stderr_to_stdout)
		return conflict(err, "stderr", &p->loc_stderr, "stderr-to-stdout", &p->loc_stderr_to_stdout);
	/* Two opens of one file with O_TRUNC overwrite each other's output. */
	if (p->stderr_path && p->stdout_path && strcmp(p->stderr_path, p->stdout_path) == 0) {
		conflict(err, "stdout", &p->loc_stdout, "stderr", &p->loc_stderr);
		sb_hint(err, "to send both to one file, write 'stdout FILE' and 'stderr-to-stdout'");
		return -EINVAL;
	}
	/* stdout would truncate the input before the command reads it. */
	if (p->stdin_path && p->stdout_path && strcmp(p->stdin_path, p->stdout_path) == 0)
		return conflict(err, "stdin", &p->loc_stdin, "stdout", &p->loc_stdout);
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct sb_mount *m = &p->mounts[i];

		if (m->dst[0] != '/')
			return sb_failx(err, EINVAL, "mount destination '%s' must be absolute", m->dst);
		if ((m->flags & SB_MNT_OWN) && !p->map_subids)
			return sb_failx(err, EINVAL, "mount option 'own' on '%s' needs --map-to subuid (without it the "
						     "command runs as you and owns your files already)", m->dst);
		if ((m->flags & SB_MNT_OWN) && m->kind != SB_MOUNT_BIND)
			return sb_failx(err, EINVAL, "mount option 'own' on '%s' needs a read-write bind", m->dst);
		if (strcmp(m->dst, "/") == 0 && m->kind != SB_MOUNT_TMPFS)
			return sb_failx(err, EINVAL,
					"cannot mount over '/' with a bind; use --rootfs DIR to choose the root");
	}
	r = validate_net(p, err);
	if (r < 0)
		return r;
	/* Inside 0 stays the caller, for init: the command needs ids of its own. */
	if (p->map_subids && (p->uid == 0 || p->gid == 0))
		return sb_failx(err, EINVAL, "map-to subuid needs --uid and --gid other than 0 (inside 0 stays you, "
					     "for the set-up), e.g. --uid 1000 --gid 1000");
	if (p->limits.cpus_milli != 0 && p->limits.cpus_milli < 10)
		return sb_failx(err, EINVAL, "--cpus must be at least 0.01");
	if (p->limits.extra_time_us && !p->limits.cpu_time_us)
		return sb_failx(err, EINVAL, "--extra-time needs --cpu-time (it is time granted past that limit)");
	return 0;
}

/* FNV-1a of an environment entry's name (up to '='). */
static uint64_t name_hash(const char *s, size_t *len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t n = 0;

	for (; s[n] && s[n] != '='; n++)
		h = (h ^ (unsigned char)s[n]) * 1099511628211ULL;
	*len = n;
	return h;
}

/* Keep the last entry of each name, in order, and none of the names in
 * unset: one pass from the end with a hash set of the names seen, so 400k
 * "env" lines cost 400k steps (a pairwise scan took seconds). The unset
 * names go in first, as if seen later than everything. */
static size_t keep_last(char **env, size_t n, char **unset, size_t n_unset)
{
	size_t cap = 16, k = 0;
	size_t *slot;
	bool *keep;

	while (cap < 2 * (n + n_unset))
		cap *= 2;
	slot = calloc(cap, sizeof(*slot)); /* index + 1 into env, then unset; 0 = empty */
	keep = calloc(n ? n : 1, sizeof(*keep));
	if (!slot || !keep) {
		free(slot);
		free(keep);
		return SIZE_MAX;
	}
	for (size_t i = n + n_unset; i-- > 0;) {
		const char *e = i < n ? env[i] : unset[i - n];
		size_t len, j;
		uint64_t h = name_hash(e, &len);

		for (j = h & (cap - 1); slot[j]; j = (j + 1) & (cap - 1)) {
			size_t at = slot[j] - 1;
			const char *o = at < n ? env[at] : unset[at - n];

			if (strncmp(o, e, len) == 0 && (o[len] == '=' || !o[len]))
				break;
		}
		if (!slot[j]) {
			slot[j] = i + 1;
			if (i < n)
				keep[i] = true;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (keep[i])
			env[k++] = env[i];
	free(slot);
	free(keep);
	return k;
}

char **plan_env(const struct sb_plan *p, char **caller_env)
{
	size_t n = 0, cap = 1 + p->n_keep_env + p->n_env + 1;
	char **env = calloc(cap, sizeof(char *));

	if (!env)
		return NULL;
	env[n++] = (char *)"PATH=" SB_DEFAULT_PATH;
	for (size_t i = 0; i < p->n_keep_env; i++) {
		size_t len = strlen(p->keep_env[i]);

		for (char **e = caller_env; e && *e; e++)
			if (strncmp(*e, p->keep_env[i], len) == 0 && (*e)[len] == '=' && n < cap - 1) {
				env[n++] = *e;
				break;
			}
	}
	for (size_t i = 0; i < p->n_env; i++)
		env[n++] = p->env[i];
	n = keep_last(env, n, p->unset_env, p->n_unset_env);
	if (n == SIZE_MAX) {
		free(env);
		return NULL;
	}
	env[n] = NULL;
	return env;
}
