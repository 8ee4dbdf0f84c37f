/*
 * test_report.c: the verdict follows the figures, whatever enforced the
 * limit, and the exit status is the documented one (docs/report.md).
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>

#include "plan.h"
#include "report.h"
#include "result.h"

static struct sb_plan plan_with(uint64_t cpu_us, uint64_t wall_us, uint64_t mem, uint64_t out)
{
	struct sb_plan p;

	plan_init(&p);
	p.limits.cpu_time_us = cpu_us;
	p.limits.wall_time_us = wall_us;
	p.limits.memory = mem;
	p.limits.output_limit = out;
	return p;
}

/* RLIMIT_CPU (the backstop) ends a process with SIGXCPU: TO, exit 137. */
Test(report, sigxcpu_is_a_time_limit_with_status_137)
{
	struct sb_plan p = plan_with(1000000, 0, 0, 0);
	struct sb_result res = { .have_status = true, .wait_status = SIGXCPU, .cpu_time_s = 2.01 };

	report_verdict(&p, &res);
	cr_assert_eq(res.status, SB_ST_TO);
	cr_assert_eq(res.timeout, SB_TO_CPU);
	cr_assert_eq(report_exit_code(&res), 137);
	plan_free(&p);
}

/* A tree that used more CPU than its limit and exited before anything
 * killed it is still TO: the judge acts on the verdict alone. */
Test(report, cpu_over_the_limit_is_to_however_it_ended)
{
	struct sb_plan p = plan_with(1000000, 0, 0, 0);
	struct sb_result res = { .have_status = true, .wait_status = 0, .cpu_time_s = 1.2 };

	report_verdict(&p, &res);
	cr_assert_eq(res.status, SB_ST_TO);
	cr_assert_eq(report_exit_code(&res), 137);
	plan_free(&p);
	p = plan_with(1000000, 0, 0, 0);
	res = (struct sb_result){ .have_status = true, .wait_status = 0, .cpu_time_s = 0.99 };
	report_verdict(&p, &res);
	cr_assert_eq(res.status, SB_ST_OK);
	plan_free(&p);
}

Test(report, wall_memory_and_output_figures)
{
	struct sb_plan p = plan_with(0, 1000000, 64 << 20, 100);
	struct sb_result res = { .have_status = true, .wall_time_s = 1.5, .stdout_bytes = SB_BYTES_UNKNOWN,
				 .stderr_bytes = SB_BYTES_UNKNOWN };

	report_verdict(&p, &res);
	cr_assert_eq(res.status, SB_ST_TO);
	cr_assert_eq(res.timeout, SB_TO_WALL);
	res = (struct sb_result){ .have_status = true, .memory_sampled_bytes = (64 << 20) + 4096,
				  .stdout_bytes = SB_BYTES_UNKNOWN, .stderr_bytes = SB_BYTES_UNKNOWN };
	report_verdict(&p, &res);
	cr_assert_eq(res.status, SB_ST_ML);
	res = (struct sb_result){ .have_status = true, .stdout_bytes = 101, .stderr_bytes = SB_BYTES_UNKNOWN };
	report_verdict(&p, &res);
	cr_assert_eq(res.status, SB_ST_OL);
	plan_free(&p);
}

Test(report, pids_exhausted_is_in_the_message)
{
	struct sb_plan p = plan_with(0, 0, 0, 0);
	struct sb_result res = { .have_status = true, .wait_status = 1 << 8, .pids_exhausted = true,
				 .stdout_bytes = SB_BYTES_UNKNOWN, .stderr_bytes = SB_BYTES_UNKNOWN };

	p.limits.pids = 8;
	report_verdict(&p, &res);
	cr_assert_eq(res.status, SB_ST_RE);
	cr_assert_str_eq(res.message, "exited with error status 1; the process limit (pids 8) was reached");
	plan_free(&p);
}
