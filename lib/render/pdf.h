/*
 * pdf.h: internals of the PDF writer (render_pdf.c), exposed for the
 * unit tests only.  Nothing in cmd/ includes this.
 */
#ifndef KP_PDF_H
#define KP_PDF_H

#include <stddef.h>

#include "kiplan.h"

/*
 * Append s (len bytes) as the text of Pango markup: & < > ' " become
 * entities; invalid UTF-8, control characters other than tab and line
 * feed, and the noncharacters U+FFFE and U+FFFF become U+FFFD, so that
 * the result always parses.  Carriage returns are dropped.
 */
void kp_pdf_escape(struct kp_buf *out, const char *s, size_t len);

/*
 * One paragraph of a CommonMark text, as the PDF writer lays it out: the
 * Pango markup of its inlines, where it starts (x, points from the left
 * of the cell), the space above it, and the marker of the list item it
 * opens ("•", "2." or "3)") or NULL.
 */
enum kp_pdf_para_kind {
	KP_PDF_PARA_TEXT,
	KP_PDF_PARA_HEADING, /* a sub-heading (# or ##), level set */
	KP_PDF_PARA_CODE,    /* monospaced, kept as written */
	KP_PDF_PARA_RULE     /* a thematic break: a thin line */
};

struct kp_pdf_para {
	enum kp_pdf_para_kind kind;
	int level;    /* of a heading: 1 for #, 2 for ##... */
	int depth;    /* the lists it stands in: 0 for none */
	char *markup; /* owned */
	char *marker; /* owned, or NULL */
	double x;     /* left edge of the text */
	double mx;    /* left edge of the marker */
	double gap;   /* space above, in points */
};

struct kp_pdf_paras {
	struct kp_pdf_para *v;
	size_t len, alloc;
	char **urls; /* the links' addresses, "kplink-N" in the markup */
	size_t nurls, aurls;
};
/* clang-format off */
#define KP_PDF_PARAS_INIT { NULL, 0, 0, NULL, 0, 0 }
/* clang-format on */

/*
 * Convert CommonMark text into paragraphs.  Emphasis, strong emphasis,
 * code spans, paragraphs, headings, block quotes, code blocks and lists
 * (bullets and numbers with a hanging indent) are kept; a link is its
 * text followed by its URL in parentheses when the URL is safe
 * (kp_md_url_safe) and not the text itself, both in a span marked with
 * the font feature "kplink-N" when the URL is http, https or mailto
 * (urls[N]); raw HTML is literal text.
 * Indents stop growing at max_indent points.
 */
void kp_pdf_paras_from_md(struct kp_pdf_paras *out, const char *text,
			  size_t len, double max_indent);
void kp_pdf_paras_release(struct kp_pdf_paras *p);

#endif
