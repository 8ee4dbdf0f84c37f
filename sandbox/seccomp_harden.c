/*
 * seccomp_harden.c: the data of the always-on hardening (seccomp_bpf.c
 * turns it into the first instructions of every filter). Each entry is a
 * kernel interface with a history of privilege escalations or of escaping
 * sandboxes, that ordinary programs do not need. Pure data.
 */
#include "seccomp_harden.h"

#include <string.h>

#include "seccomp.h"
#include "syscall_sets.h"
#include "sysconsts.h"
#include "util.h"

static const struct sb_harden list[] = {
	{ "clone", SB_HARDEN_NSFLAGS, "new namespaces expose kernel code written for root (CLONE_NEW*)" },
	{ "unshare", SB_HARDEN_NSFLAGS, "new namespaces expose kernel code written for root (CLONE_NEW*)" },
	{ "clone3", SB_HARDEN_ENOSYS, "flags sit in memory seccomp cannot read; ENOSYS makes glibc use clone" },
	{ "setns", SB_HARDEN_DENY, "joining other namespaces through inherited or passed descriptors" },
	{ "ioctl", SB_HARDEN_IOCTL, "TIOCSTI/TIOCLINUX inject input into a terminal outside the sandbox" },
	{ "personality", SB_HARDEN_PERSONALITY, "READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE weaken exploit mitigations" },
	{ "ptrace", SB_HARDEN_DENY, "inspects and rewrites other processes; past seccomp bypasses" },
	{ "bpf", SB_HARDEN_DENY, "the BPF verifier is a large, often exploited attack surface" },
	{ "perf_event_open", SB_HARDEN_DENY, "side channels and a history of kernel bugs" },
	{ "userfaultfd", SB_HARDEN_DENY, "stalls kernel page faults at will: turns races into exploits" },
	{ "io_uring_setup", SB_HARDEN_DENY, "io_uring bypasses seccomp for its operations; many kernel bugs" },
	{ "io_uring_enter", SB_HARDEN_DENY, "io_uring bypasses seccomp for its operations; many kernel bugs" },
	{ "io_uring_register", SB_HARDEN_DENY, "io_uring bypasses seccomp for its operations; many kernel bugs" },
	{ "keyctl", SB_HARDEN_DENY, "the kernel keyring is not namespaced" },
	{ "add_key", SB_HARDEN_DENY, "the kernel keyring is not namespaced" },
	{ "request_key", SB_HARDEN_DENY, "the kernel keyring is not namespaced; can call user helpers" },
	{ "kexec_load", SB_HARDEN_DENY, "replaces the running kernel" },
	{ "kexec_file_load", SB_HARDEN_DENY, "replaces the running kernel" },
	{ "init_module", SB_HARDEN_DENY, "loads kernel code" },
	{ "finit_module", SB_HARDEN_DENY, "loads kernel code" },
	{ "delete_module", SB_HARDEN_DENY, "unloads kernel code" },
	{ "open_by_handle_at", SB_HARDEN_DENY, "opens files by handle, around mounts (the 'shocker' escape)" },
	{ "socketcall", SB_HARDEN_DENY, "i386 multiplexer whose arguments seccomp cannot read" },
};

const struct sb_harden *seccomp_harden_find(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(list); i++)
		if (strcmp(list[i].name, name) == 0)
			return &list[i];
	return NULL;
}

const struct sb_harden *seccomp_harden_list(size_t *n)
{
	*n = ELEMENTSOF(list);
	return list;
}

void seccomp_harden_print(FILE *f, const char *indent)
{
	fprintf(f, "%sx32, i386 ABIs   killed (other syscall tables escape the filter); re-admit with 'syscalls arch'\n",
		indent);
	for (size_t i = 0; i < ELEMENTSOF(list); i++)
		fprintf(f, "%s%-17s %s\n", indent, list[i].name, list[i].why);
}

void seccomp_explain(FILE *f)
{
	fputs("# syscall sets (syscalls allow @SET)\n", f);
	seccomp_sets_print(f);
	fputs("\n# always-on hardening (syscalls unsafe-allow NAME to lift one)\n", f);
	seccomp_harden_print(f, "");
	fputs("\n# constants for conditions (syscalls deny ioctl if arg1 == TIOCSTI)\n", f);
	sysconst_print(f);
}
