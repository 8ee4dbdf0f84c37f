/*
 * test_landlock.c: the Landlock wall behind the mounts. With --net host the
 * payload shares the host's abstract unix socket namespace; Landlock's
 * scoping (ABI 6) must keep it from connecting to the host's sockets.
 */
#include <stddef.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "harness.h"

TestSuite(landlock, .timeout = 60);

static int landlock_abi(void)
{
	return (int)syscall(SYS_landlock_create_ruleset, NULL, 0, 1U);
}

/* Listen on an abstract socket named name; returns the fd. */
static int listen_abstract(const char *name)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memcpy(a.sun_path + 1, name, strlen(name));
	cr_assert(bind(fd, (struct sockaddr *)&a, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name))) == 0);
	cr_assert(listen(fd, 8) == 0);
	return fd;
}

static void connect_from_inside(struct sb_out *o, const char *mode, const char *name)
{
	char code[512];

	snprintf(code, sizeof(code),
		 "import socket\ns=socket.socket(socket.AF_UNIX)\n"
		 "try:\n s.connect('\\0%s'); print('connected')\n"
		 "except OSError as e: print('refused', e.errno)\n",
		 name);
	sb_run(o, "--net", "host", "--landlock", mode, "--", "python3", "-c", code, NULL);
}

Test(landlock, host_abstract_sockets_are_out_of_reach)
{
	struct sb_out o;
	char name[64];
	int fd;

	if (landlock_abi() < 6)
		cr_skip_test("Landlock ABI %d has no scoping (needs 6, Linux 6.12)", landlock_abi());
	snprintf(name, sizeof(name), "sandbox-test-%d", getpid());
	fd = listen_abstract(name);
	connect_from_inside(&o, "off", name);
	sb_assert_out_has(&o, "connected"); /* the test can fail */
	connect_from_inside(&o, "auto", name);
	close(fd);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "refused 1"); /* EPERM */
}

Test(landlock, required_fails_closed_or_runs)
{
	struct sb_out o;

	sb_run(&o, "--landlock", "required", "--", "sh", "-c", "echo ok > /tmp/f && cat /tmp/f", NULL);
	if (landlock_abi() < 0) {
		sb_assert_status(&o, 125);
		sb_assert_err_has(&o, "Landlock is required");
	} else {
		sb_assert_status(&o, 0);
		sb_assert_out_has(&o, "ok");
	}
	sb_run(&o, "--landlock", "sometimes", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "unknown landlock mode 'sometimes'");
}

Test(landlock, writable_mounts_stay_writable)
{
	struct sb_out o;
	const char *dir = sb_user_dir("ll-rw");
	char spec[4200];

	snprintf(spec, sizeof(spec), "%s:/work", dir);
	sb_run(&o, "--bind", spec, "--landlock", "required", "--", "sh", "-c",
	       "mkdir /work/d && echo x > /work/d/f && mv /work/d/f /work/g && rm -r /work/d /work/g && "
	       "echo y > /tmp/t && echo z > /dev/null && mkfifo /tmp/p && echo ok",
	       NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "ok");
}
