/*
 * text.c: small things about text that several modules need: the edit
 * distance behind every "did you mean".
 */
#include <string.h>

#include "base/base.h"
#include "banned.h"

#define DIST_MAX 32

static size_t decode(const char *s, size_t len, unsigned *cp, size_t max)
{
	size_t i = 0, n = 0;

	while (i < len && n < max) {
		size_t k = kp_utf8_len(s + i, len - i), j;
		unsigned v;

		if (k == 0) {
			cp[n++] = 0xfffd;
			i++;
			continue;
		}
		v = k == 1 ? (unsigned char)s[i]
			   : (unsigned char)s[i] & (0x3fu >> (k - 1));
		for (j = 1; j < k; j++)
			v = (v << 6) | ((unsigned char)s[i + j] & 0x3f);
		cp[n++] = v;
		i += k;
	}
	return n;
}

size_t kp_text_distance(const char *a, size_t alen, const char *b, size_t blen)
{
	unsigned x[DIST_MAX], y[DIST_MAX];
	size_t d[DIST_MAX + 1][DIST_MAX + 1];
	size_t n, m, i, j;

	if (alen > DIST_MAX * 4 || blen > DIST_MAX * 4)
		return (size_t)-1;
	n = decode(a, alen, x, DIST_MAX);
	m = decode(b, blen, y, DIST_MAX);
	for (i = 0; i <= n; i++)
		d[i][0] = i;
	for (j = 0; j <= m; j++)
		d[0][j] = j;
	for (i = 1; i <= n; i++) {
		for (j = 1; j <= m; j++) {
			size_t cost = x[i - 1] != y[j - 1];
			size_t best = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < best)
				best = d[i - 1][j - 1] + cost;
			/* A swap of two neighbours counts as one edit. */
			if (i > 1 && j > 1 && x[i - 1] == y[j - 2] &&
			    x[i - 2] == y[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[n][m];
}

const char *kp_suggest(const char *word, const char *const *choices, size_t n)
{
	size_t len = strlen(word), best = (size_t)-1, i, limit;
	const char *found = NULL;

	/* One edit in a short word, one in three in a longer one. */
	limit = len < 6 ? 1 : len / 3;
	for (i = 0; i < n; i++) {
		size_t d = kp_text_distance(word, len, choices[i],
					    strlen(choices[i]));

		/* A prefix ("--form" for "--format") is a near miss too. */
		if (d > limit && len >= 3 && strlen(choices[i]) > len &&
		    strncmp(word, choices[i], len) == 0)
			d = limit;
		if (d <= limit && d < best) {
			best = d;
			found = choices[i];
		}
	}
	return found;
}

/*
 * A conflict marker: seven '<', '|' or '>' at the line's start, then a
 * space or the line's end.  "=======" alone is not taken for one: it is
 * also a Markdown heading's underline.
 */
static int marker(const char *s, size_t n)
{
	static const char marks[] = "<|>";
	size_t i;

	if (n < 7 || !strchr(marks, s[0]))
		return 0;
	for (i = 1; i < 7; i++)
		if (s[i] != s[0])
			return 0;
	return n == 7 || s[7] == ' ' || s[7] == '\r';
}

unsigned kp_conflict_line(const char *text, size_t len)
{
	size_t pos = 0;
	unsigned line = 1;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text) - pos : len - pos;

		if (marker(text + pos, n))
			return line;
		if (!nl)
			break;
		pos += n + 1;
		line++;
	}
	return 0;
}

size_t kp_text_shorten(const char *s, size_t max, int *whole)
{
	size_t i, chars = 0, cut = 0;

	for (i = 0; s[i] && s[i] != '\n'; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (chars == max)
			break;
		if (s[i] == ' ')
			cut = i;
		chars++;
	}
	*whole = !s[i];
	if (*whole)
		return i;
	/* At a line's end: the line; at max: after a word, if one ends. */
	if (s[i] == '\n' || cut < i / 2)
		cut = i;
	while (cut && s[cut - 1] == ' ')
		cut--;
	return cut;
}
