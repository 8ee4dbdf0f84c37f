/*
 * net_rules.h: the network vocabulary shared by every enforcement path
 * (DESIGN.md "The network vocabulary"): --allow-net DEST, --publish, and the
 * flat list of grants that nftables (net_nft.c, --net user) and eBPF
 * (sandbox/bpf/, --net host) both enforce. Pure code: parsing, checking and
 * flattening make no syscalls; name resolution goes through a lookup
 * function the caller passes (net_lookup() in net.c does the real one).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "plan.h"

enum sb_netproto {
	SB_NETP_TCP = 0, /* the default */
	SB_NETP_UDP, /* "/udp" */
	SB_NETP_MAX,
};

enum sb_netdest {
	SB_NETDEST_ADDR = 0, /* ADDR[/PREFIX] or [IPV6][/PREFIX] */
	SB_NETDEST_HOST, /* a name, resolved once when the run starts */
	SB_NETDEST_HOST_LOOPBACK, /* the host's own 127.0.0.1 and ::1 */
	SB_NETDEST_MAX,
};

/* An address with a prefix length: 0.0.0.0/0 matches every IPv4 address. */
struct sb_netaddr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network byte order; 4 bytes used for AF_INET */
	unsigned prefix; /* 0..32 or 0..128 */
};

/* One --allow-net DEST, as written. */
struct sb_netrule {
	enum sb_netdest kind;
	struct sb_netaddr addr; /* SB_NETDEST_ADDR */
	char *host; /* SB_NETDEST_HOST: the name */
	uint16_t port_lo, port_hi; /* 0,0: every port */
	enum sb_netproto proto;
	char *text; /* the argument as written, for messages and the report */
	struct sb_loc loc;
};

/* One --publish [ADDR:]HOSTPORT:PORT[/udp]. */
struct sb_publish {
	struct sb_netaddr host_addr; /* where the host side listens; 127.0.0.1 by default */
	uint16_t host_port, port;
	enum sb_netproto proto;
	char *text;
	struct sb_loc loc;
};

/* One thing the payload may reach, after names were resolved: what both
 * enforcement paths turn into rules (nft set elements, BPF map entries). */
struct sb_netgrant {
	bool host_loopback; /* the host's 127.0.0.1/::1: each path maps it */
	struct sb_netaddr addr; /* unset when host_loopback */
	uint16_t port_lo, port_hi; /* 0,0: every port */
	enum sb_netproto proto;
	size_t rule; /* index of the --allow-net it came from */
};

struct sb_netgrants {
	struct sb_netgrant *v;
	size_t n;
	bool names; /* some rule named a host: DNS to the resolver stays open */
	/* per rule, the addresses its name resolved to (for the report) */
	struct sb_netaddr **resolved;
	size_t *n_resolved;
	size_t n_rules;
};

/* Parse DEST ("example.org:443", "10.0.0.0/8:80-90/udp", "[::1]:8080",
 * "host-loopback:8000"). On error err->col is the 0-based column of the bad
 * part inside arg. The strings in *ret are the caller's to free. */
int netrule_parse(const char *arg, struct sb_netrule *ret, struct sb_err *err);
void netrule_free(struct sb_netrule *r);

/* Parse [ADDR:]HOSTPORT:PORT[/udp] ("8080:80", "127.0.0.1:8080:80/udp",
 * "[::1]:8080:80"). */
int publish_parse(const char *arg, struct sb_publish *ret, struct sb_err *err);
void publish_free(struct sb_publish *pub);

/* Resolve NAME to its addresses (both families when it has them);
 * -ENOENT with a message when it does not resolve. */
typedef int (*sb_net_lookup_fn)(const char *name, struct sb_netaddr **ret, size_t *n, struct sb_err *err);
/* The real one (net.c): getaddrinfo, both families, each address once;
 * the launcher's, for nftables and eBPF alike. */
int net_lookup(const char *name, struct sb_netaddr **ret, size_t *n, struct sb_err *err);

/* The plan's allow-list as grants, each name resolved once through lookup.
 * Fails on the first name that does not resolve, naming the option. */
int netgrants_build(const struct sb_plan *p, sb_net_lookup_fn lookup, struct sb_netgrants *ret,
		    struct sb_err *err);
void netgrants_free(struct sb_netgrants *g);

/* "10.0.0.0/8", "::1" (no prefix when it is a whole address). */
const char *netaddr_str(const struct sb_netaddr *a, char *buf, size_t len);
/* Does the address match a grant's address/prefix? */
bool netaddr_match(const struct sb_netaddr *net, int family, const uint8_t *addr);
