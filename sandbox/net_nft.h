/*
 * net_nft.h: the allow-list as nftables rules (net_nft.c), installed and
 * read by init inside the run's own network namespace.
 */
#pragma once

#include <stdint.h>

#include "net_rules.h"

struct net_nft_conf {
	const struct sb_netgrants *g;
	const struct sb_netaddr *hostlo; /* where host-loopback grants point inside */
	size_t n_hostlo;
	const struct sb_netaddr *dns; /* the stack's resolver, allowed when a name was */
	size_t n_dns;
};

/* Install the table in one batch: every rule or none. */
int net_nft_apply(const struct net_nft_conf *c, struct sb_err *err);
/* Packets the refusing rules have counted so far. */
int net_nft_refused(uint64_t *ret, struct sb_err *err);
