/*
 * test_cpr.c: CPR numbers: form, century, replacement numbers, real
 * dates, modulus 11 and masking.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "kiplan.h"

static enum kp_cpr_status check(const char *s, struct kp_date *birth)
{
	return kp_cpr_check(s, strlen(s), birth);
}

static const char *birth_of(const char *s)
{
	static char out[11];
	struct kp_date d = {0, 0, 0};
	enum kp_cpr_status st = check(s, &d);

	if (st != KP_CPR_OK && st != KP_CPR_MOD11)
		return "(invalid)";
	kp_date_format(out, d);
	return out;
}

static const char *mask(const char *s)
{
	static char out[12];

	kp_cpr_mask(out, s, s ? strlen(s) : 0);
	return out;
}

void test_cpr__valid_numbers_pass(void)
{
	INT_EQ(check("070761-4285", NULL), KP_CPR_OK);
	INT_EQ(check("010174-1230", NULL), KP_CPR_OK);
	STR_EQ(birth_of("070761-4285"), "1961-07-07");
	STR_EQ(birth_of("010174-1230"), "1974-01-01");
}

void test_cpr__modulus_11_is_reported_with_the_birth_date(void)
{
	struct kp_date d = {0, 0, 0};

	INT_EQ(check("010174-1235", &d), KP_CPR_MOD11);
	INT_EQ(d.y, 1974);
	INT_EQ(d.m, 1);
	INT_EQ(d.d, 1);
	/* Every last digit but one fails. */
	INT_EQ(check("070761-4284", NULL), KP_CPR_MOD11);
	INT_EQ(check("070761-4286", NULL), KP_CPR_MOD11);
}

void test_cpr__century_from_the_seventh_digit(void)
{
	/* 0-3: always the 1900s. */
	STR_EQ(birth_of("010110-0000"), "1910-01-01");
	STR_EQ(birth_of("010136-3000"), "1936-01-01");
	/* 4 and 9: the 2000s up to YY 36, else the 1900s. */
	STR_EQ(birth_of("010110-4001"), "2010-01-01");
	STR_EQ(birth_of("010136-9005"), "2036-01-01");
	STR_EQ(birth_of("010137-4000"), "1937-01-01");
	STR_EQ(birth_of("010199-9009"), "1999-01-01");
	/* 5-8: the 2000s up to YY 57, else the 1800s. */
	STR_EQ(birth_of("010110-5008"), "2010-01-01");
	STR_EQ(birth_of("010157-8000"), "2057-01-01");
	STR_EQ(birth_of("010160-5000"), "1860-01-01");
	STR_EQ(birth_of("010158-6000"), "1858-01-01");
}

void test_cpr__the_birth_date_must_exist(void)
{
	INT_EQ(check("320174-1230", NULL), KP_CPR_DATE);
	INT_EQ(check("000174-1230", NULL), KP_CPR_DATE);
	INT_EQ(check("010074-1230", NULL), KP_CPR_DATE);
	INT_EQ(check("011374-1230", NULL), KP_CPR_DATE);
	INT_EQ(check("310474-1230", NULL), KP_CPR_DATE);
	/* 29 February: 2000 was a leap year, 1900 was not. */
	INT_EQ(check("290200-4001", NULL), KP_CPR_OK);
	STR_EQ(birth_of("290200-4001"), "2000-02-29");
	INT_EQ(check("290200-1000", NULL), KP_CPR_DATE);
	INT_EQ(check("290201-4000", NULL), KP_CPR_DATE);
}

void test_cpr__replacement_numbers_have_day_plus_60(void)
{
	INT_EQ(check("610174-1239", NULL), KP_CPR_OK);
	STR_EQ(birth_of("610174-1239"), "1974-01-01");
	STR_EQ(birth_of("910174-1230"), "1974-01-31");
	/* Day 31 + 60 is the last; 92 and days 32-60 are no date at all. */
	INT_EQ(check("920174-1230", NULL), KP_CPR_DATE);
	INT_EQ(check("450174-1230", NULL), KP_CPR_DATE);
	/* 30 February stays impossible as a replacement number. */
	INT_EQ(check("900274-1230", NULL), KP_CPR_DATE);
}

void test_cpr__form_is_exactly_ddmmyy_hyphen_ssss(void)
{
	INT_EQ(check("0101741230", NULL), KP_CPR_FORMAT);
	INT_EQ(check("010174 1230", NULL), KP_CPR_FORMAT);
	INT_EQ(check("010174-123", NULL), KP_CPR_FORMAT);
	INT_EQ(check("010174-12300", NULL), KP_CPR_FORMAT);
	INT_EQ(check("010174-123a", NULL), KP_CPR_FORMAT);
	INT_EQ(check("O10174-1230", NULL), KP_CPR_FORMAT);
	INT_EQ(check("+10174-1230", NULL), KP_CPR_FORMAT);
	INT_EQ(check("", NULL), KP_CPR_FORMAT);
	INT_EQ(kp_cpr_check(NULL, 0, NULL), KP_CPR_FORMAT);
	/* len counts: a NUL inside the 11 bytes is not a digit. */
	INT_EQ(kp_cpr_check("010174-12\0000", 11, NULL), KP_CPR_FORMAT);
	INT_EQ(kp_cpr_check("010174-1230", 10, NULL), KP_CPR_FORMAT);
}

void test_cpr__birth_is_untouched_on_failure(void)
{
	struct kp_date d = {7, 7, 7};

	INT_EQ(check("320174-1230", &d), KP_CPR_DATE);
	INT_EQ(d.y, 7);
	INT_EQ(check("nonsense", &d), KP_CPR_FORMAT);
	INT_EQ(d.d, 7);
}

void test_cpr__mask_hides_the_last_four_digits(void)
{
	STR_EQ(mask("010174-1235"), "010174-xxxx");
	STR_EQ(mask("320174-1235"), "320174-xxxx");
	STR_EQ(mask("0101741235"), "xxxxxx-xxxx");
	STR_EQ(mask("010174-12355"), "xxxxxx-xxxx");
	STR_EQ(mask("010174-12a5"), "xxxxxx-xxxx");
	STR_EQ(mask("abcdef-ghij"), "xxxxxx-xxxx");
	STR_EQ(mask(""), "xxxxxx-xxxx");
	STR_EQ(mask(NULL), "xxxxxx-xxxx");
	OK(strstr(mask("010174-1235"), "1235") == NULL);
}

static const char *mask_text(const char *s)
{
	static char out[200];

	snprintf(out, sizeof(out), "%s", s);
	kp_cpr_mask_text(out);
	return out;
}

void test_cpr__messages_never_show_a_cpr_number(void)
{
	/* With or without the dash, from any field, in any place. */
	STR_EQ(mask_text("borger.cpr: '010174-1235' does not match"),
	       "borger.cpr: '010174-xxxx' does not match");
	STR_EQ(mask_text("borger.telefon: '0101741235' does not match"),
	       "borger.telefon: '010174xxxx' does not match");
	STR_EQ(mask_text("got integer 101741235"), "got integer 10174xxxx");
	STR_EQ(mask_text("010174 1235"), "010174 xxxx");
	STR_EQ(mask_text("a 0101741235@x.dk b"), "a 010174xxxx@x.dk b");
	STR_EQ(mask_text("0101741235"), "010174xxxx");
	/* after an escaped line break or control character */
	STR_EQ(mask_text("'Vej 1\\n0101741235'"), "'Vej 1\\n010174xxxx'");
	STR_EQ(mask_text("'\\x1f010174-1235'"), "'\\x1f010174-xxxx'");
	STR_EQ(mask_text("two: 010174-1235, 0202741234."),
	       "two: 010174-xxxx, 020274xxxx.");
	/* glued to letters, as when pasted into a key, or to other digits */
	STR_EQ(mask_text("unknown key 'givet0101741235'"),
	       "unknown key 'givet010174xxxx'");
	STR_EQ(mask_text("'moed0101741235e'"), "'moed010174xxxxe'");
	STR_EQ(mask_text("'x010174-1235y'"), "'x010174-xxxxy'");
	/* longer numbers are no CPR numbers */
	STR_EQ(mask_text("9007199254740993"), "9007199254740993");
	/* Not a CPR number: dates, short numbers, ids, decimals. */
	STR_EQ(mask_text("2014-05-01, 12345678, 12 34 56 78, 1048576"),
	       "2014-05-01, 12345678, 12 34 56 78, 1048576");
	STR_EQ(mask_text("commit fa0123456789e, ki-2014-0001, abc12345"),
	       "commit fa0123456789e, ki-2014-0001, abc12345");
	STR_EQ(mask_text("0.123456789 and 1234567890.5"),
	       "0.123456789 and 1234567890.5");
}
