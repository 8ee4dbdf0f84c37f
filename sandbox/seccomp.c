/*
 * seccomp.c: placeholder until the libseccomp layer lands (issue 4): no
 * filter is compiled or loaded yet.
 */
#include "seccomp.h"

int seccomp_prepare(const struct sb_plan *p, struct sb_seccomp *s, struct sb_err *err)
{
	(void)p, (void)err;
	s->prog = NULL;
	s->prog_len = 0;
	return 0;
}

int seccomp_child(const struct sb_plan *p, struct sb_seccomp *s, struct sb_err *err)
{
	(void)p, (void)s, (void)err;
	return 0;
}

int seccomp_parent(const struct sb_plan *p, struct sb_seccomp *s, struct sb_err *err)
{
	(void)p, (void)s, (void)err;
	return 0;
}

int seccomp_poll_fd(const struct sb_seccomp *s)
{
	return s->notify_fd;
}

void seccomp_handle(const struct sb_plan *p, struct sb_seccomp *s, struct sb_result *res)
{
	(void)p, (void)s, (void)res;
}

void seccomp_release(struct sb_seccomp *s)
{
	(void)s;
}
