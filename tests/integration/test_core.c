/*
 * test_core.c: the core launcher, asserted from inside and outside:
 * namespaces, filesystem, identity, capabilities, descriptors, environment,
 * lifecycle and exit statuses. Runs the built binary as the test user
 * (and as root where the root-caller path is the subject).
 */
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/shm.h>
#include <time.h>

#include "harness.h"

TestSuite(core, .timeout = 60);

/* Any process whose command line holds marker (ours: unique per test). */
static int count_marked(const char *marker)
{
	char cmd[512], path[64], buf[4096];
	int n = 0;
	FILE *ls;

	snprintf(cmd, sizeof(cmd), "ls /proc");
	ls = popen(cmd, "r");
	while (ls && fgets(path, sizeof(path), ls)) {
		char file[128];
		FILE *f;
		size_t len;

		path[strcspn(path, "\n")] = '\0';
		if (path[0] < '0' || path[0] > '9')
			continue;
		snprintf(file, sizeof(file), "/proc/%s/cmdline", path);
		f = fopen(file, "r");
		if (!f)
			continue;
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		for (size_t i = 0; i < len; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[len] = '\0';
		if (strstr(buf, marker) && !strstr(buf, "ls /proc"))
			n++;
	}
	if (ls)
		pclose(ls);
	return n;
}

static int wait_marked_gone(const char *marker)
{
	for (int i = 0; i < 40; i++) {
		if (count_marked(marker) == 0)
			return 0;
		usleep(50000);
	}
	return count_marked(marker);
}

Test(core, echo_with_no_options)
{
	struct sb_out o;

	sb_run(&o, "--", "sh", "-c", "echo hi", NULL);
	sb_assert_status(&o, 0);
	cr_assert_str_eq(o.out, "hi\n");
}

Test(core, exit_codes)
{
	struct sb_out o;

	sb_run(&o, "--", "true", NULL);
	sb_assert_status(&o, 0);
	sb_run(&o, "--", "sh", "-c", "exit 3", NULL);
	sb_assert_status(&o, 3);
	sb_run(&o, "--", "sh", "-c", "kill -9 $$", NULL);
	sb_assert_status(&o, 128 + 9);
	sb_run(&o, "--", "/etc/passwd", NULL);
	sb_assert_status(&o, 126);
	sb_assert_err_has(&o, "cannot execute '/etc/passwd'");
	sb_run(&o, "--", "/no/such/command", NULL);
	sb_assert_status(&o, 127);
	sb_assert_err_has(&o, "not found");
	sb_run(&o, "--ro-bind", "/no/such/dir", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "bind source '/no/such/dir'");
}

Test(core, bad_options_exit_125_with_a_message)
{
	struct sb_out o;

	sb_run(&o, "--memroy", "1M", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "unknown option '--memroy'");
	sb_assert_err_has(&o, "did you mean '--memory'");
	sb_run(&o, "--hostname", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "needs an argument");
	sb_run(&o, "--net", "sideways", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "unknown network mode 'sideways'");
	sb_run(&o, "--tmpfs", "relative/path", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "must be absolute");
	sb_run(&o, "--stderr", "/tmp/x", "--stderr-to-stdout", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "conflicts with");
	sb_run(&o, "--net", "none", "--hostname", "a", "--net", "host", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "option '--net' given twice, as 'none' and 'host'");
	sb_run(&o, "--map-to", "0", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_run(&o, NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "no command given");
}

Test(core, pid_namespace)
{
	struct sb_out o;

	/*
	 * The payload is pid 2 (init is 1); only the sandbox's processes show.
	 * The shell's own glob counts them: a pipeline would race (ls may list
	 * /proc before the shell has forked grep).
	 */
	sb_run(&o, "--", "sh", "-c", "echo $$; cat /proc/1/comm; set -- /proc/[0-9]*; echo $# $*", NULL);
	sb_assert_status(&o, 0);
	cr_assert_str_eq(o.out, "2\nsandbox\n2 /proc/1 /proc/2\n", "got: %s", o.out);
}

Test(core, uts_namespace)
{
	struct sb_out o;
	char before[256], after[256];

	sb_run(&o, "--", "hostname", NULL);
	cr_assert_str_eq(o.out, "sandbox\n");
	sb_run(&o, "--hostname", "judge-7", "--", "hostname", NULL);
	cr_assert_str_eq(o.out, "judge-7\n");
	gethostname(before, sizeof(before));
	sb_run(&o, "--", "hostname", "changed-inside", NULL);
	cr_assert_neq(o.status, 0, "the payload holds no CAP_SYS_ADMIN, hostname must fail");
	gethostname(after, sizeof(after));
	cr_assert_str_eq(before, after);
}

Test(core, ipc_namespace_hides_host_sysv_ipc)
{
	struct sb_out o;
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);

	cr_assert(id >= 0);
	sb_run(&o, "--", "sh", "-c", "tail -n +2 /proc/sysvipc/shm | wc -l", NULL);
	shmctl(id, IPC_RMID, NULL);
	sb_assert_status(&o, 0);
	cr_assert_str_eq(o.out, "0\n", "host segment visible: %s", o.out);
}

Test(core, network_only_loopback_and_up)
{
	struct sb_out o;

	sb_run(&o, "--", "sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '", NULL);
	sb_assert_status(&o, 0);
	cr_assert_str_eq(o.out, "lo\n");
	/* lo is up: a loopback TCP connection works. */
	sb_run(&o, "--", "python3", "-c",
	       "import socket;s=socket.socket();s.bind(('127.0.0.1',0));s.listen();"
	       "c=socket.create_connection(s.getsockname());print('ok')",
	       NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "ok");
}

Test(core, read_only_binds_are_read_only)
{
	struct sb_out o;

	sb_run(&o, "--", "sh", "-c", "touch /usr/sb-x 2>&1; touch /sb-x 2>&1; echo x > /etc/passwd 2>&1", NULL);
	cr_assert(strstr(o.out, "/usr/sb-x': Read-only file system"), "%s", o.out);
	cr_assert(strstr(o.out, "'/sb-x': Read-only file system"), "%s", o.out);
	sb_run(&o, "--", "sh", "-c", "mount -o remount,rw /usr 2>&1 || echo refused", NULL);
	sb_assert_out_has(&o, "refused");
	sb_run(&o, "--", "sh", "-c", "touch /tmp/ok && echo writable", NULL);
	sb_assert_out_has(&o, "writable");
}

Test(core, read_only_is_recursive)
{
	struct sb_out o;
	char top[4096], inner[4096];

	if (getuid() != 0)
		cr_skip_test("needs root to make a submount for the test");
	snprintf(top, sizeof(top), "%s/rec", sb_testdir());
	snprintf(inner, sizeof(inner), "%s/rec/inner", sb_testdir());
	mkdir(top, 0755);
	mkdir(inner, 0755);
	cr_assert(mount("tmpfs", inner, "tmpfs", 0, "mode=0777") == 0);
	sb_run(&o, "--ro-bind", top, "--", "sh", "-c", "touch $0/inner/x 2>&1", top, NULL);
	umount2(inner, MNT_DETACH);
	sb_assert_out_has(&o, "Read-only file system");
}

Test(core, every_mount_nosuid_and_nodev)
{
	struct sb_out o;

	/* Field 6 of mountinfo holds the per-mount options. Device binds in
	 * /dev are the only mounts allowed without nodev. */
	sb_run(&o, "--", "sh", "-c",
	       "awk '$6 !~ /nosuid/ {print \"suid:\" $5} "
	       "$6 !~ /nodev/ && $5 !~ \"^/dev/(null|zero|full|random|urandom|tty|pts)$\" {print \"dev:\" $5}' "
	       "/proc/self/mountinfo; echo done",
	       NULL);
	sb_assert_status(&o, 0);
	cr_assert_str_eq(o.out, "done\n", "mounts without nosuid/nodev: %s", o.out);
}

Test(core, outside_paths_and_old_root_are_gone)
{
	struct sb_out o;

	sb_run(&o, "--", "sh", "-c",
	       "for p in /home /root /var /oldroot /newroot /boot /sys /etc/shadow; do [ -e $p ] && echo $p; done;"
	       "grep -c oldroot /proc/self/mountinfo",
	       NULL);
	cr_assert_str_eq(o.out, "0\n", "visible: %s", o.out);
}

Test(core, capabilities_and_no_new_privs)
{
	struct sb_out o;

	sb_run(&o, "--", "grep", "-E", "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)", "/proc/self/status", NULL);
	sb_assert_status(&o, 0);
	cr_assert_str_eq(o.out,
			 "CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n"
			 "CapBnd:\t0000000000000000\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\n");
}

Test(core, descriptors_above_2_are_closed)
{
	struct sb_out o;
	char script[8192];
	const char *argv[] = { "/bin/sh", "-c", script, NULL };

	/* fd 5 and 7 are open in the caller; only 0-2 (and ls's own dir fd 3)
	 * may show inside, unless --keep-fd passes one. */
	snprintf(script, sizeof(script),
		 "exec 5</etc/hostname 7</etc/hostname; %s run -- ls /proc/self/fd; echo --; "
		 "%s run --keep-fd 7 -- sh -c 'cat <&7 >/dev/null && echo kept'",
		 sb_bin(), sb_bin());
	sb_exec(SB_AS_USER, argv, NULL, 30, &o);
	cr_assert_str_eq(o.out, "0\n1\n2\n3\n--\nkept\n", "got: %s\nerr: %s", o.out, o.err);
}

Test(core, environment_is_clean)
{
	struct sb_out o;
	char script[4096];
	const char *argv[] = { "/bin/sh", "-c", script, NULL };

	snprintf(script, sizeof(script),
		 "SECRET_TOKEN=hunter2 KEEP=me %s run --env A=1 --keep-env KEEP -- /usr/bin/env", sb_bin());
	sb_exec(SB_AS_USER, argv, NULL, 30, &o);
	sb_assert_status(&o, 0);
	/* PATH (the default policy sets it), what was asked for, nothing else. */
	cr_assert(strstr(o.out, "PATH=/usr/local/bin:/usr/bin:/bin") && strstr(o.out, "KEEP=me\n") &&
			  strstr(o.out, "A=1\n") && !strstr(o.out, "SECRET") && !strstr(o.out, "HOME="),
		  "got: %s", o.out);
	{
		int lines = 0;

		for (const char *c = o.out; *c; c++)
			lines += *c == '\n';
		cr_assert_eq(lines, 3, "got: %s", o.out);
	}
}

Test(core, caller_memory_not_reachable_through_pid1)
{
	struct sb_out o;
	char script[4096];
	const char *argv[] = { "/bin/sh", "-c", script, NULL };

	snprintf(script, sizeof(script),
		 "SECRET_TOKEN=hunter2 %s run --env ARGSECRET=swordfish -- sh -c "
		 "'tr \"\\0\" \" \" </proc/1/cmdline; echo; cat /proc/1/environ /proc/1/mem 2>&1 | grep -c denied'",
		 sb_bin());
	sb_exec(SB_AS_USER, argv, NULL, 30, &o);
	sb_assert_status(&o, 0);
	cr_assert(!strstr(o.out, "swordfish") && !strstr(o.out, "hunter2"), "leaked: %s", o.out);
	sb_assert_out_has(&o, "2\n");
}

Test(core, new_session_without_terminal)
{
	struct sb_out o;

	/* The payload leads its own session (sid == pid): no controlling
	 * terminal to push keystrokes into. */
	sb_run(&o, "--", "sh", "-c", "cut -d' ' -f6 /proc/$$/stat; echo $$", NULL);
	sb_assert_status(&o, 0);
	cr_assert_str_eq(o.out, "2\n2\n", "got %s", o.out);
}

Test(core, signals_are_forwarded)
{
	struct sb_out o;
	char script[4096];
	const char *argv[] = { "/bin/sh", "-c", script, NULL };

	/* TERM only once the payload said its trap is set: a fixed sleep
	 * raced with a slow start (the VM lane emulates its CPU). */
	snprintf(script, sizeof(script),
		 "out=%s/forward.out; "
		 "%s run -- sh -c 'trap \"echo got-term; exit 7\" TERM; echo ready; while :; do sleep 0.05; done' >$out & "
		 "pid=$!; i=0; while ! grep -q ready $out && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; "
		 "kill -TERM $pid; wait $pid; rc=$?; cat $out; exit $rc",
		 sb_user_dir("forward"), sb_bin());
	sb_exec(SB_AS_USER, argv, NULL, 30, &o);
	sb_assert_status(&o, 7);
	sb_assert_out_has(&o, "got-term");
}

Test(core, sigkill_of_launcher_leaves_nothing)
{
	struct sb_out o;
	char script[4096], marker[64];
	const char *argv[] = { "/bin/sh", "-c", script, NULL };

	snprintf(marker, sizeof(marker), "%d.%ld", getpid(), (long)time(NULL) % 100000);
	snprintf(script, sizeof(script),
		 "%s run -- sh -c 'sleep 1%s & sleep 2%s' & sleep 0.5; kill -KILL $!; echo killed", sb_bin(),
		 marker, marker);
	sb_exec(SB_AS_USER, argv, NULL, 30, &o);
	sb_assert_out_has(&o, "killed");
	cr_assert_eq(wait_marked_gone(marker), 0, "processes survived the launcher");
}

Test(core, double_forked_daemon_dies_with_the_run)
{
	struct sb_out o;
	char script[256], marker[64];

	snprintf(marker, sizeof(marker), "3%d.%ld", getpid() % 1000, (long)time(NULL) % 1000);
	snprintf(script, sizeof(script), "(setsid sleep %s &) ; sleep 0.2; echo started", marker);
	sb_run(&o, "--", "sh", "-c", script, NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "started");
	cr_assert_eq(wait_marked_gone(marker), 0, "a daemon outlived the run");
}

Test(core, root_caller_maps_to_unprivileged_uid)
{
	struct sb_out o;

	if (getuid() != 0)
		cr_skip_test("the root-caller path needs root");
	sb_run_root(&o, "--", "sh", "-c", "id -u; cat /proc/self/uid_map /proc/self/gid_map; grep Groups /proc/self/status", NULL);
	sb_assert_status(&o, 0);
	cr_assert(strstr(o.out, "0\n"), "%s", o.out);
	cr_assert(strstr(o.out, "0      65534          1"), "root must map to 65534: %s", o.out);
	cr_assert(strstr(o.out, "Groups:\t\n") || strstr(o.out, "Groups:\t \n") || strstr(o.out, "Groups:\n"),
		  "supplementary groups leaked: %s", o.out);
	sb_run_root(&o, "--map-to", "4242", "--uid", "1000", "--", "sh", "-c", "id -u; cat /proc/self/uid_map", NULL);
	sb_assert_status(&o, 0);
	cr_assert(strstr(o.out, "1000\n") && strstr(o.out, "4242"), "%s", o.out);
}

Test(core, files_written_belong_to_the_caller)
{
	struct sb_out o;
	const char *dir = sb_user_dir("rw");
	char spec[4200], file[4200];
	struct stat st;

	snprintf(spec, sizeof(spec), "%s:/work", dir);
	snprintf(file, sizeof(file), "%s/out.txt", dir);
	sb_run(&o, "--bind", spec, "--chdir", "/work", "--", "sh", "-c", "echo data > out.txt", NULL);
	sb_assert_status(&o, 0);
	cr_assert(stat(file, &st) == 0);
	cr_assert_eq(st.st_uid, (uid_t)atoi(sb_env("SANDBOX_TEST_UID", "1001")));
}

Test(core, filesystem_options)
{
	struct sb_out o;

	sb_run(&o, "--tmpfs", "/scratch:size=1M", "--dir", "/a/b", "--symlink", "a/b:/link", "--", "sh", "-c",
	       "dd if=/dev/zero of=/scratch/f bs=1k count=2048 2>&1 | grep -c 'No space'; "
	       "[ -d /a/b ] && readlink /link",
	       NULL);
	sb_assert_status(&o, 0);
	cr_assert_str_eq(o.out, "1\na/b\n", "%s", o.out);
	sb_run(&o, "--net", "host", "--", "sh", "-c", "tail -n +3 /proc/net/dev | wc -l", NULL);
	sb_assert_status(&o, 0);
	cr_assert(atoi(o.out) >= 1);
}

Test(core, dev_is_minimal_and_works)
{
	struct sb_out o;

	sb_run(&o, "--", "sh", "-c",
	       "ls /dev | tr '\\n' ' '; echo; head -c 4 /dev/urandom | wc -c; echo x > /dev/null && echo null-ok; "
	       "[ -c /dev/pts/ptmx ] && echo pts-ok",
	       NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero");
	sb_assert_out_has(&o, "4\nnull-ok\npts-ok");
}

Test(core, overlay_writes_are_thrown_away)
{
	struct sb_out o;
	const char *dir = sb_user_dir("lower");
	char spec[4200], file[4200];
	FILE *f;

	snprintf(file, sizeof(file), "%s/f", dir);
	f = fopen(file, "w");
	fputs("orig\n", f);
	fclose(f);
	chmod(file, 0666);
	/* Copy-up keeps the owner, so it must be mapped: the test user's. */
	if (getuid() == 0)
		cr_assert(chown(file, (uid_t)atoi(sb_env("SANDBOX_TEST_UID", "1001")),
				(gid_t)atoi(sb_env("SANDBOX_TEST_GID", "1001"))) == 0);
	snprintf(spec, sizeof(spec), "%s:/layer", dir);
	sb_run(&o, "--overlay", spec, "--", "sh", "-c", "echo new > /layer/f; echo x > /layer/g; cat /layer/f /layer/g", NULL);
	sb_assert_status(&o, 0);
	cr_assert_str_eq(o.out, "new\nx\n");
	f = fopen(file, "r");
	cr_assert(fgets(spec, sizeof(spec), f));
	fclose(f);
	cr_assert_str_eq(spec, "orig\n", "the host file changed");
	snprintf(file, sizeof(file), "%s/g", dir);
	cr_assert(access(file, F_OK) < 0, "a new file reached the host");
}

Test(core, rootfs_replaces_the_root)
{
	struct sb_out o;
	const char *root = sb_user_dir("rootfs");
	char bin[4200], cmd[8400];

	if (access("/bin/busybox", X_OK) < 0)
		cr_skip_test("busybox-static is not installed");
	snprintf(bin, sizeof(bin), "%s/bin", root);
	mkdir(bin, 0755);
	snprintf(cmd, sizeof(cmd), "cp /bin/busybox %s/bin/ && chown -R %s:%s %s", root,
		 sb_env("SANDBOX_TEST_UID", "1001"), sb_env("SANDBOX_TEST_GID", "1001"), root);
	cr_assert_eq(system(cmd), 0);
	snprintf(bin, sizeof(bin), "%s/marker-%d", root, getpid());
	fclose(fopen(bin, "w"));
	/* A policy of its own: the default one would bind the host's /usr. */
	snprintf(cmd, sizeof(cmd), "rootfs %s\nproc\ndev\ntmpfs /tmp\n", root);
	sb_run(&o, "--policy", sb_write_file("rootfs.policy", cmd), "--", "/bin/busybox", "sh", "-c",
	       "/bin/busybox ls / | /bin/busybox grep -c marker-; /bin/busybox touch /x 2>&1", NULL);
	cr_assert(strstr(o.out, "1\n"), "%s%s", o.out, o.err);
	cr_assert(strstr(o.out, "Read-only file system"), "rootfs must be read-only: %s", o.out);
}

Test(core, user_namespaces_disabled_is_explained)
{
	struct sb_out o;
	char script[4096];
	const char *argv[] = { "/bin/sh", "-c", script, NULL };

	/* user.max_user_namespaces is per user namespace: set it to 0 in a
	 * throwaway one (as bubblewrap's --disable-userns does) and start
	 * the sandbox there. */
	snprintf(script, sizeof(script),
		 "unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec %s run -- true'", sb_bin());
	sb_exec(SB_AS_USER, argv, NULL, 30, &o);
	if (strstr(o.err, "max_user_namespaces: Permission denied"))
		cr_skip_test("cannot lower the limit in a child namespace here");
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "cannot create a user namespace");
	sb_assert_err_has(&o, "user.max_user_namespaces");
	cr_assert(strchr(o.err, '\n') == o.err + strlen(o.err) - 1, "one line: %s", o.err);
}
