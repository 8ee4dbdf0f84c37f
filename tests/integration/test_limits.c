/*
 * test_limits.c: each limit ends the run with its verdict, the figures are
 * plausible (generous bounds: tests never assert tight timings; `make
 * bench` measures), and nothing is left behind. Runs as the test user
 * under the cgroup that tests/setup-cgroup.sh delegated (SANDBOX_CGROUP).
 */
#include <dirent.h>

#include "harness.h"

#define ELEMS(a) (sizeof(a) / sizeof((a)[0]))

TestSuite(limits, .timeout = 120);

/* Upper bounds stretch under the VM lane's software emulation, whose
 * timing varies a lot; the verdicts do not. */
static double slack(void)
{
	return getenv("RUN_IN_VM") ? 4.0 : 1.0;
}

static void need_cgroup(void)
{
	if (!getenv("SANDBOX_CGROUP") && !getenv("RUN_IN_VM"))
		cr_skip_test("no delegated cgroup (tests/setup-cgroup.sh needs root on a v1 machine)");
}

/* A figure of the report in o's stderr. */
static double json_num(const struct sb_out *o, const char *key)
{
	return sb_json_num(o->err, key);
}

#define STATUS(o, s) sb_assert_err_has(o, "\"status\": \"" s "\"")

/*
 * The directories runs make their cgroups in: SANDBOX_CGROUP itself in the
 * VM (an absolute v2 path), or SANDBOX_CGROUP under this process's own
 * cgroup in each v1 hierarchy the limits use (tests/setup-cgroup.sh).
 */
static size_t run_parents(char dirs[][512], size_t max)
{
	static const char *const ctls[] = { "memory", "pids", "cpu", "cpuacct" };
	const char *name = getenv("SANDBOX_CGROUP");
	size_t n = 0;

	if (!name)
		return 0;
	if (name[0] == '/') {
		snprintf(dirs[n++], 512, "%s", name);
		return n;
	}
	for (size_t i = 0; i < ELEMS(ctls) && n < max; i++) {
		FILE *f = fopen("/proc/self/cgroup", "r");
		char line[512];

		cr_assert(f);
		while (fgets(line, sizeof(line), f)) {
			/* "ID:CONTROLLERS:PATH"; match CONTROLLERS by whole name. */
			char ctl_list[256], path[256], want[64];

			if (sscanf(line, "%*[^:]:%255[^:]:%255s", ctl_list, path) != 2)
				continue;
			snprintf(want, sizeof(want), ",%s,", ctls[i]);
			memmove(ctl_list + 1, ctl_list, strlen(ctl_list) + 1);
			ctl_list[0] = ',';
			strcat(ctl_list, ",");
			if (strstr(ctl_list, want)) {
				snprintf(dirs[n++], 512, "/sys/fs/cgroup/%s%s/%s", ctls[i],
					 strcmp(path, "/") ? path : "", name);
				break;
			}
		}
		fclose(f);
	}
	return n;
}

/* A run's cgroup is "sandbox-PID-START" after its launcher's pid and start
 * time: left behind means its launcher is gone (a concurrent test's live
 * run is not a leftover). */
static bool launcher_gone(const char *dirname)
{
	unsigned long long start = 0;
	char *end;
	long pid;

	if (strncmp(dirname, "sandbox-", 8) != 0)
		return false;
	pid = strtol(dirname + 8, &end, 10);
	if (*end == '-')
		start = strtoull(end + 1, NULL, 10);
	if (pid <= 0)
		return false;
	return (kill((pid_t)pid, 0) < 0 && errno == ESRCH) || (start && sb_start_time(pid) != start);
}

/* The first cgroup left behind by a dead launcher, or "" when none. */
static void find_leftover(char *found, size_t len)
{
	char dirs[8][512];
	size_t n = run_parents(dirs, 8);

	found[0] = '\0';
	for (size_t i = 0; i < n && !found[0]; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;

		cr_assert(d, "cannot list %s", dirs[i]);
		while ((e = readdir(d)))
			if (e->d_type == DT_DIR && launcher_gone(e->d_name)) {
				snprintf(found, len, "%s/%s", dirs[i], e->d_name);
				break;
			}
		closedir(d);
	}
}

/*
 * Looks again for a few seconds before failing: the launcher-SIGKILL test,
 * running concurrently, leaves one on purpose until its next run (a few
 * ms later) removes it. A real leftover stays.
 */
static void assert_no_leftover_cgroups(void)
{
	char found[1200];

	for (int i = 0; i < 50; i++) {
		find_leftover(found, sizeof(found));
		if (!found[0])
			return;
		usleep(100000);
	}
	cr_assert_fail("left behind: %s", found);
}

Test(limits, cpu_time_infinite_loop)
{
	struct sb_out o;
	const char *opts[] = { "--cpu-time", "0.5s", NULL }, *cmd[] = { "/h/burn", "inf", NULL };

	need_cgroup();
	sb_judged(&o, opts, cmd);
	STATUS(&o, "TO");
	sb_assert_err_has(&o, "\"timeout\": \"cpu\"");
	cr_assert(json_num(&o, "cpu_time_s") >= 0.5 && json_num(&o, "cpu_time_s") < 0.5 + 0.3 * slack(), "%s", o.err);
	cr_assert_eq(o.status, 137);
	assert_no_leftover_cgroups();
}

Test(limits, cpu_time_two_threads_and_unwaited_child)
{
	struct sb_out o;
	const char *opts[] = { "--cpu-time", "0.6s", NULL };
	const char *two[] = { "/h/burn", "inf", "2", NULL }, *unwaited[] = { "/h/burn", "inf", "1", "unwaited", NULL };

	need_cgroup();
	sb_judged(&o, opts, two);
	STATUS(&o, "TO");
	cr_assert(json_num(&o, "cpu_time_s") >= 0.6, "%s", o.err);
	sb_judged(&o, opts, unwaited);
	STATUS(&o, "TO");
	cr_assert(json_num(&o, "cpu_time_s") >= 0.6, "%s", o.err);
}

/*
 * A program that burns 0.5 s by its own CPU clock is reported at no less:
 * set-up CPU is measured by the payload itself, so a launcher that reads
 * its message late (two busy loops compete for the CPUs here) must not
 * count the command's first milliseconds as set-up. The upper bound is
 * loose: figures, not timings, are what is checked.
 */
Test(limits, cpu_figure_of_a_finite_burn)
{
	struct sb_out o;
	const char *cmd[] = { "/h/burn", "0.5", NULL };
	pid_t hogs[2];

	for (int i = 0; i < 2; i++)
		if ((hogs[i] = fork()) == 0)
			for (;;)
				;
	sb_judged(&o, NULL, cmd);
	for (int i = 0; i < 2; i++) {
		kill(hogs[i], SIGKILL);
		waitpid(hogs[i], NULL, 0);
	}
	STATUS(&o, "OK");
	cr_assert(json_num(&o, "cpu_time_s") >= 0.4995 && json_num(&o, "cpu_time_s") < 0.5 + 0.1 * slack(), "%s",
		  o.err);
}

Test(limits, wall_time_sleep)
{
	struct sb_out o;
	const char *opts[] = { "--wall-time", "300ms", NULL }, *cmd[] = { "/usr/bin/sleep", "5", NULL };

	sb_judged(&o, opts, cmd);
	STATUS(&o, "TO");
	sb_assert_err_has(&o, "\"timeout\": \"wall\"");
	cr_assert(json_num(&o, "wall_time_s") >= 0.3 && json_num(&o, "wall_time_s") < 2.0 * slack(), "%s", o.err);
}

Test(limits, memory_over_the_limit)
{
	struct sb_out o;
	const char *opts[] = { "--memory", "256M", NULL };
	const char *one[] = { "/h/alloc", "512", NULL }, *kids[] = { "/h/alloc", "100", "4", NULL };

	need_cgroup();
	sb_judged(&o, opts, one);
	STATUS(&o, "ML");
	cr_assert(json_num(&o, "memory_peak_bytes") <= 256.0 * 1024 * 1024 + 4096, "%s", o.err);
	/* 4 children hold 100M each at once: the tree is over 256M. */
	sb_judged(&o, opts, kids);
	STATUS(&o, "ML");
	sb_assert_err_has(&o, "\"oom_killed\": true");
	assert_no_leftover_cgroups();
}

Test(limits, stack_size)
{
	struct sb_out o;
	const char *big[] = { "--stack", "128M", NULL }, *cmd[] = { "/h/recurse", "32", NULL };

	sb_judged(&o, big, cmd);
	STATUS(&o, "OK");
	sb_judged(&o, NULL, cmd); /* the default 8M stack cannot hold 32M */
	STATUS(&o, "SG");
}

Test(limits, output_limit_cuts_at_exactly_the_limit)
{
	struct sb_out o;
	char out[4200];
	const char *opts[] = { "--output-limit", "10000", "--stdout", out, NULL }, *cmd[] = { "/h/flood", NULL };
	struct stat st;

	snprintf(out, sizeof(out), "%s/flood.out", sb_user_dir("flood"));
	sb_judged(&o, opts, cmd);
	STATUS(&o, "OL");
	cr_assert(stat(out, &st) == 0);
	cr_assert_eq(st.st_size, 10000);
}

/* A pipe is not cut by RLIMIT_FSIZE: the launcher relays it and cuts. */
Test(limits, output_limit_cuts_a_pipe_at_exactly_the_limit)
{
	struct sb_out o;
	const char *opts[] = { "--output-limit", "12345", NULL }, *cmd[] = { "/h/flood", NULL };

	sb_judged(&o, opts, cmd);
	STATUS(&o, "OL");
	cr_assert_eq(o.out_len, 12345);
	sb_assert_err_has(&o, "\"stdout_bytes\": 12345,");
	sb_assert_status(&o, 128 + SIGKILL);
}

Test(limits, output_exactly_at_the_limit_is_ok)
{
	struct sb_out o;
	const char *opts[] = { "--output-limit", "300000", NULL }, *cmd[] = { "/h/flood", "300000", NULL };

	sb_judged(&o, opts, cmd);
	STATUS(&o, "OK");
	cr_assert_eq(o.out_len, 300000);
	sb_assert_err_has(&o, "\"stdout_bytes\": 300000,");
}

/* stderr goes through its own relay; --stderr-to-stdout shares stdout's. */
Test(limits, output_bytes_are_counted_per_stream)
{
	struct sb_out o;
	const char *cmd[] = { "/bin/sh", "-c", "printf abc; printf hello >&2", NULL };
	const char *merged[] = { "--stderr-to-stdout", NULL };

	sb_judged(&o, NULL, cmd);
	STATUS(&o, "OK");
	cr_assert_str_eq(o.out, "abc");
	sb_assert_err_has(&o, "hello");
	sb_assert_err_has(&o, "\"stdout_bytes\": 3,");
	sb_assert_err_has(&o, "\"stderr_bytes\": 5,");
	sb_judged(&o, merged, cmd);
	cr_assert_str_eq(o.out, "abchello");
	sb_assert_err_has(&o, "\"stdout_bytes\": 8,");
	sb_assert_err_has(&o, "\"stderr_bytes\": null,"); /* counted in stdout */
}

/* A reader that goes away costs the payload its SIGPIPE, as it would
 * without the relay in between; nothing in the sandbox may keep the
 * relay's pipe open and leave the payload blocked. */
Test(limits, relayed_reader_going_away_is_sigpipe)
{
	struct sb_out o;
	char script[8192], dir[4200];
	const char *argv[] = { "/bin/sh", "-c", script, NULL };

	snprintf(dir, sizeof(dir), "%s", sb_user_dir("sigpipe"));
	snprintf(script, sizeof(script),
		 "%s run --ro-bind %s:/h --report %s/r.json -- /h/flood | head -c 10; echo; grep -E "
		 "'\"(status|signal)\"' %s/r.json",
		 sb_bin(), sb_env("SANDBOX_HELPERS", "build/tests/helpers"), dir, dir);
	sb_exec(SB_AS_USER, argv, NULL, 30, &o);
	sb_assert_out_has(&o, "xxxxxxxxxx\n");
	sb_assert_out_has(&o, "\"status\": \"SG\"");
	sb_assert_out_has(&o, "\"signal\": 13,");
}

/* The shell survives its child's SIGXFSZ and exits 153: still OL. */
Test(limits, output_limit_of_a_child_in_a_file)
{
	struct sb_out o;
	char out[4200];
	const char *opts[] = { "--output-limit", "5000", "--stdout", out, NULL };
	const char *cmd[] = { "/bin/sh", "-c", "/h/flood; exit 3", NULL };
	struct stat st;

	snprintf(out, sizeof(out), "%s/child.out", sb_user_dir("flood-child"));
	sb_judged(&o, opts, cmd);
	STATUS(&o, "OL");
	cr_assert(stat(out, &st) == 0);
	cr_assert_eq(st.st_size, 5000);
	sb_assert_err_has(&o, "\"stdout_bytes\": 5000,");
}

Test(limits, fork_bomb_is_contained)
{
	struct sb_out o;
	const char *opts[] = { "--pids", "16", "--wall-time", "1s", NULL }, *cmd[] = { "/h/forkbomb", NULL };

	need_cgroup();
	sb_judged(&o, opts, cmd);
	STATUS(&o, "TO");
	assert_no_leftover_cgroups();
}

/* Polls f until it returns true, for up to 10 s. */
static bool within_10s(bool (*f)(const char *), const char *arg)
{
	for (int i = 0; i < 1000; i++) {
		if (f(arg))
			return true;
		usleep(10000);
	}
	return false;
}

/* Lines of DIR/cgroup.procs, or -1 when the cgroup is gone. */
static int procs_in(const char *dir)
{
	char path[600], buf[256];
	int fd, lines = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t k = 0; k < n; k++)
			lines += buf[k] == '\n';
	close(fd);
	return lines;
}

static bool has_3_procs(const char *dir)
{
	return procs_in(dir) >= 3; /* init, the shell's sleep and its exec'd sleep */
}

static bool empty_or_gone(const char *dir)
{
	return procs_in(dir) <= 0;
}

/*
 * SIGKILL leaves the launcher no chance to clean up: its init dies of
 * PDEATHSIG, taking the pid namespace with it, and the next run removes
 * the empty cgroup the dead launcher left.
 */
Test(limits, nothing_left_after_the_launcher_is_killed)
{
	char dirs[8][512], run[600];
	const char *argv[] = { sb_bin(), "run", "--pids", "16", "--memory", "64M", "--", "sh", "-c",
			       "sleep 60 & exec sleep 61", NULL };
	const char *opts[] = { "--pids", "16", NULL }, *cmd[] = { "/bin/true", NULL };
	struct sb_out o;
	bool started;
	pid_t pid;

	need_cgroup();
	cr_assert(run_parents(dirs, 8) > 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		sb_drop_to_user();
		if (chdir(sb_testdir()) < 0)
			_exit(98);
		execv(argv[0], (char *const *)argv);
		_exit(97);
	}
	snprintf(run, sizeof(run), "%s/sandbox-%d-%llu", dirs[0], (int)pid, (unsigned long long)sb_start_time(pid));
	started = within_10s(has_3_procs, run);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	cr_assert(started, "the run never started in %s", run);
	cr_assert(within_10s(empty_or_gone, run), "processes left in %s after the launcher's SIGKILL", run);
	sb_judged(&o, opts, cmd);
	STATUS(&o, "OK");
	assert_no_leftover_cgroups();
}

Test(limits, no_cgroup_fails_closed_unless_best_effort)
{
	struct sb_out o;
	const char *strict[] = { "--limits", "strict", "--memory", "64M", NULL };
	const char *best[] = { "--memory", "64M", "--limits", "best-effort", NULL };
	const char *cmd[] = { "/h/alloc", "200", NULL };

	if (!getenv("SANDBOX_CGROUP") || getenv("RUN_IN_VM"))
		cr_skip_test("only where the test user has no cgroup of its own (v1 here)");
	unsetenv("SANDBOX_CGROUP");
	sb_judged(&o, strict, cmd);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "need a cgroup");
	sb_assert_err_has(&o, "Delegate=yes");
	sb_judged(&o, best, cmd);
	sb_assert_err_has(&o, "\"memory_bytes\": {\"value\": 67108864, \"enforced_by\": \"sampling\"}");
	cr_assert_neq(o.status, 0, "allocation over RLIMIT_AS must fail");
}

/* Judges pin runs to a core for stable timing: by the cpuset cgroup, or
 * in best-effort mode without one by CPU affinity. */
Test(limits, cpuset_pins_the_run)
{
	struct sb_out o;
	const char *opts[] = { "--cpuset", "1", NULL }, *best[] = { "--cpuset", "1", "--limits", "best-effort", NULL };
	const char *cmd[] = { "/bin/grep", "Cpus_allowed_list", "/proc/self/status", NULL };

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		cr_skip_test("needs 2 CPUs");
	if (getenv("SANDBOX_CGROUP") && !getenv("RUN_IN_VM")) {
		sb_judged(&o, opts, cmd);
		STATUS(&o, "OK");
		sb_assert_out_has(&o, "Cpus_allowed_list:\t1\n");
		sb_assert_err_has(&o, "\"cpuset\": {\"value\": \"1\", \"enforced_by\": \"cgroup\"}");
		unsetenv("SANDBOX_CGROUP");
	}
	if (getenv("RUN_IN_VM"))
		cr_skip_test("the VM's test user has its own cgroup: no best-effort fallback to see");
	sb_judged(&o, best, cmd);
	STATUS(&o, "OK");
	sb_assert_out_has(&o, "Cpus_allowed_list:\t1\n");
	sb_assert_err_has(&o, "\"cpuset\": {\"value\": \"1\", \"enforced_by\": \"affinity\"}");
}

/* A root caller (a judge daemon) needs no delegation: its runs go in a
 * child of its own cgroup, and leave nothing there. */
Test(limits, root_caller_uses_a_child_of_its_own_cgroup)
{
	struct sb_out o;
	char bind[4200], own[512], path[700], line[512];
	FILE *f;
	DIR *d;
	struct dirent *e;

	if (getuid() != 0 || getenv("RUN_IN_VM"))
		cr_skip_test("needs the test runner to be root");
	snprintf(bind, sizeof(bind), "%s:/h", sb_env("SANDBOX_HELPERS", "build/tests/helpers"));
	unsetenv("SANDBOX_CGROUP");
	sb_run_root(&o, "--ro-bind", bind, "--memory", "256M", "--pids", "16", "--report", "-", "--", "/h/alloc", "512",
		    NULL);
	STATUS(&o, "ML");
	sb_assert_err_has(&o, "\"memory_bytes\": {\"value\": 268435456, \"enforced_by\": \"cgroup\"}");
	/* Nothing left in root's own memory cgroup by a finished run. */
	own[0] = '\0';
	f = fopen("/proc/self/cgroup", "r");
	cr_assert(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*[^:]:memory:%511s", own) == 1)
			break;
	fclose(f);
	if (!own[0])
		return; /* no v1 memory hierarchy (pure v2): the cgroup test above suffices */
	snprintf(path, sizeof(path), "/sys/fs/cgroup/memory%s", strcmp(own, "/") ? own : "");
	d = opendir(path);
	cr_assert(d, "%s", path);
	while ((e = readdir(d)))
		cr_assert(e->d_type != DT_DIR || !launcher_gone(e->d_name), "left behind: %s/%s", path, e->d_name);
	closedir(d);
}

Test(limits, meta_file_in_isolate_keys)
{
	struct sb_out o;
	char meta[4200];
	const char *argv[] = { sb_bin(), "run", "--meta", meta, "--", "sh", "-c", "exit 3", NULL };
	FILE *f;
	char buf[4096] = "";

	snprintf(meta, sizeof(meta), "%s/meta.txt", sb_user_dir("meta"));
	sb_exec(SB_AS_USER, argv, NULL, 30, &o);
	sb_assert_status(&o, 3);
	f = fopen(meta, "r");
	cr_assert(f);
	cr_assert(fread(buf, 1, sizeof(buf) - 1, f) > 0);
	fclose(f);
	cr_assert(strstr(buf, "time:") && strstr(buf, "time-wall:") && strstr(buf, "max-rss:") &&
			  strstr(buf, "exitcode:3\n") && strstr(buf, "status:RE\n"),
		  "%s", buf);
}

/*
 * --cgroup-parent as an admin copies it from ls (a path under one
 * controller's mount) means that path in every hierarchy (it used to get
 * the mount prefix twice); a hierarchy that lacks the parent is named
 * when a limit needs it.
 */
Test(limits, cgroup_parent_forms_on_v1)
{
	const char *name = getenv("SANDBOX_CGROUP");
	char parent[600], want[700];
	struct sb_out o;
	FILE *f;
	char line[512], path[256] = "";

	need_cgroup();
	if (getenv("RUN_IN_VM") || !name || name[0] == '/')
		cr_skip_test("a v1 hierarchy with a relative SANDBOX_CGROUP");
	f = fopen("/proc/self/cgroup", "r");
	cr_assert(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*[^:]:pids:%255s", path) == 1)
			break;
	fclose(f);
	cr_assert(path[0], "no pids hierarchy");
	snprintf(parent, sizeof(parent), "/sys/fs/cgroup/pids%s/%s", strcmp(path, "/") ? path : "", name);
	unsetenv("SANDBOX_CGROUP");
	sb_run(&o, "--cgroup-parent", parent, "--memory", "unlimited", "--pids", "8", "--report", "-", "--", "true", NULL);
	sb_assert_status(&o, 0);
	sb_assert_err_has(&o, "\"pids\": {\"value\": 8, \"enforced_by\": \"cgroup\"}");
	/* The same path in the cpu hierarchy does not exist (memory here sits
	 * elsewhere, too): a limit that needs it names the hierarchy. */
	snprintf(parent, sizeof(parent), "/sys/fs/cgroup/pids%s/%s-none", strcmp(path, "/") ? path : "", name);
	sb_run(&o, "--cgroup-parent", parent, "--limits", "strict", "--memory", "unlimited", "--pids", "unlimited",
	       "--cpus", "0.5", "--", "true", NULL);
	sb_assert_status(&o, 125);
	snprintf(want, sizeof(want), "the cpu hierarchy has no cgroup");
	sb_assert_err_has(&o, want);
}
