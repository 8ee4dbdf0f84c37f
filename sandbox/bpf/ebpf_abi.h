/*
 * ebpf_abi.h: the layout shared by the BPF programs (sandbox.bpf.c, built
 * with clang -target bpf) and their loader (bpf/loader.c): one run's rules
 * and counters, kept in the cgroup storage of the run's cgroup. Only
 * fixed-width kernel types, so both compilers lay it out alike.
 *
 * Why cgroup storage: the programs hold no rules of their own, so one
 * loaded (and pinned) copy serves every run; the kernel gives each cgroup
 * the programs are attached to its own value, which every program of the
 * run shares (the map's key is the cgroup id alone), which the launcher
 * fills after attaching, and which the kernel frees with the last link.
 */
#pragma once

#include <linux/types.h>

/* Sizes of the rule tables; the programs walk them with bounded loops. */
#define SB_BPF_MAX_RULES 64
#define SB_BPF_MAX_DEVS 24
#define SB_BPF_MAX_REPLY 16

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

/* The value of the run's cgroup in the "conf" map. Zeroed by the kernel
 * when the first program is attached (no rule, no device: everything
 * refused) until the launcher writes it, before anything runs there. */
struct sb_bpf_conf {
	__u32 n_rules;
	__u32 n_devs;
	__u64 families; /* bit F set: family F may be created */
	/* The run's init (its tgid as the initial pid namespace sees it),
	 * recorded by the device program when init opens /dev/null first
	 * thing after GO (ebpf_child), before the payload exists. Its own
	 * set-up may create sockets of any family (the loopback ioctl, the
	 * nftables netlink socket); nothing else is exempt. */
	__u32 init_tgid;
	/* --net user: UDP ports the run publishes (--publish PORT/udp). A
	 * datagram sent from a socket bound there answers a client pasta
	 * forwarded in: allowed, as nftables lets replies through. */
	__u32 n_reply;
	__u16 reply_ports[SB_BPF_MAX_REPLY];
	struct sb_bpf_rule rules[SB_BPF_MAX_RULES];
	struct sb_bpf_dev devs[SB_BPF_MAX_DEVS];
	struct sb_bpf_counters counters;
};

/* The device init opens to register itself: /dev/null. */
#define SB_BPF_INIT_MAJOR 1
#define SB_BPF_INIT_MINOR 3
