/*
 * cache.c: the loaded programs kept pinned in a bpffs between runs, so a
 * run attaches them (a few syscalls) instead of loading them again (libbpf's
 * feature probes and a verifier pass per program, ~1-2 ms).
 *
 * Layout: DIR/HASH/{conf, sb_connect4, ...}, DIR and HASH mode 0700. DIR is
 * /sys/fs/bpf/sandbox for a root caller, or "sandbox" in the bpffs a
 * --bpf-token names (ebpf.c decides). HASH is of the object embedded in
 * this binary: another build never takes these programs, nor they its.
 *
 * Why reusing them is safe:
 *  - the programs and the map hold no run's rules: each run's rules and
 *    counters are the cgroup storage of that run's own cgroup, which only
 *    programs attached to that cgroup see, which the kernel frees when the
 *    run's last link goes (with the launcher's descriptors, however it
 *    dies), and which a later run's cgroup (a new id) starts without;
 *  - only the owner can change the pins: DIR and HASH must be owned by the
 *    caller and writable by nobody else, or they are not used (another
 *    user cannot plant programs for us, nor open our map: BPF_OBJ_GET
 *    checks the pin's permissions, BPF_MAP_GET_FD_BY_ID needs CAP_SYS_ADMIN);
 *  - a set is published whole (pinned into DIR/HASH-tmp-PID, then renamed;
 *    bpffs takes no "." in names), so a reader never takes half of one; a
 *    launcher killed while pinning leaves a -tmp-PID directory the next
 *    pinning run removes.
 */
#include "bpf/loader_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#define MAP_PIN "conf"

/* FNV-1a, 64 bits: a name for the embedded object, not a defence (the
 * directory's ownership is). */
static void set_dir(const char *dir, const void *obj, size_t len, char *out, size_t out_len)
{
	const unsigned char *p = obj;
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	snprintf(out, out_len, "%s/%016llx", dir, h);
}

/* Ours alone: a directory owned by this user that no one else may write. */
static bool trusted(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() && !(st.st_mode & 022);
}

int bpf_cache_get(const char *dir, const void *obj, size_t obj_len, struct sb_bpf_set *s)
{
	char set[PATH_MAX], path[PATH_MAX + 64];

	bpf_set_init(s);
	set_dir(dir, obj, obj_len, set, sizeof(set));
	if (!trusted(dir) || !trusted(set))
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/%s", set, MAP_PIN);
	s->map_fd = bpf_obj_get(path);
	for (int i = 0; i < SB_P_MAX; i++) {
		snprintf(path, sizeof(path), "%s/%s", set, sb_bpf_prog_names[i]);
		s->prog_fd[i] = bpf_obj_get(path);
	}
	/* Complete, but for the LSM program: it is pinned only where it
	 * could be loaded. */
	for (int i = 0; i < SB_P_MAX; i++)
		if (s->map_fd < 0 || (s->prog_fd[i] < 0 && i != SB_P_LSM_SOCKET)) {
			bpf_set_close(s);
			return -ENOENT;
		}
	return 0;
}

/* Remove a pinned set (its pins, then the directory). */
static void remove_set(const char *set)
{
	DIR *d = opendir(set);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
	rmdir(set);
}

/* DIR/HASH-tmp-PID of launchers that died while pinning. */
static void clean_tmp(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		const char *t = strstr(de->d_name, "-tmp-");
		char path[PATH_MAX + 256];
		long pid;

		if (!t || (pid = strtol(t + 5, NULL, 10)) <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		remove_set(path);
	}
	if (d)
		closedir(d);
}

static int pin_all(const char *tmp, const struct sb_bpf_set *s)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", tmp, MAP_PIN);
	if (bpf_obj_pin(s->map_fd, path) < 0)
		return -errno;
	for (int i = 0; i < SB_P_MAX; i++) {
		if (s->prog_fd[i] < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmp, sb_bpf_prog_names[i]);
		if (bpf_obj_pin(s->prog_fd[i], path) < 0)
			return -errno;
	}
	return 0;
}

void bpf_cache_put(const char *dir, const void *obj, size_t obj_len, const struct sb_bpf_set *s)
{
	char set[PATH_MAX], tmp[PATH_MAX + 32];

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return;
	if (!trusted(dir))
		return;
	clean_tmp(dir);
	set_dir(dir, obj, obj_len, set, sizeof(set));
	snprintf(tmp, sizeof(tmp), "%s-tmp-%d", set, (int)getpid());
	if (mkdir(tmp, 0700) < 0)
		return;
	if (pin_all(tmp, s) < 0) {
		remove_set(tmp);
		return;
	}
	/* An incomplete set there (a pin removed by hand) is replaced; a
	 * complete one another run published meanwhile wins. */
	if (trusted(set)) {
		struct sb_bpf_set other;

		if (bpf_cache_get(dir, obj, obj_len, &other) == 0) {
			bpf_set_close(&other);
			remove_set(tmp);
			return;
		}
		remove_set(set);
	}
	if (rename(tmp, set) < 0)
		remove_set(tmp);
}
