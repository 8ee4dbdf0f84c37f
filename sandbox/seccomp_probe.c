/*
 * seccomp_probe.c: what the syscall filter layer can count on here, read
 * without loading anything (for `sandbox doctor` and `sandbox explain`):
 * whether the kernel has seccomp filters at all (the "Seccomp:" line of
 * /proc/self/status exists only with CONFIG_SECCOMP), whether it offers
 * user notification (log mode and `sandbox learn` need "user_notif" in
 * /proc/sys/kernel/seccomp/actions_avail, Linux 5.0), and whether it
 * caches "always allowed" per syscall (Linux 5.11). No interface shows the
 * cache; the kernel's version is the only sign, said as such.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "seccomp.h"

static bool has_word(const char *text, const char *word)
{
	size_t len = strlen(word);

	for (const char *t = strstr(text, word); t; t = strstr(t + 1, word))
		if ((t == text || t[-1] == ' ') && (t[len] == ' ' || t[len] == '\n' || t[len] == '\0'))
			return true;
	return false;
}

void seccomp_probe(struct sb_seccomp_probe *pr)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	struct utsname u;
	int major = 0, minor = 0;

	memset(pr, 0, sizeof(*pr));
	while (f && !pr->filter && fgets(line, sizeof(line), f))
		pr->filter = strncmp(line, "Seccomp:", 8) == 0;
	if (f)
		fclose(f);
	f = fopen("/proc/sys/kernel/seccomp/actions_avail", "re");
	if (f && fgets(pr->actions, sizeof(pr->actions), f)) {
		pr->actions[strcspn(pr->actions, "\n")] = '\0';
		pr->user_notif = has_word(pr->actions, "user_notif");
	}
	if (f)
		fclose(f);
	if (uname(&u) == 0 && sscanf(u.release, "%d.%d", &major, &minor) == 2)
		pr->cache = major > 5 || (major == 5 && minor >= 11);
	snprintf(pr->kernel, sizeof(pr->kernel), "%d.%d", major, minor);
}
