/*
 * ebpf_abi.h: the layout shared by the BPF programs (sandbox.bpf.c, built
 * with clang -target bpf) and their loader (bpf/loader.c): the rules the
 * launcher writes into the programs' read-only data before loading, and
 * the counters they bump. Only fixed-width kernel types, so both compilers
 * lay it out alike.
 */
#pragma once

#include <linux/types.h>

/* Sizes of the rule tables; the programs walk them with bounded loops,
 * so the verifier sees a constant trip count. */
#define SB_BPF_MAX_RULES 64
#define SB_BPF_MAX_DEVS 24

/* One --allow-net destination. Addresses and masks in network order; an
 * IPv4 rule uses addr[0]/mask[0] only. Ports in host order, inclusive;
 * 0-65535 for "any port". */
struct sb_bpf_rule {
	__u32 addr[4];
	__u32 mask[4];
	__u16 port_lo, port_hi;
	__u8 family; /* 4 or 6 */
	__u8 proto; /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 bind; /* 1: the rule also allows bind() to its address and ports */
	__u8 pad;
};

/* One device the run may open: type BPF_DEVCG_DEV_CHAR or _BLOCK; minor
 * SB_BPF_ANY_MINOR for every minor of the major (pts). */
#define SB_BPF_ANY_MINOR 0xffffffffu
struct sb_bpf_dev {
	__u32 type;
	__u32 major;
	__u32 minor;
};

/* What the programs refused, read by the launcher after the run. */
struct sb_bpf_counters {
	__u64 connect; /* connect4/6 */
	__u64 sendmsg; /* sendmsg4/6: UDP datagrams to a destination not allowed */
	__u64 bind; /* bind4/6 */
	__u64 socket; /* sock_create: a family the policy does not allow */
	__u64 device; /* dev: a device outside the run's /dev */
};
