/*
 * seccomp_notify.c: log mode ("--syscalls-log", "syscalls default log",
 * "syscalls log NAME"): find out what a tool needs without root.
 *
 * Why SECCOMP_RET_USER_NOTIF and not SECCOMP_RET_LOG: RET_LOG writes to the
 * kernel audit log, which an unprivileged caller cannot read (and which
 * may not even be collected). With a user notification, the payload loads
 * its filter with SECCOMP_FILTER_FLAG_NEW_LISTENER and passes the listener
 * fd to the launcher over a socketpair (SCM_RIGHTS); every syscall the
 * policy would refuse then stops in the kernel until the launcher, in its
 * wait loop, records the syscall's name and answers "continue"
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE, Linux 5.5): the syscall runs as if
 * allowed. CONTINUE is unsafe as a security decision (the arguments can
 * change in between); here the decision is "allow" anyway: log mode is a
 * learning mode, not an enforcing one. The always-on hardening still
 * applies in log mode.
 *
 * The launcher receives the listener lazily: the payload loads its filter
 * only after GO, so seccomp_poll_fd() returns the socket until the
 * listener arrives, then the listener.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "seccomp.h"
#include "seccomp_int.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

int seccomp_notify_handoff(struct sb_seccomp *s, int listener, struct sb_err *err)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte = 'L';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &listener, sizeof(int));
	/* The filter allows sendmsg on this one descriptor (stage 0). The
	 * listener itself is close-on-exec: execve drops our copy. */
	if (sendmsg(s->sock_fd[1], &msg, MSG_NOSIGNAL) < 0)
		return sb_fail(err, errno, "pass the seccomp listener to the launcher");
	return 0;
}

int seccomp_parent(const struct sb_plan *p, struct sb_seccomp *s, struct sb_err *err)
{
	(void)p, (void)err;
	if (s->sock_fd[1] >= 0) {
		close(s->sock_fd[1]); /* the payload's end */
		s->sock_fd[1] = -1;
	}
	return 0;
}

int seccomp_poll_fd(const struct sb_seccomp *s)
{
	return s->notify_fd >= 0 ? s->notify_fd : s->sock_fd[0];
}

static void receive_listener(struct sb_seccomp *s)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(s->sock_fd[0], &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
		memcpy(&s->notify_fd, CMSG_DATA(c), sizeof(int));
		/* Linux 6.6: the stopped thread wakes us on its own CPU and
		 * waits there, as a synchronous hand-off (gVisor's reason for
		 * it); learn mode stops every syscall, so this is most of its
		 * cost. The flags are the argument itself, not a pointer.
		 * Older kernels say EINVAL: the ordinary wake-up stays. */
		ioctl(s->notify_fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	}
	/* Listener or EOF (the payload failed before loading): either way
	 * the socket has done its job. */
	close(s->sock_fd[0]);
	s->sock_fd[0] = -1;
}

static void record(struct sb_result *res, const struct seccomp_data *d)
{
	uint32_t arch = d->arch;
	int nr = d->nr;
	char *name;
	char **v;

	if (arch == SCMP_ARCH_X86_64 && (nr & 0x40000000))
		arch = SCMP_ARCH_X32;
	name = seccomp_syscall_resolve_num_arch(arch, nr);
	if (!name && asprintf(&name, "syscall_%d", nr) < 0)
		return;
	for (size_t i = 0; i < res->n_denied_syscalls; i++)
		if (strcmp(res->denied_syscalls[i], name) == 0) {
			free(name);
			return;
		}
	v = realloc(res->denied_syscalls, (res->n_denied_syscalls + 2) * sizeof(*v));
	if (!v) {
		free(name);
		return;
	}
	v[res->n_denied_syscalls++] = name;
	v[res->n_denied_syscalls] = NULL;
	res->denied_syscalls = v;
}

static void stop_listening(struct sb_seccomp *s)
{
	close(s->notify_fd);
	s->notify_fd = -1;
}

void seccomp_handle(const struct sb_plan *p, struct sb_seccomp *s, struct sb_result *res)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	struct pollfd pfd;

	if (s->notify_fd < 0) {
		if (s->sock_fd[0] >= 0)
			receive_listener(s);
		return;
	}
	/* POLLHUP without POLLIN: every process using the filter is gone. */
	pfd = (struct pollfd){ .fd = s->notify_fd, .events = POLLIN };
	if (poll(&pfd, 1, 0) <= 0 || !(pfd.revents & POLLIN)) {
		if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
			stop_listening(s);
		return;
	}
	memset(&req, 0, sizeof(req)); /* the kernel insists on a zeroed buffer */
	if (ioctl(s->notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
		if (errno != EINTR && errno != ENOENT)
			stop_listening(s);
		return;
	}
	if (p->learn) {
		seccomp_learn_handle(s, &req, res); /* records, then answers */
		return;
	}
	record(res, &req.data);
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	/* ENOENT: the caller died or was interrupted meanwhile; nothing to do. */
	ioctl(s->notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}
