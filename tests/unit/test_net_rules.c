/*
 * test_net_rules.c: the network vocabulary (--allow-net DEST, --publish),
 * its bad-input messages with columns, plan_validate's mode checks, and the
 * flattening into grants with a fake resolver.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "net_rules.h"
#include "options.h"

static struct sb_err err;

static void setup(void)
{
	err = (struct sb_err)SB_ERR_INIT;
}

TestSuite(net_rules, .init = setup);

static struct sb_netrule parse_ok(const char *arg)
{
	struct sb_netrule r;

	cr_assert_eq(netrule_parse(arg, &r, &err), 0, "%s: %s", arg, err.msg);
	return r;
}

static void parse_bad(const char *arg, const char *msg, int col)
{
	struct sb_netrule r;

	err = (struct sb_err)SB_ERR_INIT;
	cr_assert_lt(netrule_parse(arg, &r, &err), 0, "%s parsed", arg);
	cr_assert(strstr(err.msg, msg), "%s: '%s' lacks '%s'", arg, err.msg, msg);
	cr_assert_eq(err.col, col, "%s: column %d, expected %d", arg, err.col, col);
}

static const char *addr(const struct sb_netaddr *a)
{
	static char buf[64];

	return netaddr_str(a, buf, sizeof(buf));
}

Test(net_rules, host_with_ports)
{
	struct sb_netrule r = parse_ok("mirror.example:443");

	cr_assert_eq(r.kind, SB_NETDEST_HOST);
	cr_assert_str_eq(r.host, "mirror.example");
	cr_assert_eq(r.port_lo, 443);
	cr_assert_eq(r.port_hi, 443);
	cr_assert_eq(r.proto, SB_NETP_TCP);
	cr_assert_str_eq(r.text, "mirror.example:443");
	netrule_free(&r);
	r = parse_ok("localhost");
	cr_assert_eq(r.port_lo, 0, "no ports: every port");
	netrule_free(&r);
}

Test(net_rules, addresses_prefixes_ranges_udp)
{
	struct sb_netrule r = parse_ok("10.0.0.0/8:80-90/udp");

	cr_assert_eq(r.kind, SB_NETDEST_ADDR);
	cr_assert_str_eq(addr(&r.addr), "10.0.0.0/8");
	cr_assert_eq(r.port_lo, 80);
	cr_assert_eq(r.port_hi, 90);
	cr_assert_eq(r.proto, SB_NETP_UDP);
	netrule_free(&r);
	r = parse_ok("192.0.2.7");
	cr_assert_str_eq(addr(&r.addr), "192.0.2.7");
	cr_assert_eq(r.addr.prefix, 32);
	netrule_free(&r);
}

Test(net_rules, ipv6_forms)
{
	struct sb_netrule r = parse_ok("[::1]:8080");

	cr_assert_eq(r.addr.family, AF_INET6);
	cr_assert_str_eq(addr(&r.addr), "::1");
	cr_assert_eq(r.port_lo, 8080);
	netrule_free(&r);
	r = parse_ok("[fd00::/64]:53/udp");
	cr_assert_str_eq(addr(&r.addr), "fd00::/64");
	cr_assert_eq(r.proto, SB_NETP_UDP);
	netrule_free(&r);
	r = parse_ok("[fd00::]/64:443");
	cr_assert_str_eq(addr(&r.addr), "fd00::/64");
	cr_assert_eq(r.port_lo, 443);
	netrule_free(&r);
	r = parse_ok("2001:db8::/32");
	cr_assert_str_eq(addr(&r.addr), "2001:db8::/32");
	cr_assert_eq(r.port_lo, 0);
	netrule_free(&r);
}

Test(net_rules, host_loopback_needs_ports)
{
	struct sb_netrule r = parse_ok("host-loopback:8000-8001");

	cr_assert_eq(r.kind, SB_NETDEST_HOST_LOOPBACK);
	cr_assert_eq(r.port_hi, 8001);
	netrule_free(&r);
	parse_bad("host-loopback", "host-loopback needs :PORTS", 13);
}

Test(net_rules, bad_ports_name_the_column)
{
	parse_bad("example.org:0", "port 0", 12);
	parse_bad("example.org:65536", "out of range", 12);
	parse_bad("example.org:90-80", "backwards", 12);
	parse_bad("example.org:80-70000", "out of range", 15);
	parse_bad("example.org:http", "not a port number", 12);
	parse_bad("example.org:", "empty port", 12);
	parse_bad("[::1]:0", "port 0", 6);
}

Test(net_rules, malformed_destinations)
{
	parse_bad("300.1.1.1:80", "not an IPv4 address", 0);
	parse_bad("1.2.3:80", "not an IPv4 address", 0);
	parse_bad("10.1.2.3/8", "bits set past the /8 prefix (did you mean 10.0.0.0/8?)", 0);
	parse_bad("10.0.0.0/33", "prefix '/33'", 9);
	parse_bad("exa mple.org", "' ' cannot appear", 3);
	parse_bad("a..b", "empty label", 2);
	parse_bad("[::1:80", "missing ']'", 0);
	parse_bad("[::1]x", "unexpected 'x'", 5);
	parse_bad("[1.2.3.4]:80", "not an IPv6 address", 1);
	parse_bad("fd00::zz", "not an IPv6 address", 0);
	parse_bad(":80", "empty destination", 0);
}

Test(net_rules, publish_forms)
{
	struct sb_publish pub;

	cr_assert_eq(publish_parse("8080:80", &pub, &err), 0, "%s", err.msg);
	cr_assert_str_eq(addr(&pub.host_addr), "127.0.0.1", "loopback by default");
	cr_assert_eq(pub.host_port, 8080);
	cr_assert_eq(pub.port, 80);
	publish_free(&pub);
	cr_assert_eq(publish_parse("0.0.0.0:5353:53/udp", &pub, &err), 0, "%s", err.msg);
	cr_assert_str_eq(addr(&pub.host_addr), "0.0.0.0");
	cr_assert_eq(pub.proto, SB_NETP_UDP);
	publish_free(&pub);
	cr_assert_eq(publish_parse("[::1]:8443:443", &pub, &err), 0, "%s", err.msg);
	cr_assert_eq(pub.host_addr.family, AF_INET6);
	cr_assert_eq(pub.host_port, 8443);
	publish_free(&pub);
	cr_assert_lt(publish_parse("8080", &pub, &err), 0);
	cr_assert(strstr(err.msg, "HOSTPORT:PORT"), "%s", err.msg);
	cr_assert_lt(publish_parse("127.0.0.1:8080:0", &pub, &err), 0);
	cr_assert_eq(err.col, 15);
	cr_assert_lt(publish_parse("1.2.3:1:2", &pub, &err), 0);
	cr_assert(strstr(err.msg, "not an IPv4 address"), "%s", err.msg);
}

/* ---- through the option table and plan_validate ---- */

static struct sb_plan plan;

static int apply(const char *name, const char *arg)
{
	static const struct sb_loc cmdline = { 0 };

	return options_apply(&plan, options_find(name), arg, &cmdline, &err);
}

static void plan_setup(void)
{
	setup();
	plan_init(&plan);
}

static void plan_teardown(void)
{
	plan_free(&plan);
}

TestSuite(net_plan, .init = plan_setup, .fini = plan_teardown);

Test(net_plan, modes_and_lists)
{
	cr_assert_eq(apply("net", "user"), 0);
	cr_assert_eq(plan.net, SB_NET_USER);
	cr_assert_eq(apply("allow-net", "example.org:443"), 0);
	cr_assert_eq(apply("allow-net", "host-loopback:8080/udp"), 0);
	cr_assert_eq(apply("publish", "8080:80"), 0);
	cr_assert_eq(plan.n_netrules, 2);
	cr_assert_eq(plan.n_publish, 1);
	cr_assert_eq(plan_validate(&plan, &err), 0, "%s", err.msg);
	cr_assert_lt(apply("net", "slirp"), 0);
	cr_assert(strstr(err.msg, "expected none, host or user"), "%s", err.msg);
}

Test(net_plan, allow_net_with_net_none)
{
	cr_assert_eq(apply("allow-net", "example.org:443"), 0);
	cr_assert_lt(plan_validate(&plan, &err), 0);
	cr_assert(strstr(err.msg, "--allow-net example.org:443 (command line) needs --net user"), "%s", err.msg);
}

/* --net host with an allow-list is the eBPF layer's to enforce (ebpf.c
 * decides at start whether the caller may); with 'ebpf off' nothing can. */
Test(net_plan, allow_net_with_net_host_points_elsewhere)
{
	cr_assert_eq(apply("net", "host"), 0);
	cr_assert_eq(apply("allow-net", "example.org:443"), 0);
	cr_assert_eq(plan_validate(&plan, &err), 0, "%s", err.msg);
	cr_assert_eq(apply("ebpf", "off"), 0);
	cr_assert_lt(plan_validate(&plan, &err), 0);
	cr_assert(strstr(err.msg, "cannot be enforced with --net host"), "%s", err.msg);
	cr_assert(strstr(err.msg, "use --net user"), "%s", err.msg);
}

Test(net_plan, publish_needs_net_user_and_distinct_ports)
{
	cr_assert_eq(apply("publish", "8080:80"), 0);
	cr_assert_lt(plan_validate(&plan, &err), 0);
	cr_assert(strstr(err.msg, "--publish 8080:80 (command line) needs --net user"), "%s", err.msg);
	cr_assert_eq(apply("net", "user"), 0);
	cr_assert_eq(apply("publish", "8080:81"), 0);
	cr_assert_lt(plan_validate(&plan, &err), 0);
	cr_assert(strstr(err.msg, "host port 8080 is already published"), "%s", err.msg);
}

/* ---- grants, with a resolver that knows two names ---- */

static int fake_lookup(const char *name, struct sb_netaddr **ret, size_t *n, struct sb_err *e)
{
	struct sb_netaddr *a;

	if (strcmp(name, "two.test") != 0)
		return sb_failx(e, ENOENT, "host name '%s' does not resolve", name);
	a = calloc(2, sizeof(*a));
	a[0] = (struct sb_netaddr){ .family = AF_INET, .prefix = 32, .addr = { 192, 0, 2, 10 } };
	a[1] = (struct sb_netaddr){ .family = AF_INET6, .prefix = 128 };
	inet_pton(AF_INET6, "2001:db8::10", a[1].addr);
	*ret = a;
	*n = 2;
	return 0;
}

Test(net_plan, grants_resolve_each_name_once)
{
	struct sb_netgrants g;

	cr_assert_eq(apply("net", "user"), 0);
	cr_assert_eq(apply("allow-net", "two.test:443"), 0);
	cr_assert_eq(apply("allow-net", "10.0.0.0/8"), 0);
	cr_assert_eq(apply("allow-net", "host-loopback:8000/udp"), 0);
	cr_assert_eq(netgrants_build(&plan, fake_lookup, &g, &err), 0, "%s", err.msg);
	cr_assert_eq(g.n, 4);
	cr_assert(g.names);
	cr_assert_str_eq(addr(&g.v[0].addr), "192.0.2.10");
	cr_assert_str_eq(addr(&g.v[1].addr), "2001:db8::10");
	cr_assert_eq(g.v[1].port_lo, 443);
	cr_assert_eq(g.v[2].rule, 1);
	cr_assert(g.v[3].host_loopback);
	cr_assert_eq(g.v[3].proto, SB_NETP_UDP);
	cr_assert_eq(g.n_resolved[0], 2);
	cr_assert(netaddr_match(&g.v[2].addr, AF_INET, (const uint8_t[]){ 10, 9, 8, 7 }));
	cr_assert_not(netaddr_match(&g.v[2].addr, AF_INET, (const uint8_t[]){ 11, 0, 0, 1 }));
	netgrants_free(&g);
}

Test(net_plan, a_name_that_does_not_resolve_names_the_option)
{
	struct sb_netgrants g;

	cr_assert_eq(apply("net", "user"), 0);
	cr_assert_eq(apply("allow-net", "nowhere.test:443"), 0);
	cr_assert_lt(netgrants_build(&plan, fake_lookup, &g, &err), 0);
	cr_assert(strstr(err.msg, "--allow-net nowhere.test:443 (command line)"), "%s", err.msg);
	cr_assert(strstr(err.msg, "does not resolve"), "%s", err.msg);
}
