/*
 * hint.c: the characters behind most YAML errors in a plan edited by
 * hand.  libyaml's own words for them ("found character that cannot
 * start any token") do not tell a coordinator that the tab key, or a
 * no-break space or curly quotes pasted from Word, are the trouble.
 */
#include <string.h>

#include "load/load.h"
#include "i18n.h"
#include "banned.h"

static const struct {
	unsigned cp;
	const char *name; /* Unicode's name: the same in every language */
} names[] = {
	{ 0x09, "U+0009 CHARACTER TABULATION" },
	{ 0xa0, "U+00A0 NO-BREAK SPACE" },
	{ 0x2018, "U+2018 LEFT SINGLE QUOTATION MARK" },
	{ 0x2019, "U+2019 RIGHT SINGLE QUOTATION MARK" },
	{ 0x201c, "U+201C LEFT DOUBLE QUOTATION MARK" },
	{ 0x201d, "U+201D RIGHT DOUBLE QUOTATION MARK" },
	{ 0x201e, "U+201E DOUBLE LOW-9 QUOTATION MARK" },
};

enum kp_hint kp_hint_at(const char *s, size_t n, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;

	*cp = 0;
	if (n >= 1 && u[0] == '\t') {
		*cp = 0x09;
		return KP_HINT_TAB;
	}
	if (n >= 2 && u[0] == 0xc2 && u[1] == 0xa0) {
		*cp = 0xa0;
		return KP_HINT_NBSP;
	}
	if (n >= 3 && u[0] == 0xe2 && u[1] == 0x80 &&
	    ((u[2] >= 0x98 && u[2] <= 0x99) ||
	     (u[2] >= 0x9c && u[2] <= 0x9e))) {
		*cp = 0x2000u | ((unsigned)u[2] - 0x80);
		return KP_HINT_QUOTE;
	}
	return KP_HINT_NONE;
}

enum kp_hint kp_hint_line(const char *s, const char *end, size_t *off,
			  unsigned *cp)
{
	const char *p = s;
	int indent = 1, start = 1;
	enum kp_hint h;

	while (p < end && *p != '\n' && *p != '\r') {
		h = kp_hint_at(p, (size_t)(end - p), cp);
		if (start && h != KP_HINT_NONE &&
		    (h != KP_HINT_TAB || indent)) {
			*off = (size_t)(p - s);
			return h;
		}
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		if (*p == '#' && start)
			break; /* a comment */
		if (*p == '-' && indent &&
		    (p + 1 == end || p[1] == ' ' || p[1] == '\t' ||
		     p[1] == '\n')) {
			indent = 0;
			p++;
			continue; /* an item: its value may start next */
		}
		indent = 0;
		start = 0;
		if (*p == ':' && p + 1 < end &&
		    (p[1] == ' ' || p[1] == '\t' ||
		     kp_hint_at(p + 1, (size_t)(end - p - 1), cp) ==
			     KP_HINT_NBSP))
			start = 1;
		p++;
	}
	*cp = 0;
	return KP_HINT_NONE;
}

void kp_hint_message(struct kp_buf *out, enum kp_hint hint, unsigned cp,
		     enum kp_hint_place place)
{
	const char *name = "";
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].cp == cp)
			name = names[i].name;
	/* TRANSLATORS: (all six) %s is a character's code and Unicode
	   name: "U+00A0 NO-BREAK SPACE", "U+201D RIGHT DOUBLE QUOTATION
	   MARK". */
	switch (hint) {
	case KP_HINT_NONE: break;
	case KP_HINT_TAB:
		kp_buf_addstr(out, _("YAML does not allow tabs for "
				     "indentation: indent with spaces"));
		break;
	case KP_HINT_NBSP:
		if (place == KP_HINT_IN_KEY)
			kp_buf_addf(out,
				    _("%s is not an ordinary space to YAML, "
				      "so it became part of the key (it is "
				      "often pasted from Word): indent with "
				      "ordinary spaces"),
				    name);
		else if (place == KP_HINT_IN_VALUE)
			kp_buf_addf(out,
				    _("%s is not an ordinary space to YAML, "
				      "so it became part of the value (it is "
				      "often pasted from Word): replace it "
				      "with a space"),
				    name);
		else
			kp_buf_addf(out,
				    _("%s is not an ordinary space to YAML "
				      "(it is often pasted from Word): "
				      "replace it with a space"),
				    name);
		break;
	case KP_HINT_QUOTE:
		if (place == KP_HINT_IN_KEY)
			kp_buf_addf(out,
				    _("%s is not a quotation mark to YAML, so "
				      "it became part of the key (it is often "
				      "pasted from Word): write the key "
				      "without it"),
				    name);
		else if (place == KP_HINT_IN_VALUE)
			kp_buf_addf(out,
				    _("%s is not a quotation mark to YAML, so "
				      "it became part of the value (it is "
				      "often pasted from Word): put the value "
				      "in straight quotes, \" or '"),
				    name);
		else
			kp_buf_addf(out,
				    _("%s is not a quotation mark to YAML (it "
				      "is often pasted from Word): put the "
				      "value in straight quotes, \" or '"),
				    name);
		break;
	}
}
