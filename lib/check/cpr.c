/*
 * cpr.c: Danish CPR numbers (personnumre), written DDMMYY-SSSS.
 *
 * The century of the birth year is not written; it follows from the 7th
 * digit (the first of SSSS), by the CPR office's table:
 *
 *	7th digit	YY 00-36	YY 37-57	YY 58-99
 *	0-3		1900s		1900s		1900s
 *	4, 9		2000s		1900s		1900s
 *	5-8		2000s		2000s		1800s
 *
 * A replacement number (erstatningspersonnummer) has 60 added to the day
 * of birth; it is recognised and its birth date is the day less 60.
 *
 * The modulus-11 check (weights 4 3 2 7 6 5 4 3 2 1, the weighted sum a
 * multiple of 11) is reported on its own, as a warning only: since 2007
 * the CPR office issues numbers that do not pass it.
 */
#include <string.h>

#include "check/check.h"
#include "banned.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* 1 when s is six digits, a hyphen and four digits. */
static int cpr_form(const char *s, size_t len)
{
	size_t i;

	if (!s || len != 11 || s[6] != '-')
		return 0;
	for (i = 0; i < 11; i++)
		if (i != 6 && !is_digit(s[i]))
			return 0;
	return 1;
}

static int two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static int century(int digit7, int yy)
{
	if (digit7 <= 3)
		return 1900;
	if (digit7 == 4 || digit7 == 9)
		return yy <= 36 ? 2000 : 1900;
	return yy <= 57 ? 2000 : 1800;
}

static int mod11_ok(const char *s)
{
	static const int weights[10] = { 4, 3, 2, 7, 6, 5, 4, 3, 2, 1 };
	int i, k = 0, sum = 0;

	for (i = 0; i < 11; i++) {
		if (i == 6)
			continue;
		sum += weights[k++] * (s[i] - '0');
	}
	return sum % 11 == 0;
}

enum kp_cpr_status kp_cpr_check(const char *s, size_t len,
				struct kp_date *birth)
{
	struct kp_date d;
	int yy;

	if (!cpr_form(s, len))
		return KP_CPR_FORMAT;
	d.d = two(s);
	d.m = two(s + 2);
	yy = two(s + 4);
	if (d.d > 60)
		d.d -= 60; /* a replacement number */
	d.y = century(s[7] - '0', yy) + yy;
	if (!kp_date_valid(d.y, d.m, d.d))
		return KP_CPR_DATE;
	if (birth)
		*birth = d;
	return mod11_ok(s) ? KP_CPR_OK : KP_CPR_MOD11;
}

void kp_cpr_mask(char out[12], const char *s, size_t len)
{
	if (cpr_form(s, len)) {
		memcpy(out, s, 7);
		memcpy(out + 7, "xxxx", 5);
	} else {
		memcpy(out, "xxxxxx-xxxx", 12);
	}
}
