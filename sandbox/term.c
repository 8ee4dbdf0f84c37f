/*
 * term.c: the caller's side of --interactive's terminal. The sandbox's
 * side is console.c's (shared with sandbox-oci's process.terminal): init,
 * in the new root, opens a pty of the sandbox's own devpts, keeps the
 * slave for the payload's controlling terminal and its streams (those
 * --stdin/--stdout/--stderr do not redirect) and sends the master here
 * over a socketpair, as runc's console socket does. So inside, `tty`
 * names /dev/pts/0, and job control runs on a terminal the sandbox owns:
 * the caller's terminal is never inside (TIOCSTI has nothing to reach).
 *
 * The launcher (the caller's uid, its own namespaces) puts the caller's
 * terminal in raw mode while the run lasts, so ^C, ^Z and ^\ travel as
 * bytes to the pty, whose line discipline signals the sandbox's
 * foreground job; it copies the caller's stdin to the master and the
 * master to the caller's stdout, passes window size changes on
 * (SIGWINCH), and when the caller's stdin ends sends the pty's EOF
 * character. Nothing here needs privileges. Probes: isatty.
 */
#include "term.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "util.h"

void term_init(struct sb_term *c)
{
	memset(c, 0, sizeof(*c));
	c->sock[0] = c->sock[1] = c->master = -1;
	c->in = c->raw_fd = -1;
}

int term_prepare(const struct sb_plan *p, struct sb_term *c, struct sb_err *err)
{
	if (!p->interactive)
		return 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->sock) < 0)
		return sb_fail(err, errno, "--interactive: socketpair for the terminal");
	/* The caller's stdin feeds the pty unless --stdin names a file. */
	c->in = p->stdin_path ? -1 : STDIN_FILENO;
	return 0;
}

void term_started(struct sb_term *c)
{
	if (c->sock[1] >= 0)
		close(c->sock[1]);
	c->sock[1] = -1;
}

static int recv_fd(int sock)
{
	char name[64], ctl[CMSG_SPACE(sizeof(int))]; /* the message is the pty's name */
	struct iovec iov = { .iov_base = name, .iov_len = sizeof(name) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) <= 0)
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

void term_winch(struct sb_term *c)
{
	struct winsize ws;

	if (c->master < 0)
		return;
	for (int i = 0; i < 3; i++)
		if (ioctl(i, TIOCGWINSZ, &ws) == 0) {
			ioctl(c->master, TIOCSWINSZ, &ws); /* the kernel signals SIGWINCH inside */
			return;
		}
}

/* The master has arrived: the caller's terminal goes raw, so every key
 * (^C, ^Z, ^D) reaches the sandbox's line discipline as a byte. */
static void take_master(struct sb_term *c, int fd)
{
	struct termios t;

	c->master = fd;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	term_winch(c);
	/* Piped input is not echoed back: set before the first byte goes in
	 * (init set the same before the payload existed, but sent the master
	 * first, so this side must not count on it). */
	if ((c->in < 0 || !isatty(c->in)) && tcgetattr(fd, &t) == 0) {
		t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		tcsetattr(fd, TCSANOW, &t);
	}
	if (c->in >= 0 && isatty(c->in) && tcgetattr(c->in, &c->saved) == 0) {
		t = c->saved;
		cfmakeraw(&t);
		if (tcsetattr(c->in, TCSADRAIN, &t) == 0)
			c->raw_fd = c->in;
	}
}

int term_poll(struct sb_term *c, struct pollfd pfd[3])
{
	pfd[0] = (struct pollfd){ .fd = c->master < 0 ? c->sock[0] : -1, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = c->hup ? -1 : c->master, .events = (short)(POLLIN | (c->pending ? POLLOUT : 0)) };
	pfd[2] = (struct pollfd){ .fd = c->master >= 0 && !c->hup && !c->pending ? c->in : -1, .events = POLLIN };
	return 3;
}

/* Everything the pty holds now, to the caller's stdout. Returns false
 * once the slave side is gone for good (EIO: every holder exited). */
static bool drain(struct sb_term *c)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(c->master, buf, sizeof(buf));

		if (n > 0) {
			for (ssize_t off = 0, w; off < n; off += w) {
				w = write(STDOUT_FILENO, buf + off, (size_t)(n - off));
				if (w < 0 && errno == EINTR)
					w = 0;
				else if (w < 0)
					return false; /* nobody reads the output: keep the run going */
			}
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 && errno == EAGAIN;
	}
}

/* The caller's stdin ended: the pty's EOF character ends the payload's
 * reading (at the start of a line; a second one after a partial line). */
static void send_eof(struct sb_term *c)
{
	struct termios t;

	c->in = -1;
	if (tcgetattr(c->master, &t) < 0 || !(t.c_lflag & ICANON))
		return;
	c->pending_buf[0] = (char)t.c_cc[VEOF];
	c->pending_buf[1] = (char)t.c_cc[VEOF];
	c->pending_off = 0;
	c->pending = c->last_was_nl ? 1 : 2;
}

/* Caller's stdin to the master, keeping what the pty would not take yet. */
static void feed(struct sb_term *c)
{
	ssize_t n;

	if (!c->pending) {
		n = read(c->in, c->pending_buf, sizeof(c->pending_buf));
		if (n < 0 && errno == EINTR)
			return;
		if (n <= 0) {
			send_eof(c);
			if (!c->pending)
				return;
		} else {
			c->pending = (size_t)n;
			c->pending_off = 0;
			c->last_was_nl = c->pending_buf[n - 1] == '\n' || c->pending_buf[n - 1] == '\r';
		}
	}
	n = write(c->master, c->pending_buf + c->pending_off, c->pending);
	if (n > 0) {
		c->pending -= (size_t)n;
		c->pending_off += (size_t)n;
	}
}

void term_handle(struct sb_term *c, const struct pollfd pfd[3])
{
	if (pfd[0].revents) {
		int fd = recv_fd(c->sock[0]);

		if (fd >= 0)
			take_master(c, fd);
		close(c->sock[0]); /* one terminal per run; EOF too ends here */
		c->sock[0] = -1;
	}
	if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))
		if (!drain(c) && errno == EIO) {
			/* Slave closed (the payload and its children are gone):
			 * keep the master for the final drain, stop polling it. */
			c->hup = true;
		}
	if ((pfd[1].revents & POLLOUT) || (pfd[2].revents & (POLLIN | POLLHUP | POLLERR)))
		feed(c);
}

void term_finish(struct sb_term *c)
{
	if (c->master >= 0)
		drain(c);
	if (c->raw_fd >= 0)
		tcsetattr(c->raw_fd, TCSADRAIN, &c->saved);
	c->raw_fd = -1;
}

void term_release(struct sb_term *c)
{
	term_finish(c);
	for (int i = 0; i < 2; i++)
		if (c->sock[i] >= 0)
			close(c->sock[i]);
	if (c->master >= 0)
		close(c->master);
	c->sock[0] = c->sock[1] = c->master = -1;
}
