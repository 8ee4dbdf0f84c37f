/*
 * test_ebpf.c: the eBPF layer through the built binary. As root (CI runs
 * make test as root; the VM lane runs it as the guest's root): the device
 * program refuses a device outside the run's /dev even when it is reached
 * through an inherited descriptor, the socket-family program refuses a
 * family the policy leaves out, nothing stays attached and no cgroup is
 * left, also after a launcher SIGKILL. As the unprivileged test user: a
 * rule that needs eBPF fails with 125 and the hint, and "ebpf best-effort"
 * runs with the stand-ins named in the report.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <grp.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/vfs.h>

#define CGROUP2_MAGIC 0x63677270

/* The probe, bound at /probe inside. */
static const char *probe_bind(void)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s:/probe", sb_helper("netprobe"));
	return buf;
}

static void need_root(void)
{
	if (getuid() != 0)
		cr_skip_test("the eBPF programs need root (CAP_BPF+CAP_NET_ADMIN); run make test as root");
}

/* The launcher's parent v2 cgroup: where run cgroups appear. */
static const char *v2_parent(void)
{
	static char buf[4096];
	char line[4096];
	const char *base = NULL;
	struct statfs sf;
	FILE *f;

	if (statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_MAGIC)
		base = "/sys/fs/cgroup";
	else if (statfs("/sys/fs/cgroup/unified", &sf) == 0 && sf.f_type == CGROUP2_MAGIC)
		base = "/sys/fs/cgroup/unified";
	if (!base)
		return NULL;
	f = fopen("/proc/self/cgroup", "re");
	cr_assert(f);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, sizeof(buf), "%s%s", base, strcmp(line + 3, "/") ? line + 3 : "");
		}
	fclose(f);
	return buf;
}

/* Nothing attached to the parent itself, as bpftool sees it (where the
 * package is installed: tools/deps.sh brings it). */
static void assert_parent_clean(const char *parent)
{
	char cmd[4200], out[4096] = "";
	size_t n = 0;
	FILE *f;

	if (access("/usr/sbin/bpftool", X_OK) < 0)
		return;
	snprintf(cmd, sizeof(cmd), "/usr/sbin/bpftool cgroup show '%s' 2>&1", parent);
	f = popen(cmd, "r");
	cr_assert(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	pclose(f);
	cr_assert(strstr(out, "sb_") == NULL, "programs left attached to %s:\n%s", parent, out);
}

/* The run cgroup "sandbox-PID-START" of launcher pid in parent, if any. */
static bool run_dir(const char *parent, pid_t pid, char *buf, size_t len)
{
	char prefix[32];
	struct dirent *de;
	DIR *d = opendir(parent);
	bool found = false;

	snprintf(prefix, sizeof(prefix), "sandbox-%d-", (int)pid);
	while (d && !found && (de = readdir(d)))
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0) {
			snprintf(buf, len, "%s/%s", parent, de->d_name);
			found = true;
		}
	if (d)
		closedir(d);
	return found;
}

/* No run cgroup whose launcher is gone is left in the parent, and no
 * program of ours is attached to the parent. */
static void assert_no_stale(void)
{
	const char *parent = v2_parent();
	struct dirent *de;
	DIR *d;

	if (!parent)
		return;
	assert_parent_clean(parent);
	d = opendir(parent);
	cr_assert(d, "open %s", parent);
	while ((de = readdir(d))) {
		long pid;

		if (strncmp(de->d_name, "sandbox-", 8) != 0)
			continue;
		pid = strtol(de->d_name + 8, NULL, 10);
		cr_assert(kill((pid_t)pid, 0) == 0, "cgroup %s/%s left behind by a finished run", parent, de->d_name);
	}
	closedir(d);
}

static char *slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert(f, "read %s", path);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static const char *report_path(const char *name)
{
	static char buf[4][4096];
	static int i;
	char *b = buf[i++ % 4];

	/* The test user writes its reports too: its own directory. */
	snprintf(b, 4096, "%s/%s", sb_user_dir("ebpf"), name);
	unlink(b);
	return b;
}

/* A device outside the run's /dev that anyone may open by its mode. */
static const char *outside_device(void)
{
	static const char *const cands[] = { "/dev/fuse", "/dev/net/tun", NULL };

	for (int i = 0; cands[i]; i++)
		if (access(cands[i], R_OK | W_OK) == 0)
			return cands[i];
	return NULL;
}

/* Opening a device through an inherited descriptor (/proc/self/fd/N)
 * reaches the host's /dev mount, where nodev does not apply: the device
 * program is the wall. Landlock (which would refuse too) is turned off so
 * the program is what is tested; the control run shows the open works
 * without it. */
Test(ebpf, device_outside_run_dev_refused_even_when_passed_in)
{
	const char *dev = outside_device(), *rep = report_path("dev.json");
	char kfd[16], path[64];
	struct sb_out o;
	int fd;

	need_root();
	if (!dev)
		cr_skip_test("no world-writable device (/dev/fuse, /dev/net/tun) to try");
	/* Inherited by the launcher (no CLOEXEC), above Criterion's own. */
	fd = open(dev, O_RDONLY);
	cr_assert(fd >= 0 && (fd = fcntl(fd, F_DUPFD, 200)) >= 200);
	snprintf(kfd, sizeof(kfd), "%d", fd);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	sb_run_root(&o, "--landlock", "off", "--ebpf", "off", "--keep-fd", kfd, "--ro-bind", probe_bind(), "--", "/probe",
		    "open", path, NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "ok");
	sb_run_root(&o, "--landlock", "off", "--ebpf", "required", "--report", rep, "--keep-fd", kfd, "--ro-bind",
		    probe_bind(), "--", "/probe", "open", path, NULL);
	close(fd);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "errno 1\n"); /* EPERM: the device program */
	cr_assert(strstr(slurp(rep), "\"devices\": \"ebpf\""), "%s", slurp(rep));
	cr_assert(strstr(slurp(rep), "\"device\": 1}"), "%s", slurp(rep));
	assert_no_stale();
}

Test(ebpf, run_dev_nodes_still_open)
{
	struct sb_out o;

	need_root();
	sb_run_root(&o, "--ebpf", "required", "--ro-bind", probe_bind(), "--", "/probe", "open", "/dev/null", NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "ok");
	sb_run_root(&o, "--ebpf", "required", "--ro-bind", probe_bind(), "--", "/probe", "open", "/dev/pts/ptmx", NULL);
	sb_assert_out_has(&o, "ok");
}

/* AF_INET6 left out: the sock_create program refuses it (with seccomp
 * allowing every socket); AF_INET still works. Where the BPF LSM can run
 * lsm_cgroup programs, AF_NETLINK is refused too. */
Test(ebpf, socket_families_refused)
{
	const char *rep = report_path("fam.json");
	char inet6[16], netlink[16], stream[16], raw[16];
	struct sb_out o;
	bool all;

	need_root();
	snprintf(inet6, sizeof(inet6), "%d", AF_INET6);
	snprintf(netlink, sizeof(netlink), "%d", AF_NETLINK);
	snprintf(stream, sizeof(stream), "%d", SOCK_STREAM);
	snprintf(raw, sizeof(raw), "%d", SOCK_RAW);
	sb_run_root(&o, "--syscalls", "allow socket", "--socket-families", "unix,inet", "--report", rep, "--ro-bind",
		    probe_bind(), "--", "/probe", "socket", inet6, stream, NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "errno 1\n");
	cr_assert(strstr(slurp(rep), "\"socket_families\": \"ebpf\""), "%s", slurp(rep));
	cr_assert(strstr(slurp(rep), "\"socket\": 1,"), "%s", slurp(rep));
	all = strstr(slurp(rep), "\"socket_families_checked\": \"all\"") != NULL;
	sb_run_root(&o, "--socket-families", "unix,inet", "--ro-bind", probe_bind(), "--", "/probe", "socket", "2", stream, NULL);
	sb_assert_out_has(&o, "ok");
	sb_run_root(&o, "--syscalls", "allow socket", "--socket-families", "unix,inet", "--ro-bind", probe_bind(), "--", "/probe",
		    "socket", netlink, raw, NULL);
	sb_assert_status(&o, 0);
	if (!all)
		cr_skip_test("the BPF LSM is not active or cannot run lsm_cgroup programs here: only AF_INET/AF_INET6 are checked "
			     "(the report says socket_families_checked: inet)");
	sb_assert_out_has(&o, "errno 1\n");
}

/* A launcher killed by SIGKILL leaves its cgroup; the next run removes
 * it, and its programs went with its descriptors. */
Test(ebpf, sigkilled_launcher_leaves_nothing_after_next_run, .timeout = 60)
{
	struct sb_out o;
	char dir[4096];
	const char *parent;
	pid_t pid;
	int st;

	need_root();
	parent = v2_parent();
	if (!parent)
		cr_skip_test("no cgroup v2 hierarchy");
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		/* No limits: no cgroup of the cgroup layer, the eBPF layer's own. */
		execl(sb_bin(), sb_bin(), "run", "--ebpf", "required", "--memory", "unlimited", "--pids", "unlimited",
		      "--", "/bin/sleep", "30", (char *)NULL);
		_exit(97);
	}
	dir[0] = '\0';
	for (int i = 0; i < 200 && !run_dir(parent, pid, dir, sizeof(dir)); i++)
		usleep(20000);
	cr_assert(access(dir, F_OK) == 0, "the run's cgroup %s never appeared", dir);
	usleep(200000);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	sb_run_root(&o, "--ebpf", "required", "--memory", "unlimited", "--pids", "unlimited", "--", "/bin/true", NULL);
	sb_assert_status(&o, 0);
	for (int i = 0; i < 100 && access(dir, F_OK) == 0; i++)
		usleep(20000);
	cr_assert(access(dir, F_OK) < 0, "%s survived the next run's clean-up", dir);
	assert_no_stale();
}

Test(ebpf, unprivileged_rule_needing_ebpf_fails_with_hint)
{
	struct sb_out o;

	sb_run(&o, "--socket-families", "unix", "--", "/bin/true", NULL);
	if (getuid() == 0 || o.status != 125) {
		/* The test user may hold BPF rights (a token, capabilities): then
		 * there is nothing to refuse. */
		if (o.status == 0)
			cr_skip_test("the test user may use eBPF here");
	}
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "socket-families needs eBPF");
	sb_assert_err_has(&o, "hint: ");
	sb_assert_err_has(&o, "ebpf best-effort");
}

Test(ebpf, unprivileged_best_effort_runs_and_reports_stand_ins)
{
	const char *rep = report_path("be.json");
	struct sb_out o;

	sb_run(&o, "--socket-families", "unix", "--ebpf", "best-effort", "--report", rep, "--", "/bin/true", NULL);
	sb_assert_status(&o, 0);
	if (strstr(slurp(rep), "\"attached\": true"))
		cr_skip_test("the test user may use eBPF here");
	cr_assert(strstr(slurp(rep), "\"attached\": false"), "%s", slurp(rep));
	cr_assert(strstr(slurp(rep), "\"why_not\": \"the caller holds neither"), "%s", slurp(rep));
	cr_assert(strstr(slurp(rep), "\"devices\": \"mounts\""), "%s", slurp(rep));
	cr_assert(strstr(slurp(rep), "\"socket_families\": \"none\""), "%s", slurp(rep));
}

Test(ebpf, bad_family_names_the_option)
{
	struct sb_out o;

	sb_run(&o, "--socket-families", "unix,bogus", "--", "/bin/true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "socket-families");
	sb_assert_err_has(&o, "unknown socket family 'bogus'");
}

/* A listener on loopback; returns its port. */
static int listen_on(int family, const char *addr, int *fd)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);

	*fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ss.ss_family = (sa_family_t)family;
	inet_pton(family, addr, family == AF_INET ? (void *)&((struct sockaddr_in *)&ss)->sin_addr
						  : (void *)&((struct sockaddr_in6 *)&ss)->sin6_addr);
	cr_assert(*fd >= 0 && bind(*fd, (struct sockaddr *)&ss, len) == 0 && listen(*fd, 8) == 0);
	cr_assert(getsockname(*fd, (struct sockaddr *)&ss, &len) == 0);
	return ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* --net host --allow-net, as a root caller: the listed server is reached,
 * everything else is refused at once (EPERM), and counted in the report. */
Test(ebpf, net_host_allow_list)
{
	const char *rep = report_path("net.json");
	char a1[64], a6[64], p1s[16], p2s[16], p3s[16], p6s[16];
	int f1, f2, f6, p1, p2, p6;
	struct sb_out o;

	need_root();
	p1 = listen_on(AF_INET, "127.0.0.1", &f1);
	p2 = listen_on(AF_INET, "127.0.0.1", &f2);
	p6 = listen_on(AF_INET6, "::1", &f6);
	snprintf(a1, sizeof(a1), "127.0.0.1:%d", p1);
	snprintf(a6, sizeof(a6), "[::1]:%d", p6);
	snprintf(p1s, sizeof(p1s), "%d", p1);
	snprintf(p2s, sizeof(p2s), "%d", p2);
	snprintf(p3s, sizeof(p3s), "%d", p2 == 65535 ? p2 - 1 : p2 + 1);
	snprintf(p6s, sizeof(p6s), "%d", p6);
#define NET(...) sb_run_root(&o, "--net", "host", "--allow-net", a1, "--allow-net", a6, "--ro-bind", probe_bind(), __VA_ARGS__, NULL)
	NET("--", "/probe", "connect", "127.0.0.1", p1s);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "ok");
	NET("--", "/probe", "connect", "127.0.0.1", p2s);
	sb_assert_out_has(&o, "errno 1\n");
	NET("--", "/probe", "sendto", "127.0.0.1", p2s);
	sb_assert_out_has(&o, "errno 1\n");
	NET("--", "/probe", "bind", "127.0.0.1", p3s, "tcp");
	sb_assert_out_has(&o, "errno 1\n");
	NET("--", "/probe", "connect", "::1", p6s);
	sb_assert_out_has(&o, "ok");
	NET("--report", rep, "--", "/probe", "connect", "::1", p1s);
	sb_assert_out_has(&o, "errno 1\n");
	cr_assert(strstr(slurp(rep), "\"net\": \"ebpf\""), "%s", slurp(rep));
	cr_assert(strstr(slurp(rep), "\"connect\": 1,"), "%s", slurp(rep));
#undef NET
	close(f1);
	close(f2);
	close(f6);
	assert_no_stale();
}

Test(ebpf, unprivileged_net_host_allow_list_fails_with_hint)
{
	struct sb_out o;

	sb_run(&o, "--net", "host", "--allow-net", "127.0.0.1:80", "--", "/bin/true", NULL);
	if (o.status == 0)
		cr_skip_test("the test user may use eBPF here");
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "cannot be enforced with --net host without eBPF");
	sb_assert_err_has(&o, "hint: run the launcher as root");
}

/* ---- BPF tokens: a bpffs an admin delegated to the caller's user namespace ----
 *
 * As an admin would set it up (kernel/bpf/token.c, the kernel's
 * selftests/bpf/prog_tests/token.c): the test user makes a user namespace
 * (uid 0 inside is the test user) and opens a bpffs context there (fsopen:
 * the superblock belongs to that namespace); the test, as the host's root,
 * sets the delegate_* options (only the initial namespace's CAP_SYS_ADMIN
 * may) and mounts it; a v2 cgroup of the test user's is the launcher's
 * own. Each run enters that user namespace as the test user (setns), so
 * the launcher is root of its namespace and nothing on the host. */

#define FSCONFIG_SET_STRING_ 1
#define FSCONFIG_CMD_CREATE_ 6
#define MOVE_MOUNT_F_EMPTY_PATH_ 0x00000004
#define MNT_DETACH_ 2

static struct {
	pid_t ns_pid; /* the test user's process holding the namespace; answers fsopen requests */
	int sock; /* to it */
	int userns_fd;
	char cg[4096]; /* the test user's v2 cgroup, the launcher's own */
	char mounts[2][4096]; /* the delegated bpffs instances */
} tok = { .ns_pid = -1, .sock = -1, .userns_fd = -1 };

static void send_fd(int s, int fd)
{
	char c = 'f', buf[CMSG_SPACE(sizeof(int))];
	struct iovec io = { &c, 1 };
	struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof(buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(s, &m, 0) < 0)
		_exit(90);
}

static int recv_fd(int s)
{
	char c, buf[CMSG_SPACE(sizeof(int))];
	struct iovec io = { &c, 1 };
	struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof(buf) };
	int fd = -1;

	if (recvmsg(s, &m, 0) <= 0 || !CMSG_FIRSTHDR(&m))
		return -1;
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(int));
	return fd;
}

static void become_test_user(void)
{
	uid_t uid = (uid_t)atoi(sb_env("SANDBOX_TEST_UID", "1001"));
	gid_t gid = (gid_t)atoi(sb_env("SANDBOX_TEST_GID", "1001"));

	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		_exit(91);
}

/* The test user's side: a user and mount namespace of its own, then a
 * bpffs context for each 'o' it is asked for. */
static void ns_holder(int s)
{
	char c;

	become_test_user();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		_exit(92);
	if (write(s, "u", 1) != 1 || read(s, &c, 1) != 1)
		_exit(93);
	while (read(s, &c, 1) == 1 && c == 'o') {
		int fs = (int)syscall(SYS_fsopen, "bpf", 0);

		if (fs < 0)
			_exit(94);
		send_fd(s, fs);
		close(fs);
	}
	_exit(0);
}

static void write_proc(pid_t pid, const char *file, const char *text)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	cr_assert(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text), "write %s", path);
	close(fd);
}

/* A cgroup v2 directory the test user owns (its files too), as a
 * delegated one would be. */
static void make_user_cgroup(void)
{
	const char *parent = v2_parent();
	struct dirent *de;
	DIR *d;

	snprintf(tok.cg, sizeof(tok.cg), "%s/sbtest-token-%d", parent, (int)getpid());
	cr_assert(mkdir(tok.cg, 0755) == 0, "mkdir %s", tok.cg);
	d = opendir(tok.cg);
	cr_assert(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, "..") != 0)
			cr_assert(fchownat(dirfd(d), de->d_name, (uid_t)atoi(sb_env("SANDBOX_TEST_UID", "1001")),
					   (gid_t)atoi(sb_env("SANDBOX_TEST_GID", "1001")), 0) == 0);
	closedir(d);
}

static void token_setup(void)
{
	char map[64], c;
	int sp[2];

	uint32_t attr[2] = { 0, (uint32_t)-1 };

	need_root();
	if (!v2_parent())
		cr_skip_test("no cgroup v2 hierarchy");
	/* BPF_TOKEN_CREATE (36) of no descriptor: EBADF where the kernel
	 * knows the command, EINVAL where it predates it. */
	if (syscall(SYS_bpf, 36, attr, sizeof(attr)) < 0 && errno == EINVAL)
		cr_skip_test("this kernel has no BPF tokens (Linux 6.9+)");
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == 0);
	tok.ns_pid = fork();
	cr_assert(tok.ns_pid >= 0);
	if (tok.ns_pid == 0) {
		close(sp[0]);
		ns_holder(sp[1]);
	}
	close(sp[1]);
	tok.sock = sp[0];
	cr_assert(read(tok.sock, &c, 1) == 1, "the test user could not make a user namespace");
	/* As a rootless container's: 0 is the test user, 1-65536 its
	 * subordinate ids (tests/setup-subuid.sh's range), so a launcher that
	 * is root here maps the command to nobody as it does on a host. */
	snprintf(map, sizeof(map), "0 %s 1\n1 100000 65536", sb_env("SANDBOX_TEST_UID", "1001"));
	write_proc(tok.ns_pid, "uid_map", map);
	write_proc(tok.ns_pid, "setgroups", "deny");
	snprintf(map, sizeof(map), "0 %s 1\n1 100000 65536", sb_env("SANDBOX_TEST_GID", "1001"));
	write_proc(tok.ns_pid, "gid_map", map);
	snprintf(map, sizeof(map), "/proc/%d/ns/user", (int)tok.ns_pid);
	tok.userns_fd = open(map, O_RDONLY | O_CLOEXEC);
	cr_assert(tok.userns_fd >= 0 && write(tok.sock, "m", 1) == 1);
	make_user_cgroup();
}

/* A bpffs of the test user's namespace, delegated with opts (4 values:
 * cmds, maps, progs, attachs), mounted at a directory of the test's. */
static const char *delegated_bpffs(const char *name, const char *const opts[4])
{
	static const char *const keys[4] = { "delegate_cmds", "delegate_maps", "delegate_progs", "delegate_attachs" };
	const char *dir = sb_user_dir(name);
	int fs, mnt;

	cr_assert(write(tok.sock, "o", 1) == 1);
	fs = recv_fd(tok.sock);
	cr_assert(fs >= 0, "no bpffs context from the test user's namespace");
	for (int i = 0; i < 4; i++) {
		int r = (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING_, keys[i], opts[i], 0);

		cr_assert(r == 0, "%s=%s: %s", keys[i], opts[i], strerror(errno));
	}
	cr_assert(syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE_, NULL, NULL, 0) == 0, "create the bpffs: %s",
		  strerror(errno));
	mnt = (int)syscall(SYS_fsmount, fs, 0, 0);
	cr_assert(mnt >= 0, "fsmount: %s", strerror(errno));
	cr_assert(syscall(SYS_move_mount, mnt, "", AT_FDCWD, dir, MOVE_MOUNT_F_EMPTY_PATH_) == 0, "move_mount %s: %s",
		  dir, strerror(errno));
	close(mnt);
	close(fs);
	for (int i = 0; i < 2; i++)
		if (!tok.mounts[i][0]) {
			snprintf(tok.mounts[i], sizeof(tok.mounts[i]), "%s", dir);
			break;
		}
	return dir;
}

/* After each token test, whatever it asserted. */
static void token_teardown(void)
{
	for (int i = 0; i < 2; i++)
		if (tok.mounts[i][0])
			syscall(SYS_umount2, tok.mounts[i], MNT_DETACH_);
	if (tok.sock >= 0)
		close(tok.sock);
	if (tok.ns_pid > 0)
		waitpid(tok.ns_pid, NULL, 0);
	if (tok.userns_fd >= 0)
		close(tok.userns_fd);
	if (tok.cg[0])
		rmdir(tok.cg);
}

/* Each run: in the test user's cgroup, as the test user, inside its user
 * namespace (uid 0 there, nothing on the host). */
static void enter_token_ns(void)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", tok.cg);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1)
		_exit(95);
	close(fd);
	become_test_user();
	if (setns(tok.userns_fd, CLONE_NEWUSER) < 0)
		_exit(96);
}

static void run_token(struct sb_out *o, const char *first, ...)
{
	/* No limits, no cgroup layer: its v1 delegation belongs to the test
	 * user on the host, not to this namespace. */
	const char *argv[SB_MAX_ARGS] = { sb_bin(), "run", "--cgroup", "off" };
	size_t n = 4;
	va_list ap;

	va_start(ap, first);
	for (const char *a = first; a && n < SB_MAX_ARGS - 1; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	sb_exec_hook = enter_token_ns;
	sb_exec(SB_AS_HOOK, argv, NULL, 60, o);
}

/* What the programs need and nothing more (docs: README, BPF tokens). */
static const char *const minimal[4] = {
	"map_create:prog_load:btf_load",
	"cgroup_storage",
	"socket_filter:cgroup_sock:cgroup_device:cgroup_sock_addr",
	"cgroup_inet_ingress:cgroup_inet_sock_create:cgroup_device:cgroup_inet4_bind:cgroup_inet6_bind:"
	"cgroup_inet4_connect:cgroup_inet6_connect:cgroup_udp4_sendmsg:cgroup_udp6_sendmsg",
};

/* The unprivileged caller with a token: the allow-list, socket families
 * and devices are enforced as for root, the second run takes the programs
 * the first one pinned in the token's bpffs. */
Test(ebpf, token_unprivileged_caller_gets_programs_enforced, .init = token_setup, .fini = token_teardown,
     .timeout = 120)
{
	const char *bpffs, *rep = report_path("tok.json"), *dev = outside_device();
	char allow[64], p1s[16], p2s[16], inet6[16], stream[16], kfd[16], path[64];
	int f1, f2, p1, p2, fd = -1;
	struct sb_out o;

	bpffs = delegated_bpffs("bpffs", minimal);
	p1 = listen_on(AF_INET, "127.0.0.1", &f1);
	p2 = listen_on(AF_INET, "127.0.0.1", &f2);
	snprintf(allow, sizeof(allow), "127.0.0.1:%d", p1);
	snprintf(p1s, sizeof(p1s), "%d", p1);
	snprintf(p2s, sizeof(p2s), "%d", p2);
	run_token(&o, "--bpf-token", bpffs, "--net", "host", "--allow-net", allow, "--report", rep, "--ro-bind", probe_bind(),
		  "--", "/probe", "connect", "127.0.0.1", p1s, NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "ok");
	cr_assert(strstr(slurp(rep), "\"net\": \"ebpf\"") && strstr(slurp(rep), "\"reused\": false"), "%s", slurp(rep));
	run_token(&o, "--bpf-token", bpffs, "--net", "host", "--allow-net", allow, "--report", rep, "--ro-bind", probe_bind(),
		  "--", "/probe", "connect", "127.0.0.1", p2s, NULL);
	sb_assert_out_has(&o, "errno 1\n");
	cr_assert(strstr(slurp(rep), "\"connect\": 1,") && strstr(slurp(rep), "\"reused\": true"), "%s", slurp(rep));
	snprintf(inet6, sizeof(inet6), "%d", AF_INET6);
	snprintf(stream, sizeof(stream), "%d", SOCK_STREAM);
	run_token(&o, "--bpf-token", bpffs, "--syscalls", "allow socket", "--socket-families", "unix,inet", "--ro-bind",
		  probe_bind(), "--", "/probe", "socket", inet6, stream, NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "errno 1\n");
	if (dev) {
		fd = open(dev, O_RDONLY);
		cr_assert(fd >= 0 && (fd = fcntl(fd, F_DUPFD, 200)) >= 200);
		snprintf(kfd, sizeof(kfd), "%d", fd);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		run_token(&o, "--bpf-token", bpffs, "--landlock", "off", "--keep-fd", kfd, "--ro-bind", probe_bind(), "--",
			  "/probe", "open", path, NULL);
		close(fd);
		sb_assert_status(&o, 0);
		sb_assert_out_has(&o, "errno 1\n");
	}
	close(f1);
	close(f2);
	assert_no_stale();
	/* The runs' own cgroups went with them (the launcher's cgroup here is
	 * the test user's). */
	{
		DIR *d = opendir(tok.cg);
		struct dirent *de;

		cr_assert(d);
		while ((de = readdir(d)))
			cr_assert(strncmp(de->d_name, "sandbox-", 8) != 0, "%s/%s left behind", tok.cg, de->d_name);
		closedir(d);
	}
}

/* A bpffs that leaves out what a program needs: the run fails closed and
 * names the missing delegation; a caller outside the bpffs's namespace is
 * told where tokens are made. */
Test(ebpf, token_refusals_say_why, .init = token_setup, .fini = token_teardown, .timeout = 60)
{
	static const char *const partial[4] = { "any", "any", "socket_filter:cgroup_sock_addr", "any" };
	const char *bpffs;
	struct statfs sf;
	struct sb_out o;

	bpffs = delegated_bpffs("bpffs-partial", partial);
	run_token(&o, "--bpf-token", bpffs, "--socket-families", "unix", "--", "/bin/true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "does not delegate what the programs need: delegate_progs cgroup_sock, "
			      "delegate_progs cgroup_device");
	/* The test user outside its namespace, and root in the initial one. */
	sb_run(&o, "--bpf-token", bpffs, "--socket-families", "unix", "--", "/bin/true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "inside the user namespace that owns the bpffs");
	/* Root, in the initial namespace, with the host's own bpffs. */
	if (statfs("/sys/fs/bpf", &sf) == 0 && sf.f_type == 0xcafe4a11) {
		sb_run_root(&o, "--bpf-token", "/sys/fs/bpf", "--socket-families", "unix", "--", "/bin/true", NULL);
		sb_assert_status(&o, 125);
		sb_assert_err_has(&o, "belongs to the initial user namespace");
	}
}

/* --net user, root caller: the same programs stand behind the nftables
 * rules, with the allow-list as the payload's connects carry it in its
 * own namespace: host-loopback is pasta's gateway address there, the
 * run's own loopback stays open (nothing listens: ECONNREFUSED, not
 * EPERM), a port not listed is refused by the programs at connect()
 * (EPERM, where nftables alone answers with a reset: ECONNREFUSED), and
 * counted. pasta runs in the launcher's cgroup, outside the programs. */
Test(ebpf, net_user_second_wall_behind_nftables, .timeout = 60)
{
	const char *rep = report_path("netuser.json");
	char script[1024], allow[64];
	int f1, f2, p1, p2;
	struct sb_out o;

	need_root();
	p1 = listen_on(AF_INET, "127.0.0.1", &f1);
	p2 = listen_on(AF_INET, "127.0.0.1", &f2);
	snprintf(allow, sizeof(allow), "host-loopback:%d", p1);
	snprintf(script, sizeof(script),
		 "gw=$(sed -n 's/^\\([0-9.]*\\) host-loopback$/\\1/p' /etc/hosts | head -n 1); "
		 "/probe connect $gw %d; /probe connect $gw %d; /probe sendto $gw %d; /probe connect 127.0.0.1 %d",
		 p1, p2, p2, p2);
	sb_run_root(&o, "--net", "user", "--landlock", "off", "--allow-net", allow, "--report", rep, "--ro-bind",
		    probe_bind(), "--", "/bin/sh", "-c", script, NULL);
	if (o.status == 125 && strstr(o.err, "pasta"))
		cr_skip_test("--net user cannot run here: %s", o.err);
	sb_assert_status(&o, 0);
	cr_assert_str_eq(o.out, "ok\nerrno 1\nerrno 1\nerrno 111\n", "stdout: %s\nstderr: %s", o.out, o.err);
	cr_assert(strstr(slurp(rep), "\"net\": \"ebpf\""), "%s", slurp(rep));
	cr_assert(strstr(slurp(rep), "\"refused\": {\"connect\": 1, \"sendmsg\": 1,"), "%s", slurp(rep));
	cr_assert(strstr(slurp(rep), "\"enforced_by\": [\"nftables\", \"ebpf\"]"), "%s", slurp(rep));
	/* A name in the list: it stands for the addresses it resolved to
	 * (localhost: the host's loopback, so pasta's gateway inside), and
	 * the resolver pasta forwards to is open on port 53 alone. */
	snprintf(allow, sizeof(allow), "localhost:%d", p1);
	snprintf(script, sizeof(script),
		 "gw=$(sed -n 's/^\\([0-9.]*\\) host-loopback$/\\1/p' /etc/hosts | head -n 1); "
		 "/probe connect $gw %d; /probe sendto 169.254.1.53 53; /probe sendto 169.254.1.53 54", p1);
	sb_run_root(&o, "--net", "user", "--landlock", "off", "--allow-net", allow, "--ro-bind", probe_bind(), "--",
		    "/bin/sh", "-c", script, NULL);
	sb_assert_status(&o, 0);
	cr_assert_str_eq(o.out, "ok\nok\nerrno 1\n", "stdout: %s\nstderr: %s", o.out, o.err);
	/* A published UDP port answers whoever pasta forwarded in: its
	 * datagrams pass the programs (nftables lets them through as replies;
	 * here, to an address no reply goes to, it drops them: EPERM either
	 * way, but only the other port's datagram counts as the programs'). */
	{
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t len = sizeof(a);
		int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		cr_assert(u >= 0 && bind(u, (struct sockaddr *)&a, len) == 0 && getsockname(u, (struct sockaddr *)&a, &len) == 0);
		close(u); /* a host port free for the publish */
		snprintf(script, sizeof(script), "127.0.0.1:%d:5353/udp", ntohs(a.sin_port));
	}
	sb_run_root(&o, "--net", "user", "--landlock", "off", "--allow-net", allow, "--publish", script, "--report", rep,
		    "--ro-bind", probe_bind(), "--", "/bin/sh", "-c",
		    "/probe sendfrom 5353 10.1.2.3 9; /probe sendfrom 5354 10.1.2.3 9", NULL);
	sb_assert_status(&o, 0);
	cr_assert(strstr(slurp(rep), "\"sendmsg\": 1,"), "%s\nstdout: %s\nstderr: %s", slurp(rep), o.out, o.err);
	/* The same run with nftables alone. */
	snprintf(allow, sizeof(allow), "host-loopback:%d", p1);
	snprintf(script, sizeof(script),
		 "gw=$(sed -n 's/^\\([0-9.]*\\) host-loopback$/\\1/p' /etc/hosts | head -n 1); "
		 "/probe connect $gw %d; /probe connect $gw %d", p1, p2);
	sb_run_root(&o, "--net", "user", "--landlock", "off", "--ebpf", "off", "--allow-net", allow, "--ro-bind",
		    probe_bind(), "--", "/bin/sh", "-c", script, NULL);
	sb_assert_status(&o, 0);
	cr_assert(strncmp(o.out, "ok\nerrno 111\n", 13) == 0, "stdout: %s\nstderr: %s", o.out, o.err);
	close(f1);
	close(f2);
	assert_no_stale();
}
