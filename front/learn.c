/*
 * learn.c: `sandbox learn [RUN OPTIONS] [--append] [--errno] -o FILE --
 * COMMAND [ARG...]`: run COMMAND once with nothing denied but everything
 * recorded, then write a policy that lets it do exactly that (learn_policy.c).
 * Runs in the launcher process as the caller; the learning run itself goes
 * through the ordinary launcher with the plan's "learn" flag set.
 *
 * The learning run is the sandbox the options describe, opened up so the
 * command can show what it needs: the host's top-level directories the
 * base does not mount are bound read-write beneath the base's own mounts
 * (which stay as they are, on top), each tmpfs of the base shows the
 * host's directory through a throw-away layer (so a file read from /tmp is
 * seen, and writes there stay private as the tmpfs would keep them), and
 * "net none" becomes the caller's network. So learning is no sandbox: it
 * runs the command with the caller's files and network, as firejail's
 * --build and strace-based tools do. Only the written policy confines.
 *
 * --append reads the directives after LEARN_MARKER in FILE back into
 * observations, adds the new run's, and writes the whole file again.
 */
#include "learn.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "launcher.h"
#include "net_rules.h"
#include "options.h"
#include "report.h"
#include "sysrules.h"
#include "util.h"

#define EXIT_SETUP 125

struct learn_args {
	const char *out; /* -o FILE */
	char hosts[PATH_MAX]; /* the learning run's /etc/hosts, removed at the end */
	bool append, errno_default, help;
	char **run_argv; /* what cli_parse gets: the run options and the command */
	int run_argc;
	struct learn_ctx ctx;
};

/* Options that describe one run's input and output, not the sandbox: not
 * copied into the policy. */
static const char *const per_run[] = { "stdin", "stdout", "stderr", "stderr-to-stdout", "report", "meta" };
/* Options learn cannot honour: it writes the syscall rules itself. */
static const char *const refused_opts[] = { "syscalls", "syscalls-log", "seccomp-profile" };

static bool in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

static int add_str(char ***v, size_t *n, const char *s, struct sb_err *err)
{
	if (plan_strv_add(v, n, s) < 0)
		return sb_fail(err, ENOMEM, "learn");
	return 0;
}

/* A --policy argument as an include line: names stay names; a path is
 * made absolute (an include's relative path is relative to the policy). */
static int add_include(struct learn_args *a, const char *arg, struct sb_err *err)
{
	char abs[PATH_MAX];

	if (strchr(arg, '/') && realpath(arg, abs))
		arg = abs;
	return add_str(&a->ctx.includes, &a->ctx.n_includes, arg, err);
}

/* One run option (name, arg or NULL): kept for cli_parse, and written into
 * the policy unless it is per-run or a policy. */
static int take_run_option(struct learn_args *a, const char *name, const char *arg, struct sb_err *err)
{
	char line[8192];

	if (in_list(name, refused_opts, ELEMENTSOF(refused_opts)))
		return sb_failx(err, EINVAL, "--%s: learn writes the syscall rules itself; add your own rules to the "
					     "learned policy afterwards",
				name);
	if (strcmp(name, "policy") == 0)
		return add_include(a, arg, err);
	if (in_list(name, per_run, ELEMENTSOF(per_run)))
		return 0;
	snprintf(line, sizeof(line), "%s%s%s", name, arg ? " " : "", arg ? arg : "");
	return add_str(&a->ctx.options, &a->ctx.n_options, line, err);
}

static int learn_option(struct learn_args *a, int argc, char **argv, int *i, struct sb_err *err)
{
	const char *w = argv[*i];

	if (strcmp(w, "--append") == 0)
		a->append = true;
	else if (strcmp(w, "--errno") == 0)
		a->errno_default = true;
	else if (strcmp(w, "--help") == 0 || strcmp(w, "-h") == 0)
		a->help = true;
	else if (strncmp(w, "--output=", 9) == 0 || strncmp(w, "-o=", 3) == 0)
		a->out = strchr(w, '=') + 1;
	else if (strcmp(w, "-o") == 0 || strcmp(w, "--output") == 0) {
		if (++*i >= argc)
			return sb_failx(err, EINVAL, "%s needs a FILE", w);
		a->out = argv[*i];
	} else
		return 0;
	return 1;
}

/* Split argv into learn's own options and the run's (options, then the
 * command), as cli.c reads them: options end at "--" or the first word
 * that is not one. */
static int parse_args(int argc, char **argv, struct learn_args *a, struct sb_err *err)
{
	int i, r;

	a->run_argv = calloc((size_t)argc + 1, sizeof(char *));
	if (!a->run_argv)
		return sb_fail(err, ENOMEM, "learn");
	for (i = 0; i < argc; i++) {
		const char *w = argv[i], *eq, *arg = NULL;
		const struct sb_option *o;
		char name[64];

		if (strcmp(w, "--") == 0 || (w[0] != '-'))
			break;
		r = learn_option(a, argc, argv, &i, err);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		eq = strchr(w, '=');
		snprintf(name, sizeof(name), "%.*s", (int)(eq ? eq - w - 2 : (long)strlen(w + 2)), w + 2);
		o = strncmp(w, "--", 2) == 0 ? options_find(name) : NULL;
		if (!o)
			return sb_failx(err, EINVAL, "unknown option '%s'; see 'sandbox learn --help'", w);
		a->run_argv[a->run_argc++] = argv[i];
		if (eq)
			arg = eq + 1;
		else if (o->arg == SB_ARG_ONE && i + 1 < argc)
			a->run_argv[a->run_argc++] = argv[++i], arg = argv[i];
		r = take_run_option(a, o->name, arg, err);
		if (r < 0)
			return r;
	}
	for (; i < argc; i++)
		a->run_argv[a->run_argc++] = argv[i];
	if (a->ctx.n_includes == 0)
		return add_str(&a->ctx.includes, &a->ctx.n_includes, "default", err);
	return 0;
}

/* ---- the learning run's plan ---- */

/* How the base uses path: 2 a mount sits exactly there, 1 one sits
 * below it (the base makes it a directory of its own root), 0 neither. */
static int base_use(const struct sb_plan *p, const char *path)
{
	size_t len = strlen(path);
	int use = 0;

	for (size_t i = 0; i < p->n_mounts && use < 2; i++) {
		const char *d = p->mounts[i].dst;

		if (plan_mount_skipped(p, &p->mounts[i]))
			continue;
		if (strcmp(d, path) == 0)
			use = 2;
		else if (strncmp(d, path, len) == 0 && (d[len] == '/' || len == 1))
			use = 1;
	}
	return use;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct mounts {
	struct sb_mount *m;
	size_t n;
};

/* A mount showing host entry path as it is: a bind of a file or a
 * directory, the same link for a symlink; nothing for devices and the like. */
static int host_entry(struct mounts *ms, const char *path, const struct stat *st)
{
	struct sb_mount m = { .kind = SB_MOUNT_BIND, .optional = true };
	char target[PATH_MAX];
	struct sb_mount *n;
	ssize_t len;

	if (S_ISLNK(st->st_mode) && (len = readlink(path, target, sizeof(target) - 1)) > 0) {
		target[len] = '\0';
		m.kind = SB_MOUNT_SYMLINK;
		m.src = strdup(target);
	} else if (S_ISDIR(st->st_mode) || S_ISREG(st->st_mode)) {
		m.src = strdup(path);
	} else {
		return 0;
	}
	m.dst = strdup(path);
	n = m.src && m.dst ? realloc(ms->m, (ms->n + 1) * sizeof(*n)) : NULL;
	if (!n) {
		free(m.src);
		free(m.dst);
		return -ENOMEM;
	}
	ms->m = n;
	n[ms->n++] = m;
	return 0;
}

/*
 * Show the host's entries of dir wherever the base shows nothing: entries
 * the base mounts stay the base's, entries holding a base mount deeper
 * down are filled the same way one level lower (/etc: the base binds a few
 * files, learn shows the rest beside them), everything else is bound as it
 * is. The binds only add mount points in the sandbox's own root, never on
 * the host (no mount goes on top of a host directory).
 */
static int fill(const struct sb_plan *p, const char *dir, struct mounts *ms, int depth)
{
	char **names = NULL, path[PATH_MAX];
	size_t n = 0;
	DIR *d = depth < 16 ? opendir(dir) : NULL;
	struct dirent *de;
	int r = 0;

	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && plan_strv_add(&names, &n, de->d_name) < 0)
			r = -ENOMEM;
	if (d)
		closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n && r == 0; i++) {
		struct stat st;
		int use;

		snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "", names[i]);
		use = base_use(p, path);
		/* Never the host's /proc and /dev: its processes and devices. */
		if (use == 2 || lstat(path, &st) < 0 || (depth == 0 && (!strcmp(names[i], "proc") || !strcmp(names[i], "dev"))))
			continue;
		if (use == 1)
			r = S_ISDIR(st.st_mode) ? fill(p, path, ms, depth + 1) : 0;
		else
			r = host_entry(ms, path, &st);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

static int host_binds(struct sb_plan *p, struct sb_err *err)
{
	struct mounts ms = { 0 };
	struct sb_mount *all;

	if (fill(p, "/", &ms, 0) < 0 ||
	    !(all = realloc(ms.m, (ms.n + p->n_mounts + 1) * sizeof(*all)))) {
		for (size_t i = 0; i < ms.n; i++)
			free(ms.m[i].src), free(ms.m[i].dst);
		free(ms.m);
		return sb_fail(err, ENOMEM, "learn");
	}
	/* Beneath the base's mounts in order; they never overlap them. */
	memcpy(all + ms.n, p->mounts, p->n_mounts * sizeof(*all));
	free(p->mounts);
	p->mounts = all;
	p->n_mounts += ms.n;
	return 0;
}

/* The name host-loopback means the host's loopback in a run with --net
 * user (net.c writes it into the run's /etc/hosts); learning shares the
 * host's network, where that is 127.0.0.1 and ::1: the same command line
 * then works in both. A copy of the host's /etc/hosts with the name added,
 * bound over it for the learning run only; *path is removed afterwards. */
static int hosts_file(struct sb_plan *p, char *path, size_t len, struct sb_err *err)
{
	struct sb_mount m = { .kind = SB_MOUNT_RO_BIND };
	FILE *in = fopen("/etc/hosts", "re"), *out;
	char line[1024];
	int fd;

	snprintf(path, len, "%s/sandbox-learn-hosts.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(path);
	out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!out) {
		if (in)
			fclose(in);
		path[0] = '\0';
		return sb_fail(err, errno, "learn: a hosts file for the learning run");
	}
	while (in && fgets(line, sizeof(line), in))
		fputs(line, out);
	fputs("127.0.0.1 host-loopback\n::1 host-loopback\n", out);
	if (in)
		fclose(in);
	fchmod(fileno(out), 0644);
	if (fclose(out) != 0)
		return sb_fail(err, errno, "learn: write %s", path);
	m.src = strdup(path);
	m.dst = strdup("/etc/hosts");
	if (!m.src || !m.dst || plan_add_mount(p, &m) < 0) {
		free(m.src);
		free(m.dst);
		return sb_fail(err, ENOMEM, "learn");
	}
	return 0;
}

/* Turn the plan the options describe into the learning run's. */
static int learning_plan(struct sb_plan *p, char *hosts, size_t len, struct sb_err *err)
{
	int r = p->rootfs ? 0 : host_binds(p, err);

	if (r == 0 && !p->rootfs)
		r = hosts_file(p, hosts, len, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < p->n_mounts; i++) {
		struct sb_mount *m = &p->mounts[i];
		struct stat st;

		if (m->kind != SB_MOUNT_TMPFS || stat(m->dst, &st) < 0 || !S_ISDIR(st.st_mode) || strpbrk(m->dst, ",:\\"))
			continue;
		m->kind = SB_MOUNT_OVERLAY; /* the host's directory, changes thrown away */
		m->flags |= SB_MNT_PARTIAL; /* others' files there stay as they are: learning goes on */
		m->src = strdup(m->dst);
		if (!m->src)
			return sb_fail(err, ENOMEM, "learn");
	}
	/* The caller's network, unfiltered: the allow-list is what learning
	 * finds out (the written policy says net user again where needed). */
	p->net = SB_NET_HOST;
	for (size_t i = 0; i < p->n_netrules; i++)
		netrule_free(&p->netrules[i]);
	p->n_netrules = 0;
	for (size_t i = 0; i < p->n_publish; i++)
		publish_free(&p->publish[i]);
	p->n_publish = 0;
	p->socket_families_set = false;
	p->learn = true;
	p->syscalls_log = false;
	p->seccomp_off = false;
	return 0;
}

/* ---- --append: an existing learned policy back into observations ---- */

static void read_files_line(struct sb_observed *o, const char *word, const char *path)
{
	struct stat st;
	bool dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);

	if (strcmp(word, "ro-bind") == 0)
		observe_path(o, path, dir ? SB_OBS_LIST | SB_OBS_DIR : SB_OBS_READ);
	else if (strcmp(word, "bind") == 0)
		observe_path(o, path, dir ? SB_OBS_CREATE | SB_OBS_DIR : SB_OBS_WRITE);
	else if (strcmp(word, "dir") == 0)
		observe_path(o, path, SB_OBS_EXIST | SB_OBS_DIR);
	else if (strcmp(word, "overlay") == 0)
		observe_path(o, path, SB_OBS_WRITE | SB_OBS_DIR);
}

/* "host-loopback:P", "A.B.C.D:P", "[V6]:P", each maybe "/udp". */
static int read_dest(struct sb_observed *o, const char *dest)
{
	struct sb_obs_net n = { .op = SB_OBS_CONNECT, .family = AF_INET, .type = SOCK_STREAM };
	char host[128];
	const char *colon = strrchr(dest, ':');
	unsigned port;

	if (!colon || sscanf(colon + 1, "%u", &port) != 1 || port == 0 || port > 65535)
		return -EINVAL;
	n.port = (uint16_t)port;
	if (strstr(colon, "/udp"))
		n.type = SOCK_DGRAM;
	snprintf(host, sizeof(host), "%.*s", (int)(colon - dest), dest);
	if (strcmp(host, "host-loopback") == 0) {
		n.addr[0] = 127, n.addr[3] = 1;
	} else if (host[0] == '[') {
		host[strcspn(host, "]")] = '\0';
		n.family = AF_INET6;
		if (inet_pton(AF_INET6, host + 1, n.addr) != 1)
			return -EINVAL;
	} else if (inet_pton(AF_INET, host, n.addr) != 1) {
		return -EINVAL;
	}
	return observe_net(o, &n);
}

static int read_syscalls_line(struct sb_observed *o, const char *arg, struct sb_err *err)
{
	const struct sb_loc loc = { 0 };
	struct sb_plan tmp;
	int r;

	plan_init(&tmp);
	r = sysrules_parse(&tmp, arg, &loc, err);
	for (size_t i = 0; r == 0 && i < tmp.n_sysrules; i++) {
		const struct sb_sysrule *rule = &tmp.sysrules[i];

		for (char **n = rule->names; n && *n; n++) {
			uint8_t members[SB_OBS_NR_MAX / 8] = { 0 };
			int nr = seccomp_syscall_resolve_name(*n);

			if (rule->action == SB_SYS_ERRNO) {
				observe_refused(o, *n);
			} else if ((*n)[0] == '@') {
				learn_set_members(*n, members);
				for (int k = 0; k < SB_OBS_NR_MAX; k++)
					if (members[k / 8] & (1u << (k % 8)))
						observe_syscall(o, k);
			} else {
				observe_syscall(o, nr);
				if (rule->n_conds == 1 && rule->conds[0].op == SB_OP_EQ)
					observe_arg(o, nr, rule->conds[0].arg, rule->conds[0].value);
			}
		}
	}
	plan_free(&tmp);
	return r;
}

static int read_learned_line(struct learn_args *a, struct sb_observed *o, char *line, struct sb_err *err)
{
	char *arg;

	if (strncmp(line, "# allow-net ", 12) == 0)
		line += 2; /* written as a comment where this build cannot enforce it */
	if (line[0] == '#' || line[0] == '\0')
		return 0;
	arg = line + strcspn(line, " \t");
	if (*arg)
		*arg++ = '\0';
	arg += strspn(arg, " \t");
	if (strcmp(line, "syscalls") == 0)
		return read_syscalls_line(o, arg, err);
	if (strcmp(line, "allow-net") == 0)
		return read_dest(o, arg) < 0 ? sb_failx(err, EINVAL, "allow-net '%s' is not a destination learn writes", arg) : 0;
	if (strcmp(line, "net") == 0)
		return 0;
	if (strcmp(line, "ro-bind") && strcmp(line, "bind") && strcmp(line, "dir") && strcmp(line, "overlay"))
		return sb_failx(err, EINVAL, "'%s' is not a line learn writes below the marker; move it above", line);
	(void)a;
	read_files_line(o, line, arg);
	return 0;
}

/* The header's run, refused and note lines, and everything after the
 * marker. */
static int read_learned(struct learn_args *a, struct sb_observed *o, struct sb_err *err)
{
	FILE *f = fopen(a->out, "re");
	char line[8192];
	unsigned no = 0;
	bool learned = false;
	int r = 0;

	if (!f)
		return sb_fail(err, errno, "--append: read '%s'", a->out);
	while (r == 0 && fgets(line, sizeof(line), f)) {
		char name[128];

		no++;
		line[strcspn(line, "\r\n")] = '\0';
		if (strcmp(line, LEARN_MARKER) == 0)
			learned = true;
		else if (learned)
			r = read_learned_line(a, o, line, err);
		else if (strncmp(line, "# run ", 6) == 0)
			r = add_str(&a->ctx.runs, &a->ctx.n_runs, line + 6, err);
		else if (sscanf(line, "#   refused %127s", name) == 1)
			observe_refused(o, name);
		else if (strncmp(line, "# note: ", 8) == 0)
			observe_note(o, line + 8);
	}
	fclose(f);
	if (r < 0)
		return sb_wrap(err, "%s:%u", a->out, no);
	if (!learned)
		return sb_failx(err, EINVAL, "--append: '%s' has no line '%s': not a policy sandbox learn wrote", a->out,
				LEARN_MARKER);
	return 0;
}

/* ---- the command ---- */

static void usage(FILE *f)
{
	fputs("usage: sandbox learn [RUN OPTIONS] [--append] [--errno] -o FILE -- COMMAND [ARG...]\n"
	      "Run COMMAND once with nothing denied but everything recorded, then write FILE:\n"
	      "a policy that includes the base (--policy, else default), binds exactly the\n"
	      "extra paths, allows exactly the syscalls made and the network destinations\n"
	      "used. Learning runs COMMAND with your files and network: it is no sandbox.\n"
	      "  -o, --output FILE  the policy to write\n"
	      "  --append           merge this run into FILE (another input, another path)\n"
	      "  --errno            unlisted syscalls fail with EPERM instead of killing\n"
	      "Exit status: COMMAND's, as 'sandbox run' gives it; 125 when nothing was learned.\n",
	      f);
}

/* "2026-11-24 11:40:12 UTC: cmd arg 'an arg'" */
static int run_line(struct learn_args *a, const struct sb_plan *p, struct sb_err *err)
{
	char line[8192];
	size_t off;
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	off = strftime(line, sizeof(line), "%Y-%m-%d %H:%M:%S UTC:", &tm);
	for (char **w = p->argv; w && *w && off < sizeof(line); w++) {
		bool quote = **w == '\0' || strpbrk(*w, " \t\n'\"\\$`*?;&|<>()#");

		off += (size_t)snprintf(line + off, sizeof(line) - off, quote ? " '%s'" : " %s", *w);
	}
	return add_str(&a->ctx.runs, &a->ctx.n_runs, line, err);
}

/* Write FILE whole, then rename it into place: a failed learn leaves the
 * old policy as it was. */
static int write_policy(struct learn_args *a, const struct sb_observed *o, struct sb_err *err)
{
	char tmp[PATH_MAX];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.learn-%d", a->out, (int)getpid());
	f = fopen(tmp, "we");
	if (!f)
		return sb_fail(err, errno, "write '%s'", tmp);
	learn_write(f, &a->ctx, o);
	if (fflush(f) != 0 || ferror(f)) {
		fclose(f);
		unlink(tmp);
		return sb_fail(err, EIO, "write '%s'", tmp);
	}
	fclose(f);
	if (rename(tmp, a->out) < 0) {
		unlink(tmp);
		return sb_fail(err, errno, "rename '%s' to '%s'", tmp, a->out);
	}
	return 0;
}

static int plans(struct learn_args *a, struct sb_plan *base, struct sb_plan *run, struct sb_err *err)
{
	int r;

	r = cli_parse(a->run_argc, a->run_argv, base, false, err);
	if (r == 0)
		r = plan_validate(base, err);
	if (r == 0)
		r = cli_parse(a->run_argc, a->run_argv, run, false, err);
	if (r == 0)
		r = learning_plan(run, a->hosts, sizeof(a->hosts), err);
	return r;
}

/* The working directory is entered before the filter: record it here. */
static void note_chdir(struct sb_observed *o, const struct sb_plan *p)
{
	if (p->chdir && strcmp(p->chdir, "/") != 0)
		observe_path(o, p->chdir, SB_OBS_EXIST | SB_OBS_DIR);
}

static int learn(struct learn_args *a, struct sb_observed *o, struct sb_plan *base, struct sb_plan *run,
		 struct sb_result *res, struct sb_err *err)
{
	struct sb_report_out out;
	int r;

	if (!a->out)
		return sb_failx(err, EINVAL, "no policy file to write: give -o FILE (see 'sandbox learn --help')");
	r = plans(a, base, run, err);
	if (r == 0 && a->append)
		r = read_learned(a, o, err);
	if (r == 0)
		r = run_line(a, base, err);
	if (r < 0)
		return r;
	report_out_init(&out);
	r = report_out_open(run, &out, err); /* a --report that cannot be written fails first */
	if (r == 0)
		r = launcher_run(run, res, err);
	if (r < 0 && !res->started) {
		report_out_release(&out);
		return r; /* nothing ran: nothing learned, FILE untouched */
	}
	report_verdict(run, res);
	r = report_write(run, res, &out, err);
	report_out_release(&out);
	if (r < 0)
		return r;
	if (res->observed)
		observe_merge(o, res->observed);
	note_chdir(o, base);
	a->ctx.base = base;
	a->ctx.errno_default = a->errno_default;
	a->ctx.home = getenv("HOME");
	return write_policy(a, o, err);
}

static void args_free(struct learn_args *a)
{
	if (a->hosts[0])
		unlink(a->hosts);
	free(a->run_argv);
	for (size_t i = 0; i < a->ctx.n_includes; i++)
		free(a->ctx.includes[i]);
	free(a->ctx.includes);
	for (size_t i = 0; i < a->ctx.n_options; i++)
		free(a->ctx.options[i]);
	free(a->ctx.options);
	for (size_t i = 0; i < a->ctx.n_runs; i++)
		free(a->ctx.runs[i]);
	free(a->ctx.runs);
}

int cmd_learn(int argc, char **argv)
{
	struct learn_args a = { 0 };
	struct sb_err err = SB_ERR_INIT;
	struct sb_result res = { 0 };
	struct sb_plan base, run;
	struct sb_observed *o = observe_new();
	int r, code = EXIT_SETUP;

	plan_init(&base);
	plan_init(&run);
	r = o ? parse_args(argc, argv, &a, &err) : sb_fail(&err, ENOMEM, "learn");
	if (r == 0 && a.help) {
		usage(stdout);
		code = 0;
	} else if (r == 0 && (r = learn(&a, o, &base, &run, &res, &err)) == 0) {
		fprintf(stderr, "sandbox learn: wrote %s\n", a.out);
		code = report_exit_code(&res);
	}
	if (r < 0) {
		report_error(&err);
		/* 126/127 when the command could not be run, as `run` says. */
		code = res.status == SB_ST_XX ? report_exit_code(&res) : EXIT_SETUP;
	}
	result_free(&res);
	observe_free(o);
	plan_free(&base);
	plan_free(&run);
	args_free(&a);
	return code;
}
