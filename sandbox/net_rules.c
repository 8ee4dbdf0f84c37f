/*
 * net_rules.c: the network vocabulary (DESIGN.md): --allow-net DEST,
 * --publish [ADDR:]HOSTPORT:PORT[/udp], and their flattening into grants.
 * Pure code, run by the launcher (and by check/explain): no syscalls;
 * names are resolved through the lookup function the caller passes, once,
 * when the run starts, so nftables and eBPF enforce the same addresses.
 *
 * Errors set err->col to the 0-based column of the bad part of the
 * argument, so the caller can point at it (file:line:col).
 */
#include "net_rules.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

/* Fail with a column: every parse error below goes through here. */
#define FAIL_AT(col_, ...) (err->col = (int)(col_), sb_failx(err, EINVAL, __VA_ARGS__))

static unsigned full_prefix(int family)
{
	return family == AF_INET ? 32 : 128;
}

/* "/udp" or "/tcp" at the end: cut it off and say which. */
static enum sb_netproto cut_proto(char *s)
{
	size_t n = strlen(s);

	if (n > 4 && strcmp(s + n - 4, "/udp") == 0) {
		s[n - 4] = '\0';
		return SB_NETP_UDP;
	}
	if (n > 4 && strcmp(s + n - 4, "/tcp") == 0)
		s[n - 4] = '\0';
	return SB_NETP_TCP;
}

/* One port, 1..65535. off is s's column in the whole argument. */
static int parse_port(const char *s, size_t off, uint16_t *ret, struct sb_err *err)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++)
		if ((v = v * 10 + (unsigned long)(s[i] - '0')) > 65535)
			return FAIL_AT(off, "port %s is out of range (1-65535)", s);
	if (i == 0 || s[i])
		return FAIL_AT(off + i, "'%s' is not a port number (1-65535)", s);
	if (v == 0)
		return FAIL_AT(off, "port 0 is not a port a connection can go to (1-65535)");
	*ret = (uint16_t)v;
	return 0;
}

/* PORTS: N or N-M. */
static int parse_ports(char *s, size_t off, uint16_t *lo, uint16_t *hi, struct sb_err *err)
{
	char *dash = strchr(s, '-');
	int r;

	if (!*s)
		return FAIL_AT(off, "empty port after ':' (expected N or N-M)");
	if (dash)
		*dash = '\0';
	r = parse_port(s, off, lo, err);
	if (r < 0)
		return r;
	if (!dash) {
		*hi = *lo;
		return 0;
	}
	r = parse_port(dash + 1, off + (size_t)(dash + 1 - s), hi, err);
	if (r < 0)
		return r;
	if (*hi < *lo)
		return FAIL_AT(off, "port range %u-%u is backwards (write %u-%u)", *lo, *hi, *hi, *lo);
	return 0;
}

/* Bits beyond the prefix must be zero: "10.1.2.3/8" is more likely a typo
 * than a wish for 10.0.0.0/8, so say so instead of guessing. */
static int check_host_bits(const struct sb_netaddr *a, const char *text, size_t off, struct sb_err *err)
{
	unsigned bytes = full_prefix(a->family) / 8;
	struct sb_netaddr net = *a;
	char buf[64];

	for (unsigned i = 0; i < bytes; i++) {
		unsigned keep = a->prefix >= (i + 1) * 8 ? 8 : a->prefix > i * 8 ? a->prefix - i * 8 : 0;

		net.addr[i] &= (uint8_t)(0xff00u >> keep);
	}
	if (memcmp(net.addr, a->addr, bytes) != 0)
		return FAIL_AT(off, "'%s' has bits set past the /%u prefix (did you mean %s?)", text, a->prefix,
			       netaddr_str(&net, buf, sizeof(buf)));
	return 0;
}

/* ADDR[/PREFIX] of the given family (0: either). */
static int parse_addr(char *s, size_t off, int family, struct sb_netaddr *ret, struct sb_err *err)
{
	char *slash = strchr(s, '/');
	struct sb_netaddr a = { 0 };
	_cleanup_free_ char *text = strdup(s);

	if (!text)
		return sb_fail(err, ENOMEM, "copy address");
	if (slash)
		*slash = '\0';
	if (family != AF_INET6 && inet_pton(AF_INET, s, a.addr) == 1)
		a.family = AF_INET;
	else if (family != AF_INET && inet_pton(AF_INET6, s, a.addr) == 1)
		a.family = AF_INET6;
	else
		return FAIL_AT(off, "'%s' is not an %s address", s,
			       family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "IP");
	a.prefix = full_prefix(a.family);
	if (slash) {
		char *end;
		unsigned long v = strtoul(slash + 1, &end, 10);

		if (end == slash + 1 || *end || v > a.prefix)
			return FAIL_AT(off + (size_t)(slash + 1 - s), "prefix '/%s' is not a number from 0 to %u",
				       slash + 1, a.prefix);
		a.prefix = (unsigned)v;
	}
	if (check_host_bits(&a, text, off, err) < 0)
		return -EINVAL;
	*ret = a;
	return 0;
}

/* A DNS name: labels of letters, digits, '-' and '_', 1-63 long, 253 in
 * all. A name made of digits and dots only is a mistyped address. */
static int check_host(const char *s, size_t off, struct sb_err *err)
{
	size_t label = 0, n = strlen(s);

	if (n == 0)
		return FAIL_AT(off, "empty destination (expected HOST, ADDR[/PREFIX], [IPV6] or host-loopback)");
	if (n > 253)
		return FAIL_AT(off, "host name is longer than 253 characters");
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0)
				return FAIL_AT(off + i, "empty label in host name '%s'", s);
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_'))
			return FAIL_AT(off + i, "'%c' cannot appear in a host name ('%s')", c, s);
		if (++label > 63)
			return FAIL_AT(off + i, "a label of host name '%s' is longer than 63 characters", s);
	}
	return 0;
}

/* "[V6[/P]][/P][:PORTS]": the bracketed form. *ports gets what follows ':'. */
static int parse_bracketed(char *s, struct sb_netrule *r, char **ports, struct sb_err *err)
{
	char *close = strchr(s, ']');
	char *rest;

	if (!close)
		return FAIL_AT(0, "missing ']' after the IPv6 address");
	*close = '\0';
	rest = close + 1;
	if (*rest == '/') {
		/* [fd00::]/64: move the prefix inside, where parse_addr reads it */
		char *colon = strchr(rest, ':');
		size_t plen = colon ? (size_t)(colon - rest) : strlen(rest);

		memmove(close, rest, plen);
		close[plen] = '\0';
		rest += plen;
	}
	if (*rest && *rest != ':')
		return FAIL_AT((size_t)(rest - s), "unexpected '%s' after ']' (expected :PORTS)", rest);
	*ports = *rest ? rest + 1 : NULL;
	r->kind = SB_NETDEST_ADDR;
	return parse_addr(s + 1, 1, AF_INET6, &r->addr, err);
}

/* HOST, ADDR[/PREFIX] or host-loopback, before the optional ":PORTS". */
static int parse_dest(char *s, struct sb_netrule *r, struct sb_err *err)
{
	const char *p;

	if (strcmp(s, "host-loopback") == 0) {
		r->kind = SB_NETDEST_HOST_LOOPBACK;
		return 0;
	}
	/* Digits, dots and a prefix only: an IPv4 address, never a name. */
	for (p = s; (*p >= '0' && *p <= '9') || *p == '.' || *p == '/'; p++)
		;
	if (!*p && *s) {
		r->kind = SB_NETDEST_ADDR;
		return parse_addr(s, 0, AF_INET, &r->addr, err);
	}
	if (check_host(s, 0, err) < 0)
		return -EINVAL;
	r->kind = SB_NETDEST_HOST;
	r->host = strdup(s);
	return r->host ? 0 : sb_fail(err, ENOMEM, "copy host name");
}

int netrule_parse(const char *arg, struct sb_netrule *ret, struct sb_err *err)
{
	_cleanup_free_ char *s = strdup(arg);
	struct sb_netrule r = { 0 };
	char *ports = NULL;
	int rc;

	if (!s)
		return sb_fail(err, ENOMEM, "copy argument");
	r.proto = cut_proto(s);
	if (s[0] == '[') {
		rc = parse_bracketed(s, &r, &ports, err);
	} else if (strchr(s, ':') && strchr(s, ':') != strrchr(s, ':')) {
		/* Two colons or more: a bare IPv6 address, every port (ports
		 * need the brackets: [::1]:8080). */
		r.kind = SB_NETDEST_ADDR;
		rc = parse_addr(s, 0, AF_INET6, &r.addr, err);
	} else {
		ports = split_colon(s);
		rc = parse_dest(s, &r, err);
	}
	if (rc == 0 && ports)
		rc = parse_ports(ports, (size_t)(ports - s), &r.port_lo, &r.port_hi, err);
	if (rc == 0 && r.kind == SB_NETDEST_HOST_LOOPBACK && !ports)
		rc = FAIL_AT(strlen(s), "host-loopback needs :PORTS (the host's own services are reached one port at "
					"a time, e.g. host-loopback:8080)");
	if (rc == 0 && !(r.text = strdup(arg)))
		rc = sb_fail(err, ENOMEM, "copy argument");
	if (rc < 0) {
		netrule_free(&r);
		return rc;
	}
	*ret = r;
	return 0;
}

void netrule_free(struct sb_netrule *r)
{
	free(r->host);
	free(r->text);
	r->host = r->text = NULL;
}

int publish_parse(const char *arg, struct sb_publish *ret, struct sb_err *err)
{
	_cleanup_free_ char *s = strdup(arg);
	struct sb_publish pub = { .host_addr = { .family = AF_INET, .prefix = 32, .addr = { 127, 0, 0, 1 } } };
	char *ports = NULL, *inner;
	int rc = 0;

	if (!s)
		return sb_fail(err, ENOMEM, "copy argument");
	pub.proto = cut_proto(s);
	if (s[0] == '[') {
		char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return FAIL_AT(close ? (size_t)(close - s) + 1 : 0,
				       "expected [IPV6]:HOSTPORT:PORT, e.g. [::1]:8080:80");
		*close = '\0';
		rc = parse_addr(s + 1, 1, AF_INET6, &pub.host_addr, err);
		ports = close + 2;
	} else if ((inner = strchr(s, ':')) && strchr(inner + 1, ':')) {
		*inner = '\0';
		rc = parse_addr(s, 0, AF_INET, &pub.host_addr, err);
		ports = inner + 1;
	} else {
		ports = s;
	}
	if (rc == 0 && pub.host_addr.prefix != full_prefix(pub.host_addr.family))
		rc = FAIL_AT(0, "publish binds one address, not a prefix");
	if (rc < 0)
		return rc;
	inner = strchr(ports, ':');
	if (!inner)
		return FAIL_AT((size_t)(ports - s), "expected HOSTPORT:PORT, e.g. 8080:80");
	*inner = '\0';
	rc = parse_port(ports, (size_t)(ports - s), &pub.host_port, err);
	if (rc == 0)
		rc = parse_port(inner + 1, (size_t)(inner + 1 - s), &pub.port, err);
	if (rc < 0)
		return rc;
	pub.text = strdup(arg);
	if (!pub.text)
		return sb_fail(err, ENOMEM, "copy argument");
	*ret = pub;
	return 0;
}

void publish_free(struct sb_publish *pub)
{
	free(pub->text);
	pub->text = NULL;
}

static int grant_add(struct sb_netgrants *g, const struct sb_netgrant *one)
{
	struct sb_netgrant *n = realloc(g->v, (g->n + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	g->v = n;
	g->v[g->n++] = *one;
	return 0;
}

/* One rule's grants: its address, the host's loopback, or what its name
 * resolved to (kept per rule for the report). */
static int rule_grants(const struct sb_netrule *r, size_t i, sb_net_lookup_fn lookup, struct sb_netgrants *g,
		       struct sb_err *err)
{
	struct sb_netgrant one = { .port_lo = r->port_lo, .port_hi = r->port_hi, .proto = r->proto, .rule = i };
	size_t n = 0;
	int rc;

	switch (r->kind) {
	case SB_NETDEST_ADDR:
		one.addr = r->addr;
		return grant_add(g, &one) < 0 ? sb_fail(err, ENOMEM, "allow-net") : 0;
	case SB_NETDEST_HOST_LOOPBACK:
		one.host_loopback = true;
		return grant_add(g, &one) < 0 ? sb_fail(err, ENOMEM, "allow-net") : 0;
	case SB_NETDEST_HOST:
		g->names = true;
		rc = lookup(r->host, &g->resolved[i], &n, err);
		if (rc < 0)
			return rc;
		g->n_resolved[i] = n;
		for (size_t k = 0; k < n; k++) {
			one.addr = g->resolved[i][k];
			if (grant_add(g, &one) < 0)
				return sb_fail(err, ENOMEM, "allow-net");
		}
		return 0;
	case SB_NETDEST_MAX:
		break;
	}
	return sb_failx(err, EINVAL, "allow-net: unknown destination kind");
}

int netgrants_build(const struct sb_plan *p, sb_net_lookup_fn lookup, struct sb_netgrants *ret,
		    struct sb_err *err)
{
	struct sb_netgrants g = { 0 };
	int rc = 0;

	g.n_rules = p->n_netrules;
	g.resolved = calloc(p->n_netrules + 1, sizeof(*g.resolved));
	g.n_resolved = calloc(p->n_netrules + 1, sizeof(*g.n_resolved));
	if (!g.resolved || !g.n_resolved)
		rc = sb_fail(err, ENOMEM, "allow-net");
	for (size_t i = 0; rc == 0 && i < p->n_netrules; i++) {
		rc = rule_grants(&p->netrules[i], i, lookup, &g, err);
		if (rc < 0) {
			char where[512];

			sb_wrap(err, "--allow-net %s (%s)", p->netrules[i].text,
				plan_loc_str(&p->netrules[i].loc, where, sizeof(where)));
		}
	}
	if (rc < 0) {
		netgrants_free(&g);
		return rc;
	}
	*ret = g;
	return 0;
}

void netgrants_free(struct sb_netgrants *g)
{
	for (size_t i = 0; g->resolved && i < g->n_rules; i++)
		free(g->resolved[i]);
	free(g->resolved);
	free(g->n_resolved);
	free(g->v);
	memset(g, 0, sizeof(*g));
}

const char *netaddr_str(const struct sb_netaddr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	inet_ntop(a->family, a->addr, ip, sizeof(ip));
	if (a->prefix == full_prefix(a->family))
		snprintf(buf, len, "%s", ip);
	else
		snprintf(buf, len, "%s/%u", ip, a->prefix);
	return buf;
}

bool netaddr_match(const struct sb_netaddr *net, int family, const uint8_t *addr)
{
	unsigned bits = net->prefix;

	if (net->family != family)
		return false;
	for (unsigned i = 0; bits > 0; i++, bits = bits > 8 ? bits - 8 : 0) {
		uint8_t mask = (uint8_t)(0xff00u >> (bits >= 8 ? 8 : bits));

		if ((addr[i] & mask) != (net->addr[i] & mask))
			return false;
	}
	return true;
}
