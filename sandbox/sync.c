/*
 * sync.c: typed messages over the sync socket. Used by every process of a
 * run; no privileges needed.
 */
#include "sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int send_msg(int fd, const struct sync_msg *m)
{
	ssize_t n;

	do
		n = send(fd, m, sizeof(*m), MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(*m) ? 0 : -EPIPE;
}

int sync_send(int fd, enum sync_type type, int errnum, const char *text)
{
	struct sync_msg m = { .type = type, .errnum = errnum };

	if (text)
		strncpy(m.text, text, sizeof(m.text) - 1);
	return send_msg(fd, &m);
}

int sync_send_times(int fd, enum sync_type type, int errnum, uint64_t t_ns, uint64_t cpu_ns)
{
	struct sync_msg m = { .type = type, .errnum = errnum, .t_ns = t_ns, .cpu_ns = cpu_ns };

	return send_msg(fd, &m);
}

int sync_send_exec(int fd, uint64_t t_ns, uint64_t cpu_ns, uint64_t cpu_outside_ns)
{
	struct sync_msg m = { .type = SYNC_EXEC, .t_ns = t_ns, .cpu_ns = cpu_ns, .cpu_outside_ns = cpu_outside_ns };

	return send_msg(fd, &m);
}

int sync_send_err(int fd, const struct sb_err *err)
{
	struct sync_msg m = { .type = SYNC_ERROR, .errnum = err->errnum, .kind = err->kind };

	memcpy(m.text, err->msg, sizeof(m.text));
	m.text[sizeof(m.text) - 1] = '\0';
	return send_msg(fd, &m);
}

static int recv_msg(int fd, struct sync_msg *m, int flags)
{
	ssize_t n;

	do
		n = recv(fd, m, sizeof(*m), flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n != (ssize_t)sizeof(*m))
		return -EPIPE;
	m->text[sizeof(m->text) - 1] = '\0';
	return 0;
}

int sync_recv(int fd, struct sync_msg *m)
{
	return recv_msg(fd, m, 0);
}

int sync_recv_nowait(int fd, struct sync_msg *m)
{
	return recv_msg(fd, m, MSG_DONTWAIT);
}
