/*
 * test_isolate.c: the isolate front end driven the way its clients drive
 * isolate (../shared/ENGINES.md): CMS's and Judge0's command lines, box
 * lifecycle, meta files and exit statuses, two boxes joined by FIFOs,
 * permission bits between the program and the caller, a planted symlink at
 * the stdout path, and what is left after --cleanup and after a killed
 * --run. The binary runs as the test user through the "isolate" link that
 * tests/run.sh copies beside it; every test gets its own box root.
 */
#include <dirent.h>
#include <sys/vfs.h>
#include <time.h>

#include "harness.h"

TestSuite(isolate, .timeout = 120);

static const char *iso_bin(void)
{
	static char buf[4200];
	const char *s = sb_bin(), *slash = strrchr(s, '/');

	snprintf(buf, sizeof(buf), "%.*sisolate", slash ? (int)(slash - s + 1) : 0, s);
	return buf;
}

static uid_t test_uid(void)
{
	return (uid_t)atoi(sb_env("SANDBOX_TEST_UID", "0"));
}

static gid_t test_gid(void)
{
	return (gid_t)atoi(sb_env("SANDBOX_TEST_GID", "0"));
}

static void chown_user(const char *path)
{
	if (getuid() == 0)
		cr_assert(lchown(path, test_uid(), test_gid()) == 0, "chown %s", path);
}

/* A box root for this test, owned by the test user, in ISOLATE_BOX_ROOT. */
static const char *box_root(const char *name)
{
	static char root[4200];

	snprintf(root, sizeof(root), "%s", sb_user_dir(name));
	chmod(root, 0700);
	setenv("ISOLATE_BOX_ROOT", root, 1);
	unsetenv("ISOLATE_CONFIG_FILE");
	return root;
}

/* isolate ARGS... as the test user, stdin from stdin_path (NULL: /dev/null). */
static void iso_in(struct sb_out *o, const char *stdin_path, const char *first, ...)
{
	const char *argv[SB_MAX_ARGS];
	size_t n = 0;
	va_list ap;

	argv[n++] = iso_bin();
	va_start(ap, first);
	for (const char *a = first; a && n < SB_MAX_ARGS - 1; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	sb_exec(SB_AS_USER, argv, stdin_path, 60, o);
}
#define iso(o, ...) iso_in(o, NULL, __VA_ARGS__)

static bool have_cgroup(void)
{
	return getenv("SANDBOX_CGROUP") != NULL;
}

static void need_cgroup(void)
{
	if (!have_cgroup())
		cr_skip_test("no delegated cgroup for --cg (tests/setup-cgroup.sh needs root on a v1 machine)");
}

static void need_subids(void)
{
	if (!getenv("SANDBOX_SUBIDS"))
		cr_skip_test("the test user has no /etc/subuid range (tests/setup-subuid.sh needs root and uidmap)");
}

/* The value of KEY in a meta file, "" when absent (buffer reused). */
static const char *meta(const char *file, const char *key)
{
	static char val[1024];
	char line[1200];
	size_t klen = strlen(key);
	FILE *f = fopen(file, "r");

	val[0] = '\0';
	cr_assert(f, "meta file %s missing", file);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			snprintf(val, sizeof(val), "%s", line + klen + 1);
			val[strcspn(val, "\n")] = '\0';
		}
	fclose(f);
	return val;
}

static bool meta_has(const char *file, const char *key)
{
	char buf[8192], pat[64];
	size_t n;
	FILE *f = fopen(file, "r");

	cr_assert(f, "meta file %s missing", file);
	buf[0] = '\n';
	n = fread(buf + 1, 1, sizeof(buf) - 2, f);
	fclose(f);
	buf[n + 1] = '\0';
	snprintf(pat, sizeof(pat), "\n%s:", key);
	return strstr(buf, pat) != NULL;
}

static void copy_helper(const char *name, const char *dst)
{
	char cmd[9000];

	snprintf(cmd, sizeof(cmd), "cp %s %s && chmod 755 %s", sb_helper(name), dst, dst);
	cr_assert(system(cmd) == 0, "%s", cmd);
	chown_user(dst);
}

static void write_as_user(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	cr_assert(f, "write %s", path);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	chown_user(path);
}

static void read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	buf[0] = '\0';
	if (!f)
		return;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* ---- CMS ---- */

struct cms {
	char home[4200], dir_arg[4300], meta[4300], box[16];
};

/* CMS's Sandbox(): an outer dir with home/ bound at /tmp, the cleanup it
 * issues first, then --init (both through check_call: exit 0). */
static void cms_box(struct cms *c, int id)
{
	struct sb_out o;
	char name[64], path[4400];
	const char *outer;

	/* One outer dir per box: the CMS tests run in parallel. */
	snprintf(name, sizeof(name), "cms-outer-%d", id);
	outer = sb_user_dir(name);

	box_root("cms-boxes");
	snprintf(c->home, sizeof(c->home), "%s/home", outer);
	mkdir(c->home, 0777);
	chmod(c->home, 0777);
	chown_user(c->home);
	chmod(outer, 0700);
	snprintf(c->dir_arg, sizeof(c->dir_arg), "--dir=/tmp=%s:rw", c->home);
	snprintf(c->meta, sizeof(c->meta), "%s/run.meta.0", outer);
	snprintf(c->box, sizeof(c->box), "--box-id=%d", id);
	iso(&o, c->box, "--cg", "--cleanup", NULL);
	sb_assert_status(&o, 0);
	iso(&o, c->box, "--cg", "--init", NULL);
	sb_assert_status(&o, 0);
	snprintf(path, sizeof(path), "%s/prog", c->home);
	copy_helper("judgeprog", path);
	snprintf(path, sizeof(path), "%s/input.txt", c->home);
	write_as_user(path, "21\n", 0644);
}

/* CMS's evaluation command line, in CMS's order (build_box_options), with
 * --wall-time=wall (CMS's 3, or more where a loaded machine could let the
 * wall clock run out before the CPU limit). */
static void cms_run_wall(struct sb_out *o, const struct cms *c, const char *wall, const char *const *cmd)
{
	const char *argv[SB_MAX_ARGS];
	char meta_arg[4400], wall_arg[64];
	size_t n = 0;

	snprintf(meta_arg, sizeof(meta_arg), "--meta=%s", c->meta);
	snprintf(wall_arg, sizeof(wall_arg), "--wall-time=%s", wall);
	argv[n++] = iso_bin();
	argv[n++] = "--cg";
	argv[n++] = c->box;
	argv[n++] = "--chdir=/tmp";
	argv[n++] = c->dir_arg;
	argv[n++] = "--dir=/dev/shm:tmp";
	argv[n++] = "--dir=/etc/alternatives";
	argv[n++] = "--dir=/opt/pypy3:maybe";
	argv[n++] = "--env=HOME=/tmp";
	argv[n++] = "--fsize=1024";
	argv[n++] = "--stdin=/tmp/input.txt";
	argv[n++] = "--stack=65536";
	argv[n++] = "--cg-mem=65536";
	argv[n++] = "--stdout=/tmp/output.txt";
	argv[n++] = "--processes=1";
	argv[n++] = "--stderr=/tmp/stderr.txt";
	argv[n++] = "--time=1";
	argv[n++] = wall_arg;
	argv[n++] = "--extra-time=0.5";
	argv[n++] = meta_arg;
	argv[n++] = "--run";
	argv[n++] = "--";
	for (; *cmd; cmd++)
		argv[n++] = *cmd;
	argv[n] = NULL;
	unlink(c->meta);
	sb_exec(SB_AS_USER, argv, NULL, 60, o);
}

static void cms_run(struct sb_out *o, const struct cms *c, const char *const *cmd)
{
	cms_run_wall(o, c, "3", cmd);
}

static int strcount_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void assert_meta(const char *file, const char *key, const char *want)
{
	cr_assert_str_eq(meta(file, key), want, "meta %s: '%s', want '%s'", key, meta(file, key), want);
}

Test(isolate, cms_evaluation_cycle)
{
	struct cms c;
	struct sb_out o;
	char path[4400], buf[8192];
	const char *ok[] = { "./prog", "double", NULL }, *re[] = { "./prog", "exit", "3", NULL };
	const char *sg[] = { "./prog", "signal", "11", NULL }, *nope[] = { "./nope", NULL };
	const char *fsize[] = { "./prog", "write", "2048", NULL };

	need_cgroup();
	cms_box(&c, 1042);
	cms_run(&o, &c, ok);
	sb_assert_status(&o, 0);
	sb_assert_err_has(&o, "OK (");
	snprintf(path, sizeof(path), "%s/output.txt", c.home);
	read_file(path, buf, sizeof(buf));
	cr_assert_str_eq(buf, "42\n");
	assert_meta(c.meta, "exitcode", "0");
	cr_assert(!meta_has(c.meta, "status") && !meta_has(c.meta, "killed"), "OK has no status line");
	cr_assert(meta_has(c.meta, "time") && meta_has(c.meta, "time-wall") && meta_has(c.meta, "max-rss"));
	cr_assert(atoi(meta(c.meta, "cg-mem")) > 0, "cg-mem '%s'", meta(c.meta, "cg-mem"));
	cr_assert(meta_has(c.meta, "csw-voluntary") && meta_has(c.meta, "csw-forced"));

	cms_run(&o, &c, re);
	sb_assert_status(&o, 1);
	assert_meta(c.meta, "status", "RE");
	assert_meta(c.meta, "exitcode", "3");
	assert_meta(c.meta, "message", "Exited with error status 3");

	cms_run(&o, &c, sg);
	sb_assert_status(&o, 1);
	assert_meta(c.meta, "status", "SG");
	assert_meta(c.meta, "exitsig", "11");
	assert_meta(c.meta, "message", "Caught fatal signal 11");
	cr_assert(!meta_has(c.meta, "cg-oom-killed") && !meta_has(c.meta, "exitcode"));

	/* Over --fsize: the program dies of SIGXFSZ, the file stops at 1M. */
	cms_run(&o, &c, fsize);
	sb_assert_status(&o, 1);
	assert_meta(c.meta, "status", "SG");
	assert_meta(c.meta, "exitsig", "25");
	snprintf(path, sizeof(path), "%s/output.txt", c.home);
	{
		struct stat st;

		cr_assert(stat(path, &st) == 0 && st.st_size == 1024 * 1024, "size %lld", (long long)st.st_size);
	}

	/* isolate 1.9+: a program that cannot be executed is RE 127, with
	 * execve's error on its own stderr. */
	cms_run(&o, &c, nope);
	sb_assert_status(&o, 1);
	assert_meta(c.meta, "status", "RE");
	assert_meta(c.meta, "exitcode", "127");
	snprintf(path, sizeof(path), "%s/stderr.txt", c.home);
	read_file(path, buf, sizeof(buf));
	cr_assert(strstr(buf, "execve(\"./nope\"): No such file or directory"), "stderr: %s", buf);

	/* CMS's delete: chmod inside (status ignored), then --cleanup. */
	iso(&o, c.box, "--cg", c.dir_arg, "--run", "--", "/bin/chmod", "777", "-R", "/tmp", NULL);
	iso(&o, c.box, "--cg", "--cleanup", NULL);
	sb_assert_status(&o, 0);
	snprintf(path, sizeof(path), "%s/1042", getenv("ISOLATE_BOX_ROOT"));
	cr_assert(access(path, F_OK) < 0, "box dir left after --cleanup");
}

Test(isolate, cms_time_limits)
{
	struct cms c;
	struct sb_out o;
	const char *spin[] = { "./prog", "spin", NULL }, *burn[] = { "./prog", "burn", "1200", NULL };
	const char *sleep[] = { "./prog", "sleep", "20", NULL };

	need_cgroup();
	cms_box(&c, 1043);
	/* CPU: killed at time + extra time, reported TO. */
	cms_run_wall(&o, &c, "20", spin);
	sb_assert_status(&o, 1);
	assert_meta(c.meta, "status", "TO");
	assert_meta(c.meta, "message", "Time limit exceeded");
	assert_meta(c.meta, "killed", "1");
	cr_assert(atof(meta(c.meta, "time")) >= 1.0 && atof(meta(c.meta, "time")) < 3.0, "time %s",
		  meta(c.meta, "time"));
	cr_assert(!meta_has(c.meta, "exitcode") && !meta_has(c.meta, "exitsig"));
	/* Over the limit but done within the extra time: still TO, not killed. */
	cms_run_wall(&o, &c, "20", burn);
	sb_assert_status(&o, 1);
	assert_meta(c.meta, "status", "TO");
	cr_assert(!meta_has(c.meta, "killed"), "burn 1.2 s ended by itself");
	/* Wall clock. */
	cms_run(&o, &c, sleep);
	sb_assert_status(&o, 1);
	assert_meta(c.meta, "status", "TO");
	assert_meta(c.meta, "message", "Time limit exceeded (wall clock)");
	cr_assert(atof(meta(c.meta, "time-wall")) >= 3.0, "time-wall %s", meta(c.meta, "time-wall"));
}

/* CMS reads "SG with cg-oom-killed" as a memory limit. */
Test(isolate, cms_memory_limit)
{
	struct cms c;
	struct sb_out o;
	const char *big[] = { "./prog", "alloc", "256", NULL };

	need_cgroup();
	cms_box(&c, 1044);
	cms_run(&o, &c, big);
	sb_assert_status(&o, 1);
	assert_meta(c.meta, "status", "SG");
	assert_meta(c.meta, "exitsig", "9");
	assert_meta(c.meta, "cg-oom-killed", "1");
	cr_assert(atoi(meta(c.meta, "cg-mem")) <= 65536 + 64, "cg-mem %s", meta(c.meta, "cg-mem"));
}

/* ---- Judge0 ---- */

static void judge0_step(struct sb_out *o, const char *workdir, const char *opts, const char *script)
{
	char cmd[16384];
	const char *argv[] = { "/bin/sh", "-c", cmd, NULL };

	snprintf(cmd, sizeof(cmd),
		 "cd %s && exec %s --cg -s -b 2042 -M %s/metadata.txt %s -t 1 -x 0.5 -w 3 -k 64000 -p60 "
		 "--cg-mem=256000 -f 4096 --cg-timing -E HOME=/tmp -E 'PATH=/usr/local/bin:/usr/bin:/bin' -E LANG "
		 "-E LANGUAGE -E LC_ALL -E JUDGE0_HOMEPAGE -E JUDGE0_SOURCE_CODE -E JUDGE0_MAINTAINER -E JUDGE0_VERSION "
		 "-d /etc:noexec --run -- /bin/bash %s",
		 workdir, iso_bin(), workdir, opts, script);
	sb_exec(SB_AS_USER, argv, NULL, 60, o);
}

Test(isolate, judge0_cycle)
{
	struct sb_out o;
	char workdir[4200], path[4400], meta_file[4400], buf[4096];

	need_cgroup();
	box_root("judge0-boxes");
	iso(&o, "--cg", "-b", "2042", "--init", NULL);
	sb_assert_status(&o, 0);
	snprintf(workdir, sizeof(workdir), "%.*s", (int)strcspn(o.out, "\n"), o.out);
	snprintf(meta_file, sizeof(meta_file), "%s/metadata.txt", workdir);
	snprintf(path, sizeof(path), "%s/box/source", workdir);
	copy_helper("judgeprog", path);
	snprintf(path, sizeof(path), "%s/box/compile.sh", workdir);
	write_as_user(path, "cp source prog && chmod +x prog\n", 0644);
	snprintf(path, sizeof(path), "%s/box/run.sh", workdir);
	write_as_user(path, "./prog double | cat\n", 0644);
	snprintf(path, sizeof(path), "%s/stdin.txt", workdir);
	write_as_user(path, "21\n", 0644);

	/* Compile: stderr into stdout, stdin from /dev/null, must exit 0. */
	judge0_step(&o, workdir, "--stderr-to-stdout -i /dev/null", "compile.sh > compile_output.txt");
	sb_assert_status(&o, 0);
	/* Run: stdin, stdout and stderr are the shell's, outside the box. */
	judge0_step(&o, workdir, "", "run.sh < stdin.txt > stdout.txt 2> stderr.txt");
	sb_assert_status(&o, 0);
	snprintf(path, sizeof(path), "%s/stdout.txt", workdir);
	read_file(path, buf, sizeof(buf));
	cr_assert_str_eq(buf, "42\n");
	cr_assert(meta_has(meta_file, "time") && meta_has(meta_file, "time-wall") && meta_has(meta_file, "cg-mem"));
	assert_meta(meta_file, "exitcode", "0");
	cr_assert(!meta_has(meta_file, "status"));
	/* A runtime error. */
	snprintf(path, sizeof(path), "%s/box/run.sh", workdir);
	write_as_user(path, "echo oops >&2; exit 3\n", 0644);
	judge0_step(&o, workdir, "", "run.sh < stdin.txt > stdout.txt 2> stderr.txt");
	sb_assert_status(&o, 1);
	assert_meta(meta_file, "status", "RE");
	assert_meta(meta_file, "exitcode", "3");
	snprintf(path, sizeof(path), "%s/stderr.txt", workdir);
	read_file(path, buf, sizeof(buf));
	cr_assert_str_eq(buf, "oops\n");
	iso(&o, "--cg", "-b", "2042", "--cleanup", NULL);
	sb_assert_status(&o, 0);
	cr_assert(access(workdir, F_OK) < 0, "workdir left after --cleanup");
}

/* ---- two boxes, FIFOs, permissions, symlinks ---- */

/* Start isolate ARGS as the test user in the background; its pid. */
static pid_t iso_start(const char *const *args, const char *out_path)
{
	const char *argv[SB_MAX_ARGS];
	size_t n = 0;
	pid_t pid;

	argv[n++] = iso_bin();
	for (; *args; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int fd = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);

		setpgid(0, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		sb_drop_to_user();
		execv(argv[0], (char *const *)argv);
		_exit(97);
	}
	return pid;
}

/* Its exit status within timeout_s seconds (killed and failed after). */
static int iso_wait(pid_t pid, int timeout_s)
{
	int st;

	for (int i = 0; i < timeout_s * 20; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(50000);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, &st, 0);
	cr_assert_fail("isolate (pid %d) did not finish in %d s", (int)pid, timeout_s);
	return -1;
}

/* CMS's communication tasks: a manager and the contestant in two boxes,
 * talking through FIFOs in a directory both boxes bind. */
Test(isolate, two_boxes_joined_by_fifos)
{
	struct sb_out o;
	char fifo_dir[4200], dir_arg[4300], path[4400], out[4400], buf[256];
	const char *root = box_root("fifo-boxes");
	pid_t manager, user;

	snprintf(fifo_dir, sizeof(fifo_dir), "%s", sb_user_dir("fifos"));
	chmod(fifo_dir, 0755);
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", fifo_dir, i ? "to_manager" : "to_user");
		cr_assert(mkfifo(path, 0666) == 0);
		chmod(path, 0666);
		chown_user(path);
	}
	snprintf(dir_arg, sizeof(dir_arg), "--dir=/fifo=%s:rw", fifo_dir);
	iso(&o, "-b", "7", "--init", NULL);
	sb_assert_status(&o, 0);
	iso(&o, "-b", "8", "--init", NULL);
	sb_assert_status(&o, 0);
	{
		const char *m[] = { "-b", "7", dir_arg, "--stdout=out", "--run", "--", "/bin/sh", "-c",
				    "echo 21 > /fifo/to_user; read x < /fifo/to_manager; echo got $x", NULL };
		const char *u[] = { "-b", "8", dir_arg, "--run", "--", "/bin/sh", "-c",
				    "read x < /fifo/to_user; echo $((x * 2)) > /fifo/to_manager", NULL };

		manager = iso_start(m, NULL);
		user = iso_start(u, NULL);
	}
	cr_assert_eq(iso_wait(user, 30), 0);
	cr_assert_eq(iso_wait(manager, 30), 0);
	snprintf(out, sizeof(out), "%s/7/box/out", root);
	read_file(out, buf, sizeof(buf));
	cr_assert_str_eq(buf, "got 42\n");
}

/* CMS's protection of its files: home 0755, output files 0722 and
 * input 0644, all the caller's. The program (another uid) writes the
 * output but cannot read it back, nor create a file. */
Test(isolate, permission_bits_0722_0755)
{
	struct sb_out o;
	char home[4200], dir_arg[4300], path[4400], buf[4096];

	need_subids();
	box_root("perm-boxes");
	snprintf(home, sizeof(home), "%s", sb_user_dir("perm-home"));
	snprintf(path, sizeof(path), "%s/input.txt", home);
	write_as_user(path, "secret input\n", 0644);
	snprintf(path, sizeof(path), "%s/output.txt", home);
	write_as_user(path, "", 0722);
	snprintf(path, sizeof(path), "%s/stderr.txt", home);
	write_as_user(path, "", 0722);
	chmod(home, 0755);
	snprintf(dir_arg, sizeof(dir_arg), "--dir=/tmp=%s:rw", home);
	iso(&o, "-b", "9", "--init", NULL);
	sb_assert_status(&o, 0);
	iso(&o, "-b", "9", "-p", "--chdir=/tmp", dir_arg, "--stdin=/tmp/input.txt", "--stdout=/tmp/output.txt",
	    "--stderr=/tmp/stderr.txt", "--run", "--", "/bin/sh", "-c",
	    "read x; echo \"read: $x\"; cat /tmp/output.txt; echo \"cat: $?\" >&2; touch /tmp/new; echo \"new: $?\" >&2",
	    NULL);
	sb_assert_status(&o, 0);
	snprintf(path, sizeof(path), "%s/output.txt", home);
	read_file(path, buf, sizeof(buf));
	cr_assert_str_eq(buf, "read: secret input\n");
	snprintf(path, sizeof(path), "%s/stderr.txt", home);
	read_file(path, buf, sizeof(buf));
	cr_assert(strstr(buf, "cat: 1") && strstr(buf, "new: 1"), "stderr: %s", buf);
	snprintf(path, sizeof(path), "%s/new", home);
	cr_assert(access(path, F_OK) < 0, "the program created a file in a 0755 directory");
}

/* A contestant plants symlinks where the judge reads or writes: the
 * stdio paths resolve inside the sandbox, never to a host file. */
Test(isolate, planted_symlink_at_stdout)
{
	struct sb_out o;
	char victim[4300], link[4400], rel[8800], buf[256];
	const char *root = box_root("link-boxes");

	snprintf(victim, sizeof(victim), "%s/victim", sb_user_dir("victim-dir"));
	write_as_user(victim, "precious\n", 0644);
	iso(&o, "-b", "11", "--init", NULL);
	sb_assert_status(&o, 0);
	snprintf(link, sizeof(link), "%s/11/box/out", root);
	cr_assert(symlink(victim, link) == 0);
	chown_user(link);
	iso(&o, "-b", "11", "--stdout=out", "--run", "--", "/bin/echo", "pwned", NULL);
	cr_assert(o.status == 2 || o.status == 0, "exit %d: %s", o.status, o.err);
	read_file(victim, buf, sizeof(buf));
	cr_assert_str_eq(buf, "precious\n");
	/* The same through "..": it stops at the sandbox's root. */
	snprintf(link, sizeof(link), "%s/11/box/out2", root);
	snprintf(rel, sizeof(rel), "../../../../../../../../..%s", victim);
	cr_assert(symlink(rel, link) == 0);
	chown_user(link);
	iso(&o, "-b", "11", "--stdout=out2", "--run", "--", "/bin/echo", "pwned", NULL);
	read_file(victim, buf, sizeof(buf));
	cr_assert_str_eq(buf, "precious\n");
	/* And no magic link reopens a descriptor of the sandbox. */
	snprintf(link, sizeof(link), "%s/11/box/out3", root);
	cr_assert(symlink("/proc/self/fd/1", link) == 0);
	chown_user(link);
	iso(&o, "-b", "11", "--stdout=out3", "--run", "--", "/bin/echo", "pwned", NULL);
	sb_assert_status(&o, 2);
}

/* ---- lifecycle ---- */

/* Processes whose command line holds marker. */
static int count_marked(const char *marker)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	cr_assert(d);
	while ((de = readdir(d))) {
		char file[300], buf[4096];
		size_t len;
		FILE *f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(file, sizeof(file), "/proc/%s/cmdline", de->d_name);
		f = fopen(file, "r");
		if (!f)
			continue;
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		for (size_t i = 0; i < len; i++)
			buf[i] = buf[i] ? buf[i] : ' ';
		buf[len] = '\0';
		n += strstr(buf, marker) != NULL;
	}
	closedir(d);
	return n;
}

/* Until count_marked(marker) is want (at least want when at_least). */
static bool wait_marked(const char *marker, int want, bool at_least)
{
	for (int i = 0; i < 200; i++) {
		int n = count_marked(marker);

		if (n == want || (at_least && n > want))
			return true;
		usleep(50000);
	}
	return false;
}

/* isolate killed in the middle of a run (a judge's worker dies): the
 * program dies with it, and --cleanup leaves nothing; the box works again. */
Test(isolate, killed_run_leaves_nothing)
{
	struct sb_out o;
	char box[4300], lock[4300];
	const char *root = box_root("killed-boxes");
	/* The program leaves a directory of its own with a file in it. */
	const char *run[] = { "-b", "12", "-p", "--run", "--", "/bin/sh", "-c",
			      "mkdir d && echo x > d/f && exec /bin/sleep 31.2718", NULL };
	pid_t pid;
	struct stat st;

	iso(&o, "-b", "12", "--init", NULL);
	sb_assert_status(&o, 0);
	pid = iso_start(run, NULL);
	/* isolate's own command line holds the marker, and the program's. */
	cr_assert(wait_marked("sleep 31.2718", 2, true), "the program did not start");
	snprintf(box, sizeof(box), "%s/12/box/d/f", root);
	for (int i = 0; i < 100 && access(box, F_OK) < 0; i++)
		usleep(20000);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	cr_assert(wait_marked("sleep 31.2718", 0, false), "the program outlived the killed isolate");
	/* What it made is still its own (nobody handed it back): --cleanup
	 * removes it all the same. */
	iso(&o, "-b", "12", "--cleanup", NULL);
	sb_assert_status(&o, 0);
	snprintf(box, sizeof(box), "%s/12", root);
	cr_assert(access(box, F_OK) < 0, "box dir left after --cleanup");
	snprintf(lock, sizeof(lock), "%s/locks/12", root);
	cr_assert(stat(lock, &st) == 0 && st.st_size == 0, "the lock is truncated, never unlinked");
	iso(&o, "-b", "12", "--cleanup", NULL);
	sb_assert_status(&o, 0);
	iso(&o, "-b", "12", "--init", NULL);
	sb_assert_status(&o, 0);
	iso(&o, "-b", "12", "--run", "--", "/bin/true", NULL);
	sb_assert_status(&o, 0);
	/* The killed run's cgroup (named after its launcher) went with the
	 * next run's clean-up of stale ones. */
	if (have_cgroup()) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "find /sys/fs/cgroup -maxdepth 8 -name sandbox-%d | grep -q .", (int)pid);
		cr_assert(system(cmd) != 0, "the killed run's cgroup sandbox-%d is left", (int)pid);
	}
}

/* One box, two commands: the second is refused, or waits with --wait. */
Test(isolate, busy_box_is_refused_or_waited_for)
{
	struct sb_out o;
	const char *run[] = { "-b", "13", "--run", "--", "/bin/sleep", "1.61803", NULL };
	pid_t pid;

	box_root("busy-boxes");
	iso(&o, "-b", "13", "--init", NULL);
	sb_assert_status(&o, 0);
	pid = iso_start(run, NULL);
	cr_assert(wait_marked("sleep 1.61803", 2, true), "the first run did not start");
	iso(&o, "-b", "13", "--run", "--", "/bin/true", NULL);
	sb_assert_status(&o, 2);
	sb_assert_err_has(&o, "This box is currently in use by another process");
	iso(&o, "-b", "13", "--wait", "--run", "--", "/bin/true", NULL);
	sb_assert_status(&o, 0);
	cr_assert_eq(iso_wait(pid, 10), 0);
}

Test(isolate, box_ids)
{
	struct sb_out o;
	char meta_file[4300];

	box_root("id-boxes");
	iso(&o, "-b", "abc", "--init", NULL);
	sb_assert_status(&o, 2);
	sb_assert_err_has(&o, "Invalid box id: abc");
	iso(&o, "--box-id=-1", "--init", NULL);
	sb_assert_status(&o, 2);
	iso(&o, "-b", "2147483648", "--init", NULL);
	sb_assert_status(&o, 2);
	iso(&o, "-b", "2147483647", "--init", NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "/2147483647\n");
	iso(&o, "-b", "2147483647", "--run", "--", "/bin/true", NULL);
	sb_assert_status(&o, 0);
	iso(&o, "-b", "2147483647", "--cleanup", NULL);
	sb_assert_status(&o, 0);
	/* A box never made: XX with isolate's message, in the meta file too. */
	snprintf(meta_file, sizeof(meta_file), "%s/meta", sb_user_dir("id-meta"));
	iso(&o, "-b", "99", "-M", meta_file, "--run", "--", "/bin/true", NULL);
	sb_assert_status(&o, 2);
	sb_assert_err_has(&o, "Box not found, did you run `isolate --init'?");
	assert_meta(meta_file, "status", "XX");
}

Test(isolate, environment_rules)
{
	struct sb_out o;
	char prog[4400];
	const char *root = box_root("env-boxes");

	iso(&o, "-b", "14", "--init", NULL);
	sb_assert_status(&o, 0);
	snprintf(prog, sizeof(prog), "%s/14/box/prog", root);
	copy_helper("judgeprog", prog);
	/* Empty but for isolate's one default: no PATH either. */
	iso(&o, "-b", "14", "-s", "--run", "--", "./prog", "env", NULL);
	sb_assert_status(&o, 0);
	cr_assert_str_eq(o.out, "LIBC_FATAL_STDERR_=1\n");
	setenv("JUDGE_ONLY", "yes", 1);
	iso(&o, "-b", "14", "-s", "-E", "FOO=bar", "-E", "JUDGE_ONLY", "-E", "LIBC_FATAL_STDERR_=", "--env=NOT_SET_ANYWHERE",
	    "--run", "--", "./prog", "env", NULL);
	sb_assert_status(&o, 0);
	/* isolate's order: a removed variable's place goes to the last one. */
	cr_assert_str_eq(o.out, "JUDGE_ONLY=yes\nFOO=bar\n");
	iso(&o, "-b", "14", "-s", "-e", "--run", "--", "./prog", "env", NULL);
	sb_assert_out_has(&o, "JUDGE_ONLY=yes\n");
	sb_assert_out_has(&o, "LIBC_FATAL_STDERR_=1\n");
}

Test(isolate, options_and_usage)
{
	struct sb_out o;

	box_root("opt-boxes");
	iso(&o, "--version", NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "The process isolator");
	iso(&o, "--help", NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "--box-id");
	iso(&o, "-b", "1", NULL);
	sb_assert_status(&o, 2);
	sb_assert_err_has(&o, "Please specify an isolate command");
	iso(&o, "--init", "--cleanup", NULL);
	sb_assert_status(&o, 2);
	iso(&o, "--cg-mem=1000", "--init", NULL);
	sb_assert_status(&o, 2);
	sb_assert_err_has(&o, "require --cg");
	iso(&o, "--no-such-option", "--init", NULL);
	sb_assert_status(&o, 2);
	iso(&o, "-t", "fast", "--init", NULL);
	sb_assert_status(&o, 2);
	iso(&o, "--dir=/x:bogus", "--init", NULL);
	sb_assert_status(&o, 2);
	sb_assert_err_has(&o, "unknown directory option");
	/* Disk quotas need root: refused clearly, as a sandbox error. */
	iso(&o, "-b", "15", "-q", "1000,100", "--init", NULL);
	sb_assert_status(&o, 2);
	sb_assert_err_has(&o, "--quota");
	/* The older fork's switches Judge0 passes are accepted; -p alone
	 * lifts the process limit. */
	iso(&o, "-b", "15", "--init", NULL);
	sb_assert_status(&o, 0);
	iso(&o, "-b", "15", "--cg-timing", "--no-cg-timing", "-p", "--run", "--", "/bin/sh", "-c", "/bin/true && echo forked",
	    NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "forked");
	iso(&o, "-b", "15", "--run", "--", "/bin/sh", "-c", "/bin/true && echo forked", NULL);
	sb_assert_status(&o, 1);
	/* A file system only root may mount is refused, never an empty tmpfs. */
	iso(&o, "-b", "15", "--dir=/sys=sysfs:fs", "--run", "--", "/bin/true", NULL);
	sb_assert_status(&o, 2);
	sb_assert_err_has(&o, "only proc and tmpfs can be mounted without root");
	/* Own network namespace (lo only), or the caller's with --share-net. */
	iso(&o, "-b", "15", "-s", "--run", "--", "/bin/cat", "/proc/net/dev", NULL);
	sb_assert_status(&o, 0);
	cr_assert_eq(strstr(o.out, "lo:") ? 1 : 0, 1, "%s", o.out);
	cr_assert(!strstr(o.out, "eth") && !strstr(o.out, "ens"), "host interfaces inside: %s", o.out);
	{
		char host[8192] = "";

		read_file("/proc/net/dev", host, sizeof(host));
		iso(&o, "-b", "15", "-s", "--share-net", "--run", "--", "/bin/cat", "/proc/net/dev", NULL);
		sb_assert_status(&o, 0);
		cr_assert_eq(strcount_lines(o.out), strcount_lines(host), "--share-net: %s", o.out);
	}
	/* -v says who the program runs as. */
	iso(&o, "-b", "15", "-v", "--run", "--", "/bin/true", NULL);
	sb_assert_status(&o, 0);
	sb_assert_err_has(&o, "the program runs as");
	if (getenv("SANDBOX_SUBIDS"))
		sb_assert_err_has(&o, "an id of your /etc/subuid range");
}

/* Without ISOLATE_BOX_ROOT: $XDG_RUNTIME_DIR/isolate. */
Test(isolate, default_box_root)
{
	struct sb_out o;
	char want[4300];
	const char *run = sb_user_dir("xdg-run");

	chmod(run, 0700);
	unsetenv("ISOLATE_BOX_ROOT");
	setenv("ISOLATE_CONFIG_FILE", "/dev/null", 1);
	setenv("XDG_RUNTIME_DIR", run, 1);
	iso(&o, "-b", "16", "--init", NULL);
	sb_assert_status(&o, 0);
	snprintf(want, sizeof(want), "%s/isolate/16\n", run);
	cr_assert_str_eq(o.out, want);
	iso(&o, "-b", "16", "--cleanup", NULL);
	sb_assert_status(&o, 0);
}

/* A root caller: the program runs as isolate's per-box uid, the box is
 * handed to it for the run and back to root afterwards. */
Test(isolate, root_caller_per_box_uid)
{
	struct sb_out o;
	char root[4300], prog[4400], made[4400];
	const char *argv[] = { iso_bin(), "-b", "17", "-p", "--run", "--", "/bin/sh", "-c", "./prog id; : > made", NULL };
	const char *init[] = { iso_bin(), "-b", "17", "--init", NULL };
	struct stat st;

	if (getuid() != 0)
		cr_skip_test("needs root");
	snprintf(root, sizeof(root), "%s/root-boxes", sb_testdir());
	mkdir(root, 0755);
	setenv("ISOLATE_BOX_ROOT", root, 1);
	sb_exec(SB_AS_ROOT, init, NULL, 30, &o);
	sb_assert_status(&o, 0);
	snprintf(prog, sizeof(prog), "%s/17/box/prog", root);
	copy_helper("judgeprog", prog);
	cr_assert(chown(prog, 0, 0) == 0);
	sb_exec(SB_AS_ROOT, argv, NULL, 30, &o);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "60017 60017\n");
	snprintf(made, sizeof(made), "%s/17/box/made", root);
	cr_assert(stat(made, &st) == 0 && st.st_uid == 0, "the box is root's again after the run");
	iso(&o, "-b", "17", "--as-uid=1", "--as-gid=1", "--init", NULL);
	sb_assert_status(&o, 2);
	sb_assert_err_has(&o, "You must be root");
}

/* --processes counts the box's processes only: the caller's other ones
 * (here 6 sleeping processes of the same user) never use up the limit.
 * Without a cgroup it is RLIMIT_NPROC, which Linux counts per user
 * namespace; with one, pids.max of the run's own cgroup. */
Test(isolate, processes_count_the_box_only)
{
	struct sb_out o;
	const char *saved = getenv("SANDBOX_CGROUP");
	pid_t others[6];

	if (saved)
		setenv("SANDBOX_CGROUP_SAVED", saved, 1);
	box_root("proc-boxes");
	iso(&o, "-b", "18", "--init", NULL);
	sb_assert_status(&o, 0);
	for (int i = 0; i < 6; i++) {
		others[i] = fork();
		cr_assert(others[i] >= 0);
		if (others[i] == 0) {
			sb_drop_to_user();
			execl("/bin/sleep", "sleep", "20.4242", (char *)NULL);
			_exit(97);
		}
	}
	cr_assert(wait_marked("sleep 20.4242", 6, true));
	for (int cg = 0; cg < 2; cg++) {
		if (cg == 0)
			unsetenv("SANDBOX_CGROUP"); /* no cgroup: the rlimit stands in */
		else if (!getenv("SANDBOX_CGROUP_SAVED"))
			break;
		else
			setenv("SANDBOX_CGROUP", getenv("SANDBOX_CGROUP_SAVED"), 1);
		iso(&o, "-b", "18", "-p2", "--run", "--", "/bin/sh", "-c", "/bin/true && echo forked", NULL);
		sb_assert_status(&o, 0);
		sb_assert_out_has(&o, "forked");
		/* And the limit holds: two children at once are one too many
		 * (dash gives up with status 2). */
		iso(&o, "-b", "18", "-p2", "--run", "--", "/bin/sh", "-c", "/bin/sleep 1 & /bin/true; wait", NULL);
		sb_assert_status(&o, 1);
		sb_assert_err_has(&o, "Cannot fork");
	}
	for (int i = 0; i < 6; i++) {
		kill(others[i], SIGKILL);
		waitpid(others[i], NULL, 0);
	}
}

/* --cg promises cgroup figures: without a cgroup the caller may use, the
 * run is a sandbox error that says how to get one, not a run without. */
Test(isolate, cg_without_a_cgroup_is_an_error)
{
	struct sb_out o;
	char meta_file[4300];
	struct statfs sf;

	if (getenv("RUN_IN_VM") || (statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == 0x63677270))
		cr_skip_test("cgroup v2: the test user's own cgroup may be delegated here");
	box_root("nocg-boxes");
	unsetenv("SANDBOX_CGROUP");
	snprintf(meta_file, sizeof(meta_file), "%s/meta", sb_user_dir("nocg-meta"));
	iso(&o, "--cg", "-b", "19", "--init", NULL);
	sb_assert_status(&o, 0);
	iso(&o, "--cg", "-b", "19", "-M", meta_file, "--run", "--", "/bin/true", NULL);
	sb_assert_status(&o, 2);
	sb_assert_err_has(&o, "a cgroup is required and none is usable");
	sb_assert_err_has(&o, "hint:");
	assert_meta(meta_file, "status", "XX");
	iso(&o, "--cg", "-b", "19", "--print-cg-root", NULL);
	sb_assert_status(&o, 2);
	/* The box remembers its mode, as isolate's does; a box made without
	 * --cg runs without a cgroup, rlimits standing in. */
	iso(&o, "-b", "19", "--run", "--", "/bin/true", NULL);
	sb_assert_status(&o, 2);
	sb_assert_err_has(&o, "incompatible control group mode");
	iso(&o, "-b", "20", "--init", NULL);
	sb_assert_status(&o, 0);
	iso(&o, "-b", "20", "-t", "1", "-p", "--run", "--", "/bin/true", NULL);
	sb_assert_status(&o, 0);
}

/* --inherit-fds passes the caller's descriptors on; without it only
 * 0, 1 and 2 reach the program. */
Test(isolate, inherit_fds)
{
	struct sb_out o;
	int fd = open("/dev/null", O_RDONLY);

	box_root("fd-boxes");
	cr_assert(fd >= 0 && dup2(fd, 9) == 9);
	iso(&o, "-b", "21", "--init", NULL);
	sb_assert_status(&o, 0);
	iso(&o, "-b", "21", "-s", "--run", "--", "/bin/sh", "-c", "test -e /proc/self/fd/9 && echo has-9 || echo no-9",
	    NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "no-9");
	iso(&o, "-b", "21", "-s", "--inherit-fds", "--run", "--", "/bin/sh", "-c",
	    "test -e /proc/self/fd/9 && echo has-9 || echo no-9", NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "has-9");
	close(9);
	close(fd);
}

Test(isolate, print_cg_root)
{
	struct sb_out o;
	struct stat st;

	need_cgroup();
	box_root("cgroot-boxes");
	iso(&o, "--cg", "--print-cg-root", NULL);
	sb_assert_status(&o, 0);
	o.out[strcspn(o.out, "\n")] = '\0';
	cr_assert(strncmp(o.out, "/sys/fs/cgroup", 14) == 0 && stat(o.out, &st) == 0 && S_ISDIR(st.st_mode),
		  "'%s'", o.out);
}

/* isolate's own default.cf is read as it is; a bad key names file:line. */
Test(isolate, config_file)
{
	struct sb_out o;
	char cf[4300], bad[4300], text[9000], want[4400];
	const char *root = sb_user_dir("cf-boxes");

	chmod(root, 0700);
	unsetenv("ISOLATE_BOX_ROOT");
	snprintf(cf, sizeof(cf), "%s/default.cf", sb_user_dir("cf"));
	snprintf(text, sizeof(text),
		 "# isolate's default.cf\nbox_root = %s\nlock_root = %s/locks\ncg_root = auto:/run/isolate/cgroup\n"
		 "first_uid = 60000\nfirst_gid = 60000\nnum_boxes = 1000\nrestricted_init = 0\nbox0.cpus = 0\n",
		 root, root);
	write_as_user(cf, text, 0644);
	setenv("ISOLATE_CONFIG_FILE", cf, 1);
	iso(&o, "-b", "999", "--init", NULL);
	sb_assert_status(&o, 0);
	snprintf(want, sizeof(want), "%s/999\n", root);
	cr_assert_str_eq(o.out, want);
	iso(&o, "-b", "1000", "--init", NULL);
	sb_assert_status(&o, 2);
	sb_assert_err_has(&o, "Sandbox ID out of range (allowed: 0-999)");
	snprintf(bad, sizeof(bad), "%s/bad.cf", sb_user_dir("cf"));
	write_as_user(bad, "box_root = /tmp\nfirst_uid = lots\n", 0644);
	setenv("ISOLATE_CONFIG_FILE", bad, 1);
	iso(&o, "-b", "1", "--init", NULL);
	sb_assert_status(&o, 2);
	sb_assert_err_has(&o, "bad.cf:2: first_uid: expected a number");
}
