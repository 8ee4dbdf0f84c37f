/*
 * oci_state.c: each container's state under --root, as runc keeps it:
 * ROOT/ID/state.json (our own record: init's pid and start time, the
 * bundle, the cgroup we made, the annotations) and ROOT/ID/exec.fifo
 * while the container is created and not yet started. The state outlives
 * the runtime process; commands that change it hold an flock on ROOT/ID.
 *
 * Status, as the runtime spec defines it, is read from the system each
 * time: init gone (or a zombie, or its pid reused: the start time differs)
 * is "stopped"; the FIFO still there is "created"; else "running". Runs in
 * the sandbox-oci process, as the engine's user.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "oci.h"
#include "util.h"

bool oci_id_valid(const char *id)
{
	if (!*id || strlen(id) > 200 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return false;
	for (const char *c = id; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' ||
		      *c == '+' || *c == '-' || *c == '.'))
			return false;
	return true;
}

static int mkdir_p(const char *path, struct sb_err *err)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *c = buf + 1;; c++) {
		char save = *c;

		if (save != '/' && save != '\0')
			continue;
		*c = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return sb_fail(err, errno, "--root %s: create %s", path, buf);
		*c = save;
		if (!save)
			return 0;
	}
}

static int lock_dir(struct oci_state *s, struct sb_err *err)
{
	s->lock_fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->lock_fd < 0)
		return sb_fail(err, errno, "open %s", s->dir);
	if (flock(s->lock_fd, LOCK_EX) < 0)
		return sb_fail(err, errno, "lock %s", s->dir);
	return 0;
}

int oci_state_new(const struct oci_opts *o, const char *id, struct oci_state *s, struct sb_err *err)
{
	int r;

	memset(s, 0, sizeof(*s));
	s->lock_fd = -1;
	if (!oci_id_valid(id))
		return sb_failx(err, EINVAL, "invalid container id '%s' (letters, digits, '_', '+', '-', '.')", id);
	snprintf(s->id, sizeof(s->id), "%s", id);
	r = mkdir_p(o->root, err);
	if (r < 0)
		return r;
	snprintf(s->dir, sizeof(s->dir), "%s/%s", o->root, id);
	if (mkdir(s->dir, 0700) < 0) {
		r = errno;
		s->dir[0] = '\0'; /* not ours to remove */
		if (r == EEXIST)
			return sb_failx(err, EEXIST, "container with id exists: %s", id);
		return sb_fail(err, r, "--root %s: create the container's state", o->root);
	}
	return lock_dir(s, err);
}

static char *dup_str(json_t *v)
{
	return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

int oci_state_load(const struct oci_opts *o, const char *id, bool lock, struct oci_state *s, struct sb_err *err)
{
	char path[4200];
	json_error_t je;
	json_t *j;

	memset(s, 0, sizeof(*s));
	s->lock_fd = -1;
	if (!oci_id_valid(id))
		return sb_failx(err, ENOENT, "container \"%s\" does not exist", id);
	snprintf(s->id, sizeof(s->id), "%s", id);
	snprintf(s->dir, sizeof(s->dir), "%s/%s", o->root, id);
	if (lock && lock_dir(s, err) < 0) {
		if (err->errnum == ENOENT)
			sb_failx(err, ENOENT, "container \"%s\" does not exist", id);
		s->dir[0] = '\0';
		return -err->errnum;
	}
	snprintf(path, sizeof(path), "%s/state.json", s->dir);
	j = json_load_file(path, 0, &je);
	if (!j) {
		s->dir[0] = '\0';
		return sb_failx(err, ENOENT, "container \"%s\" does not exist", id);
	}
	s->pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
	s->start_time = (unsigned long long)json_integer_value(json_object_get(j, "init_start"));
	s->bundle = dup_str(json_object_get(j, "bundle"));
	s->rootfs = dup_str(json_object_get(j, "rootfs"));
	s->created = dup_str(json_object_get(j, "created"));
	s->cgroup = dup_str(json_object_get(j, "cgroup"));
	s->annotations = json_incref(json_object_get(j, "annotations"));
	json_decref(j);
	s->status = oci_state_status(s);
	return 0;
}

int oci_state_save(const struct oci_state *s, struct sb_err *err)
{
	char path[4200], tmp[4300];
	json_t *j = json_pack("{s:s, s:s, s:i, s:I, s:s, s:s, s:s, s:O?, s:s?}", "ociVersion", "1.0.2", "id", s->id,
			      "pid", (int)s->pid, "init_start", (json_int_t)s->start_time, "bundle", s->bundle ? s->bundle : "",
			      "rootfs", s->rootfs ? s->rootfs : "", "created", s->created ? s->created : "",
			      "annotations", s->annotations, "cgroup", s->cgroup);
	int r = 0;

	if (!j)
		return sb_fail(err, ENOMEM, "state");
	snprintf(path, sizeof(path), "%s/state.json", s->dir);
	snprintf(tmp, sizeof(tmp), "%s/.state.json.tmp", s->dir);
	if (json_dump_file(j, tmp, JSON_COMPACT) < 0 || rename(tmp, path) < 0)
		r = sb_fail(err, errno, "write %s", path);
	json_decref(j);
	return r;
}

static void remove_tree(int dfd)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

void oci_state_remove(struct oci_state *s)
{
	int fd;

	if (!s->dir[0])
		return;
	fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		remove_tree(fd);
	rmdir(s->dir);
	s->dir[0] = '\0';
}

void oci_state_free(struct oci_state *s)
{
	free(s->bundle);
	free(s->rootfs);
	free(s->created);
	free(s->cgroup);
	json_decref(s->annotations);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	memset(s, 0, sizeof(*s));
	s->lock_fd = -1;
}

unsigned long long oci_start_time(pid_t pid)
{
	char path[64], buf[1024], *c;
	unsigned long long start = 0;
	char state;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* "pid (comm) S ppid ... starttime(22)": comm may hold anything. */
	c = strrchr(buf, ')');
	if (!c || sscanf(c + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
			 &state, &start) != 2)
		return 0;
	return state == 'Z' || state == 'X' ? 0 : start;
}

enum oci_status oci_state_status(const struct oci_state *s)
{
	char fifo[4200];

	if (s->pid <= 0 || oci_start_time(s->pid) != s->start_time || s->start_time == 0)
		return OCI_STOPPED;
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", s->dir);
	return access(fifo, F_OK) == 0 ? OCI_CREATED : OCI_RUNNING;
}

const char *oci_status_name(enum oci_status st)
{
	static const char *const names[OCI_STATUS_MAX] = { "created", "running", "stopped" };

	return (unsigned)st < OCI_STATUS_MAX ? names[st] : "unknown";
}

char *oci_state_json(const struct oci_state *s)
{
	json_t *ann = json_is_object(s->annotations) ? json_incref(s->annotations) : json_object();
	json_t *j = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:o}", "ociVersion", "1.0.2", "id", s->id, "pid",
			      s->status == OCI_STOPPED ? 0 : (int)s->pid, "status", oci_status_name(s->status), "bundle",
			      s->bundle ? s->bundle : "", "rootfs", s->rootfs ? s->rootfs : "", "created",
			      s->created ? s->created : "", "owner", "", "annotations", ann);
	char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;

	json_decref(j);
	return text;
}

int oci_write_pid_file(const char *path, pid_t pid, struct sb_err *err)
{
	char tmp[4200], v[16];
	int fd, n = snprintf(v, sizeof(v), "%d", (int)pid);

	snprintf(tmp, sizeof(tmp), "%s.sandbox-oci-tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return sb_fail(err, errno, "--pid-file %s", path);
	if (write(fd, v, (size_t)n) != n || close(fd) < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return sb_fail(err, errno, "--pid-file %s", path);
	}
	return 0;
}

/* Processes in init's pid namespace, init included (a kept pid namespace:
 * init alone). */
int oci_state_pids(const struct oci_state *s, pid_t **ret, size_t *n)
{
	char path[64];
	struct stat want, st;
	struct dirent *de;
	pid_t *v = NULL;
	DIR *d;

	*ret = NULL;
	*n = 0;
	if (s->status == OCI_STOPPED)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)s->pid);
	if (stat(path, &want) < 0 || stat("/proc/self/ns/pid", &st) < 0)
		return -errno;
	if (want.st_ino == st.st_ino) {
		if (!(v = malloc(sizeof(*v))))
			return -ENOMEM;
		v[0] = s->pid;
		*ret = v;
		*n = 1;
		return 0;
	}
	d = opendir("/proc");
	while (d && (de = readdir(d))) {
		pid_t pid = (pid_t)atoi(de->d_name);
		pid_t *nv;

		snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
		if (pid <= 0 || stat(path, &st) < 0 || st.st_ino != want.st_ino || st.st_dev != want.st_dev)
			continue;
		nv = realloc(v, (*n + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		v[(*n)++] = pid;
	}
	if (d)
		closedir(d);
	*ret = v;
	return 0;
}
