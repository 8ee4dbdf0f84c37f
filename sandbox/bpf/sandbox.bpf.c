// SPDX-License-Identifier: GPL-2.0
/*
 * sandbox.bpf.c: the eBPF programs of the sandbox, compiled with
 * clang -target bpf and embedded in the launcher (bpftool gen skeleton).
 * The launcher attaches them to the run's own cgroup only, so they see the
 * sandboxed processes and nothing else:
 *
 *   cgroup/connect4,6 sendmsg4,6   --allow-net: TCP connects and UDP
 *                                  datagrams only to the listed destinations
 *   cgroup/bind4,6                 bind() only to port 0 or to a listed one
 *   cgroup/sock_create             socket families (AF_INET, AF_INET6 only:
 *                                  the kernel runs this hook in inet_create)
 *   lsm_cgroup/socket_create       socket families, every family (needs the
 *                                  BPF LSM active: "bpf" in lsm=)
 *   cgroup/dev                     open/mknod only of the run's /dev nodes
 *
 * The programs hold no rules: each run's rules and counters are the cgroup
 * storage of its cgroup (struct sb_bpf_conf, ebpf_abi.h), so the same
 * loaded programs serve every run and can stay pinned between runs.
 * Return 1 allows, 0 refuses (the syscall fails with EPERM).
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

#include "ebpf_abi.h"

/* Keyed by the cgroup id alone (__u64): one value per cgroup, shared by
 * every program attached there. */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_STORAGE);
	__type(key, __u64);
	__type(value, struct sb_bpf_conf);
} conf SEC(".maps");

static __always_inline struct sb_bpf_conf *run_conf(void)
{
	return bpf_get_local_storage(&conf, 0);
}

/* One connect, datagram or bind as the rules see it. */
struct query {
	const struct sb_bpf_conf *c;
	__u32 a[4]; /* network order; IPv4 in a[0], the rest 0 */
	__u16 port;
	__u8 family, proto, bind;
	__u8 ok;
};

/* bpf_loop's body: does rule i allow q? An IPv4 rule's addr[1..3] and
 * mask[1..3] are 0, so one comparison of four words serves both families.
 * A callback is verified once, however many rules there are: an inline
 * 64-step loop over unknown map values cost the verifier 4-13k
 * instructions per program, milliseconds on every first load. */
static long match_rule(__u32 i, void *data)
{
	struct query *q = data;
	const struct sb_bpf_rule *r;

	if (i >= SB_BPF_MAX_RULES)
		return 1;
	r = &q->c->rules[i];
	if (r->family != q->family || r->proto != q->proto || (q->bind && !r->bind))
		return 0;
	if (q->port < r->port_lo || q->port > r->port_hi)
		return 0;
	if ((q->a[0] & r->mask[0]) != r->addr[0] || (q->a[1] & r->mask[1]) != r->addr[1] ||
	    (q->a[2] & r->mask[2]) != r->addr[2] || (q->a[3] & r->mask[3]) != r->addr[3])
		return 0;
	q->ok = 1;
	return 1;
}

static __always_inline int allowed(const struct sb_bpf_conf *c, struct query *q)
{
	__u32 n = c->n_rules;

	q->c = c;
	q->ok = 0;
	bpf_loop(n < SB_BPF_MAX_RULES ? n : SB_BPF_MAX_RULES, match_rule, q, 0);
	return q->ok & 1; /* the verifier wants 0 or 1 at exit */
}

static __always_inline int check4(const struct sb_bpf_conf *c, struct bpf_sock_addr *ctx, int bind)
{
	struct query q = { .a = { ctx->user_ip4 }, .port = bpf_ntohs((__u16)ctx->user_port), .family = 4,
			   .proto = (__u8)ctx->protocol, .bind = (__u8)bind };

	/* bind(port 0) asks for an ephemeral port, as connect() and listen()
	 * do implicitly without this hook: no more than they get anyway. */
	if (bind && q.port == 0)
		return 1;
	return allowed(c, &q);
}

static __always_inline int check6(const struct sb_bpf_conf *c, struct bpf_sock_addr *ctx, int bind)
{
	struct query q = { .a = { ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2], ctx->user_ip6[3] },
			   .port = bpf_ntohs((__u16)ctx->user_port), .family = 6, .proto = (__u8)ctx->protocol,
			   .bind = (__u8)bind };

	if (bind && q.port == 0)
		return 1;
	/* A dual-stack socket reaches IPv4 through ::ffff:a.b.c.d, and only
	 * the IPv6 hook sees it: judge it by the IPv4 rules. */
	if (q.a[0] == 0 && q.a[1] == 0 && q.a[2] == bpf_htonl(0xffff)) {
		q.a[0] = q.a[3];
		q.a[2] = q.a[3] = 0;
		q.family = 4;
	}
	return allowed(c, &q);
}

/* A datagram from a published UDP port: a reply (ebpf_abi.h). */
static __always_inline int reply(const struct sb_bpf_conf *c, struct bpf_sock_addr *ctx)
{
	struct bpf_sock *sk = ctx->sk;
	__u32 port;

	if (!sk)
		return 0;
	port = sk->src_port;
	for (__u32 i = 0; i < SB_BPF_MAX_REPLY; i++) {
		if (i >= c->n_reply)
			break;
		if (c->reply_ports[i] == port)
			return 1;
	}
	return 0;
}

static __always_inline int verdict(int ok, __u64 *counter)
{
	if (!ok)
		__sync_fetch_and_add(counter, 1);
	return ok;
}

SEC("cgroup/connect4")
int sb_connect4(struct bpf_sock_addr *ctx)
{
	struct sb_bpf_conf *c = run_conf();

	return verdict(check4(c, ctx, 0), &c->counters.connect);
}

SEC("cgroup/connect6")
int sb_connect6(struct bpf_sock_addr *ctx)
{
	struct sb_bpf_conf *c = run_conf();

	return verdict(check6(c, ctx, 0), &c->counters.connect);
}

SEC("cgroup/sendmsg4")
int sb_sendmsg4(struct bpf_sock_addr *ctx)
{
	struct sb_bpf_conf *c = run_conf();

	return verdict(reply(c, ctx) || check4(c, ctx, 0), &c->counters.sendmsg);
}

SEC("cgroup/sendmsg6")
int sb_sendmsg6(struct bpf_sock_addr *ctx)
{
	struct sb_bpf_conf *c = run_conf();

	return verdict(reply(c, ctx) || check6(c, ctx, 0), &c->counters.sendmsg);
}

SEC("cgroup/bind4")
int sb_bind4(struct bpf_sock_addr *ctx)
{
	struct sb_bpf_conf *c = run_conf();

	return verdict(check4(c, ctx, 1), &c->counters.bind);
}

SEC("cgroup/bind6")
int sb_bind6(struct bpf_sock_addr *ctx)
{
	struct sb_bpf_conf *c = run_conf();

	return verdict(check6(c, ctx, 1), &c->counters.bind);
}

/* A family the run may create; the run's init is exempt (its own set-up,
 * never the payload's: see ebpf_abi.h). */
static __always_inline int family_ok(const struct sb_bpf_conf *c, __u32 family)
{
	__u32 tgid = (__u32)(bpf_get_current_pid_tgid() >> 32);

	if (c->init_tgid && tgid == c->init_tgid)
		return 1;
	return family < 64 && (c->families & (1ULL << family));
}

SEC("cgroup/sock_create")
int sb_sock_create(struct bpf_sock *sk)
{
	struct sb_bpf_conf *c = run_conf();

	return verdict(family_ok(c, sk->family), &c->counters.socket);
}

/* The LSM hook sees every family, i386's socketcall path included; kernel
 * sockets (kern != 0) are the kernel's own business. */
SEC("lsm_cgroup/socket_create")
int BPF_PROG(sb_lsm_socket_create, int family, int type, int protocol, int kern)
{
	struct sb_bpf_conf *c = run_conf();

	if (kern)
		return 1;
	return verdict(family_ok(c, (__u32)family), &c->counters.socket);
}

struct dev_query {
	const struct sb_bpf_conf *c;
	__u32 type, major, minor;
	__u8 ok;
};

/* bpf_loop's body: does device entry i allow q? */
static long match_dev(__u32 i, void *data)
{
	struct dev_query *q = data;
	const struct sb_bpf_dev *d;

	if (i >= SB_BPF_MAX_DEVS)
		return 1;
	d = &q->c->devs[i];
	if (d->type != q->type || d->major != q->major || (d->minor != SB_BPF_ANY_MINOR && d->minor != q->minor))
		return 0;
	q->ok = 1;
	return 1;
}

SEC("cgroup/dev")
int sb_dev(struct bpf_cgroup_dev_ctx *ctx)
{
	struct sb_bpf_conf *c = run_conf();
	struct dev_query q = { .c = c, .type = ctx->access_type & 0xffff, .major = ctx->major, .minor = ctx->minor };
	__u32 n = c->n_devs;

	/* The first device opened in the run's cgroup is init's /dev/null
	 * (ebpf_child, before the payload exists): that records init. */
	if (!c->init_tgid && q.type == BPF_DEVCG_DEV_CHAR && q.major == SB_BPF_INIT_MAJOR && q.minor == SB_BPF_INIT_MINOR)
		c->init_tgid = (__u32)(bpf_get_current_pid_tgid() >> 32);
	bpf_loop(n < SB_BPF_MAX_DEVS ? n : SB_BPF_MAX_DEVS, match_dev, &q, 0);
	if (q.ok)
		return 1;
	__sync_fetch_and_add(&c->counters.device, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
