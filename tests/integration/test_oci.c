/*
 * test_oci.c: sandbox-oci driven as the engines drive it (runc's command
 * line), against Debian's runc on the same bundle, and with bad input.
 * As root (containerd's case) unless a test says otherwise; the test
 * process is a subreaper, as conmon and the shim are.
 */
#include "oci_harness.h"

#include <dirent.h>
#include <pwd.h>
#include <time.h>

static bool have_runc(void)
{
	return access("/usr/sbin/runc", X_OK) == 0 || access("/usr/bin/runc", X_OK) == 0;
}

static void need_root(void)
{
	if (getuid() != 0)
		cr_skip_test("needs root (the containerd case); make test runs as root");
}

static bool dir_exists(const char *root, const char *id)
{
	char p[4300];

	snprintf(p, sizeof(p), "%s/%s", root, id);
	return access(p, F_OK) == 0;
}

Test(oci, lifecycle_create_start_state_kill_delete, .fini = oci_cleanup)
{
	static struct sb_out o;
	const char *root = oci_root("life");
	const char *b = oci_bundle("oci-life", "[\"sh\", \"-c\", \"echo started; exec sleep 100\"]", "", "", "");
	char pidfile[4300];
	pid_t pid;

	need_root();
	oci_subreaper();
	snprintf(pidfile, sizeof(pidfile), "%s/pid", b);
	oci_call(&o, root, "create", "--bundle", b, "--pid-file", pidfile, "c1", NULL);
	sb_assert_status(&o, 0);
	pid = oci_read_pid(pidfile);
	/* create returned: the runtime is gone, init is ours (subreaper) and
	 * waits; the payload has not run. */
	cr_assert_eq(getpgid(pid) >= 0, true);
	oci_call(&o, root, "state", "c1", NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "\"status\": \"created\"");
	cr_assert(strstr(o.out, "\"pid\": ") && atoi(strstr(o.out, "\"pid\": ") + 7) == pid, "%s", o.out);
	oci_call(&o, root, "start", "c1", NULL);
	sb_assert_status(&o, 0);
	oci_call(&o, root, "state", "c1", NULL);
	sb_assert_out_has(&o, "\"status\": \"running\"");
	oci_call(&o, root, "ps", "--format", "json", "c1", NULL);
	sb_assert_status(&o, 0);
	cr_assert(o.out[0] == '[' && strchr(o.out, ','), "init and the payload: %s", o.out);
	oci_call(&o, root, "kill", "c1", "SIGTERM", NULL);
	sb_assert_status(&o, 0);
	/* The payload's status is init's: TERM killed sleep. */
	cr_assert_eq(oci_wait(pid, 10), 128 + SIGTERM);
	oci_call(&o, root, "state", "c1", NULL);
	sb_assert_out_has(&o, "\"status\": \"stopped\"");
	sb_assert_out_has(&o, "\"pid\": 0");
	oci_call(&o, root, "kill", "c1", "KILL", NULL);
	sb_assert_status(&o, 1);
	sb_assert_err_has(&o, "container not running");
	oci_call(&o, root, "delete", "c1", NULL);
	sb_assert_status(&o, 0);
	cr_assert(!dir_exists(root, "c1"), "state left behind");
	oci_call(&o, root, "state", "c1", NULL);
	sb_assert_status(&o, 1);
	sb_assert_err_has(&o, "does not exist");
}

Test(oci, exit_status_is_the_containers, .fini = oci_cleanup)
{
	static struct sb_out o;
	const char *root = oci_root("exit");
	const char *b = oci_bundle("oci-exit", "[\"sh\", \"-c\", \"exit 7\"]", "", "", "");
	char pidfile[4300];
	pid_t pid;

	need_root();
	oci_subreaper();
	snprintf(pidfile, sizeof(pidfile), "%s/pid", b);
	oci_call(&o, root, "create", "--bundle", b, "--pid-file", pidfile, "e1", NULL);
	sb_assert_status(&o, 0);
	pid = oci_read_pid(pidfile);
	oci_call(&o, root, "start", "e1", NULL);
	sb_assert_status(&o, 0);
	cr_assert_eq(oci_wait(pid, 10), 7, "the subreaper must see the container's status");
	oci_call(&o, root, "delete", "e1", NULL);
	sb_assert_status(&o, 0);
	/* run: create + start + wait, and the state is gone after. */
	oci_call(&o, root, "run", "--bundle", b, "e2", NULL);
	sb_assert_status(&o, 7);
	cr_assert(!dir_exists(root, "e2"));
}

Test(oci, signal_to_a_created_container_ends_it, .fini = oci_cleanup)
{
	static struct sb_out o;
	const char *root = oci_root("sig");
	const char *b = oci_bundle("oci-sig", "[\"true\"]", "", "", "");
	char pidfile[4300];
	pid_t pid;

	need_root();
	oci_subreaper();
	snprintf(pidfile, sizeof(pidfile), "%s/pid", b);
	oci_call(&o, root, "create", "--bundle", b, "--pid-file", pidfile, "s1", NULL);
	sb_assert_status(&o, 0);
	pid = oci_read_pid(pidfile);
	oci_call(&o, root, "delete", "s1", NULL); /* created, not running: no --force needed */
	sb_assert_status(&o, 0);
	cr_assert_eq(oci_wait(pid, 10), 128 + SIGKILL);
}

/* The script both runtimes run: what the container sees of itself. */
#define PROBE                                                                                                  \
	"[\"sh\", \"-c\", \"grep -E '^(Cap|NoNewPrivs)' /proc/self/status; hostname; id; "                      \
	"echo keys=$(cat /proc/keys | wc -c) acpi=$(ls /proc/acpi | wc -l) firmware=$(ls /sys/firmware | wc -l); " \
	"(echo 1 > /proc/sys/vm/overcommit_memory) 2>/dev/null && echo procsys=rw || echo procsys=ro; "            \
	"(echo x > /x) 2>/dev/null && echo root=rw || echo root=ro; echo x > /tmp/x && echo tmp=rw; "           \
	"awk '$9 != \\\"devtmpfs\\\" && $5 !~ /^.proc.(keys|timer_list)/ {print $5, $9}' /proc/self/mountinfo | sort -u; " \
	"ls /dev | tr '\\\\n' ' '; echo; ulimit -n; exit 3\"]"

Test(oci, same_view_as_runc, .fini = oci_cleanup)
{
	static struct sb_out ours, theirs;
	const char *b = oci_bundle("oci-diff", PROBE, "", "", "");
	const char *argv[] = { "runc", "--root", oci_root("runc"), "run", "--bundle", b, "d1", NULL };

	need_root();
	if (!have_runc())
		cr_skip_test("runc is not installed (tools/deps.sh)");
	argv[0] = access("/usr/sbin/runc", X_OK) == 0 ? "/usr/sbin/runc" : "/usr/bin/runc";
	oci_call(&ours, oci_root("ours"), "run", "--bundle", b, "d1", NULL);
	oci_exec(SB_AS_ROOT, argv, 60, &theirs);
	sb_assert_status(&theirs, 3);
	sb_assert_status(&ours, 3);
	/* Capabilities, no_new_privs, hostname, ids, masked and read-only
	 * paths, mounts (but device nodes: runc makes them, we bind the
	 * host's), /dev, rlimits: the same. */
	cr_assert_str_eq(ours.out, theirs.out, "\n--- sandbox-oci\n%s--- runc\n%s", ours.out, theirs.out);
	sb_assert_out_has(&ours, "NoNewPrivs:\t1\noci-test\nuid=0(root) gid=0\nkeys=0 acpi=0 firmware=0\nprocsys=ro\nroot=ro\ntmp=rw\n");
}

Test(oci, seccomp_hardening_stays_on, .fini = oci_cleanup)
{
	static struct sb_out o;
	const char *b = oci_bundle("oci-sc", "[\"sh\", \"-c\", \"grep '^Seccomp:' /proc/self/status\"]", "", "", "");

	need_root();
	/* No linux.seccomp in the config: runc loads nothing; we still load
	 * the always-on hardening (default allow). */
	oci_call(&o, oci_root("sc"), "run", "--bundle", b, "x", NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "Seccomp:\t2\n");
}

Test(oci, state_json_has_runcs_keys, .fini = oci_cleanup)
{
	static struct sb_out ours, theirs;
	const char *b = oci_bundle("oci-state", "[\"sleep\", \"100\"]", "", "", "");
	const char *root = oci_root("st"), *rroot = oci_root("rst");
	const char *runc = access("/usr/sbin/runc", X_OK) == 0 ? "/usr/sbin/runc" : "/usr/bin/runc";
	const char *cr[] = { runc, "--root", rroot, "create", "--bundle", b, "s", NULL };
	const char *st[] = { runc, "--root", rroot, "state", "s", NULL };
	const char *del[] = { runc, "--root", rroot, "delete", "--force", "s", NULL };
	static const char *const keys[] = { "\"ociVersion\"", "\"id\"", "\"pid\"", "\"status\"", "\"bundle\"",
					    "\"rootfs\"", "\"created\"", "\"owner\"" };

	need_root();
	if (!have_runc())
		cr_skip_test("runc is not installed (tools/deps.sh)");
	oci_subreaper();
	oci_call(&ours, root, "create", "--bundle", b, "s", NULL);
	sb_assert_status(&ours, 0);
	oci_call(&ours, root, "state", "s", NULL);
	oci_exec(SB_AS_ROOT, cr, 60, &theirs);
	sb_assert_status(&theirs, 0);
	oci_exec(SB_AS_ROOT, st, 60, &theirs);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		cr_assert(strstr(theirs.out, keys[i]), "runc's state lacks %s: %s", keys[i], theirs.out);
		cr_assert(strstr(ours.out, keys[i]), "our state lacks %s: %s", keys[i], ours.out);
	}
	sb_assert_out_has(&ours, "\"status\": \"created\"");
	cr_assert(strstr(theirs.out, "\"status\": \"created\""));
	oci_exec(SB_AS_ROOT, del, 60, &theirs);
	oci_call(&ours, root, "delete", "--force", "s", NULL);
	sb_assert_status(&ours, 0);
}

Test(oci, exec_joins_the_container, .fini = oci_cleanup)
{
	static struct sb_out o;
	const char *root = oci_root("exec");
	const char *b = oci_bundle("oci-exec", "[\"sh\", \"-c\", \"echo main > /tmp/mark; exec sleep 100\"]", "", "", "");
	char pidfile[4300], epid[4300];
	pid_t pid, ep;

	need_root();
	oci_subreaper();
	snprintf(pidfile, sizeof(pidfile), "%s/pid", b);
	snprintf(epid, sizeof(epid), "%s/exec.pid", b);
	oci_call(&o, root, "run", "--detach", "--bundle", b, "--pid-file", pidfile, "x1", NULL);
	sb_assert_status(&o, 0);
	pid = oci_read_pid(pidfile);
	for (int i = 0; i < 100; i++) {
		oci_call(&o, root, "exec", "x1", "cat", "/tmp/mark", NULL);
		if (o.status == 0)
			break;
		usleep(20000);
	}
	/* Same mount, pid, uts namespaces; the config's capabilities, the
	 * hardening; the exit status comes back. */
	oci_call(&o, root, "exec", "x1", "sh", "-c",
		 "cat /tmp/mark; hostname; ps -o pid,comm | grep -c sleep; grep -E '^(CapEff|NoNewPrivs|Seccomp):' "
		 "/proc/self/status; exit 4",
		 NULL);
	sb_assert_status(&o, 4);
	sb_assert_out_has(&o, "main\noci-test\n1\nCapEff:\t0000000020000420\nNoNewPrivs:\t1\nSeccomp:\t2\n");
	/* --detach with --pid-file, as conmon and the shim call it. */
	oci_call(&o, root, "exec", "--detach", "--pid-file", epid, "x1", "sh", "-c", "exit 9", NULL);
	sb_assert_status(&o, 0);
	ep = oci_read_pid(epid);
	cr_assert_eq(oci_wait(ep, 10), 9);
	oci_call(&o, root, "exec", "x1", "no-such-command", NULL);
	sb_assert_status(&o, 1);
	sb_assert_err_has(&o, "executable file 'no-such-command' not found");
	oci_call(&o, root, "delete", "x1", NULL);
	sb_assert_status(&o, 1);
	sb_assert_err_has(&o, "not stopped: running");
	oci_call(&o, root, "delete", "--force", "x1", NULL);
	sb_assert_status(&o, 0);
	cr_assert_eq(oci_wait(pid, 10), 128 + SIGKILL);
}

Test(oci, time_namespace_and_sysctl_from_the_config, .fini = oci_cleanup)
{
	static struct sb_out o;
	const char *b = oci_bundle("oci-time",
				   "[\"sh\", \"-c\", \"cut -d. -f1 /proc/uptime; cat /proc/sys/net/ipv4/ip_forward "
				   "/proc/sys/kernel/shmmni\"]",
				   ",{\"type\": \"time\"}",
				   ",\"timeOffsets\": {\"boottime\": {\"secs\": 86400, \"nanosecs\": 0}}, \"sysctl\": "
				   "{\"net.ipv4.ip_forward\": \"1\", \"kernel.shmmni\": \"1234\"}",
				   "");
	struct timespec ts;

	need_root();
	clock_gettime(CLOCK_BOOTTIME, &ts);
	oci_call(&o, oci_root("time"), "run", "--bundle", b, "t", NULL);
	sb_assert_status(&o, 0);
	cr_assert(atol(o.out) >= ts.tv_sec + 86400, "uptime inside %s, host %ld", o.out, (long)ts.tv_sec);
	sb_assert_out_has(&o, "\n1\n1234\n");
}

Test(oci, rootless_with_its_own_user_namespace, .fini = oci_cleanup)
{
	static struct sb_out o;
	char maps[512];
	const char *b;

	/* runc's rootless case: an unprivileged caller, a user namespace in
	 * the config mapping 0 to itself. */
	snprintf(maps, sizeof(maps),
		 ",\"uidMappings\": [{\"containerID\": 0, \"hostID\": %s, \"size\": 1}], \"gidMappings\": "
		 "[{\"containerID\": 0, \"hostID\": %s, \"size\": 1}]",
		 sb_env("SANDBOX_TEST_UID", "1001"), sb_env("SANDBOX_TEST_GID", "1001"));
	b = oci_bundle("oci-rootless", "[\"sh\", \"-c\", \"id -u; cat /proc/self/uid_map; exit 5\"]",
		       ",{\"type\": \"user\"}", maps, "");
	oci_call_user(&o, oci_root("rootless"), "run", "--bundle", b, "r", NULL);
	sb_assert_status(&o, 5);
	sb_assert_out_has(&o, "0\n");
	cr_assert(strstr(o.out, sb_env("SANDBOX_TEST_UID", "1001")), "%s", o.out);
}

/* ---- bad input: non-zero, a clear message (also a JSON log line),
 * nothing left behind ---- */

static void expect_failure(const char *root, const char *bundle, const char *id, const char *msg)
{
	static struct sb_out o;
	char log[4300], text[8192] = "";
	FILE *f;

	snprintf(log, sizeof(log), "%s.log", root);
	unlink(log);
	{
		const char *argv[] = { oci_bin(), "--root", root, "--log", log, "--log-format", "json", "create",
				       "--bundle", bundle, id, NULL };

		oci_exec(SB_AS_ROOT, argv, 60, &o);
	}
	cr_assert_neq(o.status, 0, "created despite: %s", msg);
	sb_assert_err_has(&o, msg);
	f = fopen(log, "r");
	cr_assert(f, "no log written");
	cr_assert(fread(text, 1, sizeof(text) - 1, f) > 0);
	fclose(f);
	cr_assert(strstr(text, "{\"level\":\"error\",\"msg\":\"") && strstr(text, msg) && strstr(text, "\"time\":\""),
		  "log: %s", text);
	cr_assert(!dir_exists(root, id), "state left behind for %s", id);
}

Test(oci, bad_input_is_refused_clearly, .fini = oci_cleanup)
{
	static struct sb_out o;
	const char *root = oci_root("bad");
	char path[4300];
	const char *b;
	FILE *f;

	need_root();
	b = oci_bundle("oci-bad1", "[\"true\"]", "", "", "");
	snprintf(path, sizeof(path), "%s/config.json", b);
	f = fopen(path, "w");
	fputs("{\"ociVersion\": \"1.0.2\",\n \"process\": {\"args\": [\"true\"] \n}", f);
	fclose(f);
	expect_failure(root, b, "b1", "config.json:3:1: ");
	b = oci_bundle("oci-bad2", "[\"true\"]", "", "", "");
	snprintf(path, sizeof(path), "sed -i 's|\"path\": \"[^\"]*\"|\"path\": \"/no/such/root\"|' %s/config.json", b);
	cr_assert_eq(system(path), 0);
	expect_failure(root, b, "b2", "root.path '/no/such/root': No such file or directory");
	b = oci_bundle("oci-bad3", "[\"true\"]", ",{\"type\": \"bogus\"}", "", "");
	expect_failure(root, b, "b3", "unknown namespace type 'bogus'");
	b = oci_bundle("oci-bad4", "[\"true\"]", "", ",\"sysctl\": {\"kernel.panic\": \"1\"}", "");
	expect_failure(root, b, "b4", "sysctl kernel.panic is not kept per namespace");
	b = oci_bundle("oci-bad5", "[\"no-such-command\"]", "", "", "");
	expect_failure(root, b, "b5", "executable file 'no-such-command' not found");
	/* A duplicate id; ids unknown to state, kill and delete. */
	b = oci_bundle("oci-dup", "[\"true\"]", "", "", "");
	oci_subreaper();
	oci_call(&o, root, "create", "--bundle", b, "dup", NULL);
	sb_assert_status(&o, 0);
	oci_call(&o, root, "create", "--bundle", b, "dup", NULL);
	sb_assert_status(&o, 1);
	sb_assert_err_has(&o, "container with id exists: dup");
	oci_call(&o, root, "delete", "--force", "dup", NULL);
	sb_assert_status(&o, 0);
	oci_call(&o, root, "state", "nope", NULL);
	sb_assert_err_has(&o, "container \"nope\" does not exist");
	oci_call(&o, root, "kill", "nope", "9", NULL);
	sb_assert_err_has(&o, "does not exist");
	oci_call(&o, root, "delete", "nope", NULL);
	sb_assert_status(&o, 1);
	sb_assert_err_has(&o, "does not exist");
}

Test(oci, unwritable_root_is_refused, .fini = oci_cleanup)
{
	static struct sb_out o;
	const char *b = oci_bundle("oci-ro", "[\"true\"]", "", "", "");

	/* As the test user, a --root under a directory it cannot write. */
	oci_call_user(&o, "/proc/sandbox-oci-state", "create", "--bundle", b, "r", NULL);
	sb_assert_status(&o, 1);
	sb_assert_err_has(&o, "--root /proc/sandbox-oci-state");
}

Test(oci, seccomp_from_the_config_like_runc, .fini = oci_cleanup)
{
	static struct sb_out ours, theirs;
	/* mkdir refused with EPERM, everything else allowed: the config's
	 * profile is what decides, in both runtimes. */
	const char *b = oci_bundle("oci-seccomp", "[\"sh\", \"-c\", \"mkdir /tmp/d 2>&1; touch /tmp/f && echo touch-ok; "
						  "grep '^Seccomp:' /proc/self/status\"]",
				   "",
				   ",\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\"], "
				   "\"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}]}",
				   "");
	const char *argv[] = { NULL, "--root", oci_root("runc-sc"), "run", "--bundle", b, "s1", NULL };

	need_root();
	if (!have_runc())
		cr_skip_test("runc is not installed (tools/deps.sh)");
	argv[0] = access("/usr/sbin/runc", X_OK) == 0 ? "/usr/sbin/runc" : "/usr/bin/runc";
	oci_exec(SB_AS_ROOT, argv, 60, &theirs);
	oci_call(&ours, oci_root("ours-sc"), "run", "--bundle", b, "s1", NULL);
	sb_assert_status(&theirs, 0);
	sb_assert_status(&ours, 0);
	sb_assert_out_has(&ours, "Operation not permitted\ntouch-ok\nSeccomp:\t2\n");
	cr_assert_str_eq(ours.out, theirs.out, "\n--- sandbox-oci\n%s--- runc\n%s", ours.out, theirs.out);
}

Test(oci, kill_all_and_preserved_fds, .fini = oci_cleanup)
{
	static struct sb_out o;
	const char *root = oci_root("all");
	const char *b = oci_bundle("oci-all", "[\"sh\", \"-c\", \"cat <&3; sleep 100 & sleep 100 & wait\"]", "", "", "");
	char pidfile[4300], msg[4300];
	pid_t pid;
	int fd;

	need_root();
	oci_subreaper();
	snprintf(pidfile, sizeof(pidfile), "%s/pid", b);
	snprintf(msg, sizeof(msg), "%s/fd3", b);
	fd = open(msg, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert(write(fd, "through-fd-3\n", 13) == 13);
	close(fd);
	/* fd 3 of the runtime reaches the container (--preserve-fds 1). */
	{
		char cmd[9000];

		snprintf(cmd, sizeof(cmd), "exec 3<%s; %s --root %s run --detach --preserve-fds 1 --bundle %s --pid-file %s a1 "
			 ">%s/out 2>&1", msg, oci_bin(), root, b, pidfile, b);
		cr_assert_eq(system(cmd), 0);
	}
	pid = oci_read_pid(pidfile);
	for (int i = 0; i < 100; i++) {
		oci_call(&o, root, "ps", "--format", "json", "a1", NULL);
		if (strchr(o.out, ',') && strchr(strchr(o.out, ',') + 1, ',') && strchr(strchr(strchr(o.out, ',') + 1, ',') + 1, ','))
			break;
		usleep(20000);
	}
	/* init, sh and two sleeps; TERM to all of them. */
	oci_call(&o, root, "kill", "--all", "a1", "TERM", NULL);
	sb_assert_status(&o, 0);
	cr_assert_eq(oci_wait(pid, 10), 128 + SIGTERM);
	snprintf(msg, sizeof(msg), "%s/out", b);
	{
		char text[256] = "";
		FILE *f = fopen(msg, "r");

		cr_assert(f && fgets(text, sizeof(text), f));
		fclose(f);
		cr_assert_str_eq(text, "through-fd-3\n");
	}
	oci_call(&o, root, "delete", "a1", NULL);
	sb_assert_status(&o, 0);
}

/* The test user's first subordinate range in file, as START. */
static long sub_start(const char *file)
{
	char line[256], name[64];
	long start = -1;
	FILE *f = fopen(file, "r");

	snprintf(name, sizeof(name), "%s:", getpwuid((uid_t)atoi(sb_env("SANDBOX_TEST_UID", "1001")))->pw_name);
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, name, strlen(name)) == 0 && start < 0)
			start = atol(line + strlen(name));
	if (f)
		fclose(f);
	return start;
}

Test(oci, rootless_with_subordinate_ranges, .fini = oci_cleanup)
{
	static struct sb_out o;
	char maps[1024], args[512];
	long us = sub_start("/etc/subuid"), gs = sub_start("/etc/subgid");
	const char *b;

	if (!getenv("SANDBOX_SUBIDS") || us < 0 || gs < 0)
		cr_skip_test("the test user has no /etc/subuid range (tests/setup-subuid.sh)");
	/* Ranges need newuidmap/newgidmap: 0 is the caller, 1..65536 its
	 * subordinate ids; the process runs as 1000 with group 1000. */
	snprintf(maps, sizeof(maps),
		 ",\"uidMappings\": [{\"containerID\": 0, \"hostID\": %s, \"size\": 1}, {\"containerID\": 1, \"hostID\": %ld, "
		 "\"size\": 65536}], \"gidMappings\": [{\"containerID\": 0, \"hostID\": %s, \"size\": 1}, {\"containerID\": 1, "
		 "\"hostID\": %ld, \"size\": 65536}]",
		 sb_env("SANDBOX_TEST_UID", "1001"), us, sb_env("SANDBOX_TEST_GID", "1001"), gs);
	snprintf(args, sizeof(args), "[\"sh\", \"-c\", \"id -u; id -g; wc -l < /proc/self/uid_map; grep -c ' %ld ' /proc/self/uid_map\"]",
		 us);
	b = oci_bundle("oci-subids", args, ",{\"type\": \"user\"}", maps, "");
	{
		/* process.user 1000:1000 */
		char cmd[9000];

		snprintf(cmd, sizeof(cmd), "sed -i 's/\"user\": {\"uid\": 0, \"gid\": 0}/\"user\": {\"uid\": 1000, \"gid\": 1000}/' %s/config.json", b);
		cr_assert_eq(system(cmd), 0);
	}
	oci_call_user(&o, oci_root("subids"), "run", "--bundle", b, "u", NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "1000\n1000\n2\n1\n");
}
