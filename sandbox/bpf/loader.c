/*
 * loader.c: the libbpf side of the eBPF layer. Runs in the launcher, as
 * the caller, before clone.
 *
 * Getting the programs: from the pins an earlier run left in the cache
 * directory (cache.c: a few BPF_OBJ_GETs), or by opening the skeleton
 * embedded at build time (bpftool gen skeleton of sandbox.bpf.c) and
 * loading every program once (libbpf's feature probes, one verifier pass
 * each), then pinning them for the next run. Every program is loaded, not
 * only this run's: the pinned set must serve any run.
 *
 * Attaching: each program the run needs becomes a bpf_link on the run's
 * cgroup; links belong to the launcher's descriptors, so if the launcher
 * dies, however it dies, the kernel detaches them. Then the run's rules
 * go into the cgroup storage the first attach gave the cgroup (the map's
 * key is the cgroup id, its inode number); nothing runs there yet.
 *
 * Privileges: CAP_BPF + CAP_NET_ADMIN (+ CAP_PERFMON for the LSM program)
 * in the initial user namespace, or CAP_SYS_ADMIN, or a BPF token whose
 * user namespace grants them (token.c); the caller (ebpf.c) has checked.
 */
#include "bpf/loader.h"
#include "bpf/loader_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/sandbox.skel.h" /* $(BUILD)/bpf, generated */

const char *const sb_bpf_prog_names[SB_P_MAX] = {
	[SB_P_CONNECT4] = "sb_connect4", [SB_P_CONNECT6] = "sb_connect6", [SB_P_SENDMSG4] = "sb_sendmsg4",
	[SB_P_SENDMSG6] = "sb_sendmsg6", [SB_P_BIND4] = "sb_bind4",	  [SB_P_BIND6] = "sb_bind6",
	[SB_P_SOCK_CREATE] = "sb_sock_create", [SB_P_LSM_SOCKET] = "sb_lsm_socket_create", [SB_P_DEV] = "sb_dev",
};

const int sb_bpf_prog_attach[SB_P_MAX] = {
	[SB_P_CONNECT4] = BPF_CGROUP_INET4_CONNECT, [SB_P_CONNECT6] = BPF_CGROUP_INET6_CONNECT,
	[SB_P_SENDMSG4] = BPF_CGROUP_UDP4_SENDMSG,  [SB_P_SENDMSG6] = BPF_CGROUP_UDP6_SENDMSG,
	[SB_P_BIND4] = BPF_CGROUP_INET4_BIND,	    [SB_P_BIND6] = BPF_CGROUP_INET6_BIND,
	[SB_P_SOCK_CREATE] = BPF_CGROUP_INET_SOCK_CREATE, [SB_P_LSM_SOCKET] = BPF_LSM_CGROUP,
	[SB_P_DEV] = BPF_CGROUP_DEVICE,
};

struct sb_bpf {
	struct sb_bpf_set set;
	int link[SB_P_MAX];
	__u64 cgroup_id;
	bool cached;
};

void bpf_set_init(struct sb_bpf_set *s)
{
	s->map_fd = -1;
	for (int i = 0; i < SB_P_MAX; i++)
		s->prog_fd[i] = -1;
}

void bpf_set_close(struct sb_bpf_set *s)
{
	if (s->map_fd >= 0)
		close(s->map_fd);
	for (int i = 0; i < SB_P_MAX; i++)
		if (s->prog_fd[i] >= 0)
			close(s->prog_fd[i]);
	bpf_set_init(s);
}

/* libbpf's messages go to a buffer, never to the terminal (layers do not
 * print): the first program that failed, with the verifier's verdict (the
 * log's last line), explains a failed load better than libbpf's last word. */
static char last_msg[512];

static void keep(const char *text, size_t len, bool append)
{
	size_t have = append ? strlen(last_msg) : 0;

	if (append && have + 2 < sizeof(last_msg))
		have += (size_t)snprintf(last_msg + have, sizeof(last_msg) - have, ": ");
	snprintf(last_msg + have, sizeof(last_msg) - have, "%.*s", (int)len, text);
}

static int on_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char text[4096], *end;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(text, sizeof(text), fmt, ap);
	if ((end = strstr(text, "-- END PROG LOAD LOG --"))) {
		/* The verifier's verdict: its last line before the statistics. */
		char *line = NULL;

		*end = '\0';
		while ((end = strrchr(text, '\n'))) {
			*end = '\0';
			line = strrchr(text, '\n');
			line = line ? line + 1 : text;
			if (*line && strncmp(line, "processed ", 10) != 0 && strncmp(line, "verification time", 17) != 0 &&
			    strncmp(line, "stack depth", 11) != 0)
				break;
			line = NULL;
		}
		if (line)
			keep(line, strlen(line), true);
	} else if (!last_msg[0] || (strstr(text, "load failed") && !strstr(last_msg, "load failed"))) {
		keep(text, strcspn(text, "\n"), false);
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

static bool wanted(const struct sb_bpf_load *l, int i);

/* Every program when the set is to be pinned (it must serve any run),
 * else only this run's: each costs a verifier pass, and the LSM one
 * libbpf's parse of the kernel's BTF. */
static void choose(struct sandbox_bpf *s, const struct sb_bpf_load *l, bool lsm)
{
	struct bpf_program *progs[SB_P_MAX] = {
		s->progs.sb_connect4, s->progs.sb_connect6, s->progs.sb_sendmsg4,	    s->progs.sb_sendmsg6,
		s->progs.sb_bind4,    s->progs.sb_bind6,    s->progs.sb_sock_create, s->progs.sb_lsm_socket_create,
		s->progs.sb_dev,
	};

	for (int i = 0; i < SB_P_MAX; i++)
		bpf_program__set_autoload(progs[i], (l->cache || wanted(l, i)) && (i != SB_P_LSM_SOCKET || lsm));
}

static int open_load(const struct sb_bpf_load *l, struct sandbox_bpf **ret, bool lsm, struct sb_err *err)
{
	struct sandbox_bpf *s;
	int r;

	last_msg[0] = '\0';
	s = sandbox_bpf__open();
	if (!s)
		return sb_fail(err, errno, "open the embedded eBPF object");
	choose(s, l, lsm);
	r = sandbox_bpf__load(s);
	if (r < 0) {
		sandbox_bpf__destroy(s);
		return sb_fail(err, -r, "load the eBPF programs%s%s", last_msg[0] ? ": " : "", last_msg);
	}
	*ret = s;
	return 0;
}

/* Our own descriptors of what the skeleton loaded (it closes its own). */
static int take_fds(struct sandbox_bpf *s, struct sb_bpf_set *set, struct sb_err *err)
{
	struct bpf_program *progs[SB_P_MAX] = {
		s->progs.sb_connect4, s->progs.sb_connect6, s->progs.sb_sendmsg4,	    s->progs.sb_sendmsg6,
		s->progs.sb_bind4,    s->progs.sb_bind6,    s->progs.sb_sock_create, s->progs.sb_lsm_socket_create,
		s->progs.sb_dev,
	};

	set->map_fd = fcntl(bpf_map__fd(s->maps.conf), F_DUPFD_CLOEXEC, 3);
	if (set->map_fd < 0)
		return sb_fail(err, errno, "keep the eBPF map");
	for (int i = 0; i < SB_P_MAX; i++) {
		if (!bpf_program__autoload(progs[i]))
			continue;
		set->prog_fd[i] = fcntl(bpf_program__fd(progs[i]), F_DUPFD_CLOEXEC, 3);
		if (set->prog_fd[i] < 0)
			return sb_fail(err, errno, "keep eBPF program %s", sb_bpf_prog_names[i]);
	}
	return 0;
}

static int load_fresh(const struct sb_bpf_load *l, struct sb_bpf_set *set, struct sb_err *err)
{
	struct sandbox_bpf *s = NULL;
	int r;

	libbpf_set_print(on_libbpf_print);
	bool lsm = l->lsm && (l->cache || l->families) && bpf_loader_lsm_active();

	bpf_token_hook(l->token_fd);
	r = open_load(l, &s, lsm, err);
	if (r < 0 && lsm) {
		/* Some kernels list the BPF LSM yet refuse lsm_cgroup programs
		 * (no BPF trampolines, lockdown): check AF_INET/AF_INET6 only,
		 * and say so. A pinned set remembers it. */
		*err = (struct sb_err)SB_ERR_INIT;
		r = open_load(l, &s, false, err);
	}
	bpf_token_hook(-1);
	if (r < 0)
		return r;
	r = take_fds(s, set, err);
	sandbox_bpf__destroy(s);
	return r;
}

static int get_set(const struct sb_bpf_load *l, struct sb_bpf *b, struct sb_err *err)
{
	size_t len;
	const void *obj = sandbox_bpf__elf_bytes(&len);
	int r;

	if (l->cache && bpf_cache_get(l->cache, obj, len, &b->set) == 0) {
		b->cached = true;
		return 0;
	}
	r = load_fresh(l, &b->set, err);
	if (r == 0 && l->cache)
		bpf_cache_put(l->cache, obj, len, &b->set);
	return r;
}

static bool wanted(const struct sb_bpf_load *l, int i)
{
	switch (i) {
	case SB_P_CONNECT4: case SB_P_CONNECT6: case SB_P_SENDMSG4: case SB_P_SENDMSG6:
		return l->net;
	case SB_P_BIND4: case SB_P_BIND6:
		return l->bind;
	case SB_P_SOCK_CREATE: case SB_P_LSM_SOCKET:
		return l->families;
	default:
		return l->devices || l->families;
	}
}

static int attach_all(const struct sb_bpf_load *l, struct sb_bpf *b, int cgroup_fd, struct sb_err *err)
{
	struct stat st;

	for (int i = 0; i < SB_P_MAX; i++) {
		if (!wanted(l, i) || b->set.prog_fd[i] < 0)
			continue;
		b->link[i] = bpf_link_create(b->set.prog_fd[i], cgroup_fd, (enum bpf_attach_type)sb_bpf_prog_attach[i], NULL);
		if (b->link[i] < 0)
			return sb_fail(err, errno, "attach eBPF program %s to the run's cgroup", sb_bpf_prog_names[i]);
	}
	/* A cgroup's id is its directory's inode number. */
	if (fstat(cgroup_fd, &st) < 0)
		return sb_fail(err, errno, "stat the run's cgroup");
	b->cgroup_id = (__u64)st.st_ino;
	if (bpf_map_update_elem(b->set.map_fd, &b->cgroup_id, l->conf, BPF_ANY) < 0)
		return sb_fail(err, errno, "write the run's rules into its cgroup storage");
	return 0;
}

int bpf_loader_attach(const struct sb_bpf_load *l, int cgroup_fd, struct sb_bpf **ret, struct sb_err *err)
{
	struct sb_bpf *b = calloc(1, sizeof(*b));
	int r;

	if (!b)
		return sb_fail(err, ENOMEM, "eBPF state");
	bpf_set_init(&b->set);
	for (int i = 0; i < SB_P_MAX; i++)
		b->link[i] = -1;
	r = get_set(l, b, err);
	if (r == 0)
		r = attach_all(l, b, cgroup_fd, err);
	if (r < 0) {
		bpf_loader_release(b);
		return r;
	}
	*ret = b;
	return 0;
}

void bpf_loader_counters(const struct sb_bpf *b, struct sb_bpf_counters *c)
{
	struct sb_bpf_conf *v;

	memset(c, 0, sizeof(*c));
	if (!b || !(v = malloc(sizeof(*v))))
		return;
	if (bpf_map_lookup_elem(b->set.map_fd, &b->cgroup_id, v) == 0)
		*c = v->counters;
	free(v);
}

bool bpf_loader_all_families(const struct sb_bpf *b)
{
	return b && b->link[SB_P_LSM_SOCKET] >= 0;
}

bool bpf_loader_cached(const struct sb_bpf *b)
{
	return b && b->cached;
}

void bpf_loader_release(struct sb_bpf *b)
{
	if (!b)
		return;
	for (int i = 0; i < SB_P_MAX; i++)
		if (b->link[i] >= 0)
			close(b->link[i]);
	bpf_set_close(&b->set);
	free(b);
}
