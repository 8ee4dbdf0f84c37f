/*
 * test_timens.c: --time-offset gives the payload its own time namespace:
 * CLOCK_BOOTTIME (/proc/uptime) and CLOCK_MONOTONIC are shifted inside,
 * the report's wall time is not, and an offset the kernel refuses is a
 * set-up error (125) that names it. As the test user and as root.
 */
#include "harness.h"

#include <time.h>

static double host_uptime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check_boottime_shift(enum sb_as as)
{
	static struct sb_out o;
	const char *argv[] = { sb_bin(), "run", "--time-offset", "boottime=24h", "--", "cat", "/proc/uptime", NULL };
	double before = host_uptime(), inside, after;

	sb_exec(as, argv, NULL, 30, &o);
	after = host_uptime();
	sb_assert_status(&o, 0);
	inside = atof(o.out);
	cr_assert(inside >= before + 86400 - 0.01 && inside <= after + 86400 + 0.01,
		  "uptime inside %.2f, host %.2f..%.2f: want 24 h more", inside, before, after);
}

Test(timens, boottime_offset_as_user)
{
	check_boottime_shift(SB_AS_USER);
}

Test(timens, boottime_offset_as_root)
{
	check_boottime_shift(SB_AS_ROOT);
}

Test(timens, monotonic_offset_leaves_the_report_alone)
{
	static struct sb_out o;
	double inside;

	/* The kernel shows the namespace's offsets to the processes in it. */
	sb_run(&o, "--time-offset", "monotonic=-1s", "--time-offset", "boottime=2h", "--report", "-", "--", "sh", "-c",
	       "while read c s n; do echo $c $s $n; done < /proc/self/timens_offsets; sleep 0.3", NULL);
	sb_assert_status(&o, 0);
	sb_assert_out_has(&o, "monotonic -1 0\nboottime 7200 0\n");
	inside = atof(strstr(o.err, "\"wall_time_s\": ") + 15);
	/* Measured on the host's clock: not 1 s off. */
	cr_assert(inside >= 0.29 && inside < 0.9, "wall time %.3f s, want about 0.3", inside);
}

Test(timens, refused_offset_is_a_setup_error)
{
	static struct sb_out o;

	sb_run(&o, "--time-offset", "-100000h", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "monotonic offset");
	sb_run(&o, "--time-offset", "uptime=1s", "--", "true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "unknown clock in 'uptime=1s'");
}
