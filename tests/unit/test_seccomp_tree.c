/*
 * test_seccomp_tree.c: the direct stage-1 emitter must decide every
 * syscall number exactly as libseccomp's tree does for the same table.
 * Both programs run in a small classic-BPF interpreter over every number
 * of the table and past it.
 */
#include <criterion/criterion.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>

#include "options.h"
#include "policy.h"
#include "seccomp_int.h"

/* Enough of classic BPF for seccomp stage-1 programs. */
static uint32_t run_bpf(const struct sock_filter *f, size_t len, const struct seccomp_data *d)
{
	uint32_t acc = 0, x = 0;

	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &f[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			cr_assert(i->k % 4 == 0 && i->k < sizeof(*d));
			memcpy(&acc, (const char *)d + i->k, 4);
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += acc == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += acc > i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += acc >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (acc & i->k) ? i->jt : i->jf;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			acc &= i->k;
			break;
		case BPF_MISC | BPF_TAX:
			x = acc;
			break;
		case BPF_MISC | BPF_TXA:
			acc = x;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			cr_assert_fail("opcode 0x%x not in the interpreter", i->code);
		}
	}
	cr_assert_fail("fell off the end of the program");
	return 0;
}

static void compare(const char *policy_text)
{
	struct sb_plan p;
	struct sb_err err = SB_ERR_INIT;
	struct sc_table *t = calloc(1, sizeof(*t));
	struct sock_filter *mine = NULL, *ref = NULL;
	size_t n_mine = 0, n_ref = 0;
	FILE *f = fmemopen((void *)policy_text, strlen(policy_text), "r");

	plan_init(&p);
	cr_assert_eq(policy_parse_stream(&p, f, "t.policy", &err), 0, "%s", err.msg);
	fclose(f);
	cr_assert_eq(sc_build_table(&p, t, &err), 0, "%s", err.msg);
	cr_assert_eq(t->arches, 0u);
	cr_assert_eq(sc_emit_tree(t, &mine, &n_mine, &err), 0, "%s", err.msg);
	cr_assert_eq(sc_emit_libseccomp(t, &ref, &n_ref, &err), 0, "%s", err.msg);
	for (uint32_t nr = 0; nr < SC_NR_MAX + 64; nr++) {
		struct seccomp_data d = { .nr = (int)nr, .arch = AUDIT_ARCH_X86_64 };

		cr_assert_eq(run_bpf(mine, n_mine, &d), run_bpf(ref, n_ref, &d), "syscall %u differs", nr);
	}
	cr_assert_lt(n_mine, 4096);
	free(mine);
	free(ref);
	sc_table_free(t);
	plan_free(&p);
}

Test(seccomp_tree, baseline_without_rules)
{
	compare("");
}

Test(seccomp_tree, shipped_syscall_policy)
{
	compare("include syscalls-default\n");
}

Test(seccomp_tree, mixed_actions_and_default)
{
	compare("syscalls default errno EPERM\n"
		"syscalls allow @basic-io @file-system @process @signal\n"
		"syscalls kill getppid\n"
		"syscalls errno ENOSYS uname\n"
		"syscalls log getpid\n");
}
