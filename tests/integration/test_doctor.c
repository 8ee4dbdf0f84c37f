/*
 * test_doctor.c: `sandbox doctor` on this host, as the test user (with and
 * without the delegated cgroup tests/setup-cgroup.sh made) and as root,
 * checked against what a run really does here; user namespaces turned off
 * (user.max_user_namespaces=0 in a user namespace of our own, where the
 * sysctl is ours to set) make doctor exit 1 naming the sysctl, and a run
 * exit 125 with the same fix. tests/lane-doctor.sh runs this in the cgroup
 * v2 VM too, and turns the real sysctl off there.
 */
#include "harness.h"

static bool in_vm(void)
{
	return getenv("RUN_IN_VM") != NULL;
}

/* doctor --json as the test user or root; the JSON must parse (python3's
 * json module checks it, and prints KEY=VALUE lines for the asserts). */
static void doctor(enum sb_as as, struct sb_out *o)
{
	const char *argv[] = { sb_bin(), "doctor", "--json", NULL };

	sb_exec(as, argv, NULL, 60, o);
}

static void json_valid(const struct sb_out *o)
{
	char path[600], cmd[1400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/doctor-%d.json", sb_testdir(), (int)getpid());
	f = fopen(path, "w");
	cr_assert(f);
	fputs(o->out, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
		 "assert d[\"version\"] == 1 and isinstance(d[\"default_runs\"], bool); "
		 "assert all(c[\"state\"] in (\"ok\", \"degraded\", \"missing\") for c in d[\"checks\"].values()); "
		 "assert all(p[\"verdict\"] in (\"ok\", \"best-effort\", \"needs-fix\", \"cannot-run\") "
		 "for p in d[\"policies\"].values()); assert \"default\" in d[\"policies\"]' '%s'",
		 path);
	cr_assert_eq(system(cmd), 0, "doctor --json is not the documented object:\n%s", o->out);
	unlink(path);
}

/* The JSON object of one check or policy, e.g. "\"cgroup\": {...}". */
static const char *entry(const struct sb_out *o, const char *key, char *buf, size_t len)
{
	char pat[64];
	const char *s, *e;

	snprintf(pat, sizeof(pat), "\"%s\": {", key);
	s = strstr(o->out, pat);
	cr_assert(s, "no '%s' in:\n%s", key, o->out);
	e = strchr(s, '}');
	snprintf(buf, len, "%.*s", (int)(e - s + 1), s);
	return buf;
}

#define assert_in(text, s) cr_assert(strstr((text), (s)), "'%s' lacks '%s'", (text), (s))

Test(doctor, as_the_test_user)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	char e[4096];

	doctor(SB_AS_USER, o);
	sb_assert_status(o, 0); /* the default policy runs here: the other tests prove it */
	json_valid(o);
	assert_in(entry(o, "userns", e, sizeof(e)), "\"state\": \"ok\"");
	assert_in(entry(o, "seccomp", e, sizeof(e)), "\"filter\": true");
	/* --net user's needs, as net_prepare checks them (pasta is in deps). */
	entry(o, "net_helper", e, sizeof(e));
	cr_assert(strstr(e, "\"usable\": true") || strstr(e, "default route"), "%s", e);
	assert_in(entry(o, "default", e, sizeof(e)), "\"verdict\": \"ok\"");
	/* The unprivileged user holds no capability for eBPF. */
	assert_in(entry(o, "ebpf", e, sizeof(e)), "\"permitted\": false");
	cr_assert(strstr(entry(o, "ebpf", e, sizeof(e)), "\"fix\": \""), "no fix for eBPF: %s", e);
	free(o);
}

/* With the delegated cgroup (SANDBOX_CGROUP from setup-cgroup.sh on this
 * host; the VM's test user runs in a delegated scope), a judged run gets
 * its cgroup, and doctor says so. */
Test(doctor, with_the_delegated_cgroup)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	char e[4096];

	if (!getenv("SANDBOX_CGROUP") && !in_vm())
		cr_skip_test("no delegated cgroup (tests/setup-cgroup.sh needs root on a v1 host)");
	doctor(SB_AS_USER, o);
	sb_assert_status(o, 0);
	assert_in(entry(o, "cgroup", e, sizeof(e)), "\"state\": \"ok\"");
	assert_in(e, in_vm() ? "\"version\": 2" : "\"version\": 1");
	assert_in(e, "\"memory\"");
	assert_in(entry(o, "judge", e, sizeof(e)), "\"verdict\": \"ok\"");
	/* What the run does: its limits enforced by the cgroup. */
	sb_run(o, "--policy", "judge", "--chdir", "/", "--report", "-", "--", "/bin/true", NULL);
	sb_assert_status(o, 0);
	sb_assert_err_has(o, "\"memory_bytes\": {\"value\": 268435456, \"enforced_by\": \"cgroup\"}");
	free(o);
}

/* Without it (a test user outside any delegated cgroup): the limited
 * policies fall back to rlimits, which doctor explains and the run shows. */
Test(doctor, without_the_delegated_cgroup)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	char e[4096];

	if (getuid() != 0 || in_vm())
		cr_skip_test("needs root to leave the test user without a cgroup on this host");
	unsetenv("SANDBOX_CGROUP");
	doctor(SB_AS_USER, o);
	sb_assert_status(o, 0); /* the default policy needs no cgroup */
	assert_in(entry(o, "cgroup", e, sizeof(e)), "\"usable\": false");
	cr_assert(strstr(e, "\"state\": \"missing\"") || strstr(e, "\"state\": \"degraded\""), "%s", e);
	assert_in(e, "--limits best-effort"); /* the fix names the choices */
	assert_in(e, strstr(e, "\"version\": 2") ? "Delegate=yes" : "SANDBOX_CGROUP=");
	assert_in(entry(o, "judge", e, sizeof(e)), "\"verdict\": \"best-effort\"");
	assert_in(e, "sampling the process tree");
	/* The default policy's caps run best-effort too. */
	assert_in(entry(o, "default", e, sizeof(e)), "\"verdict\": \"best-effort\"");
	sb_run(o, "--policy", "judge", "--chdir", "/", "--report", "-", "--", "/bin/true", NULL);
	sb_assert_status(o, 0);
	sb_assert_err_has(o, "\"memory_bytes\": {\"value\": 268435456, \"enforced_by\": \"sampling\"}");
	free(o);
}

/* A root caller uses a child of its own cgroup: doctor's verdict on the
 * judge policy is what a judged run as root then really does. */
Test(doctor, as_root)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	const char *run[] = { sb_bin(), "run", "--policy", "judge", "--chdir", "/", "--report", "-", "--", "/bin/true",
			      NULL };
	char e[4096];
	bool ok;

	if (getuid() != 0)
		cr_skip_test("needs root");
	doctor(SB_AS_ROOT, o);
	sb_assert_status(o, 0);
	json_valid(o);
	assert_in(entry(o, "userns", e, sizeof(e)), "\"state\": \"ok\"");
	assert_in(entry(o, "ebpf", e, sizeof(e)), "\"permitted\": true");
	ok = strstr(entry(o, "judge", e, sizeof(e)), "\"verdict\": \"ok\"") != NULL;
	cr_assert(ok || strstr(e, "\"verdict\": \"best-effort\""), "%s", e);
	sb_exec(SB_AS_ROOT, run, NULL, 60, o);
	sb_assert_status(o, 0);
	sb_assert_err_has(o, ok ? "\"memory_bytes\": {\"value\": 268435456, \"enforced_by\": \"cgroup\"}"
				: "\"memory_bytes\": {\"value\": 268435456, \"enforced_by\": \"sampling\"}");
	free(o);
}

/* The text form: one line per check with its state, the fixes indented. */
Test(doctor, text_form)
{
	struct sb_out *o = calloc(1, sizeof(*o));

	sb_cmd(o, "doctor", NULL);
	sb_assert_status(o, 0);
	sb_assert_out_has(o, "\nok        user namespaces   ");
	sb_assert_out_has(o, "\nshipped policies here:\n");
	sb_assert_out_has(o, " default ");
	sb_assert_out_has(o, "the default policy can run here (exit 0)");
	sb_cmd(o, "doctor", "--bogus", NULL);
	sb_assert_status(o, 125);
	free(o);
}

/* user.max_user_namespaces is per user namespace: 0 in one of our own
 * turns them off for everything started there, doctor and run alike. */
Test(doctor, user_namespaces_off)
{
	struct sb_out *o = calloc(1, sizeof(*o));
	const char *fix = "sysctl -w user.max_user_namespaces=15000";
	char cmd[1200];
	const char *argv[] = { "/bin/sh", "-c", cmd, NULL };

	if (access("/usr/bin/unshare", X_OK) != 0)
		cr_skip_test("unshare(1) missing");
	snprintf(cmd, sizeof(cmd), "unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec %s doctor --json'",
		 sb_bin());
	sb_exec(SB_AS_USER, argv, NULL, 60, o);
	if (strstr(o->err, "max_user_namespaces: Permission denied"))
		cr_skip_test("this kernel does not let a namespace's owner lower its limit");
	sb_assert_status(o, 1);
	sb_assert_out_has(o, "\"userns\": {\"state\": \"missing\", \"detail\": \"cannot create a user namespace: "
			     "the sysctl user.max_user_namespaces is 0");
	sb_assert_out_has(o, fix);
	sb_assert_out_has(o, "\"default\": {\"verdict\": \"cannot-run\"");
	sb_assert_out_has(o, "\"default_runs\": false");
	snprintf(cmd, sizeof(cmd),
		 "unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec %s run -- /bin/true'", sb_bin());
	sb_exec(SB_AS_USER, argv, NULL, 60, o);
	sb_assert_status(o, 125);
	sb_assert_err_has(o, "the sysctl user.max_user_namespaces is 0");
	sb_assert_err_has(o, fix);
	free(o);
}
