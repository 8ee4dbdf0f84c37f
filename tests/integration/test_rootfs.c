/*
 * test_rootfs.c: `sandbox run --rootfs IMAGE` as the unprivileged test user
 * on an image owned by root (the test process is root under make test):
 * the image is never written to, mounts made on it keep the writability
 * they ask for, the default policy does not bind the host's /usr over it,
 * and symlinks in the image are followed inside the new root.
 */
#include "harness.h"

#include <dirent.h>

/* A busybox image: /bin/busybox and a few applet links, /etc/hostname (a
 * file mount point that exists), /var/run -> /run (an absolute link), no
 * /proc, /dev, /tmp, /usr (mount points the image lacks). Returns its path. */
static const char *make_image(void)
{
	static char root[4096];
	char cmd[16384];

	if (access("/bin/busybox", X_OK) < 0)
		cr_skip_test("busybox-static is not installed");
	snprintf(root, sizeof(root), "%s/image-%d", sb_testdir(), getpid());
	snprintf(cmd, sizeof(cmd),
		 "set -e; rm -rf %1$s; mkdir -p %1$s/bin %1$s/etc %1$s/var; cp /bin/busybox %1$s/bin/; "
		 "for a in sh ls cat touch echo grep; do ln -s busybox %1$s/bin/$a; done; "
		 "echo image > %1$s/etc/hostname; ln -s /run %1$s/var/run; chmod -R go-w %1$s",
		 root);
	cr_assert_eq(system(cmd), 0);
	return root;
}

/* Every name and mtime under dir, to see that nothing changed. */
static void listing(const char *dir, char *buf, size_t len)
{
	char cmd[4200];
	FILE *f;
	size_t n;

	snprintf(cmd, sizeof(cmd), "cd %s && find . -printf '%%p %%y %%T@ %%s\\n' | sort", dir);
	f = popen(cmd, "r");
	cr_assert(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	pclose(f);
}

Test(rootfs, image_is_never_written_and_mounts_keep_their_writability)
{
	static struct sb_out o;
	static char before[65536], after[65536];
	const char *img = make_image();
	const char *rw = sb_user_dir("rootfs-rw");
	char bind[4300];

	listing(img, before, sizeof(before));
	snprintf(bind, sizeof(bind), "%s:/var/run/data", rw);
	/* The default policy (no --policy): /proc, /dev, /tmp are mount
	 * points the image lacks; /var/run/data is reached through the
	 * image's absolute link /var/run -> /run. */
	sb_run(&o, "--rootfs", img, "--bind", bind, "--", "/bin/sh", "-c",
	       "echo x > /run/data/f && echo bind-rw; echo x > /tmp/t && echo tmp-rw; "
	       "echo x > /dev/null && echo devnull-rw; touch /new 2>&1; touch /bin/new 2>&1; "
	       "ls /usr 2>&1; cat /etc/hostname",
	       NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "bind-rw\ntmp-rw\ndevnull-rw\n");
	sb_assert_out_has(&o, "touch: /new: Read-only file system");
	sb_assert_out_has(&o, "touch: /bin/new: Read-only file system");
	/* The host's /usr is not bound over the image (system-ro-bind). */
	sb_assert_out_has(&o, "ls: /usr: No such file or directory");
	sb_assert_out_has(&o, "image\n");
	listing(img, after, sizeof(after));
	cr_assert_str_eq(after, before, "the image changed");
	snprintf(bind, sizeof(bind), "%s/f", rw);
	cr_assert(access(bind, F_OK) == 0, "the bind through /var/run did not reach the host dir");
}

Test(rootfs, file_and_dir_mount_points_in_a_root_owned_image)
{
	static struct sb_out o;
	static char before[65536], after[65536];
	const char *img = make_image();
	const char *host = sb_write_file("rootfs-host", "from-host\n");
	char a[4300], b[4300];

	listing(img, before, sizeof(before));
	/* An existing file mount point, a missing one, and one deep under a
	 * directory the image lacks. */
	snprintf(a, sizeof(a), "%s:/etc/hostname", host);
	snprintf(b, sizeof(b), "%s:/opt/deep/file", host);
	sb_run(&o, "--rootfs", img, "--ro-bind", a, "--ro-bind", b, "--tmpfs", "/etc/extra", "--dir", "/srv/d",
	       "--symlink", "/bin/busybox:/bin/id", "--", "/bin/sh", "-c",
	       "cat /etc/hostname /opt/deep/file; echo y > /etc/extra/y && echo extra-rw; ls -d /srv/d; "
	       "/bin/id -u && echo link; ls /bin | grep -c .",
	       NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "from-host\nfrom-host\nextra-rw\n/srv/d\n0\nlink\n");
	/* busybox, its 6 links and the new one */
	sb_assert_out_has(&o, "8\n");
	listing(img, after, sizeof(after));
	cr_assert_str_eq(after, before, "the image changed");
}

Test(rootfs, explicit_bind_of_usr_is_kept_with_rootfs)
{
	static struct sb_out o;
	const char *img = make_image();

	/* Only system-ro-bind is dropped: a bind the caller asks for stays. */
	sb_run(&o, "--rootfs", img, "--ro-bind", "/usr", "--", "/bin/sh", "-c", "ls -d /usr/bin", NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "/usr/bin\n");
}
