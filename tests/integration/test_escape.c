/*
 * test_escape.c: a hostile payload tries the classic ways out of a
 * namespace sandbox; each must fail. The attempts live in
 * tests/helpers/escape.c, bound read-only into the sandbox.
 */
#include <sys/syscall.h>

#include "harness.h"

TestSuite(escape, .timeout = 60);

static void attempt(const char *name, const char *arg)
{
	struct sb_out o;
	char bind[4200];

	snprintf(bind, sizeof(bind), "%s:/escape", sb_helper("escape"));
	sb_run(&o, "--ro-bind", bind, "--", "/escape", name, arg, NULL);
	cr_assert(strstr(o.out, "blocked:") != NULL && o.status == 0, "%s: status %d\n%s%s", name, o.status,
		  o.out, o.err);
}

Test(escape, ptrace_pid1) { attempt("ptrace-init", NULL); }
Test(escape, kill_pid1) { attempt("kill-init", NULL); }
Test(escape, chroot) { attempt("chroot", NULL); }
Test(escape, mount) { attempt("mount", NULL); }
Test(escape, nested_userns_root) { attempt("userns-root", NULL); }
Test(escape, open_by_handle) { attempt("by-handle", NULL); }
Test(escape, proc_pid1_root) { attempt("proc-root", NULL); }
Test(escape, mknod) { attempt("mknod", NULL); }
Test(escape, sysrq) { attempt("sysrq", NULL); }
Test(escape, tiocsti) { attempt("tiocsti", NULL); }
Test(escape, root_inside_is_powerless) { attempt("privileged", NULL); }

Test(escape, session_keyring_is_not_the_callers)
{
	struct sb_out o;
	char script[8192];
	const char *argv[] = { "/bin/sh", "-c", script, NULL };

	/* Ask for the caller's session keyring id as the test user, then
	 * compare inside. keyctl(KEYCTL_GET_KEYRING_ID, SESSION, create=1). */
	snprintf(script, sizeof(script),
		 "id=$(python3 -c 'import ctypes;l=ctypes.CDLL(None);print(l.syscall(250,0,-3,1))'); "
		 "%s run --ro-bind %s:/escape -- /escape keyring $id",
		 sb_bin(), sb_helper("escape"));
	sb_exec(SB_AS_USER, argv, NULL, 30, &o);
	cr_assert(strstr(o.out, "blocked:") && o.status == 0, "status %d\n%s%s", o.status, o.out, o.err);
}

/* /proc/keys and /proc/key-users are not namespaced: they listed the
 * caller's keyrings with their descriptions (_uid.1000, a key's name) and
 * every uid's key quota. Masked: empty inside. */
Test(escape, proc_keys_masked)
{
	struct sb_out o;
	char script[8192];
	const char *argv[] = { "/bin/sh", "-c", script, NULL };

	/* A key of the caller's own, named so it would show. */
	snprintf(script, sizeof(script),
		 "python3 -c 'import ctypes;l=ctypes.CDLL(None);"
		 "l.syscall(248,b\"user\",b\"sb-test-secret-name\",b\"x\",1,-4)'; "
		 "%s run -- /bin/sh -c 'cat /proc/keys /proc/key-users; echo done'", sb_bin());
	sb_exec(SB_AS_USER, argv, NULL, 30, &o);
	cr_assert_eq(o.status, 0, "%s%s", o.out, o.err);
	cr_assert_str_eq(o.out, "done\n", "/proc/keys or /proc/key-users shows:\n%s", o.out);
}
