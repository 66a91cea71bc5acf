/*
 * date.c: calendar dates without time zones or struct tm, for follow-up
 * arithmetic and validation.  Proleptic Gregorian calendar.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "i18n.h"
#include "banned.h"

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

int kp_date_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= month_days(y, m);
}

static int digits(const char *s, size_t n, int *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*out = *out * 10 + (s[i] - '0');
	}
	return 0;
}

int kp_date_parse(struct kp_date *out, const char *s, size_t len)
{
	struct kp_date d;

	if (len != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &d.y) < 0 ||
	    digits(s + 5, 2, &d.m) < 0 || digits(s + 8, 2, &d.d) < 0 ||
	    !kp_date_valid(d.y, d.m, d.d))
		return -1;
	*out = d;
	return 0;
}

/* Howard Hinnant's days_from_civil and civil_from_days. */
long kp_date_days(struct kp_date date)
{
	long y = date.y - (date.m <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy =
		(153 * (date.m + (date.m > 2 ? -3 : 9)) + 2) / 5 + date.d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

struct kp_date kp_date_from_days(long days)
{
	struct kp_date r;
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;

	r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	r.y = (int)(yoe + era * 400 + (r.m <= 2));
	return r;
}

struct kp_date kp_date_add_months(struct kp_date date, int months)
{
	long m = (long)date.y * 12 + (date.m - 1) + months;
	struct kp_date r;
	int last;

	r.y = (int)(m >= 0 ? m / 12 : (m - 11) / 12);
	r.m = (int)(m - (long)r.y * 12) + 1;
	last = month_days(r.y, r.m);
	r.d = date.d > last ? last : date.d;
	return r;
}

int kp_date_cmp(struct kp_date a, struct kp_date b)
{
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	if (a.d != b.d)
		return a.d < b.d ? -1 : 1;
	return 0;
}

void kp_date_format(char out[11], struct kp_date date)
{
	int y = date.y, m = date.m, d = date.d;

	out[0] = (char)('0' + (y / 1000) % 10);
	out[1] = (char)('0' + (y / 100) % 10);
	out[2] = (char)('0' + (y / 10) % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + (m / 10) % 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + (d / 10) % 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

int kp_today(struct kp_date *out, struct kp_error *err)
{
	const char *env = getenv("KIPLAN_TODAY");
	struct tm tm;
	time_t now;

	if (env && *env) {
		if (kp_date_parse(out, env, strlen(env)) < 0)
			return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
					    _("KIPLAN_TODAY is not a date "
					      "(YYYY-MM-DD): '%.20s'"),
					    env);
		return 0;
	}
	now = time(NULL);
	if (!localtime_r(&now, &tm))
		return kp_error_set(err, KP_EIO, NULL, 0, 0,
				    _("cannot read the clock: %s"),
				    strerror(errno));
	out->y = tm.tm_year + 1900;
	out->m = tm.tm_mon + 1;
	out->d = tm.tm_mday;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Dates as people write them in Danish                                */
/* ------------------------------------------------------------------ */

static int month_name(const char *s, size_t n)
{
	static const char *const names[] = {
		"januar",    "februar", "marts",    "april",
		"maj",	     "juni",	"juli",	    "august",
		"september", "oktober", "november", "december"
	};
	size_t i, j;

	for (i = 0; i < 12; i++) {
		const char *w = names[i];

		/* the whole name, or its first three letters ("okt") */
		if (n != strlen(w) && n != 3)
			continue;
		for (j = 0; j < n; j++) {
			char c = s[j];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != w[j])
				break;
		}
		if (j == n)
			return (int)i + 1;
	}
	return 0;
}

int kp_date_parse_loose(struct kp_date *out, const char *s, size_t len)
{
	int v[3], digits[3], n = 0;
	size_t i = 0;

	while (i < len && n < 3) {
		size_t start = i;

		if (s[i] >= '0' && s[i] <= '9') {
			int x = 0;

			while (i < len && s[i] >= '0' && s[i] <= '9' &&
			       i - start < 4)
				x = x * 10 + (s[i++] - '0');
			digits[n] = (int)(i - start);
			v[n++] = x;
		} else if ((s[i] >= 'a' && s[i] <= 'z') ||
			   (s[i] >= 'A' && s[i] <= 'Z')) {
			while (i < len && ((s[i] >= 'a' && s[i] <= 'z') ||
					   (s[i] >= 'A' && s[i] <= 'Z')))
				i++;
			/* a month's name, and only between day and year */
			if (n != 1 ||
			    !(v[n] = month_name(s + start, i - start)))
				return -1;
			digits[n++] = 2;
		} else {
			return -1;
		}
		if (i < len && (s[i] >= '0' && s[i] <= '9'))
			return -1; /* five digits or more */
		/* one separator, with spaces around it: "1. maj 2014" */
		while (i < len && s[i] == ' ')
			i++;
		if (i < len && strchr("./-", s[i]))
			i++;
		while (i < len && s[i] == ' ')
			i++;
	}
	if (n != 3 || i != len)
		return -1;
	if (digits[0] <= 2 && digits[1] <= 2 && digits[2] == 4) {
		out->d = v[0]; /* day, month, year: the Danish order */
		out->m = v[1];
		out->y = v[2];
	} else if (digits[0] == 4 && digits[1] <= 2 && digits[2] <= 2) {
		out->y = v[0];
		out->m = v[1];
		out->d = v[2];
	} else {
		return -1;
	}
	return kp_date_valid(out->y, out->m, out->d) ? 0 : -1;
}
