/*
 * oci.c: sandbox-oci, an OCI runtime with runc's command line, for
 * podman (conmon) and containerd (the runc v2 shim, as a Kubernetes
 * RuntimeClass uses it). ../shared/ENGINES.md records how they call it.
 *
 * Global flags come before the command, as runc takes them: --root DIR
 * (default $XDG_RUNTIME_DIR/sandbox-oci for a user or inside a user
 * namespace, /run/sandbox-oci for root), --log FILE, --log-format
 * text|json, --debug; --systemd-cgroup, --rootless, --cgroup-manager and
 * --criu are accepted and ignored. Flags take "--name value",
 * "--name=value" or runc's single dash.
 *
 * Errors go to stderr and, with --log, to the log as a line the engines
 * read ({"level":"error","msg":...,"time":...} in json): the last error
 * line is what podman and containerd show. Exit status 1 on error, as
 * runc; `run` and a waiting `exec` exit with the process's status.
 * Commands live in oci_cmds.c; this file is the dispatcher and the log.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "oci.h"
#include "oci_cmds.h"
#include "util.h"

#ifndef SB_VERSION
#define SB_VERSION "0.1.0"
#endif

static struct oci_opts opts;

static void rfc3339(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* msg as a JSON string body (quotes, backslashes, control bytes escaped). */
static void json_escape(const char *msg, char *out, size_t len)
{
	size_t o = 0;

	for (const unsigned char *c = (const unsigned char *)msg; *c && o + 7 < len; c++) {
		if (*c == '"' || *c == '\\')
			o += (size_t)snprintf(out + o, len - o, "\\%c", *c);
		else if (*c < 0x20)
			o += (size_t)snprintf(out + o, len - o, "\\u%04x", *c);
		else
			out[o++] = (char)*c;
	}
	out[o] = '\0';
}

void oci_log(const char *level, const char *fmt, ...)
{
	char msg[2048], esc[4200], now[64], line[4400];
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (strcmp(level, "error") == 0)
		fprintf(stderr, "sandbox-oci: %s\n", msg);
	if (!opts.log || (strcmp(level, "debug") == 0 && !opts.debug))
		return;
	rfc3339(now, sizeof(now));
	json_escape(msg, esc, sizeof(esc));
	if (opts.log_json)
		n = snprintf(line, sizeof(line), "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n", level, esc, now);
	else
		n = snprintf(line, sizeof(line), "time=\"%s\" level=%s msg=\"%s\"\n", now, level, esc);
	fd = open(opts.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)(n < (int)sizeof(line) ? n : (int)sizeof(line) - 1)) < 0)
		fprintf(stderr, "sandbox-oci: write the log %s: %s\n", opts.log, strerror(errno));
	close(fd);
}

int oci_error(const struct sb_err *err)
{
	oci_log("error", "%s", err->msg[0] ? err->msg : "failed");
	return 1;
}

bool oci_flag(int argc, char **argv, int *i, const char *name, char shorty, const char **val)
{
	const char *a = argv[*i], *n = a + 1 + (a[1] == '-');
	size_t len = strlen(name);

	if (a[0] != '-' || !((strncmp(n, name, len) == 0 && (n[len] == '\0' || n[len] == '=')) ||
			     (shorty && n[0] == shorty && (n[1] == '\0' || n[1] == '=') && n == a + 1)))
		return false;
	if (!val)
		return true;
	if (strchr(n, '=')) {
		*val = strchr(n, '=') + 1;
	} else if (*i + 1 < argc) {
		*val = argv[++*i];
	} else {
		*val = NULL;
	}
	return true;
}

/* A boolean flag: "--force", "--force=true", "--force=false". */
bool oci_bool(const char *a, const char *name, char shorty, bool *out)
{
	const char *n = a + 1 + (a[1] == '-');
	size_t len = strlen(name);

	if (a[0] != '-')
		return false;
	if (shorty && n == a + 1 && n[0] == shorty && n[1] == '\0') {
		*out = true;
		return true;
	}
	if (strncmp(n, name, len) != 0 || (n[len] != '\0' && n[len] != '='))
		return false;
	*out = n[len] == '\0' || strcmp(n + len + 1, "true") == 0 || strcmp(n + len + 1, "1") == 0;
	return true;
}

/* runc's default: $XDG_RUNTIME_DIR/runc when not real root (an engine's
 * user namespace counts as not: /run belongs to the real root there). */
static const char *default_root(void)
{
	static char buf[4096];
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char map[64] = "";
	FILE *f = fopen("/proc/self/uid_map", "re");
	bool initial = true;

	if (f) {
		initial = fgets(map, sizeof(map), f) && strstr(map, "4294967295");
		fclose(f);
	}
	if ((getuid() != 0 || !initial) && xdg && *xdg) {
		snprintf(buf, sizeof(buf), "%s/sandbox-oci", xdg);
		return buf;
	}
	return "/run/sandbox-oci";
}

static int version(void)
{
	printf("sandbox-oci version %s\nspec: 1.0.2\n", SB_VERSION);
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: sandbox-oci [--root DIR] [--log FILE] [--log-format text|json] [--debug] COMMAND [ARGS]\n"
	      "commands (runc's): create, start, run, state, kill, delete, exec, ps, list, features,\n"
	      "  --version; refused with a message: pause, resume, update, checkpoint, restore\n",
	      f);
}

static const struct {
	const char *name;
	int (*fn)(const struct oci_opts *o, int argc, char **argv);
} commands[] = {
	{ "create", oci_cmd_create }, { "start", oci_cmd_start },   { "run", oci_cmd_run },
	{ "state", oci_cmd_state },   { "kill", oci_cmd_kill },	    { "delete", oci_cmd_delete },
	{ "exec", oci_cmd_exec },     { "ps", oci_cmd_ps },	    { "list", oci_cmd_list },
	{ "features", oci_cmd_features }, { "pause", oci_cmd_refused }, { "resume", oci_cmd_refused },
	{ "update", oci_cmd_refused }, { "checkpoint", oci_cmd_refused }, { "restore", oci_cmd_refused },
};

/* Global flags; returns the index of the command, or -1 after an error. */
static int globals(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *v = NULL, *a = argv[i];
		bool b;

		if (oci_flag(argc, argv, &i, "root", 0, &opts.root) || oci_flag(argc, argv, &i, "log", 0, &opts.log)) {
			if (!opts.root || (strstr(a, "log") && !opts.log))
				return oci_log("error", "%s needs a value", a), -1;
		} else if (oci_flag(argc, argv, &i, "log-format", 0, &v)) {
			if (!v || (strcmp(v, "json") && strcmp(v, "text")))
				return oci_log("error", "--log-format: expected text or json"), -1;
			opts.log_json = strcmp(v, "json") == 0;
		} else if (oci_bool(a, "debug", 0, &opts.debug) || oci_bool(a, "systemd-cgroup", 0, &b) ||
			   oci_bool(a, "rootless", 0, &b) || oci_flag(argc, argv, &i, "cgroup-manager", 0, &v) ||
			   oci_flag(argc, argv, &i, "criu", 0, &v)) {
			continue;
		} else if (strcmp(a, "--version") == 0 || strcmp(a, "-v") == 0) {
			return version(), -2;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			return usage(stdout), -2;
		} else {
			return oci_log("error", "unknown global flag %s", a), -1;
		}
	}
	return i;
}

int oci_main(int argc, char **argv)
{
	int i;

	opts.root = default_root();
	i = globals(argc, argv);
	if (i == -2)
		return 0;
	if (i < 0)
		return 1;
	if (i >= argc) {
		usage(stderr);
		return 1;
	}
	oci_log("debug", "%s", argv[i]);
	for (size_t k = 0; k < ELEMENTSOF(commands); k++)
		if (strcmp(argv[i], commands[k].name) == 0)
			return commands[k].fn(&opts, argc - i, argv + i);
	oci_log("error", "unknown command '%s'", argv[i]);
	usage(stderr);
	return 1;
}
