/*
 * oci_exec.c: sandbox-oci's exec, ps, list, features and the commands it
 * refuses. exec joins a running container (launcher_exec) with the
 * hardening its config.json gives (seccomp, capabilities, no_new_privs,
 * Landlock), the process taken from --process FILE (what conmon and the
 * shim pass) or from the command line (runc's flags).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher.h"
#include "oci_cmds.h"
#include "oci_impl.h"
#include "util.h"

struct exec_args {
	const char *process, *pid_file, *console_socket, *cwd, *user, *id;
	char **env;
	size_t n_env;
	char **cmd; /* argv after the id */
	unsigned preserve_fds;
	bool detach, tty;
};

static bool parse_exec(int argc, char **argv, struct exec_args *a)
{
	bool ignored;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *w = argv[i], *v = NULL;

		if (oci_flag(argc, argv, &i, "process", 'p', &a->process) ||
		    oci_flag(argc, argv, &i, "pid-file", 0, &a->pid_file) ||
		    oci_flag(argc, argv, &i, "console-socket", 0, &a->console_socket) ||
		    oci_flag(argc, argv, &i, "cwd", 0, &a->cwd) || oci_flag(argc, argv, &i, "user", 'u', &a->user)) {
			if (i >= argc)
				return false;
		} else if (oci_flag(argc, argv, &i, "env", 'e', &v)) {
			if (!v || plan_strv_add(&a->env, &a->n_env, v) < 0)
				return false;
		} else if (oci_flag(argc, argv, &i, "preserve-fds", 0, &v)) {
			a->preserve_fds = v ? (unsigned)strtoul(v, NULL, 10) : 0;
		} else if (oci_flag(argc, argv, &i, "process-label", 0, &v) || oci_flag(argc, argv, &i, "apparmor", 0, &v) ||
			   oci_flag(argc, argv, &i, "cgroup", 0, &v)) {
			continue;
		} else if (!(oci_bool(w, "detach", 'd', &a->detach) || oci_bool(w, "tty", 't', &a->tty) ||
			     oci_bool(w, "no-new-privs", 0, &ignored) || oci_bool(w, "ignore-paused", 0, &ignored))) {
			return false;
		}
	}
	if (i >= argc)
		return false;
	a->id = argv[i];
	a->cmd = argv + i + 1;
	return a->process || a->cmd[0];
}

/* The process to run: --process FILE, or config.json's with the command
 * line's args, env, cwd, user and tty on top. */
static int exec_process(const struct exec_args *a, struct sb_plan *p, bool *terminal, struct sb_err *err)
{
	json_error_t je;
	json_t *proc;
	int r;

	if (a->process) {
		proc = json_load_file(a->process, 0, &je);
		if (!proc)
			return sb_failx(err, EINVAL, "--process %s:%d:%d: %s", a->process, je.line, je.column, je.text);
		*terminal = json_is_true(json_object_get(proc, "terminal"));
		r = oci_config_process(proc, a->process, p, err);
		json_decref(proc);
		return r;
	}
	for (size_t i = 0; p->argv[i]; i++)
		free(p->argv[i]);
	free(p->argv);
	p->argv = NULL;
	size_t n = 0;
	for (char **c = a->cmd; *c; c++)
		if (plan_strv_add(&p->argv, &n, *c) < 0)
			return sb_fail(err, ENOMEM, "args");
	for (size_t i = 0; i < a->n_env; i++)
		if (plan_strv_add(&p->env, &p->n_env, a->env[i]) < 0)
			return sb_fail(err, ENOMEM, "env");
	if (a->cwd && (free(p->chdir), !(p->chdir = strdup(a->cwd))))
		return sb_fail(err, ENOMEM, "cwd");
	if (a->user) {
		char *colon;

		p->uid = (uid_t)strtoul(a->user, &colon, 10);
		p->gid = *colon == ':' ? (gid_t)strtoul(colon + 1, NULL, 10) : p->gid;
	}
	*terminal = a->tty;
	return 0;
}

static int exec_in(const struct exec_args *a, const struct oci_state *s, struct sb_plan *p, struct sb_err *err)
{
	struct sb_exec x = { .detach = a->detach, .join_cgroup = s->cgroup != NULL, .console_sock = -1 };
	bool terminal = false;
	json_t *config = NULL;
	pid_t pid;
	int r, status = 0;

	r = oci_config_load(s->bundle, s->dir, p, &config, err);
	json_decref(config);
	if (r == 0)
		r = exec_process(a, p, &terminal, err);
	if (r < 0)
		return r;
	if (a->preserve_fds) {
		free(p->keep_fds);
		p->keep_fds = calloc(a->preserve_fds, sizeof(int));
		if (!p->keep_fds)
			return sb_fail(err, ENOMEM, "preserve-fds");
		for (unsigned i = 0; i < a->preserve_fds; i++)
			p->keep_fds[p->n_keep_fds++] = 3 + (int)i;
	}
	if (terminal && a->console_socket && (x.console_sock = oci_console_connect(a->console_socket, err)) < 0)
		return x.console_sock;
	if (terminal && !a->console_socket && a->detach)
		return sb_failx(err, EINVAL, "a detached exec with a terminal needs --console-socket");
	r = plan_validate(p, err);
	if (r == 0)
		r = launcher_exec(p, s->pid, &x, &pid, &status, err);
	if (x.console_sock >= 0)
		close(x.console_sock);
	if (r == 0 && a->pid_file)
		r = oci_write_pid_file(a->pid_file, pid, err);
	return r < 0 ? r : status;
}

int oci_cmd_exec(const struct oci_opts *o, int argc, char **argv)
{
	struct exec_args a = { 0 };
	struct sb_err err = SB_ERR_INIT;
	struct oci_state s = { .lock_fd = -1 };
	struct sb_plan p;
	int r;

	plan_init(&p);
	if (!parse_exec(argc, argv, &a)) {
		oci_log("error", "exec: usage: exec [--process F | CMD...] [--detach] [--pid-file F] [--tty] ID");
		r = 1;
	} else if (oci_state_load(o, a.id, false, &s, &err) < 0) {
		r = oci_error(&err);
	} else if (s.status == OCI_STOPPED) {
		sb_failx(&err, EINVAL, "cannot exec in a stopped container");
		r = oci_error(&err);
	} else {
		r = exec_in(&a, &s, &p, &err);
		if (r < 0)
			r = oci_error(&err);
	}
	for (size_t i = 0; i < a.n_env; i++)
		free(a.env[i]);
	free(a.env);
	plan_free(&p);
	oci_state_free(&s);
	return r;
}

int oci_cmd_ps(const struct oci_opts *o, int argc, char **argv)
{
	struct sb_err err = SB_ERR_INIT;
	struct oci_state s = { .lock_fd = -1 };
	const char *format = "table", *id = NULL;
	pid_t *pids = NULL;
	size_t n = 0;

	for (int i = 1; i < argc; i++) {
		if (oci_flag(argc, argv, &i, "format", 'f', &format) && format)
			continue;
		if (!id && argv[i][0] != '-')
			id = argv[i];
	}
	if (!id)
		return oci_log("error", "ps: usage: ps [--format table|json] ID"), 1;
	if (oci_state_load(o, id, false, &s, &err) < 0)
		return oci_error(&err);
	oci_state_pids(&s, &pids, &n);
	if (strcmp(format, "json") == 0) {
		printf("[");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
	} else {
		printf("PID\tCMD\n");
		for (size_t i = 0; i < n; i++) {
			char path[64], comm[64] = "";
			FILE *f;

			snprintf(path, sizeof(path), "/proc/%d/comm", (int)pids[i]);
			if ((f = fopen(path, "re"))) {
				if (!fgets(comm, sizeof(comm), f))
					comm[0] = '\0';
				fclose(f);
			}
			printf("%d\t%s", (int)pids[i], comm[0] ? comm : "?\n");
		}
	}
	free(pids);
	oci_state_free(&s);
	return 0;
}

int oci_cmd_list(const struct oci_opts *o, int argc, char **argv)
{
	struct dirent *de;
	bool quiet = false;
	DIR *d;

	for (int i = 1; i < argc; i++)
		oci_bool(argv[i], "quiet", 'q', &quiet);
	d = opendir(o->root);
	if (!quiet)
		printf("ID\tPID\tSTATUS\tBUNDLE\tCREATED\n");
	while (d && (de = readdir(d))) {
		struct sb_err err = SB_ERR_INIT;
		struct oci_state s;

		if (de->d_name[0] == '.' || oci_state_load(o, de->d_name, false, &s, &err) < 0)
			continue;
		if (quiet)
			printf("%s\n", s.id);
		else
			printf("%s\t%d\t%s\t%s\t%s\n", s.id, s.status == OCI_STOPPED ? 0 : (int)s.pid,
			       oci_status_name(s.status), s.bundle ? s.bundle : "", s.created ? s.created : "");
		oci_state_free(&s);
	}
	if (d)
		closedir(d);
	return 0;
}

int oci_cmd_features(const struct oci_opts *o, int argc, char **argv)
{
	(void)o, (void)argc, (void)argv;
	puts("{\n"
	     "  \"ociVersionMin\": \"1.0.0\",\n"
	     "  \"ociVersionMax\": \"1.1.0\",\n"
	     "  \"hooks\": [],\n"
	     "  \"mountOptions\": [\"async\", \"atime\", \"bind\", \"defaults\", \"dev\", \"diratime\", \"dirsync\", "
	     "\"exec\", \"mand\", \"noatime\", \"nodev\", \"nodiratime\", \"noexec\", \"nomand\", \"norelatime\", "
	     "\"nostrictatime\", \"nosuid\", \"private\", \"rbind\", \"relatime\", \"rprivate\", \"rshared\", "
	     "\"rslave\", \"ro\", \"rw\", \"shared\", \"slave\", \"strictatime\", \"suid\", \"sync\"],\n"
	     "  \"linux\": {\n"
	     "    \"namespaces\": [\"cgroup\", \"ipc\", \"mount\", \"network\", \"pid\", \"time\", \"user\", \"uts\"],\n"
	     "    \"cgroup\": {\"v1\": true, \"v2\": true, \"systemd\": false, \"systemdUser\": false},\n"
	     "    \"seccomp\": {\"enabled\": true, \"actions\": [\"SCMP_ACT_ALLOW\", \"SCMP_ACT_ERRNO\", "
	     "\"SCMP_ACT_KILL\", \"SCMP_ACT_KILL_PROCESS\", \"SCMP_ACT_KILL_THREAD\", \"SCMP_ACT_LOG\", "
	     "\"SCMP_ACT_TRACE\", \"SCMP_ACT_TRAP\"], \"operators\": [\"SCMP_CMP_EQ\", \"SCMP_CMP_GE\", "
	     "\"SCMP_CMP_GT\", \"SCMP_CMP_LE\", \"SCMP_CMP_LT\", \"SCMP_CMP_MASKED_EQ\", \"SCMP_CMP_NE\"], "
	     "\"archs\": [\"SCMP_ARCH_X86_64\"]},\n"
	     "    \"apparmor\": {\"enabled\": false},\n"
	     "    \"selinux\": {\"enabled\": false}\n"
	     "  },\n"
	     "  \"annotations\": {\"org.opencontainers.runtime-spec.features.sandbox\": \"landlock, always-on seccomp "
	     "hardening, nodev and nosuid on every mount\"}\n"
	     "}");
	return 0;
}

int oci_cmd_refused(const struct oci_opts *o, int argc, char **argv)
{
	(void)o, (void)argc;
	oci_log("error", "%s is not supported by sandbox-oci (no freezer, no resource update, no CRIU)", argv[0]);
	return 1;
}
