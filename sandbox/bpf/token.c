/*
 * token.c: BPF tokens (Linux 6.9+): what lets a caller without CAP_BPF in
 * the initial user namespace load the programs. An admin mounts a bpffs
 * with delegate_cmds/maps/progs/attachs, owned by the caller's user
 * namespace (fsopen inside it, fsconfig of the delegate_* options by the
 * admin, fsmount); BPF_TOKEN_CREATE on its root gives a token, which
 * BPF_BTF_LOAD, BPF_MAP_CREATE and BPF_PROG_LOAD take in their token_fd
 * field with the BPF_F_TOKEN_FD flag. The kernel (kernel/bpf/token.c)
 * makes a token only for a process in the bpffs's own user namespace
 * holding CAP_BPF there, never in the initial one, and each use checks
 * the command, map, program and attach types against the delegation and
 * the capability (CAP_BPF, CAP_NET_ADMIN for the cgroup network programs,
 * CAP_PERFMON for the LSM one) in that namespace, not the host's.
 * Attaching needs no more: BPF_LINK_CREATE (kernel/bpf/syscall.c
 * link_create) checks the attach type against the program
 * (bpf_prog_attach_check_attach_type: a capability only for cgroup_skb,
 * CAP_NET_ADMIN through the program's token) and cgroup_bpf_link_attach
 * takes the cgroup from the descriptor; the caller's right to the run's
 * cgroup is the write access it needed to make it and move init there.
 *
 * Why a hook: Debian 12's libbpf (1.1) predates tokens and fills no
 * token field, and it issues every bpf() call (its feature probes too)
 * through syscall(). The link wraps that symbol (-Wl,--wrap=syscall, the
 * Makefile's libbpf flags; every program linking this file needs it, as
 * __real_syscall is libc's syscall only then): while a token is set, those
 * three commands get their attr copied into one of the kernel's 6.9 size
 * with the token and the flag; every other call passes through untouched.
 */
#include "bpf/loader.h"
#include "bpf/loader_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "syscalls.h"

#define BPF_FS_MAGIC_ 0xcafe4a11
#define F_TOKEN_FD (1U << 16) /* BPF_F_TOKEN_FD, include/uapi/linux/bpf.h */
#define END(f) (offsetof(union bpf_attr, f) + sizeof(((union bpf_attr *)0)->f))

/* Where each command keeps its flags and, since 6.9, its token: after the
 * last field Debian's 6.1 header knows (log_true_size, then the token for
 * PROG_LOAD; value_type_btf_obj_fd, then the token for MAP_CREATE;
 * btf_log_true_size, btf_flags, then the token for BTF_LOAD). */
static const struct {
	int cmd;
	size_t flags, token;
} fields[] = {
	{ BPF_PROG_LOAD, offsetof(union bpf_attr, prog_flags), END(core_relo_rec_size) + 4 },
	{ BPF_MAP_CREATE, offsetof(union bpf_attr, map_flags), END(map_extra) + 4 },
	{ BPF_BTF_LOAD, END(btf_log_level) + 4, END(btf_log_level) + 8 },
};

extern long __real_syscall(long nr, ...);
long __wrap_syscall(long nr, ...);

static int hook_token = -1;

static long bpf_with_token(int cmd, void *attr, unsigned size)
{
	unsigned char big[256];
	uint32_t flags;
	unsigned n;
	long r;

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		/* libbpf 1.1's attr for BTF_LOAD ends before btf_flags: the
		 * flag and the token go in the larger copy all the same. */
		if (fields[i].cmd != cmd || size > sizeof(big))
			continue;
		memset(big, 0, sizeof(big));
		memcpy(big, attr, size);
		memcpy(&flags, big + fields[i].flags, 4);
		flags |= F_TOKEN_FD;
		memcpy(big + fields[i].flags, &flags, 4);
		memcpy(big + fields[i].token, &hook_token, 4);
		n = size > fields[i].token + 4 ? size : (unsigned)(fields[i].token + 4);
		r = __real_syscall(__NR_bpf, cmd, big, n);
		/* Outputs (log sizes) back; the caller's flags stay its own. */
		if (fields[i].flags + 4 <= size)
			memcpy(big + fields[i].flags, (unsigned char *)attr + fields[i].flags, 4);
		memcpy(attr, big, size);
		return r;
	}
	return __real_syscall(__NR_bpf, cmd, attr, size);
}

/* syscall(2)'s arguments are read as six longs, as glibc's own syscall()
 * does: the callers passed fewer only where the kernel ignores the rest. */
long __wrap_syscall(long nr, ...)
{
	long a[6];
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == __NR_bpf && hook_token >= 0)
		return bpf_with_token((int)a[0], (void *)a[1], (unsigned)a[2]);
	return __real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

void bpf_token_hook(int token_fd)
{
	hook_token = token_fd;
}

/* What the programs need delegated, with the names the bpffs options
 * take. socket_filter and cgroup_inet_ingress: libbpf 1.1 loads a trivial
 * socket filter (expected attach type 0) before anything else. */
static const struct need {
	const char *option, *name;
	int bit;
} needs[] = {
	{ "delegate_cmds", "map_create", BPF_MAP_CREATE },
	{ "delegate_cmds", "prog_load", BPF_PROG_LOAD },
	{ "delegate_cmds", "btf_load", BPF_BTF_LOAD },
	{ "delegate_maps", "cgroup_storage", BPF_MAP_TYPE_CGROUP_STORAGE },
	{ "delegate_progs", "socket_filter", BPF_PROG_TYPE_SOCKET_FILTER },
	{ "delegate_progs", "cgroup_sock", BPF_PROG_TYPE_CGROUP_SOCK },
	{ "delegate_progs", "cgroup_device", BPF_PROG_TYPE_CGROUP_DEVICE },
	{ "delegate_progs", "cgroup_sock_addr", BPF_PROG_TYPE_CGROUP_SOCK_ADDR },
	{ "delegate_attachs", "cgroup_inet_ingress", BPF_CGROUP_INET_INGRESS },
	{ "delegate_attachs", "cgroup_inet_sock_create", BPF_CGROUP_INET_SOCK_CREATE },
	{ "delegate_attachs", "cgroup_device", BPF_CGROUP_DEVICE },
	{ "delegate_attachs", "cgroup_inet4_bind", BPF_CGROUP_INET4_BIND },
	{ "delegate_attachs", "cgroup_inet6_bind", BPF_CGROUP_INET6_BIND },
	{ "delegate_attachs", "cgroup_inet4_connect", BPF_CGROUP_INET4_CONNECT },
	{ "delegate_attachs", "cgroup_inet6_connect", BPF_CGROUP_INET6_CONNECT },
	{ "delegate_attachs", "cgroup_udp4_sendmsg", BPF_CGROUP_UDP4_SENDMSG },
	{ "delegate_attachs", "cgroup_udp6_sendmsg", BPF_CGROUP_UDP6_SENDMSG },
};

/* The token's delegation as the kernel shows it (/proc/self/fdinfo:
 * "allowed_progs:\t0x..." or "any"), option by option. */
static unsigned long long delegated(int fd, const char *option)
{
	char path[64], line[128], key[48];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	snprintf(key, sizeof(key), "allowed_%s:", option + strlen("delegate_"));
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, strlen(key)) != 0)
			continue;
		if (strstr(line, "any"))
			v = ~0ULL;
		else
			sscanf(line + strlen(key), "%llx", &v);
	}
	if (f)
		fclose(f);
	return v;
}

static int check_delegation(int fd, const char *path, struct sb_err *err)
{
	char missing[512] = "";
	size_t len = 0;

	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++)
		if (!(delegated(fd, needs[i].option) & (1ULL << needs[i].bit)) && len < sizeof(missing))
			len += (size_t)snprintf(missing + len, sizeof(missing) - len, "%s%s %s", len ? ", " : "",
						needs[i].option, needs[i].name);
	if (!len)
		return 0;
	sb_failx(err, EPERM, "the bpffs at %s does not delegate what the programs need: %s", path, missing);
	sb_hint(err, "the admin mounts it with those delegate_* options (or delegate_cmds=any etc.)");
	return -EPERM;
}

/* Why BPF_TOKEN_CREATE refused, in kernel/bpf/token.c's terms. */
static int token_failed(int e, const char *path, struct sb_err *err)
{
	int r = sb_fail(err, e, "--bpf-token %s: create a BPF token", path);

	if (e == EPERM)
		sb_hint(err, "a token is made only inside the user namespace that owns the bpffs, by a process holding "
			     "CAP_BPF there: run the launcher in the namespace (the container) the bpffs was delegated to");
	else if (e == EOPNOTSUPP)
		sb_hint(err, "this bpffs belongs to the initial user namespace, where the kernel makes no tokens: the "
			     "admin mounts one owned by your user namespace (fsopen in it, delegate_* set by the admin)");
	else if (e == ENOENT)
		sb_hint(err, "the bpffs delegates nothing: mount it with delegate_cmds, delegate_maps, delegate_progs, "
			     "delegate_attachs");
	else if (e == EINVAL)
		sb_hint(err, "give the root of a bpffs mount, or this kernel predates BPF tokens (6.9)");
	return r;
}

int bpf_loader_token(const char *path, int *ret_fd, struct sb_err *err)
{
	struct statfs sf;
	int dir, fd, r;

	dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return sb_fail(err, errno, "--bpf-token %s", path);
	if (fstatfs(dir, &sf) < 0 || sf.f_type != (typeof(sf.f_type))BPF_FS_MAGIC_) {
		close(dir);
		return sb_failx(err, EINVAL, "--bpf-token %s: not a bpffs (mount -t bpf with delegate_* options)", path);
	}
	fd = sys_bpf_token_create(dir);
	close(dir);
	if (fd < 0)
		return token_failed(errno, path, err);
	r = check_delegation(fd, path, err);
	if (r < 0) {
		close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}
