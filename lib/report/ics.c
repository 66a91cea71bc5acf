/*
 * ics.c: the two rules of RFC 5545 that every iCalendar writer must get
 * right: TEXT escaping (3.3.11) and line folding (3.1).
 */
#include <string.h>

#include "report/report.h"
#include "banned.h"

#define ICS_LINE_MAX 75

void kp_ics_add_text(struct kp_buf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		switch (c) {
		case '\\':
		case ';':
		case ',':
			kp_buf_addch(out, '\\');
			kp_buf_addch(out, c);
			break;
		case '\n': kp_buf_add(out, "\\n", 2); break;
		case '\r': break;
		default:
			/* Other controls are not allowed in TEXT (3.1). */
			if ((unsigned char)c < 0x20 || c == 0x7f)
				kp_buf_addch(out, ' ');
			else
				kp_buf_addch(out, c);
		}
	}
}

/* Bytes of the UTF-8 sequence that starts with c (1 for a stray byte). */
static size_t seq_len(unsigned char c)
{
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	return 1;
}

void kp_ics_add_line(struct kp_buf *out, const char *line, size_t len)
{
	size_t i = 0, used = 0;

	while (i < len) {
		size_t n = seq_len((unsigned char)line[i]);

		if (n > len - i)
			n = len - i;
		if (used + n > ICS_LINE_MAX) {
			/* The leading space counts towards the next 75. */
			kp_buf_add(out, "\r\n ", 3);
			used = 1;
		}
		kp_buf_add(out, line + i, n);
		used += n;
		i += n;
	}
	kp_buf_add(out, "\r\n", 2);
}
