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
#include <netinet/in.h>
#include <sys/socket.h>
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
