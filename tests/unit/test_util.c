/*
 * test_util.c: the pure parsers of util.c: numbers, sizes, times, decimal
 * CPU counts, paths, and edit distance, with their error columns.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static struct sb_err err;

static void setup(void)
{
	err = (struct sb_err)SB_ERR_INIT;
}

TestSuite(util, .init = setup);

Test(util, parse_u64)
{
	uint64_t v;

	cr_assert_eq(parse_u64("0", &v, &err), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(parse_u64("18446744073709551615", &v, &err), 0);
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_eq(parse_u64("18446744073709551616", &v, &err), -ERANGE);
	cr_assert_str_eq(err.msg, "number '18446744073709551616' is too large");
	cr_assert_eq(parse_u64("12a", &v, &err), -EINVAL);
	cr_assert_eq(err.col, 2);
	cr_assert_str_eq(err.msg, "'12a' is not a number (expected digits only)");
	cr_assert_eq(parse_u64("-1", &v, &err), -EINVAL);
	cr_assert_eq(parse_u64("", &v, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "expected a number, got nothing");
}

Test(util, parse_size_units)
{
	static const struct {
		const char *in;
		uint64_t want;
	} ok[] = {
		{ "4096", 4096 },	 { "1B", 1 },		   { "512K", 512ULL << 10 }, { "64M", 64ULL << 20 },
		{ "64m", 64ULL << 20 },	 { "1G", 1ULL << 30 },	   { "1GiB", 1ULL << 30 },   { "2TB", 2ULL << 40 },
		{ "1.5G", 3ULL << 29 },	 { "0.5K", 512 },	   { "0", 0 },
	};
	uint64_t v;

	for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
		cr_assert_eq(parse_size(ok[i].in, &v, &err), 0, "%s: %s", ok[i].in, err.msg);
		cr_assert_eq(v, ok[i].want, "%s", ok[i].in);
	}
}

Test(util, parse_size_errors)
{
	uint64_t v;

	cr_assert_eq(parse_size("12Q", &v, &err), -EINVAL);
	cr_assert_eq(err.col, 2);
	cr_assert_str_eq(err.msg, "'12Q' has an unknown size suffix 'Q' (expected K, M, G or T)");
	err.col = -1;
	cr_assert_eq(parse_size("M", &v, &err), -EINVAL);
	cr_assert_eq(err.col, 0);
	cr_assert_str_eq(err.msg, "'M' is not a size (expected a number with an optional K, M, G or T suffix, e.g. 256M)");
	cr_assert_eq(parse_size("1.", &v, &err), -EINVAL);
	cr_assert_eq(parse_size("99999999999T", &v, &err), -ERANGE);
	cr_assert_str_eq(err.msg, "size '99999999999T' is too large");
	cr_assert_eq(parse_size("", &v, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "expected a size such as 64M, got nothing");
}

Test(util, parse_time)
{
	static const struct {
		const char *in;
		uint64_t want;
	} ok[] = {
		{ "3", 3000000 },	 { "1.5s", 1500000 }, { "250ms", 250000 }, { "100us", 100 },
		{ "2m", 120000000 },	 { "1h", 3600000000ULL }, { "1sec", 1000000 }, { "0.001", 1000 },
	};
	uint64_t v;

	for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
		cr_assert_eq(parse_time_us(ok[i].in, &v, &err), 0, "%s: %s", ok[i].in, err.msg);
		cr_assert_eq(v, ok[i].want, "%s", ok[i].in);
	}
	cr_assert_eq(parse_time_us("5 s", &v, &err), -EINVAL);
	cr_assert_eq(err.col, 1);
	cr_assert_str_eq(err.msg, "'5 s' has an unknown time suffix ' s' (expected us, ms, s, m or h)");
	cr_assert_eq(parse_time_us("5S", &v, &err), -EINVAL, "time units are case-sensitive (m is minutes)");
	cr_assert_eq(parse_time_us("s", &v, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "'s' is not a time (expected a number with an optional ms, s or m suffix, e.g. 1.5s)");
	cr_assert_eq(parse_time_us("99999999999999999h", &v, &err), -ERANGE);
	cr_assert_str_eq(err.msg, "time '99999999999999999h' is too large");
}

Test(util, parse_milli)
{
	uint64_t v;

	cr_assert_eq(parse_milli("1.5", &v, &err), 0);
	cr_assert_eq(v, 1500);
	cr_assert_eq(parse_milli("0.25", &v, &err), 0);
	cr_assert_eq(v, 250);
	cr_assert_eq(parse_milli("2", &v, &err), 0);
	cr_assert_eq(v, 2000);
	cr_assert_eq(parse_milli("1.5x", &v, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "'1.5x' is not a decimal number (expected e.g. 1.5)");
}

Test(util, path_normalize)
{
	char *out;

	cr_assert_eq(path_normalize("//usr/./lib//", &out, &err), 0);
	cr_assert_str_eq(out, "/usr/lib");
	free(out);
	cr_assert_eq(path_normalize("/", &out, &err), 0);
	cr_assert_str_eq(out, "/");
	free(out);
	cr_assert_eq(path_normalize("/a/../b", &out, &err), -EINVAL);
	cr_assert_eq(err.col, 3);
	cr_assert_eq(path_normalize("a/b", &out, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "path 'a/b' must be absolute (start with '/')");
	cr_assert_eq(path_normalize("/a/..b", &out, &err), 0, "'..b' is a name, not '..'");
	free(out);
}

Test(util, edit_distance_and_split)
{
	char s[] = "/a:/b:c";

	cr_assert_eq(edit_distance("memroy", "memory"), 2);
	cr_assert_eq(edit_distance("", "abc"), 3);
	cr_assert_eq(edit_distance("same", "same"), 0);
	cr_assert_str_eq(split_colon(s), "/b:c");
	cr_assert_str_eq(s, "/a");
}
