/*
 * ebpf.c: the eBPF layer. Runs in the launcher, as the caller, in the
 * caller's namespaces, before clone (ebpf_prepare) and right after it
 * (ebpf_parent); init registers itself first thing after GO (ebpf_child).
 * Decides whether the run gets the cgroup programs of sandbox/bpf/
 * (network allow-list, socket families, devices), which ones, with which
 * rules, and on which cgroup; bpf/loader.c does the libbpf work.
 *
 * Where: the programs attach to a cgroup v2 directory holding only the
 * run. On a pure v2 host that is the run's own cgroup when the cgroup
 * layer made one; otherwise (no limits, or a hybrid host whose v2 mount at
 * /sys/fs/cgroup/unified has no controllers) a child "sandbox-PID-START" of the
 * launcher's own v2 cgroup, made here, joined by init before GO, removed
 * after the run. A launcher killed by SIGKILL loses its links with its
 * descriptors (the kernel detaches them, and frees the run's rules with
 * them); its empty cgroup is removed by the next run's stale clean-up, as
 * the cgroup layer does for its own.
 *
 * Who may: BPF_PROG_LOAD of these types needs CAP_BPF and CAP_NET_ADMIN
 * (CAP_PERFMON too for the LSM program), or CAP_SYS_ADMIN, in the initial
 * user namespace; or a BPF token (--bpf-token, bpf/token.c) from a bpffs
 * an admin delegated to the caller's user namespace. Probes:
 * /proc/self/status (CapEff), /proc/self/uid_map, statfs of the v2 mount,
 * /sys/kernel/security/lsm, BPF_TOKEN_CREATE.
 *
 * Cost: the loaded programs are kept pinned between runs (bpf/cache.c:
 * /sys/fs/bpf/sandbox for root, "sandbox" in the token's bpffs), so a run
 * after the first only attaches them and writes its rules.
 */
#include "ebpf.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdarg.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "bpf/loader.h"
#include "cgroup_impl.h"
#include "layers.h"
#include "net_rules.h"
#include "syscalls.h"
#include "util.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#define BPF_FS_MAGIC_ 0xcafe4a11
/* Where a root caller keeps the loaded programs: the kernel's bpffs mount
 * point (systemd mounts it at boot). */
#define BPF_FS "/sys/fs/bpf"

#define CAP_NET_ADMIN_BIT 12
#define CAP_SYS_ADMIN_BIT 21
#define CAP_PERFMON_BIT 38
#define CAP_BPF_BIT 39

#define HINT_PERMIT "run the launcher as root on the host (CAP_BPF+CAP_NET_ADMIN), or pass --bpf-token PATH " \
		    "naming a bpffs an admin delegated to you (kernel 6.9+)"

/* The devices of the run's /dev (mounts.c's --dev): null zero full random
 * urandom tty, the new devpts instance's ptmx and its pts (136-143). */
static const struct sb_bpf_dev run_devs[] = {
	{ BPF_DEVCG_DEV_CHAR, 1, 3 },	{ BPF_DEVCG_DEV_CHAR, 1, 5 },
	{ BPF_DEVCG_DEV_CHAR, 1, 7 },	{ BPF_DEVCG_DEV_CHAR, 1, 8 },
	{ BPF_DEVCG_DEV_CHAR, 1, 9 },	{ BPF_DEVCG_DEV_CHAR, 5, 0 },
	{ BPF_DEVCG_DEV_CHAR, 5, 2 },	{ BPF_DEVCG_DEV_CHAR, 136, SB_BPF_ANY_MINOR },
	{ BPF_DEVCG_DEV_CHAR, 137, SB_BPF_ANY_MINOR }, { BPF_DEVCG_DEV_CHAR, 138, SB_BPF_ANY_MINOR },
	{ BPF_DEVCG_DEV_CHAR, 139, SB_BPF_ANY_MINOR }, { BPF_DEVCG_DEV_CHAR, 140, SB_BPF_ANY_MINOR },
	{ BPF_DEVCG_DEV_CHAR, 141, SB_BPF_ANY_MINOR }, { BPF_DEVCG_DEV_CHAR, 142, SB_BPF_ANY_MINOR },
	{ BPF_DEVCG_DEV_CHAR, 143, SB_BPF_ANY_MINOR },
};

static bool is_cgroup2(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && sf.f_type == (typeof(sf.f_type))CGROUP2_SUPER_MAGIC;
}

/* The launcher's own cgroup in the v2 hierarchy: the v2 mount (the whole
 * /sys/fs/cgroup, or a hybrid host's "unified") plus /proc/self/cgroup's
 * "0::PATH". */
static int own_v2_cgroup(char *buf, size_t len)
{
	const char *base = is_cgroup2(CG_MOUNT) ? CG_MOUNT : is_cgroup2(CG_MOUNT "/unified") ? CG_MOUNT "/unified" : NULL;
	char line[PATH_MAX + 16];
	FILE *f;
	int r = -ENOENT;

	if (!base)
		return -ENOENT;
	f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return -errno;
	while (r < 0 && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(buf, len, "%s%s", base, strcmp(line + 3, "/") ? line + 3 : "");
		r = 0;
	}
	fclose(f);
	return r;
}

/* This process's effective capabilities (capget: one syscall where
 * /proc/self/status would take a file's worth of parsing on every run). */
static unsigned long long cap_eff(void)
{
	struct sb_cap_header h = { .version = SB_CAP_V3, .pid = 0 };
	struct sb_cap_data d[2] = { { 0 } };

	if (sys_capget(&h, d) < 0)
		return 0;
	return (unsigned long long)d[0].effective | (unsigned long long)d[1].effective << 32;
}

/* Capabilities count for BPF only in the initial user namespace, whose
 * nsfs inode number is fixed (PROC_USER_INIT_INO). */
static bool in_initial_userns(void)
{
	struct stat st;

	return stat("/proc/self/ns/user", &st) == 0 && st.st_ino == 0xEFFFFFFDU;
}

static void deny(struct sb_ebpf_probe *pr, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void deny(struct sb_ebpf_probe *pr, const char *hint, const char *fmt, ...)
{
	va_list ap;

	pr->permitted = false;
	va_start(ap, fmt);
	vsnprintf(pr->why, sizeof(pr->why), fmt, ap);
	va_end(ap);
	snprintf(pr->hint, sizeof(pr->hint), "%s", hint);
}

static bool is_bpffs(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && sf.f_type == (typeof(sf.f_type))BPF_FS_MAGIC_;
}

/* With --bpf-token: the token is the permission (its user namespace's
 * capabilities, not the host's), and its bpffs keeps the programs. */
static void probe_token(const char *path, struct sb_ebpf_probe *pr)
{
	struct sb_err err = SB_ERR_INIT;
	int fd;

	if (bpf_loader_token(path, &fd, &err) < 0) {
		deny(pr, "an admin mounts a bpffs with delegate_* options owned by your user namespace (README: BPF tokens)",
		     "%s", err.msg);
		return;
	}
	close(fd);
	pr->permitted = true;
	pr->via = "a BPF token";
	snprintf(pr->cache, sizeof(pr->cache), "%s/sandbox", path);
}

static void probe_caps(struct sb_ebpf_probe *pr)
{
	unsigned long long caps = cap_eff();
	bool sys_admin = caps & (1ULL << CAP_SYS_ADMIN_BIT);
	bool bpf_net = (caps & (1ULL << CAP_BPF_BIT)) && (caps & (1ULL << CAP_NET_ADMIN_BIT));

	if (!in_initial_userns())
		deny(pr, HINT_PERMIT, "the launcher runs in a user namespace: capabilities there do not count for BPF");
	else if (!sys_admin && !bpf_net)
		deny(pr, HINT_PERMIT, "the caller holds neither CAP_BPF+CAP_NET_ADMIN nor CAP_SYS_ADMIN");
	else
		pr->permitted = true;
	if (!pr->permitted)
		return;
	pr->via = sys_admin ? "CAP_SYS_ADMIN" : "CAP_BPF+CAP_NET_ADMIN";
	pr->lsm = sys_admin || (caps & (1ULL << CAP_PERFMON_BIT));
	if (is_bpffs(BPF_FS))
		snprintf(pr->cache, sizeof(pr->cache), "%s/sandbox", BPF_FS);
}

void ebpf_probe(const struct sb_plan *p, struct sb_ebpf_probe *pr)
{
	memset(pr, 0, sizeof(*pr));
	if (p && p->ebpf == SB_EBPF_OFF)
		deny(pr, "remove 'ebpf off'", "turned off by 'ebpf off'");
	else if (own_v2_cgroup(pr->cgroup_parent, sizeof(pr->cgroup_parent)) < 0)
		deny(pr, "mount cgroup2 (pure v2 at /sys/fs/cgroup, or the hybrid /sys/fs/cgroup/unified)",
		     "no cgroup v2 hierarchy is mounted: the programs attach to a v2 cgroup");
	else if (p && p->bpf_token)
		probe_token(p->bpf_token, pr);
	else
		probe_caps(pr);
	if (pr->permitted && access(pr->cgroup_parent, W_OK) < 0)
		deny(pr, "run as root, or from a cgroup delegated to you", "cgroup %s is not writable by the caller",
		     pr->cgroup_parent);
	if (!pr->permitted) {
		pr->via = NULL;
		pr->cache[0] = '\0';
		return;
	}
	/* A token: try the LSM program; it loads only where delegated. The
	 * loader asks whether the BPF LSM is active when it loads (a run
	 * taking pinned programs need not read securityfs). */
	pr->lsm = pr->lsm || (p && p->bpf_token);
}

bool ebpf_all_families(const struct sb_ebpf_probe *pr)
{
	return pr->permitted && pr->lsm && bpf_loader_lsm_active();
}

const char *ebpf_needed_by(const struct sb_plan *p)
{
	if (p->net == SB_NET_HOST && p->n_netrules)
		return "--allow-net on --net host";
	if (p->socket_families_set)
		return "socket-families";
	return NULL;
}

/* Who enforces each rule group when no program is attached. */
static void stand_ins(const struct sb_plan *p, struct sb_ebpf_result *r)
{
	bool has_dev = false;

	for (size_t i = 0; i < p->n_mounts; i++)
		has_dev |= p->mounts[i].kind == SB_MOUNT_DEV;
	r->attached = false;
	r->net = p->net == SB_NET_USER && p->n_netrules ? SB_WALL_NFTABLES : SB_WALL_NONE;
	r->families = SB_WALL_NONE;
	/* The run's /dev holds only the nodes above; every other mount is
	 * nodev. */
	r->devices = has_dev ? SB_WALL_MOUNTS : SB_WALL_NONE;
}

int ebpf_without(const struct sb_plan *p, const struct sb_ebpf_probe *pr, struct sb_err *err)
{
	const char *need = ebpf_needed_by(p);
	int r;

	if (p->ebpf == SB_EBPF_BEST_EFFORT || (p->ebpf != SB_EBPF_REQUIRED && !need))
		return 0;
	if (p->ebpf == SB_EBPF_OFF)
		return sb_failx(err, EINVAL, "%s needs the eBPF layer, which 'ebpf off' turns off", need);
	if (p->net == SB_NET_HOST && p->n_netrules) {
		char where[512];

		r = sb_failx(err, EPERM, "--allow-net %s (%s) cannot be enforced with --net host without eBPF, "
					 "which this caller may not use here: %s",
			     p->netrules[0].text, plan_loc_str(&p->netrules[0].loc, where, sizeof(where)), pr->why);
		sb_hint(err, "%s", pr->hint);
		sb_hint(err, "or use --net user, which enforces the allow-list in the run's own network namespace");
		return r;
	}
	r = sb_failx(err, EPERM, "%s needs eBPF, which this caller may not use here: %s",
		     need ? need : "'ebpf required'", pr->why);
	sb_hint(err, "%s", pr->hint);
	sb_hint(err, "or let the other walls stand in: --ebpf best-effort");
	return r;
}

static int not_permitted(const struct sb_plan *p, const struct sb_ebpf_probe *pr, struct sb_result *res,
			 struct sb_err *err)
{
	snprintf(res->ebpf.why, sizeof(res->ebpf.why), "%s", pr->why);
	return ebpf_without(p, pr, err);
}

/* The run's cgroup v2 directory: the cgroup layer's, or our own child of
 * the launcher's v2 cgroup. */
static int where(const struct sb_cgroup *cg, const struct sb_ebpf_probe *pr, struct sb_ebpf *e, struct sb_err *err)
{
	char name[64];

	if (cg->version == '2' && cg->clone_fd >= 0) {
		e->cg_fd = fcntl(cg->clone_fd, F_DUPFD_CLOEXEC, 3);
		return e->cg_fd < 0 ? sb_fail(err, errno, "duplicate the run's cgroup descriptor") : 0;
	}
	/* A killed launcher's directory: its programs went with its
	 * descriptors; the cgroup layer's clean-up kills what is left and
	 * removes it (names carry pid and start time). */
	cg_clean_stale(pr->cgroup_parent, "cgroup.kill");
	cg_run_name(name, sizeof(name));
	if (strlen(pr->cgroup_parent) + strlen(name) + 2 > sizeof(e->dir))
		return sb_failx(err, ENAMETOOLONG, "cgroup path too long");
	snprintf(e->dir, sizeof(e->dir), "%s/%s", pr->cgroup_parent, name);
	if (mkdir(e->dir, 0755) < 0) {
		int r = sb_fail(err, errno, "create cgroup %s for the eBPF programs", e->dir);

		e->dir[0] = '\0';
		return r;
	}
	e->own = true;
	e->cg_fd = open(e->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return e->cg_fd < 0 ? sb_fail(err, errno, "open %s", e->dir) : 0;
}

/* One grant as the programs' rule: address and mask in network order,
 * "every port" as 0-65535; with bind, bind() to the same address and ports
 * is allowed too (a client binding its source port, a server on a port
 * the policy names). */
static void to_rule(const struct sb_netaddr *a, const struct sb_netgrant *g, bool bind, struct sb_bpf_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->family = a->family == AF_INET ? 4 : 6;
	memcpy(r->addr, a->addr, a->family == AF_INET ? 4 : 16);
	for (unsigned w = 0; w < 4; w++) {
		int bits = (int)a->prefix - 32 * (int)w;

		bits = bits < 0 ? 0 : bits > 32 ? 32 : bits;
		r->mask[w] = bits ? htonl(~0u << (32 - bits)) : 0;
		r->addr[w] &= r->mask[w];
	}
	r->port_lo = g->port_lo || g->port_hi ? g->port_lo : 0;
	r->port_hi = g->port_lo || g->port_hi ? g->port_hi : 65535;
	r->proto = g->proto == SB_NETP_UDP ? IPPROTO_UDP : IPPROTO_TCP;
	r->bind = bind;
}

struct rules_ctx {
	struct sb_bpf_conf *c;
	bool bind;
	struct sb_err *err;
};

static int add_rule(void *ctx, const struct sb_netaddr *a, const struct sb_netgrant *g)
{
	struct rules_ctx *x = ctx;

	if (x->c->n_rules >= SB_BPF_MAX_RULES)
		return sb_failx(x->err, E2BIG, "--allow-net: more than %d destinations (after name resolution)",
				SB_BPF_MAX_RULES);
	to_rule(a, g, x->bind, &x->c->rules[x->c->n_rules++]);
	return 0;
}

/* --net host: the allow-list with names resolved as --net user resolves
 * them (net_lookup); host-loopback is the host's 127.0.0.1 and ::1, which
 * on --net host are the run's loopback too. */
static int host_rules(const struct sb_plan *p, struct sb_bpf_conf *c, struct sb_err *err)
{
	static const struct sb_netaddr lo4 = { .family = AF_INET, .addr = { 127, 0, 0, 1 }, .prefix = 32 };
	static const struct sb_netaddr lo6 = { .family = AF_INET6, .addr = { [15] = 1 }, .prefix = 128 };
	struct rules_ctx x = { .c = c, .bind = true, .err = err };
	struct sb_netgrants g = { 0 };
	int r = netgrants_build(p, net_lookup, &g, err);

	for (size_t i = 0; r == 0 && i < g.n; i++) {
		if (g.v[i].host_loopback) {
			r = add_rule(&x, &lo4, &g.v[i]);
			if (r == 0)
				r = add_rule(&x, &lo6, &g.v[i]);
		} else {
			r = add_rule(&x, &g.v[i].addr, &g.v[i]);
		}
	}
	netgrants_free(&g);
	return r;
}

/* The run's rules, devices and families as the programs read them. On
 * --net user the allow-list is the one nftables enforces, as the payload
 * sees it in its own namespace (net_user_dests: its own loopback, pasta's
 * gateway for the host's loopback, the DNS forwarder): a second wall
 * behind nftables, on connect and sendmsg only (bind() in the run's own
 * namespace exposes nothing; --publish needs it). */
static int fill_conf(const struct sb_plan *p, struct sb_bpf_conf *c, struct sb_bpf_load *l, struct sb_err *err)
{
	struct rules_ctx x = { .c = c, .bind = false, .err = err };
	int r = 0;

	memset(c, 0, sizeof(*c));
	c->families = p->socket_families;
	c->n_devs = ELEMENTSOF(run_devs);
	memcpy(c->devs, run_devs, sizeof(run_devs));
	l->conf = c;
	l->families = p->socket_families_set;
	l->devices = true;
	if (p->net == SB_NET_HOST && p->n_netrules) {
		r = host_rules(p, c, err);
		l->net = l->bind = true;
	} else if (p->net == SB_NET_USER && p->n_netrules) {
		r = net_user_dests(add_rule, &x);
		l->net = true;
		for (size_t i = 0; i < p->n_publish && r == 0; i++) {
			if (p->publish[i].proto != SB_NETP_UDP)
				continue;
			if (c->n_reply >= SB_BPF_MAX_REPLY)
				r = sb_failx(err, E2BIG, "--publish: more than %d UDP ports for the eBPF programs",
					     SB_BPF_MAX_REPLY);
			else
				c->reply_ports[c->n_reply++] = p->publish[i].port;
		}
	}
	return r;
}

/* Nothing asked for these programs but auto mode (or best-effort): the
 * other walls hold, and the report says why these are missing. */
static int load_failed(const struct sb_plan *p, struct sb_ebpf *e, struct sb_result *res, struct sb_err *err)
{
	ebpf_release(e);
	snprintf(res->ebpf.why, sizeof(res->ebpf.why), "%s", err->msg);
	if (p->ebpf == SB_EBPF_BEST_EFFORT || (p->ebpf == SB_EBPF_AUTO && !ebpf_needed_by(p))) {
		*err = (struct sb_err)SB_ERR_INIT;
		return 0;
	}
	return sb_wrap(err, "eBPF");
}

/* Whether init must register (ebpf_child): init reads its copy of this. */
static bool attached;

int ebpf_prepare(const struct sb_plan *p, const struct sb_cgroup *cg, struct sb_ebpf *e, struct sb_result *res,
		 struct sb_err *err)
{
	struct sb_bpf_load l = { .token_fd = -1 };
	struct sb_ebpf_probe pr;
	int r;

	stand_ins(p, &res->ebpf);
	ebpf_probe(p, &pr);
	if (!pr.permitted)
		return not_permitted(p, &pr, res, err);
	r = fill_conf(p, &e->conf, &l, err);
	if (r < 0)
		return load_failed(p, e, res, err); /* on --net user nftables still holds */
	l.lsm = pr.lsm;
	l.cache = pr.cache[0] ? pr.cache : NULL;
	r = p->bpf_token ? bpf_loader_token(p->bpf_token, &l.token_fd, err) : 0;
	if (r == 0)
		r = where(cg, &pr, e, err);
	if (r == 0)
		r = bpf_loader_attach(&l, e->cg_fd, &e->bpf, err);
	if (l.token_fd >= 0)
		close(l.token_fd);
	if (r < 0)
		return load_failed(p, e, res, err);
	attached = true;
	res->ebpf.attached = true;
	res->ebpf.reused = bpf_loader_cached(e->bpf);
	res->ebpf.net = l.net ? SB_WALL_EBPF : res->ebpf.net;
	res->ebpf.devices = SB_WALL_EBPF;
	res->ebpf.families = l.families ? SB_WALL_EBPF : SB_WALL_NONE;
	res->ebpf.families_inet_only = l.families && !bpf_loader_all_families(e->bpf);
	return 0;
}

int ebpf_clone_fd(const struct sb_ebpf *e)
{
	return e->own ? e->cg_fd : -1;
}

/* Is pid in our cgroup already (CLONE_INTO_CGROUP)? /proc/PID/cgroup's
 * "0::PATH" ends with our directory's name. */
static bool joined(const struct sb_ebpf *e, pid_t pid)
{
	char path[64], line[PATH_MAX + 16];
	const char *name = strrchr(e->dir, '/');
	bool in = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	while (f && name && fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\n"), k = strlen(name);

		in |= strncmp(line, "0::", 3) == 0 && n >= k && strncmp(line + n - k, name, k) == 0;
	}
	if (f)
		fclose(f);
	return in;
}

int ebpf_parent(struct sb_ebpf *e, pid_t pid, struct sb_err *err)
{
	char buf[32];

	/* Only without clone3: a write to cgroup.procs takes the cgroup
	 * threadgroup lock for writing, an RCU grace period (ms) per run. */
	if (!e->own || joined(e, pid))
		return 0;
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	return cg_write(e->dir, "cgroup.procs", buf, err);
}

int ebpf_child(struct sb_err *err)
{
	int fd;

	if (!attached)
		return 0;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sb_fail(err, errno, "eBPF: open /dev/null to register the run's init");
	close(fd);
	return 0;
}

void ebpf_collect(const struct sb_ebpf *e, struct sb_result *res)
{
	struct sb_bpf_counters c;

	if (!e->bpf)
		return;
	bpf_loader_counters(e->bpf, &c);
	res->ebpf.refused_connect = c.connect;
	res->ebpf.refused_sendmsg = c.sendmsg;
	res->ebpf.refused_bind = c.bind;
	res->ebpf.refused_socket = c.socket;
	res->ebpf.refused_device = c.device;
}

void ebpf_release(struct sb_ebpf *e)
{
	bpf_loader_release(e->bpf);
	e->bpf = NULL;
	if (e->cg_fd >= 0)
		close(e->cg_fd);
	e->cg_fd = -1;
	if (e->own && e->dir[0])
		cg_rmdir(e->dir);
	e->own = false;
	e->dir[0] = '\0';
}
