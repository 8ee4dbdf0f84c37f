/*
 * net.c: the network layer.
 *
 *   --net none  init brings "lo" up in the run's new namespace (it starts
 *               down), so loopback servers work.
 *   --net host  nothing: the caller's namespace is shared.
 *   --net user  the launcher resolves the allow-list's names once
 *               (net_prepare, before clone), starts pasta on the run's
 *               namespace (net_parent, after the id maps); init writes
 *               /etc/hosts and /etc/resolv.conf into the new root
 *               (net_mounts), installs the allow-list as nftables rules
 *               while it holds CAP_NET_ADMIN in the run's namespace
 *               (net_child), and reads the refused counter before it exits
 *               (net_finish); the launcher kills pasta at the end
 *               (net_release).
 *
 * The run's network state lives in this file: the launcher fills it before
 * clone, and init, a clone of the launcher, reads its own copy.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layers.h"
#include "net_nft.h"
#include "net_pasta.h"
#include "sync.h"
#include "util.h"

/* Where the stack's DNS forwarder answers inside (pasta --dns-forward):
 * an address no real network uses, reached through the default route. */
#define DNS_FORWARD "169.254.1.53"

static struct {
	bool active; /* --net user */
	struct sb_netgrants g;
	struct sb_netaddr hostlo[2]; /* the gateway addresses pasta maps to the host's loopback */
	size_t n_hostlo;
	struct sb_netaddr dns;
	struct net_pasta pasta;
	char *hosts, *resolv; /* generated /etc/hosts and /etc/resolv.conf */
	bool rules; /* an allow-list is installed */
	bool refused_known;
	uint64_t refused;
} net = { .pasta = { .pid = -1, .pidfd = -1, .ready_fd = -1, .log_fd = -1 } };

/* ---- launcher, before clone ---- */

/* getaddrinfo, both families, each address once. Both enforcement paths
 * resolve --allow-net names here: nftables (--net user) and eBPF (ebpf.c,
 * --net host). */
int net_lookup(const char *name, struct sb_netaddr **ret, size_t *n, struct sb_err *err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res = NULL;
	struct sb_netaddr *v = NULL;
	size_t count = 0;
	int r = getaddrinfo(name, NULL, &hints, &res);

	if (r != 0)
		return sb_failx(err, ENOENT, "host name '%s' does not resolve: %s", name, gai_strerror(r));
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		struct sb_netaddr a = { .family = ai->ai_family, .prefix = ai->ai_family == AF_INET ? 32 : 128 };
		struct sb_netaddr *nv;
		bool dup = false;

		if (ai->ai_family == AF_INET)
			memcpy(a.addr, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
		else if (ai->ai_family == AF_INET6)
			memcpy(a.addr, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
		else
			continue;
		for (size_t i = 0; i < count; i++)
			dup |= memcmp(&v[i], &a, sizeof(a)) == 0;
		if (dup || !(nv = realloc(v, (count + 1) * sizeof(*v))))
			continue;
		v = nv;
		v[count++] = a;
	}
	freeaddrinfo(res);
	if (!count) {
		free(v);
		return sb_failx(err, ENOENT, "host name '%s' has no IPv4 or IPv6 address", name);
	}
	*ret = v;
	*n = count;
	return 0;
}

/* 127.0.0.0/8 and ::1: the host's own loopback, where the name was resolved. */
static bool is_loopback(const struct sb_netaddr *a)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	return a->family == AF_INET ? a->addr[0] == 127 : memcmp(a->addr, v6lo, 16) == 0;
}

/* The host's default gateways, which pasta maps to its loopback (it copies
 * the host's routes into the run's namespace). */
static void read_gateways(void)
{
	char line[512];
	FILE *f = fopen("/proc/net/route", "re");

	while (f && fgets(line, sizeof(line), f)) {
		char ifn[32];
		unsigned long dst, gw;

		if (sscanf(line, "%31s %lx %lx", ifn, &dst, &gw) == 3 && dst == 0 && gw != 0) {
			uint32_t g = (uint32_t)gw;
			struct sb_netaddr *a = &net.hostlo[net.n_hostlo++];

			*a = (struct sb_netaddr){ .family = AF_INET, .prefix = 32 };
			memcpy(a->addr, &g, 4); /* the file holds the bytes as stored */
			break;
		}
	}
	if (f)
		fclose(f);
	f = fopen("/proc/net/ipv6_route", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char dst[33], src[33], hop[33];
		unsigned dlen, slen;
		struct sb_netaddr a = { .family = AF_INET6, .prefix = 128 };

		if (sscanf(line, "%32s %x %32s %x %32s", dst, &dlen, src, &slen, hop) != 5 || dlen != 0 ||
		    strspn(hop, "0") == 32)
			continue;
		for (int i = 0; i < 16; i++)
			sscanf(hop + 2 * i, "%2hhx", &a.addr[i]);
		net.hostlo[net.n_hostlo++] = a;
		break;
	}
	if (f)
		fclose(f);
}

/* A host port another program holds fails the run here, with its name,
 * instead of pasta warning and going on without it. */
static int check_publish(const struct sb_publish *pub, struct sb_err *err)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int one = 1, r = 0;
	int fd = socket(pub->host_addr.family, (pub->proto == SB_NETP_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return sb_fail(err, errno, "--publish %s: socket", pub->text);
	if (pub->host_addr.family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(pub->host_port);
		memcpy(&s4->sin_addr, pub->host_addr.addr, 4);
		len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(pub->host_port);
		memcpy(&s6->sin6_addr, pub->host_addr.addr, 16);
		len = sizeof(*s6);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		r = sb_fail(err, errno, "--publish %s: cannot listen on the host's port %u", pub->text, pub->host_port);
		if (errno == EADDRINUSE)
			sb_hint(err, "another program uses it; choose another HOSTPORT");
		else if (errno == EACCES)
			sb_hint(err, "ports below 1024 need privileges (sysctl net.ipv4.ip_unprivileged_port_start)");
	}
	close(fd);
	return r;
}

static int append(char **buf, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int append(char **buf, size_t *len, const char *fmt, ...)
{
	va_list ap;
	char *n;
	int add;

	va_start(ap, fmt);
	add = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	n = realloc(*buf, *len + (size_t)add + 1);
	if (!n)
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(n + *len, (size_t)add + 1, fmt, ap);
	va_end(ap);
	*buf = n;
	*len += (size_t)add;
	return 0;
}

/* /etc/hosts: host-loopback and each allowed name first (the first match
 * wins), with the addresses resolved at start (a loopback one becomes the
 * host-loopback address, except for "localhost", which stays the sandbox's
 * own), then the host's file. */
static int build_files(const struct sb_plan *p)
{
	char a[64], line[1024];
	size_t hl = 0, rl = 0;
	int r = 0;
	FILE *f;

	for (size_t k = 0; k < net.n_hostlo; k++)
		r |= append(&net.hosts, &hl, "%s host-loopback\n", netaddr_str(&net.hostlo[k], a, sizeof(a)));
	for (size_t i = 0; i < p->n_netrules; i++) {
		const char *name = p->netrules[i].host;

		for (size_t k = 0; name && strcmp(name, "localhost") != 0 && k < net.g.n_resolved[i]; k++) {
			const struct sb_netaddr *ad = &net.g.resolved[i][k];

			for (size_t h = 0; is_loopback(ad) && h < net.n_hostlo; h++)
				if (net.hostlo[h].family == ad->family)
					ad = &net.hostlo[h];
			r |= append(&net.hosts, &hl, "%s %s\n", netaddr_str(ad, a, sizeof(a)), name);
		}
	}
	f = fopen("/etc/hosts", "re");
	while (f && fgets(line, sizeof(line), f))
		r |= append(&net.hosts, &hl, "%s", line);
	if (f)
		fclose(f);
	if (p->n_netrules == 0 || net.g.names)
		r |= append(&net.resolv, &rl, "# pasta forwards this address to the host's resolver\nnameserver %s\n",
			    DNS_FORWARD);
	else
		r |= append(&net.resolv, &rl, "# no resolver: the allow-list names no host\n");
	return r ? -ENOMEM : 0;
}

/* pasta copies the host's default route into the run's namespace. */
static int default_route(struct sb_err *err)
{
	net.n_hostlo = 0;
	read_gateways();
	if (net.n_hostlo == 0) {
		sb_failx(err, ENETUNREACH, "--net user: the host has no default route for pasta to copy");
		sb_hint(err, "pasta takes the run's addresses and gateway from the host's default route");
		return -ENETUNREACH;
	}
	return 0;
}

int net_user_probe(const char **helper, struct sb_err *err)
{
	struct net_pasta h = { .pid = -1, .pidfd = -1 };
	int r = net_pasta_find(&h, err);

	if (r < 0)
		return r;
	*helper = h.path;
	return default_route(err);
}

int net_prepare(const struct sb_plan *p, struct sb_err *err)
{
	int r;

	if (p->net != SB_NET_USER)
		return 0;
	r = net_pasta_find(&net.pasta, err);
	if (r == 0)
		r = default_route(err);
	if (r < 0)
		return r;
	r = netgrants_build(p, net_lookup, &net.g, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < p->n_publish; i++)
		if ((r = check_publish(&p->publish[i], err)) < 0)
			return r;
	/* The gateway reaches the host's loopback only if a grant names it. */
	for (size_t i = 0; i < net.g.n; i++)
		net.pasta.map_gw |= net.g.v[i].host_loopback || is_loopback(&net.g.v[i].addr);
	net.dns = (struct sb_netaddr){ .family = AF_INET, .prefix = 32 };
	inet_pton(AF_INET, DNS_FORWARD, net.dns.addr);
	net.pasta.dns_forward = DNS_FORWARD;
	net.rules = p->n_netrules > 0;
	net.active = true;
	if (build_files(p) < 0)
		return sb_fail(err, ENOMEM, "--net user: /etc/hosts");
	return 0;
}

/* The allow-list as the payload's connects carry it inside the run's
 * namespace, which the nftables rules match and the eBPF programs (ebpf.c,
 * the second wall) check: the sandbox's own loopback, each grant, a grant
 * of the host's loopback as the gateway addresses pasta maps to it, and
 * the DNS forwarder when a name was allowed. */
int net_user_dests(int (*fn)(void *ctx, const struct sb_netaddr *a, const struct sb_netgrant *g), void *ctx)
{
	static const struct sb_netaddr lo[2] = { { .family = AF_INET, .addr = { 127 }, .prefix = 8 },
						 { .family = AF_INET6, .addr = { [15] = 1 }, .prefix = 128 } };
	struct sb_netgrant any = { .proto = SB_NETP_TCP }, dns = { .port_lo = 53, .port_hi = 53 };
	int r = 0;

	if (!net.active || !net.rules)
		return 0;
	for (int k = 0; k < 4 && r == 0; k++) {
		any.proto = k & 1 ? SB_NETP_UDP : SB_NETP_TCP;
		r = fn(ctx, &lo[k / 2], &any);
	}
	for (size_t i = 0; i < net.g.n && r == 0; i++) {
		const struct sb_netgrant *g = &net.g.v[i];

		if (!g->host_loopback && !is_loopback(&g->addr))
			r = fn(ctx, &g->addr, g);
		for (size_t k = 0; (g->host_loopback || is_loopback(&g->addr)) && k < net.n_hostlo && r == 0; k++)
			r = fn(ctx, &net.hostlo[k], g);
	}
	for (int k = 0; net.g.names && k < 2 && r == 0; k++) {
		dns.proto = k ? SB_NETP_UDP : SB_NETP_TCP;
		r = fn(ctx, &net.dns, &dns);
	}
	return r;
}

/* ---- launcher, after clone ---- */

int net_parent(const struct sb_plan *p, pid_t pid, struct sb_err *err)
{
	if (!net.active)
		return 0;
	return net_pasta_start(p, &net.pasta, pid, err);
}

int net_ready(int sync_fd, struct sb_err *err)
{
	int r;

	if (!net.active)
		return 0;
	r = net_pasta_wait(&net.pasta, err);
	if (r < 0)
		return r;
	/* init gone already: its own message says why, the wait loop reads it */
	sync_send(sync_fd, SYNC_GO, 0, NULL);
	return 0;
}

int net_await(int sync_fd)
{
	struct sync_msg m;

	if (!net.active)
		return 0;
	if (sync_recv(sync_fd, &m) < 0 || m.type != SYNC_GO)
		return -EPIPE;
	return 0;
}

void net_note_refused(uint64_t count)
{
	net.refused = count;
	net.refused_known = true;
}

void net_release(struct sb_result *res)
{
	if (!net.active)
		return;
	net_pasta_stop(&net.pasta);
	/* The report prints what was applied; the result owns it now. */
	res->net = net.g;
	memset(&net.g, 0, sizeof(net.g));
	res->net_refused = net.refused;
	res->net_refused_known = net.refused_known;
	free(net.hosts);
	free(net.resolv);
	net.hosts = net.resolv = NULL;
	net.active = false;
}

/* ---- init ---- */

/* Put text at root/rel: a bind of a file in the base tmpfs (the current
 * root while mounts are built), read-only. A missing target is created in
 * the sandbox's own tmpfs root; in a --rootfs it is left alone. */
static int place_file(const struct sb_plan *p, const char *root, const char *rel, const char *text,
		      struct sb_err *err)
{
	char src[64], dst[4096];
	struct stat st;
	int fd;
	size_t n = strlen(text);

	snprintf(src, sizeof(src), "/.net-%s", strrchr(rel, '/') + 1);
	snprintf(dst, sizeof(dst), "%s%s", root, rel);
	fd = open(src, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, n) != (ssize_t)n) {
		if (fd >= 0)
			close(fd);
		return sb_fail(err, errno, "write the run's %s", rel);
	}
	close(fd);
	if (lstat(dst, &st) < 0) {
		if (p->rootfs)
			return 0;
		{
			char dir[4096];

			snprintf(dir, sizeof(dir), "%s/etc", root);
			mkdir(dir, 0755); /* exists already when anything in /etc is bound */
		}
		fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			return sb_fail(err, errno, "create %s in the new root", rel);
		close(fd);
	} else if (!S_ISREG(st.st_mode)) {
		return 0; /* a symlink would resolve against the wrong root here */
	}
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0 ||
	    mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
		return sb_fail(err, errno, "bind the run's %s", rel);
	return 0;
}

int net_mounts(const struct sb_plan *p, const char *root, struct sb_err *err)
{
	int r;

	if (!net.active)
		return 0;
	r = place_file(p, root, "/etc/hosts", net.hosts, err);
	if (r == 0)
		r = place_file(p, root, "/etc/resolv.conf", net.resolv, err);
	return r;
}

static int loopback_up(struct sb_err *err)
{
	_cleanup_close_ int fd = -1;
	struct ifreq ifr;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sb_fail(err, errno, "socket for loopback set-up");
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return sb_fail(err, errno, "read flags of lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return sb_fail(err, errno, "bring lo up");
	return 0;
}

int net_child(const struct sb_plan *p, struct sb_err *err)
{
	struct net_nft_conf c = { .g = &net.g, .hostlo = net.hostlo, .n_hostlo = net.n_hostlo, .dns = &net.dns, .n_dns = 1 };
	int r;

	if (p->net == SB_NET_HOST)
		return 0;
	r = loopback_up(err);
	if (r < 0 || !net.rules)
		return r;
	/* Grants that name the host's loopback point at the gateway inside. */
	for (size_t i = 0; i < net.g.n; i++)
		net.g.v[i].host_loopback |= is_loopback(&net.g.v[i].addr);
	r = net_nft_apply(&c, err);
	if (r < 0) {
		sb_wrap(err, "--allow-net");
		sb_hint(err, "the kernel needs nf_tables (CONFIG_NF_TABLES_INET) in network namespaces");
	}
	return r;
}

long net_landlock_ports(uint16_t *ports, size_t max)
{
	size_t n = 0;

	if (!net.rules)
		return -1;
	for (size_t i = 0; i < net.g.n; i++) {
		const struct sb_netgrant *g = &net.g.v[i];

		if (g->proto != SB_NETP_TCP)
			continue;
		if (g->port_lo == 0 || (size_t)(g->port_hi - g->port_lo) + 1 > max - n)
			return -1;
		for (unsigned port = g->port_lo; port <= g->port_hi; port++)
			ports[n++] = (uint16_t)port;
	}
	if (net.g.names) {
		if (n == max)
			return -1;
		ports[n++] = 53; /* DNS over TCP to the resolver */
	}
	return (long)n;
}

void net_finish(int sync_fd)
{
	struct sb_err err = SB_ERR_INIT;
	uint64_t n;

	if (net.rules && net_nft_refused(&n, &err) == 0)
		sync_send_times(sync_fd, SYNC_NET, 0, n, 0);
}
