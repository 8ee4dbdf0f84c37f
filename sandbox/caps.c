/*
 * caps.c: capability drop, run by the payload just before exec. The payload
 * holds every capability of the sandbox's user namespace at this point;
 * libcap-ng clears effective, permitted, inheritable, bounding and ambient
 * sets in one apply (CAP_SETPCAP, needed for the bounding set, is held
 * until the apply itself).
 */
#include <cap-ng.h>
#include <errno.h>
#include <sys/prctl.h>

#include "layers.h"

int caps_child(const struct sb_plan *p, struct sb_err *err)
{
	(void)p;
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
