/*
 * test_learn.c: the pure parts of `sandbox learn`: the classic-BPF
 * interpreter the listener runs the hardening with, path normalization,
 * and the policy writer (set cover, conditions, collapsing, what the base
 * already covers) on made-up observations.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "learn.h"
#include "observe.h"
#include "policy.h"
#include "seccomp.h"
#include "seccomp_int.h"
#include "syscall_sets.h"

/* libseccomp's (its <seccomp.h> is shadowed by ours). */
int seccomp_syscall_resolve_name(const char *name);

static struct sb_seccomp learn_filter(void)
{
	static const struct sb_loc loc = { 0 };
	struct sb_err err = SB_ERR_INIT;
	struct sb_seccomp s;
	struct sb_plan p;

	plan_init(&p);
	cr_assert_eq(policy_load(&p, "default", &loc, &err), 0, "%s", err.msg);
	p.learn = true;
	cr_assert_eq(seccomp_prepare(&p, &s, &err), 0, "%s", err.msg);
	plan_free(&p);
	cr_assert(s.learn_prog && s.learn_len > 10);
	return s;
}

static uint32_t decide(const struct sb_seccomp *s, uint32_t arch, int nr, uint64_t a0, uint64_t a1)
{
	struct seccomp_data d = { .nr = nr, .arch = arch, .args = { a0, a1 } };

	return sc_bpf_run(s->learn_prog, s->learn_len, &d);
}

Test(learn_bpf, the_listener_applies_the_hardening_as_the_kernel_would)
{
	struct sb_seccomp s = learn_filter();
	const uint32_t x64 = AUDIT_ARCH_X86_64, eperm = SECCOMP_RET_ERRNO | EPERM;

	cr_assert_eq(decide(&s, x64, SYS_read, 0, 0), SECCOMP_RET_ALLOW);
	cr_assert_eq(decide(&s, x64, SYS_ptrace, 0, 0), eperm);
	cr_assert_eq(decide(&s, x64, SYS_clone3, 0, 0), SECCOMP_RET_ERRNO | ENOSYS);
	cr_assert_eq(decide(&s, x64, SYS_clone, CLONE_VM | CLONE_THREAD | CLONE_SIGHAND, 0), SECCOMP_RET_ALLOW);
	cr_assert_eq(decide(&s, x64, SYS_clone, CLONE_NEWUSER | 17, 0), eperm);
	cr_assert_eq(decide(&s, x64, SYS_unshare, CLONE_NEWNET, 0), eperm);
	cr_assert_eq(decide(&s, x64, SYS_ioctl, 0, TCGETS), SECCOMP_RET_ALLOW);
	cr_assert_eq(decide(&s, x64, SYS_ioctl, 0, TIOCSTI), eperm);
	/* ioctl's cmd is an unsigned int: the upper half cannot dodge it. */
	cr_assert_eq(decide(&s, x64, SYS_ioctl, 0, (1ull << 32) | TIOCSTI), eperm);
	/* Other ABIs never reach a rule. */
	cr_assert_eq(decide(&s, x64, 0x40000000 | SYS_read, 0, 0), SECCOMP_RET_KILL_PROCESS);
	cr_assert_eq(decide(&s, AUDIT_ARCH_I386, 3, 0, 0), SECCOMP_RET_KILL_PROCESS);
	seccomp_teardown(&s);
}

Test(learn_bpf, interpreter_covers_scratch_memory_and_x)
{
	const struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_LDX | BPF_IMM, 5),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_MEM, 3),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 7, 0, 1),
		BPF_STMT(BPF_MISC | BPF_TXA, 0),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct seccomp_data d = { .nr = 7 };

	cr_assert_eq(sc_bpf_run(prog, 9, &d), 12);
	d.nr = 8; /* not 7: jumps over TXA, returns nr */
	cr_assert_eq(sc_bpf_run(prog, 9, &d), 8);
	/* Off the end, or an out-of-range load: what the kernel refuses. */
	cr_assert_eq(sc_bpf_run(prog, 2, &d), SECCOMP_RET_KILL_PROCESS);
}

Test(learn_observe, normalize)
{
	const char *cases[][2] = {
		{ "/a/b/../c", "/a/c" },   { "/a/./b//c/", "/a/b/c" }, { "/../..", "/" },
		{ "/", "/" },		   { "/a/..", "/" },	       { "//x/y/../../z", "/z" },
		{ "/tmp/x/.", "/tmp/x" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[64];

		snprintf(buf, sizeof(buf), "%s", cases[i][0]);
		observe_normalize(buf);
		cr_assert_str_eq(buf, cases[i][1], "%s", cases[i][0]);
	}
}

/* ---- the writer ---- */

static char dir[64];
static struct sb_plan base;

static void writer_setup(void)
{
	static const struct sb_loc loc = { 0 };
	struct sb_err err = SB_ERR_INIT;
	char cmd[200];

	snprintf(dir, sizeof(dir), "/var/tmp/sb-learn-unit.XXXXXX");
	cr_assert(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cd %s && mkdir -p many few/sub && touch many/1 many/2 many/3 many/4 few/a few/b", dir);
	cr_assert(system(cmd) == 0);
	plan_init(&base);
	cr_assert_eq(policy_load(&base, "default", &loc, &err), 0, "%s", err.msg);
}

static void writer_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	plan_free(&base);
}

static char *write_policy(const struct sb_observed *o, const char *home)
{
	char *text = NULL, *inc[] = { (char *)"default" };
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct learn_ctx c = { .base = &base, .includes = inc, .n_includes = 1, .home = home };

	cr_assert(f);
	learn_write(f, &c, o);
	fclose(f);
	return text;
}

static const char *p(const char *rel)
{
	static char buf[8][128];
	static int i;
	char *b = buf[i++ % 8];

	snprintf(b, 128, "%s/%s", dir, rel);
	return b;
}

static void has(const char *text, const char *s)
{
	cr_assert(strstr(text, s), "lacks '%s' in:\n%s", s, text);
}

static void lacks(const char *text, const char *s)
{
	cr_assert(!strstr(text, s), "has '%s' in:\n%s", s, text);
}

TestSuite(learn_writer, .init = writer_setup, .fini = writer_teardown);

Test(learn_writer, files_beyond_the_base)
{
	struct sb_observed *o = observe_new();
	char line[256], *text;

	for (int i = 1; i <= 4; i++) {
		char n[8];

		snprintf(n, sizeof(n), "many/%d", i);
		observe_path(o, p(n), SB_OBS_READ);
	}
	observe_path(o, p("few/a"), SB_OBS_READ);
	observe_path(o, p("few/b"), SB_OBS_WRITE);
	observe_path(o, p("few/sub"), SB_OBS_CREATE | SB_OBS_DIR);
	observe_path(o, p("missing"), SB_OBS_READ); /* a probe: ENOENT */
	observe_path(o, "/usr/lib/os-release", SB_OBS_READ); /* the base has /usr */
	observe_path(o, "/usr/share/x", SB_OBS_CREATE | SB_OBS_DIR); /* refused: read-only */
	text = write_policy(o, NULL);
	snprintf(line, sizeof(line), "\nro-bind %s\n", p("many")); /* four files: the directory */
	has(text, line);
	lacks(text, "many/1");
	snprintf(line, sizeof(line), "\nro-bind %s\n", p("few/a"));
	has(text, line);
	snprintf(line, sizeof(line), "\nbind %s\n", p("few/b"));
	has(text, line);
	snprintf(line, sizeof(line), "\nbind %s\n", p("few/sub"));
	has(text, line);
	lacks(text, "missing");
	lacks(text, "os-release");
	has(text, "# note: written under a read-only part of the base, refused while learning too: /usr/share/x");
	free(text);
	/* Never widened into the home directory as a whole. */
	text = write_policy(o, p("many"));
	snprintf(line, sizeof(line), "\nro-bind %s\n", p("many/1"));
	has(text, line);
	free(text);
	observe_free(o);
}

Test(learn_writer, a_host_file_under_the_base_tmpfs_is_bound_in)
{
	struct sb_observed *o = observe_new();
	char line[256], path[128], *text;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/sb-learn-unit-%d", (int)getpid());
	f = fopen(path, "w");
	cr_assert(f);
	fclose(f);
	observe_path(o, path, SB_OBS_READ);
	observe_path(o, "/tmp/made-inside-only", SB_OBS_READ); /* not on the host: the run's own */
	observe_path(o, "/tmp", SB_OBS_CREATE | SB_OBS_DIR); /* the tmpfs is writable */
	text = write_policy(o, NULL);
	unlink(path);
	snprintf(line, sizeof(line), "\nro-bind %s\n", path);
	has(text, line);
	lacks(text, "made-inside-only");
	lacks(text, "bind /tmp\n");
	free(text);
	observe_free(o);
}

Test(learn_writer, syscalls_as_fewest_sets_and_names)
{
	struct sb_observed *o = observe_new();
	const struct sb_syscall_set *sig = syscall_set_find("@signal");
	char *text;

	for (const char *const *m = sig->members; *m; m++)
		observe_syscall(o, seccomp_syscall_resolve_name(*m));
	observe_syscall(o, SYS_read);
	observe_syscall(o, SYS_socket);
	observe_arg(o, SYS_socket, 0, AF_UNIX);
	observe_arg(o, SYS_socket, 0, AF_INET6);
	observe_syscall(o, SYS_ioctl);
	observe_arg(o, SYS_ioctl, 1, TCGETS);
	observe_syscall(o, SYS_clone);
	observe_arg(o, SYS_clone, 0, CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | 17);
	observe_refused(o, "ptrace");
	observe_refused(o, "clone3");
	text = write_policy(o, NULL);
	/* every native member of @signal was made: the set, not its names */
	has(text, "\nsyscalls allow @signal read\n");
	lacks(text, "rt_sigaction");
	has(text, "\nsyscalls allow socket if arg0 == AF_UNIX\n");
	has(text, "\nsyscalls allow socket if arg0 == AF_INET6\n");
	has(text, "\nsyscalls allow ioctl if arg1 == TCGETS\n");
	has(text, "\nsyscalls allow clone if arg0 == CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|17\n");
	has(text, "\nsyscalls deny ptrace\n"); /* EPERM kept, not the default's kill */
	lacks(text, "deny clone3"); /* ENOSYS is answered whatever the policy says */
	has(text, "#   refused clone3 (ENOSYS): ");
	has(text, "\nsyscalls default kill\n");
	has(text, "\nnet none\n");
	free(text);
	observe_free(o);
}

Test(learn_writer, network_destinations)
{
	struct sb_observed *o = observe_new();
	struct sb_obs_net out = { .op = SB_OBS_CONNECT, .family = AF_INET, .type = SOCK_STREAM,
				  .addr = { 192, 0, 2, 7 }, .port = 443 };
	struct sb_obs_net udp6 = { .op = SB_OBS_SEND, .family = AF_INET6, .type = SOCK_DGRAM,
				   .addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, .port = 5353 };
	struct sb_obs_net host = { .op = SB_OBS_CONNECT, .family = AF_INET, .type = SOCK_STREAM,
				   .addr = { 127, 0, 0, 1 }, .port = 8080 };
	struct sb_obs_net own = { .op = SB_OBS_CONNECT, .family = AF_INET, .type = SOCK_STREAM,
				  .addr = { 127, 0, 0, 1 }, .port = 9000 };
	struct sb_obs_net own_bind = { .op = SB_OBS_BIND, .family = AF_INET, .type = SOCK_STREAM,
				       .addr = { 127, 0, 0, 1 }, .port = 9000 };
	char *text;

	observe_net(o, &out);
	observe_net(o, &udp6);
	observe_net(o, &host);
	observe_net(o, &own);
	observe_net(o, &own_bind);
	{
		struct sb_obs_net server = { .op = SB_OBS_BIND, .family = AF_INET, .type = SOCK_STREAM, .port = 8000 };

		observe_net(o, &server); /* 0.0.0.0:8000 */
	}
	text = write_policy(o, NULL);
	has(text, "# note: the command served port 8000: from the host it is reachable only with net user and "
		  "'publish 8000:8000'");
	has(text, "allow-net 192.0.2.7:443\n");
	has(text, "allow-net [2001:db8::1]:5353/udp\n");
	has(text, "allow-net host-loopback:8080\n");
	lacks(text, "9000");
	has(text, "net user\n");
	free(text);
	observe_free(o);
}
