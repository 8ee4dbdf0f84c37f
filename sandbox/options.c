/*
 * options.c: the option/directive table and its small handlers. Pure code:
 * handlers parse one argument into struct sb_plan and never touch the
 * system (the "policy" handler hands over to policy.c, which reads files).
 * Later values of a scalar replace earlier ones; lists accumulate in order.
 */
#include "options.h"
#include "options_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_rules.h"
#include "policy.h"
#include "sysconsts.h"
#include "sysrules.h"
#include "util.h"

#define H(name) \
	static int name(struct sb_plan *p, const char *arg, const struct sb_loc *loc __attribute__((unused)), \
			struct sb_err *err)

int options_set_str(char **field, const char *arg, struct sb_err *err)
{
	char *d = strdup(arg);

	if (!d)
		return sb_fail(err, ENOMEM, "copy argument");
	free(*field);
	*field = d;
	return 0;
}

int options_set_path(char **field, const char *arg, struct sb_err *err)
{
	char *d;
	int r;

	r = path_normalize(arg, &d, err);
	if (r < 0)
		return r;
	free(*field);
	*field = d;
	return 0;
}

/* ---- policy ---- */

H(opt_policy)
{
	return policy_load(p, arg, loc, err);
}

/* ---- filesystem ---- */

/* dst_off: where dst starts inside the directive's argument, so an error in
 * it gets an exact column (err->col is relative to the string parsed). */
static int add_mount_at(struct sb_plan *p, enum sb_mount_kind kind, char *src, const char *dst,
			size_t dst_off, bool optional, const struct sb_loc *loc, struct sb_err *err)
{
	struct sb_mount m = { .kind = kind, .optional = optional, .loc = *loc };
	int r;

	err->col = -1;
	r = path_normalize(dst, &m.dst, err);
	if (r < 0) {
		err->col = (int)dst_off + (err->col > 0 ? err->col : 0);
		free(src);
		return r;
	}
	m.src = src;
	if (plan_add_mount(p, &m) < 0) {
		free(m.src);
		free(m.dst);
		return sb_fail(err, ENOMEM, "add mount");
	}
	return 0;
}

static int add_mount(struct sb_plan *p, enum sb_mount_kind kind, char *src, const char *dst,
		     bool optional, const struct sb_loc *loc, struct sb_err *err)
{
	return add_mount_at(p, kind, src, dst, 0, optional, loc, err);
}

/* One per-mount option word into *flags; false when it is not one of
 * allowed's (nosuid and nodev are always on, so they are accepted as is). */
static bool mount_word(const char *w, unsigned allowed, unsigned *flags)
{
	static const struct {
		const char *word;
		unsigned bit;
	} words[] = {
		{ "noexec", SB_MNT_NOEXEC }, { "dev", SB_MNT_DEV }, { "norec", SB_MNT_NOREC },
		{ "own", SB_MNT_OWN },	     { "nosuid", 0 },	    { "nodev", 0 },
		{ "partial", SB_MNT_PARTIAL },
	};

	for (size_t i = 0; i < ELEMENTSOF(words); i++)
		if (strcmp(w, words[i].word) == 0 && (words[i].bit & allowed) == words[i].bit) {
			if (words[i].bit == 0 && strcmp(w, "nodev") == 0)
				*flags &= ~SB_MNT_DEV;
			*flags |= words[i].bit;
			return true;
		}
	return false;
}

/* "noexec,norec": comma-separated words; off is opts' column in the
 * directive's argument, for the error. */
static int mount_flags(char *opts, size_t off, unsigned allowed, unsigned *flags, struct sb_err *err)
{
	char *save = NULL, *base = opts;

	for (char *w = strtok_r(opts, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (!mount_word(w, allowed, flags)) {
			err->col = (int)(off + (size_t)(w - base));
			return sb_failx(err, EINVAL, "unknown mount option '%s' (expected %s)", w,
					allowed & SB_MNT_OWN ? "noexec, dev, norec, own, nosuid or nodev"
					: allowed & SB_MNT_PARTIAL ? "noexec, partial, nosuid or nodev"
								   : "noexec, nosuid or nodev");
		}
	return 0;
}

/* SRC[:DST[:OPTS]] for binds and overlays; DST defaults to SRC, also when
 * empty before options (SRC::noexec). */
static int add_bind(struct sb_plan *p, enum sb_mount_kind kind, const char *arg, bool optional,
		    const struct sb_loc *loc, struct sb_err *err)
{
	_cleanup_free_ char *copy = strdup(arg);
	unsigned flags = 0;
	char *src, *dst, *opts = NULL;
	int r;

	if (!copy)
		return sb_fail(err, ENOMEM, "copy argument");
	dst = split_colon(copy);
	if (dst)
		opts = split_colon(dst);
	if (dst && !*dst && !opts) {
		err->col = (int)strlen(copy) + 1;
		return sb_failx(err, EINVAL, "empty destination after ':' (expected SRC[:DST[:OPTIONS]])");
	}
	if (opts) {
		r = mount_flags(opts, (size_t)(opts - copy),
				kind == SB_MOUNT_OVERLAY ? SB_MNT_NOEXEC | SB_MNT_PARTIAL
							 : SB_MNT_NOEXEC | SB_MNT_DEV | SB_MNT_NOREC | SB_MNT_OWN,
				&flags, err);
		if (r < 0)
			return r;
	}
	if (dst && !*dst)
		dst = NULL;
	r = path_normalize(copy, &src, err);
	if (r < 0)
		return r;
	r = add_mount_at(p, kind, src, dst ? dst : copy, dst ? (size_t)(dst - copy) : 0, optional, loc, err);
	if (r == 0)
		p->mounts[p->n_mounts - 1].flags = flags;
	return r;
}

H(opt_ro_bind)
{
	return add_bind(p, SB_MOUNT_RO_BIND, arg, false, loc, err);
}
H(opt_ro_bind_try)
{
	return add_bind(p, SB_MOUNT_RO_BIND, arg, true, loc, err);
}
H(opt_bind)
{
	return add_bind(p, SB_MOUNT_BIND, arg, false, loc, err);
}
H(opt_bind_try)
{
	return add_bind(p, SB_MOUNT_BIND, arg, true, loc, err);
}
/* The host's system files (/usr, /lib, ...): a ro-bind that a --rootfs
 * image replaces, so an image runs its own libraries, not the host's. */
static int add_system_bind(struct sb_plan *p, const char *arg, bool optional, const struct sb_loc *loc,
			   struct sb_err *err)
{
	int r = add_bind(p, SB_MOUNT_RO_BIND, arg, optional, loc, err);

	if (r == 0)
		p->mounts[p->n_mounts - 1].system = true;
	return r;
}
H(opt_system_ro_bind)
{
	return add_system_bind(p, arg, false, loc, err);
}
H(opt_system_ro_bind_try)
{
	return add_system_bind(p, arg, true, loc, err);
}
H(opt_overlay)
{
	return add_bind(p, SB_MOUNT_OVERLAY, arg, false, loc, err);
}

/* DST[:size=N,mode=OCTAL] */
H(opt_tmpfs)
{
	_cleanup_free_ char *copy = strdup(arg);
	char *opts, *tok, *save = NULL;
	uint64_t size = 0, mode = 0;
	unsigned flags = 0;
	int r;

	if (!copy)
		return sb_fail(err, ENOMEM, "copy argument");
	opts = split_colon(copy);
	for (tok = opts ? strtok_r(opts, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save)) {
		err->col = -1;
		if (strncmp(tok, "size=", 5) == 0) {
			r = parse_size_share(tok + 5, &size, err);
			if (r < 0) {
				err->col = (int)(tok + 5 - copy) + (err->col > 0 ? err->col : 0);
				return r;
			}
		} else if (strcmp(tok, "noexec") == 0) {
			flags |= SB_MNT_NOEXEC;
			r = 0;
		} else if (strncmp(tok, "mode=", 5) == 0) {
			char *end;

			mode = strtoul(tok + 5, &end, 8);
			r = (*end || end == tok + 5 || mode > 07777)
				    ? sb_failx(err, EINVAL, "tmpfs mode '%s' is not an octal mode such as 1777", tok + 5)
				    : 0;
		} else {
			r = sb_failx(err, EINVAL, "unknown tmpfs option '%s' (expected size=N, mode=OCTAL or noexec)", tok);
		}
		if (r < 0) {
			err->col = (int)(tok - copy);
			return r;
		}
	}
	r = add_mount(p, SB_MOUNT_TMPFS, NULL, copy, false, loc, err);
	if (r < 0)
		return r;
	p->mounts[p->n_mounts - 1].size = size;
	p->mounts[p->n_mounts - 1].mode = (unsigned)mode;
	p->mounts[p->n_mounts - 1].flags = flags;
	return 0;
}

H(opt_dir)
{
	return add_mount(p, SB_MOUNT_DIR, NULL, arg, false, loc, err);
}

/* TARGET:LINK; TARGET is kept verbatim (it may be relative). */
H(opt_symlink)
{
	_cleanup_free_ char *copy = strdup(arg);
	char *link, *target;

	if (!copy)
		return sb_fail(err, ENOMEM, "copy argument");
	link = split_colon(copy);
	if (!link || !*link || !*copy)
		return sb_failx(err, EINVAL, "expected TARGET:LINK, e.g. usr/lib:/lib");
	target = strdup(copy);
	if (!target)
		return sb_fail(err, ENOMEM, "copy argument");
	return add_mount_at(p, SB_MOUNT_SYMLINK, target, link, (size_t)(link - copy), false, loc, err);
}

H(opt_proc)
{
	return add_mount(p, SB_MOUNT_PROC, NULL, arg && *arg ? arg : "/proc", false, loc, err);
}

/* [DST][:shm-size=N]: N caps the dev's own /dev/shm tmpfs (N% of RAM too). */
H(opt_dev)
{
	_cleanup_free_ char *copy = strdup(arg && *arg ? arg : "/dev");
	char *opts;
	uint64_t size = 0;
	int r;

	if (!copy)
		return sb_fail(err, ENOMEM, "copy argument");
	opts = split_colon(copy);
	if (opts && strncmp(opts, "shm-size=", 9) != 0) {
		err->col = (int)(opts - copy);
		return sb_failx(err, EINVAL, "unknown dev option '%s' (expected shm-size=N)", opts);
	}
	if (opts && (r = parse_size_share(opts + 9, &size, err)) < 0) {
		err->col = (int)(opts + 9 - copy) + (err->col > 0 ? err->col : 0);
		return r;
	}
	r = add_mount(p, SB_MOUNT_DEV, NULL, *copy ? copy : "/dev", false, loc, err);
	if (r == 0)
		p->mounts[p->n_mounts - 1].size = size;
	return r;
}

H(opt_rootfs)
{
	p->loc_rootfs = *loc;
	return options_set_path(&p->rootfs, arg, err);
}

H(opt_chdir)
{
	return options_set_path(&p->chdir, arg, err);
}

H(opt_hostname)
{
	size_t n = strlen(arg);

	(void)loc;
	if (n == 0 || n > 64)
		return sb_failx(err, EINVAL, "hostname must be 1 to 64 characters");
	for (size_t i = 0; i < n; i++)
		if (!(arg[i] == '-' || arg[i] == '.' || (arg[i] >= '0' && arg[i] <= '9') ||
		      (arg[i] >= 'a' && arg[i] <= 'z') || (arg[i] >= 'A' && arg[i] <= 'Z'))) {
			err->col = (int)i;
			return sb_failx(err, EINVAL, "hostname '%s' may hold only letters, digits, '-' and '.'", arg);
		}
	return options_set_str(&p->hostname, arg, err);
}

/* ---- identity ---- */

static int parse_id(const char *arg, uint32_t *ret, struct sb_err *err)
{
	uint64_t v;
	int r = parse_u64(arg, &v, err);

	if (r < 0)
		return r;
	if (v >= 0xffffffffULL)
		return sb_failx(err, ERANGE, "id %s is out of range", arg);
	*ret = (uint32_t)v;
	return 0;
}

H(opt_uid)
{
	(void)loc;
	return parse_id(arg, &p->uid, err);
}
H(opt_gid)
{
	(void)loc;
	return parse_id(arg, &p->gid, err);
}
/* UID, or subuid[:N] (the N-th id of the caller's subordinate range). */
H(opt_map_to)
{
	int r;

	(void)loc;
	if (strcmp(arg, "subuid") == 0 || strncmp(arg, "subuid:", 7) == 0) {
		uint32_t n = 0;

		if (arg[6] == ':' && (r = parse_id(arg + 7, &n, err)) < 0) {
			err->col = 7;
			return r;
		}
		p->map_subids = true;
		p->map_to_set = false;
		p->subid_index = n;
		return 0;
	}
	p->map_subids = false;
	r = parse_id(arg, &p->map_to, err);
	if (r == 0 && p->map_to == 0)
		return sb_failx(err, EINVAL, "map-to 0 would map the sandbox's root to the real root; choose an unprivileged uid");
	if (r == 0)
		p->map_to_set = true;
	return r;
}

/* [monotonic=|boottime=][-]TIME: shift that clock (both without a name)
 * inside a time namespace of the run's own. */
H(opt_time_offset)
{
	const char *v = arg;
	bool mono = true, boot = true, neg;
	uint64_t us;
	int r;

	(void)loc;
	if (strncmp(v, "monotonic=", 10) == 0)
		boot = false, v += 10;
	else if (strncmp(v, "boottime=", 9) == 0)
		mono = false, v += 9;
	else if (strchr(v, '='))
		return sb_failx(err, EINVAL, "unknown clock in '%s' (expected monotonic=TIME, boottime=TIME or TIME)", arg);
	neg = *v == '-';
	err->col = -1;
	r = parse_time_us(v + neg, &us, err);
	if (r < 0) {
		err->col = (int)(v + neg - arg) + (err->col > 0 ? err->col : 0);
		return r;
	}
	if (us > INT64_MAX / 1000 / 2)
		return sb_failx(err, ERANGE, "time offset '%s' is too large", arg);
	p->time_ns.new_ns = true;
	if (mono)
		p->time_ns.monotonic_ns = (neg ? -1 : 1) * (int64_t)us * 1000;
	if (boot)
		p->time_ns.boottime_ns = (neg ? -1 : 1) * (int64_t)us * 1000;
	return 0;
}

/* ---- network ---- */

H(opt_net)
{
	static const char *const modes[SB_NET_MAX] = {
		[SB_NET_NONE] = "none", [SB_NET_HOST] = "host", [SB_NET_USER] = "user",
	};

	for (int i = 0; i < SB_NET_MAX; i++)
		if (strcmp(arg, modes[i]) == 0) {
			p->net = (enum sb_net)i;
			p->loc_net = *loc;
			return 0;
		}
	return sb_failx(err, EINVAL, "unknown network mode '%s' (expected none, host or user)", arg);
}

/* DEST: net_rules.c parses it (the one parser every enforcement path uses). */
H(opt_allow_net)
{
	struct sb_netrule r, *n;
	int rc = netrule_parse(arg, &r, err);

	if (rc < 0)
		return rc;
	n = realloc(p->netrules, (p->n_netrules + 1) * sizeof(*n));
	if (!n) {
		netrule_free(&r);
		return sb_fail(err, ENOMEM, "allow-net");
	}
	r.loc = *loc;
	p->netrules = n;
	p->netrules[p->n_netrules++] = r;
	return 0;
}

H(opt_publish)
{
	struct sb_publish pub, *n;
	int rc = publish_parse(arg, &pub, err);

	if (rc < 0)
		return rc;
	n = realloc(p->publish, (p->n_publish + 1) * sizeof(*n));
	if (!n) {
		publish_free(&pub);
		return sb_fail(err, ENOMEM, "publish");
	}
	pub.loc = *loc;
	p->publish = n;
	p->publish[p->n_publish++] = pub;
	return 0;
}

H(opt_landlock)
{
	static const char *const modes[SB_LANDLOCK_MAX] = {
		[SB_LANDLOCK_AUTO] = "auto", [SB_LANDLOCK_REQUIRED] = "required", [SB_LANDLOCK_OFF] = "off",
	};

	for (int i = 0; i < SB_LANDLOCK_MAX; i++)
		if (strcmp(arg, modes[i]) == 0) {
			p->landlock = (enum sb_landlock)i;
			return 0;
		}
	return sb_failx(err, EINVAL, "unknown landlock mode '%s' (expected auto, required or off)", arg);
}

/* ---- eBPF ---- */

H(opt_ebpf)
{
	static const char *const modes[SB_EBPF_MODE_MAX] = {
		[SB_EBPF_AUTO] = "auto", [SB_EBPF_REQUIRED] = "required",
		[SB_EBPF_BEST_EFFORT] = "best-effort", [SB_EBPF_OFF] = "off",
	};

	(void)loc;
	for (int i = 0; i < SB_EBPF_MODE_MAX; i++)
		if (strcmp(arg, modes[i]) == 0) {
			p->ebpf = (enum sb_ebpf_mode)i;
			return 0;
		}
	return sb_failx(err, EINVAL, "unknown ebpf mode '%s' (expected auto, required, best-effort or off)", arg);
}

H(opt_bpf_token)
{
	(void)loc;
	return options_set_path(&p->bpf_token, arg, err);
}

/* One family name: "unix", "inet6", "AF_NETLINK" (the AF_ constants of
 * sysconsts.c, which the syscall rules use too). */
static int family_of(const char *word, uint64_t *ret)
{
	char name[32] = "AF_";
	size_t off = strncmp(word, "AF_", 3) == 0 ? 0 : 3;

	if (strlen(word) + off >= sizeof(name))
		return -EINVAL;
	for (size_t i = 0; word[i]; i++)
		name[off + i] = (char)(word[i] >= 'a' && word[i] <= 'z' ? word[i] - 'a' + 'A' : word[i]);
	name[off + strlen(word)] = '\0';
	if (!sysconst_find(name, ret) || *ret == 0 || *ret >= 64)
		return -EINVAL;
	return 0;
}

/* "unix,inet inet6": the families the command may create sockets of;
 * "none" for no sockets at all. */
H(opt_socket_families)
{
	_cleanup_free_ char *copy = strdup(arg);
	char *tok, *save = NULL;
	uint64_t mask = 0, f;

	(void)loc;
	if (!copy)
		return sb_fail(err, ENOMEM, "copy argument");
	for (tok = strtok_r(copy, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		if (strcmp(tok, "none") == 0)
			continue;
		if (family_of(tok, &f) < 0) {
			err->col = (int)(tok - copy);
			return sb_failx(err, EINVAL, "unknown socket family '%s' (expected names such as unix, inet, "
						     "inet6, netlink, packet, or none)", tok);
		}
		mask |= 1ULL << f;
	}
	p->socket_families = mask;
	p->socket_families_set = true;
	return 0;
}

/* ---- process ---- */

H(opt_interactive)
{
	(void)arg, (void)loc, (void)err;
	p->interactive = true;
	return 0;
}

H(opt_keep_fd)
{
	uint64_t v;
	int *n, r;

	(void)loc;
	r = parse_u64(arg, &v, err);
	if (r < 0)
		return r;
	if (v < 3 || v > 65535)
		return sb_failx(err, EINVAL, "keep-fd %s: expected a descriptor number from 3 to 65535 (0-2 are always passed)", arg);
	n = realloc(p->keep_fds, (p->n_keep_fds + 1) * sizeof(int));
	if (!n)
		return sb_fail(err, ENOMEM, "keep-fd");
	p->keep_fds = n;
	p->keep_fds[p->n_keep_fds++] = (int)v;
	return 0;
}

H(opt_env)
{
	const char *eq = strchr(arg, '=');

	(void)loc;
	if (!eq || eq == arg)
		return sb_failx(err, EINVAL, "expected NAME=VALUE, got '%s'", arg);
	if (plan_strv_add(&p->env, &p->n_env, arg) < 0)
		return sb_fail(err, ENOMEM, "env");
	return 0;
}

H(opt_keep_env)
{
	(void)loc;
	if (!*arg || strchr(arg, '='))
		return sb_failx(err, EINVAL, "expected a variable NAME (without '='), got '%s'", arg);
	if (plan_strv_add(&p->keep_env, &p->n_keep_env, arg) < 0)
		return sb_fail(err, ENOMEM, "keep-env");
	return 0;
}

H(opt_unset_env)
{
	(void)loc;
	if (!*arg || strchr(arg, '='))
		return sb_failx(err, EINVAL, "expected a variable NAME (without '='), got '%s'", arg);
	if (plan_strv_add(&p->unset_env, &p->n_unset_env, arg) < 0)
		return sb_fail(err, ENOMEM, "unset-env");
	return 0;
}

/* ---- io and results ---- */

H(opt_stdin)
{
	p->loc_stdin = *loc;
	return options_set_str(&p->stdin_path, arg, err);
}
H(opt_stdout)
{
	p->loc_stdout = *loc;
	return options_set_str(&p->stdout_path, arg, err);
}
H(opt_stderr)
{
	p->loc_stderr = *loc;
	return options_set_str(&p->stderr_path, arg, err);
}
H(opt_stderr_to_stdout)
{
	(void)arg, (void)err;
	p->loc_stderr_to_stdout = *loc;
	p->stderr_to_stdout = true;
	return 0;
}
H(opt_stdio_inside)
{
	(void)arg, (void)loc, (void)err;
	p->stdio_inside = true;
	return 0;
}
H(opt_report)
{
	(void)loc;
	return options_set_str(&p->report_path, arg, err);
}
H(opt_meta)
{
	(void)loc;
	return options_set_str(&p->meta_path, arg, err);
}

/* ---- syscalls ---- */

H(opt_syscalls)
{
	return sysrules_parse(p, arg, loc, err);
}
H(opt_syscalls_log)
{
	(void)arg, (void)loc, (void)err;
	p->syscalls_log = true;
	return 0;
}
H(opt_seccomp_profile)
{
	(void)loc;
	if (plan_strv_add(&p->seccomp_profiles, &p->n_seccomp_profiles, arg) < 0)
		return sb_fail(err, ENOMEM, "seccomp-profile");
	return 0;
}

#define O(n, a, pth, mv, grp, fn, hlp) { .name = n, .arg = a, .path = pth, .metavar = mv, .group = grp, .help = hlp, .apply = fn }
/* L: a list option; every use adds one more entry, in order. */
#define L(n, a, pth, mv, grp, fn, hlp) { .name = n, .arg = a, .path = pth, .multi = true, .metavar = mv, .group = grp, .help = hlp, .apply = fn }

static const struct sb_option table[] = {
	L("policy", SB_ARG_ONE, true, "NAME|PATH", "policy", opt_policy, "load a policy (repeatable; later wins). Without any, 'default' is used"),

	L("ro-bind", SB_ARG_ONE, true, "SRC[:DST[:OPTS]]", "filesystem", opt_ro_bind, "bind SRC read-only (recursively) at DST; OPTS: noexec,dev,norec,own"),
	L("ro-bind-try", SB_ARG_ONE, true, "SRC[:DST[:OPTS]]", "filesystem", opt_ro_bind_try, "like ro-bind; skipped when SRC does not exist"),
	L("bind", SB_ARG_ONE, true, "SRC[:DST[:OPTS]]", "filesystem", opt_bind, "bind SRC read-write at DST; OPTS as for ro-bind"),
	L("bind-try", SB_ARG_ONE, true, "SRC[:DST[:OPTS]]", "filesystem", opt_bind_try, "like bind; skipped when SRC does not exist"),
	L("system-ro-bind", SB_ARG_ONE, true, "SRC[:DST]", "filesystem", opt_system_ro_bind, "ro-bind of the host's system files, left out when --rootfs brings its own"),
	L("system-ro-bind-try", SB_ARG_ONE, true, "SRC[:DST]", "filesystem", opt_system_ro_bind_try, "like system-ro-bind; skipped when SRC does not exist"),
	L("overlay", SB_ARG_ONE, true, "SRC[:DST[:noexec,partial]]", "filesystem", opt_overlay, "SRC at DST with a writable layer that is thrown away"),
	L("tmpfs", SB_ARG_ONE, true, "DST[:size=N,mode=M,noexec]", "filesystem", opt_tmpfs, "a fresh tmpfs at DST"),
	L("dir", SB_ARG_ONE, true, "DST", "filesystem", opt_dir, "an empty directory at DST"),
	L("symlink", SB_ARG_ONE, true, "TARGET:LINK", "filesystem", opt_symlink, "a symbolic link LINK -> TARGET"),
	L("proc", SB_ARG_OPTIONAL, true, "[DST]", "filesystem", opt_proc, "a fresh procfs at DST (default /proc)"),
	L("dev", SB_ARG_OPTIONAL, true, "[DST][:shm-size=N]", "filesystem", opt_dev, "a minimal /dev at DST: null zero full random urandom tty pts shm (shm capped at N)"),
	O("rootfs", SB_ARG_ONE, true, "DIR", "filesystem", opt_rootfs, "use DIR (read-only) as the root instead of an empty tmpfs"),
	O("chdir", SB_ARG_ONE, true, "DIR", "filesystem", opt_chdir, "working directory inside (default /)"),
	O("hostname", SB_ARG_ONE, false, "NAME", "filesystem", opt_hostname, "hostname inside (default sandbox)"),
	O("landlock", SB_ARG_ONE, false, "auto|required|off", "filesystem", opt_landlock, "Landlock rules behind the mounts (auto: when the kernel has it)"),

	O("uid", SB_ARG_ONE, false, "N", "identity", opt_uid, "uid inside the sandbox (default 0)"),
	O("gid", SB_ARG_ONE, false, "N", "identity", opt_gid, "gid inside the sandbox (default 0)"),
	O("map-to", SB_ARG_ONE, false, "UID|subuid[:N]", "identity", opt_map_to, "outside uid for root callers (default 65534); subuid: the N-th id of your /etc/subuid range (newuidmap)"),

	O("net", SB_ARG_ONE, false, "none|host|user", "network", opt_net,
	  "none: own namespace with loopback (default); host: share the caller's; user: own namespace reaching out through pasta"),
	L("allow-net", SB_ARG_ONE, false, "DEST", "network", opt_allow_net,
	  "with --net user, reach only these: HOST[:PORTS], ADDR[/PREFIX][:PORTS], [IPV6][:PORTS], host-loopback:PORTS; /udp for UDP"),
	L("publish", SB_ARG_ONE, false, "[ADDR:]HOSTPORT:PORT[/udp]", "network", opt_publish,
	  "with --net user, forward the host's ADDR:HOSTPORT (default 127.0.0.1) to PORT inside"),

	O("socket-families", SB_ARG_ONE, false, "LIST", "network", opt_socket_families, "the only socket families the command may create, e.g. unix,inet,inet6 (eBPF)"),
	O("ebpf", SB_ARG_ONE, false, "auto|required|best-effort|off", "network", opt_ebpf, "eBPF programs on the run's cgroup (auto: when permitted; best-effort: other walls stand in)"),
	O("bpf-token", SB_ARG_ONE, true, "PATH", "network", opt_bpf_token, "take a BPF token from the delegated bpffs at PATH (kernel 6.9+)"),

	O("interactive", SB_ARG_NONE, false, NULL, "process", opt_interactive, "a terminal of its own: a pty inside (tty names /dev/pts/0), relayed to yours"),
	L("keep-fd", SB_ARG_ONE, false, "N", "process", opt_keep_fd, "pass descriptor N to the command (repeatable)"),
	L("env", SB_ARG_ONE, false, "NAME=VALUE", "process", opt_env, "set a variable (the environment starts empty but for PATH)"),
	L("keep-env", SB_ARG_ONE, false, "NAME", "process", opt_keep_env, "copy NAME from the caller's environment"),
	L("time-offset", SB_ARG_ONE, false, "[CLOCK=][-]TIME", "process", opt_time_offset, "own time namespace: shift CLOCK (monotonic, boottime; both if omitted), e.g. boottime=24h"),
	L("unset-env", SB_ARG_ONE, false, "NAME", "process", opt_unset_env, "remove NAME from the environment (the default PATH too)"),

	O("memory", SB_ARG_ONE, false, "SIZE|N%|unlimited", "limits", opt_memory, "memory of the whole tree (swap included); N% of this machine's RAM"),
	O("pids", SB_ARG_ONE, false, "N|unlimited", "limits", opt_pids, "number of processes and threads"),
	O("processes", SB_ARG_ONE, false, "N|unlimited", "limits", opt_pids, "alias of pids"),
	O("cpu-time", SB_ARG_ONE, false, "TIME|unlimited", "limits", opt_cpu_time, "CPU time of the whole tree, e.g. 1.5s"),
	O("wall-time", SB_ARG_ONE, false, "TIME|unlimited", "limits", opt_wall_time, "wall-clock time from exec, e.g. 10s"),
	O("cpus", SB_ARG_ONE, false, "F|unlimited", "limits", opt_cpus, "CPU bandwidth in CPUs, e.g. 0.5"),
	O("cpuset", SB_ARG_ONE, false, "LIST|any", "limits", opt_cpuset, "pin the run to these CPUs, e.g. 0 or 0-1"),
	O("output-limit", SB_ARG_ONE, false, "SIZE|unlimited", "limits", opt_output_limit, "bytes written to any one file, stdout/stderr included"),
	O("open-files", SB_ARG_ONE, false, "N|unlimited", "limits", opt_open_files, "open file descriptors"),
	O("stack", SB_ARG_ONE, false, "SIZE|unlimited|inherit", "limits", opt_stack, "stack size"),
	O("extra-time", SB_ARG_ONE, false, "TIME", "limits", opt_extra_time, "let a command over --cpu-time run this much longer before it is killed (still TO)"),
	O("address-space", SB_ARG_ONE, false, "SIZE|unlimited", "limits", opt_address_space, "address space of each process (RLIMIT_AS)"),
	O("limits", SB_ARG_ONE, false, "strict|best-effort", "limits", opt_limits, "best-effort: use rlimits where no cgroup can be had"),
	O("cgroup", SB_ARG_ONE, false, "auto|required|off", "limits", opt_cgroup, "whether the run gets a cgroup of its own (auto: when useful and at hand)"),
	O("cgroup-parent", SB_ARG_ONE, true, "PATH", "limits", opt_cgroup_parent, "delegated cgroup to create runs under"),

	O("stdin", SB_ARG_ONE, true, "FILE", "io", opt_stdin, "stdin from FILE (opened outside, with the caller's rights)"),
	O("stdout", SB_ARG_ONE, true, "FILE", "io", opt_stdout, "stdout to FILE"),
	O("stderr", SB_ARG_ONE, true, "FILE", "io", opt_stderr, "stderr to FILE"),
	O("stderr-to-stdout", SB_ARG_NONE, false, NULL, "io", opt_stderr_to_stdout, "send stderr where stdout goes"),
	O("stdio-inside", SB_ARG_NONE, false, NULL, "io", opt_stdio_inside, "open --stdin/--stdout/--stderr inside the sandbox, as the command, no symlink out"),
	O("report", SB_ARG_ONE, true, "FILE", "results", opt_report, "write the JSON report to FILE ('-' for stderr)"),
	O("meta", SB_ARG_ONE, true, "FILE", "results", opt_meta, "write an isolate-compatible meta file"),

	L("syscalls", SB_ARG_ONE, false, "RULE", "syscalls", opt_syscalls, "'default ACTION' or 'ACTION NAME|@SET... [if argN OP VALUE]'"),
	O("syscalls-log", SB_ARG_NONE, false, NULL, "syscalls", opt_syscalls_log, "report denied syscalls instead of enforcing (to learn what a tool needs)"),
	L("seccomp-profile", SB_ARG_ONE, true, "FILE", "syscalls", opt_seccomp_profile, "import a Docker/OCI seccomp JSON profile"),
};

const struct sb_option *options_table(size_t *n)
{
	*n = ELEMENTSOF(table);
	return table;
}

const struct sb_option *options_find(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(table); i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

const char *options_nearest(const char *name)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;

	for (size_t i = 0; i < ELEMENTSOF(table); i++) {
		size_t d = edit_distance(name, table[i].name);

		if (d < best_d) {
			best_d = d;
			best = table[i].name;
		}
	}
	/* Only suggest when the typo is small relative to the word. */
	return best_d <= 2 || (best_d <= 3 && strlen(name) > 6) ? best : NULL;
}

int options_apply(struct sb_plan *p, const struct sb_option *o, const char *arg,
		  const struct sb_loc *loc, struct sb_err *err)
{
	if (o->arg == SB_ARG_ONE && (!arg || !*arg))
		return sb_failx(err, EINVAL, "'%s' needs an argument (%s)", o->name, o->metavar);
	if (o->arg == SB_ARG_NONE && arg && *arg)
		return sb_failx(err, EINVAL, "'%s' takes no argument", o->name);
	return o->apply(p, arg, loc, err);
}
