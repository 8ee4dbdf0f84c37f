/*
 * console.c: an OCI terminal (process.terminal with --console-socket).
 * Run inside the container's root, as root of its user namespace: by init
 * before it reports ready (the engine waits for the terminal before it
 * starts the container), or by an exec'd process before it execs.
 *
 * A new pty is opened in the container's own devpts (/dev/ptmx), its
 * master is sent to the engine over the connected console socket with
 * SCM_RIGHTS, the pty's name as the message (runc's protocol, which conmon
 * and containerd's shim read), and the slave is kept to become the
 * payload's stdin, stdout, stderr and controlling terminal. The slave is
 * opened from the master with TIOCGPTPEER (Linux 4.13), so no path lookup
 * can be redirected.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include "layers.h"
#include "util.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static int send_fd(int sock, int fd, const char *name, struct sb_err *err)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)name, .iov_len = strlen(name) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		return sb_fail(err, errno, "send the terminal to the console socket");
	return 0;
}

int console_child(int sock, bool dev_console, int *ret_slave, struct sb_err *err)
{
	_cleanup_close_ int master = -1;
	char name[64];
	int unlock = 0, n, slave, fd, r;

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0) {
		r = sb_fail(err, errno, "open a pty (/dev/ptmx) for the terminal");
		sb_hint(err, "the container needs a devpts mount at /dev/pts");
		return r;
	}
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &n) < 0)
		return sb_fail(err, errno, "unlock the pty");
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (slave < 0)
		return sb_fail(err, errno, "open the pty's slave end");
	snprintf(name, sizeof(name), "/dev/pts/%d", n);
	/* /dev/console is the terminal too, as runc makes it (best effort:
	 * a config without a writable /dev has none). */
	fd = dev_console ? open("/dev/console", O_WRONLY | O_CREAT | O_NOCTTY | O_CLOEXEC, 0600) : -1;
	if (fd >= 0) {
		close(fd);
		mount(name, "/dev/console", NULL, MS_BIND, NULL);
	}
	r = send_fd(sock, master, name, err);
	close(sock);
	if (r < 0) {
		close(slave);
		return r;
	}
	*ret_slave = slave;
	return 0;
}
