/*
 * mask.c: no message may show a CPR number.  A value typed into the wrong
 * field, or without its dash, is still a CPR number, so every message is
 * searched for anything shaped like one and its last four digits become
 * "xxxx", whichever field the text came from.
 */
#include <stddef.h>

#include "base/base.h"
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
 * 1 for a word of 12 or more hex digits with a letter among them: a
 * commit id, whose digits are no CPR number.
 */
static int commit_like(const char *s, size_t n)
{
	size_t i;
	int letter = 0;

	if (n < 12)
		return 0;
	for (i = 0; i < n; i++) {
		if (!is_xdigit(s[i]))
			return 0;
		letter |= !is_digit(s[i]);
	}
	return letter;
}

size_t kp_cpr_mask_text(char *s)
{
	size_t i = 0, j, k, n, hits = 0;

	while (s[i]) {
		if (!is_alnum(s[i])) {
			i++;
			continue;
		}
		/*
		 * A word, s[i, j): the number may be glued to letters, as
		 * when it was pasted into a key ("givet0101741235").
		 */
		for (j = i; is_alnum(s[j]); j++)
			;
		if (commit_like(s + i, j - i)) {
			i = j;
			continue;
		}
		for (k = i; k < j; k += n) {
			if (!is_digit(s[k])) {
				n = 1;
				continue;
			}
			n = digits(s + k);
			if ((k == i && k > 0 && s[k - 1] == '.') ||
			    (k + n == j && s[j] == '.' && is_digit(s[j + 1]))) {
				/* a decimal number: 0.123456789 */
			} else if (n == 6 && k + n == j &&
				   (s[j] == '-' || s[j] == ' ') &&
				   digits(s + j + 1) == 4) {
				mask4(s + j + 1);
				hits++;
				j += 5; /* go on after the four */
				n += 5;
			} else if (n == 9 || n == 10) {
				/* 9: a CPR number whose leading zero YAML
				 * dropped */
				mask4(s + k + n - 4);
				hits++;
			}
		}
		i = j;
	}
	return hits;
}
