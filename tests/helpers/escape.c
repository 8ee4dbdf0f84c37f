/*
 * escape.c: runs inside the sandbox and tries one way out, named by argv[1].
 * Prints "blocked: WHY" and exits 0 when the attempt fails as it must,
 * "ESCAPED: WHAT" and exits 1 when it succeeds. Static, no libraries.
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static int blocked(const char *what)
{
	printf("blocked: %s: %s\n", what, strerror(errno));
	return 0;
}

static int escaped(const char *what)
{
	printf("ESCAPED: %s\n", what);
	return 1;
}

static int ptrace_init(void)
{
	if (ptrace(PTRACE_ATTACH, 1, 0, 0) < 0)
		return blocked("ptrace pid 1");
	return escaped("attached to pid 1");
}

static int kill_init(void)
{
	/* Had pid 1 died, the kernel would have killed us with it: still
	 * running after a while means the kill did not land. */
	if (kill(1, SIGKILL) < 0)
		return blocked("kill pid 1");
	usleep(200000);
	errno = 0;
	return blocked("pid 1 ignores SIGKILL from inside");
}

static int chroot_escape(void)
{
	if (chroot("/tmp") < 0)
		return blocked("chroot");
	return escaped("chroot allowed");
}

static int mount_proc(void)
{
	if (mount("proc", "/tmp", "proc", 0, NULL) < 0)
		return blocked("mount");
	return escaped("mounted proc");
}

static int userns_root(void)
{
	int fd;

	if (unshare(CLONE_NEWUSER) < 0)
		return blocked("unshare(CLONE_NEWUSER)");
	fd = open("/proc/self/uid_map", O_WRONLY);
	if (fd < 0 || write(fd, "0 0 1", 5) < 0)
		return blocked("map root in a nested user namespace");
	return escaped("mapped root in a nested user namespace");
}

static int by_handle(void)
{
	struct {
		struct file_handle fh;
		unsigned char buf[128];
	} h;
	int mount_id;

	h.fh.handle_bytes = sizeof(h.buf);
	if (name_to_handle_at(AT_FDCWD, "/", &h.fh, &mount_id, 0) < 0)
		return blocked("name_to_handle_at");
	if (open_by_handle_at(AT_FDCWD, &h.fh, O_RDONLY) < 0)
		return blocked("open_by_handle_at");
	return escaped("open_by_handle_at worked");
}

static int proc_root(void)
{
	char buf[256];

	if (readlink("/proc/1/root", buf, sizeof(buf)) < 0 && open("/proc/1/fd/0", O_RDONLY) < 0)
		return blocked("pid 1's root and fds");
	return escaped("read pid 1's root or fds");
}

static int do_mknod(void)
{
	if (mknod("/tmp/null", S_IFCHR | 0666, makedev(1, 3)) < 0)
		return blocked("mknod");
	return escaped("created a device node");
}

static int sysrq(void)
{
	int fd = open("/proc/sysrq-trigger", O_WRONLY);

	if (fd < 0 || write(fd, "h", 1) < 0)
		return blocked("sysrq-trigger");
	return escaped("wrote sysrq-trigger");
}

/* TIOCSTI into a terminal that is not our controlling one needs
 * CAP_SYS_ADMIN; we have a fresh session and no terminal at all. */
static int tiocsti(void)
{
	int m = open("/dev/ptmx", O_RDWR | O_NOCTTY), s;
	char c = 'x';

	if (m < 0)
		return blocked("open /dev/ptmx");
	unlockpt(m);
	s = open(ptsname(m), O_RDWR | O_NOCTTY);
	if (s < 0)
		return blocked("open pts");
	if (ioctl(s, TIOCSTI, &c) < 0)
		return blocked("TIOCSTI");
	return escaped("TIOCSTI injected a keystroke");
}

/* argv[2]: the caller's session keyring id; ours must differ. */
static int keyring(const char *outer)
{
	long id = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0);

	if (id < 0)
		return blocked("keyctl");
	if (outer && id == atol(outer))
		return escaped("shares the caller's session keyring");
	errno = 0;
	return blocked("own session keyring");
}

static int setuid_root(void)
{
	if (setuid(0) == 0 && setns(-1, 0) < 0 && access("/proc/sys/kernel/hostname", W_OK) < 0)
		return blocked("root inside is powerless");
	if (sethostname("x", 1) < 0)
		return blocked("sethostname");
	return escaped("changed hostname");
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} tries[] = {
		{ "ptrace-init", ptrace_init }, { "kill-init", kill_init },   { "chroot", chroot_escape },
		{ "mount", mount_proc },        { "userns-root", userns_root }, { "by-handle", by_handle },
		{ "proc-root", proc_root },     { "mknod", do_mknod },         { "sysrq", sysrq },
		{ "tiocsti", tiocsti },         { "privileged", setuid_root },
	};

	if (argc < 2)
		return 2;
	if (strcmp(argv[1], "keyring") == 0)
		return keyring(argc > 2 ? argv[2] : NULL);
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++)
		if (strcmp(argv[1], tries[i].name) == 0)
			return tries[i].fn();
	fprintf(stderr, "unknown attempt %s\n", argv[1]);
	return 2;
}
