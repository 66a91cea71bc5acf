/*
 * redact.c: --redact, the one function that hides CPR numbers and Danish
 * telephone numbers in any text, for every command and every format.
 *
 * What is hidden (kiplan-plan(5), REDACTION):
 *  - a CPR number in any of the forms people write it: DDMMYY-SSSS with a
 *    hyphen, an en dash, a space, a dot or nothing between the halves,
 *    and DD.MM.YY-SSSS (hyphen or en dash): its last four digits become
 *    "xxxx", so that the birth date can still be read.  The first six
 *    digits must be a date (a day of 01-31, or 61-91 for a replacement
 *    number, and a month of 01-12);
 *  - a Danish telephone number: eight digits, the first 2-9, written
 *    together, in pairs (2-2-2-2, one kind of separator: space, hyphen or
 *    dot) or in fours (4-4, with a space), with or without +45, 0045 or
 *    (+45) before: every one of the eight digits becomes "x".
 *
 * Near misses are left alone: a number that goes on (more digits after a
 * separator of the same kind), one glued to letters or digits, dates
 * (2014-05-01, 1.5.2014, 01.05.2014), years (2014-2015), times
 * (10.30-12.00), amounts (25.000 kr., 21478390 kr.) and numbers after
 * a word that says what they are (CVR, EAN, sagsnr., j.nr., kontonr....).
 * Every change keeps the length of the text, so it is done in place.
 */
#include <stddef.h>
#include <string.h>

#include "base/base.h"
#include "banned.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (unsigned char)c >= 0x80;
}

static int is_alnum(char c)
{
	return is_digit(c) || is_alpha(c);
}

/* n digits at s, and no more. */
static int digits_at(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return !is_digit(s[n]);
}

static int two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* DD and MM of a CPR number: a day of a month (or of a replacement). */
static int cpr_date(const char *dd, const char *mm)
{
	int d = two(dd), m = two(mm);

	if (d > 60)
		d -= 60;
	return d >= 1 && d <= 31 && m >= 1 && m <= 12;
}

/*
 * The length of the separator at s: a hyphen, a space, a dot, an en
 * dash (U+2013) or a no-break space (U+00A0); 0 for none.
 */
static size_t sep_len(const char *s)
{
	if (*s == '-' || *s == ' ' || *s == '.')
		return 1;
	if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0)
		return 2;
	if ((unsigned char)s[0] == 0xe2 && (unsigned char)s[1] == 0x80 &&
	    (unsigned char)s[2] == 0x93)
		return 3;
	return 0;
}

/* The same separator at a as at b (n bytes). */
static int same_sep(const char *a, const char *b, size_t n)
{
	return n && sep_len(a) == n && memcmp(a, b, n) == 0;
}

static void mask(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (is_digit(s[i]))
			s[i] = 'x';
}

/*
 * Does a number start at s (s - start bytes into the text)?  Not when it
 * goes on from a digit before it, or from a digit and a separator
 * ("1.140973..." is part of something longer); with letters, not when a
 * letter stands right before it.
 */
static int starts_here(const char *start, const char *s, int letters)
{
	size_t k;

	if (s == start)
		return 1;
	if (is_digit(s[-1]) || (letters && is_alpha(s[-1])))
		return 0;
	for (k = 1; k <= 3 && (size_t)(s - start) > k; k++)
		if (sep_len(s - k) == k && is_digit(s[-(long)k - 1]))
			return 0;
	return 1;
}

/*
 * A CPR number at s: the length of its first part up to the four digits
 * to hide (7, 8, 9, 10 or 11), or 0.
 */
static size_t cpr_at(const char *s)
{
	size_t n;

	/* DD.MM.YY-SSSS or with an en dash */
	if (is_digit(s[0]) && is_digit(s[1]) && s[2] == '.' && is_digit(s[3]) &&
	    is_digit(s[4]) && s[5] == '.' && is_digit(s[6]) && is_digit(s[7]) &&
	    cpr_date(s, s + 3)) {
		n = sep_len(s + 8);
		if ((n == 1 && s[8] == '-') || n == 3) {
			if (digits_at(s + 8 + n, 4))
				return 8 + n;
		}
		return 0;
	}
	if (!digits_at(s, 6) && !digits_at(s, 10))
		return 0;
	if (!cpr_date(s, s + 2))
		return 0;
	if (digits_at(s, 10))
		return 6;
	n = sep_len(s + 6);
	if (!n || !digits_at(s + 6 + n, 4))
		return 0;
	/* 140973 1879 yes; but not 140973 1879 12 (a longer number) */
	if (same_sep(s + 10 + n, s + 6, n) && is_digit(s[10 + 2 * n]))
		return 0;
	return 6 + n;
}

/* Words after which eight digits are not a telephone number. */
static const char *const not_phone[] = {
	"cvr",	   "cvrnr",   "cvr-nr", "se",	    "se-nr",	 "senr",
	"p-nr",	   "pnr",     "ean",	"ean-nr",   "eannr",	 "sagsnr",
	"sags-nr", "sag",     "j.nr",	"jnr",	    "journalnr", "journal-nr",
	"journal", "kontonr", "konto",	"konto-nr", "reg.nr",	 "regnr",
	"ref",	   "ref.nr",  "refnr",	"faktura",  "fakturanr", "ordre",
	"ordrenr", "kr",      "dkk",	"eur",	    "kr.",	 "nr.sag"
};

/* Words after which the number is an amount. */
static const char *const money[] = { "kr", "dkk", "eur", "kroner" };

static int in_list(const char *w, size_t n, const char *const *list, size_t len)
{
	size_t i, k;

	for (i = 0; i < len; i++) {
		if (strlen(list[i]) != n)
			continue;
		for (k = 0; k < n; k++) {
			char c = w[k];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c + 32);
			if (c != list[i][k])
				break;
		}
		if (k == n)
			return 1;
	}
	return 0;
}

/*
 * The word before s (letters, dots and hyphens, with ':', '.' and spaces
 * between it and s) says the number is not a telephone number.
 */
static int named_before(const char *start, const char *s)
{
	const char *e = s, *b;

	while (e > start && (e[-1] == ' ' || e[-1] == ':' || e[-1] == '.'))
		e--;
	while (e > start && e[-1] == '.')
		e--;
	b = e;
	while (b > start && (is_alpha(b[-1]) || b[-1] == '.' || b[-1] == '-') &&
	       (unsigned char)b[-1] < 0x80)
		b--;
	if (b == e)
		return 0;
	return in_list(b, (size_t)(e - b), not_phone,
		       sizeof(not_phone) / sizeof(not_phone[0]));
}

/* An amount: "kr." (or DKK, EUR, kroner) follows. */
static int money_after(const char *e)
{
	const char *b;

	while (*e == ' ')
		e++;
	if ((unsigned char)e[0] == 0xc2 && (unsigned char)e[1] == 0xa0)
		e += 2;
	for (b = e; is_alpha(*b) && (unsigned char)*b < 0x80; b++)
		;
	return b > e && in_list(e, (size_t)(b - e), money,
				sizeof(money) / sizeof(money[0]));
}

/*
 * The prefix of a telephone number at s: +45, 0045 or (+45), with one
 * separator after it, or none; its length, or 0.
 */
static size_t phone_prefix(const char *s)
{
	size_t n = 0;

	if (strncmp(s, "(+45)", 5) == 0)
		n = 5;
	else if (strncmp(s, "+45", 3) == 0)
		n = 3;
	else if (strncmp(s, "0045", 4) == 0)
		n = 4;
	if (!n)
		return 0;
	if (s[n] == ' ' || s[n] == '-')
		n++;
	else if ((unsigned char)s[n] == 0xc2 && (unsigned char)s[n + 1] == 0xa0)
		n += 2;
	return n;
}

/*
 * The eight digits of a telephone number at s; their span, or 0.  Without
 * a prefix the first digit must be 2-9, as in every Danish number.
 */
static size_t phone_digits(const char *s, int prefixed)
{
	size_t n;

	if (!prefixed && (s[0] < '2' || s[0] > '9'))
		return 0;
	if (digits_at(s, 8))
		return 8;
	if (digits_at(s, 4)) { /* 2147 8390 */
		n = sep_len(s + 4);
		if ((s[4] == ' ' || n == 2) && digits_at(s + 4 + n, 4) &&
		    !(same_sep(s + 8 + n, s + 4, n) && is_digit(s[9 + n])))
			return 8 + n;
		return 0;
	}
	if (!digits_at(s, 2)) /* 21 47 83 90 */
		return 0;
	n = sep_len(s + 2);
	if (!n || n == 3)
		return 0;
	if (!digits_at(s + 2 + n, 2) || !same_sep(s + 4 + n, s + 2, n) ||
	    !digits_at(s + 4 + 2 * n, 2) ||
	    !same_sep(s + 6 + 2 * n, s + 2, n) || !digits_at(s + 6 + 3 * n, 2))
		return 0;
	/* 21 47 83 90 12 is longer than a telephone number */
	if (same_sep(s + 8 + 3 * n, s + 2, n) && is_digit(s[8 + 4 * n]))
		return 0;
	return 8 + 3 * n;
}

/* A telephone number at s: its length, or 0. */
static size_t phone_at(const char *start, const char *s)
{
	size_t p = phone_prefix(s), n;

	if ((!p && !is_digit(*s)) || !starts_here(start, s, 1))
		return 0;
	if (!(n = phone_digits(s + p, p > 0)))
		return 0;
	if (is_alnum(s[p + n]) || money_after(s + p + n))
		return 0;
	if (!p && named_before(start, s))
		return 0;
	return p + n;
}

size_t kp_redact_text(char *s)
{
	char *p = s;
	size_t hits = 0, n;

	while (*p) {
		if (!is_digit(*p) && *p != '+' && *p != '(') {
			p++;
			continue;
		}
		/* A CPR number may be glued to letters: "cpr0101741235". */
		if (is_digit(*p) && starts_here(s, p, 0) && (n = cpr_at(p))) {
			mask(p + n, 4);
			p += n + 4;
			hits++;
		} else if ((n = phone_at(s, p))) {
			mask(p + phone_prefix(p), n - phone_prefix(p));
			p += n;
			hits++;
		} else {
			p++;
		}
	}
	return hits;
}
