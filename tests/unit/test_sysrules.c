/*
 * test_sysrules.c: the "syscalls" directive (sysrules.c) through the policy
 * parser: every action, operator and form parses to the rule it means, and
 * every error names the exact column of the bad word with its message.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/sched.h>
#include <stdio.h>
#include <string.h>

#include "plan.h"
#include "policy.h"

static struct sb_plan plan;
static struct sb_err err;

static void setup(void)
{
	plan_init(&plan);
	err = (struct sb_err)SB_ERR_INIT;
}

static void teardown(void)
{
	plan_free(&plan);
}

TestSuite(sysrules, .init = setup, .fini = teardown);

static int parse(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int r;

	cr_assert(f);
	r = policy_parse_stream(&plan, f, "t.policy", &err);
	fclose(f);
	return r;
}

/* "syscalls RULE" parses; returns the rule it added (or NULL for forms
 * that add none: default, arch). */
static const struct sb_sysrule *ok(const char *rule)
{
	char text[512];
	size_t before = plan.n_sysrules;

	snprintf(text, sizeof(text), "syscalls %s\n", rule);
	cr_assert_eq(parse(text), 0, "'%s': %s", rule, err.msg);
	return plan.n_sysrules > before ? &plan.sysrules[plan.n_sysrules - 1] : NULL;
}

/* "syscalls RULE" fails at 1-based column col with msg (the first line of
 * the error; the source line and caret follow it). */
static void fails(const char *rule, int col, const char *msg)
{
	char text[512], want[600];

	snprintf(text, sizeof(text), "syscalls %s\n", rule);
	cr_assert_lt(parse(text), 0, "'%s' parsed", rule);
	snprintf(want, sizeof(want), "t.policy:1:%d: error: syscalls: %s\n", col, msg);
	cr_assert(strncmp(err.msg, want, strlen(want)) == 0, "'%s'\n got: %s\nwant: %s", rule, err.msg, want);
	err = (struct sb_err)SB_ERR_INIT;
}

/* Column of the word at offset off of the rule ("syscalls " is 9 wide). */
#define AT(off) (10 + (off))

/* ---- what parses ---- */

Test(sysrules, every_action)
{
	const struct sb_sysrule *r;

	r = ok("allow read write");
	cr_assert_eq(r->action, SB_SYS_ALLOW);
	cr_assert_str_eq(r->names[0], "read");
	cr_assert_str_eq(r->names[1], "write");
	cr_assert_null(r->names[2]);
	r = ok("deny ptrace");
	cr_assert_eq(r->action, SB_SYS_ERRNO);
	cr_assert_eq(r->errnum, EPERM);
	r = ok("errno ENOSYS clone3");
	cr_assert_eq(r->action, SB_SYS_ERRNO);
	cr_assert_eq(r->errnum, ENOSYS);
	r = ok("errno 13 open");
	cr_assert_eq(r->errnum, 13);
	cr_assert_eq(ok("kill socket")->action, SB_SYS_KILL);
	cr_assert_eq(ok("log mount")->action, SB_SYS_LOG);
	cr_assert_eq(ok("trap uname")->action, SB_SYS_TRAP);
	r = ok("unsafe-allow io_uring_setup io_uring_enter");
	cr_assert_eq(r->action, SB_SYS_UNSAFE_ALLOW);
	cr_assert_str_eq(r->names[1], "io_uring_enter");
	cr_assert_eq(ok("allow @basic-io @file-system")->names[0][0], '@');
	cr_assert_eq(plan.sysrules[0].loc.line, 1);
}

Test(sysrules, default_action)
{
	cr_assert_null(ok("default errno EACCES"));
	cr_assert(plan.sys_default_set);
	cr_assert_eq(plan.sys_default, SB_SYS_ERRNO);
	cr_assert_eq(plan.sys_default_errnum, EACCES);
	ok("default kill");
	cr_assert_eq(plan.sys_default, SB_SYS_KILL);
	ok("default log");
	cr_assert_eq(plan.sys_default, SB_SYS_LOG);
}

Test(sysrules, every_operator)
{
	static const struct {
		const char *rule;
		enum sb_sys_op op;
		unsigned arg;
		uint64_t value;
	} t[] = {
		{ "deny ioctl if arg1 == TIOCSTI", SB_OP_EQ, 1, 0x5412 },
		{ "allow socket if arg0 != AF_INET6", SB_OP_NE, 0, 10 },
		{ "allow setpriority if arg2 < 10", SB_OP_LT, 2, 10 },
		{ "allow setpriority if arg2 <= 0x10", SB_OP_LE, 2, 16 },
		{ "deny write if arg0 > 2", SB_OP_GT, 0, 2 },
		{ "deny write if arg5 >= 18446744073709551615", SB_OP_GE, 5, UINT64_MAX },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const struct sb_sysrule *r = ok(t[i].rule);

		cr_assert_eq(r->n_conds, 1, "%s", t[i].rule);
		cr_assert_eq(r->conds[0].op, t[i].op, "%s", t[i].rule);
		cr_assert_eq(r->conds[0].arg, t[i].arg, "%s", t[i].rule);
		cr_assert_eq(r->conds[0].value, t[i].value, "%s", t[i].rule);
	}
}

Test(sysrules, masked_conditions_and_constant_unions)
{
	const struct sb_sysrule *r;

	/* "& MASK": every bit of MASK set. */
	r = ok("deny clone if arg0 & CLONE_NEWUSER");
	cr_assert_eq(r->conds[0].op, SB_OP_MASKED_EQ);
	cr_assert_eq(r->conds[0].mask, (uint64_t)CLONE_NEWUSER);
	cr_assert_eq(r->conds[0].value, (uint64_t)CLONE_NEWUSER);
	/* "& MASK == V": the masked bits equal V. */
	r = ok("allow personality if arg0 & 0xffff == 0");
	cr_assert_eq(r->conds[0].mask, 0xffffu);
	cr_assert_eq(r->conds[0].value, 0u);
	/* NAME|NAME ORs the constants. */
	r = ok("deny clone if arg0 & CLONE_NEWNS|CLONE_NEWPID");
	cr_assert_eq(r->conds[0].mask, (uint64_t)(CLONE_NEWNS | CLONE_NEWPID));
	/* "and" joins conditions on several arguments. */
	r = ok("allow socket if arg0 == AF_UNIX and arg1 == SOCK_STREAM and arg2 == 0");
	cr_assert_eq(r->n_conds, 3);
	cr_assert_eq(r->conds[1].arg, 1u);
	cr_assert_eq(r->conds[1].value, 1u);
	cr_assert_eq(r->conds[2].arg, 2u);
}

Test(sysrules, architectures)
{
	cr_assert_null(ok("arch x32"));
	cr_assert_eq(plan.sys_arches, SB_ARCH_X32);
	ok("arch i386 native");
	cr_assert_eq(plan.sys_arches, SB_ARCH_X32 | SB_ARCH_X86);
}

/* ---- every error, at its column ---- */

Test(sysrules, action_errors)
{
	fails("frob read", AT(0),
	      "unknown action 'frob' (expected default, allow, deny, errno ENAME, kill, log, trap, unsafe-allow or arch)");
	fails("errno", AT(5), "expected an errno name or number after 'errno', e.g. EPERM, EACCES, ENOSYS");
	fails("errno EWHAT read", AT(6), "expected an errno name or number after 'errno', e.g. EPERM, EACCES, ENOSYS");
	fails("errno 0 read", AT(6), "expected an errno name or number after 'errno', e.g. EPERM, EACCES, ENOSYS");
	fails("default", AT(7), "expected an action: allow, deny, errno ENAME, kill, log or trap");
	fails("default kill now", AT(13), "unexpected 'now' after the default action");
}

Test(sysrules, name_errors)
{
	fails("allow", AT(5), "expected at least one syscall name or @set after 'allow'");
	fails("errno EIO if arg0 == 1", AT(10), "expected at least one syscall name or @set after 'EIO'");
	fails("allow read bogus_call", AT(11), "unknown syscall 'bogus_call'");
	fails("allow @nope", AT(6), "unknown syscall set '@nope' (see 'sandbox explain syscalls')");
	fails("unsafe-allow @mount", AT(13), "unsafe-allow takes syscall names, not sets ('@mount')");
	fails("unsafe-allow bpf read", AT(17),
	      "'read' is not part of the always-on hardening; use 'allow' (see 'sandbox explain syscalls')");
	fails("allow @basic-io if arg0 == 1", AT(16),
	      "conditions apply to syscalls named one by one, not to @sets or unsafe-allow");
	fails("unsafe-allow ioctl if arg1 == TIOCSTI", AT(19),
	      "conditions apply to syscalls named one by one, not to @sets or unsafe-allow");
}

Test(sysrules, condition_errors)
{
	fails("deny ioctl if argx == 1", AT(14), "expected arg0 .. arg5 in a condition");
	fails("deny ioctl if arg6 == 1", AT(14), "expected arg0 .. arg5 in a condition");
	fails("deny ioctl if", AT(13), "expected arg0 .. arg5 in a condition");
	fails("deny ioctl if arg1 =~ 1", AT(19), "expected an operator after 'arg1': == != < <= > >= or &");
	fails("deny ioctl if arg1 ==", AT(21), "expected a value after '=='");
	fails("deny ioctl if arg1 == TIOCSTX", AT(22), "unknown constant 'TIOCSTX' (see 'sandbox explain syscalls')");
	fails("deny clone if arg0 & CLONE_NEWNS|BOGUS", AT(33),
	      "unknown constant 'BOGUS' (see 'sandbox explain syscalls')");
	fails("deny ioctl if arg1 == 12abc", AT(22), "'12abc' is not a number (decimal or 0x hex, at most 64 bits)");
	fails("deny ioctl if arg1 == 99999999999999999999", AT(22),
	      "'99999999999999999999' is not a number (decimal or 0x hex, at most 64 bits)");
	fails("deny clone if arg0 & CLONE_NEWNS||CLONE_NEWPID", AT(33),
	      "expected a number or a constant name in 'CLONE_NEWNS||CLONE_NEWPID'");
	fails("deny clone if arg0 & 0xff ==", AT(28), "expected a value after '=='");
	fails("deny ioctl if arg1 == 1 arg2 == 2", AT(24), "expected 'and' or the end of the rule, got 'arg2'");
	fails("deny ioctl if arg0 == 1 and arg1 == 1 and arg2 == 1 and arg3 == 1 and arg4 == 1 and arg5 == 1 and "
	      "arg0 == 2",
	      AT(98), "at most 6 conditions in one rule");
}

Test(sysrules, arch_errors)
{
	fails("arch", AT(4), "expected x86 or x32 after 'arch'");
	fails("arch x32 arm64", AT(9), "unknown architecture 'arm64' (expected x86 or x32)");
}
