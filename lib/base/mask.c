/*
 * mask.c: no message may show a CPR number.  A value typed into the wrong
 * field, or without its dash, is still a CPR number, so every message is
 * searched for anything shaped like one and its last four digits become
 * "xxxx", whichever field the text came from.
 */
#include <stddef.h>

#include "kiplan.h"
#include "banned.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t digits(const char *s)
{
	size_t n = 0;

	while (is_digit(s[n]))
		n++;
	return n;
}

static void mask4(char *s)
{
	s[0] = s[1] = s[2] = s[3] = 'x';
}

static int is_xdigit(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * The length of an escape that kp_buf_add_escaped() writes (\n, \t, \r,
 * \xHH, \uHHHH) at s, or 0: a value's line break must not hide the number after
 * it ("Vej 1\n0101741235").
 */
static size_t escape_len(const char *s)
{
	if (s[0] != '\\')
		return 0;
	if (s[1] == 'n' || s[1] == 't' || s[1] == 'r' || s[1] == '\\')
		return 2;
	if (s[1] == 'x' && is_xdigit(s[2]) && is_xdigit(s[3]))
		return 4;
	if (s[1] == 'u' && is_xdigit(s[2]) && is_xdigit(s[3]) &&
	    is_xdigit(s[4]) && is_xdigit(s[5]))
		return 6;
	return 0;
}

size_t kp_cpr_mask_text(char *s)
{
	size_t i = 0, n, hits = 0;
	int left = 1; /* nothing before s[i] that a number would go on */

	while (s[i]) {
		if ((n = escape_len(s + i)) > 0) {
			i += n;
			left = 1;
			continue;
		}
		if (!is_digit(s[i])) {
			left = !is_alnum(s[i]) && s[i] != '.';
			i++;
			continue;
		}
		n = digits(s + i);
		if (!left || is_alnum(s[i + n]) ||
		    (s[i + n] == '.' && is_digit(s[i + n + 1]))) {
			/* part of a word, a commit id or a decimal number */
		} else if (n == 6 && (s[i + 6] == '-' || s[i + 6] == ' ') &&
			   digits(s + i + 7) == 4 && !is_alnum(s[i + 11])) {
			mask4(s + i + 7);
			hits++;
			n = 11;
		} else if (n == 9 || n == 10) {
			/* 9: a CPR number whose leading zero YAML dropped */
			mask4(s + i + n - 4);
			hits++;
		}
		i += n;
		left = 0;
	}
	return hits;
}
