/*
 * relay.h: the launcher-side output relay. Where the payload's stdout or
 * stderr is not a regular file (a pipe, a socket, a terminal), RLIMIT_FSIZE
 * cannot cut it, so the launcher interposes a pipe of its own, copies the
 * bytes on, counts them, and cuts at exactly --output-limit.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "payload.h"
#include "plan.h"
#include "result.h"

#define RELAY_BUF (64 * 1024)

struct relay_stream {
	int in; /* read end of our pipe, -1 = no relay for this stream */
	int wr; /* write end, handed to the payload, closed after clone */
	int out; /* where the bytes go: the caller's descriptor or a --stdout file */
	bool own_out; /* out was opened by the launcher (--stdout FIFO): close it */
	int count_fd; /* regular-file target: count by its offset, -1 = none */
	off_t start_off;
	uint64_t passed; /* bytes accepted (never more than the limit) */
	bool measured; /* passed (or the offset) is a real figure */
	size_t len, off; /* buffered bytes not yet written to out */
	uint64_t dropped; /* left over after the run for a reader that took none */
	char *buf;
};

struct sb_relay {
	struct relay_stream s[3]; /* [1] stdout, [2] stderr; [0] unused */
	uint64_t limit; /* --output-limit, 0 = none */
};

/* Before anything else: no pipes, nothing to release. */
void relay_init(struct sb_relay *r);

/* Launcher, before clone, after io's files are open: put a pipe in front of
 * each stdout/stderr that needs one; io->fd[] then names the write ends. */
int relay_prepare(const struct sb_plan *p, struct sb_relay *r, struct payload_io *io, struct sb_err *err);

/* Whether stdout or stderr goes through the relay. */
bool relay_active(const struct sb_relay *r);

/* The clone's child (init), first thing: drop the read ends. A copy held
 * in the sandbox would keep a pipe alive whose reader went away, and the
 * payload would block on it instead of getting EPIPE. */
void relay_child(struct sb_relay *r);

/* Launcher, after clone: drop our copies of the write ends (else no EOF). */
void relay_started(struct sb_relay *r, struct payload_io *io);

/* Launcher, in the wait loop: the fd and events to poll for stream i. */
int relay_poll_fd(const struct sb_relay *r, int i, short *events);

/* Launcher, when stream i's fd is ready: move bytes on. Returns true when
 * the output limit was just exceeded (the run must be killed). */
bool relay_pump(struct sb_relay *r, int i);

/* Launcher, after the sandbox is gone: pass on what is left in the pipes
 * without blocking, while the reader takes it (a grace of 2 s without
 * progress, 10 s at most; stop_fd readable, a signal, ends it at once);
 * drop the rest into res->output_dropped_bytes; fill stdout/stderr_bytes. */
void relay_finish(struct sb_relay *r, struct sb_result *res, int stop_fd);

void relay_release(struct sb_relay *r);
