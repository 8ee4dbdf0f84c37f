/*
 * explain.c: `sandbox explain`: print what `sandbox run` would set up from
 * the same options, and which layers this machine will enforce. Runs as
 * the caller, in the launcher process only, and creates nothing: every
 * probe is a read (sysctls under /proc/sys, the cgroup layer's own dry run
 * (cgroup_where: /proc/self/cgroup, access(2) and reads of cgroup files),
 * and Landlock's version query, which makes no ruleset).
 * Layer details (which rights Landlock grants where) stay in the layers;
 * this file only says whether each layer will be there.
 */
#include "explain.h"

#include "net_rules.h"
#include "seccomp_harden.h"
#include "syscall_sets.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "check.h"
#include "ebpf.h"
#include "layers.h"
#include "policy.h"
#include "seccomp.h"
#include "syscalls.h"
#include "sysconsts.h"
#include "util.h"

#define NOBODY 65534 /* userns.c's default outside uid for root callers */

/* What this machine offers, read once. */
struct probe {
	long max_userns; /* -1 when the sysctl cannot be read */
	long unpriv_clone; /* Debian's kernel.unprivileged_userns_clone, -1 if absent */
	int landlock_abi; /* <= 0: none */
	int landlock_errno;
	bool seccomp; /* the kernel knows seccomp (Seccomp: in /proc/self/status) */
	struct sb_cgroup_where cg; /* the cgroup layer's own answer (cgroup_where) */
	bool cg_used; /* the run gets a cgroup: usable, and not 'cgroup off' */
	bool cg_fails; /* it gets none and stops for it (cgroup_without_fails) */
	struct sb_enforcement enf; /* how each limit is enforced (cgroup_enforcement) */
};

static bool status_has(const char *key)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strncmp(line, key, strlen(key)) == 0;
	fclose(f);
	return found;
}

static void probe(const struct sb_plan *p, struct probe *pr)
{
	memset(pr, 0, sizeof(*pr));
	pr->max_userns = userns_sysctl("/proc/sys/user/max_user_namespaces");
	pr->unpriv_clone = userns_sysctl("/proc/sys/kernel/unprivileged_userns_clone");
	pr->landlock_abi = sys_landlock_abi_version();
	pr->landlock_errno = pr->landlock_abi < 0 ? errno : 0;
	pr->seccomp = status_has("Seccomp:");
	cgroup_where(p, &pr->cg);
	pr->cg_used = pr->cg.usable && p->limits.cgroup_mode != SB_CG_OFF;
	pr->cg_fails = !pr->cg_used && cgroup_without_fails(p);
	cgroup_enforcement(p, pr->cg_used, &pr->enf);
}

static void section(FILE *f, const char *title)
{
	fprintf(f, "\n%s\n", title);
}

static void print_identity(FILE *f, const struct sb_plan *p)
{
	uid_t caller = getuid();

	section(f, "identity and namespaces");
	fprintf(f, "  %-16s user, mount, pid, ipc, uts, net%s, cgroup%s (all new for the run)\n", "namespaces",
		p->net == SB_NET_HOST ? " (shared with the caller: net host)" : "", p->time_ns.new_ns ? ", time" : "");
	if (p->time_ns.new_ns)
		fprintf(f, "  %-16s monotonic %+.3f s, boottime %+.3f s\n", "clock offsets",
			(double)p->time_ns.monotonic_ns / 1e9, (double)p->time_ns.boottime_ns / 1e9);
	if (p->map_subids)
		fprintf(f, "  %-16s %u (gid %u) inside = id %u of your /etc/subuid and /etc/subgid ranges (newuidmap); "
			   "inside 0 = you, for the set-up only\n",
			"uid", (unsigned)p->uid, (unsigned)p->gid, (unsigned)p->subid_index);
	else if (caller == 0)
		fprintf(f, "  %-16s %u (gid %u) inside = uid %u outside (a root caller never maps to root)\n", "uid",
			(unsigned)p->uid, (unsigned)p->gid, p->map_to_set ? (unsigned)p->map_to : NOBODY);
	else
		fprintf(f, "  %-16s %u (gid %u) inside = your uid %u outside, no other uid mapped\n", "uid",
			(unsigned)p->uid, (unsigned)p->gid, (unsigned)caller);
	fprintf(f, "  %-16s %s\n", "hostname", p->hostname ? p->hostname : "sandbox");
	fprintf(f, "  %-16s none in any namespace that matters; no_new_privs set\n", "capabilities");
}

static const char *mount_desc(const struct sb_mount *m)
{
	switch (m->kind) {
	case SB_MOUNT_BIND:
		return m->optional ? "read-write bind (skipped if missing)" : "read-write bind";
	case SB_MOUNT_RO_BIND:
		return m->optional ? "read-only bind (skipped if missing)" : "read-only bind";
	case SB_MOUNT_TMPFS:
		return "tmpfs, read-write, thrown away";
	case SB_MOUNT_DIR:
		return "empty directory";
	case SB_MOUNT_SYMLINK:
		return "symbolic link";
	case SB_MOUNT_PROC:
		return "proc: the sandbox's own processes only";
	case SB_MOUNT_DEV:
		return "minimal /dev: null zero full random urandom tty pts shm";
	case SB_MOUNT_OVERLAY:
		return m->flags & SB_MNT_PARTIAL ? "overlay: writes go to a layer thrown away; entries of others stay unwritable"
						 : "overlay: writes go to a layer thrown away (every entry must be yours)";
	case SB_MOUNT_FS:
		return m->ms_flags & MS_RDONLY ? "file system, read-only" : "file system";
	case SB_MOUNT_KIND_MAX:
		break;
	}
	return "?";
}

/* A bind source, and where it leads when it is a symlink: the run
 * resolves it as the host does (mounts.c, open_source). */
static void print_source(FILE *f, const char *src)
{
	char *real;
	struct stat st;

	fprintf(f, "<- %s ", src);
	if (lstat(src, &st) < 0 || !S_ISLNK(st.st_mode))
		return;
	real = realpath(src, NULL);
	fprintf(f, "(a symlink to %s) ", real ? real : "nothing: it dangles");
	free(real);
}

static void print_fs(FILE *f, const struct sb_plan *p)
{
	char loc[600];

	section(f, "filesystem (in mount order)");
	if (p->rootfs)
		fprintf(f, "  %-24s <- %s, read-only (rootfs)\n", "/", p->rootfs);
	else
		fprintf(f, "  %-24s empty tmpfs, read-only once built\n", "/");
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct sb_mount *m = &p->mounts[i];

		if (plan_mount_skipped(p, m))
			continue;
		fprintf(f, "  %-24s ", m->dst);
		if (m->kind == SB_MOUNT_SYMLINK)
			fprintf(f, "-> %s ", m->src ? m->src : "");
		else if (m->src)
			print_source(f, m->src);
		fprintf(f, "%s", mount_desc(m));
		if (m->kind == SB_MOUNT_TMPFS && m->size) {
			char s[32];

			check_size_str(m->size, s, sizeof(s));
			fprintf(f, ", at most %s", s);
		}
		if (m->flags & SB_MNT_NOEXEC)
			fputs(", nothing executable", f);
		if (m->flags & SB_MNT_DEV)
			fputs(", device nodes work", f);
		if (m->flags & SB_MNT_NOREC)
			fputs(", without the mounts below it", f);
		if (m->flags & SB_MNT_OWN)
			fputs(", owned by the command's uid while it runs", f);
		fprintf(f, "  [%s]\n", plan_loc_str(&m->loc, loc, sizeof(loc)));
	}
	fprintf(f, "  %-24s %s\n", "working directory", p->chdir ? p->chdir : "/");
}

/* --socket-families, by name where sysconsts.c knows one. */
static void print_families(FILE *f, const struct sb_plan *p)
{
	uint64_t v;

	if (!p->socket_families_set)
		return;
	fprintf(f, "  %-16s", "socket families");
	for (unsigned fam = 1; fam < 64; fam++)
		if (p->socket_families & (1ULL << fam)) {
			const char *names[] = { "AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET", NULL };
			bool named = false;

			for (size_t i = 0; names[i] && !named; i++)
				if (sysconst_find(names[i], &v) && v == fam) {
					fprintf(f, " %s", names[i] + 3);
					named = true;
				}
			if (!named)
				fprintf(f, " %u", fam);
		}
	fputs(p->socket_families ? " (others refused, eBPF)\n" : " none (eBPF)\n", f);
}

static void print_net(FILE *f, const struct sb_plan *p)
{
	section(f, "network");
	if (p->net == SB_NET_HOST)
		fputs("  host: the caller's network namespace, every address it can reach\n", f);
	else if (p->net == SB_NET_USER)
		fputs("  user: an own network namespace reaching out through pasta (passt package)\n", f);
	else
		fputs("  none: an own network namespace with only loopback (127.0.0.1, ::1)\n", f);
	for (size_t i = 0; i < p->n_netrules; i++) {
		char loc[512];

		fprintf(f, "  allow %-22s [%s]\n", p->netrules[i].text, plan_loc_str(&p->netrules[i].loc, loc, sizeof(loc)));
	}
	if (p->net == SB_NET_USER && p->n_netrules == 0)
		fputs("  allow everything but the host's own loopback services (no --allow-net given)\n", f);
	else if (p->n_netrules)
		fputs("  everything else refused at once (names are resolved when the run starts)\n", f);
	if (p->net == SB_NET_USER && p->n_netrules)
		fputs("  enforced by nftables rules in the run's namespace, and Landlock TCP port rules where the kernel has them\n", f);
	for (size_t i = 0; i < p->n_publish; i++)
		fprintf(f, "  publish %s\n", p->publish[i].text);
	print_families(f, p);
}

/* How a set limit is enforced here, as the report will say it
 * (cgroup_enforcement), with the stand-in named. */
static const char *how(const struct probe *pr, enum sb_enforce e, const char *rlimit)
{
	switch (e) {
	case SB_ENF_CGROUP:
		return "cgroup";
	case SB_ENF_RLIMIT:
		return rlimit;
	case SB_ENF_LAUNCHER:
		return "launcher timer";
	case SB_ENF_AFFINITY:
		return "best-effort: CPU affinity (the payload may widen it)";
	case SB_ENF_SAMPLING:
		return "best-effort: the launcher samples the process tree (an rlimit behind it)";
	case SB_ENF_RELAY:
		return "the launcher's relay on pipes, RLIMIT_FSIZE on files";
	case SB_ENF_NONE:
	case SB_ENF_MAX:
		break;
	}
	return pr->cg_fails ? "NEEDS A CGROUP: none usable here, the run would fail (see 'limits best-effort')"
			    : "not enforced: no cgroup here and no stand-in";
}

static void lim(FILE *f, const char *name, const char *val, bool set, const char *how_text)
{
	if (set)
		fprintf(f, "  %-16s %-10s %s\n", name, val, how_text);
	else
		fprintf(f, "  %-16s unlimited\n", name);
}

static void print_limits(FILE *f, const struct sb_plan *p, const struct probe *pr)
{
	const struct sb_limits *l = &p->limits;
	const struct sb_enforcement *e = &pr->enf;
	char b[64];

	section(f, "limits");
	check_size_str(l->memory, b, sizeof(b));
	lim(f, "memory", b, l->memory, how(pr, e->memory, "best-effort: rlimit (RLIMIT_AS, address space)"));
	snprintf(b, sizeof(b), "%" PRIu64, l->pids);
	lim(f, "pids", b, l->pids, how(pr, e->pids, "best-effort: rlimit (RLIMIT_NPROC)"));
	check_time_str(l->cpu_time_us, b, sizeof(b));
	lim(f, "cpu-time", b, l->cpu_time_us, how(pr, e->cpu_time, "best-effort: rlimit (RLIMIT_CPU, per process)"));
	check_time_str(l->wall_time_us, b, sizeof(b));
	lim(f, "wall-time", b, l->wall_time_us, how(pr, e->wall_time, "launcher timer"));
	snprintf(b, sizeof(b), "%" PRIu64 ".%03" PRIu64, l->cpus_milli / 1000, l->cpus_milli % 1000);
	lim(f, "cpus", b, l->cpus_milli, how(pr, e->cpus, "?"));
	lim(f, "cpuset", l->cpuset ? l->cpuset : "", l->cpuset != NULL, how(pr, e->cpuset, "?"));
	check_size_str(l->output_limit, b, sizeof(b));
	lim(f, "output-limit", b, l->output_limit,
	    how(pr, e->output, "rlimit (RLIMIT_FSIZE) on files, the launcher's relay on pipes"));
	check_size_str(l->address_space, b, sizeof(b));
	if (l->address_space)
		lim(f, "address-space", b, true, how(pr, e->address_space, "rlimit (RLIMIT_AS)"));
	snprintf(b, sizeof(b), "%" PRIu64, l->open_files);
	if (l->open_files)
		lim(f, "open-files", b, true, how(pr, e->open_files, "rlimit (RLIMIT_NOFILE)"));
	else
		fprintf(f, "  %-16s inherited\n", "open-files");
	check_size_str(l->stack, b, sizeof(b));
	if (l->stack || l->stack_unlimited)
		lim(f, "stack", l->stack_unlimited ? "unlimited" : b, true, how(pr, e->stack, "rlimit (RLIMIT_STACK)"));
	else
		fprintf(f, "  %-16s inherited\n", "stack");
	fprintf(f, "  %-16s %s\n", "mode", l->best_effort ? "best-effort" : "strict");
}

/* The members of every @set the rules name, so a reader sees what
 * "allow @file-system" means on this build. */
static void print_sets_used(FILE *f, const struct sb_plan *p)
{
	size_t n_sets;
	const struct sb_syscall_set *all = syscall_sets(&n_sets);
	_cleanup_free_ bool *seen = calloc(n_sets ? n_sets : 1, sizeof(*seen));

	/* Each set once, in the order the rules first name it: one pass,
	 * whatever the policy's length (a generated policy may hold 100k). */
	for (size_t i = 0; seen && i < p->n_sysrules; i++)
		for (char **n = p->sysrules[i].names; n && *n; n++) {
			const struct sb_syscall_set *set = (*n)[0] == '@' ? syscall_set_find(*n) : NULL;

			if (!set || seen[set - all])
				continue;
			seen[set - all] = true;
			fprintf(f, "  %-16s", set->name);
			for (const char *const *m = set->members; *m; m++)
				fprintf(f, " %s", *m);
			fputc('\n', f);
		}
}

static void print_rules(FILE *f, const struct sb_plan *p, bool first)
{
	char rule[2048], loc[600];

	for (size_t i = 0; i < p->n_sysrules; i++) {
		check_rule_str(&p->sysrules[i], rule, sizeof(rule));
		fprintf(f, "  %-16s %s  [%s]\n", i || !first ? "" : "rules, in order", rule,
			plan_loc_str(&p->sysrules[i].loc, loc, sizeof(loc)));
	}
}

static void overruled_line(void *ctx, const struct sb_harden *h, const struct sb_sysrule *r)
{
	char loc[600];

	fprintf(ctx, "  %-16s %s: allowed at %s, but the always-on hardening refuses it; "
		     "'syscalls unsafe-allow %s' lifts it\n",
		"NO EFFECT", h->name, plan_loc_str(&r->loc, loc, sizeof(loc)), h->name);
}

/* A plan may run on a built-in baseline refined by its own rules
 * (seccomp_baseline): show those rules too, not an empty rule list. The
 * default action is the compiled table's (an imported profile's
 * defaultAction applies when the plan sets none). */
static void print_syscalls(FILE *f, const struct sb_plan *p)
{
	struct sb_err err = SB_ERR_INIT;
	struct sb_plan base;
	const char *from = NULL;
	char dflt[64];

	section(f, "syscalls (seccomp)");
	if (p->seccomp_off) {
		fputs("  off: no filter at all\n", f);
		return;
	}
	if (seccomp_baseline_load(p, &base, &err) < 0)
		fprintf(f, "  %-16s %s\n", "ERROR", err.msg);
	if (seccomp_default_action(p, dflt, sizeof(dflt), &from, &err) < 0)
		fprintf(f, "  %-16s unknown: %s\n", "default action", err.msg);
	else if (!from)
		fprintf(f, "  %-16s %s\n", "default action", dflt);
	else if (base.n_policies)
		fprintf(f, "  %-16s %s (from the built-in policy %s: the policy sets none)\n", "default action", dflt, from);
	else
		fprintf(f, "  %-16s %s (from the imported profile %s)\n", "default action", dflt, from);
	print_rules(f, &base, true);
	print_rules(f, p, base.n_sysrules == 0);
	if (base.n_sysrules + p->n_sysrules == 0)
		fprintf(f, "  %-16s none beyond the always-on hardening\n", "rules");
	for (size_t i = 0; i < p->n_seccomp_profiles; i++)
		fprintf(f, "  %-16s %s\n", "imported profile", p->seccomp_profiles[i]);
	if (p->syscalls_log)
		fputs("  syscalls-log: denials are reported, not enforced\n", f);
	print_sets_used(f, &base);
	print_sets_used(f, p);
	plan_free(&base);
	seccomp_overruled(p, overruled_line, f, &err);
	fputs("  always-on hardening (lift one with 'syscalls unsafe-allow NAME'):\n", f);
	seccomp_harden_print(f, "    ");
}

static void print_process(FILE *f, const struct sb_plan *p)
{
	char **env;

	section(f, "process");
	fprintf(f, "  %-16s %s\n", "command", p->argv && p->argv[0] ? p->argv[0] : "(none given)");
	/* What the command gets (plan_env, as the payload builds it), but
	 * the caller's kept values: they may be secrets, the names follow. */
	env = plan_env(p, NULL);
	for (size_t i = 0; env && env[i]; i++)
		fprintf(f, "  %-16s %s\n", i ? "" : "environment", env[i]);
	free(env);
	for (size_t i = 0; i < p->n_keep_env; i++)
		fprintf(f, "  %-16s %s (from the caller)\n", i ? "" : "kept variables", p->keep_env[i]);
	fprintf(f, "  %-16s %s, %s, %s\n", "stdin/out/err", p->stdin_path ? p->stdin_path : "inherited",
		p->stdout_path ? p->stdout_path : "inherited",
		p->stderr_to_stdout ? "to stdout" : p->stderr_path ? p->stderr_path : "inherited");
	fprintf(f, "  %-16s %s\n", "terminal", p->interactive ? "a pty of its own (/dev/pts/0 inside), relayed to yours (interactive)" : "none (a new session, detached)");
}

/* The eBPF layer: ebpf_probe is what the run asks too. */
static void print_ebpf(FILE *f, const struct sb_plan *p)
{
	struct sb_ebpf_probe pr;
	const char *need = ebpf_needed_by(p);

	ebpf_probe(p, &pr);
	if (pr.permitted) {
		fprintf(f, "  %-16s enforced (%s): devices%s%s, on a v2 cgroup under %s%s; programs %s%s\n", "ebpf", pr.via,
			p->socket_families_set ? ", socket families" : "",
			p->net == SB_NET_HOST && p->n_netrules   ? ", the --allow-net list"
			: p->net == SB_NET_USER && p->n_netrules ? ", the --allow-net list behind nftables"
								 : "",
			pr.cgroup_parent,
			p->socket_families_set && !ebpf_all_families(&pr) ? "; socket families: AF_INET/AF_INET6 only (no BPF LSM)" : "",
			pr.cache[0] ? "kept loaded in " : "loaded by each run (no bpffs to keep them in)", pr.cache);
		return;
	}
	fprintf(f, "  %-16s not permitted: %s (%s)", "ebpf", pr.why, pr.hint);
	if (need && p->ebpf != SB_EBPF_BEST_EFFORT)
		fprintf(f, "; %s needs it: THE RUN WOULD FAIL (see 'ebpf best-effort')\n", need);
	else if (p->ebpf == SB_EBPF_REQUIRED)
		fputs("; 'ebpf required': THE RUN WOULD FAIL\n", f);
	else
		fputs("; the other walls stand in\n", f);
}

/* Where the run's cgroup would go, and what happens when it cannot. */
static void print_cgroup(FILE *f, const struct sb_plan *p, const struct probe *pr)
{
	const struct sb_cgroup_where *cg = &pr->cg;

	if (p->limits.cgroup_mode == SB_CG_OFF)
		fprintf(f, "  %-16s off ('cgroup off')\n", "cgroup");
	else if (cg->usable)
		fprintf(f, "  %-16s v%c, runs go under %s (%s)\n", "cgroup", cg->version, cg->parent, cg->origin);
	else
		fprintf(f, "  %-16s NOT USABLE: %s\n", "cgroup", cg->why);
	fprintf(f, "  %-16s %s\n", "", pr->cg_used ? (cg->needed ? "(limits enforced there)" : "(figures only: no limit needs it)")
				   : pr->cg_fails ? "(the run would fail)"
				   : cg->needed ? "(limits best-effort: stand-ins)" : "(no limit needs it: figures from rusage)");
}

static void print_layers(FILE *f, const struct sb_plan *p, const struct probe *pr)
{
	section(f, "layers on this machine (read-only probe)");
	if (pr->max_userns == 0 || pr->unpriv_clone == 0)
		fprintf(f, "  %-16s DISABLED: the run would fail; enable with sysctl %s\n", "user namespace",
			pr->max_userns == 0 ? "user.max_user_namespaces=15000" : "kernel.unprivileged_userns_clone=1");
	else
		fprintf(f, "  %-16s enforced (max_user_namespaces = %ld)\n", "user namespace", pr->max_userns);
	fprintf(f, "  %-16s enforced (mount, pid, ipc, uts%s, cgroup namespaces)\n", "namespaces",
		p->net == SB_NET_HOST ? "" : ", net");
	fprintf(f, "  %-16s %s\n", "seccomp",
		p->seccomp_off ? "off (syscalls off)" : pr->seccomp ? "enforced (required)" : "MISSING: the run would fail");
	if (p->landlock == SB_LANDLOCK_OFF)
		fprintf(f, "  %-16s off (landlock off)\n", "landlock");
	else if (pr->landlock_abi > 0)
		fprintf(f, "  %-16s enforced (ABI %d): writes only beneath the writable mounts\n", "landlock",
			pr->landlock_abi);
	else
		fprintf(f, "  %-16s %s: not available (%s)\n", "landlock",
			p->landlock == SB_LANDLOCK_REQUIRED ? "REQUIRED, the run would fail" : "skipped",
			pr->landlock_errno == EOPNOTSUPP ? "disabled at boot" : "kernel lacks it");
	print_cgroup(f, p, pr);
	fprintf(f, "  %-16s enforced (output-limit, open-files, stack, core 0)\n", "rlimits");
	print_ebpf(f, p);
}

void explain_print(FILE *f, const struct sb_plan *p)
{
	struct probe pr;

	probe(p, &pr);
	fputs("sandbox explain: what 'sandbox run' would set up (nothing was created)\n", f);
	fputs("\npolicies:", f);
	for (size_t i = 0; i < p->n_policies; i++)
		fprintf(f, " %s", p->policies[i]);
	fputc('\n', f);
	print_identity(f, p);
	print_fs(f, p);
	print_net(f, p);
	print_limits(f, p, &pr);
	print_syscalls(f, p);
	print_process(f, p);
	print_layers(f, p, &pr);
}
