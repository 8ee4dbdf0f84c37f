/*
 * test_oci_config.c: config.json -> plan (front/oci_config.c,
 * front/oci_mounts.c), pure: what each field becomes, and the refusals.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci.h"
#include "oci_impl.h"

static char dir[64];

/* A bundle in a temp dir whose config.json is text (root.path: the dir
 * itself, which exists). */
static int load(const char *text, struct sb_plan *p, struct sb_err *err)
{
	char path[128];
	json_t *config = NULL;
	FILE *f;
	int r;

	strcpy(dir, "/tmp/oci-unit-XXXXXX");
	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config.json", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	plan_init(p);
	r = oci_config_load(dir, dir, p, &config, err);
	json_decref(config);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	cr_assert_eq(system(path), 0);
	return r;
}

#define BASE_PROCESS "\"process\": {\"args\": [\"sh\"], \"cwd\": \"/w\", \"env\": [\"A=1\"]}"

Test(oci_config, process_root_and_namespaces)
{
	struct sb_plan p;
	struct sb_err err = SB_ERR_INIT;

	cr_assert_eq(load("{\"root\": {\"path\": \".\", \"readonly\": false},"
			  "\"process\": {\"args\": [\"sh\", \"-c\", \"x\"], \"cwd\": \"/w\", \"env\": [\"A=1\"],"
			  " \"user\": {\"uid\": 1000, \"gid\": 100, \"additionalGids\": [5, 6], \"umask\": 18},"
			  " \"capabilities\": {\"bounding\": [\"CAP_KILL\", \"CAP_NO_SUCH\"], \"effective\": [\"CAP_CHOWN\"]},"
			  " \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10, \"hard\": 20}],"
			  " \"noNewPrivileges\": false, \"oomScoreAdj\": 100},"
			  "\"hostname\": \"h\","
			  "\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"},"
			  " {\"type\": \"network\", \"path\": \"/proc/1/ns/net\"}]}}",
			  &p, &err),
		     0, "%s", err.msg);
	cr_assert_str_eq(p.argv[2], "x");
	cr_assert_str_eq(p.chdir, "/w");
	cr_assert_str_eq(p.env[0], "A=1");
	cr_assert(p.payload_ids && p.uid == 1000 && p.gid == 100 && p.n_groups == 2 && p.groups[1] == 6);
	cr_assert_eq(p.umask, 18);
	cr_assert(p.caps.set && p.caps.bounding == 1ULL << 5 && p.caps.effective == 1ULL << 0, "unknown names skipped");
	cr_assert(p.n_rlimits == 1 && p.rlimits[0].resource == RLIMIT_NOFILE && p.rlimits[0].hard == 20);
	cr_assert(p.allow_new_privs && p.oom_score_adj_set && p.oom_score_adj == 100);
	cr_assert(p.rootfs_writable);
	cr_assert_str_eq(p.hostname, "h");
	/* Listed: new (pid, mount) or joined (net); not listed: kept (user,
	 * ipc, uts); cgroup: always new. */
	cr_assert(!(p.ns.share & (1u << SB_NS_PID)) && !(p.ns.share & (1u << SB_NS_MNT)));
	cr_assert(p.ns.share & (1u << SB_NS_USER) && p.ns.share & (1u << SB_NS_IPC) && p.ns.share & (1u << SB_NS_UTS));
	cr_assert(!(p.ns.share & (1u << SB_NS_CGROUP)));
	cr_assert_str_eq(p.ns.join[SB_NS_NET], "/proc/1/ns/net");
	cr_assert_eq(p.net, SB_NET_HOST, "a joined network namespace is not set up by the run");
	cr_assert(p.landlock_unscoped);
	/* No seccomp section: default allow, the hardening still on. */
	cr_assert(p.sys_default_set && p.sys_default == SB_SYS_ALLOW && p.n_seccomp_profiles == 0);
	plan_free(&p);
}

Test(oci_config, mounts_and_devices)
{
	struct sb_plan p;
	struct sb_err err = SB_ERR_INIT;
	const struct sb_mount *m;

	cr_assert_eq(load("{\"root\": {\"path\": \".\"}, " BASE_PROCESS ","
			  "\"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
			  " {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
			  "  \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},"
			  " {\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"/tmp\", \"options\": [\"rbind\", \"ro\", \"noexec\", \"rprivate\"]},"
			  " {\"destination\": \"/one\", \"source\": \"/tmp\", \"options\": [\"bind\"]}],"
			  "\"linux\": {\"namespaces\": [{\"type\": \"mount\"}]}}",
			  &p, &err),
		     0, "%s", err.msg);
	m = &p.mounts[0];
	cr_assert_eq(m->kind, SB_MOUNT_PROC);
	m = &p.mounts[1];
	cr_assert(m->kind == SB_MOUNT_FS && strcmp(m->fstype, "tmpfs") == 0);
	cr_assert_str_eq(m->data, "mode=755,size=65536k");
	cr_assert_eq(m->ms_flags, (unsigned long)(MS_NOSUID | MS_STRICTATIME));
	m = &p.mounts[2];
	cr_assert(m->kind == SB_MOUNT_RO_BIND && strcmp(m->src, "/tmp") == 0 && m->flags == SB_MNT_NOEXEC);
	m = &p.mounts[3];
	cr_assert(m->kind == SB_MOUNT_BIND && m->flags == SB_MNT_NOREC, "plain bind: the top mount only");
	/* A /dev of its own gets runc's default nodes and links. */
	cr_assert_str_eq(p.mounts[4].dst, "/dev/null");
	cr_assert_eq(p.mounts[4].kind, SB_MOUNT_BIND);
	cr_assert_str_eq(p.mounts[p.n_mounts - 1].dst, "/dev/ptmx");
	cr_assert_eq(p.mounts[p.n_mounts - 1].kind, SB_MOUNT_SYMLINK);
	plan_free(&p);
}

static void refused(const char *text, const char *msg)
{
	struct sb_plan p;
	struct sb_err err = SB_ERR_INIT;

	cr_assert_lt(load(text, &p, &err), 0, "accepted: %s", text);
	cr_assert(strstr(err.msg, msg), "message '%s' lacks '%s'", err.msg, msg);
	plan_free(&p);
}

Test(oci_config, refusals_name_the_field)
{
	refused("{\"root\": {\"path\": \".\"}, \"process\": {\"args\": []}}", "process.args: expected a non-empty array");
	refused("{\"root\": {\"path\": \"nope\"}, " BASE_PROCESS "}", "root.path");
	refused("{\"root\": {\"path\": \".\"}, " BASE_PROCESS ", \"linux\": {\"namespaces\": [{\"type\": \"nope\"}]}}",
		"unknown namespace type 'nope'");
	refused("{\"root\": {\"path\": \".\"}, " BASE_PROCESS ", \"linux\": {\"namespaces\": [{\"type\": \"user\"}]}}",
		"linux.uidMappings: required");
	refused("{\"root\": {\"path\": \".\"}, " BASE_PROCESS ", \"hooks\": {\"prestart\": [{\"path\": \"/x\"}]}}",
		"hooks.prestart: hooks are not supported");
	refused("{\"root\": {\"path\": \".\"}, " BASE_PROCESS ", \"linux\": {\"seccomp\": {\"defaultAction\": "
		"\"SCMP_ACT_ALLOW\", \"listenerPath\": \"/s\"}}}",
		"listenerPath");
	refused("{\"root\": {\"path\": \".\"}, " BASE_PROCESS ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"bind\"}]}",
		"a bind needs a source");
	refused("{\"root\": {\"path\": \".\"}, " BASE_PROCESS ",\n \"x\": }", "config.json:2:7:");
}

Test(oci_config, cgroups_path_forms)
{
	char *a = oci_cgroup_path("/default/c1"), *b = oci_cgroup_path("system.slice:docker:abc"),
	     *c = oci_cgroup_path("machine-pod.slice:crio:x"), *d = oci_cgroup_path("a:b");

	cr_assert_str_eq(a, "/default/c1");
	cr_assert_str_eq(b, "/system.slice/docker-abc.scope");
	cr_assert_str_eq(c, "/machine.slice/machine-pod.slice/crio-x.scope");
	cr_assert_null(d);
	free(a), free(b), free(c);
}
