/*
 * landlock.c: the Landlock layer, a second wall behind the mounts. Run by
 * the payload after no_new_privs and before seccomp, in the new root.
 *
 * Rules follow the mount plan: read and execute anywhere in the new root;
 * write, create, remove, truncate and device ioctls only beneath the
 * writable mounts (rw binds, tmpfs, overlays, /dev, and writes in /proc).
 * On ABI 6+ the payload is also scoped: it cannot connect to abstract unix
 * sockets or signal processes outside its own domain, which closes the
 * host's abstract sockets (X11's and the like) even with --net host.
 * On ABI 4+ with a --net user allow-list, TCP connects go only to the
 * allowed ports (net_landlock_ports), a second wall behind nftables.
 * Probes the ABI version and walks down from new to old rights, as the
 * kernel's samples/landlock/sandboxer.c does. "landlock auto" (the default)
 * skips a kernel without Landlock; "landlock required" fails closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layers.h"
#include "syscalls.h"
#include "util.h"

#define READ_RIGHTS (SB_LL_FS_EXECUTE | SB_LL_FS_READ_FILE | SB_LL_FS_READ_DIR)
#define FILE_RIGHTS \
	(SB_LL_FS_EXECUTE | SB_LL_FS_WRITE_FILE | SB_LL_FS_READ_FILE | SB_LL_FS_TRUNCATE | SB_LL_FS_IOCTL_DEV)

/* Rights this kernel knows, newest first, falling through to the oldest. */
static uint64_t handled_fs(int abi)
{
	uint64_t fs = SB_LL_FS_ALL_V1;

	switch (abi >= 5 ? 5 : abi) {
	case 5:
		fs |= SB_LL_FS_IOCTL_DEV;
		/* fall through */
	case 4:
	case 3:
		fs |= SB_LL_FS_TRUNCATE;
		/* fall through */
	case 2:
		fs |= SB_LL_FS_REFER;
		/* fall through */
	default:
		break;
	}
	return fs;
}

static int add_rule(int ruleset, const char *path, uint64_t rights, bool optional, struct sb_err *err)
{
	struct sb_landlock_path_beneath_attr attr = { .allowed_access = rights };
	_cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		if (optional && (errno == ENOENT || errno == ENOTDIR))
			return 0;
		return sb_fail(err, errno, "Landlock: open '%s'", path);
	}
	/* Rights about directory entries are refused on a file: keep the
	 * file rights only (a --bind of a single file). */
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		attr.allowed_access &= FILE_RIGHTS;
	attr.parent_fd = fd;
	if (sys_landlock_add_rule(ruleset, SB_LANDLOCK_RULE_PATH_BENEATH, &attr, 0) < 0)
		return sb_fail(err, errno, "Landlock: rule for '%s'", path);
	return 0;
}

/* The writable places of the plan get every handled right. */
static int add_mount_rules(const struct sb_plan *p, int ruleset, uint64_t all, struct sb_err *err)
{
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct sb_mount *m = &p->mounts[i];
		uint64_t rights = 0;
		int r;

		if (plan_mount_skipped(p, m))
			continue;
		/* A mount asked read-only (an OCI "ro" option) gets no rule. */
		if (m->ms_flags & MS_RDONLY)
			continue;
		switch (m->kind) {
		case SB_MOUNT_BIND:
		case SB_MOUNT_TMPFS:
		case SB_MOUNT_OVERLAY:
		case SB_MOUNT_DEV:
		case SB_MOUNT_FS:
			rights = all;
			break;
		case SB_MOUNT_PROC:
			rights = READ_RIGHTS | SB_LL_FS_WRITE_FILE;
			break;
		case SB_MOUNT_RO_BIND:
		case SB_MOUNT_DIR:
		case SB_MOUNT_SYMLINK:
		case SB_MOUNT_KIND_MAX:
			continue;
		}
		r = add_rule(ruleset, m->dst, rights & all, m->optional, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int landlock_probe(struct sb_err *err)
{
	int abi = sys_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION), r;

	if (abi >= 0)
		return abi;
	if (errno == EOPNOTSUPP) {
		r = sb_failx(err, EOPNOTSUPP, "Landlock is built in but disabled at boot");
		sb_hint(err, "add 'landlock' to the kernel's lsm= boot parameter (e.g. lsm=landlock,lockdown,yama,"
			     "integrity,apparmor) and reboot");
		return r;
	}
	r = sb_fail(err, errno, "this kernel has no Landlock");
	sb_hint(err, "it needs Linux 5.13 with CONFIG_SECURITY_LANDLOCK and 'landlock' in the lsm= boot list");
	return r;
}

int landlock_child(const struct sb_plan *p, struct sb_err *err)
{
	struct sb_landlock_ruleset_attr attr = { 0 };
	_cleanup_close_ int ruleset = -1;
	static uint16_t ports[4096];
	long n_ports;
	int abi, r;

	if (p->landlock == SB_LANDLOCK_OFF)
		return 0;
	abi = landlock_probe(err);
	if (abi < 0) {
		if (p->landlock != SB_LANDLOCK_REQUIRED) {
			*err = (struct sb_err)SB_ERR_INIT;
			return 0;
		}
		sb_wrap(err, "Landlock is required by the policy but unavailable");
		sb_hint(err, "or say 'landlock auto' to run without it");
		return abi;
	}
	attr.handled_access_fs = handled_fs(abi);
	/* A second wall behind the nftables rules of --net user: TCP connects
	 * only to the allowed ports (Landlock cannot tell addresses apart, so
	 * this holds on the sandbox's own loopback too). */
	n_ports = abi >= 4 ? net_landlock_ports(ports, ELEMENTSOF(ports)) : -1;
	if (n_ports >= 0)
		attr.handled_access_net = SB_LL_NET_CONNECT_TCP;
	if (abi >= 6 && !p->landlock_unscoped)
		attr.scoped = SB_LL_SCOPE_ABSTRACT_UNIX_SOCKET | SB_LL_SCOPE_SIGNAL;
	ruleset = sys_landlock_create_ruleset(&attr, sizeof(attr), 0);
	if (ruleset < 0)
		return sb_fail(err, errno, "Landlock: create ruleset (ABI %d)", abi);
	/* A writable root (an OCI root with readonly false) is writable all
	 * over; the rules then only hold what the mounts hold. */
	r = add_rule(ruleset, "/", p->rootfs_writable ? attr.handled_access_fs : READ_RIGHTS, false, err);
	if (r < 0)
		return r;
	r = add_mount_rules(p, ruleset, attr.handled_access_fs, err);
	if (r < 0)
		return r;
	for (long i = 0; i < n_ports; i++) {
		struct sb_landlock_net_port_attr np = { .allowed_access = SB_LL_NET_CONNECT_TCP, .port = ports[i] };

		if (sys_landlock_add_rule(ruleset, SB_LANDLOCK_RULE_NET_PORT, &np, 0) < 0)
			return sb_fail(err, errno, "Landlock: rule for TCP port %u", ports[i]);
	}
	if (sys_landlock_restrict_self(ruleset, 0) < 0)
		return sb_fail(err, errno, "Landlock: restrict self");
	return 0;
}
