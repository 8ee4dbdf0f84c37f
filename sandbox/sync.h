/*
 * sync.h: the launcher <-> init <-> payload protocol (STYLE.md section 6).
 * Fixed-size messages over a SOCK_SEQPACKET socketpair; every read checks
 * the full length; GO is explicit, never "the pipe closed".
 */
#pragma once

#include <stdint.h>

#include "err.h"

enum sync_type {
	SYNC_GO = 1, /* launcher -> init: maps written, cgroup joined, go on */
	SYNC_ERROR, /* init or payload -> launcher: setup failed (errnum, kind, text) */
	SYNC_EXIT, /* init -> launcher: payload's wait status in errnum, t_ns */
	SYNC_EXEC, /* payload -> launcher: about to execve; t_ns, cpu_ns */
	SYNC_NET, /* init -> launcher: packets the allow-list refused, in t_ns */
	SYNC_READY, /* detached init -> launcher: built, waiting for its start signal */
	SYNC_TYPE_MAX,
};

struct sync_msg {
	uint32_t type;
	int32_t errnum;
	uint32_t kind; /* enum sb_err_kind for SYNC_ERROR */
	/* Measured by the sender, because the launcher may read the message
	 * late on a loaded machine: CLOCK_MONOTONIC when the payload reached
	 * execve (SYNC_EXEC) or the last process was reaped (SYNC_EXIT), and
	 * the CPU init and the payload used for set-up (SYNC_EXEC). */
	uint64_t t_ns, cpu_ns;
	uint64_t cpu_outside_ns; /* SYNC_EXEC: the part of cpu_ns init spent before it joined the run's cgroup */
	char text[SB_ERR_MSG];
};

/* 0 on success; -errno on failure (-EPIPE on a short or empty read). */
int sync_send(int fd, enum sync_type type, int errnum, const char *text);
int sync_send_err(int fd, const struct sb_err *err);
/* SYNC_EXEC and SYNC_EXIT with their measurements. */
int sync_send_times(int fd, enum sync_type type, int errnum, uint64_t t_ns, uint64_t cpu_ns);
/* SYNC_EXEC: the exec instant, the set-up CPU and the part of it spent
 * outside the run's cgroup. */
int sync_send_exec(int fd, uint64_t t_ns, uint64_t cpu_ns, uint64_t cpu_outside_ns);
int sync_recv(int fd, struct sync_msg *m);
/* Same, but -EAGAIN instead of blocking when no message is queued. */
int sync_recv_nowait(int fd, struct sync_msg *m);
