/*
 * ebpf_bench.c: what the eBPF layer costs, through its real loader
 * (sandbox/bpf/loader.c). Run as root from benches/ebpf.sh.
 *
 *   per run:     get the programs + attach + write the rules + detach, for
 *                the programs a run gets (devices; + socket families; +
 *                the network allow-list): loaded by libbpf each time (no
 *                bpffs), and taken from the pins a first run left
 *   per connect: UDP connect() on loopback (the connect4 hook runs, no
 *                handshake hides it) in a cgroup without and with the
 *                programs, with 1 rule and with 64 (the match is the last)
 *
 * Usage: ebpf_bench CGROUP_PARENT_DIR [BPFFS_CACHE_DIR]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bpf/loader.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct sb_bpf_conf conf;

/* n rules; the last allows UDP to 127.0.0.1 on every port. */
static void make_rules(size_t n)
{
	memset(conf.rules, 0, sizeof(conf.rules));
	for (size_t i = 0; i < n; i++) {
		conf.rules[i].family = 4;
		conf.rules[i].proto = IPPROTO_UDP;
		conf.rules[i].mask[0] = 0xffffffff;
		conf.rules[i].addr[0] = htonl(0x0a000000u + (uint32_t)i); /* 10.0.0.i: never matches */
		conf.rules[i].port_lo = 1;
		conf.rules[i].port_hi = 65535;
	}
	conf.rules[n - 1].addr[0] = htonl(INADDR_LOOPBACK);
	conf.n_rules = (__u32)n;
}

static double per_run_ms(const struct sb_bpf_load *l, int cg_fd, int runs)
{
	double t[128];
	struct sb_err err = SB_ERR_INIT;

	for (int i = 0; i < runs; i++) {
		struct sb_bpf *b = NULL;
		double s = now_ns();

		if (bpf_loader_attach(l, cg_fd, &b, &err) < 0) {
			fprintf(stderr, "ebpf_bench: %s\n", err.msg);
			exit(1);
		}
		bpf_loader_release(b);
		t[i] = (now_ns() - s) / 1e6;
	}
	qsort(t, (size_t)runs, sizeof(double), cmp);
	return t[runs / 2];
}

/* ns per UDP connect() to 127.0.0.1:9 over n calls. */
static double connect_ns(int n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	double s = now_ns();

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < n; i++)
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
			perror("connect");
			exit(1);
		}
	s = (now_ns() - s) / n;
	close(fd);
	return s;
}

static void join(const char *dir)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1) {
		perror(path);
		exit(1);
	}
	close(fd);
}

/* Median per-run cost of each program set, loaded (cache NULL) or pinned. */
static void per_run(struct sb_bpf_load *l, int cg, const char *what, int runs)
{
	l->families = l->net = l->bind = false;
	printf("  %-28s devices %7.3f ms", what, per_run_ms(l, cg, runs));
	l->families = true;
	printf("   + families %7.3f ms", per_run_ms(l, cg, runs));
	make_rules(1);
	l->net = l->bind = true;
	printf("   + allow-list %7.3f ms\n", per_run_ms(l, cg, runs));
}

int main(int argc, char **argv)
{
	struct sb_bpf_load l = { .conf = &conf, .token_fd = -1, .devices = true };
	struct sb_err err = SB_ERR_INIT;
	char dir[4096];
	double base, one, many;
	int cg;

	if (argc < 2)
		return fprintf(stderr, "usage: ebpf_bench CGROUP_PARENT_DIR [BPFFS_CACHE_DIR]\n"), 2;
	snprintf(dir, sizeof(dir), "%s/sandbox-bench-%d", argv[1], (int)getpid());
	if (mkdir(dir, 0755) < 0 || (cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return perror(dir), 1;
	conf.n_devs = 2;
	conf.devs[0] = (struct sb_bpf_dev){ BPF_DEVCG_DEV_CHAR, 1, 3 };
	conf.devs[1] = (struct sb_bpf_dev){ BPF_DEVCG_DEV_CHAR, 1, 5 };
	conf.families = (1u << AF_UNIX) | (1u << AF_INET);
	printf("per run: programs + attach + rules + detach, median of 21 (a launcher's first load\n"
	       "in a process also pays libbpf's feature probes: see the whole-run figures):\n");
	per_run(&l, cg, "loaded each run (libbpf)", 21);
	if (argc > 2) {
		l.cache = argv[2];
		per_run(&l, cg, "pinned by a first run", 101);
	}
	/* Three cgroups (none, 1 rule, 64 rules) and the bench moving between
	 * them round after round: the machine's load hits all three alike. */
	{
		struct sb_bpf *b1 = NULL, *b64 = NULL;
		char d1[4200], d64[4200];
		int c1, c64;
		double best[3] = { 1e18, 1e18, 1e18 };
		const char *dirs[3] = { dir, d1, d64 };

		snprintf(d1, sizeof(d1), "%s-1", dir);
		snprintf(d64, sizeof(d64), "%s-64", dir);
		if (mkdir(d1, 0755) < 0 || mkdir(d64, 0755) < 0 || (c1 = open(d1, O_RDONLY | O_DIRECTORY)) < 0 ||
		    (c64 = open(d64, O_RDONLY | O_DIRECTORY)) < 0)
			return perror("bench cgroups"), 1;
		l.families = false;
		l.net = l.bind = true;
		make_rules(1);
		if (bpf_loader_attach(&l, c1, &b1, &err) < 0)
			return fprintf(stderr, "%s\n", err.msg), 1;
		make_rules(SB_BPF_MAX_RULES);
		if (bpf_loader_attach(&l, c64, &b64, &err) < 0)
			return fprintf(stderr, "%s\n", err.msg), 1;
		for (int round = 0; round < 15; round++)
			for (int k = 0; k < 3; k++) {
				double t;

				join(dirs[k]);
				t = connect_ns(50000);
				best[k] = t < best[k] ? t : best[k];
			}
		join(argv[1]);
		bpf_loader_release(b1);
		bpf_loader_release(b64);
		rmdir(d1);
		rmdir(d64);
		base = best[0];
		one = best[1];
		many = best[2];
	}
	rmdir(dir);
	printf("UDP connect() on loopback (best of 15 interleaved rounds of 50000):\n");
	printf("  no programs                  %7.0f ns\n", base);
	printf("  allow-list, 1 rule           %7.0f ns  (+%.0f ns, %.2fx)\n", one, one - base, one / base);
	printf("  allow-list, %d rules         %7.0f ns  (+%.0f ns, %.2fx)\n", SB_BPF_MAX_RULES, many, many - base,
	       many / base);
	return 0;
}
