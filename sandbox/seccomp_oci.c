/*
 * seccomp_oci.c: import a Docker/OCI seccomp profile (JSON, as in moby's
 * profiles/seccomp/default.json or an OCI runtime spec's linux.seccomp)
 * into the filter table. Launcher side, before clone; reads one file.
 *
 * Supported: defaultAction, defaultErrnoRet, architectures (validated; the
 * extra ABIs they list are NOT admitted: the always-on hardening kills
 * them unless the policy says "syscalls arch"), syscalls[] with names (or
 * the old "name"), action, errnoRet, args (index, value, valueTwo, op incl.
 * SCMP_CMP_MASKED_EQ), includes/excludes by arch and caps (the payload
 * holds no capabilities, so rules that need one are skipped). Unknown
 * syscall names are skipped as runc does: profiles name syscalls of newer
 * kernels. The always-on hardening still applies on top.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "seccomp_int.h"
#include "util.h"

static int parse_action(const char *s, json_int_t errno_ret, enum sb_sys_action *a, int *e)
{
	static const struct {
		const char *name;
		enum sb_sys_action a;
	} map[] = {
		{ "SCMP_ACT_ALLOW", SB_SYS_ALLOW },	   { "SCMP_ACT_ERRNO", SB_SYS_ERRNO },
		{ "SCMP_ACT_KILL", SB_SYS_KILL },	   { "SCMP_ACT_KILL_THREAD", SB_SYS_KILL },
		{ "SCMP_ACT_KILL_PROCESS", SB_SYS_KILL }, { "SCMP_ACT_TRAP", SB_SYS_TRAP },
		{ "SCMP_ACT_LOG", SB_SYS_LOG },	   { "SCMP_ACT_TRACE", SB_SYS_ERRNO },
	};

	for (size_t i = 0; i < ELEMENTSOF(map); i++)
		if (strcmp(s, map[i].name) == 0) {
			*a = map[i].a;
			/* No tracer is ever attached: the kernel answers ENOSYS. */
			*e = strcmp(s, "SCMP_ACT_TRACE") == 0 ? ENOSYS : (int)errno_ret;
			return 0;
		}
	return -EINVAL;
}

static int parse_op(const char *s, enum sb_sys_op *op)
{
	static const char *const ops[] = {
		[SB_OP_EQ] = "SCMP_CMP_EQ", [SB_OP_NE] = "SCMP_CMP_NE", [SB_OP_LT] = "SCMP_CMP_LT",
		[SB_OP_LE] = "SCMP_CMP_LE", [SB_OP_GT] = "SCMP_CMP_GT", [SB_OP_GE] = "SCMP_CMP_GE",
		[SB_OP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
	};

	for (int i = 0; i < SB_OP_MAX; i++)
		if (strcmp(s, ops[i]) == 0) {
			*op = (enum sb_sys_op)i;
			return 0;
		}
	return -EINVAL;
}

/* Does a "includes"/"excludes" object match this sandbox (x86_64, no
 * capabilities)? "includes" needs every listed condition met. */
static bool filter_matches(json_t *f, bool includes)
{
	json_t *arches = json_object_get(f, "arches"), *caps = json_object_get(f, "caps");
	size_t i;
	json_t *v;

	if (!json_is_object(f))
		return includes;
	if (json_array_size(arches)) {
		bool hit = false;

		json_array_foreach(arches, i, v)
			hit |= json_is_string(v) && (strcmp(json_string_value(v), "amd64") == 0 ||
						     strcmp(json_string_value(v), "x86_64") == 0);
		if (includes ? !hit : hit)
			return !includes;
	}
	if (json_array_size(caps))
		return !includes; /* we hold none */
	return includes;
}

static int parse_args(json_t *args, struct sb_sysrule *r, char *what, size_t len)
{
	size_t i;
	json_t *a;

	if (args && !json_is_array(args) && !json_is_null(args))
		return snprintf(what, len, "'args' must be an array"), -EINVAL;
	json_array_foreach(args, i, a) {
		struct sb_sys_cond *c = &r->conds[r->n_conds];
		json_t *idx = json_object_get(a, "index"), *val = json_object_get(a, "value");
		json_t *two = json_object_get(a, "valueTwo"), *op = json_object_get(a, "op");

		if (r->n_conds == ELEMENTSOF(r->conds))
			return snprintf(what, len, "more than 6 args"), -EINVAL;
		if (!json_is_integer(idx) || json_integer_value(idx) < 0 || json_integer_value(idx) > 5)
			return snprintf(what, len, "args[%zu].index must be 0..5", i), -EINVAL;
		if (!json_is_integer(val) || (two && !json_is_integer(two)))
			return snprintf(what, len, "args[%zu].value/valueTwo must be integers", i), -EINVAL;
		if (!json_is_string(op) || parse_op(json_string_value(op), &c->op) < 0)
			return snprintf(what, len, "args[%zu].op must be one of SCMP_CMP_EQ, _NE, _LT, _LE, _GT, _GE, _MASKED_EQ", i), -EINVAL;
		c->arg = (unsigned)json_integer_value(idx);
		c->value = (uint64_t)json_integer_value(val);
		if (c->op == SB_OP_MASKED_EQ) {
			/* OCI: value is the mask, valueTwo the expected result. */
			c->mask = c->value;
			c->value = two ? (uint64_t)json_integer_value(two) : 0;
		}
		r->n_conds++;
	}
	return 0;
}

/* Known syscall names of one entry, into r->names (unknown ones skipped). */
static int entry_names(json_t *e, struct sb_sysrule *r, size_t *n, char *what, size_t len)
{
	json_t *names = json_object_get(e, "names"), *name = json_object_get(e, "name");
	size_t i;
	json_t *v;

	if (json_is_string(name) && seccomp_syscall_resolve_name(json_string_value(name)) != __NR_SCMP_ERROR &&
	    plan_strv_add(&r->names, n, json_string_value(name)) < 0)
		return -ENOMEM;
	if (names && !json_is_array(names))
		return snprintf(what, len, "'names' must be an array of strings"), -EINVAL;
	json_array_foreach(names, i, v) {
		if (!json_is_string(v))
			return snprintf(what, len, "'names' must be an array of strings"), -EINVAL;
		if (seccomp_syscall_resolve_name(json_string_value(v)) == __NR_SCMP_ERROR)
			continue;
		if (plan_strv_add(&r->names, n, json_string_value(v)) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int import_entry(struct sc_table *t, json_t *e, json_int_t dflt_errno, char *what, size_t len,
			struct sb_err *err)
{
	struct sb_sysrule r = { 0 };
	json_t *act = json_object_get(e, "action"), *eret = json_object_get(e, "errnoRet");
	size_t n = 0;
	int rc;

	if (!json_is_object(e))
		return snprintf(what, len, "each entry must be an object"), -EINVAL;
	if (!filter_matches(json_object_get(e, "includes"), true) ||
	    (json_object_get(e, "excludes") && filter_matches(json_object_get(e, "excludes"), false) == false))
		return 0;
	if (!json_is_string(act) ||
	    parse_action(json_string_value(act), json_is_integer(eret) ? json_integer_value(eret) : dflt_errno,
			 &r.action, &r.errnum) < 0)
		return snprintf(what, len, "unsupported or missing 'action'%s%s", json_is_string(act) ? " " : "",
				json_is_string(act) ? json_string_value(act) : ""), -EINVAL;
	rc = parse_args(json_object_get(e, "args"), &r, what, len);
	if (rc == 0)
		rc = entry_names(e, &r, &n, what, len);
	if (rc == 0 && n > 0)
		rc = sc_table_apply(t, &r, err) < 0 ? -EIO : 0;
	for (size_t i = 0; i < n; i++)
		free(r.names[i]);
	free(r.names);
	return rc;
}

static int check_arches(json_t *arches, char *what, size_t len)
{
	size_t i;
	json_t *v;

	json_array_foreach(arches, i, v)
		if (!json_is_string(v) || strncmp(json_string_value(v), "SCMP_ARCH_", 10) != 0)
			return snprintf(what, len, "architectures[%zu] is not a SCMP_ARCH_* name", i), -EINVAL;
	return 0;
}

/* The profile's text, at most SB_PROFILE_SIZE_MAX bytes: moby's default
 * profile is 20 KiB; /dev/zero or a log file named by mistake must stop
 * with a message, not fill the memory. */
static json_t *load_bounded(const char *path, json_error_t *je, struct sb_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	ssize_t n;

	if (fd < 0) {
		sb_fail(err, errno, "seccomp-profile %s", path);
		return NULL;
	}
	buf = malloc(SB_PROFILE_SIZE_MAX + 1);
	if (!buf) {
		sb_fail(err, ENOMEM, "seccomp-profile %s", path);
		return NULL;
	}
	while (len <= SB_PROFILE_SIZE_MAX && (n = read(fd, buf + len, SB_PROFILE_SIZE_MAX + 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sb_fail(err, errno, "seccomp-profile %s: read", path);
			return NULL;
		}
		len += (size_t)n;
	}
	if (len > SB_PROFILE_SIZE_MAX) {
		sb_failx(err, EFBIG, "seccomp-profile %s: larger than %d MiB (expected a Docker/OCI seccomp JSON profile)",
			 path, SB_PROFILE_SIZE_MAX >> 20);
		return NULL;
	}
	/* JSON text holds no NUL byte; jansson would stop there with a
	 * message about what it expected instead. */
	if (memchr(buf, '\0', len)) {
		const char *nul = memchr(buf, '\0', len), *line = buf;
		unsigned lineno = 1;

		for (const char *c = buf; c < nul; c++)
			if (*c == '\n') {
				lineno++;
				line = c + 1;
			}
		sb_failx(err, EINVAL, "seccomp-profile %s:%u:%zu: a NUL byte (expected JSON text)", path, lineno,
			 (size_t)(nul - line) + 1);
		return NULL;
	}
	return json_loadb(buf, len, 0, je);
}

int seccomp_oci_import(struct sc_table *t, const char *path, bool *dflt_set, struct sb_err *err)
{
	json_error_t je;
	json_t *root = load_bounded(path, &je, err), *sys, *e;
	json_int_t dflt_errno = EPERM;
	char what[256] = "";
	enum sb_sys_action a;
	size_t i;
	int rc = 0, en;

	if (!root && err->msg[0])
		return -err->errnum;
	if (!root)
		return sb_failx(err, EINVAL, "seccomp-profile %s:%d:%d: %s", path, je.line, je.column, je.text);
	if (json_is_integer(json_object_get(root, "defaultErrnoRet")))
		dflt_errno = json_integer_value(json_object_get(root, "defaultErrnoRet"));
	if (!json_is_object(root) || !json_is_string(json_object_get(root, "defaultAction")) ||
	    parse_action(json_string_value(json_object_get(root, "defaultAction")), dflt_errno, &a, &en) < 0) {
		snprintf(what, sizeof(what), "expected an object with a supported \"defaultAction\" (SCMP_ACT_ERRNO, _ALLOW, _KILL, ...)");
		rc = -EINVAL;
	} else {
		t->dflt = sc_action(a, en);
		*dflt_set = true;
		rc = check_arches(json_object_get(root, "architectures"), what, sizeof(what));
	}
	sys = json_object_get(root, "syscalls");
	if (rc == 0 && sys && !json_is_array(sys))
		rc = (snprintf(what, sizeof(what), "\"syscalls\" must be an array"), -EINVAL);
	json_array_foreach(sys, i, e) {
		if (rc < 0)
			break;
		rc = import_entry(t, e, dflt_errno, what, sizeof(what), err);
		if (rc == -EINVAL)
			snprintf(what + strlen(what), sizeof(what) - strlen(what), " (syscalls[%zu])", i);
	}
	json_decref(root);
	if (rc == -ENOMEM)
		return sb_fail(err, ENOMEM, "seccomp-profile %s", path);
	if (rc == -EIO)
		return sb_wrap(err, "seccomp-profile %s", path);
	if (rc < 0)
		return sb_failx(err, EINVAL, "seccomp-profile %s: %s", path, what);
	return 0;
}
