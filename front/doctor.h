/*
 * doctor.h: `sandbox doctor [--json]`: what this host offers the sandbox,
 * each missing or degraded capability with its exact fix, and what each
 * shipped policy will do here (doctor.c checks, doctor_print.c prints).
 * Every answer comes from the function the run itself asks.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "cgroup.h"
#include "plan.h"

int cmd_doctor(int argc, char **argv);

enum doctor_state { DOCTOR_OK = 0, DOCTOR_DEGRADED, DOCTOR_MISSING, DOCTOR_STATE_MAX };

enum doctor_check {
	DC_USERNS = 0,
	DC_SUBIDS,
	DC_CGROUP,
	DC_SECCOMP,
	DC_LANDLOCK,
	DC_EBPF,
	DC_NET_HELPER,
	DC_TIMENS,
	DC_TUN,
	DC_MAX,
};

struct doctor_line {
	const char *id; /* the JSON key: "userns" */
	const char *title; /* "user namespaces" */
	enum doctor_state state;
	char detail[768]; /* what was found */
	char fix[1024]; /* the exact fix, "" when none is needed */
};

/* What a shipped policy will do here. */
enum doctor_verdict { DV_OK = 0, DV_BEST_EFFORT, DV_NEEDS_FIX, DV_CANNOT_RUN, DV_MAX };

struct doctor_policy {
	char name[64];
	enum doctor_verdict verdict;
	char detail[1024]; /* what falls back, what needs which fix */
};

/* What the checks found, as values (the JSON carries them too). */
struct doctor_facts {
	bool userns, subids, seccomp, user_notif, action_cache, landlock, timens, tun, ebpf, net_helper;
	long max_userns, unpriv_clone, apparmor_restrict; /* -1: absent */
	int landlock_abi; /* -errno when none */
	char seccomp_actions[256];
	const char *ebpf_via;
	struct sb_cgroup_where cg; /* for a plan with every cgroup limit */
};

struct doctor_report {
	struct doctor_facts f;
	struct doctor_line line[DC_MAX];
	struct doctor_policy *policies;
	size_t n_policies;
	bool default_runs; /* the exit status: 0 when the default policy can run */
	unsigned uid;
	char kernel[128];
};

/* doctor.c: what a plan needs from the host, as a verdict. */
void doctor_judge(const struct doctor_report *r, const struct sb_plan *p, struct doctor_policy *out);

/* doctor_print.c */
void doctor_print_text(FILE *f, const struct doctor_report *r);
void doctor_print_json(FILE *f, const struct doctor_report *r);
const char *doctor_state_word(enum doctor_state s);
const char *doctor_verdict_word(enum doctor_verdict v);
