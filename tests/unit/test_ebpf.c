/*
 * test_ebpf.c: the network allow-list programs (connect4/6, sendmsg4/6,
 * bind4/6) through the real loader, on a cgroup v2 directory made for the
 * test, with loopback servers: what the rules name is reached, the rest is
 * refused at once with EPERM and counted. Needs root (CI runs make test as
 * root); skips otherwise. The command-line path that fills these rules
 * from --allow-net is tested with the network vocabulary.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf/loader.h"

static char cg_dir[4096];

/* A directory under the test's own v2 cgroup. */
static int make_cgroup(void)
{
	const char *base = "/sys/fs/cgroup";
	char line[4096], own[4096] = "";
	struct statfs sf;
	FILE *f;

	if (statfs(base, &sf) != 0 || sf.f_type != 0x63677270)
		base = "/sys/fs/cgroup/unified";
	if (statfs(base, &sf) != 0 || sf.f_type != 0x63677270)
		return -1;
	f = fopen("/proc/self/cgroup", "re");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(own, sizeof(own), "%s", strcmp(line + 3, "/") ? line + 3 : "");
		}
	if (f)
		fclose(f);
	snprintf(cg_dir, sizeof(cg_dir), "%s%s/sbtest-ebpf-%d", base, own, (int)getpid());
	if (mkdir(cg_dir, 0755) < 0)
		return -1;
	return open(cg_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int listener(int family, const char *addr, int *port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ss.ss_family = (sa_family_t)family;
	inet_pton(family, addr, family == AF_INET ? (void *)&((struct sockaddr_in *)&ss)->sin_addr
						  : (void *)&((struct sockaddr_in6 *)&ss)->sin6_addr);
	cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&ss, len) == 0 && listen(fd, 16) == 0);
	cr_assert(getsockname(fd, (struct sockaddr *)&ss, &len) == 0);
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* One operation from inside the cgroup: 0 or the errno. */
static int op(const char *what, int type, const char *addr, int port)
{
	struct sockaddr_storage ss = { 0 };
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	int fd = socket(family, type | SOCK_CLOEXEC, 0), r;

	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET) {
		inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr);
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
	} else {
		inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr);
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
	}
	if (strcmp(what, "connect") == 0)
		r = connect(fd, (struct sockaddr *)&ss, len);
	else if (strcmp(what, "sendto") == 0)
		r = (int)sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len);
	else
		r = bind(fd, (struct sockaddr *)&ss, len);
	r = r < 0 ? errno : 0;
	close(fd);
	return r;
}

static struct sb_bpf_rule rule(int family, int proto, const char *addr, int port)
{
	struct sb_bpf_rule r = { .family = (uint8_t)(family == AF_INET ? 4 : 6), .proto = (uint8_t)proto, .bind = 1 };

	inet_pton(family, addr, r.addr);
	for (int i = 0; i < (family == AF_INET ? 1 : 4); i++)
		r.mask[i] = 0xffffffff;
	r.port_lo = r.port_hi = (uint16_t)port;
	return r;
}

#define EXPECT(cond, ...)                              \
	do {                                           \
		if (!(cond)) {                         \
			fprintf(stderr, __VA_ARGS__);  \
			fputc('\n', stderr);           \
			bad++;                         \
		}                                      \
	} while (0)

static int child(int p1, int p2, int p6, int free_port)
{
	int bad = 0, fd = open(cg_dir, O_RDONLY | O_DIRECTORY), cfd;

	cfd = openat(fd, "cgroup.procs", O_WRONLY);
	if (cfd < 0 || write(cfd, "0", 1) != 1)
		return 100;
	EXPECT(op("connect", SOCK_STREAM, "127.0.0.1", p1) == 0, "allowed TCP connect refused");
	EXPECT(op("connect", SOCK_STREAM, "127.0.0.1", p2) == EPERM, "TCP connect to a port not listed: not EPERM");
	EXPECT(op("sendto", SOCK_DGRAM, "127.0.0.1", p2) == EPERM, "UDP sendto a port not listed: not EPERM");
	EXPECT(op("sendto", SOCK_DGRAM, "127.0.0.1", p1) == 0, "UDP sendto the listed port refused");
	EXPECT(op("connect", SOCK_DGRAM, "127.0.0.2", p1) == EPERM, "UDP connect to an address not listed: not EPERM");
	EXPECT(op("bind", SOCK_STREAM, "127.0.0.1", free_port) == EPERM, "bind to a port not listed: not EPERM");
	EXPECT(op("bind", SOCK_STREAM, "127.0.0.1", 0) == 0, "bind to an ephemeral port refused");
	EXPECT(op("bind", SOCK_DGRAM, "127.0.0.1", p1) == 0, "bind to the listed UDP port refused");
	EXPECT(op("connect", SOCK_STREAM, "::1", p6) == 0, "allowed IPv6 connect refused");
	EXPECT(op("connect", SOCK_STREAM, "::1", p2) == EPERM, "IPv6 connect to a port not listed: not EPERM");
	EXPECT(op("connect", SOCK_STREAM, "::ffff:127.0.0.1", p1) == 0, "v4-mapped connect to the listed port refused");
	EXPECT(op("connect", SOCK_STREAM, "::ffff:127.0.0.1", p2) == EPERM, "v4-mapped connect around the rules");
	return bad;
}

/* One run's worth: attach through the real loader (with the pinned cache
 * when cache is set), run the checks in a child inside the cgroup, read
 * the counters, detach. */
static void run_allow_list(const char *cache, bool *reused)
{
	static struct sb_bpf_conf conf;
	struct sb_bpf_load l = { .conf = &conf, .token_fd = -1, .net = true, .bind = true, .cache = cache };
	struct sb_err err = SB_ERR_INIT;
	struct sb_bpf_counters c;
	struct sb_bpf *b = NULL;
	int p1, p2, p6, pf, l1, l2, l6, lf, cg, st;
	pid_t pid;

	cg = make_cgroup();
	if (cg < 0)
		cr_skip_test("no cgroup v2 directory could be made");
	l1 = listener(AF_INET, "127.0.0.1", &p1);
	l2 = listener(AF_INET, "127.0.0.1", &p2);
	l6 = listener(AF_INET6, "::1", &p6);
	lf = listener(AF_INET, "127.0.0.1", &pf);
	close(lf); /* a port nothing listens on */
	memset(&conf, 0, sizeof(conf));
	conf.rules[0] = rule(AF_INET, IPPROTO_TCP, "127.0.0.1", p1);
	conf.rules[1] = rule(AF_INET, IPPROTO_UDP, "127.0.0.1", p1);
	conf.rules[2] = rule(AF_INET6, IPPROTO_TCP, "::1", p6);
	conf.n_rules = 3;
	cr_assert(bpf_loader_attach(&l, cg, &b, &err) == 0, "%s", err.msg);
	*reused = bpf_loader_cached(b);
	pid = fork();
	if (pid == 0)
		_exit(child(p1, p2, p6, pf));
	waitpid(pid, &st, 0);
	bpf_loader_counters(b, &c);
	bpf_loader_release(b);
	close(l1);
	close(l2);
	close(l6);
	close(cg);
	rmdir(cg_dir);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%d check(s) failed inside the cgroup (see stderr)",
		  WEXITSTATUS(st));
	cr_expect_eq(c.connect, 4, "refused connects counted: %llu", (unsigned long long)c.connect);
	cr_expect_eq(c.sendmsg, 1, "refused datagrams counted: %llu", (unsigned long long)c.sendmsg);
	cr_expect_eq(c.bind, 1, "refused binds counted: %llu", (unsigned long long)c.bind);
}

Test(ebpf, allow_list_connect_sendto_bind_ipv6)
{
	bool reused;

	if (getuid() != 0)
		cr_skip_test("loading the programs needs root");
	run_allow_list(NULL, &reused);
	cr_assert(!reused);
}

/* Where a bpffs is mounted: the first attach loads and pins the programs
 * in a cache directory made for the test, the second takes the pins; the
 * rules (other ports each time) and counters are each run's own. */
Test(ebpf, pinned_programs_serve_the_next_run)
{
	char dir[64];
	bool reused;
	struct statfs sf;

	if (getuid() != 0)
		cr_skip_test("loading the programs needs root");
	if (statfs("/sys/fs/bpf", &sf) != 0 || sf.f_type != 0xcafe4a11)
		cr_skip_test("no bpffs at /sys/fs/bpf (tests/setup-bpffs.sh mounts one)");
	snprintf(dir, sizeof(dir), "/sys/fs/bpf/sbtest-cache-%d", (int)getpid());
	run_allow_list(dir, &reused);
	cr_assert(!reused, "the first run in an empty cache directory cannot reuse anything");
	run_allow_list(dir, &reused);
	cr_assert(reused, "the second run did not take the pinned programs");
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		cr_assert(system(cmd) == 0);
	}
}
