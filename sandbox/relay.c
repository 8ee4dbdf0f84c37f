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
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* Bigger than the default 64 KiB so a flood takes fewer wake-ups; the
 * kernel may refuse (pipe-user-pages-soft), which only costs speed. */
#define RELAY_PIPE_SIZE (256 * 1024)

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

bool relay_active(const struct sb_relay *r)
{
	return r->s[1].buf || r->s[2].buf;
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
		s->dropped += s->len - s->off;
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

/* Left-over output once the run is over, for a reader that is slow or
 * gone: pass it on without ever blocking, while the reader takes bytes;
 * once it has taken none for RELAY_GRACE_MS (or the total passes
 * RELAY_GRACE_MAX_MS, or the caller sends a signal), drop the rest and
 * count it. The run's figures are final before this starts. */
#define RELAY_GRACE_MS 2000
#define RELAY_GRACE_MAX_MS 10000

/* Refill s->buf from our pipe; false when nothing more will come. EAGAIN
 * means a writer we do not know of still holds the pipe: do not wait. */
static bool refill(struct sb_relay *r, struct relay_stream *s, bool *cut)
{
	ssize_t n;

	if (s->in < 0)
		return false;
	n = read(s->in, s->buf, RELAY_BUF);
	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0) {
		stop_reading(s);
		return false;
	}
	*cut |= accept_bytes(r, s, (size_t)n);
	return true;
}

static bool pending(const struct relay_stream *s)
{
	return s->buf && (s->len > s->off || s->in >= 0);
}

/* Count and forget what a stream still holds: our buffer and our pipe. */
static void drop(struct relay_stream *s)
{
	int queued = 0;

	s->dropped += s->len - s->off;
	s->len = s->off = 0;
	if (s->in >= 0 && ioctl(s->in, FIONREAD, &queued) == 0 && queued > 0)
		s->dropped += (uint64_t)queued;
	stop_reading(s);
}

static bool drain(struct sb_relay *r, int stop_fd)
{
	long long start = now_ms(), last = start;
	bool cut = false;

	for (;;) {
		struct pollfd pfd[3] = { { .fd = stop_fd, .events = POLLIN }, { .fd = -1 }, { .fd = -1 } };
		long long t = now_ms(), wait = last + RELAY_GRACE_MS - t;
		bool any = false;

		for (int i = 1; i < 3; i++) {
			struct relay_stream *s = &r->s[i];

			while (s->buf && s->len == s->off && refill(r, s, &cut))
				;
			if (s->buf && s->len > s->off) {
				pfd[i] = (struct pollfd){ .fd = s->out, .events = POLLOUT };
				any = true;
			}
		}
		if (!any)
			return cut;
		if (start + RELAY_GRACE_MAX_MS - t < wait)
			wait = start + RELAY_GRACE_MAX_MS - t;
		if (wait <= 0 || poll(pfd, 3, (int)wait) <= 0 || (pfd[0].revents & POLLIN))
			break;
		for (int i = 1; i < 3; i++) {
			struct relay_stream *s = &r->s[i];
			size_t before = s->off;

			if (pfd[i].revents & (POLLOUT | POLLERR | POLLHUP))
				pump_out(s, PIPE_BUF);
			if (s->off != before || s->len == 0)
				last = now_ms();
		}
	}
	for (int i = 1; i < 3; i++)
		if (pending(&r->s[i]))
			drop(&r->s[i]);
	return cut;
}

void relay_finish(struct sb_relay *r, struct sb_result *res, int stop_fd)
{
	uint64_t *bytes[3] = { NULL, &res->stdout_bytes, &res->stderr_bytes };

	if (drain(r, stop_fd))
		res->output_exceeded = true;
	for (int i = 1; i < 3; i++) {
		struct relay_stream *s = &r->s[i];

		res->output_dropped_bytes += s->dropped;
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
