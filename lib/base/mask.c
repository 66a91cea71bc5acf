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

size_t kp_cpr_mask_text(char *s)
{
	size_t i = 0, n, hits = 0;

	while (s[i]) {
		if (!is_digit(s[i]) || (i > 0 && is_alnum(s[i - 1]))) {
			i++;
			continue;
		}
		n = digits(s + i);
		if (is_alnum(s[i + n]) || (i > 0 && s[i - 1] == '.') ||
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
	}
	return hits;
}
