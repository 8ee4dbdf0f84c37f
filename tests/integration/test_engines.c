/*
 * test_engines.c: real engines driving sandbox-oci, as users run them.
 *   podman, rootless, as the test user with its /etc/subuid range
 *     (tests/setup-subuid.sh), storage and runtime dirs in the test dir,
 *     vfs storage, an image imported from a busybox-static rootfs tar;
 *     containers.conf lists sandbox-oci in runtime_supports_json, so
 *     podman passes --log-format=json --log and reads our errors there.
 *   containerd, as root, started by the test with its own root, state and
 *     socket in a temp dir; an OCI archive imported with ctr; `ctr run
 *     --runc-binary`: containerd-shim-runc-v2 drives us, the path a
 *     Kubernetes RuntimeClass takes.
 * Nothing is pulled. Each engine's test skips, saying why, only when the
 * engine is not installed or cannot run here.
 */
#include <sys/mount.h>

#include "oci_harness.h"

#include <sys/socket.h>
#include <sys/un.h>

/* ---- podman ---- */

static const char *pod_dir(void)
{
	return sb_user_dir("podman");
}

/* Run `sh -c SCRIPT` as the test user with podman's environment set:
 * $P is podman with our flags, $R our runtime, $I the image. */
static void pod_sh(struct sb_out *o, const char *script)
{
	static char full[16384];
	const char *argv[] = { "/bin/sh", "-c", full, NULL };
	const char *d = pod_dir();

	snprintf(full, sizeof(full),
		 "export HOME=%1$s/home XDG_RUNTIME_DIR=%1$s/run XDG_CONFIG_HOME=%1$s/home/.config "
		 "XDG_DATA_HOME=%1$s/home/.local/share CONTAINERS_CONF=%1$s/containers.conf; "
		 "mkdir -p $HOME $XDG_RUNTIME_DIR; chmod 700 $XDG_RUNTIME_DIR; "
		 "P='podman --storage-driver vfs --cgroup-manager=cgroupfs --events-backend=file'; R=%2$s; I=localhost/sbtest-busybox; "
		 "%3$s",
		 d, oci_bin(), script);
	oci_exec(SB_AS_USER, argv, 120, o);
}

static void need_podman(void)
{
	static struct sb_out o;
	char conf[4200], tar[4200], cmd[8600];
	FILE *f;

	oci_need_busybox();
	if (access("/usr/bin/podman", X_OK) < 0)
		cr_skip_test("podman is not installed (tools/deps.sh)");
	if (getuid() == 0 && !getenv("SANDBOX_SUBIDS"))
		cr_skip_test("the test user has no /etc/subuid range (tests/setup-subuid.sh): rootless podman cannot run");
	snprintf(conf, sizeof(conf), "%s/containers.conf", pod_dir());
	f = fopen(conf, "w");
	cr_assert(f);
	fprintf(f, "[engine]\nruntime_supports_json = [\"crun\", \"runc\", \"sandbox-oci\"]\n");
	fclose(f);
	chmod(conf, 0644);
	snprintf(tar, sizeof(tar), "%s/busybox.tar", pod_dir());
	snprintf(cmd, sizeof(cmd), "[ -f %1$s ] || tar -C %2$s -cf %1$s . && chmod 644 %1$s", tar, oci_rootfs());
	cr_assert_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "$P image exists $I || $P import -q %s $I >/dev/null", tar);
	pod_sh(&o, cmd);
	sb_assert_status(&o, 0);
}

/* A test that failed half-way: its detached container goes. */
static void pod_cleanup(void)
{
	static struct sb_out o;

	if (access("/usr/bin/podman", X_OK) == 0)
		pod_sh(&o, "$P rm -f sbx-life >/dev/null 2>&1; true");
	/* Rootless podman keeps a pause process (catatonit) holding its user
	 * namespace for the next call; this test's XDG_RUNTIME_DIR dies with
	 * the test, so end that process too, by the pid podman recorded. */
	pod_sh(&o, "p=$(cat $XDG_RUNTIME_DIR/libpod/tmp/pause.pid 2>/dev/null) && kill -9 \"$p\" 2>/dev/null; true");
}

Test(engines, podman_run_returns_the_exit_code, .fini = pod_cleanup)
{
	static struct sb_out o;

	need_podman();
	pod_sh(&o, "$P --runtime $R run --rm --network none $I sh -c 'id -u; grep Seccomp: /proc/self/status; exit 7'");
	sb_assert_status(&o, 7);
	/* Root inside podman's user namespace: no second namespace, no 65534. */
	sb_assert_out_has(&o, "0\nSeccomp:\t2\n");
}

Test(engines, podman_detach_exec_stop_rm, .fini = pod_cleanup)
{
	static struct sb_out o;

	need_podman();
	pod_sh(&o, "set -e; $P --runtime $R run -d --name sbx-life --network none $I sleep 1000 >/dev/null; "
		   "$P --runtime $R exec sbx-life sh -c 'echo exec-ok; ps -o comm | grep -c sleep'; "
		   "$P --runtime $R exec -t sbx-life tty; "
		   "st=0; $P --runtime $R exec sbx-life sh -c 'exit 3' || st=$?; echo exec-status=$st; "
		   "$P --runtime $R inspect -f '{{.State.Status}}' sbx-life; "
		   "$P --runtime $R stop -t 5 sbx-life >/dev/null; "
		   "$P --runtime $R inspect -f '{{.State.Status}} {{.State.ExitCode}}' sbx-life; "
		   "$P --runtime $R rm sbx-life >/dev/null; echo removed");
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "exec-ok\n1\n/dev/pts/");
	sb_assert_out_has(&o, "exec-status=3\nrunning\n");
	/* stop's SIGTERM reached sleep (init forwards it): no 10 s wait for KILL. */
	sb_assert_out_has(&o, "exited 143\nremoved\n");
}

Test(engines, podman_tty, .fini = pod_cleanup)
{
	static struct sb_out o;

	need_podman();
	pod_sh(&o, "$P --runtime $R run --rm -t --network none $I sh -c 'tty; test -t 0 && echo stdin-is-a-tty'");
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "/dev/pts/0");
	sb_assert_out_has(&o, "stdin-is-a-tty");
}

Test(engines, podman_shows_our_error_from_the_json_log, .fini = pod_cleanup)
{
	static struct sb_out o;

	need_podman();
	/* A wrapper of the same basename records how podman calls us. */
	pod_sh(&o, "w=$HOME/wrap; mkdir -p $w; printf '#!/bin/sh\\necho \"$*\" >> %s\\nexec %s \"$@\"\\n' "
		   "$w/args $R > $w/sandbox-oci; chmod 755 $w/sandbox-oci; : > $w/args; "
		   "$P --runtime $w/sandbox-oci run --rm --network none $I no-such-command; st=$?; "
		   "grep -c -- '--log-format=json --log ' $w/args; exit $st");
	/* podman passed --log-format=json --log (runtime_supports_json), maps
	 * "not found" to 127 and shows the runtime's message from that log. */
	sb_assert_status(&o, 127);
	cr_assert(atoi(o.out) >= 1, "podman did not pass --log-format=json: %s", o.out);
	sb_assert_err_has(&o, "executable file 'no-such-command' not found");
}

Test(engines, podman_memory_limit, .fini = pod_cleanup)
{
	static struct sb_out o;
	struct stat st;

	need_podman();
	/* Rootless podman sets cgroup limits only through a delegated cgroup
	 * v2 tree (systemd); this hybrid v1 host has none, and podman itself
	 * refuses --memory there: the limit is tested through containerd. */
	if (stat("/sys/fs/cgroup/cgroup.controllers", &st) < 0)
		cr_skip_test("cgroup v1/hybrid host: rootless podman cannot set --memory here (tested via containerd)");
	pod_sh(&o, "$P --runtime $R run --rm --memory 32m --network none $I sh -c 'dd if=/dev/zero of=/dev/shm/x bs=1M count=64'");
	sb_assert_status(&o, 137);
}

/* ---- containerd ---- */

struct ctd {
	char dir[4096];
	pid_t pid;
};

static void ctd_sh(const struct ctd *c, struct sb_out *o, const char *script)
{
	static char full[16384];
	const char *argv[] = { "/bin/sh", "-c", full, NULL };

	snprintf(full, sizeof(full), "C='ctr -a %s/containerd.sock'; R=%s; I=docker.io/library/sbtest-busybox:latest; %s",
		 c->dir, oci_bin(), script);
	oci_exec(SB_AS_ROOT, argv, 120, o);
}

static pid_t ctd_pid = -1; /* for ctd_cleanup, when a test fails half-way */

static char ctd_dir[4096]; /* for ctd_cleanup: mounts the shims left under it */

/* The shims containerd started outlive it, and came to this process (a
 * subreaper) when they daemonized: end them by pid, never by name. */
static void kill_our_children(void)
{
	char path[128], buf[4096];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f))
		for (char *t = strtok(buf, " \n"); t; t = strtok(NULL, " \n"))
			kill((pid_t)atoi(t), SIGKILL);
	fclose(f);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* A shim killed mid-run leaves its container's rootfs mounted in the
 * host's namespace under our temp dir (an overlay of /tmp would then fail
 * for every later test: locked submounts): take them down, deepest first. */
static void umount_under(const char *dir)
{
	char line[8192], mnt[32][4096];
	size_t n = 0, len = strlen(dir);
	FILE *f = fopen("/proc/self/mountinfo", "r");

	if (!f || !len)
		return f ? (void)fclose(f) : (void)0;
	while (n < 32 && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt[n]) == 1 && strncmp(mnt[n], dir, len) == 0)
			n++;
	fclose(f);
	while (n-- > 0)
		umount2(mnt[n], MNT_DETACH);
}

static void ctd_stop(struct ctd *c)
{
	if (c->pid > 0) {
		kill(c->pid, SIGTERM);
		oci_wait(c->pid, 20);
		c->pid = ctd_pid = -1;
	}
	kill_our_children();
	umount_under(c->dir);
}

/* containerd and its shims (ours by subreaper) go with the test. */
static void ctd_cleanup(void)
{
	if (ctd_pid > 0) {
		kill(ctd_pid, SIGKILL);
		waitpid(ctd_pid, NULL, 0);
	}
	kill_our_children();
	umount_under(ctd_dir);
	oci_cleanup();
}

/* containerd in a temp dir of its own; the image imported. */
static void ctd_start(struct ctd *c)
{
	static struct sb_out o;
	char conf[4200], cmd[16384];
	FILE *f;

	oci_need_busybox();
	if (getuid() != 0)
		cr_skip_test("containerd runs as root here; make test runs as root");
	if (access("/usr/bin/containerd", X_OK) < 0 || access("/usr/bin/containerd-shim-runc-v2", X_OK) < 0)
		cr_skip_test("containerd is not installed (tools/deps.sh)");
	oci_subreaper();
	snprintf(c->dir, sizeof(c->dir), "%s/ctd-%d", sb_testdir(), getpid());
	snprintf(ctd_dir, sizeof(ctd_dir), "%s", c->dir);
	mkdir(c->dir, 0700);
	snprintf(conf, sizeof(conf), "%s/config.toml", c->dir);
	f = fopen(conf, "w");
	cr_assert(f);
	fprintf(f,
		"version = 2\nroot = \"%1$s/root\"\nstate = \"%1$s/state\"\n"
		"disabled_plugins = [\"io.containerd.grpc.v1.cri\", \"io.containerd.snapshotter.v1.btrfs\", "
		"\"io.containerd.snapshotter.v1.zfs\", \"io.containerd.snapshotter.v1.devmapper\", "
		"\"io.containerd.snapshotter.v1.aufs\", \"io.containerd.tracing.processor.v1.otlp\", "
		"\"io.containerd.internal.v1.tracing\"]\n"
		"[grpc]\n  address = \"%1$s/containerd.sock\"\n[ttrpc]\n  address = \"%1$s/containerd.sock.ttrpc\"\n"
		"[debug]\n  address = \"%1$s/debug.sock\"\n[metrics]\n  address = \"\"\n",
		c->dir);
	fclose(f);
	c->pid = ctd_pid = fork();
	cr_assert(c->pid >= 0);
	if (c->pid == 0) {
		char log[4200];
		int fd;

		snprintf(log, sizeof(log), "%s/containerd.log", c->dir);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		execl("/usr/bin/containerd", "containerd", "--config", conf, (char *)NULL);
		_exit(127);
	}
	snprintf(cmd, sizeof(cmd),
		 "for i in $(seq 100); do $C version >/dev/null 2>&1 && break; sleep 0.1; done; "
		 "tar -C %1$s -cf %2$s/layer.tar . && python3 %3$s/tests/engines/mkoci.py %2$s/layer.tar $I %2$s/img.tar && "
		 "$C images import --snapshotter native %2$s/img.tar >/dev/null",
		 oci_rootfs(), c->dir, sb_env("SANDBOX_SRCDIR", "."));
	ctd_sh(c, &o, cmd);
	if (o.status != 0)
		ctd_stop(c);
	sb_assert_status(&o, 0);
}

Test(engines, containerd_run_exec_kill_memory_limit, .fini = ctd_cleanup)
{
	static struct sb_out o;
	struct ctd c = { .pid = -1 };

	ctd_start(&c);
	ctd_sh(&c, &o, "$C run --rm --snapshotter native --runc-binary $R $I t1 sh -c 'echo from-shim; exit 7'");
	sb_assert_status(&o, 7);
	sb_assert_out_has(&o, "from-shim\n");
	/* A memory limit on cgroupsPath (/default/t2): 64 MiB into tmpfs
	 * under 32 MiB is an OOM kill. */
	ctd_sh(&c, &o, "$C run --rm --snapshotter native --memory-limit 33554432 --runc-binary $R $I t2 sh -c "
		       "'dd if=/dev/zero of=/dev/shm/x bs=1M count=64 2>/dev/null; echo dd=$?'; "
		       "ls -d /sys/fs/cgroup/memory/default/t2 /sys/fs/cgroup/default/t2 2>/dev/null || echo cgroup-gone");
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "dd=137\ncgroup-gone\n");
	/* Detached task, exec through the shim, kill, delete. */
	ctd_sh(&c, &o, "set -e; $C run -d --snapshotter native --runc-binary $R $I t3 sleep 1000; "
		       "$C task exec --exec-id e1 t3 sh -c 'echo exec-ok; exit 0'; "
		       "st=0; $C task exec --exec-id e2 t3 sh -c 'exit 5' || st=$?; echo exec-status=$st; "
		       /* A pod's way: a second container joins t3's network namespace by path. */
		       "pid=$($C task ls | awk '$1 == \"t3\" {print $2}'); "
		       "[ \"$($C run --rm --snapshotter native --runc-binary $R --with-ns network:/proc/$pid/ns/net $I t4 "
		       "readlink /proc/self/ns/net)\" = \"$(readlink /proc/$pid/ns/net)\" ] && echo joined-netns; "
		       "$C task kill -s SIGKILL t3; for i in $(seq 50); do $C task ls | grep -q 't3.*STOPPED' && break; sleep 0.1; done; "
		       "$C task ls | grep t3; $C task delete t3; $C container delete t3; echo deleted");
	ctd_stop(&c);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "exec-ok\nexec-status=5\njoined-netns\n");
	sb_assert_out_has(&o, "STOPPED");
	sb_assert_out_has(&o, "deleted\n");
}
