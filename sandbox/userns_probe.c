/*
 * userns_probe.c: can this caller make the sandbox's namespaces here, and
 * if not, which knob says no and how to turn it. Part of the user
 * namespace layer: the launcher's clone failure (launcher.c) and `sandbox
 * doctor` both go through userns_explain(), so a run that fails and the
 * doctor that diagnoses it print the same sysctl.
 *
 * The probe creates the namespaces a run creates (user, mount, pid, ipc,
 * uts, net, cgroup) with unshare(2) in a short-lived child, as the caller,
 * and reports the child's errno; nothing outlives the child. The knobs:
 * user.max_user_namespaces (0 disables them; ENOSPC), Debian's
 * kernel.unprivileged_userns_clone (0: EPERM for non-root), Ubuntu 24.04's
 * kernel.apparmor_restrict_unprivileged_userns (1: EPERM, or a namespace
 * without capabilities), and a container's seccomp profile (EPERM).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layers.h"

#define MAX_USERNS "/proc/sys/user/max_user_namespaces"
#define UNPRIV_CLONE "/proc/sys/kernel/unprivileged_userns_clone"
#define APPARMOR_RESTRICT "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"

long userns_sysctl(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int userns_explain(int e, struct sb_err *err)
{
	int r;

	if (e == ENOSPC || e == EUSERS) {
		if (userns_sysctl(MAX_USERNS) == 0)
			r = sb_failx(err, e, "cannot create a user namespace: the sysctl user.max_user_namespaces is 0");
		else
			r = sb_failx(err, e, "cannot create a user namespace: user.max_user_namespaces is used up");
		sb_hint(err, "as root: sysctl -w user.max_user_namespaces=15000; to keep it, put "
			     "user.max_user_namespaces=15000 in /etc/sysctl.d/50-userns.conf");
	} else if (e == EPERM && userns_sysctl(UNPRIV_CLONE) == 0) {
		r = sb_failx(err, e, "cannot create a user namespace: the sysctl kernel.unprivileged_userns_clone is 0");
		sb_hint(err, "as root: sysctl -w kernel.unprivileged_userns_clone=1; to keep it, put "
			     "kernel.unprivileged_userns_clone=1 in /etc/sysctl.d/50-userns.conf");
	} else if (e == EPERM && userns_sysctl(APPARMOR_RESTRICT) == 1) {
		r = sb_failx(err, e, "cannot create a user namespace: AppArmor restricts unprivileged ones "
				     "(kernel.apparmor_restrict_unprivileged_userns is 1)");
		sb_hint(err, "as root: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or give sandbox an "
			     "AppArmor profile with 'userns,'");
	} else if (e == EPERM) {
		r = sb_failx(err, e, "cannot create a user namespace: the kernel refused (EPERM)");
		sb_hint(err, "in a container, allow clone/unshare of user namespaces in its seccomp profile"
			     ", e.g. docker --security-opt seccomp=unconfined; on Debian check "
			     "kernel.unprivileged_userns_clone, on Ubuntu kernel.apparmor_restrict_unprivileged_userns");
	} else {
		r = sb_fail(err, e, "create the sandbox's namespaces");
	}
	return r;
}

int userns_probe(struct sb_err *err)
{
	const int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET |
			  CLONE_NEWCGROUP;
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return sb_fail(err, errno, "fork a probe");
	if (pid == 0)
		_exit(unshare(flags) == 0 ? 0 : errno);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return sb_fail(err, errno, "wait for the probe");
	if (!WIFEXITED(st))
		return sb_failx(err, EIO, "the namespace probe died of signal %d", WTERMSIG(st));
	return WEXITSTATUS(st) ? userns_explain(WEXITSTATUS(st), err) : 0;
}
