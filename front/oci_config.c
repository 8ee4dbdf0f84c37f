/*
 * oci_config.c: an OCI bundle's config.json (runtime-spec 1.0/1.1) as the
 * one plan. Pure translation: reads the config, writes the seccomp part to
 * the state dir for the core's importer, touches nothing else.
 *
 * What maps where (oci_mounts.c does mounts, devices and namespaces):
 *   process     args, env, cwd, user (uid, gid, umask, additionalGids:
 *               taken by the payload right before exec), capabilities,
 *               rlimits, noNewPrivileges, oomScoreAdj, terminal
 *   root        the rootfs; readonly false keeps it writable (it is the
 *               engine's own container layer, as runc treats it)
 *   linux       resources (memory, pids, cpu quota, cpuset) on cgroupsPath,
 *               sysctl, maskedPaths, readonlyPaths, seccomp, timeOffsets
 * Unknown fields are ignored, as runc does. Fields that would weaken the
 * sandbox when ignored are refused: an AppArmor profile or SELinux label
 * on a host that has that LSM, hooks, a seccomp listener, an Intel RDT
 * class, a non-Linux personality. Resource knobs without a security
 * meaning (cpu shares, blkio, hugepages, network classes) are ignored.
 */
#include <cap-ng.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "oci.h"
#include "oci_impl.h"
#include "util.h"

static const struct {
	const char *name;
	int res;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },	    { "RLIMIT_CORE", RLIMIT_CORE },	  { "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },	    { "RLIMIT_FSIZE", RLIMIT_FSIZE },	  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE }, { "RLIMIT_NPROC", RLIMIT_NPROC },	  { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },	  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

int oci_strv(json_t *a, const char *what, char ***v, size_t *n, bool need, struct sb_err *err)
{
	size_t i;
	json_t *e;

	if (!a || json_is_null(a)) {
		if (need)
			return sb_failx(err, EINVAL, "%s: missing (expected an array of strings)", what);
		return 0;
	}
	if (!json_is_array(a) || (need && json_array_size(a) == 0))
		return sb_failx(err, EINVAL, "%s: expected a%s array of strings", what, need ? " non-empty" : "n");
	json_array_foreach(a, i, e) {
		if (!json_is_string(e))
			return sb_failx(err, EINVAL, "%s[%zu]: expected a string", what, i);
		if (plan_strv_add(v, n, json_string_value(e)) < 0)
			return sb_fail(err, ENOMEM, "%s", what);
	}
	return 0;
}

/* A capability list ("CAP_CHOWN", ...) as a bit set. Names this libcap-ng
 * does not know are skipped, as runc does for capabilities of newer
 * kernels. */
static int caps_of(json_t *a, const char *what, uint64_t *set, struct sb_err *err)
{
	size_t i;
	json_t *e;

	*set = 0;
	if (a && !json_is_array(a) && !json_is_null(a))
		return sb_failx(err, EINVAL, "%s: expected an array of capability names", what);
	json_array_foreach(a, i, e) {
		const char *name = json_string_value(e);
		int cap;

		if (!name)
			return sb_failx(err, EINVAL, "%s[%zu]: expected a capability name", what, i);
		cap = capng_name_to_capability(strncasecmp(name, "CAP_", 4) == 0 ? name + 4 : name);
		if (cap >= 0 && cap < 64)
			*set |= 1ULL << cap;
	}
	return 0;
}

static int process_caps(json_t *c, struct sb_plan *p, struct sb_err *err)
{
	struct sb_caps *k = &p->caps;
	int r;

	k->set = true; /* no capabilities object: none at all */
	if (!c)
		return 0;
	if (!json_is_object(c))
		return sb_failx(err, EINVAL, "process.capabilities: expected an object");
	r = caps_of(json_object_get(c, "bounding"), "process.capabilities.bounding", &k->bounding, err);
	if (r == 0)
		r = caps_of(json_object_get(c, "effective"), "process.capabilities.effective", &k->effective, err);
	if (r == 0)
		r = caps_of(json_object_get(c, "permitted"), "process.capabilities.permitted", &k->permitted, err);
	if (r == 0)
		r = caps_of(json_object_get(c, "inheritable"), "process.capabilities.inheritable", &k->inheritable, err);
	if (r == 0)
		r = caps_of(json_object_get(c, "ambient"), "process.capabilities.ambient", &k->ambient, err);
	return r;
}

static int process_rlimits(json_t *a, struct sb_plan *p, struct sb_err *err)
{
	size_t i;
	json_t *e;

	json_array_foreach(a, i, e) {
		const char *type = json_string_value(json_object_get(e, "type"));
		json_t *soft = json_object_get(e, "soft"), *hard = json_object_get(e, "hard");
		struct sb_rlimit *n;
		size_t k;

		for (k = 0; type && k < ELEMENTSOF(rlimit_names); k++)
			if (strcmp(type, rlimit_names[k].name) == 0)
				break;
		if (!type || k == ELEMENTSOF(rlimit_names))
			return sb_failx(err, EINVAL, "process.rlimits[%zu]: unknown type '%s'", i, type ? type : "");
		if (!json_is_integer(soft) || !json_is_integer(hard))
			return sb_failx(err, EINVAL, "process.rlimits[%zu]: soft and hard must be numbers", i);
		n = realloc(p->rlimits, (p->n_rlimits + 1) * sizeof(*n));
		if (!n)
			return sb_fail(err, ENOMEM, "rlimits");
		p->rlimits = n;
		n[p->n_rlimits++] = (struct sb_rlimit){ rlimit_names[k].res, (uint64_t)json_integer_value(soft),
							(uint64_t)json_integer_value(hard) };
	}
	return 0;
}

static int process_user(json_t *u, struct sb_plan *p, struct sb_err *err)
{
	json_t *groups = json_object_get(u, "additionalGids"), *g;
	size_t i;

	p->payload_ids = true;
	p->uid = (uid_t)json_integer_value(json_object_get(u, "uid"));
	p->gid = (gid_t)json_integer_value(json_object_get(u, "gid"));
	if (json_is_integer(json_object_get(u, "umask")))
		p->umask = (int)json_integer_value(json_object_get(u, "umask")) & 0777;
	free(p->groups);
	p->groups = NULL;
	p->n_groups = 0;
	if (groups && !json_is_array(groups))
		return sb_failx(err, EINVAL, "process.user.additionalGids: expected an array of numbers");
	if (json_array_size(groups) && !(p->groups = calloc(json_array_size(groups), sizeof(gid_t))))
		return sb_fail(err, ENOMEM, "groups");
	json_array_foreach(groups, i, g) {
		if (!json_is_integer(g))
			return sb_failx(err, EINVAL, "process.user.additionalGids[%zu]: expected a number", i);
		p->groups[p->n_groups++] = (gid_t)json_integer_value(g);
	}
	return 0;
}

/* An LSM setting is refused where the LSM exists (ignoring it would run
 * the container less confined than asked) and ignored where it does not. */
static int lsm_setting(const char *what, const char *value, const char *lsm_file, struct sb_err *err)
{
	if (!value || !*value || access(lsm_file, F_OK) < 0)
		return 0;
	return sb_failx(err, EOPNOTSUPP, "%s '%s': this host has that LSM, and sandbox-oci cannot apply it", what, value);
}

int oci_config_process(json_t *process, const char *where, struct sb_plan *p, struct sb_err *err)
{
	json_t *v;
	int r;

	if (!json_is_object(process))
		return sb_failx(err, EINVAL, "%s: expected a \"process\" object", where);
	for (size_t i = 0; p->argv && p->argv[i]; i++)
		free(p->argv[i]);
	free(p->argv);
	p->argv = NULL;
	size_t n = 0;
	r = oci_strv(json_object_get(process, "args"), "process.args", &p->argv, &n, true, err);
	if (r == 0)
		r = oci_strv(json_object_get(process, "env"), "process.env", &p->env, &p->n_env, false, err);
	if (r < 0)
		return r;
	v = json_object_get(process, "cwd");
	if (v && (!json_is_string(v) || json_string_value(v)[0] != '/'))
		return sb_failx(err, EINVAL, "process.cwd: expected an absolute path");
	free(p->chdir);
	p->chdir = strdup(v ? json_string_value(v) : "/");
	r = process_user(json_object_get(process, "user"), p, err);
	if (r == 0)
		r = process_caps(json_object_get(process, "capabilities"), p, err);
	if (r == 0)
		r = process_rlimits(json_object_get(process, "rlimits"), p, err);
	if (r == 0)
		r = lsm_setting("process.apparmorProfile", json_string_value(json_object_get(process, "apparmorProfile")),
				"/sys/kernel/security/apparmor", err);
	if (r == 0)
		r = lsm_setting("process.selinuxLabel", json_string_value(json_object_get(process, "selinuxLabel")),
				"/sys/fs/selinux/enforce", err);
	if (r < 0)
		return r;
	p->allow_new_privs = !json_is_true(json_object_get(process, "noNewPrivileges"));
	v = json_object_get(process, "oomScoreAdj");
	p->oom_score_adj_set = json_is_integer(v);
	p->oom_score_adj = (int)json_integer_value(v);
	return 0;
}

/* resources: memory, pids, cpu quota/period, cpuset on cgroupsPath. */
static int resources(json_t *lx, struct sb_plan *p, struct sb_err *err)
{
	json_t *res = json_object_get(lx, "resources");
	json_t *mem = json_object_get(res, "memory"), *cpu = json_object_get(res, "cpu");
	const char *path = json_string_value(json_object_get(lx, "cgroupsPath"));
	json_int_t v;

	if ((v = json_integer_value(json_object_get(mem, "limit"))) > 0)
		p->limits.memory = (uint64_t)v;
	if ((v = json_integer_value(json_object_get(json_object_get(res, "pids"), "limit"))) > 0)
		p->limits.pids = (uint64_t)v;
	v = json_integer_value(json_object_get(cpu, "quota"));
	if (v > 0) {
		json_int_t period = json_integer_value(json_object_get(cpu, "period"));
		uint64_t milli = (uint64_t)v * 1000 / (uint64_t)(period > 0 ? period : 100000);

		p->limits.cpus_milli = milli < 10 ? 10 : milli;
	}
	if (json_string_value(json_object_get(cpu, "cpus")) && *json_string_value(json_object_get(cpu, "cpus")) &&
	    !(p->limits.cpuset = strdup(json_string_value(json_object_get(cpu, "cpus")))))
		return sb_fail(err, ENOMEM, "cpuset");
	if (path && *path && !(p->limits.cgroup_path = oci_cgroup_path(path)))
		return sb_failx(err, EINVAL, "linux.cgroupsPath '%s': expected /PATH, PATH or slice:prefix:name", path);
	return 0;
}

static int sysctl(json_t *s, struct sb_plan *p, struct sb_err *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(s, key, v) {
		char kv[4096];

		if (!json_is_string(v))
			return sb_failx(err, EINVAL, "linux.sysctl.%s: expected a string", key);
		snprintf(kv, sizeof(kv), "%s=%s", key, json_string_value(v));
		if (plan_strv_add(&p->sysctl, &p->n_sysctl, kv) < 0)
			return sb_fail(err, ENOMEM, "sysctl");
	}
	return 0;
}

/* lx.seccomp as a profile file for the core's Docker/OCI importer; no
 * seccomp section: the config asks for none, so only the always-on
 * hardening applies (a default of allow). */
static int seccomp(json_t *sc, const char *state_dir, struct sb_plan *p, struct sb_err *err)
{
	char path[4200];

	if (!sc || json_is_null(sc)) {
		p->sys_default = SB_SYS_ALLOW;
		p->sys_default_set = true;
		return 0;
	}
	if (json_string_value(json_object_get(sc, "listenerPath")) &&
	    *json_string_value(json_object_get(sc, "listenerPath")))
		return sb_failx(err, EOPNOTSUPP, "linux.seccomp.listenerPath: seccomp notify listeners are not supported");
	snprintf(path, sizeof(path), "%s/seccomp.json", state_dir);
	if (json_dump_file(sc, path, JSON_COMPACT) < 0)
		return sb_fail(err, errno, "write %s", path);
	if (plan_strv_add(&p->seccomp_profiles, &p->n_seccomp_profiles, path) < 0)
		return sb_fail(err, ENOMEM, "seccomp");
	return 0;
}

static int time_offsets(json_t *t, struct sb_plan *p)
{
	json_t *m = json_object_get(t, "monotonic"), *b = json_object_get(t, "boottime");

	p->time_ns.monotonic_ns = json_integer_value(json_object_get(m, "secs")) * 1000000000LL +
				  json_integer_value(json_object_get(m, "nanosecs"));
	p->time_ns.boottime_ns = json_integer_value(json_object_get(b, "secs")) * 1000000000LL +
				 json_integer_value(json_object_get(b, "nanosecs"));
	return 0;
}

/* What we cannot do and must not ignore. */
static int refused(json_t *config, json_t *lx, struct sb_err *err)
{
	json_t *hooks = json_object_get(config, "hooks"), *pers = json_object_get(lx, "personality");
	const char *key;
	json_t *v;

	json_object_foreach(hooks, key, v)
		if (json_array_size(v))
			return sb_failx(err, EOPNOTSUPP, "hooks.%s: hooks are not supported by sandbox-oci", key);
	if (json_object_get(lx, "intelRdt"))
		return sb_failx(err, EOPNOTSUPP, "linux.intelRdt: not supported by sandbox-oci");
	if (pers && json_string_value(json_object_get(pers, "domain")) &&
	    strcmp(json_string_value(json_object_get(pers, "domain")), "LINUX") != 0)
		return sb_failx(err, EOPNOTSUPP, "linux.personality: only LINUX is supported (32-bit ABIs are killed)");
	return lsm_setting("linux.mountLabel", json_string_value(json_object_get(lx, "mountLabel")),
			   "/sys/fs/selinux/enforce", err);
}

static int linux_part(json_t *config, json_t *lx, const char *state_dir, struct sb_plan *p, struct sb_err *err)
{
	int r = refused(config, lx, err);

	if (r == 0)
		r = oci_namespaces(lx, p, err);
	if (r == 0)
		r = resources(lx, p, err);
	if (r == 0)
		r = sysctl(json_object_get(lx, "sysctl"), p, err);
	if (r == 0)
		r = seccomp(json_object_get(lx, "seccomp"), state_dir, p, err);
	if (r == 0)
		r = oci_strv(json_object_get(lx, "maskedPaths"), "linux.maskedPaths", &p->masked_paths,
			     &p->n_masked_paths, false, err);
	if (r == 0)
		r = oci_strv(json_object_get(lx, "readonlyPaths"), "linux.readonlyPaths", &p->readonly_paths,
			     &p->n_readonly_paths, false, err);
	if (r == 0 && p->time_ns.new_ns)
		r = time_offsets(json_object_get(lx, "timeOffsets"), p);
	return r;
}

/* root.path, relative to the bundle unless absolute; it must exist. */
static int root(json_t *config, const char *bundle, struct sb_plan *p, struct sb_err *err)
{
	json_t *root = json_object_get(config, "root");
	const char *path = json_string_value(json_object_get(root, "path"));
	char full[4200];
	int r;

	if (!path || !*path)
		return sb_failx(err, EINVAL, "root.path: missing");
	snprintf(full, sizeof(full), "%s%s%s", path[0] == '/' ? "" : bundle, path[0] == '/' ? "" : "/", path);
	if (access(full, F_OK) < 0)
		return sb_fail(err, errno, "root.path '%s'", full);
	r = path_normalize(full, &p->rootfs, err);
	if (r < 0)
		return sb_wrap(err, "root.path");
	p->rootfs_writable = !json_is_true(json_object_get(root, "readonly"));
	return 0;
}

int oci_config_load(const char *bundle, const char *state_dir, struct sb_plan *p, json_t **ret_config,
		    struct sb_err *err)
{
	char path[4200];
	json_error_t je;
	json_t *config;
	int r;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	config = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!config) {
		if (je.line < 0)
			return sb_failx(err, ENOENT, "%s: %s", path, je.text);
		return sb_failx(err, EINVAL, "%s:%d:%d: %s", path, je.line, je.column, je.text);
	}
	r = json_is_object(config) ? 0 : sb_failx(err, EINVAL, "%s: expected a JSON object", path);
	if (r == 0)
		r = root(config, bundle, p, err);
	if (r == 0)
		r = oci_config_process(json_object_get(config, "process"), "process", p, err);
	if (r == 0 && json_is_string(json_object_get(config, "hostname")))
		p->hostname = strdup(json_string_value(json_object_get(config, "hostname")));
	if (r == 0)
		r = linux_part(config, json_object_get(config, "linux"), state_dir, p, err);
	if (r == 0)
		r = oci_mounts(config, bundle, p, err);
	/* Exec'd processes live in Landlock domains of their own: they must
	 * still signal and connect to the container's processes. */
	p->landlock_unscoped = true;
	if (r < 0 && !strstr(err->msg, "config.json"))
		sb_wrap(err, "%s", path);
	if (r < 0) {
		json_decref(config);
		return r;
	}
	*ret_config = config;
	return 0;
}
