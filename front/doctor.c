/*
 * doctor.c: `sandbox doctor [--json]`: each capability the sandbox uses,
 * ok / degraded / missing on this host for this caller, with the exact
 * fix, then what each shipped policy will do here. Exit 0 when the default
 * policy can run, 1 when it cannot.
 *
 * Runs in the launcher process as the caller. Every answer comes from the
 * function the run asks: userns_probe() makes the namespaces a run makes
 * (in a child that exits at once) and userns_explain() words a refusal as
 * a failing run does; cgroup_where() is cgroup_prepare's own decision
 * without the mkdir; landlock_probe(), seccomp_probe(), timens_probe() and
 * ebpf_probe(), userns_subids() and net_user_probe() are the layers' own.
 * doctor adds only what no run decides:
 * /dev/net/tun, which the user-mode stack opens itself.
 */
#include "doctor.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cgroup.h"
#include "ebpf.h"
#include "layers.h"
#include "policy.h"
#include "policy_lookup.h"
#include "report.h"
#include "seccomp.h"
#include "util.h"


static void say(struct doctor_line *l, enum doctor_state s, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(struct doctor_line *l, enum doctor_state s, const char *fmt, ...)
{
	va_list ap;

	l->state = s;
	va_start(ap, fmt);
	vsnprintf(l->detail, sizeof(l->detail), fmt, ap);
	va_end(ap);
}

/* An error's message without its hints into detail, the hints (joined)
 * into fix: "msg (hint: A) (hint: B)". */
static void from_err(struct doctor_line *l, enum doctor_state s, const char *msg)
{
	const char *h = strstr(msg, " (hint: ");
	size_t off = 0;

	l->state = s;
	snprintf(l->detail, sizeof(l->detail), "%.*s", (int)(h ? h - msg : (long)strlen(msg)), msg);
	l->fix[0] = '\0';
	while (h) {
		const char *start = h + 8, *next = strstr(start, " (hint: ");
		size_t len = (size_t)((next ? next : start + strlen(start)) - start);

		if (len && start[len - 1] == ')')
			len--;
		off += (size_t)snprintf(l->fix + off, off < sizeof(l->fix) ? sizeof(l->fix) - off : 0, "%s%.*s",
					off ? "; " : "", (int)len, start);
		h = next;
	}
}

static void check_userns(struct doctor_facts *f, struct doctor_line *l)
{
	struct sb_err err = SB_ERR_INIT;
	long max = f->max_userns = userns_sysctl("/proc/sys/user/max_user_namespaces");
	long clone = f->unpriv_clone = userns_sysctl("/proc/sys/kernel/unprivileged_userns_clone");
	long aa = f->apparmor_restrict = userns_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
	char knobs[256];

	snprintf(knobs, sizeof(knobs), "user.max_user_namespaces = %ld%s%s", max,
		 clone >= 0 ? (clone ? ", kernel.unprivileged_userns_clone = 1" : ", kernel.unprivileged_userns_clone = 0") : "",
		 aa >= 0 ? (aa ? ", kernel.apparmor_restrict_unprivileged_userns = 1" : ", kernel.apparmor_restrict_unprivileged_userns = 0") : "");
	f->userns = userns_probe(&err) == 0;
	if (f->userns) {
		say(l, DOCTOR_OK, "a run's namespaces can be made (user, mount, pid, ipc, uts, net, cgroup; %s)", knobs);
		return;
	}
	from_err(l, DOCTOR_MISSING, err.msg);
	snprintf(l->detail + strlen(l->detail), sizeof(l->detail) - strlen(l->detail), " (%s)", knobs);
}

static void check_subids(struct doctor_facts *f, struct doctor_line *l)
{
	struct sb_err err = SB_ERR_INIT;
	struct sb_subids ids;

	f->subids = userns_subids(&ids, &err) == 0;
	if (!f->subids) {
		from_err(l, DOCTOR_MISSING, err.msg);
		snprintf(l->detail + strlen(l->detail), sizeof(l->detail) - strlen(l->detail),
			 ": only --map-to subuid needs it");
		return;
	}
	say(l, DOCTOR_OK, "newuidmap and newgidmap usable; uids %lu-%lu, gids %lu-%lu are yours (--map-to subuid)",
	    ids.uid_start, ids.uid_start + ids.uid_count - 1, ids.gid_start, ids.gid_start + ids.gid_count - 1);
}

/* v2: delegated (systemd) or not; v1: which hierarchies are writable. */
static void check_cgroup(struct doctor_facts *f, struct doctor_line *l)
{
	struct sb_plan p;
	const char *user = getenv("USER");
	struct sb_cgroup_where *w = &f->cg;

	/* A plan with every limit the cgroup layer enforces: could it run? */
	plan_init(&p);
	p.limits.memory = 1 << 30;
	p.limits.pids = 64;
	p.limits.cpus_milli = 1000;
	cgroup_where(&p, w);
	plan_free(&p);
	if (!w->version) {
		from_err(l, DOCTOR_MISSING, w->why);
		return;
	}
	if (w->usable) {
		say(l, DOCTOR_OK, "v%c, a run's cgroup goes under %s (%s); controllers there: %s", w->version, w->parent,
		    w->origin, w->controllers[0] ? w->controllers : "none");
		return;
	}
	from_err(l, w->controllers[0] ? DOCTOR_DEGRADED : DOCTOR_MISSING, w->why);
	snprintf(l->detail + strlen(l->detail), sizeof(l->detail) - strlen(l->detail),
		 " [v%c%s%s; usable controllers: %s]", w->version, w->parent[0] ? ", at " : "", w->parent,
		 w->controllers[0] ? w->controllers : "none");
	/* The exact commands for this machine's cgroup version. */
	if (w->version == '2')
		snprintf(l->fix, sizeof(l->fix),
			 "run under a delegated scope: systemd-run --user --scope -p Delegate=yes sandbox run ...; or, as "
			 "root, for every login: mkdir -p /etc/systemd/system/user@.service.d && printf '[Service]\\n"
			 "Delegate=cpu cpuset io memory pids\\n' > /etc/systemd/system/user@.service.d/delegate.conf && "
			 "systemctl daemon-reload (log in again); or accept rlimit stand-ins: --limits best-effort");
	else
		snprintf(l->fix, sizeof(l->fix),
			 "as root (once per boot): for c in memory pids cpu cpuacct cpuset; do mkdir -p "
			 "/sys/fs/cgroup/$c/sandbox-%s && chown -R %s /sys/fs/cgroup/$c/sandbox-%s; done; cat "
			 "/sys/fs/cgroup/cpuset/cpuset.cpus > /sys/fs/cgroup/cpuset/sandbox-%s/cpuset.cpus; cat "
			 "/sys/fs/cgroup/cpuset/cpuset.mems > /sys/fs/cgroup/cpuset/sandbox-%s/cpuset.mems; then, as you: "
			 "export SANDBOX_CGROUP=/sandbox-%s; or accept rlimit stand-ins: --limits best-effort",
			 user ? user : "USER", user ? user : "USER", user ? user : "USER", user ? user : "USER",
			 user ? user : "USER", user ? user : "USER");
}

static void check_seccomp(struct doctor_facts *f, struct doctor_line *l)
{
	struct sb_seccomp_probe pr;

	seccomp_probe(&pr);
	f->seccomp = pr.filter;
	f->user_notif = pr.user_notif;
	f->action_cache = pr.cache;
	snprintf(f->seccomp_actions, sizeof(f->seccomp_actions), "%s", pr.actions);
	if (!pr.filter) {
		say(l, DOCTOR_MISSING, "this kernel has no seccomp filters: no run can start (seccomp is required)");
		snprintf(l->fix, sizeof(l->fix), "a kernel built with CONFIG_SECCOMP_FILTER (every distribution kernel is)");
	} else if (!pr.user_notif) {
		say(l, DOCTOR_DEGRADED, "filters work; no user notification (actions: %s): --syscalls-log and sandbox "
					 "learn cannot run",
		    pr.actions);
		snprintf(l->fix, sizeof(l->fix), "Linux 5.0 or newer for SECCOMP_RET_USER_NOTIF");
	} else if (!pr.cache) {
		say(l, DOCTOR_DEGRADED, "filters and user notification work; kernel %s has no action cache, so every "
					 "allowed syscall runs the filter",
		    pr.kernel);
		snprintf(l->fix, sizeof(l->fix), "Linux 5.11 or newer caches allowed syscalls (faster runs)");
	} else {
		say(l, DOCTOR_OK, "filters, user notification (log mode, learn) and the action cache (kernel %s: "
				  "allowed syscalls skip the filter)",
		    pr.kernel);
	}
}

static void check_landlock(struct doctor_facts *f, struct doctor_line *l)
{
	struct sb_err err = SB_ERR_INIT;
	int abi = landlock_probe(&err);

	f->landlock = abi > 0;
	f->landlock_abi = abi;
	if (abi < 0) {
		from_err(l, DOCTOR_MISSING, err.msg);
		snprintf(l->detail + strlen(l->detail), sizeof(l->detail) - strlen(l->detail),
			 ": policies saying 'landlock required' fail, 'auto' runs without the second wall");
	} else if (abi < 6) {
		say(l, DOCTOR_DEGRADED, "ABI %d: file rules work; no scoping of abstract unix sockets and signals "
					"(ABI 6)%s",
		    abi, abi < 4 ? ", no TCP port rules (ABI 4)" : "");
		snprintf(l->fix, sizeof(l->fix), "Linux 6.12 or newer for Landlock ABI 6");
	} else {
		say(l, DOCTOR_OK, "ABI %d: file rules, TCP port rules, abstract unix socket and signal scoping", abi);
	}
}

static void check_ebpf(struct doctor_facts *f, struct doctor_line *l)
{
	struct sb_ebpf_probe pr;

	ebpf_probe(NULL, &pr);
	f->ebpf = pr.permitted;
	f->ebpf_via = pr.permitted ? pr.via : NULL;
	if (pr.permitted) {
		say(l, DOCTOR_OK, "permitted through %s; programs go on the run's v2 cgroup (under %s)%s; %s%s", pr.via,
		    pr.cgroup_parent, ebpf_all_families(&pr) ? "; the BPF LSM is active (every socket family is checked where it runs lsm_cgroup programs)" : "",
		    pr.cache[0] ? "kept loaded between runs in " : "each run loads them: no bpffs at /sys/fs/bpf to keep them in",
		    pr.cache);
		return;
	}
	say(l, DOCTOR_MISSING, "%s: policies saying 'ebpf required' fail, 'best-effort' use the rootless walls",
	    pr.why);
	snprintf(l->fix, sizeof(l->fix), "%s", pr.hint);
}

static void check_timens(struct doctor_facts *f, struct doctor_line *l)
{
	struct sb_err err = SB_ERR_INIT;

	if (!f->userns) {
		say(l, DOCTOR_MISSING, "not checked: it needs a user namespace, and none can be made");
		snprintf(l->fix, sizeof(l->fix), "see user namespaces");
		return;
	}
	f->timens = timens_probe(&err) == 0;
	if (f->timens)
		say(l, DOCTOR_OK, "time namespaces can be made (--time-offset)");
	else
		from_err(l, DOCTOR_MISSING, err.msg);
}

static void check_net_helper(struct doctor_facts *f, struct doctor_line *l)
{
	struct sb_err err = SB_ERR_INIT;
	const char *helper = NULL;

	f->net_helper = net_user_probe(&helper, &err) == 0;
	if (f->net_helper)
		say(l, DOCTOR_OK, "pasta at %s, and a default route for it to copy (--net user)", helper);
	else
		from_err(l, DOCTOR_MISSING, err.msg);
}

/* The user-mode stack opens /dev/net/tun inside the run's namespace. */
static void check_tun(struct doctor_facts *f, struct doctor_line *l)
{
	struct stat st;

	f->tun = stat("/dev/net/tun", &st) == 0 && S_ISCHR(st.st_mode) && access("/dev/net/tun", R_OK | W_OK) == 0;
	if (f->tun) {
		say(l, DOCTOR_OK, "/dev/net/tun is there and usable (--net user's stack needs it)");
		return;
	}
	say(l, DOCTOR_MISSING, "/dev/net/tun is %s: --net user cannot start its stack",
	    stat("/dev/net/tun", &st) < 0 ? "missing" : "not usable by you");
	snprintf(l->fix, sizeof(l->fix), "as root: modprobe tun; or mkdir -p /dev/net && mknod /dev/net/tun c 10 200 && "
					  "chmod 0666 /dev/net/tun");
}

/* ---- what each policy will do here ---- */

struct judge {
	struct doctor_policy *out;
	size_t off;
};

static void add(struct judge *j, enum doctor_verdict v, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Raise the verdict to v (the worst wins) and append a sentence. */
static void add(struct judge *j, enum doctor_verdict v, const char *fmt, ...)
{
	va_list ap;
	size_t len = sizeof(j->out->detail);

	if (v > j->out->verdict)
		j->out->verdict = v;
	if (j->off && j->off < len)
		j->off += (size_t)snprintf(j->out->detail + j->off, len - j->off, "; ");
	va_start(ap, fmt);
	if (j->off < len)
		j->off += (size_t)vsnprintf(j->out->detail + j->off, len - j->off, fmt, ap);
	va_end(ap);
}

/* Without a cgroup, under "limits best-effort": what stands in for each
 * limit, and what that means for a judge's figures. */
static void best_effort(struct judge *j, const struct sb_plan *p)
{
	struct sb_enforcement e;

	cgroup_enforcement(p, false, &e);
	if (p->limits.memory)
		add(j, DV_BEST_EFFORT, "memory by the launcher sampling the process tree every 10 ms (RLIMIT_AS per "
				       "process behind it): a spike shorter than a sample can pass, the peak is sampled");
	if (p->limits.pids)
		add(j, DV_BEST_EFFORT, "pids by RLIMIT_NPROC: the processes of the run's user in its user namespace");
	if (p->limits.cpu_time_us)
		add(j, DV_BEST_EFFORT, "cpu-time by the launcher sampling the tree (RLIMIT_CPU a second later per "
				       "process): the kill lands within a few ms of the limit");
	if (p->limits.cpus_milli && e.cpus == SB_ENF_NONE)
		add(j, DV_BEST_EFFORT, "cpus not enforced at all");
	if (p->limits.cpuset)
		add(j, DV_BEST_EFFORT, "cpuset by CPU affinity, which the program may widen");
}

static void judge_cgroup(struct judge *j, const struct sb_plan *p)
{
	struct sb_cgroup_where w;

	cgroup_where(p, &w);
	if (!w.needed || w.usable)
		return;
	if (p->limits.best_effort)
		best_effort(j, p);
	else
		add(j, DV_NEEDS_FIX, "its limits need a cgroup and none is usable here (see cgroup above)");
}

static void judge_layers(struct judge *j, const struct doctor_facts *f, const struct sb_plan *p)
{
	struct sb_ebpf_probe pr;
	struct sb_err err = SB_ERR_INIT;

	if (p->landlock == SB_LANDLOCK_REQUIRED && !f->landlock)
		add(j, DV_NEEDS_FIX, "'landlock required' and this kernel has no Landlock (see landlock above)");
	if (p->syscalls_log && !f->user_notif)
		add(j, DV_NEEDS_FIX, "syscalls-log needs seccomp user notification (see seccomp above)");
	if (p->map_subids && !f->subids)
		add(j, DV_NEEDS_FIX, "map-to subuid needs newuidmap and a subordinate range (see subordinate ids above)");
	if (p->time_ns.new_ns && !f->timens)
		add(j, DV_NEEDS_FIX, "time-offset needs a time namespace (see time namespaces above)");
	if (p->net == SB_NET_USER && !f->net_helper)
		add(j, DV_NEEDS_FIX, "net user needs pasta and a default route (see user-mode network above)");
	if (p->net == SB_NET_USER && !f->tun)
		add(j, DV_NEEDS_FIX, "net user needs /dev/net/tun (see above)");
	ebpf_probe(p, &pr);
	if (!pr.permitted && ebpf_without(p, &pr, &err) < 0)
		add(j, DV_NEEDS_FIX, "%s", err.msg);
	else if (!pr.permitted && ebpf_needed_by(p))
		add(j, DV_BEST_EFFORT, "%s not checked by eBPF; the other walls stand in", ebpf_needed_by(p));
}

void doctor_judge(const struct doctor_report *r, const struct sb_plan *p, struct doctor_policy *out)
{
	struct judge j = { .out = out };

	const struct doctor_facts *f = &r->f;

	out->verdict = DV_OK;
	out->detail[0] = '\0';
	if (!f->userns)
		add(&j, DV_CANNOT_RUN, "no user namespace can be made (see user namespaces above)");
	if (!f->seccomp && !p->seccomp_off)
		add(&j, DV_CANNOT_RUN, "no seccomp filters (see seccomp above)");
	judge_cgroup(&j, p);
	judge_layers(&j, f, p);
	if (out->verdict == DV_OK)
		add(&j, DV_OK, "runs as it says");
}

/* The shipped policies (those built in, but the syscalls-* fragments) as
 * this caller would load them: a user's own copy of a name wins. */
static int judge_policies(struct doctor_report *r, struct sb_err *err)
{
	static const struct sb_loc loc = { 0 };
	struct policy_entry *e;
	size_t n;

	if (policy_list(&e, &n, err) < 0)
		return -1;
	r->policies = calloc(n ? n : 1, sizeof(*r->policies));
	for (size_t i = 0; r->policies && i < n; i++) {
		struct doctor_policy *dp = &r->policies[r->n_policies];
		struct sb_err perr = SB_ERR_INIT;
		struct sb_plan p;

		if (strcmp(e[i].origin, "built-in") != 0 || strncmp(e[i].name, "syscalls-", 9) == 0)
			continue;
		snprintf(dp->name, sizeof(dp->name), "%s", e[i].name);
		plan_init(&p);
		if (policy_load(&p, e[i].name, &loc, &perr) < 0 || plan_validate(&p, &perr) < 0) {
			dp->verdict = DV_CANNOT_RUN;
			snprintf(dp->detail, sizeof(dp->detail), "does not load: %s", perr.msg);
		} else {
			doctor_judge(r, &p, dp);
		}
		if (strcmp(dp->name, "default") == 0)
			r->default_runs = dp->verdict <= DV_BEST_EFFORT;
		r->n_policies++;
		plan_free(&p);
	}
	policy_list_free(e, n);
	return r->policies ? 0 : sb_fail(err, ENOMEM, "doctor");
}

/* ---- the command ---- */

static const struct {
	void (*fn)(struct doctor_facts *f, struct doctor_line *l);
	const char *id, *title;
} checks[DC_MAX] = {
	[DC_USERNS] = { check_userns, "userns", "user namespaces" },
	[DC_SUBIDS] = { check_subids, "subids", "subordinate ids" },
	[DC_CGROUP] = { check_cgroup, "cgroup", "cgroup" },
	[DC_SECCOMP] = { check_seccomp, "seccomp", "seccomp" },
	[DC_LANDLOCK] = { check_landlock, "landlock", "Landlock" },
	[DC_EBPF] = { check_ebpf, "ebpf", "eBPF" },
	[DC_NET_HELPER] = { check_net_helper, "net_helper", "user-mode network" },
	[DC_TIMENS] = { check_timens, "timens", "time namespaces" },
	[DC_TUN] = { check_tun, "tun", "/dev/net/tun" },
};

int cmd_doctor(int argc, char **argv)
{
	struct doctor_report r = { .uid = (unsigned)getuid() };
	struct sb_err err = SB_ERR_INIT;
	struct utsname u;
	bool json = argc == 1 && strcmp(argv[0], "--json") == 0;

	if (argc > 0 && !json) {
		fputs("usage: sandbox doctor [--json]\n"
		      "Check what this host offers the sandbox (user namespaces, cgroups, seccomp,\n"
		      "Landlock, eBPF, the user-mode network), each with its fix, and what each\n"
		      "shipped policy will do here. Exit 0 when the default policy can run, else 1.\n",
		      strcmp(argv[0], "--help") == 0 ? stdout : stderr);
		return strcmp(argv[0], "--help") == 0 ? 0 : 125;
	}
	if (uname(&u) == 0)
		snprintf(r.kernel, sizeof(r.kernel), "%s", u.release);
	for (int i = 0; i < DC_MAX; i++) {
		r.line[i].id = checks[i].id;
		r.line[i].title = checks[i].title;
		if (checks[i].fn)
			checks[i].fn(&r.f, &r.line[i]);
	}
	if (judge_policies(&r, &err) < 0) {
		report_error(&err);
		return 125;
	}
	if (json)
		doctor_print_json(stdout, &r);
	else
		doctor_print_text(stdout, &r);
	free(r.policies);
	return r.default_runs ? 0 : 1;
}
