/*
 * loader.c: the libbpf side of the eBPF layer. Runs in the launcher, as
 * the caller, before clone: opens the skeleton embedded at build time
 * (bpftool gen skeleton of sandbox.bpf.c), writes the run's rules into the
 * programs' read-only data, loads only the programs the run needs, and
 * attaches each to the run's cgroup as a bpf_link. Links belong to the
 * launcher's descriptors: if the launcher dies, however it dies, the kernel
 * detaches them; the run's cgroup is removed by the next run's clean-up.
 *
 * Privileges: CAP_BPF + CAP_NET_ADMIN (+ CAP_PERFMON for the LSM program)
 * in the initial user namespace, or CAP_SYS_ADMIN; the caller (ebpf.c)
 * has checked. Probes: the BPF LSM in /sys/kernel/security/lsm.
 */
#include "bpf/loader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/sandbox.skel.h" /* $(BUILD)/bpf, generated */

struct sb_bpf {
	struct sandbox_bpf *skel;
	bool lsm; /* the LSM program is loaded: every socket family is checked */
	struct bpf_link *links[16];
	size_t n_links;
};

/* libbpf's messages go to a buffer, never to the terminal (layers do not
 * print): the last warning explains a failed load. */
static char last_msg[512];

static int on_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strcspn(line, "\n");
	if (n > 0) {
		line[n] = '\0';
		snprintf(last_msg, sizeof(last_msg), "%s", line);
	}
	return 0;
}

bool bpf_loader_lsm_active(void)
{
	char buf[512], *tok, *save = NULL;
	FILE *f = fopen("/sys/kernel/security/lsm", "re");
	bool on = false;

	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f))
		for (tok = strtok_r(buf, ",\n", &save); tok && !on; tok = strtok_r(NULL, ",\n", &save))
			on = strcmp(tok, "bpf") == 0;
	fclose(f);
	return on;
}

static void fill(struct sandbox_bpf *s, const struct sb_bpf_load *l)
{
	size_t n_rules = l->n_rules < SB_BPF_MAX_RULES ? l->n_rules : SB_BPF_MAX_RULES;
	size_t n_devs = l->n_devs < SB_BPF_MAX_DEVS ? l->n_devs : SB_BPF_MAX_DEVS;

	s->rodata->n_rules = (__u32)n_rules;
	if (n_rules)
		memcpy(s->rodata->rules, l->rules, n_rules * sizeof(*l->rules));
	s->rodata->families = l->family_mask;
	s->rodata->n_devs = (__u32)n_devs;
	if (n_devs)
		memcpy(s->rodata->devs, l->devs, n_devs * sizeof(*l->devs));
}

/* Only what the run asks for is loaded: each program costs a verifier
 * pass, and this is on every run's start-up path. */
static void choose(struct sandbox_bpf *s, const struct sb_bpf_load *l, bool lsm)
{
	bpf_program__set_autoload(s->progs.sb_connect4, l->net);
	bpf_program__set_autoload(s->progs.sb_connect6, l->net);
	bpf_program__set_autoload(s->progs.sb_sendmsg4, l->net);
	bpf_program__set_autoload(s->progs.sb_sendmsg6, l->net);
	bpf_program__set_autoload(s->progs.sb_bind4, l->net);
	bpf_program__set_autoload(s->progs.sb_bind6, l->net);
	bpf_program__set_autoload(s->progs.sb_sock_create, l->families);
	bpf_program__set_autoload(s->progs.sb_lsm_socket_create, l->families && lsm);
	bpf_program__set_autoload(s->progs.sb_dev, l->devices);
}

static int attach_all(struct sb_bpf *b, int cgroup_fd, struct sb_err *err)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, b->skel->obj)
	{
		struct bpf_link *link;

		if (!bpf_program__autoload(prog))
			continue;
		if (b->n_links >= sizeof(b->links) / sizeof(b->links[0]))
			return sb_failx(err, E2BIG, "too many eBPF programs");
		link = bpf_program__attach_cgroup(prog, cgroup_fd);
		if (!link)
			return sb_fail(err, errno, "attach eBPF program %s to the run's cgroup", bpf_program__name(prog));
		b->links[b->n_links++] = link;
	}
	return 0;
}

static int open_load(struct sb_bpf *b, const struct sb_bpf_load *l, bool lsm, struct sb_err *err)
{
	int r;

	last_msg[0] = '\0';
	b->skel = sandbox_bpf__open();
	if (!b->skel)
		return sb_fail(err, errno, "open the embedded eBPF object");
	fill(b->skel, l);
	choose(b->skel, l, lsm);
	r = sandbox_bpf__load(b->skel);
	if (r < 0)
		return sb_fail(err, -r, "load the eBPF programs%s%s", last_msg[0] ? ": " : "", last_msg);
	b->lsm = lsm && l->families;
	return 0;
}

int bpf_loader_attach(const struct sb_bpf_load *l, int cgroup_fd, struct sb_bpf **ret, struct sb_err *err)
{
	struct sb_bpf *b;
	int r;

	libbpf_set_print(on_libbpf_print);
	b = calloc(1, sizeof(*b));
	if (!b)
		return sb_fail(err, ENOMEM, "eBPF state");
	r = open_load(b, l, l->lsm, err);
	if (r < 0 && l->lsm && l->families) {
		/* Some kernels list the BPF LSM yet refuse lsm_cgroup programs
		 * (no BPF trampolines): check AF_INET/AF_INET6 only, and say so. */
		sandbox_bpf__destroy(b->skel);
		b->skel = NULL;
		r = open_load(b, l, false, err);
	}
	if (r < 0)
		goto fail;
	r = attach_all(b, cgroup_fd, err);
	if (r < 0)
		goto fail;
	*ret = b;
	return 0;
fail:
	bpf_loader_release(b);
	return r;
}

void bpf_loader_counters(const struct sb_bpf *b, struct sb_bpf_counters *c)
{
	memset(c, 0, sizeof(*c));
	if (b && b->skel && b->skel->bss)
		*c = b->skel->bss->counters;
}

bool bpf_loader_all_families(const struct sb_bpf *b)
{
	return b && b->lsm;
}

void bpf_loader_release(struct sb_bpf *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n_links; i++)
		bpf_link__destroy(b->links[i]);
	sandbox_bpf__destroy(b->skel);
	free(b);
}
