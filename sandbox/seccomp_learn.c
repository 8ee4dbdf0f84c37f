/*
 * seccomp_learn.c: the listener side of learn mode (`sandbox learn`, plan
 * field "learn"). Launcher process, caller's uid, no privileges beyond
 * ptrace access to its own sandbox's processes (their user namespace is
 * a child of the caller's).
 *
 * The payload's filter stops every syscall (SECCOMP_RET_USER_NOTIF); the
 * launcher records what each one did and answers "continue". Recorded:
 * the syscall, the argument values a policy can condition on (socket's
 * family, ioctl's request, clone's flags), each path argument (read from
 * the stopped thread's memory with process_vm_readv, made absolute against
 * its cwd or directory descriptor, and looked up in its own root to see
 * whether it exists and is a directory), and each connect/bind/send
 * address (with the socket's type, read from a copy of the descriptor).
 *
 * This is learning, not enforcement. CONTINUE lets the kernel run the
 * syscall with its original registers, but memory the arguments point to
 * can change between our read and the kernel's (another thread, a shared
 * mapping): a program that wants to could show us one path and open
 * another. That gap is why seccomp_unotify(2) warns against CONTINUE as a
 * security decision, and why learn says so in the policy it writes: the
 * learned policy, run normally, is what enforces.
 *
 * The always-on hardening still holds in learn mode, and is still decided
 * by the same BPF: the kernel's filter has it lifted (so hardened calls
 * reach the listener too and can be reported), and the listener runs the
 * hardening program every filter starts with (stage 0 over an allow-all
 * table) in a classic-BPF interpreter on the notification's seccomp_data.
 * The hardening reads registers only, never memory, so the answer is the
 * one the kernel would give; a refusal is answered with its errno and
 * recorded, so the learned policy can say what was refused and why.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "observe.h"
#include "seccomp.h"
#include "seccomp_harden.h"
#include "seccomp_int.h"
#include "syscalls.h"
#include "util.h"

/* ---- the hardening program and its interpreter ---- */

/* Compile the hardening as every filter has it (stage 0 of a table that
 * allows everything else, with the plan's own unsafe-allow entries), then
 * turn t into the learn filter: every syscall notifies, the kernel-side
 * hardening is lifted (the listener applies it), other ABIs stay killed. */
int sc_learn_table(struct sc_table *t, struct sb_seccomp *s, struct sb_err *err)
{
	struct sc_table *h = calloc(1, sizeof(*h));
	_cleanup_free_ struct sock_filter *s0 = NULL, *s1 = NULL;
	size_t n0 = 0, n1 = 0;
	int r;

	if (!h)
		return sb_fail(err, ENOMEM, "learn filter");
	for (size_t i = 0; i < SC_NR_MAX; i++)
		h->base[i] = SC_UNSET;
	h->dflt = SECCOMP_RET_ALLOW;
	h->unsafe = t->unsafe;
	h->handoff_fd = -1;
	r = sc_emit_stage0(h, &s0, &n0, err);
	if (r == 0)
		r = sc_emit_tree(h, &s1, &n1, err);
	sc_table_free(h);
	if (r < 0)
		return r;
	s->learn_prog = malloc((n0 + n1) * sizeof(struct sock_filter));
	if (!s->learn_prog)
		return sb_fail(err, ENOMEM, "learn filter");
	memcpy(s->learn_prog, s0, n0 * sizeof(struct sock_filter));
	memcpy((struct sock_filter *)s->learn_prog + n0, s1, n1 * sizeof(struct sock_filter));
	s->learn_len = n0 + n1;

	for (size_t i = 0; i < SC_NR_MAX; i++)
		t->base[i] = SC_UNSET;
	for (size_t i = 0; i < t->n_rules; i++)
		free(t->rules[i].name);
	t->n_rules = 0;
	for (size_t i = 0; i < t->n_extra; i++)
		free(t->extra[i].name);
	t->n_extra = 0;
	t->dflt = SECCOMP_RET_USER_NOTIF;
	t->unsafe = ~0ull;
	t->arches = 0;
	t->notify = true;
	return 0;
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t src, bool *bad)
{
	switch (op) {
	case BPF_ADD:
		return a + src;
	case BPF_SUB:
		return a - src;
	case BPF_MUL:
		return a * src;
	case BPF_DIV:
		*bad = src == 0;
		return src ? a / src : 0;
	case BPF_MOD:
		*bad = src == 0;
		return src ? a % src : 0;
	case BPF_AND:
		return a & src;
	case BPF_OR:
		return a | src;
	case BPF_XOR:
		return a ^ src;
	case BPF_LSH:
		return src < 32 ? a << src : 0;
	case BPF_RSH:
		return src < 32 ? a >> src : 0;
	case BPF_NEG:
		return -a;
	default:
		*bad = true;
		return 0;
	}
}

static bool jump(uint16_t op, uint32_t a, uint32_t src)
{
	switch (op) {
	case BPF_JEQ:
		return a == src;
	case BPF_JGT:
		return a > src;
	case BPF_JGE:
		return a >= src;
	case BPF_JSET:
		return (a & src) != 0;
	default:
		return false;
	}
}

/* Load for BPF_LD/BPF_LDX: a seccomp_data word, its length, a constant or
 * scratch memory, as the kernel's seccomp_check_filter admits them. */
static bool load(const struct sock_filter *i, const struct seccomp_data *d, const uint32_t *mem, uint32_t *ret)
{
	switch (BPF_MODE(i->code)) {
	case BPF_ABS:
		if (BPF_CLASS(i->code) != BPF_LD || BPF_SIZE(i->code) != BPF_W || i->k % 4 ||
		    i->k > sizeof(*d) - 4)
			return false;
		memcpy(ret, (const char *)d + i->k, 4);
		return true;
	case BPF_LEN:
		*ret = sizeof(*d);
		return true;
	case BPF_IMM:
		*ret = i->k;
		return true;
	case BPF_MEM:
		if (i->k >= BPF_MEMWORDS)
			return false;
		*ret = mem[i->k];
		return true;
	default:
		return false;
	}
}

uint32_t sc_bpf_run(const struct sock_filter *f, size_t len, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };

	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &f[pc];
		bool bad = false;

		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
		case BPF_LDX:
			if (!load(i, d, mem, BPF_CLASS(i->code) == BPF_LD ? &a : &x))
				return SECCOMP_RET_KILL_PROCESS;
			break;
		case BPF_ST:
		case BPF_STX:
			if (i->k >= BPF_MEMWORDS)
				return SECCOMP_RET_KILL_PROCESS;
			mem[i->k] = BPF_CLASS(i->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			a = alu(BPF_OP(i->code), a, BPF_SRC(i->code) == BPF_X ? x : i->k, &bad);
			if (bad)
				return SECCOMP_RET_KILL_PROCESS;
			break;
		case BPF_JMP:
			if (BPF_OP(i->code) == BPF_JA)
				pc += i->k;
			else
				pc += jump(BPF_OP(i->code), a, BPF_SRC(i->code) == BPF_X ? x : i->k) ? i->jt : i->jf;
			break;
		case BPF_RET:
			return BPF_RVAL(i->code) == BPF_A ? a : i->k;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		default:
			return SECCOMP_RET_KILL_PROCESS;
		}
	}
	return SECCOMP_RET_KILL_PROCESS; /* fell off the end: the kernel refuses such programs */
}

/* ---- reading the stopped thread ---- */

/* Copy len bytes at addr in pid, one page at a time, so a string that
 * ends just before an unmapped page still reads. Returns bytes read. */
static size_t peek(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	const uint64_t page = 4096;
	size_t done = 0;

	while (done < len) {
		size_t chunk = (size_t)(page - (addr + done) % page);
		struct iovec local, remote;
		ssize_t n;

		if (chunk > len - done)
			chunk = len - done;
		local = (struct iovec){ .iov_base = (char *)buf + done, .iov_len = chunk };
		remote = (struct iovec){ .iov_base = (void *)(uintptr_t)(addr + done), .iov_len = chunk };
		n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	return done;
}

/* A NUL-terminated string (a path) at addr; false when unreadable. */
static bool peek_str(pid_t pid, uint64_t addr, char *buf, size_t len)
{
	size_t n;

	if (!addr)
		return false;
	n = peek(pid, addr, buf, len - 1);
	buf[n] = '\0';
	return n > 0 && memchr(buf, '\0', n) != NULL;
}

/* The absolute path (as the sandbox sees it) of rel, relative to dirfd
 * (AT_FDCWD: the thread's cwd) of thread tid. */
static bool absolute(pid_t tid, int dirfd, const char *rel, char *out, size_t len)
{
	char link[64], base[PATH_MAX];
	ssize_t n;

	if (rel[0] == '/') {
		snprintf(out, len, "%s", rel);
	} else {
		if (dirfd == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd", (int)tid);
		else
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)tid, dirfd);
		n = readlink(link, base, sizeof(base) - 1);
		if (n <= 0 || base[0] != '/')
			return false; /* a pipe, a socket, a deleted directory */
		base[n] = '\0';
		if ((size_t)snprintf(out, len, "%s/%s", base, rel) >= len)
			return false;
	}
	observe_normalize(out);
	return true;
}

/* stat path inside the thread's own root (its mount namespace, after the
 * pivot): absolute symlinks resolve there too, never on the host. */
static bool stat_in(pid_t tid, const char *path, struct stat *st)
{
	struct sb_open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int root = -1, fd = -1;
	char link[64];

	snprintf(link, sizeof(link), "/proc/%d/root", (int)tid);
	root = open(link, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return false;
	fd = sys_openat2(root, path[1] ? path + 1 : ".", &how);
	return fd >= 0 && fstat(fd, st) == 0;
}

/* ---- what each syscall touched ---- */

enum pkind {
	P_OPEN, /* open/openat: the flags argument decides */
	P_OPENAT2, /* openat2: the flags sit in struct open_how */
	P_READ, /* execve, execveat */
	P_STAT, /* metadata: a file must be there, a directory must exist */
	P_EXIST, /* chdir */
	P_WRITE, /* chmod, chown, truncate, utimes, setxattr on an existing entry */
	P_CREATE, /* mkdir, mknod, unlink, rmdir, symlink: the parent changes */
	P_RENAME, /* rename*: both parents change */
	P_LINK, /* link*: the source must exist, the target's parent changes */
};

/* Argument positions; dirfd -1 means AT_FDCWD (the old non-*at calls). */
struct pcall {
	int nr;
	signed char dirfd, path, flags, dirfd2, path2;
	enum pkind kind;
};

#define PC(n, d, p, f, k) { SYS_##n, d, p, f, -1, -1, k }
#define PC2(n, d, p, d2, p2, k) { SYS_##n, d, p, -1, d2, p2, k }

static const struct pcall pcalls[] = {
	PC(open, -1, 0, 1, P_OPEN),	    PC(openat, 0, 1, 2, P_OPEN),
	PC(openat2, 0, 1, 2, P_OPENAT2),    PC(creat, -1, 0, -1, P_CREATE),
	PC(execve, -1, 0, -1, P_READ),	    PC(execveat, 0, 1, -1, P_READ),
	PC(stat, -1, 0, -1, P_STAT),	    PC(lstat, -1, 0, -1, P_STAT),
	PC(newfstatat, 0, 1, -1, P_STAT),   PC(statx, 0, 1, -1, P_STAT),
	PC(access, -1, 0, -1, P_STAT),	    PC(faccessat, 0, 1, -1, P_STAT),
	PC(faccessat2, 0, 1, -1, P_STAT),   PC(readlink, -1, 0, -1, P_STAT),
	PC(readlinkat, 0, 1, -1, P_STAT),   PC(statfs, -1, 0, -1, P_STAT),
	PC(getxattr, -1, 0, -1, P_STAT),    PC(lgetxattr, -1, 0, -1, P_STAT),
	PC(listxattr, -1, 0, -1, P_STAT),   PC(llistxattr, -1, 0, -1, P_STAT),
	PC(inotify_add_watch, -1, 1, -1, P_STAT), PC(name_to_handle_at, 0, 1, -1, P_STAT),
	PC(chdir, -1, 0, -1, P_EXIST),	    PC(chmod, -1, 0, -1, P_WRITE),
	PC(fchmodat, 0, 1, -1, P_WRITE),    PC(chown, -1, 0, -1, P_WRITE),
	PC(lchown, -1, 0, -1, P_WRITE),	    PC(fchownat, 0, 1, -1, P_WRITE),
	PC(truncate, -1, 0, -1, P_WRITE),   PC(utime, -1, 0, -1, P_WRITE),
	PC(utimes, -1, 0, -1, P_WRITE),	    PC(utimensat, 0, 1, -1, P_WRITE),
	PC(futimesat, 0, 1, -1, P_WRITE),   PC(setxattr, -1, 0, -1, P_WRITE),
	PC(lsetxattr, -1, 0, -1, P_WRITE),  PC(removexattr, -1, 0, -1, P_WRITE),
	PC(lremovexattr, -1, 0, -1, P_WRITE), PC(mkdir, -1, 0, -1, P_CREATE),
	PC(mkdirat, 0, 1, -1, P_CREATE),    PC(mknod, -1, 0, -1, P_CREATE),
	PC(mknodat, 0, 1, -1, P_CREATE),    PC(unlink, -1, 0, -1, P_CREATE),
	PC(unlinkat, 0, 1, -1, P_CREATE),   PC(rmdir, -1, 0, -1, P_CREATE),
	PC(symlink, -1, 1, -1, P_CREATE),   PC(symlinkat, 1, 2, -1, P_CREATE),
	PC2(rename, -1, 0, -1, 1, P_RENAME), PC2(renameat, 0, 1, 2, 3, P_RENAME),
	PC2(renameat2, 0, 1, 2, 3, P_RENAME), PC2(link, -1, 0, -1, 1, P_LINK),
	PC2(linkat, 0, 1, 2, 3, P_LINK),
};

/* The syscalls whose arguments the policy language can usefully
 * condition on, and which argument. */
static const struct {
	int nr;
	unsigned arg;
} cond_args[] = { { SYS_socket, 0 }, { SYS_ioctl, 1 }, { SYS_clone, 0 } };

/* Record path (absolute) as used with how; for P_CREATE-like uses the
 * parent directory is what changes. */
static void note_parent(struct sb_observed *o, const char *path)
{
	char parent[PATH_MAX];
	char *slash;

	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (!slash || strcmp(parent, "/") == 0)
		return;
	if (slash == parent)
		slash[1] = '\0';
	else
		*slash = '\0';
	observe_path(o, parent, SB_OBS_CREATE | SB_OBS_DIR);
}

/* An existing entry used as kind; a missing one was a probe (ENOENT) and
 * needs nothing. */
static void note_existing(struct sb_observed *o, pid_t tid, const char *path, enum pkind kind)
{
	struct stat st;
	bool dir;

	if (!stat_in(tid, path, &st))
		return;
	dir = S_ISDIR(st.st_mode);
	switch (kind) {
	case P_WRITE:
		observe_path(o, path, SB_OBS_WRITE | (dir ? SB_OBS_DIR : 0));
		return;
	case P_EXIST:
	case P_STAT:
		observe_path(o, path, dir ? SB_OBS_EXIST | SB_OBS_DIR : SB_OBS_READ);
		return;
	case P_OPEN: /* opened for reading */
	case P_READ:
		observe_path(o, path, dir ? SB_OBS_LIST | SB_OBS_DIR : SB_OBS_READ);
		return;
	case P_OPENAT2:
	case P_CREATE:
	case P_RENAME:
	case P_LINK:
		break;
	}
}

/* open(2)'s flags say how the path is used. */
static void note_open(struct sb_observed *o, pid_t tid, const char *path, uint64_t flags)
{
	if ((flags & O_TMPFILE) == O_TMPFILE) /* path is the directory */
		observe_path(o, path, SB_OBS_CREATE | SB_OBS_DIR);
	else if (flags & O_PATH)
		note_existing(o, tid, path, P_STAT);
	else if (flags & O_CREAT)
		note_parent(o, path); /* by intent: the file may or may not exist yet */
	else if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		note_existing(o, tid, path, P_WRITE);
	else
		note_existing(o, tid, path, P_OPEN);
}

/* One path argument: read it, make it absolute, record it. */
static bool path_arg(struct sb_observed *o, const struct seccomp_notif *req, int dirfd_arg, int path_arg,
		     char *out, size_t len)
{
	char rel[PATH_MAX];
	int dirfd = dirfd_arg < 0 ? AT_FDCWD : (int)(int32_t)req->data.args[dirfd_arg];

	if (!peek_str((pid_t)req->pid, req->data.args[path_arg], rel, sizeof(rel))) {
		if (req->data.args[path_arg])
			o->unreadable++;
		return false;
	}
	if (!rel[0]) /* AT_EMPTY_PATH: the descriptor itself, seen when opened */
		return false;
	return absolute((pid_t)req->pid, dirfd, rel, out, len);
}

static void record_paths(struct sb_observed *o, const struct seccomp_notif *req, const struct pcall *c)
{
	pid_t tid = (pid_t)req->pid;
	char path[PATH_MAX], path2[PATH_MAX];
	uint64_t flags = c->flags >= 0 ? req->data.args[c->flags] : 0;

	if (!path_arg(o, req, c->dirfd, c->path, path, sizeof(path)))
		return;
	switch (c->kind) {
	case P_OPENAT2: /* struct open_how starts with the u64 flags */
		if (peek(tid, flags, &flags, sizeof(flags)) != sizeof(flags))
			return;
		/* fall through */
	case P_OPEN:
		note_open(o, tid, path, flags);
		return;
	case P_READ:
	case P_STAT:
	case P_EXIST:
	case P_WRITE:
		note_existing(o, tid, path, c->kind);
		return;
	case P_CREATE:
		note_parent(o, path);
		return;
	case P_RENAME:
	case P_LINK:
		if (c->kind == P_RENAME)
			note_parent(o, path);
		else
			note_existing(o, tid, path, P_READ);
		if (path_arg(o, req, c->dirfd2, c->path2, path2, sizeof(path2)))
			note_parent(o, path2);
		return;
	}
}

/* ---- network addresses ---- */

/* A copy of descriptor fd of thread tid, or -1 (pidfd_getfd needs the
 * same ptrace access as the memory reads, and the thread group's leader). */
static int sock_copy(pid_t tid, int fd)
{
	char path[64], line[128];
	int tgid = -1;
	_cleanup_close_ int pidfd = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	if (f)
		fclose(f);
	pidfd = tgid > 0 ? sys_pidfd_open(tgid, 0) : -1;
	return pidfd >= 0 ? sys_pidfd_getfd(pidfd, fd, 0) : -1;
}

static int sock_type(pid_t tid, int fd)
{
	_cleanup_close_ int copy = sock_copy(tid, fd);
	socklen_t len = sizeof(int);
	int type = 0;

	if (copy < 0 || getsockopt(copy, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		return 0;
	return type;
}

static void record_unix(struct sb_observed *o, pid_t tid, const struct sockaddr_un *sun, size_t len,
			enum sb_obs_net_op op)
{
	char rel[sizeof(sun->sun_path) + 1], path[PATH_MAX];
	size_t n = len - offsetof(struct sockaddr_un, sun_path);

	if (n == 0)
		return; /* unnamed */
	if (sun->sun_path[0] == '\0') {
		observe_note(o, "abstract unix sockets were used: a policy cannot name them; Landlock (ABI 6) "
				"keeps the sandbox from the host's, its own work");
		return;
	}
	memcpy(rel, sun->sun_path, n);
	rel[n] = '\0';
	if (!absolute(tid, AT_FDCWD, rel, path, sizeof(path)))
		return;
	if (op == SB_OBS_BIND)
		note_parent(o, path);
	else
		note_existing(o, tid, path, P_READ);
}

/* A socket address at addr (len bytes) used by op on descriptor fd. */
static void record_addr(struct sb_observed *o, pid_t tid, int fd, uint64_t addr, uint64_t len,
			enum sb_obs_net_op op)
{
	struct sockaddr_storage ss = { 0 };
	struct sb_obs_net n = { .op = op };
	size_t got;

	if (!addr || len < sizeof(sa_family_t))
		return;
	got = peek(tid, addr, &ss, len < sizeof(ss) ? (size_t)len : sizeof(ss));
	if (got < sizeof(sa_family_t)) {
		o->unreadable++;
		return;
	}
	if (ss.ss_family == AF_UNIX) {
		record_unix(o, tid, (const struct sockaddr_un *)&ss, got, op);
		return;
	}
	if (ss.ss_family == AF_INET && got >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const void *)&ss;

		memcpy(n.addr, &in->sin_addr, 4);
		n.port = ntohs(in->sin_port);
	} else if (ss.ss_family == AF_INET6 && got >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const void *)&ss;

		memcpy(n.addr, &in6->sin6_addr, 16);
		n.port = ntohs(in6->sin6_port);
	} else {
		return; /* netlink and the like: the socket family rule covers them */
	}
	n.family = ss.ss_family;
	n.type = sock_type(tid, fd);
	observe_net(o, &n);
}

/* listen: the port a server listens on, known only now when it bound
 * port 0; a connect to it from inside is the program's own business. */
static void record_listen(struct sb_observed *o, pid_t tid, int fd)
{
	_cleanup_close_ int copy = sock_copy(tid, fd);
	struct sockaddr_storage ss;
	struct sb_obs_net n = { .op = SB_OBS_BIND, .type = SOCK_STREAM };
	socklen_t len = sizeof(ss);

	if (copy < 0 || getsockname(copy, (struct sockaddr *)&ss, &len) < 0)
		return;
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)&ss;

		memcpy(n.addr, &in->sin_addr, 4);
		n.port = ntohs(in->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)&ss;

		memcpy(n.addr, &in6->sin6_addr, 16);
		n.port = ntohs(in6->sin6_port);
	} else {
		return;
	}
	n.family = ss.ss_family;
	observe_net(o, &n);
}

/* sendmsg/sendmmsg: the address sits in a struct msghdr. */
static void record_msg(struct sb_observed *o, pid_t tid, int fd, uint64_t msg)
{
	struct msghdr m;

	if (peek(tid, msg, &m, sizeof(m)) != sizeof(m)) {
		o->unreadable++;
		return;
	}
	record_addr(o, tid, fd, (uint64_t)(uintptr_t)m.msg_name, m.msg_namelen, SB_OBS_SEND);
}

static void record_net(struct sb_observed *o, const struct seccomp_notif *req)
{
	const __u64 *a = req->data.args;
	pid_t tid = (pid_t)req->pid;
	int fd = (int)(int32_t)a[0];

	switch (req->data.nr) {
	case SYS_connect:
		record_addr(o, tid, fd, a[1], a[2], SB_OBS_CONNECT);
		break;
	case SYS_bind:
		record_addr(o, tid, fd, a[1], a[2], SB_OBS_BIND);
		break;
	case SYS_listen:
		record_listen(o, tid, fd);
		break;
	case SYS_sendto:
		record_addr(o, tid, fd, a[4], a[5], SB_OBS_SEND);
		break;
	case SYS_sendmsg:
		record_msg(o, tid, fd, a[1]);
		break;
	case SYS_sendmmsg: /* struct mmsghdr starts with its msghdr */
		for (uint64_t i = 0; i < a[2] && i < 8; i++)
			record_msg(o, tid, fd, a[1] + i * sizeof(struct mmsghdr));
		break;
	default:
		break;
	}
}

/* ---- one notification ---- */

static void record(struct sb_observed *o, const struct seccomp_notif *req)
{
	int nr = req->data.nr;

	o->events++;
	observe_syscall(o, nr);
	for (size_t i = 0; i < ELEMENTSOF(cond_args); i++)
		if (cond_args[i].nr == nr)
			observe_arg(o, nr, cond_args[i].arg, req->data.args[cond_args[i].arg]);
	for (size_t i = 0; i < ELEMENTSOF(pcalls); i++)
		if (pcalls[i].nr == nr) {
			record_paths(o, req, &pcalls[i]);
			return;
		}
	record_net(o, req);
}

static void refused(struct sb_observed *o, int nr)
{
	char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);

	o->events++;
	if (name)
		observe_refused(o, name);
	free(name);
}

void seccomp_learn_handle(struct sb_seccomp *s, const struct seccomp_notif *req, struct sb_result *res)
{
	struct seccomp_notif_resp resp = { .id = req->id };
	uint32_t a = sc_bpf_run(s->learn_prog, s->learn_len, &req->data);

	if (!res->observed)
		res->observed = observe_new();
	if ((a & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW) {
		/* The thread waits for our answer while we read its memory;
		 * only a kill could end it meanwhile. */
		if (res->observed)
			record(res->observed, req);
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	} else {
		if (res->observed)
			refused(res->observed, req->data.nr);
		resp.error = (a & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO ? -(int)(a & SECCOMP_RET_DATA) : -EPERM;
	}
	/* ENOENT: the thread was killed meanwhile; nothing to answer. */
	ioctl(s->notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}
