/*
 * net_pasta.h: start and stop pasta (package passt), the user-mode network
 * stack behind --net user (net_pasta.c says why pasta).
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "net_rules.h"

struct net_pasta {
	const char *path; /* the pasta binary */
	const char *dns_forward; /* the resolver's address inside */
	bool map_gw; /* the gateway address reaches the host's loopback */
	pid_t pid;
	int pidfd;
	int ready_fd; /* pasta writes its PID here once set up */
	int log_fd; /* its stderr, for the message when it fails */
};

/* Find the binary; fails with the package to install. */
int net_pasta_find(struct net_pasta *h, struct sb_err *err);
/* Start pasta on the network namespace of pid; net_pasta_wait() then
 * waits until it has set the namespace up (addresses, routes, published
 * ports), or fails with what pasta said. */
int net_pasta_start(const struct sb_plan *p, struct net_pasta *h, pid_t pid, struct sb_err *err);
int net_pasta_wait(struct net_pasta *h, struct sb_err *err);
/* Kill and reap it (no-op when not started). */
void net_pasta_stop(struct net_pasta *h);
