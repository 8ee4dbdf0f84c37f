/*
 * learn_policy.c: from what a learning run observed to the policy text
 * `sandbox learn` writes. Runs in the launcher process after the run, as
 * the caller; reads the host only to ask whether a path exists there (a
 * path the learning run saw under a tmpfs came from the host beneath it)
 * and /etc/resolv.conf (to recognise DNS lookups). Deterministic: sorted
 * output, no counts of events, so learning a program twice writes the
 * same policy but for the dates.
 *
 * Files: each path is compared with the mounts the base already gives a
 * normal run (the deepest covering mount decides). Read-write mounts cover
 * everything below them, read-only ones reads; a tmpfs starts empty, so a
 * host file read beneath it must be bound in. What is left becomes ro-bind
 * (read), bind (written, or a directory whose entries changed) or dir (a
 * directory that only had to exist); four or more files of one directory
 * become that directory, unless it is shallow, the caller's home, or holds
 * a mount of the base (widening /etc would undo the base's choice of it).
 *
 * Syscalls: exactly those made, as the fewest words: an @set only where
 * every native member of it was made, the rest by name; socket, ioctl and
 * clone with a condition per value seen. What the hardening refused stays
 * refused: the header says so, and a refusal the policy's default would
 * have turned into a kill is written as "deny" so the program sees the
 * same EPERM it coped with while learning.
 */
#include "learn.h"

#include <arpa/inet.h>
#include <limits.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "options.h"
#include "seccomp_harden.h"
#include "syscall_sets.h"
#include "sysconsts.h"
#include "util.h"

#define DIR_FILES 4 /* this many files of one directory bind the directory */
#define MAX_COND_VALUES 16 /* more distinct values: allow the syscall outright */

/* ---- small string vectors ---- */

struct strv {
	char **v;
	size_t n;
};

static void sv_add(struct strv *s, const char *text)
{
	char **n;

	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], text) == 0)
			return;
	n = realloc(s->v, (s->n + 1) * sizeof(*n));
	if (!n)
		return;
	s->v = n;
	if ((s->v[s->n] = strdup(text)))
		s->n++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sv_sort(struct strv *s)
{
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_str);
}

static void sv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

char *learn_syscall_name(int nr)
{
	return seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
}

/* ---- files ---- */

enum need { N_DIR = 0, N_RO, N_RW, N_OVERLAY };

struct entry {
	char *path;
	enum need need;
	bool dir;
};

struct entries {
	struct entry *e;
	size_t n;
};

static bool under(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return true;
	return strncmp(path, dir, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

static bool host_exists(const char *path, bool *dir)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return false;
	if (dir)
		*dir = S_ISDIR(st.st_mode);
	return true;
}

/* The base mount that decides what path is in a normal run: the deepest
 * one at or above it, the later of two at the same place. An empty "dir"
 * covers only itself; a symlink nothing; an optional bind whose source is
 * missing is not there. */
static const struct sb_mount *cover(const struct sb_plan *b, const char *path)
{
	const struct sb_mount *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < b->n_mounts; i++) {
		const struct sb_mount *m = &b->mounts[i];
		size_t len = strlen(m->dst);

		if (!under(path, m->dst) || m->kind == SB_MOUNT_SYMLINK || plan_mount_skipped(b, m))
			continue;
		if (m->kind == SB_MOUNT_DIR && strcmp(path, m->dst) != 0)
			continue;
		if (m->optional && m->src && !host_exists(m->src, NULL))
			continue;
		if (len >= best_len) {
			best = m;
			best_len = len;
		}
	}
	return best;
}

/* A path a policy line can carry: the argument runs to the end of the
 * line, ':' splits SRC:DST, " #" starts a comment, "${" expands. */
static bool writable_path(const char *p)
{
	size_t n = strlen(p);

	return n && !strpbrk(p, ":\n\r\\") && !strstr(p, " #") && !strstr(p, "\t#") && !strstr(p, "${") &&
	       p[n - 1] != ' ' && p[n - 1] != '\t';
}

static void add_entry(struct entries *es, const char *path, enum need need, bool dir)
{
	struct entry *n;

	for (size_t i = 0; i < es->n; i++)
		if (strcmp(es->e[i].path, path) == 0) {
			if (need > es->e[i].need)
				es->e[i].need = need;
			es->e[i].dir |= dir;
			return;
		}
	n = realloc(es->e, (es->n + 1) * sizeof(*n));
	if (!n)
		return;
	es->e = n;
	n[es->n] = (struct entry){ .path = strdup(path), .need = need, .dir = dir };
	if (n[es->n].path)
		es->n++;
}

static void parent_of(const char *path, char *buf, size_t len)
{
	char *slash;

	snprintf(buf, len, "%s", path);
	slash = strrchr(buf, '/');
	if (slash == buf)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
}

/* Under a tmpfs of the base (the learning run saw the host's directory
 * there, through a throw-away layer): host files read must be bound in;
 * changes stay private, as the tmpfs keeps them. */
static void under_tmpfs(struct entries *es, const struct sb_obs_path *op, const struct sb_mount *m)
{
	char parent[PATH_MAX];
	bool dir = false;

	if (strcmp(op->path, m->dst) == 0 || !host_exists(op->path, &dir))
		return; /* the tmpfs itself, or made during the run */
	if (op->how & SB_OBS_WRITE) {
		/* A host file changed in place: the same throw-away layer. */
		if (dir) {
			add_entry(es, op->path, N_OVERLAY, true);
		} else {
			parent_of(op->path, parent, sizeof(parent));
			if (strcmp(parent, m->dst) != 0)
				add_entry(es, parent, N_OVERLAY, true);
		}
	} else if (op->how & (SB_OBS_READ | SB_OBS_LIST)) {
		add_entry(es, op->path, N_RO, dir);
	} else if (dir) {
		add_entry(es, op->path, N_DIR, true); /* exists, or has entries made in it */
	}
}

static void classify(const struct learn_ctx *c, struct entries *es, struct strv *notes, const struct sb_obs_path *op)
{
	const struct sb_mount *m = cover(c->base, op->path);
	bool writes = op->how & (SB_OBS_WRITE | SB_OBS_CREATE), dir = false;
	char note[PATH_MAX + 128];

	if (strcmp(op->path, "/") == 0)
		return;
	if (!writable_path(op->path)) {
		snprintf(note, sizeof(note), "a path no policy line can name (':', '#', '${'): %s", op->path);
		sv_add(notes, note);
		return;
	}
	if (m && m->kind == SB_MOUNT_TMPFS) {
		under_tmpfs(es, op, m);
		return;
	}
	if ((m && (m->kind == SB_MOUNT_RO_BIND || m->kind == SB_MOUNT_DIR)) || (!m && c->base->rootfs)) {
		if (writes) {
			snprintf(note, sizeof(note), "written under a read-only part of the base, refused while learning too: %s",
				 op->path);
			sv_add(notes, note);
		}
		return;
	}
	if (m) /* bind, overlay, proc, dev: read-write already */
		return;
	if (!host_exists(op->path, &dir))
		return;
	if (writes)
		add_entry(es, op->path, N_RW, dir);
	else if (op->how & (SB_OBS_READ | SB_OBS_LIST))
		add_entry(es, op->path, N_RO, dir);
	else if (dir)
		add_entry(es, op->path, N_DIR, true);
}

static size_t depth(const char *path)
{
	size_t d = 0;

	for (const char *p = path; *p; p++)
		d += *p == '/';
	return strcmp(path, "/") == 0 ? 0 : d;
}

/* Whether binding all of dir instead of files in it keeps the policy
 * honest: deep enough, not the home, no base mount inside it. */
static bool collapsible(const struct learn_ctx *c, const char *dir)
{
	if (depth(dir) < 2 || (c->home && strcmp(dir, c->home) == 0))
		return false;
	for (size_t i = 0; i < c->base->n_mounts; i++)
		if (under(c->base->mounts[i].dst, dir))
			return false;
	return true;
}

static void collapse(const struct learn_ctx *c, struct entries *es)
{
	char parent[PATH_MAX], other[PATH_MAX];

	for (size_t i = 0; i < es->n; i++) {
		size_t count = 0;
		enum need need = N_RO;

		if (es->e[i].dir || (es->e[i].need != N_RO && es->e[i].need != N_RW))
			continue;
		parent_of(es->e[i].path, parent, sizeof(parent));
		for (size_t j = 0; j < es->n; j++) {
			parent_of(es->e[j].path, other, sizeof(other));
			if (!es->e[j].dir && strcmp(parent, other) == 0 && es->e[j].need >= N_RO && es->e[j].need <= N_RW) {
				count++;
				if (es->e[j].need == N_RW)
					need = N_RW;
			}
		}
		if (count >= DIR_FILES && collapsible(c, parent))
			add_entry(es, parent, need, true); /* the files are pruned below */
	}
}

/* Whether e adds nothing to the other entries. */
static bool redundant(const struct entries *es, size_t k)
{
	const struct entry *e = &es->e[k];

	for (size_t i = 0; i < es->n; i++) {
		const struct entry *a = &es->e[i];

		if (i == k)
			continue;
		if (e->need == N_DIR && under(a->path, e->path))
			return true; /* a mount below creates the directory */
		if (strcmp(a->path, e->path) == 0 || !under(e->path, a->path) || !a->dir)
			continue;
		if (a->need == N_RW || a->need == N_OVERLAY)
			return true;
		if (a->need == N_RO && e->need <= N_RO)
			return true;
	}
	return false;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

/* The file directives, in path order (a parent is mounted before what
 * sits on it). */
static void file_lines(const struct learn_ctx *c, const struct sb_observed *o, struct strv *lines, struct strv *notes,
		       size_t *n_written)
{
	static const char *const words[] = { [N_DIR] = "dir", [N_RO] = "ro-bind", [N_RW] = "bind",
					     [N_OVERLAY] = "overlay" };
	struct entries es = { 0 };
	char line[PATH_MAX + 16];

	for (size_t i = 0; i < o->n_paths; i++)
		classify(c, &es, notes, &o->paths[i]);
	collapse(c, &es);
	if (es.n)
		qsort(es.e, es.n, sizeof(*es.e), cmp_entry);
	*n_written = 0;
	for (size_t i = 0; i < es.n; i++) {
		if (redundant(&es, i))
			continue;
		snprintf(line, sizeof(line), "%s %s", words[es.e[i].need], es.e[i].path);
		sv_add(lines, line);
		*n_written += es.e[i].need == N_RW || es.e[i].need == N_OVERLAY;
	}
	for (size_t i = 0; i < es.n; i++)
		free(es.e[i].path);
	free(es.e);
}

/* ---- syscalls ---- */

/* The syscalls that get one condition per value seen, and which
 * argument; the constant names that print the values. */
static const struct {
	const char *name;
	unsigned arg;
	const char *const *prefixes; /* NULL: flags, printed as CLONE_* names */
} conds[] = {
	{ "socket", 0, (const char *const[]){ "AF_", NULL } },
	{ "ioctl", 1, (const char *const[]){ "TIOC", "TC", "FIO", NULL } },
	{ "clone", 0, NULL },
};

static const char *const clone_flags[] = {
	"CLONE_VM", "CLONE_FS", "CLONE_FILES", "CLONE_SIGHAND", "CLONE_PIDFD", "CLONE_PTRACE", "CLONE_VFORK",
	"CLONE_PARENT", "CLONE_THREAD", "CLONE_SYSVSEM", "CLONE_SETTLS", "CLONE_PARENT_SETTID",
	"CLONE_CHILD_CLEARTID", "CLONE_UNTRACED", "CLONE_CHILD_SETTID", "CLONE_IO",
};

/* A value as the policy parser reads it back: a constant's name, clone
 * flags as NAME|NAME|signal, else a number. */
static void value_str(size_t k, uint64_t v, char *buf, size_t len)
{
	const char *name = conds[k].prefixes ? sysconst_name(v, conds[k].prefixes) : NULL;
	size_t off = 0;
	uint64_t rest = v;

	if (name || conds[k].prefixes) {
		if (name)
			snprintf(buf, len, "%s", name);
		else
			snprintf(buf, len, "0x%llx", (unsigned long long)v);
		return;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < ELEMENTSOF(clone_flags); i++) {
		uint64_t bit;

		if (sysconst_find(clone_flags[i], &bit) && bit && (rest & bit) == bit) {
			off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%s", off ? "|" : "", clone_flags[i]);
			rest &= ~bit;
		}
	}
	if (rest || !off)
		snprintf(buf + off, off < len ? len - off : 0, "%s%llu", off ? "|" : "", (unsigned long long)rest);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Rules "allow NAME if argN == V" for each conditioned syscall made with
 * few enough values; *conditioned gets the numbers so handled. */
static void cond_lines(const struct sb_observed *o, struct strv *lines, struct strv *notes, uint8_t *conditioned)
{
	for (size_t k = 0; k < ELEMENTSOF(conds); k++) {
		int nr = seccomp_syscall_resolve_name(conds[k].name);
		uint64_t vals[MAX_COND_VALUES + 1];
		size_t n = 0;
		char line[512], v[400];

		if (!observe_used(o, nr))
			continue;
		for (size_t i = 0; i < o->n_args && n <= MAX_COND_VALUES; i++)
			if (o->args[i].nr == nr && o->args[i].arg == conds[k].arg)
				vals[n++] = o->args[i].value;
		if (n == 0 || n > MAX_COND_VALUES) {
			snprintf(line, sizeof(line), "%s was made with more than %d different arg%u values: allowed outright",
				 conds[k].name, MAX_COND_VALUES, conds[k].arg);
			if (n)
				sv_add(notes, line);
			continue;
		}
		qsort(vals, n, sizeof(vals[0]), cmp_u64);
		for (size_t i = 0; i < n; i++) {
			value_str(k, vals[i], v, sizeof(v));
			snprintf(line, sizeof(line), "syscalls allow %s if arg%u == %s", conds[k].name, conds[k].arg, v);
			sv_add(lines, line);
		}
		conditioned[nr / 8] |= (uint8_t)(1u << (nr % 8));
	}
}

static bool bit(const uint8_t *map, int nr)
{
	return nr >= 0 && nr < SB_OBS_NR_MAX && (map[nr / 8] & (1u << (nr % 8)));
}

/* The native members of an @set, nested sets included. */
static void set_members(const char *name, uint8_t *map, int depth_left)
{
	const struct sb_syscall_set *s = syscall_set_find(name);

	for (const char *const *m = s && depth_left > 0 ? s->members : NULL; m && *m; m++) {
		int nr;

		if ((*m)[0] == '@') {
			set_members(*m, map, depth_left - 1);
			continue;
		}
		nr = seccomp_syscall_resolve_name(*m);
		if (nr >= 0 && nr < SB_OBS_NR_MAX)
			map[nr / 8] |= (uint8_t)(1u << (nr % 8));
	}
}

void learn_set_members(const char *set, uint8_t *map)
{
	set_members(set, map, 8);
}

/* Greedy cover: take the @set that names the most syscalls still
 * unnamed, as long as all its members were made and it saves a word. */
static void pick_sets(uint8_t *left, const uint8_t *made, struct strv *words)
{
	size_t n_sets;
	const struct sb_syscall_set *sets = syscall_sets(&n_sets);

	for (;;) {
		size_t best = n_sets, best_gain = 1;

		for (size_t i = 0; i < n_sets; i++) {
			uint8_t mem[SB_OBS_NR_MAX / 8] = { 0 };
			size_t gain = 0, size = 0;
			bool subset = true;

			set_members(sets[i].name, mem, 8);
			for (int nr = 0; nr < SB_OBS_NR_MAX && subset; nr++) {
				if (!bit(mem, nr))
					continue;
				size++;
				subset = bit(made, nr);
				gain += bit(left, nr);
			}
			if (subset && size && gain > best_gain) {
				best = i;
				best_gain = gain;
			}
		}
		if (best == n_sets)
			return;
		sv_add(words, sets[best].name);
		{
			uint8_t mem[SB_OBS_NR_MAX / 8] = { 0 };

			set_members(sets[best].name, mem, 8);
			for (size_t b = 0; b < sizeof(mem); b++)
				left[b] &= (uint8_t)~mem[b];
		}
	}
}

/* "syscalls allow W1 W2 ..." lines of at most about 76 columns. */
static void allow_lines(const struct strv *words, struct strv *lines)
{
	char line[256];
	size_t len = 0;

	for (size_t i = 0; i <= words->n; i++) {
		if (len && (i == words->n || len + 1 + strlen(words->v[i]) > 76)) {
			sv_add(lines, line);
			len = 0;
		}
		if (i == words->n)
			break;
		if (!len)
			len = (size_t)snprintf(line, sizeof(line), "syscalls allow");
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s", words->v[i]);
	}
}

/* Every syscall line after the default; returns the number allowed. */
static size_t syscall_lines(const struct sb_observed *o, struct strv *lines, struct strv *notes, size_t *n_cond)
{
	uint8_t conditioned[SB_OBS_NR_MAX / 8] = { 0 }, plain[SB_OBS_NR_MAX / 8] = { 0 };
	struct strv sets = { 0 }, names = { 0 }, words = { 0 }, cond = { 0 };
	size_t total = 0;

	cond_lines(o, &cond, notes, conditioned);
	*n_cond = 0;
	for (int nr = 0; nr < SB_OBS_NR_MAX; nr++) {
		if (!observe_used(o, nr))
			continue;
		total++;
		if (bit(conditioned, nr))
			(*n_cond)++;
		else
			plain[nr / 8] |= (uint8_t)(1u << (nr % 8));
	}
	{
		uint8_t left[sizeof(plain)];

		memcpy(left, plain, sizeof(left));
		pick_sets(left, plain, &sets);
		for (int nr = 0; nr < SB_OBS_NR_MAX; nr++) {
			char *name = bit(left, nr) ? learn_syscall_name(nr) : NULL;

			if (name)
				sv_add(&names, name);
			free(name);
		}
	}
	sv_sort(&sets);
	sv_sort(&names);
	for (size_t i = 0; i < sets.n; i++)
		sv_add(&words, sets.v[i]);
	for (size_t i = 0; i < names.n; i++)
		sv_add(&words, names.v[i]);
	allow_lines(&words, lines);
	for (size_t i = 0; i < cond.n; i++)
		sv_add(lines, cond.v[i]);
	/* What the hardening refused with "always EPERM" would meet the
	 * policy's kill instead (the hardening yields to an outright refusal):
	 * say deny, so the program keeps the EPERM it coped with. */
	for (size_t i = 0; i < o->n_refused; i++) {
		const struct sb_harden *h = seccomp_harden_find(o->refused[i]);
		char line[128];

		if (h && h->kind == SB_HARDEN_DENY) {
			snprintf(line, sizeof(line), "syscalls deny %s", o->refused[i]);
			sv_add(lines, line);
		}
	}
	sv_free(&sets);
	sv_free(&names);
	sv_free(&words);
	sv_free(&cond);
	return total;
}

/* ---- network ---- */

static bool is_loopback(const struct sb_obs_net *n)
{
	static const uint8_t any6[16], lo6[16] = { [15] = 1 };
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (n->family == AF_INET)
		return n->addr[0] == 127 || memcmp(n->addr, any6, 4) == 0;
	if (memcmp(n->addr, lo6, 16) == 0 || memcmp(n->addr, any6, 16) == 0)
		return true;
	return memcmp(n->addr, mapped, 12) == 0 && (n->addr[12] == 127 || memcmp(n->addr + 12, any6, 4) == 0);
}

/* A bind to 127.0.0.0/8 or ::1 only (0.0.0.0 and :: are every interface). */
static bool bound_to_loopback(const struct sb_obs_net *n)
{
	static const uint8_t lo6[16] = { [15] = 1 };

	return n->family == AF_INET ? n->addr[0] == 127 : memcmp(n->addr, lo6, 16) == 0;
}

/* A UDP connect to where a TCP connect also went: glibc's getaddrinfo
 * connects a datagram socket to each candidate to learn the source address
 * it would use (RFC 6724 sorting); no packet leaves, no rule is needed. */
static bool probe_connect(const struct sb_observed *o, const struct sb_obs_net *n)
{
	if (n->op != SB_OBS_CONNECT || n->type != SOCK_DGRAM)
		return false;
	for (size_t i = 0; i < o->n_net; i++) {
		const struct sb_obs_net *t = &o->net[i];

		if (t->op == SB_OBS_CONNECT && t->type == SOCK_STREAM && t->family == n->family && t->port == n->port &&
		    memcmp(t->addr, n->addr, sizeof(t->addr)) == 0)
			return true;
	}
	return false;
}

/* The nameservers of the host's resolv.conf, as text. */
static void nameservers(struct strv *ns)
{
	FILE *f = fopen("/etc/resolv.conf", "re");
	char line[256], addr[128];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, " nameserver %127s", addr) == 1)
			sv_add(ns, addr);
	if (f)
		fclose(f);
}

static void addr_str(const struct sb_obs_net *n, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(n->family, n->addr, a, sizeof(a));
	snprintf(buf, len, n->family == AF_INET6 ? "[%s]" : "%s", a);
}

/* The --allow-net destinations the run needed (DESIGN.md's vocabulary):
 * ADDR:PORT, [IPV6]:PORT, host-loopback:PORT, /udp for datagrams. A
 * loopback port the program bound itself is its own business: the
 * sandbox's loopback carries that without any network. */
static void net_dests(const struct sb_observed *o, struct strv *dests, struct strv *notes)
{
	struct strv ns = { 0 };
	char a[INET6_ADDRSTRLEN + 2], plain[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN + 32], note[256];

	nameservers(&ns);
	for (size_t i = 0; i < o->n_net; i++) {
		const struct sb_obs_net *n = &o->net[i];
		const char *udp = n->type == SOCK_DGRAM ? "/udp" : "";
		bool own = false, dns = false;

		if (n->op == SB_OBS_BIND && n->port && !bound_to_loopback(n)) {
			snprintf(note, sizeof(note), "the command served port %u%s: from the host it is reachable only with "
						     "net user and 'publish %u:%u%s'",
				 (unsigned)n->port, n->type == SOCK_DGRAM ? "/udp" : "", (unsigned)n->port,
				 (unsigned)n->port, n->type == SOCK_DGRAM ? "/udp" : "");
			sv_add(notes, note);
		}
		if (n->op == SB_OBS_BIND || n->port == 0 || probe_connect(o, n))
			continue;
		for (size_t j = 0; j < o->n_net && !own; j++)
			own = o->net[j].op == SB_OBS_BIND && o->net[j].port == n->port;
		if (is_loopback(n)) {
			if (!own) {
				snprintf(d, sizeof(d), "host-loopback:%u%s", (unsigned)n->port, udp);
				sv_add(dests, d);
			}
			continue;
		}
		inet_ntop(n->family, n->addr, plain, sizeof(plain));
		for (size_t j = 0; j < ns.n && n->port == 53; j++)
			dns |= strcmp(ns.v[j], plain) == 0;
		addr_str(n, a, sizeof(a));
		if (dns) {
			snprintf(note, sizeof(note), "name lookups went to %s:53; allow-net by name (HOST:PORT) also allows DNS "
						     "inside, so prefer names to the addresses below where they change", a);
			sv_add(notes, note);
			continue;
		}
		snprintf(d, sizeof(d), "%s:%u%s", a, (unsigned)n->port, udp);
		sv_add(dests, d);
	}
	sv_free(&ns);
	sv_sort(dests);
}

static void net_lines(const struct learn_ctx *c, const struct sb_observed *o, struct strv *lines, struct strv *notes,
		      size_t *n_dests)
{
	struct strv dests = { 0 };
	char line[256];
	bool can = options_find("allow-net") != NULL;

	net_dests(o, &dests, notes);
	*n_dests = dests.n;
	if (c->base->net == SB_NET_HOST) {
		/* The base shares the host's network: nothing to add. */
		for (size_t i = 0; i < dests.n; i++) {
			snprintf(line, sizeof(line), "# seen (net host from the base): %s", dests.v[i]);
			sv_add(lines, line);
		}
	} else if (dests.n == 0) {
		sv_add(lines, "net none");
	} else {
		if (!can)
			sv_add(notes, "this build cannot enforce 'net user' with 'allow-net' yet: the network lines are "
				      "written as comments and the policy keeps net none");
		sv_add(lines, can ? "net user" : "# net user");
		for (size_t i = 0; i < dests.n; i++) {
			snprintf(line, sizeof(line), "%sallow-net %s", can ? "" : "# ", dests.v[i]);
			sv_add(lines, line);
		}
		if (!can)
			sv_add(lines, "net none");
	}
	sv_free(&dests);
}

/* ---- the file ---- */

static void print_block(FILE *f, const struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		fprintf(f, "%s\n", s->v[i]);
}

static void print_header(FILE *f, const struct learn_ctx *c, const struct sb_observed *o, const size_t *counts,
			 const struct strv *notes)
{
	fputs("# Learned by `sandbox learn`: a policy that lets the command below do what it\n"
	      "# did while learning, and nothing more. Check: `sandbox check FILE`; run:\n"
	      "# `sandbox run --policy FILE -- COMMAND`; widen with a second learning run:\n"
	      "# `sandbox learn [OPTIONS] --append -o FILE -- COMMAND`.\n",
	      f);
	for (size_t i = 0; i < c->n_runs; i++)
		fprintf(f, "# run %s\n", c->runs[i]);
	fprintf(f, "# observed: %zu syscalls (%zu with argument conditions), %zu file lines beyond the\n"
		   "#   base (%zu writable), %zu network destinations\n",
		counts[0], counts[1], counts[2], counts[3], counts[4]);
	if (o->n_refused)
		fputs("# refused by the always-on hardening, never learned away (the program got the errno):\n", f);
	for (size_t i = 0; i < o->n_refused; i++) {
		const struct sb_harden *h = seccomp_harden_find(o->refused[i]);

		fprintf(f, "#   refused %s (%s): %s\n", o->refused[i],
			h && h->kind == SB_HARDEN_ENOSYS ? "ENOSYS" : "EPERM", h ? h->why : "always-on hardening");
	}
	for (size_t i = 0; i < notes->n; i++)
		fprintf(f, "# note: %s\n", notes->v[i]);
	fputs("#\n"
	      "# Learning is not enforcement: learn let every syscall run and read path and\n"
	      "# address arguments from the program's memory while it waited, a time-of-check\n"
	      "# gap a hostile program could use to show one path and open another. Only this\n"
	      "# policy, run by `sandbox run`, enforces; read it before you trust it.\n",
	      f);
}

void learn_write(FILE *f, const struct learn_ctx *c, const struct sb_observed *o)
{
	struct strv files = { 0 }, net = { 0 }, sys = { 0 }, notes = { 0 };
	size_t counts[5] = { 0 };

	for (size_t i = 0; i < o->n_notes; i++)
		sv_add(&notes, o->notes[i]);
	file_lines(c, o, &files, &notes, &counts[3]);
	counts[2] = files.n;
	net_lines(c, o, &net, &notes, &counts[4]);
	counts[0] = syscall_lines(o, &sys, &notes, &counts[1]);
	sv_sort(&notes);
	print_header(f, c, o, counts, &notes);
	fputc('\n', f);
	for (size_t i = 0; i < c->n_includes; i++)
		fprintf(f, "include %s\n", c->includes[i]);
	for (size_t i = 0; i < c->n_options; i++)
		fprintf(f, "%s\n", c->options[i]);
	fprintf(f, "\n%s\n", LEARN_MARKER);
	fprintf(f, "\n# files beyond the base\n");
	print_block(f, &files);
	fprintf(f, "\n# network\n");
	print_block(f, &net);
	fprintf(f, "\n# syscalls: exactly those made\n");
	fprintf(f, "syscalls default %s\n", c->errno_default ? "errno EPERM" : "kill");
	print_block(f, &sys);
	sv_free(&files);
	sv_free(&net);
	sv_free(&sys);
	sv_free(&notes);
}
