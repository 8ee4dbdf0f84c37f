/*
 * oci_harness.h: bundles and sandbox-oci calls for test_oci.c and
 * test_engines.c. A bundle is a busybox-static rootfs (shared, owned by
 * root, read-only in the config) and a config.json close to `runc spec`'s
 * default, with the args and extra fields each test gives.
 */
#pragma once

#include "harness.h"

#include <sys/prctl.h>

/* sandbox-oci: an argv[0] alias of the binary under test. */
static inline const char *oci_bin(void)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/sandbox-oci", sb_testdir());
	if (access(path, X_OK) < 0 && symlink(sb_bin(), path) < 0 && errno != EEXIST)
		cr_assert_fail("symlink %s", path);
	return path;
}

static inline void oci_need_busybox(void)
{
	if (access("/bin/busybox", X_OK) < 0)
		cr_skip_test("busybox-static is not installed (tools/deps.sh)");
}

/* The shared rootfs: /bin/busybox and every applet as a link. */
static inline const char *oci_rootfs(void)
{
	static char root[4096];
	char cmd[8192];

	oci_need_busybox();
	snprintf(root, sizeof(root), "%s/oci-rootfs", sb_testdir());
	snprintf(cmd, sizeof(cmd),
		 "set -e; d=%1$s; [ -x $d/bin/sh ] && exit 0; t=$d.$$; mkdir -p $t/bin $t/etc $t/tmp $t/proc $t/dev $t/sys $t/root; "
		 "cp /bin/busybox $t/bin/; for a in $(/bin/busybox --list); do [ $a = busybox ] || ln -s busybox $t/bin/$a; done; "
		 "echo root:x:0:0:root:/root:/bin/sh > $t/etc/passwd; chmod -R go-w,a+rX $t; mv -T $t $d 2>/dev/null || rm -rf $t",
		 root);
	cr_assert_eq(system(cmd), 0);
	return root;
}

/* A bundle NAME under the test dir. args: a JSON array; ns_extra: more
 * namespaces (",{\"type\": \"user\"}"), or ""; linux_extra: more members
 * of "linux" (",\"sysctl\": {...}"), or ""; top_extra: more top-level
 * members, or "". Returns the bundle's path. */
static inline const char *oci_bundle(const char *name, const char *args, const char *ns_extra, const char *linux_extra,
				     const char *top_extra)
{
	static char dirs[4][4096];
	static int k;
	char *dir = dirs[k++ % 4], path[4200];
	const char *root = oci_rootfs();
	FILE *f;

	snprintf(dir, 4096, "%s/%s", sb_testdir(), name);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/config.json", dir);
	f = fopen(path, "w");
	cr_assert(f);
	fprintf(f,
		"{\"ociVersion\": \"1.0.2\",\n"
		" \"process\": {\"terminal\": false, \"user\": {\"uid\": 0, \"gid\": 0}, \"args\": %s,\n"
		"  \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\", \"TERM=xterm\"],\n"
		"  \"cwd\": \"/\",\n"
		"  \"capabilities\": {\"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
		"   \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
		"   \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
		"   \"ambient\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]},\n"
		"  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}],\n"
		"  \"noNewPrivileges\": true},\n"
		" \"root\": {\"path\": \"%s\", \"readonly\": true},\n"
		" \"hostname\": \"oci-test\",\n"
		" \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
		"  {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},\n"
		"  {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\", \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\", \"gid=5\"]},\n"
		"  {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\", \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},\n"
		"  {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\", \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},\n"
		"  {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\", \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]},\n"
		"  {\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", \"nodev\", \"mode=1777\"]}],\n"
		" \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}%s],\n"
		"  \"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\", \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\", \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"],\n"
		"  \"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\"]%s}%s}\n",
		args, root, ns_extra, linux_extra, top_extra);
	fclose(f);
	chmod(path, 0644);
	return dir;
}

static inline void oci_slurp(const char *path, char *buf, size_t *len)
{
	FILE *f = fopen(path, "r");

	*len = f ? fread(buf, 1, SB_OUT_MAX - 1, f) : 0;
	buf[*len] = '\0';
	if (f)
		fclose(f);
	unlink(path);
}

/* Like sb_exec, but stdout and stderr go to files: a container started by
 * create or run --detach inherits them and outlives the call, so pipes
 * would never reach EOF. Waits for the process itself only. */
static inline void oci_exec(enum sb_as as, const char *const argv[], int timeout_s, struct sb_out *o)
{
	char out[4200], err[4200];
	pid_t pid;
	int st;

	memset(o, 0, sizeof(*o));
	snprintf(out, sizeof(out), "%s/oci-out-%d", sb_testdir(), getpid());
	snprintf(err, sizeof(err), "%s/oci-err-%d", sb_testdir(), getpid());
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY), fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0666),
		    fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0666);

		dup2(in, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		if (as == SB_AS_USER)
			sb_drop_to_user();
		if (chdir(sb_testdir()) < 0)
			_exit(98);
		execv(argv[0], (char *const *)argv);
		_exit(97);
	}
	for (int i = 0;; i++) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			break;
		if (i >= timeout_s * 100) {
			kill(pid, SIGKILL);
			cr_assert_fail("'%s %s' did not finish in %d s", argv[0], argv[3] ? argv[3] : "", timeout_s);
		}
		usleep(10000);
	}
	o->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	oci_slurp(out, o->out, &o->out_len);
	oci_slurp(err, o->err, &o->err_len);
}

/* sandbox-oci --root ROOT ARGS... as `as`; o gets the outputs. */
static inline void oci_vcall(enum sb_as as, struct sb_out *o, const char *root, const char *first, va_list ap)
{
	const char *argv[SB_MAX_ARGS];
	size_t n = 0;

	argv[n++] = oci_bin();
	argv[n++] = "--root";
	argv[n++] = root;
	for (const char *a = first; a && n < SB_MAX_ARGS - 1; a = va_arg(ap, const char *))
		argv[n++] = a;
	argv[n] = NULL;
	oci_exec(as, argv, 60, o);
}

static inline void oci_call(struct sb_out *o, const char *root, const char *first, ...)
{
	va_list ap;

	va_start(ap, first);
	oci_vcall(SB_AS_ROOT, o, root, first, ap);
	va_end(ap);
}

static inline void oci_call_user(struct sb_out *o, const char *root, const char *first, ...)
{
	va_list ap;

	va_start(ap, first);
	oci_vcall(SB_AS_USER, o, root, first, ap);
	va_end(ap);
}

/* The --root dirs this test used, for oci_cleanup. */
static char oci_roots[4][4096];
static int oci_n_roots;

/* A fresh --root for one test, in a directory the test user owns (its
 * runs need to create it). */
static inline const char *oci_root(const char *name)
{
	char *d = oci_roots[oci_n_roots++ % 4];

	snprintf(d, 4096, "%s/state-%s-%d", sb_user_dir("oci-states"), name, getpid());
	return d;
}

/* .fini of every test: a test that failed half-way must not leave a
 * container behind. delete --force each one left in the test's roots,
 * then reap what came to us as subreaper. */
static inline void oci_cleanup(void)
{
	for (int i = 0; i < oci_n_roots && i < 4; i++) {
		char cmd[8400];

		snprintf(cmd, sizeof(cmd),
			 "for id in $(%1$s --root %2$s list -q 2>/dev/null); do %1$s --root %2$s delete --force $id; done "
			 ">/dev/null 2>&1; rm -rf %2$s %2$s.log",
			 oci_bin(), oci_roots[i]);
		if (system(cmd) < 0)
			continue;
	}
	for (int i = 0; i < 50 && waitpid(-1, NULL, WNOHANG) >= 0; i++)
		usleep(10000);
}

/* Engines' conmon and shim are subreapers: the container's init, left
 * by the runtime, becomes their child. So does the test's. */
static inline void oci_subreaper(void)
{
	cr_assert(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
}

static inline int oci_read_pid(const char *path)
{
	char buf[32] = "";
	FILE *f = fopen(path, "r");

	cr_assert(f, "pid file %s missing", path);
	cr_assert(fgets(buf, sizeof(buf), f));
	fclose(f);
	return atoi(buf);
}

/* waitpid with a deadline (seconds); returns the status as a shell shows it. */
static inline int oci_wait(pid_t pid, int timeout_s)
{
	int st;

	for (int i = 0; i < timeout_s * 100; i++) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		cr_assert(r == 0, "waitpid %d: %s", (int)pid, strerror(errno));
		usleep(10000);
	}
	kill(pid, SIGKILL);
	cr_assert_fail("pid %d did not exit in %d s", (int)pid, timeout_s);
	return -1;
}
