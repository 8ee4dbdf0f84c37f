/*
 * relay.c: the launcher copies the payload's stdout/stderr when they are not
 * regular files, counting the bytes and cutting at exactly --output-limit.
 * A regular file is cut by RLIMIT_FSIZE in the payload (limits.c) and
 * counted here by its offset; nothing is copied then.
 *
 * The copy must never stall the wait loop (the limits are enforced there),
 * so our read ends are non-blocking and the caller's descriptor, which we
 * must not make non-blocking (it is shared with the caller's shell), is
 * written only after poll says POLLOUT, at most PIPE_BUF bytes at a time:
 * a pipe that reports POLLOUT has a free page, so such a write does not
 * block.
 */
#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Bigger than the default 64 KiB so a flood takes fewer wake-ups; the
 * kernel may refuse (pipe-user-pages-soft), which only costs speed. */
#define RELAY_PIPE_SIZE (256 * 1024)

static void stream_init(struct relay_stream *s)
{
	*s = (struct relay_stream){ .in = -1, .wr = -1, .out = -1, .count_fd = -1 };
}

static int open_pipe(struct relay_stream *s, int out, struct sb_err *err)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return sb_fail(err, errno, "create the output pipe");
	s->buf = malloc(RELAY_BUF);
	if (!s->buf) {
		close(fds[0]);
		close(fds[1]);
		return sb_failx(err, ENOMEM, "allocate the output buffer");
	}
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	fcntl(fds[0], F_SETPIPE_SZ, RELAY_PIPE_SIZE);
	s->in = fds[0];
	s->wr = fds[1];
	s->out = out;
	s->measured = true;
	return 0;
}

/*
 * Which streams get a pipe: any non-file target when there is a limit to
 * enforce; pipes and sockets also when a report wants the byte counts (a
 * terminal or /dev/null is left alone then: the payload keeps its tty).
 */
static int prepare_stream(const struct sb_plan *p, struct sb_relay *r, int i, struct payload_io *io,
			  struct sb_err *err)
{
	struct relay_stream *s = &r->s[i];
	int target = io->fd[i] >= 0 ? io->fd[i] : i;
	bool want_counts = p->report_path || p->meta_path;
	struct stat st;
	int rc;

	if (p->stdio_inside && (i == 1 ? p->stdout_path : p->stderr_path))
		return 0; /* a file the payload opens inside: RLIMIT_FSIZE cuts it */
	if (fstat(target, &st) < 0)
		return 0; /* closed in the caller: the payload gets it closed too */
	if (S_ISREG(st.st_mode)) {
		s->count_fd = target;
		s->start_off = lseek(target, 0, SEEK_CUR);
		s->measured = s->start_off >= 0;
		return 0;
	}
	if (!r->limit && !(want_counts && !S_ISCHR(st.st_mode)))
		return 0;
	rc = open_pipe(s, target, err);
	if (rc < 0)
		return rc;
	s->own_out = io->fd[i] >= 0;
	io->fd[i] = s->wr;
	return 0;
}

/* The caller's stdout and stderr may be one file (2>&1): count it once. */
static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

void relay_init(struct sb_relay *r)
{
	for (int i = 0; i < 3; i++)
		stream_init(&r->s[i]);
	r->limit = 0;
}

int relay_prepare(const struct sb_plan *p, struct sb_relay *r, struct payload_io *io, struct sb_err *err)
{
	int rc;

	r->limit = p->limits.output_limit;
	rc = prepare_stream(p, r, 1, io, err);
	/* --stderr-to-stdout: the launcher points stderr at stdout's target
	 * afterwards, so stderr shares stdout's pipe and count. */
	if (rc < 0 || p->stderr_to_stdout)
		return rc;
	rc = prepare_stream(p, r, 2, io, err);
	if (rc == 0 && r->s[1].count_fd >= 0 && r->s[2].count_fd >= 0 &&
	    same_file(r->s[1].count_fd, r->s[2].count_fd)) {
		r->s[2].count_fd = -1;
		r->s[2].measured = false;
	}
	return rc;
}

void relay_child(struct sb_relay *r)
{
	for (int i = 1; i < 3; i++)
		if (r->s[i].in >= 0) {
			close(r->s[i].in);
			r->s[i].in = -1;
		}
}

void relay_started(struct sb_relay *r, struct payload_io *io)
{
	for (int i = 1; i < 3; i++) {
		struct relay_stream *s = &r->s[i];

		if (s->wr < 0)
			continue;
		for (int j = 0; j < 3; j++)
			if (io->fd[j] == s->wr)
				io->fd[j] = -1;
		close(s->wr);
		s->wr = -1;
	}
}

int relay_poll_fd(const struct sb_relay *r, int i, short *events)
{
	const struct relay_stream *s = &r->s[i];

	if (s->len > s->off) {
		*events = POLLOUT;
		return s->out;
	}
	*events = POLLIN;
	return s->in;
}

static void stop_reading(struct relay_stream *s)
{
	if (s->in >= 0)
		close(s->in);
	s->in = -1;
}

/* Accept n fresh bytes in s->buf, cutting at the limit. True when cut. */
static bool accept_bytes(struct sb_relay *r, struct relay_stream *s, size_t n)
{
	bool cut = false;

	if (r->limit && s->passed + n > r->limit) {
		n = (size_t)(r->limit - s->passed);
		cut = true;
		/* The payload's next write gets EPIPE, as if the file ended. */
		stop_reading(s);
	}
	s->passed += n;
	s->len = n;
	s->off = 0;
	return cut;
}

static bool pump_in(struct sb_relay *r, struct relay_stream *s)
{
	ssize_t n = read(s->in, s->buf, RELAY_BUF);

	if (n > 0)
		return accept_bytes(r, s, (size_t)n);
	if (n == 0 || (errno != EAGAIN && errno != EINTR))
		stop_reading(s);
	return false;
}

static void pump_out(struct relay_stream *s, size_t max)
{
	size_t want = s->len - s->off;
	ssize_t n = write(s->out, s->buf + s->off, want < max ? want : max);

	if (n > 0) {
		s->off += (size_t)n;
	} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		/* The reader went away: drop what we hold and let the payload
		 * see EPIPE, as it would have without us. */
		s->off = s->len;
		stop_reading(s);
	}
	if (s->off == s->len)
		s->len = s->off = 0;
}

bool relay_pump(struct sb_relay *r, int i)
{
	struct relay_stream *s = &r->s[i];

	if (s->len > s->off) {
		pump_out(s, PIPE_BUF);
		return false;
	}
	return s->in >= 0 && pump_in(r, s);
}

static uint64_t file_bytes(const struct relay_stream *s)
{
	off_t end = lseek(s->count_fd, 0, SEEK_CUR);

	return end >= s->start_off ? (uint64_t)(end - s->start_off) : 0;
}

/* Everything the payload wrote is in the pipe now (its processes are
 * gone): pass it on with ordinary blocking writes. EAGAIN means a writer
 * we do not know of still holds the pipe: stop rather than wait for it. */
static bool drain(struct sb_relay *r, struct relay_stream *s)
{
	bool cut = false;

	for (;;) {
		while (s->len > s->off)
			pump_out(s, s->len - s->off);
		if (s->in < 0)
			return cut;
		ssize_t n = read(s->in, s->buf, RELAY_BUF);

		if (n > 0)
			cut |= accept_bytes(r, s, (size_t)n);
		else if (n < 0 && errno == EINTR)
			continue;
		else
			stop_reading(s);
	}
}

void relay_finish(struct sb_relay *r, struct sb_result *res)
{
	uint64_t *bytes[3] = { NULL, &res->stdout_bytes, &res->stderr_bytes };

	for (int i = 1; i < 3; i++) {
		struct relay_stream *s = &r->s[i];

		if (s->buf && drain(r, s))
			res->output_exceeded = true;
		if (s->count_fd >= 0 && s->measured)
			*bytes[i] = file_bytes(s);
		else
			*bytes[i] = s->measured ? s->passed : SB_BYTES_UNKNOWN;
	}
}

void relay_release(struct sb_relay *r)
{
	for (int i = 0; i < 3; i++) {
		struct relay_stream *s = &r->s[i];

		if (s->in >= 0)
			close(s->in);
		if (s->wr >= 0)
			close(s->wr);
		if (s->own_out)
			close(s->out);
		free(s->buf);
		stream_init(s);
	}
}
