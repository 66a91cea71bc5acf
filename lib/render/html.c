/*
 * render_html.c: the model as one self-contained HTML document.
 *
 * Nothing in the output can run or fetch: there is no script, no
 * external reference, a Content-Security-Policy that forbids both, and
 * every text and attribute written here is escaped.  CommonMark goes
 * through kp_md_parse(), which has already turned raw HTML into text,
 * images into their description and unsafe links into plain text; it is
 * then written by libcmark's HTML renderer in safe mode.
 */
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "render/render.h"
#include "i18n.h"
#include "banned.h"

static const char css[] =
	"html{font-family:\"DejaVu Sans\",\"Liberation Sans\",Arial,"
	"sans-serif;font-size:10.5pt;line-height:1.35;color:#111}\n"
	"body{max-width:50em;margin:1.5em auto;padding:0 1em}\n"
	"h1{font-size:1.6em;margin:.6em 0 .4em}\n"
	"h2{font-size:1.2em;margin:1.4em 0 .3em;break-after:avoid}\n"
	"h3,h4,h5,h6{font-size:1em;margin:.6em 0 .2em}\n"
	"p{margin:.3em 0}\n"
	"ul,ol{margin:.3em 0;padding-left:1.6em}\n"
	"table{border-collapse:collapse;width:100%;margin:.4em 0 .8em;"
	"table-layout:fixed}\n"
	"th,td{border:1px solid #555;padding:.3em .45em;text-align:left;"
	"vertical-align:top;overflow-wrap:break-word;hyphens:auto}\n"
	"th{font-weight:bold}\n"
	"th.label{background:#eef1f4;font-weight:normal}\n"
	"th.label strong,th.label p:first-child{font-weight:bold}\n"
	"thead th,th.head{background:#dde3e9}\n"
	"th em,.guide{color:#444}\nth em{font-weight:normal}\n"
	".guide{font-style:italic;margin:.3em 0 .5em}\n"
	"pre{white-space:pre-wrap;font-size:.9em}\n"
	"hr{border:0;border-top:1px solid #777;margin:.4em 0}\n"
	".meta{font-size:.85em;color:#333;border-bottom:1px solid #999;"
	"padding-bottom:.3em;display:flex;justify-content:space-between;"
	"gap:1em}\n"
	".draft{color:#8a4b00;font-weight:bold}\n"
	".state{border:1.5px solid currentColor;padding:0 .3em;"
	"white-space:nowrap}\n"
	".invalid{color:#fff;background:#b00020;font-weight:bold;"
	"padding:.3em .5em;margin:.5em 0}\n"
	"footer{font-size:.85em;color:#333;border-top:1px solid #999;"
	"margin-top:2em;padding-top:.3em}\n"
	"@media print{\n"
	"html{font-size:9.5pt}\n"
	"body{max-width:none;margin:0;padding:0}\n"
	".meta,footer{display:none}\n"
	"thead{display:table-header-group}\n"
	"h1,h2,h3{break-after:avoid}\n"
	"a{color:inherit;text-decoration:none}\n"
	"}\n";

static void esc(struct kp_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': kp_buf_addstr(b, "&amp;"); break;
		case '<': kp_buf_addstr(b, "&lt;"); break;
		case '>': kp_buf_addstr(b, "&gt;"); break;
		case '"': kp_buf_addstr(b, "&quot;"); break;
		case '\'': kp_buf_addstr(b, "&#39;"); break;
		default: kp_buf_addch(b, *s); break;
		}
	}
}

/* Decode one UTF-8 character; invalid bytes are U+FFFD, one at a time. */
static unsigned utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned cp, n, i;

	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 1, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 2, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 3, cp = s[0] & 0x07;
	else
		goto bad;
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
		goto bad;
	*p = s + n + 1;
	return cp;
bad:
	*p = s + 1;
	return 0xfffd;
}

/*
 * A CSS string: everything but letters, digits and spaces is written as a
 * six-digit escape, so nothing can end the string or the style sheet.
 */
static void css_string(struct kp_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	unsigned cp;

	kp_buf_addch(b, '"');
	while (*p) {
		cp = utf8_next(&p);
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= '0' && cp <= '9') || cp == ' ')
			kp_buf_addch(b, (int)cp);
		else if (cp < 0x20 || cp == 0x7f)
			kp_buf_addch(b, ' ');
		else
			kp_buf_addf(b, "\\%06X ", cp);
	}
	kp_buf_addch(b, '"');
}

/*
 * Headings inside a field or the body must not outrank the document's
 * own: push them down below the part they stand in.
 */
static void demote_headings(cmark_node *doc, int by)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	cmark_node *node;
	int level;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER ||
		    cmark_node_get_type(node) != CMARK_NODE_HEADING)
			continue;
		level = cmark_node_get_heading_level(node) + by;
		cmark_node_set_heading_level(node, level > 6 ? 6 : level);
	}
	cmark_iter_free(it);
}

static void markdown(struct kp_buf *b, const char *text, int demote)
{
	cmark_node *doc;
	char *html;

	if (!text || !*text)
		return;
	doc = kp_md_parse(text, strlen(text));
	demote_headings(doc, demote);
	html = cmark_render_html(doc, CMARK_OPT_SAFE);
	kp_buf_addstr(b, html);
	free(html);
	kp_md_free(doc);
}

/* Literal text, its line breaks kept. */
static void plain(struct kp_buf *b, const char *text)
{
	const char *nl;

	while (text && *text) {
		nl = strchr(text, '\n');
		if (!nl) {
			esc(b, text);
			break;
		}
		{
			char *line = kp_xstrndup(text, (size_t)(nl - text));

			esc(b, line);
			free(line);
		}
		kp_buf_addstr(b, "<br>\n");
		text = nl + 1;
	}
}

static void cell_content(struct kp_buf *b, const struct kp_cell *c)
{
	if (c->flags & KP_CELL_PLAIN)
		plain(b, c->text);
	else
		markdown(b, c->text, 3);
}

static void write_table(struct kp_buf *b, const struct kp_block *t)
{
	const struct kp_cell *c;
	size_t r, k, group_end = 0;
	double total = 0;
	int in_body = 0;
	const char *tag;

	for (k = 0; k < t->ncols; k++)
		total += t->widths[k];
	kp_buf_addstr(b, "<table>\n<colgroup>");
	for (k = 0; k < t->ncols; k++)
		kp_buf_addf(b, "<col style=\"width:%.1f%%\">",
			    total > 0 ? 100.0 * t->widths[k] / total : 0.0);
	kp_buf_addstr(b, "</colgroup>\n");
	if (t->header_rows && t->header_rows <= t->nrows)
		kp_buf_addstr(b, "<thead>\n");
	for (r = 0; r < t->nrows; r++) {
		if (r >= t->header_rows && r >= group_end) {
			/*
			 * Rows that a span ties together share one tbody,
			 * which print CSS keeps on one page.
			 */
			if (r == t->header_rows && t->header_rows &&
			    t->header_rows <= t->nrows)
				kp_buf_addstr(b, "</thead>\n");
			if (in_body)
				kp_buf_addstr(b, "</tbody>\n");
			kp_buf_addstr(b, "<tbody>\n");
			in_body = 1;
		}
		kp_buf_addstr(b, "<tr>");
		for (k = 0; k < t->ncols; k++) {
			c = &t->cells[r * t->ncols + k];
			if (c->skip)
				continue;
			if (r >= t->header_rows && r + c->rowspan > group_end)
				group_end = r + c->rowspan;
			if (c->flags & KP_CELL_LABEL) {
				tag = "th";
				kp_buf_addstr(b, "<th scope=\"row\" "
						 "class=\"label\"");
			} else if (c->flags & KP_CELL_HEADER) {
				tag = "th";
				kp_buf_addstr(
					b, c->colspan > 1
						   ? "<th scope=\"colgroup\" "
						     "class=\"head\""
						   : "<th scope=\"col\" "
						     "class=\"head\"");
			} else {
				tag = "td";
				kp_buf_addstr(b, "<td");
			}
			if (c->colspan > 1)
				kp_buf_addf(b, " colspan=\"%u\"", c->colspan);
			if (c->rowspan > 1)
				kp_buf_addf(b, " rowspan=\"%u\"", c->rowspan);
			kp_buf_addch(b, '>');
			if (c->flags & KP_CELL_EMPH)
				kp_buf_addstr(b, "<div class=\"guide\">");
			if (c->text)
				cell_content(b, c);
			if (c->flags & KP_CELL_EMPH)
				kp_buf_addstr(b, "</div>");
			kp_buf_addf(b, "</%s>", tag);
		}
		kp_buf_addstr(b, "</tr>\n");
	}
	if (t->header_rows && t->header_rows <= t->nrows && !in_body)
		kp_buf_addstr(b, "</thead>\n");
	if (in_body)
		kp_buf_addstr(b, "</tbody>\n");
	kp_buf_addstr(b, "</table>\n");
}

static void write_block(struct kp_buf *b, const struct kp_block *blk)
{
	switch (blk->type) {
	case KP_BLOCK_HEADING:
		kp_buf_addf(b, "<h%d>", blk->level);
		esc(b, blk->text);
		kp_buf_addf(b, "</h%d>\n", blk->level);
		break;
	case KP_BLOCK_TEXT:
		kp_buf_addstr(b, blk->flags & KP_CELL_EMPH
					 ? "<div class=\"guide\">"
					 : "<div>");
		if (blk->flags & KP_CELL_PLAIN) {
			kp_buf_addstr(b, "<p>");
			plain(b, blk->text);
			kp_buf_addstr(b, "</p>");
		} else {
			markdown(b, blk->text, 2);
		}
		kp_buf_addstr(b, "</div>\n");
		break;
	case KP_BLOCK_TABLE: write_table(b, blk); break;
	}
}

/* The print style: A4, and on every page the header, stamp and marks. */
static void page_css(struct kp_buf *b, const struct kp_rdoc *doc)
{
	kp_buf_addstr(b, "@page{size:A4;margin:22mm 16mm 20mm 18mm;\n"
			 "@top-left{font-size:8pt;color:#333;content:");
	css_string(b, doc->header);
	kp_buf_addstr(b, "}\n@top-right{font-size:8pt;color:#333;content:");
	css_string(b, doc->stamp);
	kp_buf_addstr(b, "}\n@bottom-right{font-size:8pt;content:\"Side \" "
			 "counter(page) \" af \" counter(pages)}\n");
	if (doc->invalid) {
		kp_buf_addstr(b, "@top-center{font-size:9pt;font-weight:bold;"
				 "color:#b00020;content:");
		css_string(b, KP_RENDER_INVALID);
		kp_buf_addstr(b, "}\n");
	}
	if (kp_rdoc_mark(doc)) {
		kp_buf_addstr(b, doc->draft ? "@bottom-left{font-size:8pt;"
					      "font-weight:bold;"
					      "color:#8a4b00;content:"
					    : "@bottom-left{font-size:8pt;"
					      "font-weight:bold;content:");
		css_string(b, kp_rdoc_mark(doc));
		kp_buf_addstr(b, "}\n");
	}
	kp_buf_addstr(b, "}\n");
}

int kp_render_html(struct kp_buf *out, const struct kp_rdoc *doc,
		   struct kp_error *err)
{
	size_t i;

	if (!doc)
		return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				    _("no document to write"));
	kp_buf_addstr(
		out, "<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n"
		     "<meta charset=\"utf-8\">\n"
		     "<meta http-equiv=\"Content-Security-Policy\" "
		     "content=\"default-src 'none'; style-src 'unsafe-inline'; "
		     "base-uri 'none'; form-action 'none'\">\n"
		     "<meta name=\"referrer\" content=\"no-referrer\">\n"
		     "<meta name=\"viewport\" content=\"width=device-width, "
		     "initial-scale=1\">\n<title>");
	esc(out, doc->title);
	kp_buf_addstr(out, "</title>\n");
	if (doc->author && *doc->author) {
		kp_buf_addstr(out, "<meta name=\"author\" content=\"");
		esc(out, doc->author);
		kp_buf_addstr(out, "\">\n");
	}
	if (doc->subject && *doc->subject) {
		kp_buf_addstr(out, "<meta name=\"description\" content=\"");
		esc(out, doc->subject);
		kp_buf_addstr(out, "\">\n");
	}
	kp_buf_addstr(out, "<style>\n");
	kp_buf_addstr(out, css);
	page_css(out, doc);
	kp_buf_addstr(out, "</style>\n</head>\n<body>\n<header class=\"meta\">"
			   "<span>");
	esc(out, doc->header);
	kp_buf_addstr(out, "</span><span");
	if (doc->draft)
		kp_buf_addstr(out, " class=\"draft\"");
	kp_buf_addch(out, '>');
	esc(out, doc->stamp);
	if (kp_rdoc_mark(doc)) {
		kp_buf_addstr(out, " · <strong class=\"state\">");
		esc(out, kp_rdoc_mark(doc));
		kp_buf_addstr(out, "</strong>");
	}
	kp_buf_addstr(out, "</span></header>\n");
	if (doc->invalid) {
		kp_buf_addstr(out, "<p class=\"invalid\" role=\"alert\">");
		esc(out, KP_RENDER_INVALID);
		kp_buf_addstr(out, "</p>\n");
	}
	kp_buf_addstr(out, "<main>\n");
	for (i = 0; i < doc->nblocks; i++)
		write_block(out, &doc->blocks[i]);
	kp_buf_addstr(out, "</main>\n<footer>");
	esc(out, doc->stamp);
	if (kp_rdoc_mark(doc)) {
		kp_buf_addstr(out, " · ");
		esc(out, kp_rdoc_mark(doc));
	}
	kp_buf_addstr(out, "</footer>\n</body>\n</html>\n");
	return 0;
}
