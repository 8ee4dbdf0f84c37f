/*
 * test_net.c: --net user, --allow-net and --publish as the binary sees
 * them: bad input stops the run with 125 and a message naming the option,
 * before anything is started.
 */
#include "harness.h"

TestSuite(net_input, .timeout = 60);

static void refused(const char *want, const char *a1, const char *a2, const char *a3, const char *a4)
{
	struct sb_out o;

	sb_run(&o, a1, a2, a3, a4, "--", "/bin/true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, want);
}

Test(net_input, bad_destinations_name_the_option)
{
	refused("'--allow-net example.org:0': port 0", "--net", "user", "--allow-net", "example.org:0");
	refused("port 65536 is out of range", "--net", "user", "--allow-net", "example.org:65536");
	refused("port range 90-80 is backwards", "--net", "user", "--allow-net", "10.0.0.1:90-80");
	refused("'300.1.1.1' is not an IPv4 address", "--net", "user", "--allow-net", "300.1.1.1");
	refused("host-loopback needs :PORTS", "--net", "user", "--allow-net", "host-loopback");
	refused("expected HOSTPORT:PORT", "--net", "user", "--publish", "8080");
}

Test(net_input, options_that_need_net_user)
{
	refused("--allow-net example.org:443 (command line) needs --net user", "--allow-net", "example.org:443",
		"--net", "none");
	refused("--publish 8080:80 (command line) needs --net user", "--publish", "8080:80", "--net", "none");
	refused("cannot be enforced with --net host", "--net", "host", "--allow-net", "example.org:443");
}

Test(net_input, policy_errors_point_at_the_column)
{
	struct sb_out o;
	const char *pol = sb_write_file("net-bad.policy", "net user\nallow-net mirror.example:443-80\n");

	sb_run(&o, "--policy", pol, "--", "/bin/true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "net-bad.policy:2:26: error: allow-net: port range 443-80 is backwards");
}

/* ---- behaviour: servers on the host's loopback, probes inside ---- */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

TestSuite(net_user, .timeout = 90);

/* A server on the host's loopback (family AF_INET: 127.0.0.1, AF_INET6:
 * ::1) on a free port, in a child that dies with the test. TCP: greets
 * each client with "hello PORT"; UDP: answers each datagram the same. */
static int host_server(int family, int type)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	int s = socket(family, type, 0), port;
	pid_t parent;
	char msg[64];

	cr_assert(s >= 0);
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	cr_assert(bind(s, (struct sockaddr *)&ss, len) == 0, "bind: %s", strerror(errno));
	cr_assert(getsockname(s, (struct sockaddr *)&ss, &len) == 0);
	port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port);
	if (type == SOCK_STREAM)
		cr_assert(listen(s, 16) == 0);
	parent = getpid();
	if (fork() == 0) {
		/* Dies with the test; a test that ended before the prctl is
		 * seen by the parent check (an orphan would hold the test's
		 * output pipe open and make the runner wait forever). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		snprintf(msg, sizeof(msg), "hello %d\n", port);
		for (;;) {
			struct sockaddr_storage peer;
			socklen_t plen = sizeof(peer);
			char buf[64];

			if (type == SOCK_STREAM) {
				int c = accept(s, NULL, NULL);

				/* Read the client's line first: closing with unread
				 * data would send a reset instead of the greeting. */
				if (c >= 0 && (read(c, buf, sizeof(buf)) < 0 || write(c, msg, strlen(msg)) < 0))
					_exit(1);
				close(c);
			} else if (recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen) >= 0) {
				sendto(s, msg, strlen(msg), 0, (struct sockaddr *)&peer, plen);
			}
		}
	}
	close(s);
	return port;
}

static const char *probe_bind(void)
{
	static char b[4200];

	snprintf(b, sizeof(b), "%s:/nettry", sb_helper("nettry"));
	return b;
}

static const char *num(int v)
{
	static char buf[8][16];
	static int i;
	char *b = buf[i++ % 8];

	snprintf(b, 16, "%d", v);
	return b;
}

static const char *fmt(const char *f, int v)
{
	static char buf[8][128];
	static int i;
	char *b = buf[i++ % 8];

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(b, 128, f, v);
#pragma GCC diagnostic pop
	return b;
}

/* A refusal comes at once: an error well before the probe's 8 s time-out. */
#define assert_refused(o, what)                                                                          \
	cr_assert(strstr((o)->out, "error: " what) && !strstr((o)->out, "timeout"), "want '%s'\nstdout: %s\nstderr: %s", \
		  what, (o)->out, (o)->err)

Test(net_user, host_loopback_reaches_only_the_named_port)
{
	int p1 = host_server(AF_INET, SOCK_STREAM), p2 = host_server(AF_INET, SOCK_STREAM);
	struct sb_out o;
	char script[512];

	snprintf(script, sizeof(script), "/nettry tcp 4 host-loopback %d; /nettry tcp 4 host-loopback %d", p1, p2);
	sb_run(&o, "--net", "user", "--landlock", "off", "--allow-net", fmt("host-loopback:%d", p1), "--ro-bind", probe_bind(), "--",
	       "/bin/sh", "-c", script, NULL);
	cr_assert(strstr(o.out, fmt("ok: hello %d", p1)), "stdout: %s\nstderr: %s", o.out, o.err);
	assert_refused(&o, "connect ECONNREFUSED");
}

/* Landlock's port rules (ABI 4+) stop a connect to a port the list does
 * not name before any packet leaves: EACCES instead of nftables' reset. */
Test(net_user, landlock_is_a_second_wall)
{
	int p1 = host_server(AF_INET, SOCK_STREAM), p2 = host_server(AF_INET, SOCK_STREAM);
	long abi = syscall(444 /* landlock_create_ruleset */, NULL, 0, 1);
	struct sb_out o;
	char script[512];

	snprintf(script, sizeof(script), "/nettry tcp 4 host-loopback %d; /nettry tcp 4 host-loopback %d", p1, p2);
	sb_run(&o, "--net", "user", "--allow-net", fmt("host-loopback:%d", p1), "--ro-bind", probe_bind(), "--",
	       "/bin/sh", "-c", script, NULL);
	cr_assert(strstr(o.out, fmt("ok: hello %d", p1)), "stdout: %s\nstderr: %s", o.out, o.err);
	if (abi >= 4)
		assert_refused(&o, "connect EACCES");
	else
		assert_refused(&o, "connect ECONNREFUSED");
}

Test(net_user, an_interface_a_default_route_and_a_resolver)
{
	struct sb_out o;

	sb_run(&o, "--net", "user", "--", "/bin/sh", "-c",
	       "awk '$2 == \"00000000\" {print \"default via\", $1}' /proc/net/route; cat /etc/resolv.conf", NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "default via ");
	sb_assert_out_has(&o, "nameserver 169.254.1.53");
}

Test(net_user, root_caller)
{
	int p1 = host_server(AF_INET, SOCK_STREAM), p2 = host_server(AF_INET, SOCK_STREAM);
	struct sb_out o;
	char script[512];

	snprintf(script, sizeof(script), "/nettry tcp 4 host-loopback %d; /nettry tcp 4 host-loopback %d", p1, p2);
	/* nftables alone: a root caller also gets the eBPF programs behind
	 * it (test_ebpf.c), which refuse with EPERM before any packet. */
	sb_run_root(&o, "--net", "user", "--landlock", "off", "--ebpf", "off", "--allow-net", fmt("host-loopback:%d", p1),
		    "--ro-bind", probe_bind(), "--", "/bin/sh", "-c", script, NULL);
	cr_assert(strstr(o.out, fmt("ok: hello %d", p1)), "stdout: %s\nstderr: %s", o.out, o.err);
	assert_refused(&o, "connect ECONNREFUSED");
}

Test(net_user, host_loopback_is_closed_unless_named)
{
	int p1 = host_server(AF_INET, SOCK_STREAM);
	struct sb_out o;

	/* An allow-list that does not name host-loopback: refused at once. */
	sb_run(&o, "--net", "user", "--landlock", "off", "--allow-net", "192.0.2.0/24:9", "--ro-bind", probe_bind(), "--", "/nettry",
	       "tcp", "4", "host-loopback", num(p1), NULL);
	assert_refused(&o, "connect ECONNREFUSED");
	/* No name allowed: the resolver is closed too (the query never leaves). */
	sb_run(&o, "--net", "user", "--landlock", "off", "--allow-net", "192.0.2.0/24:9", "--ro-bind", probe_bind(),
	       "--", "/nettry", "udp", "4", "169.254.1.53", "53", NULL);
	assert_refused(&o, "send EPERM");
	/* The sandbox's own loopback is not the host's. */
	sb_run(&o, "--net", "user", "--landlock", "off", "--allow-net", "192.0.2.0/24:9", "--ro-bind", probe_bind(), "--", "/nettry",
	       "tcp", "4", "127.0.0.1", num(p1), NULL);
	assert_refused(&o, "connect ECONNREFUSED");
}

Test(net_user, udp_needs_its_own_rule)
{
	int u = host_server(AF_INET, SOCK_DGRAM);
	struct sb_out o;

	sb_run(&o, "--net", "user", "--landlock", "off", "--allow-net", fmt("host-loopback:%d", u), "--ro-bind", probe_bind(), "--",
	       "/nettry", "udp", "4", "host-loopback", num(u), NULL);
	assert_refused(&o, "send EPERM");
	sb_run(&o, "--net", "user", "--landlock", "off", "--allow-net", fmt("host-loopback:%d/udp", u), "--ro-bind", probe_bind(), "--",
	       "/nettry", "udp", "4", "host-loopback", num(u), NULL);
	cr_assert(strstr(o.out, fmt("ok: hello %d", u)), "stdout: %s\nstderr: %s", o.out, o.err);
}

Test(net_user, ipv6_host_loopback)
{
	int p = host_server(AF_INET6, SOCK_STREAM), q = host_server(AF_INET6, SOCK_STREAM);
	struct sb_out o;
	char script[512];

	if (access("/proc/net/if_inet6", R_OK) != 0)
		cr_skip_test("no IPv6 on this host");
	snprintf(script, sizeof(script), "/nettry tcp 6 host-loopback %d; /nettry tcp 6 host-loopback %d", p, q);
	sb_run(&o, "--net", "user", "--landlock", "off", "--allow-net", fmt("host-loopback:%d", p), "--ro-bind", probe_bind(), "--",
	       "/bin/sh", "-c", script, NULL);
	cr_assert(strstr(o.out, fmt("ok: hello %d", p)), "stdout: %s\nstderr: %s", o.out, o.err);
	assert_refused(&o, "connect ECONNREFUSED");
}

/* A name from the host's /etc/hosts other than localhost (resolved on the
 * host, at start) reaches what it names on the allowed port only. */
Test(net_user, allowed_name_resolves_once_and_connects)
{
	char line[512], name[256] = "";
	FILE *f = fopen("/etc/hosts", "r");
	int p1 = host_server(AF_INET, SOCK_STREAM), p2 = host_server(AF_INET, SOCK_STREAM);
	struct sb_out o;
	char script[1024];

	while (f && !*name && fgets(line, sizeof(line), f)) {
		char addr[64], n[256];

		if (sscanf(line, "%63s %255s", addr, n) == 2 && strncmp(addr, "127.", 4) == 0 &&
		    strcmp(n, "localhost") != 0 && !strchr(n, '#'))
			snprintf(name, sizeof(name), "%s", n);
	}
	if (f)
		fclose(f);
	if (!*name)
		cr_skip_test("no loopback name besides localhost in /etc/hosts");
	snprintf(script, sizeof(script), "/nettry tcp 4 %s %d; /nettry tcp 4 %s %d; cat /etc/resolv.conf", name,
		 p1, name, p2);
	{
		char dest[300];

		snprintf(dest, sizeof(dest), "%s:%d", name, p1);
		sb_run(&o, "--net", "user", "--landlock", "off", "--allow-net", dest, "--ro-bind", probe_bind(), "--", "/bin/sh", "-c",
		       script, NULL);
	}
	cr_assert(strstr(o.out, fmt("ok: hello %d", p1)), "stdout: %s\nstderr: %s", o.out, o.err);
	assert_refused(&o, "connect ECONNREFUSED");
	sb_assert_out_has(&o, "nameserver 169.254.1.53");
}

/* docker run -p: a host client reaches a server inside. */
Test(net_user, publish_reaches_a_server_inside)
{
	pid_t pid;
	int st, fd = -1, hp;
	char buf[64] = "";

	{
		/* a free port: take one, then free it for pasta */
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t l = sizeof(a);
		int s = socket(AF_INET, SOCK_STREAM, 0);

		bind(s, (struct sockaddr *)&a, l);
		getsockname(s, (struct sockaddr *)&a, &l);
		hp = ntohs(a.sin_port);
		close(s);
	}
	pid = fork();
	if (pid == 0) {
		const char *argv[] = { sb_bin(), "run", "--net", "user", "--publish", fmt("127.0.0.1:%d:8000", hp),
				       "--ro-bind", probe_bind(), "--wall-time", "20s", "--", "/nettry", "serve", "8000", NULL };
		struct sb_out o;

		sb_exec(SB_AS_USER, argv, NULL, 30, &o);
		_exit(strstr(o.out, "listening") ? 0 : 1);
	}
	for (int i = 0; i < 100 && !*buf; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)hp),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		ssize_t n;

		usleep(100000);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && (n = read(fd, buf, sizeof(buf) - 1)) > 0)
			buf[n] = '\0';
		close(fd);
	}
	waitpid(pid, &st, 0);
	cr_assert(strstr(buf, "hello from inside"), "host client got '%s'", buf);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

Test(net_user, publish_on_a_busy_port_fails_clearly)
{
	int busy = host_server(AF_INET, SOCK_STREAM);
	struct sb_out o;

	sb_run(&o, "--net", "user", "--publish", fmt("127.0.0.1:%d:80", busy), "--", "/bin/true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "cannot listen on the host's port");
}

/* The payload holds no capability: the rules stay as init set them. */
Test(net_user, payload_cannot_change_the_rules)
{
	int p1 = host_server(AF_INET, SOCK_STREAM), p2 = host_server(AF_INET, SOCK_STREAM);
	struct sb_out o;
	char script[1024];

	snprintf(script, sizeof(script),
		 "/usr/sbin/nft flush ruleset 2>/dev/null; echo nft=$?; unshare -n true 2>/dev/null; echo unshare=$?; "
		 "ip link set eth0 down 2>/dev/null; echo ip=$?; /nettry tcp 4 host-loopback %d; "
		 "/nettry tcp 4 host-loopback %d",
		 p2, p1);
	sb_run(&o, "--net", "user", "--landlock", "off", "--allow-net", fmt("host-loopback:%d", p1), "--ro-bind", probe_bind(), "--",
	       "/bin/sh", "-c", script, NULL);
	cr_assert(!strstr(o.out, "nft=0") && !strstr(o.out, "unshare=0") && !strstr(o.out, "ip=0"), "stdout: %s", o.out);
	assert_refused(&o, "connect ECONNREFUSED");
	cr_assert(strstr(o.out, fmt("ok: hello %d", p1)), "stdout: %s\nstderr: %s", o.out, o.err);
}

Test(net_user, report_lists_the_allow_list_and_refusals)
{
	int p1 = host_server(AF_INET, SOCK_STREAM), p2 = host_server(AF_INET, SOCK_STREAM);
	struct sb_out o;

	sb_run(&o, "--net", "user", "--landlock", "off", "--allow-net", fmt("host-loopback:%d", p1), "--allow-net", "10.0.0.0/8:443",
	       "--report", "-", "--ro-bind", probe_bind(), "--", "/nettry", "tcp", "4", "host-loopback", num(p2), NULL);
	sb_assert_err_has(&o, "\"network\": {\"mode\": \"user\", \"helper\": \"pasta\"");
	sb_assert_err_has(&o, fmt("{\"dest\": \"host-loopback:%d\", \"addresses\": [\"127.0.0.1\", \"::1\"]}", p1));
	sb_assert_err_has(&o, "{\"dest\": \"10.0.0.0/8:443\", \"addresses\": [\"10.0.0.0/8\"]}");
	/* One refused connect is one refused packet (its SYN): nothing else
	 * of the run's own housekeeping counts. */
	sb_assert_err_has(&o, "\"published\": [], \"refused\": 1}");
}

/* No pasta outlives its run, also when the launcher is SIGKILLed. */
static bool gone(pid_t pid)
{
	char path[64], st[512] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	if (!fgets(st, sizeof(st), f))
		st[0] = '\0';
	fclose(f);
	return strstr(st, ") Z ") != NULL;
}

static pid_t child_named(pid_t parent, const char *comm)
{
	char cmd[128], out[64] = "";
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ps -o pid= -o comm= --ppid %d | awk '$2 ~ /^%s/ {print $1}'", parent, comm);
	f = popen(cmd, "r");
	if (f && !fgets(out, sizeof(out), f))
		out[0] = '\0';
	if (f)
		pclose(f);
	return (pid_t)atoi(out);
}

Test(net_user, no_helper_survives_a_killed_launcher)
{
	pid_t launcher, helper = 0;
	int st;

	launcher = fork();
	if (launcher == 0) {
		sb_drop_to_user();
		execl(sb_bin(), sb_bin(), "run", "--net", "user", "--", "/bin/sleep", "30", (char *)NULL);
		_exit(97);
	}
	for (int i = 0; i < 100 && !helper; i++) {
		usleep(50000);
		helper = child_named(launcher, "pas");
	}
	cr_assert(helper > 0, "pasta never started under launcher %d", launcher);
	kill(launcher, SIGKILL);
	waitpid(launcher, &st, 0);
	for (int i = 0; i < 100 && !gone(helper); i++)
		usleep(50000);
	cr_assert(gone(helper), "pasta %d survived its launcher", helper);
}

Test(net_user, no_helper_after_a_normal_run)
{
	pid_t launcher, left;
	int st;

	/* Orphans of the launcher come to us: anything left shows up here. */
	cr_assert(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
	launcher = fork();
	if (launcher == 0) {
		sb_drop_to_user();
		execl(sb_bin(), sb_bin(), "run", "--net", "user", "--landlock", "off", "--allow-net", "10.0.0.0/8:443", "--", "/bin/true",
		      (char *)NULL);
		_exit(97);
	}
	waitpid(launcher, &st, 0);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "run failed: 0x%x", st);
	/* The launcher kills pasta and does not wait for its exit to finish
	 * (the tap device's teardown): it is reparented to us and must be
	 * gone within moments. */
	for (int i = 0; i < 100; i++) {
		left = waitpid(-1, &st, WNOHANG);
		if (left < 0)
			break;
		if (left == 0)
			usleep(50000);
	}
	cr_assert(left < 0 && errno == ECHILD, "a process outlived the launcher");
	{
		char path[64], kids[256] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
		f = fopen(path, "r");
		cr_assert(f);
		if (!fgets(kids, sizeof(kids), f))
			kids[0] = '\0';
		fclose(f);
		cr_assert(kids[0] == '\0', "outlived the launcher: %s", kids);
	}
}
