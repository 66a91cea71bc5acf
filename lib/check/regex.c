/*
 * regex.c: ECMA-262 regular expressions (as JSON Schema's pattern and
 * patternProperties use them) rewritten for PCRE2 10.42.
 */
#include <string.h>

#include "check/check.h"
#include "schema.h"
#include "banned.h"

/* ECMA-262 white space and line terminators beyond ASCII. */
#define ECMA_SPACE                                                             \
	"\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}"       \
	"\\x{205f}\\x{3000}\\x{feff}"

/* General_Category values of ECMA-262 (long names and aliases). */
static const struct {
	const char *name, *pcre;
} categories[] = { { "Cased_Letter", "L&" },
		   { "Close_Punctuation", "Pe" },
		   { "Combining_Mark", "M" },
		   { "Connector_Punctuation", "Pc" },
		   { "Control", "Cc" },
		   { "Currency_Symbol", "Sc" },
		   { "Dash_Punctuation", "Pd" },
		   { "Decimal_Number", "Nd" },
		   { "Enclosing_Mark", "Me" },
		   { "Final_Punctuation", "Pf" },
		   { "Format", "Cf" },
		   { "Initial_Punctuation", "Pi" },
		   { "LC", "L&" },
		   { "Letter", "L" },
		   { "Letter_Number", "Nl" },
		   { "Line_Separator", "Zl" },
		   { "Lowercase_Letter", "Ll" },
		   { "Mark", "M" },
		   { "Math_Symbol", "Sm" },
		   { "Modifier_Letter", "Lm" },
		   { "Modifier_Symbol", "Sk" },
		   { "Nonspacing_Mark", "Mn" },
		   { "Number", "N" },
		   { "Open_Punctuation", "Ps" },
		   { "Other", "C" },
		   { "Other_Letter", "Lo" },
		   { "Other_Number", "No" },
		   { "Other_Punctuation", "Po" },
		   { "Other_Symbol", "So" },
		   { "Paragraph_Separator", "Zp" },
		   { "Private_Use", "Co" },
		   { "Punctuation", "P" },
		   { "Separator", "Z" },
		   { "Space_Separator", "Zs" },
		   { "Spacing_Mark", "Mc" },
		   { "Surrogate", "Cs" },
		   { "Symbol", "S" },
		   { "Titlecase_Letter", "Lt" },
		   { "Unassigned", "Cn" },
		   { "Uppercase_Letter", "Lu" },
		   { "cntrl", "Cc" },
		   { "digit", "Nd" },
		   { "punct", "P" } };

static int name_is(const char *s, size_t len, const char *name)
{
	return strlen(name) == len && memcmp(s, name, len) == 0;
}

/* \p{...} or \P{...}: s points at the name, len bytes, up to the '}'. */
static void property(struct kp_buf *out, int negate, const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len);
	const char *value = s;
	size_t vlen = len, i;

	if (eq) {
		size_t klen = (size_t)(eq - s);

		value = eq + 1;
		vlen = len - klen - 1;
		if (name_is(s, klen, "Script") || name_is(s, klen, "sc")) {
			kp_buf_addstr(out, negate ? "\\P{" : "\\p{");
			kp_buf_add(out, value, vlen);
			kp_buf_addch(out, '}');
			return;
		}
		if (name_is(s, klen, "Script_Extensions") ||
		    name_is(s, klen, "scx")) {
			kp_buf_addstr(out, negate ? "\\P{scx:" : "\\p{scx:");
			kp_buf_add(out, value, vlen);
			kp_buf_addch(out, '}');
			return;
		}
		/* General_Category=X and gc=X: fall through with X. */
	}
	if (name_is(value, vlen, "Assigned")) {
		kp_buf_addstr(out, negate ? "\\p{Cn}" : "\\P{Cn}");
		return;
	}
	for (i = 0; i < sizeof(categories) / sizeof(categories[0]); i++) {
		if (name_is(value, vlen, categories[i].name)) {
			kp_buf_addstr(out, negate ? "\\P{" : "\\p{");
			kp_buf_addstr(out, categories[i].pcre);
			kp_buf_addch(out, '}');
			return;
		}
	}
	kp_buf_addstr(out, negate ? "\\P{" : "\\p{");
	kp_buf_add(out, value, vlen);
	kp_buf_addch(out, '}');
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at s (n bytes available), or -1. */
static long hex4(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	if (n < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		int h = hexval(s[i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Bytes of the UTF-8 character that starts with byte c (1 if invalid). */
static size_t char_len(unsigned char c)
{
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

void kp_regex_translate(struct kp_buf *out, const char *src, size_t len)
{
	size_t i = 0;
	int in_class = 0;

	while (i < len) {
		char c = src[i];
		size_t n;

		if (c == '\\' && i + 1 < len) {
			char e = src[i + 1];
			long u, lo;

			if ((e == 'p' || e == 'P') && i + 2 < len &&
			    src[i + 2] == '{') {
				const char *close =
					memchr(src + i + 3, '}', len - i - 3);

				if (close) {
					property(out, e == 'P', src + i + 3,
						 (size_t)(close - src - i - 3));
					i = (size_t)(close - src) + 1;
					continue;
				}
			} else if (e == 'u' && i + 2 < len &&
				   src[i + 2] == '{') {
				const char *close =
					memchr(src + i + 3, '}', len - i - 3);

				if (close) {
					kp_buf_addstr(out, "\\x{");
					kp_buf_add(
						out, src + i + 3,
						(size_t)(close - src - i - 3));
					kp_buf_addch(out, '}');
					i = (size_t)(close - src) + 1;
					continue;
				}
			} else if (e == 'u' &&
				   (u = hex4(src + i + 2, len - i - 2)) >= 0) {
				i += 6;
				if (u >= 0xd800 && u <= 0xdbff && i + 1 < len &&
				    src[i] == '\\' && src[i + 1] == 'u' &&
				    (lo = hex4(src + i + 2, len - i - 2)) >=
					    0xdc00 &&
				    lo <= 0xdfff) {
					u = 0x10000 + ((u - 0xd800) << 10) +
					    (lo - 0xdc00);
					i += 6;
				}
				kp_buf_addf(out, "\\x{%lx}", u);
				continue;
			} else if (e == 's') {
				kp_buf_addstr(out, in_class ? "\\s" ECMA_SPACE
							    : "[\\s" ECMA_SPACE
							      "]");
				i += 2;
				continue;
			} else if (e == 'S' && !in_class) {
				kp_buf_addstr(out, "[^\\s" ECMA_SPACE "]");
				i += 2;
				continue;
			}
			n = 1 + char_len((unsigned char)e);
			if (n > len - i)
				n = len - i;
			kp_buf_add(out, src + i, n);
			i += n;
			continue;
		}
		if (!in_class && c == '[') {
			if (i + 1 < len && src[i + 1] == ']') {
				/* ECMA-262: the empty class matches nothing */
				kp_buf_addstr(out, "(?!)");
				i += 2;
				continue;
			}
			if (i + 2 < len && src[i + 1] == '^' &&
			    src[i + 2] == ']') {
				/* ... and its negation any character */
				kp_buf_addstr(out, "[\\s\\S]");
				i += 3;
				continue;
			}
			in_class = 1;
			kp_buf_addch(out, '[');
			i++;
			if (i < len && src[i] == '^') {
				kp_buf_addch(out, '^');
				i++;
			}
			continue;
		}
		if (in_class && c == '[') {
			/* literal in ECMA-262; PCRE2 would see [:alpha:] */
			kp_buf_addstr(out, "\\[");
			i++;
			continue;
		}
		if (in_class && c == ']')
			in_class = 0;
		n = char_len((unsigned char)c);
		if (n > len - i)
			n = len - i;
		kp_buf_add(out, src + i, n);
		i += n;
	}
}
