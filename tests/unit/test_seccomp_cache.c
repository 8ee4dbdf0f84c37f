/*
 * test_seccomp_cache.c: the kernel caches "always allowed" per syscall
 * number (seccomp's action cache) only when the whole filter decides that
 * syscall from the number and the architecture alone. That is what makes
 * an allowed syscall cost no more under the default or judge filter than
 * under an allow-all one, so it is checked here on the finished program
 * (stage 0 hardening + stage 1 tree) with the kernel's own rule
 * (kernel/seccomp.c, seccomp_is_const_allow): only loads of nr and arch,
 * jumps on constants and returns may lie on the syscall's path.
 */
#include <criterion/criterion.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>

#include "policy.h"
#include "seccomp.h"
#include "syscall_sets.h"

/* libseccomp's (its <seccomp.h> is shadowed by ours under -Isandbox). */
int seccomp_syscall_resolve_name(const char *name);

enum verdict { CONST_ALLOW, NOT_CONST, CONST_OTHER };

static enum verdict emulate(const struct sock_filter *f, size_t len, uint32_t nr)
{
	uint32_t acc = 0;

	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &f[pc];
		bool taken;

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k == offsetof(struct seccomp_data, nr))
				acc = nr;
			else if (i->k == offsetof(struct seccomp_data, arch))
				acc = AUDIT_ARCH_X86_64;
			else
				return NOT_CONST; /* args or instruction pointer */
			continue;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			continue;
		case BPF_JMP | BPF_JEQ | BPF_K:
			taken = acc == i->k;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			taken = acc > i->k;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			taken = acc >= i->k;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			taken = (acc & i->k) != 0;
			break;
		case BPF_RET | BPF_K:
			return i->k == SECCOMP_RET_ALLOW ? CONST_ALLOW : CONST_OTHER;
		default:
			return NOT_CONST;
		}
		pc += taken ? i->jt : i->jf;
	}
	return NOT_CONST;
}

static void filter_of(const char *policy, struct sb_seccomp *s)
{
	static const struct sb_loc loc = { 0 };
	struct sb_err err = SB_ERR_INIT;
	struct sb_plan p;

	plan_init(&p);
	cr_assert_eq(policy_load(&p, policy, &loc, &err), 0, "%s", err.msg);
	cr_assert_eq(seccomp_prepare(&p, s, &err), 0, "%s", err.msg);
	plan_free(&p);
}

static enum verdict verdict_for(const struct sb_seccomp *s, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	cr_assert_geq(nr, 0, "%s is not an x86_64 syscall", name);
	return emulate(s->prog, s->prog_len, (uint32_t)nr);
}

/* Every member of @default and @basic-io that exists on x86_64. */
static void assert_sets_cached(const struct sb_seccomp *s, const char *policy)
{
	static const char *const sets[] = { "@default", "@basic-io" };

	for (size_t k = 0; k < 2; k++)
		for (const char *const *m = syscall_set_find(sets[k])->members; *m; m++) {
			if (seccomp_syscall_resolve_name(*m) < 0 || strcmp(*m, "execve") == 0)
				continue;
			cr_expect_eq(verdict_for(s, *m), CONST_ALLOW, "%s under %s: the kernel cannot cache it",
				     *m, policy);
		}
}

Test(seccomp_cache, default_policy_allows_from_the_number_alone)
{
	struct sb_seccomp s;

	filter_of("default", &s);
	assert_sets_cached(&s, "default");
	/* Argument checks of the always-on hardening: run every time. */
	cr_expect_eq(verdict_for(&s, "ioctl"), NOT_CONST);
	cr_expect_eq(verdict_for(&s, "clone"), NOT_CONST);
	/* Denied outright: decided from the number too. */
	cr_expect_eq(verdict_for(&s, "bpf"), CONST_OTHER);
	seccomp_teardown(&s);
}

Test(seccomp_cache, judge_policy_allows_from_the_number_alone)
{
	struct sb_seccomp s;

	filter_of("judge", &s);
	assert_sets_cached(&s, "judge");
	cr_expect_eq(verdict_for(&s, "socket"), NOT_CONST); /* if arg0 != AF_UNIX */
	cr_expect_eq(verdict_for(&s, "getsockname"), CONST_ALLOW);
	cr_expect_eq(verdict_for(&s, "setuid"), CONST_OTHER); /* killed */
	seccomp_teardown(&s);
}
