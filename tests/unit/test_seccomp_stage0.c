/*
 * test_seccomp_stage0.c: stage 0 of the filter (seccomp_bpf.c) with long
 * rule lists, run by the kernel: a syscall with hundreds of argument
 * rules gets each one right (a conditional BPF jump reaches only 255
 * instructions: such groups are skipped with a JA), and a filter past the
 * kernel's size limit is refused naming the limit and the rule. The
 * filter is loaded in a forked child, never in the test process.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plan.h"
#include "policy.h"
#include "seccomp.h"

static int prepare_text(const char *text, struct sb_seccomp *s, struct sb_err *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct sb_plan p;
	int r;

	cr_assert(f);
	plan_init(&p);
	r = policy_parse_stream(&p, f, "long.policy", err);
	fclose(f);
	cr_assert_eq(r, 0, "%s", err->msg);
	r = seccomp_prepare(&p, s, err);
	plan_free(&p);
	return r;
}

/* "syscalls default allow" plus n rules "errno E2BIG ioctl if arg1 ==
 * 1000+i", then one with two conditions. */
static char *long_policy(int n)
{
	size_t cap = 64 + (size_t)n * 64, off = 0;
	char *t = malloc(cap);

	cr_assert(t);
	off += (size_t)snprintf(t + off, cap - off, "syscalls default allow\n");
	for (int i = 0; i < n; i++)
		off += (size_t)snprintf(t + off, cap - off, "syscalls errno E2BIG ioctl if arg1 == %d\n", 1000 + i);
	snprintf(t + off, cap - off, "syscalls errno EDOM ioctl if arg1 == 5000 and arg2 == 7\n");
	return t;
}

/* In a child: load the filter, make ioctl(-1, cmd, arg) calls, report
 * the first answer that is not what the rules say as the exit status. */
static int run_child(const struct sb_seccomp *s, int n)
{
	struct sock_fprog prog = { .len = (unsigned short)s->prog_len, .filter = s->prog };
	pid_t pid = fork();
	int st;

	cr_assert(pid >= 0);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
			_exit(100);
		for (int i = 0; i < n; i++)
			if (syscall(SYS_ioctl, -1, 1000 + i, 0) != -1 || errno != E2BIG)
				_exit(101);
		if (syscall(SYS_ioctl, -1, 5000, 7) != -1 || errno != EDOM)
			_exit(102);
		/* Unmatched: reaches the kernel, which answers EBADF. */
		if (syscall(SYS_ioctl, -1, 5000, 8) != -1 || errno != EBADF)
			_exit(103);
		if (syscall(SYS_ioctl, -1, 999, 0) != -1 || errno != EBADF)
			_exit(104);
		_exit(0);
	}
	cr_assert(waitpid(pid, &st, 0) == pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* 300 rules on one syscall: the group is some 1500 instructions, far
 * beyond a conditional jump; it used to fail with "stage 0 jump out of
 * range" past about 50. */
Test(stage0, hundreds_of_argument_rules_on_one_syscall)
{
	struct sb_err err = SB_ERR_INIT;
	struct sb_seccomp s;
	char *text = long_policy(300);

	cr_assert_eq(prepare_text(text, &s, &err), 0, "%s", err.msg);
	cr_assert_eq(run_child(&s, 300), 0, "a rule did not give its answer (exit code names which)");
	seccomp_teardown(&s);
	free(text);
}

/* Short groups keep the one-jump form: 40 rules still fit in 255. */
Test(stage0, few_rules_still_work)
{
	struct sb_err err = SB_ERR_INIT;
	struct sb_seccomp s;
	char *text = long_policy(40);

	cr_assert_eq(prepare_text(text, &s, &err), 0, "%s", err.msg);
	cr_assert_eq(run_child(&s, 40), 0);
	seccomp_teardown(&s);
	free(text);
}

/* Past BPF_MAXINSNS: refused, naming the limit, the syscall and where its
 * rules start. */
Test(stage0, past_the_kernel_limit_names_limit_and_place)
{
	struct sb_err err = SB_ERR_INIT;
	struct sb_seccomp s;
	char *text = long_policy(2000);

	cr_assert_eq(prepare_text(text, &s, &err), -E2BIG, "%s", err.msg);
	cr_assert(strstr(err.msg, "more than the kernel's limit of 4096 (BPF_MAXINSNS)") &&
			  strstr(err.msg, "ioctl has 2002 of them, the first at long.policy:2:10"),
		  "%s", err.msg);
	seccomp_teardown(&s);
	free(text);
}
