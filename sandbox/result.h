/*
 * result.h: what a run produced, filled by the launcher and the layers that
 * measure (cgroup.c, launcher.c), printed only by report.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "net_rules.h"
#include "plan.h"

struct sb_observed;

enum sb_status {
	SB_ST_OK = 0, /* exit code 0 */
	SB_ST_RE, /* non-zero exit */
	SB_ST_SG, /* killed by a signal */
	SB_ST_TO, /* CPU or wall time limit */
	SB_ST_ML, /* memory limit */
	SB_ST_OL, /* output limit */
	SB_ST_XX, /* sandbox error */
	SB_ST_MAX,
};

#define SB_BYTES_UNKNOWN UINT64_MAX

enum sb_timeout { SB_TO_NONE = 0, SB_TO_CPU, SB_TO_WALL, SB_TO_MAX };

/* How each limit was enforced on this run (for the report and explain). */
struct sb_enforcement {
	enum sb_enforce memory, pids, cpu_time, wall_time, cpus, cpuset, output, open_files, stack, address_space;
};

/* What enforced a rule group of the eBPF layer (report: "enforced_by"). */
enum sb_wall { SB_WALL_NONE = 0, SB_WALL_EBPF, SB_WALL_NFTABLES, SB_WALL_SECCOMP, SB_WALL_LANDLOCK, SB_WALL_MOUNTS, SB_WALL_MAX };

/* The eBPF layer's part of the result (ebpf.c fills it). */
struct sb_ebpf_result {
	bool attached; /* programs were attached to the run's cgroup */
	bool families_inet_only; /* no BPF LSM: only AF_INET/AF_INET6 are checked */
	bool reused; /* the programs were already loaded (pinned by an earlier run), only attached */
	enum sb_wall net, families, devices; /* who enforced each rule group */
	uint64_t refused_connect, refused_sendmsg, refused_bind, refused_socket, refused_device;
	char why[256]; /* why no programs were attached, "" when they were */
};

struct sb_result {
	enum sb_status status;
	bool started; /* the payload reached execve */
	bool have_status; /* wait_status below is the payload's */
	int wait_status; /* payload's status as waitpid reports it */
	int exit_code; /* valid when WIFEXITED */
	int signal; /* valid when WIFSIGNALED; 0 otherwise */

	enum sb_timeout timeout; /* which time limit ended the run (or was over at the end) */
	bool killed; /* the launcher killed the run (a limit fired) */
	bool output_exceeded;
	bool oom_killed;
	bool memory_exceeded; /* OOM kill or allocation failure under the limit */

	double cpu_time_s, cpu_user_s, cpu_sys_s, wall_time_s;
	uint64_t memory_peak_bytes;
	uint64_t max_rss_bytes; /* the largest process's peak RSS (rusage), whatever the cgroup says */
	uint64_t memory_sampled_bytes; /* without a cgroup: the sampled tree peak (tree.c) */
	unsigned tasks_peak; /* without a cgroup: most processes + threads seen at once */
	bool pids_exhausted; /* a fork failed at the pids limit (cgroup events, or sampled) */
	uint64_t csw_voluntary, csw_forced;
	uint64_t stdout_bytes, stderr_bytes; /* SB_BYTES_UNKNOWN when not measured */
	uint64_t output_dropped_bytes; /* relayed output a stalled reader never took */

	char cgroup_version; /* '1', '2' or 0 when no cgroup was used */
	struct sb_enforcement enf;
	struct sb_ebpf_result ebpf;

	struct sb_netgrants net; /* --net user: the allow-list as applied */
	uint64_t net_refused; /* packets the allow-list refused */
	bool net_refused_known;

	char **denied_syscalls; /* from log mode, "name" strings, NULL-terminated */
	size_t n_denied_syscalls;

	struct sb_observed *observed; /* learn mode: what the run did (observe.h) */

	struct sb_err err; /* when status == SB_ST_XX (or for a message) */
	char message[256];
};

void result_free(struct sb_result *r);
