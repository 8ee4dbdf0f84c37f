/*
 * seccomp_int.h: what seccomp.c, seccomp_bpf.c, seccomp_notify.c and
 * seccomp_oci.c share: the resolved filter ("table") the policy rules
 * become before anything is compiled. Launcher side only.
 */
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>

#include "plan.h"

#define SC_NR_MAX 1024 /* native (x86_64) syscall numbers */
#define SC_UNSET 0xffffffffu /* base[nr]: no rule, the default applies */

/* An argument-checked rule: first match wins, checked before base[]. */
struct sc_rule {
	char *name; /* syscall name (resolved per ABI when emitted) */
	uint32_t action; /* SECCOMP_RET_* with data */
	size_t n_conds;
	struct sb_sys_cond conds[6];
	struct sb_loc loc; /* the policy line, for "too many conditions" messages */
};

struct sc_table {
	uint32_t dflt; /* SECCOMP_RET_* of the default action */
	uint32_t base[SC_NR_MAX]; /* per native number, SC_UNSET = default */
	uint64_t unsafe; /* "unsafe-allow": bit i = seccomp_harden_list()[i] */
	struct sc_rule *rules; /* in declaration order; emitted last first */
	size_t n_rules;
	struct sc_extra {
		char *name; /* not an x86_64 syscall (mmap2, socketcall): i386 only */
		uint32_t action;
	} *extra;
	size_t n_extra;
	unsigned arches; /* SB_ARCH_* extra ABIs */
	int dflt_profile; /* index of the imported profile that set dflt, -1: none did */
	bool notify; /* log mode: some action is SECCOMP_RET_USER_NOTIF */
	int handoff_fd; /* log mode: the payload's end of the listener socket */
};

/* Apply one rule ("ACTION NAME... [if ...]") to the table; names may be
 * @sets. Used for policy rules and imported OCI rules alike. Returns 0 or
 * -errno with err set. */
int sc_table_apply(struct sc_table *t, const struct sb_sysrule *r, struct sb_err *err);

/* The SECCOMP_RET_* value of a plan action. */
uint32_t sc_action(enum sb_sys_action a, int errnum);

/* The largest profile seccomp_oci_import reads. */
#define SB_PROFILE_SIZE_MAX (4 << 20)

/* Import the Docker/OCI JSON profile at path into t (seccomp_oci.c).
 * *dflt_set tells whether the profile set the default action. */
int seccomp_oci_import(struct sc_table *t, const char *path, bool *dflt_set, struct sb_err *err);

/* Whether the always-on hardening entry h still applies under table t
 * (seccomp_bpf.c): not lifted by unsafe-allow, not already refused by the
 * policy itself. */
struct sb_harden;
bool sc_harden_applies(const struct sc_table *t, const struct sb_harden *h);

/* Stage 0 (seccomp_bpf.c): the ABI check, the always-on hardening and the
 * argument-checked rules, as a BPF prefix that falls through to stage 1
 * (libseccomp's tree) when nothing matched. *ret is malloc'd. */
int sc_emit_stage0(const struct sc_table *t, struct sock_filter **ret, size_t *ret_len, struct sb_err *err);

/* Stage 1 for a native-only table (seccomp_tree.c): the per-syscall
 * actions as a binary search, without libseccomp. *ret is malloc'd. */
int sc_emit_tree(const struct sc_table *t, struct sock_filter **ret, size_t *ret_len, struct sb_err *err);

/* Stage 1 through libseccomp (any ABI mix); the reference for the above. */
int sc_emit_libseccomp(const struct sc_table *t, struct sock_filter **ret, size_t *ret_len, struct sb_err *err);

/* Build the table of a plan (policy rules, OCI profiles, hardening). */
int sc_build_table(const struct sb_plan *p, struct sc_table *t, struct sb_err *err);
void sc_table_free(struct sc_table *t);

struct sb_seccomp;

/* Payload, log mode: send the listener fd to the launcher (SCM_RIGHTS). */
int seccomp_notify_handoff(struct sb_seccomp *s, int listener, struct sb_err *err);

/* Learn mode (seccomp_learn.c): compile the always-on hardening into
 * s->learn_prog for the listener, then make t notify on every syscall. */
int sc_learn_table(struct sc_table *t, struct sb_seccomp *s, struct sb_err *err);

/* Run a classic BPF seccomp program on d, as the kernel would; returns
 * its SECCOMP_RET_* value (KILL_PROCESS for what the kernel would refuse). */
uint32_t sc_bpf_run(const struct sock_filter *f, size_t len, const struct seccomp_data *d);

struct seccomp_notif;
struct sb_result;

/* Learn mode, launcher: record one stopped syscall into res->observed and
 * answer it (continue, or the hardening's errno). */
void seccomp_learn_handle(struct sb_seccomp *s, const struct seccomp_notif *req, struct sb_result *res);
