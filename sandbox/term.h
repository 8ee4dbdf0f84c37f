/*
 * term.h: the caller's side of --interactive's pty (term.c): the pty is
 * made by init in the sandbox's devpts (console.c), its master relayed
 * here to the caller's terminal.
 */
#pragma once

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#include "plan.h"

struct sb_term {
	int sock[2]; /* the master's way out: [0] the launcher's end, [1] the payload's */
	int master; /* the pty master, once the payload sent it; -1 before */
	int in; /* the caller's stdin while it feeds the pty, else -1 */
	int raw_fd; /* the caller's terminal, set raw until term_finish; -1 */
	struct termios saved; /* its settings before */
	bool hup; /* every slave holder is gone: no more polling */
	bool last_was_nl; /* the last byte fed ended a line (for EOF) */
	char pending_buf[4096]; /* stdin bytes the pty did not take yet */
	size_t pending, pending_off;
};

/* Launcher, before anything: zero state. */
void term_init(struct sb_term *c);
/* Launcher, before clone: the socketpair; sock[1] goes to init as its
 * console socket (-1 without --interactive). */
int term_prepare(const struct sb_plan *p, struct sb_term *c, struct sb_err *err);
/* Launcher, after clone: drop init's end. */
void term_started(struct sb_term *c);
/* Launcher, wait loop: the three descriptors to poll (handoff, master,
 * stdin; -1 where idle), then what to do with their revents. */
int term_poll(struct sb_term *c, struct pollfd pfd[3]);
void term_handle(struct sb_term *c, const struct pollfd pfd[3]);
/* Launcher, on SIGWINCH: the caller's window size to the pty. */
void term_winch(struct sb_term *c);
/* Launcher, after the run: the pty's last output, the caller's terminal
 * as it was. term_release does it too, and closes everything. */
void term_finish(struct sb_term *c);
void term_release(struct sb_term *c);
