/*
 * explain.c: `sandbox explain`: print what `sandbox run` would set up from
 * the same options, and which layers this machine will enforce. Runs as
 * the caller, in the launcher process only, and creates nothing: every
 * probe is a read (sysctls under /proc/sys, /proc/self/cgroup, access(2)
 * on cgroup files, and Landlock's version query, which makes no ruleset).
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
#include <unistd.h>

#include "check.h"
#include "ebpf.h"
#include "policy.h"
#include "seccomp.h"
#include "syscalls.h"
#include "sysconsts.h"

#define NOBODY 65534 /* userns.c's default outside uid for root callers */

/* What this machine offers, read once. */
struct probe {
	long max_userns; /* -1 when the sysctl cannot be read */
	long unpriv_clone; /* Debian's kernel.unprivileged_userns_clone, -1 if absent */
	int landlock_abi; /* <= 0: none */
	int landlock_errno;
	bool seccomp; /* the kernel knows seccomp (Seccomp: in /proc/self/status) */
	char cgroup_path[1024]; /* our cgroup, v2 ("0::/x") or v1 memory controller */
	char cgroup_version; /* '1', '2' or 0 */
	bool cgroup_writable; /* our cgroup dir (or --cgroup-parent) is writable */
	char cgroup_dir[1200];
};

static long read_long(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

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

/* /proc/self/cgroup: "0::/path" on v2; "N:memory:/path" on v1. */
static void probe_cgroup(const struct sb_plan *p, struct probe *pr)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[1100];

	while (f && fgets(line, sizeof(line), f)) {
		char *path = strchr(line, ':');
		char *ctl = path ? path + 1 : NULL;

		line[strcspn(line, "\n")] = '\0';
		if (!ctl || !(path = strchr(ctl, ':')))
			continue;
		*path++ = '\0';
		if (strncmp(line, "0", 1) == 0 && *ctl == '\0' && access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0) {
			pr->cgroup_version = '2';
			snprintf(pr->cgroup_path, sizeof(pr->cgroup_path), "%s", path);
			snprintf(pr->cgroup_dir, sizeof(pr->cgroup_dir), "/sys/fs/cgroup%s", path);
			break;
		}
		if (strstr(ctl, "memory")) {
			pr->cgroup_version = '1';
			snprintf(pr->cgroup_path, sizeof(pr->cgroup_path), "%s", path);
			snprintf(pr->cgroup_dir, sizeof(pr->cgroup_dir), "/sys/fs/cgroup/memory%s", path);
		}
	}
	if (f)
		fclose(f);
	if (p->limits.cgroup_parent)
		snprintf(pr->cgroup_dir, sizeof(pr->cgroup_dir), "%s", p->limits.cgroup_parent);
	/* A run's cgroup is a new child dir: that needs write access here. */
	pr->cgroup_writable = pr->cgroup_dir[0] && access(pr->cgroup_dir, W_OK) == 0;
}

static void probe(const struct sb_plan *p, struct probe *pr)
{
	memset(pr, 0, sizeof(*pr));
	pr->max_userns = read_long("/proc/sys/user/max_user_namespaces");
	pr->unpriv_clone = read_long("/proc/sys/kernel/unprivileged_userns_clone");
	pr->landlock_abi = sys_landlock_abi_version();
	pr->landlock_errno = pr->landlock_abi < 0 ? errno : 0;
	pr->seccomp = status_has("Seccomp:");
	probe_cgroup(p, pr);
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
		return "overlay: writes go to a layer thrown away";
	case SB_MOUNT_FS:
		return m->ms_flags & MS_RDONLY ? "file system, read-only" : "file system";
	case SB_MOUNT_KIND_MAX:
		break;
	}
	return "?";
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
			fprintf(f, "<- %s ", m->src);
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

/* How a cgroup limit would be enforced here. */
static const char *cg_how(const struct sb_plan *p, const struct probe *pr)
{
	if (pr->cgroup_writable)
		return "cgroup";
	if (p->limits.best_effort)
		return "best-effort: no usable cgroup here, a weaker stand-in or none";
	return "NEEDS A CGROUP: none usable here, the run would fail (see 'limits best-effort')";
}

static void lim(FILE *f, const char *name, const char *val, bool set, const char *how)
{
	if (set)
		fprintf(f, "  %-16s %-10s %s\n", name, val, how);
	else
		fprintf(f, "  %-16s unlimited\n", name);
}

static void print_limits(FILE *f, const struct sb_plan *p, const struct probe *pr)
{
	const struct sb_limits *l = &p->limits;
	const char *cg = cg_how(p, pr);
	char b[64];

	section(f, "limits");
	check_size_str(l->memory, b, sizeof(b));
	lim(f, "memory", b, l->memory, cg);
	snprintf(b, sizeof(b), "%" PRIu64, l->pids);
	lim(f, "pids", b, l->pids, cg);
	check_time_str(l->cpu_time_us, b, sizeof(b));
	lim(f, "cpu-time", b, l->cpu_time_us, pr->cgroup_writable ? "cgroup accounting" : "launcher (rusage)");
	check_time_str(l->wall_time_us, b, sizeof(b));
	lim(f, "wall-time", b, l->wall_time_us, "launcher timer");
	snprintf(b, sizeof(b), "%" PRIu64 ".%03" PRIu64, l->cpus_milli / 1000, l->cpus_milli % 1000);
	lim(f, "cpus", b, l->cpus_milli, cg);
	lim(f, "cpuset", l->cpuset ? l->cpuset : "", l->cpuset != NULL,
	    pr->cgroup_writable || !l->best_effort ? cg : "best-effort: CPU affinity (the payload may widen it)");
	check_size_str(l->output_limit, b, sizeof(b));
	lim(f, "output-limit", b, l->output_limit, "rlimit (RLIMIT_FSIZE) on files, the launcher's relay on pipes");
	snprintf(b, sizeof(b), "%" PRIu64, l->open_files);
	if (l->open_files)
		lim(f, "open-files", b, true, "rlimit (RLIMIT_NOFILE)");
	else
		fprintf(f, "  %-16s inherited\n", "open-files");
	check_size_str(l->stack, b, sizeof(b));
	if (l->stack || l->stack_unlimited)
		lim(f, "stack", l->stack_unlimited ? "unlimited" : b, true, "rlimit (RLIMIT_STACK)");
	else
		fprintf(f, "  %-16s inherited\n", "stack");
	fprintf(f, "  %-16s %s\n", "mode", l->best_effort ? "best-effort" : "strict");
}

/* The members of every @set the rules name, so a reader sees what
 * "allow @file-system" means on this build. */
static void print_sets_used(FILE *f, const struct sb_plan *p)
{
	for (size_t i = 0; i < p->n_sysrules; i++)
		for (char **n = p->sysrules[i].names; n && *n; n++) {
			const struct sb_syscall_set *set = (*n)[0] == '@' ? syscall_set_find(*n) : NULL;
			bool seen = false;

			for (size_t j = 0; set && j <= i && !seen; j++)
				for (char **m = p->sysrules[j].names; m && *m && !seen && (j < i || m < n); m++)
					seen = strcmp(*m, *n) == 0;
			if (!set || seen)
				continue;
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
	section(f, "process");
	fprintf(f, "  %-16s %s\n", "command", p->argv && p->argv[0] ? p->argv[0] : "(none given)");
	for (size_t i = 0, shown = 0; i < p->n_env; i++) {
		size_t len = strcspn(p->env[i], "=") + 1;
		bool later = false;

		/* Show what the command gets: a later value of a name wins. */
		for (size_t j = i + 1; j < p->n_env && !later; j++)
			later = strncmp(p->env[i], p->env[j], len) == 0;
		if (!later)
			fprintf(f, "  %-16s %s\n", shown++ ? "" : "environment", p->env[i]);
	}
	for (size_t i = 0; i < p->n_keep_env; i++)
		fprintf(f, "  %-16s %s (from the caller)\n", i ? "" : "kept variables", p->keep_env[i]);
	fprintf(f, "  %-16s %s, %s, %s\n", "stdin/out/err", p->stdin_path ? p->stdin_path : "inherited",
		p->stdout_path ? p->stdout_path : "inherited",
		p->stderr_to_stdout ? "to stdout" : p->stderr_path ? p->stderr_path : "inherited");
	fprintf(f, "  %-16s %s\n", "terminal", p->interactive ? "the caller's (interactive)" : "detached (new session)");
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

static void print_layers(FILE *f, const struct sb_plan *p, const struct probe *pr)
{
	bool cg_needed = p->limits.memory || p->limits.pids || p->limits.cpus_milli || p->limits.cpuset;

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
	if (!pr->cgroup_version)
		fprintf(f, "  %-16s none found", "cgroup");
	else
		fprintf(f, "  %-16s v%c at %s, %s", "cgroup", pr->cgroup_version, pr->cgroup_dir,
			pr->cgroup_writable ? "writable" : "not writable by you");
	fprintf(f, "%s\n", !cg_needed ? " (no limit needs it)"
			   : pr->cgroup_writable ? " (limits enforced there)"
			   : p->limits.best_effort ? " (limits best-effort)" : " (the run would fail)");
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
