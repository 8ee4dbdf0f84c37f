/*
 * seccomp_tree.c: stage 1 of the filter for the common case (native
 * x86_64 only, stage 0 has already checked the ABI): the per-syscall
 * actions of the table as a balanced binary search over runs of equal
 * action, emitted directly instead of through libseccomp. Runs in the
 * launcher before clone.
 *
 * Why: libseccomp's database and optimiser cost about a fifth of the
 * launcher's start-up on every run; this emitter is a few microseconds.
 * The program loads only the syscall number and never an argument, so the
 * kernel's action cache still proves "always allowed" per syscall.
 * Layout per node: JGE k ? next : skip-one; JA over the left subtree;
 * left subtree (nr < k); right subtree (nr >= k). Forward jumps only, and
 * JA's 32-bit offset makes any subtree size reachable.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>

#include "seccomp_int.h"

struct run_of {
	uint32_t lo; /* first syscall number of the run */
	uint32_t action;
};

static size_t tree_size(size_t n)
{
	if (n == 1)
		return 1;
	return 2 + tree_size(n / 2) + tree_size(n - n / 2);
}

static size_t emit(const struct run_of *runs, size_t n, struct sock_filter *out)
{
	size_t left = n / 2, at = 0, lsize;

	if (n == 1) {
		out[0] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, runs[0].action);
		return 1;
	}
	lsize = tree_size(left);
	out[at++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, runs[left].lo, 0, 1);
	out[at++] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)lsize);
	at += emit(runs, left, out + at);
	at += emit(runs + left, n - left, out + at);
	return at;
}

int sc_emit_tree(const struct sc_table *t, struct sock_filter **ret, size_t *ret_len, struct sb_err *err)
{
	struct run_of *runs = malloc((SC_NR_MAX + 1) * sizeof(*runs));
	struct sock_filter *prog;
	size_t n = 0, len;

	if (!runs)
		return sb_fail(err, ENOMEM, "filter");
	for (uint32_t nr = 0; nr < SC_NR_MAX; nr++) {
		uint32_t a = t->base[nr] == SC_UNSET ? t->dflt : t->base[nr];

		if (n == 0 || runs[n - 1].action != a)
			runs[n++] = (struct run_of){ .lo = nr, .action = a };
	}
	/* Numbers past the table: the default action. */
	if (runs[n - 1].action != t->dflt)
		runs[n++] = (struct run_of){ .lo = SC_NR_MAX, .action = t->dflt };
	len = 1 + tree_size(n);
	prog = malloc(len * sizeof(*prog));
	if (!prog) {
		free(runs);
		return sb_fail(err, ENOMEM, "filter");
	}
	prog[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	emit(runs, n, prog + 1);
	free(runs);
	*ret = prog;
	*ret_len = len;
	return 0;
}
