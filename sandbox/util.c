/*
 * util.c: pure helpers shared by the parsers. No syscalls (STYLE.md: pure
 * code here, so it is unit-testable without privileges).
 */
#include "util.h"

#include <time.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>

int parse_u64(const char *s, uint64_t *ret, struct sb_err *err)
{
	uint64_t v = 0;
	const char *c;

	if (!s || !*s)
		return sb_failx(err, EINVAL, "expected a number, got nothing");
	for (c = s; *c; c++) {
		if (!isdigit((unsigned char)*c)) {
			err->col = (int)(c - s);
			return sb_failx(err, EINVAL, "'%s' is not a number (expected digits only)", s);
		}
		if (v > (UINT64_MAX - (uint64_t)(*c - '0')) / 10)
			return sb_failx(err, ERANGE, "number '%s' is too large", s);
		v = v * 10 + (uint64_t)(*c - '0');
	}
	*ret = v;
	return 0;
}

/* Parse "DIGITS[.DIGITS]" into an integer scaled by 10^scale_digits plus the
 * rest of the string (the unit). */
static int parse_decimal(const char *s, unsigned scale_digits, uint64_t *ret, const char **unit)
{
	uint64_t whole = 0, frac = 0;
	unsigned nfrac = 0;
	const char *c = s;

	if (!isdigit((unsigned char)*c))
		return -EINVAL;
	for (; isdigit((unsigned char)*c); c++) {
		if (whole > UINT64_MAX / 10 - 10)
			return -ERANGE;
		whole = whole * 10 + (uint64_t)(*c - '0');
	}
	if (*c == '.') {
		c++;
		if (!isdigit((unsigned char)*c))
			return -EINVAL;
		for (; isdigit((unsigned char)*c); c++) {
			if (nfrac < scale_digits) {
				frac = frac * 10 + (uint64_t)(*c - '0');
				nfrac++;
			}
		}
	}
	for (; nfrac < scale_digits; nfrac++)
		frac *= 10;
	for (unsigned i = 0; i < scale_digits; i++) {
		if (whole > UINT64_MAX / 10)
			return -ERANGE;
		whole *= 10;
	}
	if (whole > UINT64_MAX - frac)
		return -ERANGE;
	*ret = whole + frac;
	*unit = c;
	return 0;
}

static int mul_checked(uint64_t a, uint64_t b, uint64_t *ret)
{
	if (a != 0 && b > UINT64_MAX / a)
		return -ERANGE;
	*ret = a * b;
	return 0;
}

int parse_size(const char *s, uint64_t *ret, struct sb_err *err)
{
	static const struct {
		const char *unit;
		uint64_t mul;
	} units[] = {
		{ "", 1 },
		{ "B", 1 },
		{ "K", 1ULL << 10 },
		{ "KB", 1ULL << 10 },
		{ "KiB", 1ULL << 10 },
		{ "M", 1ULL << 20 },
		{ "MB", 1ULL << 20 },
		{ "MiB", 1ULL << 20 },
		{ "G", 1ULL << 30 },
		{ "GB", 1ULL << 30 },
		{ "GiB", 1ULL << 30 },
		{ "T", 1ULL << 40 },
		{ "TB", 1ULL << 40 },
		{ "TiB", 1ULL << 40 },
	};
	const char *unit;
	uint64_t milli;
	int r;

	if (!s || !*s)
		return sb_failx(err, EINVAL, "expected a size such as 64M, got nothing");
	r = parse_decimal(s, 3, &milli, &unit);
	if (r == -ERANGE)
		return sb_failx(err, ERANGE, "size '%s' is too large", s);
	if (r < 0) {
		err->col = 0;
		return sb_failx(err, EINVAL, "'%s' is not a size (expected a number with an optional K, M, G or T suffix, e.g. 256M)", s);
	}
	for (size_t i = 0; i < ELEMENTSOF(units); i++) {
		uint64_t v;

		if (strcasecmp(unit, units[i].unit) != 0)
			continue;
		if (mul_checked(milli, units[i].mul, &v) < 0)
			return sb_failx(err, ERANGE, "size '%s' is too large", s);
		*ret = v / 1000;
		return 0;
	}
	err->col = (int)(unit - s);
	return sb_failx(err, EINVAL, "'%s' has an unknown size suffix '%s' (expected K, M, G or T)", s, unit);
}

int parse_size_share(const char *s, uint64_t *ret, struct sb_err *err)
{
	size_t len = s ? strlen(s) : 0;
	uint64_t milli, ram;
	const char *unit;
	long pages, page;

	if (len == 0 || s[len - 1] != '%')
		return parse_size(s, ret, err);
	if (parse_decimal(s, 3, &milli, &unit) < 0 || strcmp(unit, "%") != 0 || milli == 0 || milli > 100000) {
		err->col = 0;
		return sb_failx(err, EINVAL, "'%s' is not a share of memory (expected 1%% to 100%%, e.g. 50%%)", s);
	}
	pages = sysconf(_SC_PHYS_PAGES);
	page = sysconf(_SC_PAGESIZE);
	if (pages <= 0 || page <= 0)
		return sb_failx(err, ENOSYS, "cannot tell this machine's memory size for '%s'", s);
	ram = (uint64_t)pages * (uint64_t)page;
	/* milli is thousandths of a percent: ram * milli / 100000, page-aligned. */
	*ret = (uint64_t)((unsigned __int128)ram * milli / 100000) & ~(uint64_t)(page - 1);
	return 0;
}

int parse_time_us(const char *s, uint64_t *ret, struct sb_err *err)
{
	static const struct {
		const char *unit;
		uint64_t mul; /* microseconds per unit */
	} units[] = {
		{ "", 1000000 }, { "s", 1000000 }, { "sec", 1000000 }, { "ms", 1000 },
		{ "us", 1 },     { "m", 60000000 }, { "min", 60000000 }, { "h", 3600000000ULL },
	};
	const char *unit;
	uint64_t milli;
	int r;

	if (!s || !*s)
		return sb_failx(err, EINVAL, "expected a time such as 1.5s or 250ms, got nothing");
	r = parse_decimal(s, 3, &milli, &unit);
	if (r == -ERANGE)
		return sb_failx(err, ERANGE, "time '%s' is too large", s);
	if (r < 0) {
		err->col = 0;
		return sb_failx(err, EINVAL, "'%s' is not a time (expected a number with an optional ms, s or m suffix, e.g. 1.5s)", s);
	}
	for (size_t i = 0; i < ELEMENTSOF(units); i++) {
		uint64_t v;

		if (strcmp(unit, units[i].unit) != 0)
			continue;
		if (mul_checked(milli, units[i].mul, &v) < 0)
			return sb_failx(err, ERANGE, "time '%s' is too large", s);
		*ret = v / 1000;
		return 0;
	}
	err->col = (int)(unit - s);
	return sb_failx(err, EINVAL, "'%s' has an unknown time suffix '%s' (expected us, ms, s, m or h)", s, unit);
}

int parse_milli(const char *s, uint64_t *ret, struct sb_err *err)
{
	const char *unit;
	uint64_t v;
	int r;

	r = parse_decimal(s ? s : "", 3, &v, &unit);
	if (r < 0 || *unit)
		return sb_failx(err, EINVAL, "'%s' is not a decimal number (expected e.g. 1.5)", s ? s : "");
	*ret = v;
	return 0;
}

size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[64];

	if (lb >= ELEMENTSOF(row))
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t sub = prev + (a[i - 1] != b[j - 1]);
			size_t best = row[j] + 1 < row[j - 1] + 1 ? row[j] + 1 : row[j - 1] + 1;

			row[j] = sub < best ? sub : best;
			prev = cur;
		}
	}
	return row[lb];
}

char *strdup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *split_colon(char *s)
{
	char *c = strchr(s, ':');

	if (!c)
		return NULL;
	*c = '\0';
	return c + 1;
}

int path_normalize(const char *in, char **ret, struct sb_err *err)
{
	size_t n = strlen(in);
	char *out, *o;
	const char *c = in;

	if (in[0] != '/')
		return sb_failx(err, EINVAL, "path '%s' must be absolute (start with '/')", in);
	out = malloc(n + 2);
	if (!out)
		return sb_fail(err, ENOMEM, "normalize path");
	o = out;
	while (*c) {
		const char *seg;
		size_t len;

		while (*c == '/')
			c++;
		seg = c;
		while (*c && *c != '/')
			c++;
		len = (size_t)(c - seg);
		if (len == 0 || (len == 1 && seg[0] == '.'))
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			free(out);
			err->col = (int)(seg - in);
			return sb_failx(err, EINVAL, "path '%s' contains '..' (write the path without it)", in);
		}
		*o++ = '/';
		memcpy(o, seg, len);
		o += len;
	}
	if (o == out)
		*o++ = '/';
	*o = '\0';
	*ret = out;
	return 0;
}

uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	if (clock_gettime(clock, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int read_small_file(const char *path, char *buf, size_t len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

void json_write_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
