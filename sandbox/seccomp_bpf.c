/*
 * seccomp_bpf.c: stage 0 of every filter, written as classic BPF by hand
 * (launcher, before clone; no privileges; pure computation).
 *
 * libseccomp cannot express "allow ioctl except TIOCSTI" inside one filter
 * when ioctl's own action differs from the default: an unconditional rule
 * swallows the conditional ones on the same syscall, and one rule may test
 * an argument only once. So every argument-checked rule lives here, in a
 * short prefix that either returns or falls through to libseccomp's binary
 * tree (stage 1), which then holds only unconditional, per-syscall actions.
 * Both stages branch on the syscall number before reading any argument,
 * which keeps the kernel's per-syscall action cache (5.11+) working for
 * every syscall that has no argument rule: those never run the filter.
 *
 * Layout:  ld arch; x86_64? i386 (if admitted)? else kill
 *          native: ld nr; x32 bit -> kill (unless admitted)
 *                  per syscall: jeq nr; [conds; ret ACTION]...; ld nr
 *          i386:   the same with i386 numbers; socketcall denied
 *          end:    (stage 1 follows)
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>

#include "seccomp_harden.h"
#include "seccomp_int.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#define X32_BIT 0x40000000u
/* Room for a program of the kernel's maximum size (BPF_MAXINSNS) and
 * more: past that the filter is refused anyway, with its size. */
#define MAX_LABELS 16384
#define MAX_FIXUPS 32768

/* A tiny forward-only assembler: jumps name labels bound later. */
struct bpf_asm {
	struct sock_filter *ins;
	size_t n, cap;
	size_t label_at[MAX_LABELS];
	int n_labels;
	struct {
		size_t at;
		int label;
		char field; /* 't', 'f' or 'k' (JA) */
	} fix[MAX_FIXUPS];
	size_t n_fix;
	int err; /* sticky: -ENOMEM, -E2BIG */
};

#define NEXT (-1) /* "the next instruction" as a jump target */

static void emit(struct bpf_asm *a, uint16_t code, uint32_t k)
{
	struct sock_filter *n;

	if (a->err)
		return;
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 256;
		n = realloc(a->ins, a->cap * sizeof(*n));
		if (!n) {
			a->err = -ENOMEM;
			return;
		}
		a->ins = n;
	}
	a->ins[a->n++] = (struct sock_filter)BPF_STMT(code, k);
}

static int label(struct bpf_asm *a)
{
	if (a->n_labels == MAX_LABELS) {
		a->err = -E2BIG;
		return 0;
	}
	a->label_at[a->n_labels] = SIZE_MAX;
	return a->n_labels++;
}

static void refer(struct bpf_asm *a, int lbl, char field)
{
	if (lbl == NEXT || a->err)
		return;
	if (a->n_fix == MAX_FIXUPS) {
		a->err = -E2BIG;
		return;
	}
	a->fix[a->n_fix].at = a->n - 1;
	a->fix[a->n_fix].label = lbl;
	a->fix[a->n_fix++].field = field;
}

/* Conditional jump on A against k: to lt when true, lf when false. */
static void jmp(struct bpf_asm *a, uint16_t op, uint32_t k, int lt, int lf)
{
	emit(a, BPF_JMP | op | BPF_K, k);
	refer(a, lt, 't');
	refer(a, lf, 'f');
}

static void ja(struct bpf_asm *a, int lbl)
{
	emit(a, BPF_JMP | BPF_JA, 0);
	refer(a, lbl, 'k');
}

static void bind(struct bpf_asm *a, int lbl)
{
	a->label_at[lbl] = a->n;
}

/* Patch every jump once all labels are bound; conditional jumps reach at
 * most 255 instructions ahead (8-bit offsets). */
static int resolve(struct bpf_asm *a)
{
	for (size_t i = 0; i < a->n_fix && !a->err; i++) {
		size_t to = a->label_at[a->fix[i].label], at = a->fix[i].at;
		size_t off = to - at - 1;

		if (to == SIZE_MAX || to <= at)
			return -EINVAL;
		if (a->fix[i].field == 'k')
			a->ins[at].k = (uint32_t)off;
		else if (off > 255)
			return -ERANGE; /* emit_group keeps every jump near */
		else if (a->fix[i].field == 't')
			a->ins[at].jt = (uint8_t)off;
		else
			a->ins[at].jf = (uint8_t)off;
	}
	return a->err;
}

static void ld(struct bpf_asm *a, uint32_t off)
{
	emit(a, BPF_LD | BPF_W | BPF_ABS, off);
}

#define OFF_NR offsetof(struct seccomp_data, nr)
#define OFF_ARCH offsetof(struct seccomp_data, arch)
#define OFF_LO(i) ((uint32_t)(offsetof(struct seccomp_data, args) + 8 * (i)))
#define OFF_HI(i) (OFF_LO(i) + 4)

/* One 64-bit comparison (seccomp_data holds each argument as two 32-bit
 * little-endian words): fall through when true, jump to fail when false. */
static void cond(struct bpf_asm *a, const struct sb_sys_cond *c, int fail)
{
	uint32_t hi = (uint32_t)(c->value >> 32), lo = (uint32_t)c->value;
	uint32_t mhi = (uint32_t)(c->mask >> 32), mlo = (uint32_t)c->mask;
	int ok = label(a);

	ld(a, OFF_HI(c->arg));
	switch (c->op) {
	case SB_OP_EQ:
		jmp(a, BPF_JEQ, hi, NEXT, fail);
		ld(a, OFF_LO(c->arg));
		jmp(a, BPF_JEQ, lo, NEXT, fail);
		break;
	case SB_OP_NE:
		jmp(a, BPF_JEQ, hi, NEXT, ok);
		ld(a, OFF_LO(c->arg));
		jmp(a, BPF_JEQ, lo, fail, NEXT);
		break;
	case SB_OP_GT:
	case SB_OP_GE:
		jmp(a, BPF_JGT, hi, ok, NEXT);
		jmp(a, BPF_JEQ, hi, NEXT, fail);
		ld(a, OFF_LO(c->arg));
		jmp(a, c->op == SB_OP_GT ? BPF_JGT : BPF_JGE, lo, NEXT, fail);
		break;
	case SB_OP_LT: /* not >= */
	case SB_OP_LE: /* not > */
		jmp(a, BPF_JGT, hi, fail, NEXT);
		jmp(a, BPF_JEQ, hi, NEXT, ok);
		ld(a, OFF_LO(c->arg));
		jmp(a, c->op == SB_OP_LT ? BPF_JGE : BPF_JGT, lo, fail, NEXT);
		break;
	case SB_OP_MASKED_EQ:
		emit(a, BPF_ALU | BPF_AND | BPF_K, mhi);
		jmp(a, BPF_JEQ, hi & mhi, NEXT, fail);
		ld(a, OFF_LO(c->arg));
		emit(a, BPF_ALU | BPF_AND | BPF_K, mlo);
		jmp(a, BPF_JEQ, lo & mlo, NEXT, fail);
		break;
	case SB_OP_MAX:
		break;
	}
	bind(a, ok);
}

/* Hardening checks read only the low 32 bits where the kernel does too
 * (ioctl's cmd and personality's persona are unsigned int: a 64-bit
 * comparison could be dodged by setting the upper half, as CVE-2017-5226
 * did to bubblewrap's TIOCSTI rule). */
static void harden_body(struct bpf_asm *a, const struct sb_harden *h)
{
	const uint32_t eperm = SECCOMP_RET_ERRNO | EPERM;
	const uint32_t ns = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |
			    CLONE_NEWPID | CLONE_NEWNET;
	int pass = label(a), deny = label(a);

	switch (h->kind) {
	case SB_HARDEN_DENY:
		emit(a, BPF_RET | BPF_K, eperm);
		break;
	case SB_HARDEN_ENOSYS:
		emit(a, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
		break;
	case SB_HARDEN_NSFLAGS:
		/* clone's low byte is the exit signal, where unshare has
		 * CLONE_NEWTIME; only unshare can ask for a time namespace. */
		ld(a, OFF_LO(0));
		jmp(a, BPF_JSET, strcmp(h->name, "unshare") == 0 ? ns | CLONE_NEWTIME : ns, deny, pass);
		break;
	case SB_HARDEN_IOCTL:
		ld(a, OFF_LO(1));
		jmp(a, BPF_JEQ, TIOCSTI, deny, NEXT);
		jmp(a, BPF_JEQ, TIOCLINUX, deny, pass);
		break;
	case SB_HARDEN_PERSONALITY:
		ld(a, OFF_LO(0));
		jmp(a, BPF_JEQ, PER_LINUX, pass, NEXT);
		jmp(a, BPF_JEQ, PER_LINUX32, pass, NEXT);
		jmp(a, BPF_JEQ, 0xffffffffu, pass, deny);
		break;
	case SB_HARDEN_KIND_MAX:
		break;
	}
	bind(a, deny);
	emit(a, BPF_RET | BPF_K, eperm);
	bind(a, pass);
}

/* Whether hardening entry h must be emitted: it is skipped when the
 * policy already refuses the syscall outright (its own action, e.g. kill,
 * then applies) or said unsafe-allow. check and explain ask this too
 * (seccomp_overruled), so they say what the filter does. */
bool sc_harden_applies(const struct sc_table *t, const struct sb_harden *h)
{
	int native = seccomp_syscall_resolve_name(h->name);
	uint32_t act, kind;
	size_t n, idx = (size_t)(h - seccomp_harden_list(&n));

	if (t->unsafe & (1ull << idx))
		return false;
	/* clone3 is answered ENOSYS even when the policy kills it: glibc
	 * falls back to clone only on ENOSYS, and threads need that. */
	if (h->kind != SB_HARDEN_DENY)
		return true;
	act = native >= 0 && native < SC_NR_MAX && t->base[native] != SC_UNSET ? t->base[native] : t->dflt;
	kind = act & SECCOMP_RET_ACTION_FULL;
	for (size_t i = 0; i < t->n_rules; i++)
		if (strcmp(t->rules[i].name, h->name) == 0)
			return true;
	return !(kind == SECCOMP_RET_KILL_PROCESS || kind == SECCOMP_RET_KILL_THREAD ||
		 kind == SECCOMP_RET_TRAP || kind == SECCOMP_RET_ERRNO);
}

/* Every syscall that gets a group in stage 0: hardening entries first,
 * then the names of argument-checked rules, without duplicates. */
static size_t group_names(const struct sc_table *t, const char **names, size_t max)
{
	size_t n = 0, nh;
	const struct sb_harden *h = seccomp_harden_list(&nh);

	for (size_t i = 0; i < nh && n < max; i++)
		names[n++] = h[i].name;
	for (size_t i = 0; i < t->n_rules && n < max; i++) {
		bool dup = false;

		for (size_t j = 0; j < n && !dup; j++)
			dup = strcmp(names[j], t->rules[i].name) == 0;
		if (!dup)
			names[n++] = t->rules[i].name;
	}
	return n;
}

/* One syscall's checks: hardening, then its rules, the latest first. A
 * conditional jump reaches 255 instructions ahead: a group longer than
 * that (dozens of argument rules on one syscall) is entered by a short
 * jump and skipped by a JA, whose offset is 32 bits ("far"). */
static void group_body(struct bpf_asm *a, const struct sc_table *t, const char *name, int nr, bool far)
{
	const struct sb_harden *h = seccomp_harden_find(name);
	int skip = label(a);

	if (far) {
		int in = label(a);

		jmp(a, BPF_JEQ, (uint32_t)nr, in, NEXT);
		ja(a, skip);
		bind(a, in);
	} else {
		jmp(a, BPF_JEQ, (uint32_t)nr, NEXT, skip);
	}
	if (h && sc_harden_applies(t, h))
		harden_body(a, h);
	for (size_t i = t->n_rules; i-- > 0;) {
		const struct sc_rule *r = &t->rules[i];
		int next;

		if (strcmp(r->name, name) != 0)
			continue;
		next = label(a);
		for (size_t c = 0; c < r->n_conds; c++)
			cond(a, &r->conds[c], next);
		emit(a, BPF_RET | BPF_K, r->action);
		bind(a, next);
	}
	ld(a, OFF_NR); /* the checks above loaded arguments into A */
	bind(a, skip);
}

static void emit_group(struct bpf_asm *a, const struct sc_table *t, const char *name, uint32_t arch)
{
	const struct sb_harden *h = seccomp_harden_find(name);
	int nr = seccomp_syscall_resolve_name_arch(arch, name);
	bool any = h && sc_harden_applies(t, h);
	size_t n = a->n, n_fix = a->n_fix;
	int n_labels = a->n_labels;

	for (size_t i = 0; i < t->n_rules && !any; i++)
		any = strcmp(t->rules[i].name, name) == 0;
	if (nr < 0 || !any)
		return;
	/* The short form first (one jeq per group on every syscall's path);
	 * when it does not reach, take it back and emit the far form. */
	group_body(a, t, name, nr, false);
	if (a->err || a->n - n - 1 <= 255)
		return;
	a->n = n;
	a->n_fix = n_fix;
	a->n_labels = n_labels;
	group_body(a, t, name, nr, true);
}

static void emit_arch(struct bpf_asm *a, const struct sc_table *t, uint32_t arch, int kill, int end)
{
	size_t nh, n;
	_cleanup_free_ const char **names = calloc(t->n_rules + (seccomp_harden_list(&nh), nh) + 1, sizeof(*names));

	if (!names) {
		a->err = -ENOMEM;
		return;
	}
	n = group_names(t, names, t->n_rules + nh);

	ld(a, OFF_NR);
	/* x32 syscalls arrive with the x86_64 arch value and bit 30 set in
	 * the number: a separate table the rules below would not match. */
	if (arch == SCMP_ARCH_X86_64 && !(t->arches & SB_ARCH_X32)) {
		int ok = label(a);

		jmp(a, BPF_JGE, X32_BIT, NEXT, ok);
		ja(a, kill);
		bind(a, ok);
	}
	for (size_t i = 0; i < n; i++) {
		emit_group(a, t, names[i], arch);
		if (arch == SCMP_ARCH_X86_64 && (t->arches & SB_ARCH_X32))
			emit_group(a, t, names[i], SCMP_ARCH_X32);
	}
	ja(a, end);
}

int sc_emit_stage0(const struct sc_table *t, struct sock_filter **ret, size_t *ret_len, struct sb_err *err)
{
	_cleanup_free_ struct bpf_asm *a = calloc(1, sizeof(*a));
	int native, other, kill, end, r;

	if (!a)
		return sb_fail(err, ENOMEM, "seccomp stage 0");
	native = label(a), other = label(a), kill = label(a), end = label(a);
	ld(a, OFF_ARCH);
	jmp(a, BPF_JEQ, AUDIT_ARCH_X86_64, native, NEXT);
	ja(a, other);
	bind(a, native);
	emit_arch(a, t, SCMP_ARCH_X86_64, kill, end);
	bind(a, other);
	if (t->arches & SB_ARCH_X86) {
		int i386 = label(a);

		jmp(a, BPF_JEQ, AUDIT_ARCH_I386, i386, NEXT);
		ja(a, kill);
		bind(a, i386);
		emit_arch(a, t, SCMP_ARCH_X86, kill, end);
	}
	bind(a, kill);
	emit(a, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	bind(a, end);
	r = resolve(a);
	if (r < 0) {
		free(a->ins);
		return r == -E2BIG ? sb_failx(err, E2BIG, "the syscall filter is larger than the kernel's limit of %d "
						       "instructions (BPF_MAXINSNS): too many argument conditions", BPF_MAXINSNS)
				   : r == -ENOMEM ? sb_fail(err, ENOMEM, "seccomp stage 0")
				   : sb_failx(err, -r, "internal error building the filter prefix (%d)", r);
	}
	*ret = a->ins;
	*ret_len = a->n;
	return 0;
}
