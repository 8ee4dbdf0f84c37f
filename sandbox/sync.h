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
	SYNC_EXIT, /* init -> launcher: payload's wait status in errnum */
	SYNC_EXEC, /* payload -> launcher: about to execve (wall clock starts) */
	SYNC_TYPE_MAX,
};

struct sync_msg {
	uint32_t type;
	int32_t errnum;
	uint32_t kind; /* enum sb_err_kind for SYNC_ERROR */
	char text[SB_ERR_MSG];
};

/* 0 on success; -errno on failure (-EPIPE on a short or empty read). */
int sync_send(int fd, enum sync_type type, int errnum, const char *text);
int sync_send_err(int fd, const struct sb_err *err);
int sync_recv(int fd, struct sync_msg *m);
/* Same, but -EAGAIN instead of blocking when no message is queued. */
int sync_recv_nowait(int fd, struct sync_msg *m);
