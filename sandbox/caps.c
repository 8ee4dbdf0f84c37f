/*
 * caps.c: capability drop, run by the payload just before exec, holding
 * every capability of its user namespace (a new one, or the engine's:
 * rootless podman runs us as root of its own), after userns_drop gave it
 * the command's ids with the permitted set kept.
 *
 * By default every set is cleared: effective, permitted, inheritable,
 * bounding and ambient, in one libcap-ng apply (CAP_SETPCAP, needed for
 * the bounding set, is held until the apply itself). A plan from an OCI
 * config keeps the sets it lists instead: bounding set first (needs
 * CAP_SETPCAP), then effective/permitted/inheritable, then ambient (which
 * needs the capability permitted and inheritable), as runc's
 * finalizeNamespace does.
 */
#include <cap-ng.h>
#include <errno.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "layers.h"

static int clear_all(struct sb_err *err)
{
	capng_clear(CAPNG_SELECT_ALL);
	if (capng_apply(CAPNG_SELECT_ALL) != 0)
		return sb_failx(err, EPERM, "drop capabilities (libcap-ng capng_apply failed)");
	/* capng_apply covers the ambient set only with libcap-ng >= 0.8.3;
	 * clear it directly too, so the guarantee does not hang on a version. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return sb_fail(err, errno, "clear ambient capabilities");
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE)
		return sb_failx(err, EPERM, "capabilities still held after the drop");
	return 0;
}

/* The listed capabilities into libcap-ng's state for type. */
static void fill(capng_type_t type, uint64_t set)
{
	for (int c = 0; c <= CAP_LAST_CAP && c < 64; c++)
		if (set & (1ULL << c))
			capng_update(CAPNG_ADD, type, (unsigned)c);
}

static int keep_sets(const struct sb_plan *p, struct sb_err *err)
{
	const struct sb_caps *c = &p->caps;

	capng_clear(CAPNG_SELECT_ALL);
	fill(CAPNG_BOUNDING_SET, c->bounding);
	if (capng_apply(CAPNG_SELECT_BOUNDS) != 0)
		return sb_failx(err, EPERM, "set the capability bounding set");
	fill(CAPNG_EFFECTIVE, c->effective);
	fill(CAPNG_PERMITTED, c->permitted);
	fill(CAPNG_INHERITABLE, c->inheritable);
	if (capng_apply(CAPNG_SELECT_CAPS) != 0)
		return sb_failx(err, EPERM, "set the effective, permitted and inheritable capabilities");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return sb_fail(err, errno, "clear ambient capabilities");
	/* The kernel raises an ambient capability only when it is permitted
	 * and inheritable; one that is not is left out, as runc leaves it
	 * (its default config lists ambient capabilities it does not make
	 * inheritable). */
	for (int cap = 0; cap <= CAP_LAST_CAP && cap < 64; cap++)
		if (c->ambient & (1ULL << cap) && c->inheritable & (1ULL << cap) && c->permitted & (1ULL << cap))
			prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)cap, 0, 0);
	return 0;
}

int caps_child(const struct sb_plan *p, struct sb_err *err)
{
	if (p->caps.set)
		return keep_sets(p, err);
	return clear_all(err);
}
