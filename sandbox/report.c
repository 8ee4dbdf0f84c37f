/*
 * report.c: turns a result into what the caller sees: the exit status of
 * DESIGN.md, one error line, the JSON report (schema version 1, see
 * docs/report.md) and isolate's meta-file keys. Runs in the launcher.
 */
#include "report.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "observe.h"
#include "util.h"

static const char *const status_names[SB_ST_MAX] = {
	[SB_ST_OK] = "OK", [SB_ST_RE] = "RE", [SB_ST_SG] = "SG", [SB_ST_TO] = "TO",
	[SB_ST_ML] = "ML", [SB_ST_OL] = "OL", [SB_ST_XX] = "XX",
};

static const char *const enforce_names[SB_ENF_MAX] = {
	[SB_ENF_NONE] = "none", [SB_ENF_CGROUP] = "cgroup", [SB_ENF_RLIMIT] = "rlimit",
	[SB_ENF_LAUNCHER] = "launcher", [SB_ENF_AFFINITY] = "affinity", [SB_ENF_SAMPLING] = "sampling",
	[SB_ENF_RELAY] = "relay",
};

static const char *const wall_names[SB_WALL_MAX] = {
	[SB_WALL_NONE] = "none", [SB_WALL_EBPF] = "ebpf", [SB_WALL_NFTABLES] = "nftables",
	[SB_WALL_SECCOMP] = "seccomp", [SB_WALL_LANDLOCK] = "landlock", [SB_WALL_MOUNTS] = "mounts",
};

void result_free(struct sb_result *r)
{
	for (size_t i = 0; i < r->n_denied_syscalls; i++)
		free(r->denied_syscalls[i]);
	free(r->denied_syscalls);
	netgrants_free(&r->net);
	r->denied_syscalls = NULL;
	r->n_denied_syscalls = 0;
	observe_free(r->observed);
	r->observed = NULL;
}

/* A stdout/stderr file that stopped at exactly the limit in a run that
 * failed: RLIMIT_FSIZE refused the next write (a child of a shell died of
 * SIGXFSZ, or the program saw EFBIG and gave up). */
static bool output_at_limit(const struct sb_plan *p, const struct sb_result *res)
{
	uint64_t l = p->limits.output_limit;

	return l && (res->signal || res->exit_code) && (res->stdout_bytes == l || res->stderr_bytes == l);
}

/* Seconds as whole milliseconds, truncated as isolate prints them (the
 * epsilon keeps 0.25 from printing as 0.249). */
static uint64_t meta_ms(double s)
{
	return s > 0 ? (uint64_t)(s * 1000.0 + 1e-6) : 0;
}

/* Limits the figures show were passed, whatever enforced them (or failed
 * to): a judge acts on the verdict without reading the figures. */
static void over_by_figures(const struct sb_plan *p, struct sb_result *res)
{
	const struct sb_limits *l = &p->limits;

	/* A time over its limit is TO even when the command ended first
	 * (--extra-time lets it run on; isolate's rule), compared at the
	 * millisecond precision of the meta file, CPU before wall. */
	if (res->timeout == SB_TO_NONE && l->cpu_time_us && meta_ms(res->cpu_time_s) > l->cpu_time_us / 1000)
		res->timeout = SB_TO_CPU;
	if (res->timeout == SB_TO_NONE && l->wall_time_us && meta_ms(res->wall_time_s) > l->wall_time_us / 1000)
		res->timeout = SB_TO_WALL;
	/* The sampled tree memory, not memory_peak_bytes: that may hold a
	 * largest process's page-cache-inclusive RSS, and a cgroup's peak
	 * never passes its limit (its OOM events tell instead). */
	if (l->memory && res->memory_sampled_bytes > l->memory)
		res->memory_exceeded = true;
	if (l->output_limit && res->stdout_bytes != SB_BYTES_UNKNOWN && res->stdout_bytes > l->output_limit)
		res->output_exceeded = true;
	if (l->output_limit && res->stderr_bytes != SB_BYTES_UNKNOWN && res->stderr_bytes > l->output_limit)
		res->output_exceeded = true;
}

static void describe(const struct sb_plan *p, struct sb_result *res)
{
	size_t n;

	if (res->timeout != SB_TO_NONE) {
		res->status = SB_ST_TO;
		snprintf(res->message, sizeof(res->message), "%s time limit exceeded",
			 res->timeout == SB_TO_CPU ? "CPU" : "wall");
	} else if (res->memory_exceeded || res->oom_killed) {
		res->status = SB_ST_ML;
		snprintf(res->message, sizeof(res->message), "memory limit exceeded");
	} else if (res->output_exceeded || res->signal == SIGXFSZ || output_at_limit(p, res)) {
		res->output_exceeded = true;
		res->status = SB_ST_OL;
		snprintf(res->message, sizeof(res->message), "output limit exceeded");
	} else if (res->signal) {
		res->status = SB_ST_SG;
		snprintf(res->message, sizeof(res->message), "caught fatal signal %d (%s)", res->signal,
			 strsignal(res->signal));
	} else if (res->exit_code) {
		res->status = SB_ST_RE;
		snprintf(res->message, sizeof(res->message), "exited with error status %d", res->exit_code);
	} else {
		res->status = SB_ST_OK;
	}
	n = strlen(res->message);
	if (res->pids_exhausted)
		snprintf(res->message + n, sizeof(res->message) - n, "%sthe process limit (pids %llu) was reached",
			 n ? "; " : "", (unsigned long long)p->limits.pids);
}

void report_verdict(const struct sb_plan *p, struct sb_result *res)
{
	int st = res->wait_status;

	if (res->status == SB_ST_XX)
		return;
	res->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
	res->signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	/* RLIMIT_CPU, the backstop for --cpu-time without a cgroup, ends a
	 * process with SIGXCPU (or SIGKILL at the hard limit): a time limit. */
	if (res->timeout == SB_TO_NONE && p->limits.cpu_time_us && res->signal == SIGXCPU)
		res->timeout = SB_TO_CPU;
	over_by_figures(p, res);
	describe(p, res);
}

void report_error(const struct sb_err *err)
{
	fprintf(stderr, "sandbox: %s\n", err->msg[0] ? err->msg : strerror(err->errnum));
}

int report_exit_code(const struct sb_result *res)
{
	if (res->status == SB_ST_XX) {
		switch (res->err.kind) {
		case SB_ERR_EXEC_NOENT:
			return 127;
		case SB_ERR_EXEC_PERM:
			return 126;
		case SB_ERR_SETUP:
		case SB_ERR_KIND_MAX:
			break;
		}
		return 125;
	}
	/* A time limit is 137 (the launcher's SIGKILL) however it showed:
	 * RLIMIT_CPU's SIGXCPU, or figures over the limit at a normal exit. */
	if (res->status == SB_ST_TO)
		return 128 + SIGKILL;
	/* The relay's cut closes the pipe: the command may die of SIGPIPE
	 * before the launcher's SIGKILL lands. Either way the limit ended it. */
	if (res->status == SB_ST_OL && res->signal == SIGPIPE)
		return 128 + SIGKILL;
	if (res->signal)
		return 128 + res->signal;
	if (res->status == SB_ST_ML || res->status == SB_ST_OL)
		return res->exit_code ? res->exit_code : 128 + SIGKILL;
	return res->exit_code;
}

/* A terminal, /dev/null or a closed descriptor is not counted: null. */
static void json_bytes(FILE *f, const char *name, uint64_t v)
{
	if (v == SB_BYTES_UNKNOWN)
		fprintf(f, "  \"%s\": null,\n", name);
	else
		fprintf(f, "  \"%s\": %llu,\n", name, (unsigned long long)v);
}

static void json_limit(FILE *f, const char *name, unsigned long long v, bool set, enum sb_enforce e, bool last)
{
	fprintf(f, "    \"%s\": {\"value\": ", name);
	if (set)
		fprintf(f, "%llu", v);
	else
		fputs("null", f);
	fprintf(f, ", \"enforced_by\": \"%s\"}%s\n", enforce_names[e < SB_ENF_MAX ? e : 0], last ? "" : ",");
}

static const char *wall(enum sb_wall w)
{
	return wall_names[w < SB_WALL_MAX ? w : 0];
}

/* The eBPF layer: what enforced each of its rule groups, and what the
 * programs refused (their counters, read after the run). */
static void write_ebpf(FILE *f, const struct sb_ebpf_result *e)
{
	fprintf(f, "  \"ebpf\": {\n    \"attached\": %s,\n    \"why_not\": ", e->attached ? "true" : "false");
	if (e->why[0])
		json_write_str(f, e->why);
	else
		fputs("null", f);
	fprintf(f, ",\n    \"enforced_by\": {\"net\": \"%s\", \"socket_families\": \"%s\", \"devices\": \"%s\"},\n",
		wall(e->net), wall(e->families), wall(e->devices));
	fprintf(f, "    \"reused\": %s,\n", e->reused ? "true" : "false");
	fprintf(f, "    \"socket_families_checked\": \"%s\",\n",
		e->families != SB_WALL_EBPF ? "none" : e->families_inet_only ? "inet" : "all");
	fprintf(f, "    \"refused\": {\"connect\": %llu, \"sendmsg\": %llu, \"bind\": %llu, \"socket\": %llu, \"device\": %llu}\n  },\n",
		(unsigned long long)e->refused_connect, (unsigned long long)e->refused_sendmsg,
		(unsigned long long)e->refused_bind, (unsigned long long)e->refused_socket,
		(unsigned long long)e->refused_device);
}

/* The network as applied: mode, each --allow-net with what its name
 * resolved to when the run started, published ports, refused packets. */
static void json_net(FILE *f, const struct sb_plan *p, const struct sb_result *res)
{
	static const char *const modes[SB_NET_MAX] = { [SB_NET_NONE] = "none", [SB_NET_HOST] = "host", [SB_NET_USER] = "user" };
	char a[64];

	fprintf(f, "  \"network\": {\"mode\": \"%s\"", modes[p->net < SB_NET_MAX ? p->net : 0]);
	if (p->net == SB_NET_USER)
		fputs(", \"helper\": \"pasta\"", f);
	fputs(", \"allow\": [", f);
	for (size_t i = 0; i < p->n_netrules; i++) {
		const struct sb_netrule *r = &p->netrules[i];

		fputs(i ? ", {\"dest\": " : "{\"dest\": ", f);
		json_write_str(f, r->text);
		fputs(", \"addresses\": [", f);
		if (r->kind == SB_NETDEST_ADDR)
			json_write_str(f, netaddr_str(&r->addr, a, sizeof(a)));
		else if (r->kind == SB_NETDEST_HOST_LOOPBACK)
			fputs("\"127.0.0.1\", \"::1\"", f);
		for (size_t k = 0; r->kind == SB_NETDEST_HOST && i < res->net.n_rules && k < res->net.n_resolved[i]; k++) {
			fputs(k ? ", " : "", f);
			json_write_str(f, netaddr_str(&res->net.resolved[i][k], a, sizeof(a)));
		}
		fputs("]}", f);
	}
	/* The walls the launcher set up for the allow-list: nftables in the
	 * run's namespace (--net user), the eBPF programs (--net host, and
	 * behind nftables on --net user). */
	fprintf(f, "], \"enforced_by\": [%s%s%s]", p->net == SB_NET_USER && p->n_netrules ? "\"nftables\"" : "",
		p->net == SB_NET_USER && p->n_netrules && res->ebpf.net == SB_WALL_EBPF ? ", " : "",
		res->ebpf.net == SB_WALL_EBPF ? "\"ebpf\"" : "");
	fputs(", \"published\": [", f);
	for (size_t i = 0; i < p->n_publish; i++) {
		fputs(i ? ", " : "", f);
		json_write_str(f, p->publish[i].text);
	}
	if (res->net_refused_known)
		fprintf(f, "], \"refused\": %llu},\n", (unsigned long long)res->net_refused);
	else
		fputs("], \"refused\": null},\n", f);
}

static void write_json(FILE *f, const struct sb_plan *p, const struct sb_result *res)
{
	const struct sb_limits *l = &p->limits;
	const struct sb_enforcement *e = &res->enf;

	fprintf(f, "{\n  \"version\": 1,\n  \"status\": \"%s\",\n", status_names[res->status]);
	fprintf(f, "  \"exit_code\": %d,\n  \"signal\": %d,\n", res->exit_code, res->signal);
	fprintf(f, "  \"timeout\": %s,\n", res->timeout == SB_TO_CPU ? "\"cpu\"" : res->timeout == SB_TO_WALL ? "\"wall\"" : "null");
	fprintf(f, "  \"cpu_time_s\": %.6f,\n  \"cpu_user_s\": %.6f,\n  \"cpu_sys_s\": %.6f,\n", res->cpu_time_s, res->cpu_user_s, res->cpu_sys_s);
	fprintf(f, "  \"wall_time_s\": %.6f,\n", res->wall_time_s);
	fprintf(f, "  \"memory_peak_bytes\": %llu,\n  \"oom_killed\": %s,\n", (unsigned long long)res->memory_peak_bytes, res->oom_killed ? "true" : "false");
	fprintf(f, "  \"pids_exhausted\": %s,\n", res->pids_exhausted ? "true" : "false");
	fprintf(f, "  \"csw_voluntary\": %llu,\n  \"csw_forced\": %llu,\n", (unsigned long long)res->csw_voluntary, (unsigned long long)res->csw_forced);
	json_bytes(f, "stdout_bytes", res->stdout_bytes);
	json_bytes(f, "stderr_bytes", res->stderr_bytes);
	fprintf(f, "  \"output_dropped_bytes\": %llu,\n", (unsigned long long)res->output_dropped_bytes);
	fputs("  \"closed_stdio\": [", f);
	for (int i = 0, n = 0; i < 3; i++)
		if (p->closed_stdio & (1u << i))
			fprintf(f, "%s\"%s\"", n++ ? ", " : "", (const char *const[]){ "stdin", "stdout", "stderr" }[i]);
	fputs("],\n", f);
	if (res->cgroup_version)
		fprintf(f, "  \"cgroup\": \"v%c\",\n", res->cgroup_version);
	else
		fputs("  \"cgroup\": null,\n", f);
	fputs("  \"limits\": {\n", f);
	json_limit(f, "memory_bytes", l->memory, l->memory != 0, e->memory, false);
	json_limit(f, "pids", l->pids, l->pids != 0, e->pids, false);
	json_limit(f, "cpu_time_us", l->cpu_time_us, l->cpu_time_us != 0, e->cpu_time, false);
	json_limit(f, "wall_time_us", l->wall_time_us, l->wall_time_us != 0, e->wall_time, false);
	json_limit(f, "cpus_milli", l->cpus_milli, l->cpus_milli != 0, e->cpus, false);
	fputs("    \"cpuset\": {\"value\": ", f);
	if (l->cpuset)
		json_write_str(f, l->cpuset);
	else
		fputs("null", f);
	fprintf(f, ", \"enforced_by\": \"%s\"},\n", enforce_names[e->cpuset < SB_ENF_MAX ? e->cpuset : 0]);
	json_limit(f, "output_bytes", l->output_limit, l->output_limit != 0, e->output, false);
	json_limit(f, "open_files", l->open_files, l->open_files != 0, e->open_files, false);
	json_limit(f, "stack_bytes", l->stack, l->stack != 0, e->stack, false);
	json_limit(f, "address_space_bytes", l->address_space, l->address_space != 0, e->address_space, true);
	fputs("  },\n", f);
	write_ebpf(f, &res->ebpf);
	json_net(f, p, res);
	fputs("  \"denied_syscalls\": [", f);
	for (size_t i = 0; i < res->n_denied_syscalls; i++) {
		fputs(i ? ", " : "", f);
		json_write_str(f, res->denied_syscalls[i]);
	}
	fputs("],\n  \"message\": ", f);
	json_write_str(f, res->status == SB_ST_XX ? res->err.msg : res->message);
	fputs("\n}\n", f);
}

static void meta_time(FILE *f, const char *key, double s)
{
	uint64_t ms = meta_ms(s);

	fprintf(f, "%s:%llu.%03llu\n", key, (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000));
}

/*
 * isolate's meta file (isolate(1), META FILES), key for key and message for
 * message, so judges that parse it (CMS, Judge0) read our runs unchanged:
 * figures, then how the command ended. isolate has no ML or OL status: a
 * command the memory or output limit ended shows as the signal (or exit)
 * that ended it, with cg-oom-killed telling memory apart, as isolate's
 * own readers expect. OK has no status line; TO has no exit status.
 */
const char *report_isolate_status(const struct sb_result *res, char *msg, size_t len)
{
	uint64_t cpu = meta_ms(res->cpu_time_s), wall = meta_ms(res->wall_time_s);

	msg[0] = '\0';
	switch (res->status) {
	case SB_ST_OK:
		snprintf(msg, len, "OK (%llu.%03llu sec real, %llu.%03llu sec wall)", (unsigned long long)(cpu / 1000),
			 (unsigned long long)(cpu % 1000), (unsigned long long)(wall / 1000),
			 (unsigned long long)(wall % 1000));
		return "OK";
	case SB_ST_XX:
		snprintf(msg, len, "%s", res->err.msg);
		return "XX";
	case SB_ST_TO:
		snprintf(msg, len, "Time limit exceeded%s", res->timeout == SB_TO_WALL ? " (wall clock)" : "");
		return "TO";
	case SB_ST_RE:
	case SB_ST_SG:
	case SB_ST_ML:
	case SB_ST_OL:
	case SB_ST_MAX:
		break;
	}
	if (res->signal) {
		snprintf(msg, len, "Caught fatal signal %d", res->signal);
		return "SG";
	}
	snprintf(msg, len, "Exited with error status %d", res->exit_code);
	return "RE";
}

static void write_meta(FILE *f, const struct sb_result *res)
{
	char msg[SB_ERR_MSG + 64];
	const char *st = report_isolate_status(res, msg, sizeof(msg));

	if (res->started) {
		meta_time(f, "time", res->cpu_time_s);
		meta_time(f, "time-wall", res->wall_time_s);
		fprintf(f, "max-rss:%llu\n", (unsigned long long)(res->max_rss_bytes / 1024));
		fprintf(f, "csw-voluntary:%llu\ncsw-forced:%llu\n", (unsigned long long)res->csw_voluntary,
			(unsigned long long)res->csw_forced);
		if (res->cgroup_version)
			fprintf(f, "cg-mem:%llu\n", (unsigned long long)(res->memory_peak_bytes / 1024));
		if (res->oom_killed)
			fputs("cg-oom-killed:1\n", f);
		if (res->killed)
			fputs("killed:1\n", f);
	}
	if (strcmp(st, "SG") == 0)
		fprintf(f, "exitsig:%d\n", res->signal);
	else if (strcmp(st, "RE") == 0 || strcmp(st, "OK") == 0)
		fprintf(f, "exitcode:%d\n", res->exit_code);
	if (strcmp(st, "OK") != 0)
		fprintf(f, "status:%s\nmessage:%s\n", st, msg);
}

/* Format with fn into memory, then hand the bytes to the result file in
 * one piece (report_out.c writes, checks and renames). */
static int emit(struct report_file *f, const char *what,
		void (*fn)(FILE *, const struct sb_plan *, const struct sb_result *),
		const struct sb_plan *p, const struct sb_result *res, struct sb_err *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	int r;

	if (!m)
		return sb_fail(err, errno, "format %s", what);
	fn(m, p, res);
	r = fclose(m);
	if (r != 0 || !text)
		return sb_fail(err, ENOMEM, "format %s", what);
	return report_out_commit(f, text, len, what, err);
}

static void meta_adapter(FILE *f, const struct sb_plan *p, const struct sb_result *res)
{
	(void)p;
	write_meta(f, res);
}

/* Log mode: the syscalls the policy would have denied, one line on stderr. */
static void print_denied(const struct sb_result *res)
{
	if (res->n_denied_syscalls == 0)
		return;
	fputs("sandbox: syscalls the policy would deny (log mode):", stderr);
	for (size_t i = 0; i < res->n_denied_syscalls; i++)
		fprintf(stderr, " %s", res->denied_syscalls[i]);
	fputc('\n', stderr);
}

int report_write(const struct sb_plan *p, const struct sb_result *res, struct sb_report_out *o, struct sb_err *err)
{
	int r;

	print_denied(res);
	fflush(stderr);
	if (!o->opened && (r = report_out_open(p, o, err)) < 0)
		return r;
	if (p->report_path && (r = emit(&o->f[0], "--report", write_json, p, res, err)) < 0)
		return r;
	if (p->meta_path && (r = emit(&o->f[1], "--meta", meta_adapter, p, res, err)) < 0)
		return r;
	return 0;
}
