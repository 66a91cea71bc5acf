/*
 * test_date.c: calendar validation and arithmetic.
 */
#include <stdlib.h>

#include "harness.h"
#include "kiplan.h"

static struct kp_date D(int y, int m, int d)
{
	struct kp_date r = { y, m, d };

	return r;
}

static const char *fmt(struct kp_date d)
{
	static char out[11];

	kp_date_format(out, d);
	return out;
}

void test_date__parse_checks_the_calendar(void)
{
	struct kp_date d;

	OK(kp_date_parse(&d, "2014-05-01", 10) == 0);
	INT_EQ(d.y, 2014);
	INT_EQ(d.m, 5);
	INT_EQ(d.d, 1);
	OK(kp_date_parse(&d, "2014-02-30", 10) < 0);
	OK(kp_date_parse(&d, "2014-02-29", 10) < 0);
	OK(kp_date_parse(&d, "2016-02-29", 10) == 0);
	OK(kp_date_parse(&d, "1900-02-29", 10) < 0);
	OK(kp_date_parse(&d, "2000-02-29", 10) == 0);
	OK(kp_date_parse(&d, "2014-13-01", 10) < 0);
	OK(kp_date_parse(&d, "2014-00-10", 10) < 0);
	OK(kp_date_parse(&d, "2014-5-01", 9) < 0);
	OK(kp_date_parse(&d, "2014-05-01x", 11) < 0);
	OK(kp_date_parse(&d, "20a4-05-01", 10) < 0);
	OK(kp_date_parse(&d, "0000-01-01", 10) < 0);
}

void test_date__days_round_trip(void)
{
	long n;

	INT_EQ(kp_date_days(D(1970, 1, 1)), 0);
	INT_EQ(kp_date_days(D(2000, 3, 1)), 11017);
	INT_EQ(kp_date_days(D(1969, 12, 31)), -1);
	for (n = -719000; n < 2900000; n += 997) {
		struct kp_date d = kp_date_from_days(n);

		OK(kp_date_valid(d.y, d.m, d.d));
		INT_EQ(kp_date_days(d), n);
	}
}

void test_date__add_months_clamps_to_month_end(void)
{
	STR_EQ(fmt(kp_date_add_months(D(2014, 5, 1), 6)), "2014-11-01");
	STR_EQ(fmt(kp_date_add_months(D(2014, 8, 31), 6)), "2015-02-28");
	STR_EQ(fmt(kp_date_add_months(D(2015, 8, 31), 6)), "2016-02-29");
	STR_EQ(fmt(kp_date_add_months(D(2014, 3, 31), 6)), "2014-09-30");
	STR_EQ(fmt(kp_date_add_months(D(2014, 12, 15), 1)), "2015-01-15");
	STR_EQ(fmt(kp_date_add_months(D(2015, 1, 15), -1)), "2014-12-15");
}

void test_date__today_honours_kiplan_today(void)
{
	struct kp_date d;
	struct kp_error err = KP_ERROR_INIT;

	setenv("KIPLAN_TODAY", "2014-06-01", 1);
	OK(kp_today(&d, &err) == 0);
	STR_EQ(fmt(d), "2014-06-01");
	setenv("KIPLAN_TODAY", "2014-06-31", 1);
	INT_EQ(kp_today(&d, &err), KP_EUSAGE);
	unsetenv("KIPLAN_TODAY");
	OK(kp_today(&d, &err) == 0);
	OK(kp_date_valid(d.y, d.m, d.d));
}

static const char *loose(const char *s)
{
	static char out[11];
	struct kp_date d;

	if (kp_date_parse_loose(&d, s, strlen(s)) < 0)
		return "(none)";
	kp_date_format(out, d);
	return out;
}

void test_date__loose_reads_danish_dates(void)
{
	STR_EQ(loose("1/5-2014"), "2014-05-01");
	STR_EQ(loose("1.5.2014"), "2014-05-01");
	STR_EQ(loose("01-05-2014"), "2014-05-01");
	STR_EQ(loose("1/5 2014"), "2014-05-01");
	STR_EQ(loose("20. april 2014"), "2014-04-20");
	STR_EQ(loose("1. okt. 2014"), "2014-10-01");
	STR_EQ(loose("1 Maj 2014"), "2014-05-01");
	STR_EQ(loose("2014/5/1"), "2014-05-01");
	STR_EQ(loose("2014-5-1"), "2014-05-01");
	/* not a real date, or not a date at all */
	STR_EQ(loose("31/2-2014"), "(none)");
	STR_EQ(loose("1/5-14"), "(none)");
	STR_EQ(loose("1/5-20145"), "(none)");
	STR_EQ(loose("1/13/2014"), "(none)");
	STR_EQ(loose("april 1 2014"), "(none)");
	STR_EQ(loose("1/5-2014 kl. 10"), "(none)");
	STR_EQ(loose("snart"), "(none)");
	STR_EQ(loose(""), "(none)");
}
