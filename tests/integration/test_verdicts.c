/*
 * test_verdicts.c: a judge acts on the report without looking further, so
 * every verdict and figure must hold in the cases that used to break
 * them: limits without a cgroup (the launcher samples the tree), RLIMIT_CPU
 * as the backstop, the OOM flag, the process limit, a stalled reader, a
 * caller with closed stdio, result files that cannot be written or are
 * stale, meaningless limit values, stale cgroups of killed launchers.
 * Runs as the test user; "no cgroup" cases drop SANDBOX_CGROUP.
 */
#include <dirent.h>
#include <time.h>

#include "harness.h"

TestSuite(verdicts, .timeout = 120);

static void need_cgroup(void)
{
	if (!getenv("SANDBOX_CGROUP") && !getenv("RUN_IN_VM"))
		cr_skip_test("no delegated cgroup (tests/setup-cgroup.sh needs root on a v1 machine)");
}

/* Where the test user has no cgroup of its own (this v1 host without
 * SANDBOX_CGROUP): the runs below have only the launcher's sampling. */
static void no_cgroup(void)
{
	if (getenv("RUN_IN_VM"))
		cr_skip_test("the VM lane's test user always has a delegated cgroup");
	unsetenv("SANDBOX_CGROUP");
}

#define STATUS(o, s) sb_assert_err_has(o, "\"status\": \"" s "\"")

/* ---- 1. the verdict follows the figures, with or without a cgroup ---- */

/* RLIMIT_CPU is per process: three 0.8 s burners in a row used to pass a
 * 1 s limit as OK with 2.4 s of CPU. The launcher now samples the tree. */
Test(verdicts, tree_cpu_limit_without_a_cgroup)
{
	struct sb_out o;
	const char *opts[] = { "--policy", "judge", "--cpu-time", "1s", NULL };
	const char *cmd[] = { "/bin/sh", "-c", "/h/burn 0.8; /h/burn 0.8; /h/burn 0.8", NULL };

	no_cgroup();
	sb_judged(&o, opts, cmd);
	STATUS(&o, "TO");
	sb_assert_err_has(&o, "\"timeout\": \"cpu\"");
	sb_assert_err_has(&o, "\"cpu_time_us\": {\"value\": 1000000, \"enforced_by\": \"sampling\"}");
	cr_assert_geq(sb_json_num(o.err, "cpu_time_s"), 1.0, "%s", o.err);
	cr_assert_lt(sb_json_num(o.err, "cpu_time_s"), 1.6, "%s", o.err);
	sb_assert_status(&o, 137);
}

/* Four children holding 100M each: over 256M for the tree, though each
 * process stays under RLIMIT_AS. The sampled tree peak, not the largest
 * process, is the figure, and it ends the run. */
Test(verdicts, tree_memory_limit_without_a_cgroup)
{
	struct sb_out o;
	const char *opts[] = { "--policy", "judge", "--memory", "256M", NULL };
	const char *cmd[] = { "/h/alloc", "100", "4", NULL };

	no_cgroup();
	sb_judged(&o, opts, cmd);
	STATUS(&o, "ML");
	sb_assert_err_has(&o, "\"memory_bytes\": {\"value\": 268435456, \"enforced_by\": \"sampling\"}");
	cr_assert_gt(sb_json_num(o.err, "memory_peak_bytes"), 256.0 * 1024 * 1024, "%s", o.err);
}

/* Without a limit the sampled tree peak is still the figure: four
 * children holding 60M at once are about 240M, not one child's 60M. */
Test(verdicts, tree_memory_figure_without_a_cgroup)
{
	struct sb_out o;
	const char *cmd[] = { "/h/alloc", "60", "4", NULL };

	no_cgroup();
	sb_judged(&o, NULL, cmd);
	STATUS(&o, "OK");
	cr_assert_gt(sb_json_num(o.err, "memory_peak_bytes"), 200.0 * 1024 * 1024, "%s", o.err);
}

/*
 * RLIMIT_CPU is the backstop behind the sampling: with the launcher
 * stopped (SIGSTOP) it cannot sample, and the kernel's SIGXCPU ends the
 * burner. The run is still TO with exit status 137, and its CPU is at or
 * above the limit (the backstop sits a second past it).
 */
Test(verdicts, rlimit_cpu_backstop_reports_the_limit)
{
	char bind[4200], report[4200];
	const char *argv[] = { sb_bin(), "run", "--ro-bind", bind, "--limits", "best-effort", "--cpu-time", "1s",
			       "--report", report, "--", "/h/burn", "inf", NULL };
	char *text;
	pid_t pid;
	int st;

	no_cgroup();
	snprintf(bind, sizeof(bind), "%s:/h", sb_env("SANDBOX_HELPERS", "build/tests/helpers"));
	snprintf(report, sizeof(report), "%s/backstop.json", sb_user_dir("backstop"));
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		sb_drop_to_user();
		execv(argv[0], (char *const *)argv);
		_exit(97);
	}
	usleep(300000);
	kill(pid, SIGSTOP);
	sleep(4); /* the burner passes 1 s, then RLIMIT_CPU's 2 s and 3 s */
	kill(pid, SIGCONT);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 137, "exit status 0x%x, want 137", st);
	text = sb_slurp(report);
	cr_assert(text, "no report");
	cr_assert(strstr(text, "\"status\": \"TO\""), "%s", text);
	cr_assert_geq(sb_json_num(text, "cpu_time_s"), 1.0, "%s", text);
}

/* pids.events says when a fork failed at the limit: visible in the report
 * instead of a plain RE. */
Test(verdicts, pids_exhausted_is_reported)
{
	struct sb_out o;
	const char *opts[] = { "--pids", "8", NULL };
	const char *cmd[] = { "/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do sleep 2 & done; wait", NULL };

	need_cgroup();
	sb_judged(&o, opts, cmd);
	sb_assert_err_has(&o, "\"pids_exhausted\": true");
	sb_assert_err_has(&o, "the process limit (pids 8) was reached");
	sb_judged(&o, NULL, (const char *const[]){ "/bin/true", NULL });
	sb_assert_err_has(&o, "\"pids_exhausted\": false");
}

/* ---- 2. the OOM flag is right every time ---- */

/* The v1 OOM notification comes before the kernel's OOM killer acts; the
 * launcher ends the run then, so the event is the evidence. Repeated: the
 * race lost 1 run in 6 at times. */
Test(verdicts, oom_flag_every_time)
{
	char meta[4200];
	const char *opts[] = { "--memory", "64M", "--meta", meta, NULL };
	const char *cmd[] = { "/h/alloc", "200", NULL };
	struct sb_out o;

	need_cgroup();
	snprintf(meta, sizeof(meta), "%s/oom.meta", sb_user_dir("oom"));
	for (int i = 0; i < 8; i++) {
		const char *m;

		sb_judged(&o, opts, cmd);
		STATUS(&o, "ML");
		sb_assert_err_has(&o, "\"oom_killed\": true");
		m = sb_slurp(meta);
		cr_assert(m && strstr(m, "cg-oom-killed:1\n") && strstr(m, "status:SG\n"), "run %d meta:\n%s", i, m);
	}
}

/* ---- 3. a stalled reader cannot hold the launcher ---- */

/* The caller's stdout is a pipe nobody reads. The run ends at its wall
 * limit; the left-over output is dropped after the grace, counted. */
static pid_t start_flood(int out_fd, const char *report, const char *extra_wall)
{
	const char *argv[] = { sb_bin(), "run", "--wall-time", extra_wall, "--report", report, "--", "sh", "-c",
			       "while :; do echo xxxxxxxx; done", NULL };
	pid_t pid = fork();

	cr_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(out_fd, 1);
		sb_drop_to_user();
		execv(argv[0], (char *const *)argv);
		_exit(97);
	}
	return pid;
}

static bool has_children(pid_t pid)
{
	char path[64], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return buf[0] >= '0' && buf[0] <= '9';
}

/* Wait (30 s at most) until pid has had a child and has none any more. */
static bool children_come_and_go(pid_t pid)
{
	bool seen = false;

	for (int i = 0; i < 3000; i++) {
		bool now = has_children(pid);

		if (seen && !now)
			return true;
		seen |= now;
		usleep(10000);
	}
	return false;
}

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

Test(verdicts, stalled_reader_cannot_hold_the_launcher)
{
	char report[4200];
	struct timespec t0;
	int p[2], st;
	char *text;
	pid_t pid;

	snprintf(report, sizeof(report), "%s/stall.json", sb_user_dir("stall"));
	cr_assert(pipe2(p, O_CLOEXEC) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = start_flood(p[1], report, "1s");
	close(p[1]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	/* 1 s of run, 2 s of grace without progress, generous slack. */
	cr_assert_lt(since(&t0), 6.0, "the launcher waited for a reader that never reads");
	close(p[0]);
	text = sb_slurp(report);
	cr_assert(text && strstr(text, "\"status\": \"TO\""), "%s", text);
	cr_assert_lt(sb_json_num(text, "wall_time_s"), 1.5, "%s", text);
	cr_assert_gt(sb_json_num(text, "output_dropped_bytes"), 0, "%s", text);
}

/* A signal while the leftover drains ends the drain at once, and the
 * report is still written (it used to kill the launcher, no report). */
Test(verdicts, signal_during_the_drain_still_reports)
{
	char report[4200];
	struct timespec t0;
	int p[2], st;
	char *text;
	pid_t pid;

	snprintf(report, sizeof(report), "%s/drain.json", sb_user_dir("drain"));
	cr_assert(pipe2(p, O_CLOEXEC) == 0);
	pid = start_flood(p[1], report, "500ms");
	close(p[1]);
	/* Once the launcher's child (the sandbox's init) is gone, the run is
	 * over and the drain waits for the reader. */
	cr_assert(children_come_and_go(pid), "the run did not start and end within 30 s");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	kill(pid, SIGTERM);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_lt(since(&t0), 0.8, "SIGTERM did not end the drain");
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 137, "status 0x%x, want exit 137", st);
	close(p[0]);
	text = sb_slurp(report);
	cr_assert(text && strstr(text, "\"status\": \"TO\""), "%s", text);
}

/* ---- 4. closed stdio cannot be turned into a verdict ---- */

Test(verdicts, closed_stdio_is_not_a_verdict)
{
	char report[4200];
	const char *argv[] = { sb_bin(), "run", "--memory", "64M", "--limits", "best-effort", "--report", report, "--",
			       "sh", "-c", "printf 'AAAAAAA\\n' >&2; echo out; sleep 1", NULL };
	char *text;
	pid_t pid;
	int st;

	snprintf(report, sizeof(report), "%s/closed.json", sb_user_dir("closed"));
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		sb_drop_to_user();
		close(0);
		close(1);
		close(2);
		execv(argv[0], (char *const *)argv);
		_exit(97);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
	text = sb_slurp(report);
	cr_assert(text && strstr(text, "\"status\": \"OK\""), "%s", text);
	cr_assert(strstr(text, "\"closed_stdio\": [\"stdin\", \"stdout\", \"stderr\"]"), "%s", text);
}

/* ---- 5. a result that cannot be written is an error ---- */

Test(verdicts, unwritable_report_fails_before_the_run)
{
	struct sb_out o;
	char ran[4200], cmd[4400];
	const char *dir = sb_user_dir("unwritable");
	struct stat st;

	snprintf(ran, sizeof(ran), "%s/ran", dir);
	snprintf(cmd, sizeof(cmd), "touch /w/ran");
	unlink(ran);
	sb_run(&o, "--bind", dir, "--report", "/nonexistent-dir/r.json", "--", "sh", "-c", cmd, NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "--report '/nonexistent-dir/r.json'");
	cr_assert(stat(ran, &st) < 0, "the command ran though its report could not be written");
	/* /dev/full: the write fails after the run; never exit 0 with no result. */
	sb_run(&o, "--report", "/dev/full", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "cannot write --report '/dev/full'");
	sb_run(&o, "--meta", "/dev/full", "--", "true", NULL);
	sb_assert_status(&o, 125);
}

/* A judge must never read an earlier run's result: a run whose options or
 * policy fail replaces it with XX, and a written result appears whole. */
Test(verdicts, stale_results_are_replaced)
{
	struct sb_out o;
	const char *dir = sb_user_dir("stale");
	char report[4200], meta[4200], policy[4200];
	char *text;

	snprintf(report, sizeof(report), "%s/r.json", dir);
	snprintf(meta, sizeof(meta), "%s/m.txt", dir);
	sb_run(&o, "--report", report, "--meta", meta, "--", "true", NULL);
	sb_assert_status(&o, 0);
	text = sb_slurp(report);
	cr_assert(text && strstr(text, "\"status\": \"OK\""), "%s", text);
	sb_run(&o, "--report", report, "--meta", meta, "--memroy", "1G", "--", "true", NULL);
	sb_assert_status(&o, 125);
	text = sb_slurp(report);
	cr_assert(text && strstr(text, "\"status\": \"XX\"") && strstr(text, "--memroy"), "%s", text);
	text = sb_slurp(meta);
	cr_assert(text && strstr(text, "status:XX\n"), "%s", text);
	snprintf(policy, sizeof(policy), "%s", sb_write_file("bad-verdict.policy", "memory 64M\npids 0\n"));
	sb_run(&o, "--report", report, "--policy", policy, "--", "true", NULL);
	sb_assert_status(&o, 125);
	text = sb_slurp(report);
	cr_assert(text && strstr(text, "\"status\": \"XX\"") && strstr(text, "bad-verdict.policy:2"), "%s", text);
	/* Nothing half-written is ever left beside it. */
	{
		DIR *d = opendir(dir);
		struct dirent *e;

		cr_assert(d);
		while ((e = readdir(d)))
			cr_assert(strncmp(e->d_name, ".r.json.", 8) != 0, "temp file %s left", e->d_name);
		closedir(d);
	}
}

/* ---- 6. values that mean nothing are refused ---- */

Test(verdicts, meaningless_values_are_refused)
{
	static const char *const zero[][2] = {
		{ "--pids", "pids" }, { "--cpus", "cpus" }, { "--memory", "memory" }, { "--cpu-time", "cpu-time" },
		{ "--wall-time", "wall-time" }, { "--output-limit", "output-limit" },
		{ "--open-files", "open-files" }, { "--stack", "stack" },
	};
	struct sb_out o;
	char want[128];

	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++) {
		sb_run(&o, zero[i][0], "0", "--", "true", NULL);
		sb_assert_status(&o, 125);
		snprintf(want, sizeof(want), "%s '0' is out of range: expected", zero[i][1]);
		sb_assert_err_has(&o, want);
		sb_assert_err_has(&o, "'unlimited'");
	}
	sb_run(&o, "--pids", "5000000", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "expected 1 to 4194304");
	/* "unlimited" lifts a policy's value. */
	sb_run(&o, "--policy", "judge", "--memory", "unlimited", "--report", "-", "--", "true", NULL);
	sb_assert_err_has(&o, "\"memory_bytes\": {\"value\": null");
	sb_run(&o, "--cpuset", "999", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "--cpuset '999' names CPUs this machine does not have");
	sb_run(&o, "--stdin", "/tmp", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "--stdin '/tmp' is a directory");
}

/* ---- 7. stale cgroups never fail a run ---- */

/* The test user's delegated parent in one v1 hierarchy, or false. */
static bool v1_parent(const char *ctl, char *buf, size_t len)
{
	const char *name = getenv("SANDBOX_CGROUP");
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[512];
	bool found = false;

	if (!f || !name || name[0] == '/')
		return f ? (fclose(f), false) : false;
	while (!found && fgets(line, sizeof(line), f)) {
		char ctls[256], path[256], want[64], list[260];

		if (sscanf(line, "%*[^:]:%255[^:]:%255s", ctls, path) != 2)
			continue;
		snprintf(list, sizeof(list), ",%s,", ctls);
		snprintf(want, sizeof(want), ",%s,", ctl);
		if (strstr(list, want)) {
			snprintf(buf, len, "/sys/fs/cgroup/%s%s/%s", ctl, strcmp(path, "/") ? path : "", name);
			found = access(buf, F_OK) == 0;
		}
	}
	fclose(f);
	return found;
}

/*
 * A killed launcher's cgroups, named for a pid the next launcher gets
 * (a bare "sandbox-PID" of an older launcher, and "sandbox-PID-START"
 * with another start time), in every hierarchy, also cpu and cpuset that
 * the run does not use: the run succeeds and removes them all.
 */
Test(verdicts, stale_cgroups_of_the_same_pid)
{
	static const char *const ctls[] = { "memory", "pids", "cpuacct", "cpu", "cpuset" };
	char made[16][600];
	size_t n_made = 0;
	int go[2], st;
	pid_t pid;

	need_cgroup();
	if (getenv("RUN_IN_VM") || getuid() != 0)
		cr_skip_test("needs root to plant a stale cgroup v1 directory");
	cr_assert(pipe(go) == 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		const char *argv[] = { sb_bin(), "run", "--memory", "64M", "--pids", "16", "--", "true", NULL };
		char c;
		int null = open("/dev/null", O_RDWR);

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(96);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		sb_drop_to_user();
		execv(argv[0], (char *const *)argv);
		_exit(97);
	}
	close(go[0]);
	for (size_t i = 0; i < sizeof(ctls) / sizeof(ctls[0]); i++) {
		char parent[512];

		if (!v1_parent(ctls[i], parent, sizeof(parent)))
			continue;
		snprintf(made[n_made], sizeof(made[0]), "%s/sandbox-%d", parent, (int)pid);
		if (mkdir(made[n_made], 0755) == 0)
			n_made++;
		snprintf(made[n_made], sizeof(made[0]), "%s/sandbox-%d-%llu", parent, (int)pid,
			 sb_start_time(pid) + 12345);
		if (mkdir(made[n_made], 0755) == 0)
			n_made++;
	}
	cr_assert(n_made >= 4, "could not plant stale cgroups");
	cr_assert(write(go[1], "g", 1) == 1);
	close(go[1]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	{
		char left[600] = "";

		for (size_t i = 0; i < n_made; i++)
			if (access(made[i], F_OK) == 0) {
				snprintf(left, sizeof(left), "%s", made[i]);
				rmdir(made[i]);
			}
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the run failed (status 0x%x) next to stale cgroups",
			  st);
		cr_assert(!left[0], "stale cgroup %s was not removed", left);
	}
}
