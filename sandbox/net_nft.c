/*
 * net_nft.c: the egress allow-list as nftables rules, installed by init
 * (pid 1) in the run's own network namespace while it holds CAP_NET_ADMIN
 * there (it is root of the run's user namespace, which owns that network
 * namespace); the payload drops every capability, so it cannot change them.
 *
 * Why raw netlink: the launcher links static-pie, and Debian ships
 * libnftnl.a but no libmnl.a and no libnftables.a, while /usr/sbin/nft may
 * be missing from the sandbox's (or an OCI rootfs's) mount namespace and
 * costs an exec. The rule set is small and fixed in shape, so it is encoded
 * here with the kernel's uapi headers (linux/netfilter/nf_tables.h), in one
 * batch (all rules or none), each message acknowledged.
 *
 *   table inet sandbox {
 *     counter refused
 *     chain output { type filter hook output priority 0; policy accept;
 *       oif lo accept; ct state established,related accept
 *       icmpv6 type 130-143 accept          (MLD, neighbour discovery)
 *       ip[6] daddr A/P [tcp|udp dport N-M] accept    (one per grant)
 *       meta l4proto tcp counter name refused reject with tcp reset
 *       counter name refused drop           (sendmsg gets EPERM at once)
 *     }
 *   }
 */
#include "net_nft.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

#define TABLE "sandbox"
#define CHAIN "output"
#define COUNTER "refused"

/* A growing buffer of netlink messages. */
struct nlb {
	char *buf;
	size_t len, cap;
	uint32_t seq;
	unsigned acks; /* messages that asked for an acknowledgement */
	bool oom;
};

static void *reserve(struct nlb *b, size_t len)
{
	size_t need = b->len + NLMSG_ALIGN(len);
	void *p;

	if (need > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 8192;
		char *n;

		while (cap < need)
			cap *= 2;
		n = realloc(b->buf, cap);
		if (!n) {
			b->oom = true;
			return NULL;
		}
		b->buf = n;
		b->cap = cap;
	}
	p = b->buf + b->len;
	memset(p, 0, NLMSG_ALIGN(len));
	b->len = need;
	return p;
}

static void attr(struct nlb *b, uint16_t type, const void *data, size_t len)
{
	size_t off = b->len;
	struct nlattr *a = reserve(b, NLA_HDRLEN + len);

	if (!a)
		return;
	a = (struct nlattr *)(b->buf + off);
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, len);
}

static void attr_str(struct nlb *b, uint16_t type, const char *s)
{
	attr(b, type, s, strlen(s) + 1);
}

static void attr_be32(struct nlb *b, uint16_t type, uint32_t v)
{
	v = htonl(v);
	attr(b, type, &v, sizeof(v));
}

static size_t nest(struct nlb *b, uint16_t type)
{
	size_t off = b->len;
	struct nlattr *a = reserve(b, NLA_HDRLEN);

	if (a) {
		a = (struct nlattr *)(b->buf + off);
		a->nla_type = (uint16_t)(type | NLA_F_NESTED);
	}
	return off;
}

static void nest_end(struct nlb *b, size_t off)
{
	if (!b->oom)
		((struct nlattr *)(b->buf + off))->nla_len = (uint16_t)(b->len - off);
}

static size_t msg(struct nlb *b, uint16_t type, uint16_t flags, uint8_t family)
{
	size_t off = b->len;
	struct nlmsghdr *h = reserve(b, NLMSG_HDRLEN + sizeof(struct nfgenmsg));
	struct nfgenmsg *g;

	if (!h)
		return off;
	h = (struct nlmsghdr *)(b->buf + off);
	h->nlmsg_type = type;
	h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	h->nlmsg_seq = ++b->seq;
	g = (struct nfgenmsg *)((char *)h + NLMSG_HDRLEN);
	g->nfgen_family = family;
	g->version = NFNETLINK_V0;
	g->res_id = htons(type == NFNL_MSG_BATCH_BEGIN || type == NFNL_MSG_BATCH_END ? NFNL_SUBSYS_NFTABLES : 0);
	if (flags & NLM_F_ACK)
		b->acks++;
	return off;
}

static void msg_end(struct nlb *b, size_t off)
{
	if (!b->oom)
		((struct nlmsghdr *)(b->buf + off))->nlmsg_len = (uint32_t)(b->len - off);
}

static uint16_t nft_type(int t)
{
	return (uint16_t)((NFNL_SUBSYS_NFTABLES << 8) | t);
}

/* ---- expressions; each is one list element of a rule ---- */

static size_t expr_begin(struct nlb *b, const char *name, size_t *data)
{
	size_t elem = nest(b, NFTA_LIST_ELEM);

	attr_str(b, NFTA_EXPR_NAME, name);
	*data = nest(b, NFTA_EXPR_DATA);
	return elem;
}

static void expr_end(struct nlb *b, size_t elem, size_t data)
{
	nest_end(b, data);
	nest_end(b, elem);
}

static void data_value(struct nlb *b, uint16_t type, const void *v, size_t len)
{
	size_t d = nest(b, type);

	attr(b, NFTA_DATA_VALUE, v, len);
	nest_end(b, d);
}

static void e_meta(struct nlb *b, uint32_t key)
{
	size_t d, e = expr_begin(b, "meta", &d);

	attr_be32(b, NFTA_META_KEY, key);
	attr_be32(b, NFTA_META_DREG, NFT_REG_1);
	expr_end(b, e, d);
}

static void e_cmp(struct nlb *b, uint32_t op, const void *v, size_t len)
{
	size_t d, e = expr_begin(b, "cmp", &d);

	attr_be32(b, NFTA_CMP_SREG, NFT_REG_1);
	attr_be32(b, NFTA_CMP_OP, op);
	data_value(b, NFTA_CMP_DATA, v, len);
	expr_end(b, e, d);
}

static void e_payload(struct nlb *b, uint32_t base, uint32_t offset, uint32_t len)
{
	size_t d, e = expr_begin(b, "payload", &d);

	attr_be32(b, NFTA_PAYLOAD_DREG, NFT_REG_1);
	attr_be32(b, NFTA_PAYLOAD_BASE, base);
	attr_be32(b, NFTA_PAYLOAD_OFFSET, offset);
	attr_be32(b, NFTA_PAYLOAD_LEN, len);
	expr_end(b, e, d);
}

/* reg1 = reg1 & mask (xor 0). */
static void e_mask(struct nlb *b, const void *mask, size_t len)
{
	static const uint8_t zero[16];
	size_t d, e = expr_begin(b, "bitwise", &d);

	attr_be32(b, NFTA_BITWISE_SREG, NFT_REG_1);
	attr_be32(b, NFTA_BITWISE_DREG, NFT_REG_1);
	attr_be32(b, NFTA_BITWISE_LEN, (uint32_t)len);
	data_value(b, NFTA_BITWISE_MASK, mask, len);
	data_value(b, NFTA_BITWISE_XOR, zero, len);
	expr_end(b, e, d);
}

static void e_range(struct nlb *b, const void *from, const void *to, size_t len)
{
	size_t d, e = expr_begin(b, "range", &d);

	attr_be32(b, NFTA_RANGE_SREG, NFT_REG_1);
	attr_be32(b, NFTA_RANGE_OP, NFT_RANGE_EQ);
	data_value(b, NFTA_RANGE_FROM_DATA, from, len);
	data_value(b, NFTA_RANGE_TO_DATA, to, len);
	expr_end(b, e, d);
}

static void e_verdict(struct nlb *b, int verdict)
{
	size_t d, e = expr_begin(b, "immediate", &d), dd, v;

	attr_be32(b, NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
	dd = nest(b, NFTA_IMMEDIATE_DATA);
	v = nest(b, NFTA_DATA_VERDICT);
	attr_be32(b, NFTA_VERDICT_CODE, (uint32_t)verdict);
	nest_end(b, v);
	nest_end(b, dd);
	expr_end(b, e, d);
}

static void e_count_refused(struct nlb *b)
{
	size_t d, e = expr_begin(b, "objref", &d);

	attr_be32(b, NFTA_OBJREF_IMM_TYPE, NFT_OBJECT_COUNTER);
	attr_str(b, NFTA_OBJREF_IMM_NAME, COUNTER);
	expr_end(b, e, d);
}

static void e_reject_tcp(struct nlb *b)
{
	size_t d, e = expr_begin(b, "reject", &d);

	attr_be32(b, NFTA_REJECT_TYPE, NFT_REJECT_TCP_RST);
	expr_end(b, e, d);
}

static void e_u8(struct nlb *b, uint32_t key, uint8_t v)
{
	e_meta(b, key);
	e_cmp(b, NFT_CMP_EQ, &v, 1);
}

/* ---- rules ---- */

static size_t rule_begin(struct nlb *b, size_t *exprs)
{
	size_t m = msg(b, nft_type(NFT_MSG_NEWRULE), NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, NFPROTO_INET);

	attr_str(b, NFTA_RULE_TABLE, TABLE);
	attr_str(b, NFTA_RULE_CHAIN, CHAIN);
	*exprs = nest(b, NFTA_RULE_EXPRESSIONS);
	return m;
}

static void rule_end(struct nlb *b, size_t m, size_t exprs)
{
	nest_end(b, exprs);
	msg_end(b, m);
}

/* daddr in ADDR/PREFIX, then protocol and ports, then accept. */
static void rule_grant(struct nlb *b, const struct sb_netaddr *a, enum sb_netproto proto, uint16_t lo, uint16_t hi)
{
	bool v4 = a->family == AF_INET;
	size_t alen = v4 ? 4 : 16, x, m = rule_begin(b, &x);
	uint8_t mask[16] = { 0 }, net[16];

	e_u8(b, NFT_META_NFPROTO, v4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
	e_u8(b, NFT_META_L4PROTO, proto == SB_NETP_UDP ? IPPROTO_UDP : IPPROTO_TCP);
	if (a->prefix > 0) {
		e_payload(b, NFT_PAYLOAD_NETWORK_HEADER, v4 ? 16 : 24, (uint32_t)alen);
		for (unsigned i = 0; i < alen; i++) {
			unsigned bits = a->prefix >= (i + 1) * 8 ? 8 : a->prefix > i * 8 ? a->prefix - i * 8 : 0;

			mask[i] = (uint8_t)(0xff00u >> bits);
			net[i] = a->addr[i] & mask[i];
		}
		if (a->prefix < alen * 8)
			e_mask(b, mask, alen);
		e_cmp(b, NFT_CMP_EQ, net, alen);
	}
	if (lo) {
		uint16_t from = htons(lo), to = htons(hi);

		/* dport: 2 bytes at offset 2 of both the TCP and UDP header */
		e_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
		if (lo == hi)
			e_cmp(b, NFT_CMP_EQ, &from, 2);
		else
			e_range(b, &from, &to, 2);
	}
	e_verdict(b, NF_ACCEPT);
	rule_end(b, m, x);
}

/* What every allow-list needs: loopback, replies (published ports, and
 * the rest of an allowed connection), IPv6's link-local housekeeping
 * (multicast listener reports, neighbour discovery): dropped, it would
 * break IPv6 and count as refusals the payload never made. */
static void rules_base(struct nlb *b)
{
	static const uint8_t nd_lo = 130, nd_hi = 143; /* MLD and neighbour discovery */
	uint32_t lo_if = 1, ct_mask = (1u << 1) | (1u << 2), zero = 0; /* NF_CT_STATE_BIT: established, related */
	size_t x, m = rule_begin(b, &x);

	e_meta(b, NFT_META_OIF); /* lo is ifindex 1 in every network namespace */
	e_cmp(b, NFT_CMP_EQ, &lo_if, 4);
	e_verdict(b, NF_ACCEPT);
	rule_end(b, m, x);

	m = rule_begin(b, &x);
	{
		size_t d, e = expr_begin(b, "ct", &d);

		attr_be32(b, NFTA_CT_KEY, NFT_CT_STATE);
		attr_be32(b, NFTA_CT_DREG, NFT_REG_1);
		expr_end(b, e, d);
	}
	e_mask(b, &ct_mask, 4);
	e_cmp(b, NFT_CMP_NEQ, &zero, 4);
	e_verdict(b, NF_ACCEPT);
	rule_end(b, m, x);

	m = rule_begin(b, &x);
	e_u8(b, NFT_META_NFPROTO, NFPROTO_IPV6);
	e_u8(b, NFT_META_L4PROTO, IPPROTO_ICMPV6);
	e_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
	e_range(b, &nd_lo, &nd_hi, 1);
	e_verdict(b, NF_ACCEPT);
	rule_end(b, m, x);
}

/* Count, then refuse: TCP with a reset (connect: ECONNREFUSED), the rest by
 * dropping in the output path (sendmsg: EPERM), never a time-out. */
static void rules_refuse(struct nlb *b)
{
	size_t x, m = rule_begin(b, &x);

	e_u8(b, NFT_META_L4PROTO, IPPROTO_TCP);
	e_count_refused(b);
	e_reject_tcp(b);
	rule_end(b, m, x);
	m = rule_begin(b, &x);
	e_count_refused(b);
	e_verdict(b, NF_DROP);
	rule_end(b, m, x);
}

static void rules_table(struct nlb *b)
{
	size_t m, hook, obj;

	m = msg(b, nft_type(NFT_MSG_NEWTABLE), NLM_F_CREATE | NLM_F_ACK, NFPROTO_INET);
	attr_str(b, NFTA_TABLE_NAME, TABLE);
	msg_end(b, m);

	m = msg(b, nft_type(NFT_MSG_NEWOBJ), NLM_F_CREATE | NLM_F_ACK, NFPROTO_INET);
	attr_str(b, NFTA_OBJ_TABLE, TABLE);
	attr_str(b, NFTA_OBJ_NAME, COUNTER);
	attr_be32(b, NFTA_OBJ_TYPE, NFT_OBJECT_COUNTER);
	obj = nest(b, NFTA_OBJ_DATA);
	nest_end(b, obj);
	msg_end(b, m);

	m = msg(b, nft_type(NFT_MSG_NEWCHAIN), NLM_F_CREATE | NLM_F_ACK, NFPROTO_INET);
	attr_str(b, NFTA_CHAIN_TABLE, TABLE);
	attr_str(b, NFTA_CHAIN_NAME, CHAIN);
	hook = nest(b, NFTA_CHAIN_HOOK);
	attr_be32(b, NFTA_HOOK_HOOKNUM, NF_INET_LOCAL_OUT);
	attr_be32(b, NFTA_HOOK_PRIORITY, 0);
	nest_end(b, hook);
	attr_be32(b, NFTA_CHAIN_POLICY, NF_ACCEPT);
	attr_str(b, NFTA_CHAIN_TYPE, "filter");
	msg_end(b, m);
}

/* Send the buffer, then read one acknowledgement per message that asked. */
static int transact(int fd, struct nlb *b, struct sb_err *err)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char rbuf[8192];
	unsigned acked = 0;

	if (sendto(fd, b->buf, b->len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) != (ssize_t)b->len)
		return sb_fail(err, errno, "send nftables rules");
	while (acked < b->acks) {
		ssize_t n = recv(fd, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *h;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return sb_fail(err, n < 0 ? errno : EPIPE, "read nftables acknowledgements");
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			if (((struct nlmsgerr *)NLMSG_DATA(h))->error)
				return sb_fail(err, -((struct nlmsgerr *)NLMSG_DATA(h))->error,
					       "nftables refused message %u of the allow-list", h->nlmsg_seq);
			acked++;
		}
	}
	return 0;
}

static int nl_open(struct sb_err *err)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);

	if (fd < 0)
		return sb_fail(err, errno, "open a netfilter netlink socket (kernel without nf_tables?)");
	return fd;
}

int net_nft_apply(const struct net_nft_conf *c, struct sb_err *err)
{
	struct nlb b = { 0 };
	_cleanup_close_ int fd = -1;
	size_t m;
	int r;

	m = msg(&b, NFNL_MSG_BATCH_BEGIN, 0, AF_UNSPEC);
	msg_end(&b, m);
	rules_table(&b);
	rules_base(&b);
	for (size_t i = 0; i < c->g->n; i++) {
		const struct sb_netgrant *g = &c->g->v[i];

		if (!g->host_loopback) {
			rule_grant(&b, &g->addr, g->proto, g->port_lo, g->port_hi);
			continue;
		}
		for (size_t k = 0; k < c->n_hostlo; k++)
			rule_grant(&b, &c->hostlo[k], g->proto, g->port_lo, g->port_hi);
	}
	/* The resolver, when a name was allowed (it also answers for them). */
	for (size_t k = 0; c->g->names && k < c->n_dns; k++) {
		rule_grant(&b, &c->dns[k], SB_NETP_UDP, 53, 53);
		rule_grant(&b, &c->dns[k], SB_NETP_TCP, 53, 53);
	}
	rules_refuse(&b);
	m = msg(&b, NFNL_MSG_BATCH_END, 0, AF_UNSPEC);
	msg_end(&b, m);
	if (b.oom) {
		free(b.buf);
		return sb_fail(err, ENOMEM, "build nftables rules");
	}
	fd = nl_open(err);
	r = fd < 0 ? fd : transact(fd, &b, err);
	free(b.buf);
	return r;
}

/* NFTA_OBJ_DATA -> NFTA_COUNTER_PACKETS of a NEWOBJ reply. */
static int parse_counter(struct nlmsghdr *h, uint64_t *ret)
{
	struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(h) + NLMSG_ALIGN(sizeof(struct nfgenmsg)));
	int left = (int)h->nlmsg_len - (int)((char *)a - (char *)h);

	for (; left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left;
	     left -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		struct nlattr *in = (struct nlattr *)((char *)a + NLA_HDRLEN);
		int inleft = a->nla_len - NLA_HDRLEN;

		if ((a->nla_type & NLA_TYPE_MASK) != NFTA_OBJ_DATA)
			continue;
		for (; inleft >= NLA_HDRLEN && in->nla_len >= NLA_HDRLEN && in->nla_len <= inleft;
		     inleft -= NLA_ALIGN(in->nla_len), in = (struct nlattr *)((char *)in + NLA_ALIGN(in->nla_len)))
			if ((in->nla_type & NLA_TYPE_MASK) == NFTA_COUNTER_PACKETS && in->nla_len >= NLA_HDRLEN + 8) {
				uint64_t be;

				memcpy(&be, (char *)in + NLA_HDRLEN, 8);
				*ret = be64toh(be);
				return 0;
			}
	}
	return -ENOENT;
}

int net_nft_refused(uint64_t *ret, struct sb_err *err)
{
	struct nlb b = { 0 };
	_cleanup_close_ int fd = nl_open(err);
	char rbuf[4096];
	ssize_t n;
	size_t m;
	int r = -ENOENT;

	if (fd < 0)
		return fd;
	m = msg(&b, nft_type(NFT_MSG_GETOBJ), 0, NFPROTO_INET);
	attr_str(&b, NFTA_OBJ_TABLE, TABLE);
	attr_str(&b, NFTA_OBJ_NAME, COUNTER);
	attr_be32(&b, NFTA_OBJ_TYPE, NFT_OBJECT_COUNTER);
	msg_end(&b, m);
	if (b.oom || send(fd, b.buf, b.len, 0) != (ssize_t)b.len) {
		free(b.buf);
		return sb_fail(err, b.oom ? ENOMEM : errno, "ask nftables for the refused counter");
	}
	free(b.buf);
	n = recv(fd, rbuf, sizeof(rbuf), 0);
	for (struct nlmsghdr *h = (struct nlmsghdr *)rbuf; n > 0 && NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n))
		if (h->nlmsg_type == nft_type(NFT_MSG_NEWOBJ))
			r = parse_counter(h, ret);
	return r < 0 ? sb_fail(err, -r, "read the refused counter") : 0;
}
