/*
 * render_pdf.c: the document model (struct kp_rdoc) as an A4 PDF, drawn
 * natively with cairo and pango.
 *
 * Two passes.  The layout pass turns every block into flows of lines
 * (one PangoLayoutLine each, with its height and the space above it) and
 * paginates them into a display list per page; a table cell is a flow
 * too, so a cell taller than a page is split between two lines like any
 * text.  The drawing pass then knows the page count, and draws each page
 * with its running header, its footer "Side N af M" and its display list.
 *
 * All lengths are in points (1/72 inch): the Pango context has a
 * resolution of 72 dpi, so a font size is a length on the page.
 */
#include <cairo.h>
#include <cairo-pdf.h>
#include <cmark.h>
#include <hb.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/render.h"
#include "i18n.h"
#include "pdf.h"
#include "render/pdfpost.h"
#include "banned.h"

/* A4 and the page's areas. */
#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN_X 51.0
#define CONTENT_W (PAGE_W - 2 * MARGIN_X)
#define HEAD_Y 30.0   /* top of the running header */
#define BODY_TOP 84.0 /* top of the body */
#define BODY_BOTTOM (PAGE_H - 58.0)
#define FOOT_RULE (PAGE_H - 46.0)
#define BODY_H (BODY_BOTTOM - BODY_TOP)

/* Table cells. */
#define PAD_X 4.5
#define PAD_Y 3.2
#define BORDER 0.6
#define TABLE_GAP 8.0		  /* above a table */
#define TEXT_GAP 6.0		  /* above a text block */
#define MIN_SPLIT 34.0		  /* a row is split only if this much fits */
#define KEEP_WASTE (0.4 * BODY_H) /* most left empty to keep rows whole */

/*
 * A document of more lines (and table rows) than this, some 500 pages,
 * is refused rather than laid out: the time Pango takes grows with the
 * lines, and a 1 MB plan could otherwise hold half a million of them.
 */
#define MAX_LINES 40000

/* Paragraphs of CommonMark. */
#define PARA_GAP 4.0
#define TIGHT_GAP 1.5
#define QUOTE_INDENT 12.0
#define BULLET_INDENT 11.0

/*
 * Everything the parties read is at least 10 pt, so that the citizen
 * can read it; only the running header and footer are smaller.  Labels
 * and guidance stand in narrow columns: condensed.
 */
#define FONT_TEXT "DejaVu Serif 10"
#define FONT_MONO "DejaVu Sans Mono 10"
#define FONT_LABEL "DejaVu Sans Condensed Bold 10"
#define FONT_EMPH "DejaVu Sans Condensed Oblique 10"
#define FONT_SMALL "DejaVu Sans 8"
#define FONT_HEADER "DejaVu Sans Bold 9"
#define FONT_MARK "DejaVu Sans Bold 9.5"

static const char *const heading_fonts[] = { "DejaVu Sans Bold 16",
					     "DejaVu Sans Bold 12.5",
					     "DejaVu Sans Bold 10.5" };
static const double heading_gap[] = { 18.0, 14.0, 10.0 };
static const char *const heading_tags[] = {
	"H1", "H2", "H3", "H4", "H5", "H6"
};

/* Colours: grey levels and the red of the draft and invalid marks. */
#define INK 0.08
#define MUTED "#505050"
#define FILL_HEADER 0.85
#define FILL_LABEL 0.94
#define RULE_GREY 0.25
#define RED_R 0.70
#define RED_G 0.07
#define RED_B 0.07

#define PT(x) ((int)((x)*PANGO_SCALE + 0.5))
#define UN(x) ((double)(x) / PANGO_SCALE)

/* ------------------------------------------------------------------ */
/* Markup                                                              */
/* ------------------------------------------------------------------ */

static void add_utf8(struct kp_buf *out, gunichar c)
{
	char tmp[8];
	int n = g_unichar_to_utf8(c, tmp);

	kp_buf_add(out, tmp, (size_t)n);
}

void kp_pdf_escape(struct kp_buf *out, const char *s, size_t len)
{
	const char *end = s + len;

	while (s < end) {
		gunichar c = g_utf8_get_char_validated(s, end - s);
		const char *next;

		if (c == (gunichar)-1 || c == (gunichar)-2) {
			add_utf8(out, 0xfffd);
			s++;
			continue;
		}
		next = g_utf8_next_char(s);
		switch (c) {
		case '&': kp_buf_addstr(out, "&amp;"); break;
		case '<': kp_buf_addstr(out, "&lt;"); break;
		case '>': kp_buf_addstr(out, "&gt;"); break;
		case '\'': kp_buf_addstr(out, "&#39;"); break;
		case '"': kp_buf_addstr(out, "&quot;"); break;
		case '\r': break;
		case '\t':
		case '\n': kp_buf_addch(out, (int)c); break;
		default:
			if (c < 0x20 || c == 0x7f || c == 0xfffe ||
			    c == 0xffff || c == 0)
				add_utf8(out, 0xfffd);
			else
				kp_buf_add(out, s, (size_t)(next - s));
		}
		s = next;
	}
}

/* ------------------------------------------------------------------ */
/* CommonMark to paragraphs                                            */
/* ------------------------------------------------------------------ */

struct md_list {
	int ordered;
	int delim; /* CMARK_PERIOD_DELIM or CMARK_PAREN_DELIM */
	int next;  /* number of the next item */
	int tight;
	double indent; /* of its items' text */
};

struct md_walk {
	struct kp_pdf_paras *out;
	struct kp_buf m; /* markup of the paragraph being built */
	double x, max_indent;
	double *xs; /* x before each open container */
	size_t nxs, axs;
	struct md_list *lists;
	size_t nlists, alists;
	char *marker; /* of the item whose first paragraph is due */
	double mx;
	int in_link;
};

/*
 * A link's text is marked, in the markup, by a font feature that no font
 * has, "kplink-N" (N: its address in urls); make_layout() takes the mark
 * out again and keeps where it stood.
 */
#define LINK_FEATURE "kplink-"
#define LINK_COLOUR "#1f3f7a"

/* A web or mail address, which a reader's click can follow. */
static int link_target(const char *url)
{
	return !g_ascii_strncasecmp(url, "http://", 7) ||
	       !g_ascii_strncasecmp(url, "https://", 8) ||
	       !g_ascii_strncasecmp(url, "mailto:", 7);
}

static size_t add_url(struct kp_pdf_paras *o, const char *url)
{
	if (o->nurls == o->aurls) {
		o->aurls = o->aurls ? 2 * o->aurls : 4;
		o->urls = kp_xrealloc(o->urls, o->aurls * sizeof(*o->urls));
	}
	o->urls[o->nurls] = kp_xstrdup(url);
	return o->nurls++;
}

static void para_add(struct md_walk *w, enum kp_pdf_para_kind kind,
		     const char *markup, size_t len)
{
	struct kp_pdf_paras *o = w->out;
	struct kp_pdf_para *p;
	int tight = w->nlists && w->lists[w->nlists - 1].tight;

	if (o->len == o->alloc) {
		o->alloc = o->alloc ? 2 * o->alloc : 8;
		o->v = kp_xrealloc(o->v, o->alloc * sizeof(*o->v));
	}
	p = &o->v[o->len];
	p->kind = kind;
	p->level = 0;
	p->depth = (int)w->nlists;
	p->markup = kp_xstrndup(markup, len);
	p->marker = w->marker;
	p->x = w->x;
	p->mx = w->mx;
	p->gap = o->len == 0 ? 0 : tight ? TIGHT_GAP : PARA_GAP;
	w->marker = NULL;
	o->len++;
}

static void push_x(struct md_walk *w, double dx)
{
	if (w->nxs == w->axs) {
		w->axs = w->axs ? 2 * w->axs : 8;
		w->xs = kp_xrealloc(w->xs, w->axs * sizeof(*w->xs));
	}
	w->xs[w->nxs++] = w->x;
	if (w->x + dx <= w->max_indent)
		w->x += dx;
}

static void pop_x(struct md_walk *w)
{
	if (w->nxs)
		w->x = w->xs[--w->nxs];
}

static int count_digits(int n)
{
	int d = 1;

	while (n >= 10 || n <= -10) {
		n /= 10;
		d++;
	}
	return d + (n < 0);
}

static void list_enter(struct md_walk *w, cmark_node *node)
{
	struct md_list *l;
	cmark_node *c;
	int n = 0;

	if (w->nlists == w->alists) {
		w->alists = w->alists ? 2 * w->alists : 4;
		w->lists = kp_xrealloc(w->lists, w->alists * sizeof(*w->lists));
	}
	l = &w->lists[w->nlists++];
	l->ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
	l->delim = cmark_node_get_list_delim(node);
	l->next = cmark_node_get_list_start(node);
	l->tight = cmark_node_get_list_tight(node);
	if (l->ordered) {
		/* The hanging indent fits the widest number of the list. */
		for (c = cmark_node_first_child(node); c;
		     c = cmark_node_next(c))
			n++;
		l->indent = 6.0 + 5.8 * (count_digits(l->next + n - 1) + 1);
	} else {
		l->indent = BULLET_INDENT;
	}
}

static void item_enter(struct md_walk *w)
{
	static const char *const bullets[] = { "•", "◦", "▪" };
	struct md_list *l;
	struct kp_buf b = KP_BUF_INIT;

	if (!w->nlists)
		return;
	l = &w->lists[w->nlists - 1];
	if (l->ordered)
		kp_buf_addf(&b, "%d%c", l->next++,
			    l->delim == CMARK_PAREN_DELIM ? ')' : '.');
	else
		kp_buf_addstr(&b, bullets[(w->nlists - 1) % 3]);
	free(w->marker);
	w->marker = kp_buf_detach(&b, NULL);
	w->mx = w->x;
	push_x(w, l->indent);
}

/* Does the link's text say the same as its URL (an autolink)? */
static int link_is_url(cmark_node *link, const char *url)
{
	cmark_node *c = cmark_node_first_child(link);
	const char *t;

	if (!c || cmark_node_next(c) ||
	    cmark_node_get_type(c) != CMARK_NODE_TEXT)
		return 0;
	t = cmark_node_get_literal(c);
	if (!t)
		return 0;
	if (!strcmp(t, url))
		return 1;
	return !strncmp(url, "mailto:", 7) && !strcmp(t, url + 7);
}

static void add_literal(struct md_walk *w, cmark_node *node)
{
	const char *s = cmark_node_get_literal(node);

	if (s)
		kp_pdf_escape(&w->m, s, strlen(s));
}

/* A leaf block kept as written: code, raw HTML (as inert text). */
static void add_verbatim(struct md_walk *w, cmark_node *node)
{
	const char *s = cmark_node_get_literal(node);
	size_t len = s ? strlen(s) : 0;

	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	kp_buf_reset(&w->m);
	if (len)
		kp_pdf_escape(&w->m, s, len);
	para_add(w, KP_PDF_PARA_CODE, w->m.buf, w->m.len);
}

static const char *const heading_open[] = {
	"<span weight=\"bold\" size=\"125%\">",
	"<span weight=\"bold\" size=\"112%\">", "<span weight=\"bold\">"
};

static void md_event(struct md_walk *w, cmark_event_type ev, cmark_node *node)
{
	int enter = ev == CMARK_EVENT_ENTER, level;
	const char *url;

	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_BLOCK_QUOTE:
		if (enter)
			push_x(w, QUOTE_INDENT);
		else
			pop_x(w);
		break;
	case CMARK_NODE_LIST:
		if (enter)
			list_enter(w, node);
		else if (w->nlists)
			w->nlists--;
		break;
	case CMARK_NODE_ITEM:
		if (enter) {
			item_enter(w);
		} else {
			if (w->marker) /* an empty item still shows its marker
					*/
				para_add(w, KP_PDF_PARA_TEXT, "", 0);
			pop_x(w);
		}
		break;
	case CMARK_NODE_PARAGRAPH:
		if (enter)
			kp_buf_reset(&w->m);
		else
			para_add(w, KP_PDF_PARA_TEXT, w->m.buf, w->m.len);
		break;
	case CMARK_NODE_HEADING:
		/* # and ## are sub-headings: larger, bold, tagged H3, H4... */
		if (enter) {
			kp_buf_reset(&w->m);
			level = cmark_node_get_heading_level(node);
			kp_buf_addstr(&w->m, level == 1	  ? heading_open[0]
					     : level == 2 ? heading_open[1]
							  : heading_open[2]);
		} else {
			kp_buf_addstr(&w->m, "</span>");
			para_add(w, KP_PDF_PARA_HEADING, w->m.buf, w->m.len);
			w->out->v[w->out->len - 1].level =
				cmark_node_get_heading_level(node);
		}
		break;
	case CMARK_NODE_CODE_BLOCK:
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_CUSTOM_BLOCK: add_verbatim(w, node); break;
	case CMARK_NODE_THEMATIC_BREAK:
		para_add(w, KP_PDF_PARA_RULE, "", 0);
		break;
	case CMARK_NODE_TEXT:
	case CMARK_NODE_HTML_INLINE:
	case CMARK_NODE_CUSTOM_INLINE: add_literal(w, node); break;
	case CMARK_NODE_SOFTBREAK: kp_buf_addch(&w->m, ' '); break;
	case CMARK_NODE_LINEBREAK: kp_buf_addch(&w->m, '\n'); break;
	case CMARK_NODE_CODE:
		kp_buf_addstr(&w->m, "<span font_family=\"DejaVu Sans Mono\" "
				     "size=\"92%\">");
		add_literal(w, node);
		kp_buf_addstr(&w->m, "</span>");
		break;
	case CMARK_NODE_EMPH:
		kp_buf_addstr(&w->m, enter ? "<i>" : "</i>");
		break;
	case CMARK_NODE_STRONG:
		kp_buf_addstr(&w->m, enter ? "<b>" : "</b>");
		break;
	case CMARK_NODE_LINK:
		url = cmark_node_get_url(node);
		/*
		 * A link to the web or a mail address is clickable: its text
		 * and its address, which paper needs, are one link (see
		 * link_span()).  A place in the document (#x) has none.
		 */
		if (enter && url && link_target(url)) {
			kp_buf_addf(&w->m,
				    "<span font_features=\"" LINK_FEATURE
				    "%zu\" foreground=\"" LINK_COLOUR "\" "
				    "underline=\"single\">",
				    add_url(w->out, url));
			w->in_link = 1;
		}
		if (!enter && url && *url && kp_md_url_safe(url) &&
		    !link_is_url(node, url)) {
			kp_buf_addstr(&w->m, " (");
			kp_pdf_escape(&w->m, url, strlen(url));
			kp_buf_addch(&w->m, ')');
		}
		if (!enter && w->in_link) {
			kp_buf_addstr(&w->m, "</span>");
			w->in_link = 0;
		}
		break;
	case CMARK_NODE_IMAGE: kp_buf_addch(&w->m, enter ? '[' : ']'); break;
	default: break;
	}
}

void kp_pdf_paras_from_md(struct kp_pdf_paras *out, const char *text,
			  size_t len, double max_indent)
{
	struct md_walk w;
	cmark_node *doc;
	cmark_iter *it;
	cmark_event_type ev;

	memset(&w, 0, sizeof(w));
	w.out = out;
	kp_buf_init(&w.m);
	w.max_indent = max_indent;
	doc = kp_md_parse(text, len);
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
		md_event(&w, ev, cmark_iter_get_node(it));
	cmark_iter_free(it);
	kp_md_free(doc);
	free(w.marker);
	free(w.xs);
	free(w.lists);
	kp_buf_release(&w.m);
}

void kp_pdf_paras_release(struct kp_pdf_paras *p)
{
	size_t i;

	for (i = 0; i < p->len; i++) {
		free(p->v[i].markup);
		free(p->v[i].marker);
	}
	for (i = 0; i < p->nurls; i++)
		free(p->urls[i]);
	free(p->urls);
	free(p->v);
	p->v = NULL;
	p->urls = NULL;
	p->len = p->alloc = p->nurls = p->aurls = 0;
}

/* ------------------------------------------------------------------ */
/* Flows: lines of text, stacked                                       */
/* ------------------------------------------------------------------ */

struct line {
	PangoLayoutLine *pl;   /* NULL: a rule */
	PangoLayoutLine *mark; /* a list item's marker, or NULL */
	double x, mx;	       /* left edges, from the flow's left */
	double gap;	       /* space above it, unless first on a page */
	double height;
	double baseline; /* from the line's top */
	double end;	 /* sum of gaps and heights up to its bottom */
	int start;	 /* the first line of a paragraph */
	/* Its paragraph in the tagged PDF (see put_lines()). */
	const char *tag;     /* "P", "H1"... "H6"; NULL: an artifact (a rule) */
	int depth;	     /* the lists it stands in */
	int item;	     /* its paragraph opens a list item */
	size_t link0, nlink; /* its layout's links in pdf.links */
};

struct flow {
	struct line *v;
	size_t len, alloc;
};

/* Height of lines [a, b) set one below the other from a's top. */
static double flow_height(const struct flow *f, size_t a, size_t b)
{
	if (a >= b)
		return 0;
	return f->v[b - 1].end - (a ? f->v[a - 1].end : 0) - f->v[a].gap;
}

/* How many lines from a fit into avail points. */
static size_t flow_fit(const struct flow *f, size_t a, double avail)
{
	size_t b = a;

	while (b < f->len && flow_height(f, a, b + 1) <= avail + 0.001)
		b++;
	return b - a;
}

static struct line *flow_push(struct flow *f)
{
	struct line *l;

	if (f->len == f->alloc) {
		f->alloc = f->alloc ? 2 * f->alloc : 8;
		f->v = kp_xrealloc(f->v, f->alloc * sizeof(*f->v));
	}
	l = &f->v[f->len++];
	memset(l, 0, sizeof(*l));
	return l;
}

static void flow_end(struct flow *f, struct line *l)
{
	size_t i = (size_t)(l - f->v);

	l->end = (i ? f->v[i - 1].end : 0) + l->gap + l->height;
}

/* ------------------------------------------------------------------ */
/* Pages: display lists                                                */
/* ------------------------------------------------------------------ */

enum op_type {
	OP_FILL,   /* rectangle x, y, w, h in grey */
	OP_TEXT,   /* line pl with its origin at x, y; its links in h */
	OP_STROKE, /* line from x, y to x + w, y + h */
	OP_BEGIN,  /* a structure element opens: tag */
	OP_END	   /* and closes */
};

struct op {
	enum op_type type;
	PangoLayoutLine *pl;
	double x, y, w, h;
	double grey;
	const char *tag; /* OP_BEGIN, OP_END: static */
	char scope;	 /* a TH: 'C' heads a column, 'R' a row */
	/*
	 * OP_TEXT: the line's links, pdf.links[link0, link0 + nlink), and
	 * for their areas the line's height (h) and baseline below its top
	 * (w); spans: its paragraph has links, so that its text goes into
	 * Span and Link elements (see draw_links()).
	 */
	size_t link0, nlink;
	int spans;
};

/* A link in a layout: bytes [start, end) of its text go to urls[url]. */
struct link {
	int start, end;
	size_t url;
};

/* Lists deeper than this are tagged as this deep. */
#define MAX_DEPTH 8

struct page {
	struct op *v;
	size_t len, alloc;
};

/* A heading's place, for a bookmark to it. */
struct mark {
	const char *text; /* borrowed from the model */
	int level;
	size_t page; /* 0-based */
	double y;
};

struct pdf {
	const struct kp_rdoc *doc;
	struct kp_chars *missing; /* characters no font has, or NULL */
	PangoContext *pc;
	PangoLayout **layouts; /* every layout made, unreferenced at the end */
	size_t nlayouts, alayouts;
	struct page *pages;
	size_t npages, apages;
	double y;	    /* where the next thing goes on the last page */
	double lead;	    /* label_lead() */
	size_t lines;	    /* laid out so far, and table rows */
	int over;	    /* more than MAX_LINES: refused */
	int fresh;	    /* nothing on the last page yet */
	struct mark *marks; /* the headings, for the PDF's bookmarks */
	size_t nmarks, amarks;
	/* Links: where they stand in layouts, and their addresses. */
	struct link *links;
	size_t nlinks, alinks;
	char **urls;
	size_t nurls, aurls;
	const struct kp_pdf_paras *paras; /* whose "kplink-N" make_layout()
					     is reading, or NULL */
	/* The role of the lines laid out now (see struct line). */
	const char *tag;
	int depth, item;
	/* The structure being put on the page (put_lines()). */
	int quiet;	       /* put nothing in the structure: artifacts */
	const char *leaf;      /* the open paragraph, or NULL */
	int open;	       /* list levels open */
	int li[MAX_DEPTH + 1]; /* an item open at each level */
	char *scopes;	       /* 'C' or 'R' for each TH, in the order drawn */
	size_t nscopes, ascopes;
};

static struct op *op_add(struct pdf *p, enum op_type type)
{
	struct page *pg = &p->pages[p->npages - 1];
	struct op *o;

	if (pg->len == pg->alloc) {
		pg->alloc = pg->alloc ? 2 * pg->alloc : 64;
		pg->v = kp_xrealloc(pg->v, pg->alloc * sizeof(*pg->v));
	}
	o = &pg->v[pg->len++];
	memset(o, 0, sizeof(*o));
	o->type = type;
	return o;
}

static void new_page(struct pdf *p)
{
	if (p->npages == p->apages) {
		p->apages = p->apages ? 2 * p->apages : 8;
		p->pages = kp_xrealloc(p->pages, p->apages * sizeof(*p->pages));
	}
	memset(&p->pages[p->npages], 0, sizeof(p->pages[0]));
	p->npages++;
	p->y = BODY_TOP;
	p->fresh = 1;
}

static double room(const struct pdf *p)
{
	return BODY_BOTTOM - p->y;
}

static void put_fill(struct pdf *p, double x, double y, double w, double h,
		     double grey)
{
	struct op *o = op_add(p, OP_FILL);

	o->x = x;
	o->y = y;
	o->w = w;
	o->h = h;
	o->grey = grey;
}

static void put_stroke(struct pdf *p, double x, double y, double w, double h,
		       double grey)
{
	struct op *o = op_add(p, OP_STROKE);

	o->x = x;
	o->y = y;
	o->w = w;
	o->h = h;
	o->grey = grey;
}

static void put_box(struct pdf *p, double x, double y, double w, double h)
{
	put_stroke(p, x, y, w, 0, 0);
	put_stroke(p, x, y + h, w, 0, 0);
	put_stroke(p, x, y, 0, h, 0);
	put_stroke(p, x + w, y, 0, h, 0);
}

/* ------------------------------------------------------------------ */
/* The structure: a tagged PDF                                         */
/* ------------------------------------------------------------------ */

/*
 * The display lists carry the document's logical structure as tags
 * (cairo_tag_begin): Document; H1 to H6; P; L, LI, Lbl and LBody; Table,
 * TR, TH and TD, a cell's paragraphs inside it; Link, with the address
 * and the place of each link.  A paragraph, a list or a row that goes on
 * onto the next page is closed at the foot of one page and opened again
 * at the top of the next, so that no element that holds text spans two
 * pages.  Whatever is drawn outside the structure (the running header
 * and footer, rules, borders, fills, table headers repeated on later
 * pages) is marked as an artifact afterwards (pdfpost.c).
 */
static void tag(struct pdf *p, enum op_type type, const char *name)
{
	struct op *o;

	if (p->quiet)
		return;
	o = op_add(p, type);
	o->tag = name;
}

static void tag_th(struct pdf *p, char scope)
{
	struct op *o;

	if (p->quiet)
		return;
	o = op_add(p, OP_BEGIN);
	o->tag = "TH";
	o->scope = scope;
}

/* Close the open paragraph. */
static void leaf_close(struct pdf *p)
{
	if (p->leaf)
		tag(p, OP_END, p->leaf);
	p->leaf = NULL;
}

/* Close list levels until depth are open. */
static void lists_close(struct pdf *p, int depth)
{
	for (; p->open > depth; p->open--) {
		if (p->li[p->open]) {
			tag(p, OP_END, "LBody");
			tag(p, OP_END, "LI");
			p->li[p->open] = 0;
		}
		tag(p, OP_END, "L");
	}
}

/*
 * Open what the paragraph of l needs: its lists (with a new item and its
 * label when it opens one; the label's line is mark at x, y) and the
 * paragraph itself.
 */
static void para_begin(struct pdf *p, const struct line *l, int item, double x,
		       double y)
{
	int d = l->depth > MAX_DEPTH ? MAX_DEPTH : l->depth, k;
	struct op *o;

	lists_close(p, item ? d : d > p->open ? p->open : d);
	if (item && p->open == d && d && p->li[d]) {
		tag(p, OP_END, "LBody");
		tag(p, OP_END, "LI");
		p->li[d] = 0;
	}
	for (k = p->open + 1; k <= d; k++) {
		tag(p, OP_BEGIN, "L");
		p->open = k;
		if (k < d || !item) {
			/* a level whose item began on an earlier page */
			tag(p, OP_BEGIN, "LI");
			tag(p, OP_BEGIN, "LBody");
			p->li[k] = 1;
		}
	}
	if (item && d) {
		tag(p, OP_BEGIN, "LI");
		tag(p, OP_BEGIN, "Lbl");
		o = op_add(p, OP_TEXT);
		o->pl = l->mark;
		o->x = x + l->mx;
		o->y = y;
		tag(p, OP_END, "Lbl");
		tag(p, OP_BEGIN, "LBody");
		p->li[d] = 1;
	} else if (d && !p->li[d]) {
		tag(p, OP_BEGIN, "LI");
		tag(p, OP_BEGIN, "LBody");
		p->li[d] = 1;
	}
	if (l->tag) {
		tag(p, OP_BEGIN, l->tag);
		p->leaf = l->tag;
	}
}

/* Whether the paragraph of line i, up to line b at most, has a link. */
static int para_links(const struct flow *f, size_t i, size_t b)
{
	size_t j;

	for (j = i; j < b && (j == i || !f->v[j].start); j++)
		if (f->v[j].nlink)
			return 1;
	return 0;
}

/*
 * Put lines [a, b) of f with the top of a at x, y, in the structure;
 * their height.  Everything they open is closed again at b.
 */
static double put_lines(struct pdf *p, const struct flow *f, size_t a, size_t b,
			double x, double y)
{
	size_t i;
	double top = y;
	struct op *o;
	int spans = 0;

	for (i = a; i < b; i++) {
		const struct line *l = &f->v[i];
		int item = l->start && l->item && l->mark;

		if (i > a)
			top += l->gap;
		if (i == a || l->start) {
			leaf_close(p);
			para_begin(p, l, item, x, top + l->baseline);
			spans = !p->quiet && para_links(f, i, b);
		}
		/* A marker outside a list (never in practice): as text. */
		if (l->mark && l->start && !(item && l->depth)) {
			o = op_add(p, OP_TEXT);
			o->pl = l->mark;
			o->x = x + l->mx;
			o->y = top + l->baseline;
		}
		if (!l->pl) {
			put_stroke(p, x + l->x, top + l->height / 2,
				   CONTENT_W / 3, 0, 0.55);
		} else {
			o = op_add(p, OP_TEXT);
			o->pl = l->pl;
			o->x = x + l->x;
			o->y = top + l->baseline;
			if (spans) {
				o->spans = 1;
				o->link0 = l->link0;
				o->nlink = l->nlink;
				o->w = l->baseline;
				o->h = l->height;
			}
		}
		top += l->height;
	}
	leaf_close(p);
	lists_close(p, 0);
	return top - y;
}

/* ------------------------------------------------------------------ */
/* Layouts                                                             */
/* ------------------------------------------------------------------ */

/*
 * The characters of l that no installed font has: Pango gives each an
 * unknown glyph, the character with PANGO_GLYPH_UNKNOWN_FLAG.
 */
static void find_missing(struct pdf *p, PangoLayout *l)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	PangoLayoutRun *run;
	int i;

	do {
		run = pango_layout_iter_get_run_readonly(it);
		if (!run)
			continue;
		for (i = 0; i < run->glyphs->num_glyphs; i++) {
			PangoGlyph g = run->glyphs->glyphs[i].glyph;

			if (g & PANGO_GLYPH_UNKNOWN_FLAG)
				kp_chars_add(p->missing,
					     g & ~PANGO_GLYPH_UNKNOWN_FLAG);
		}
	} while (pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
}

/* A link mark: the font feature "kplink-N". */
static gboolean is_link(PangoAttribute *a, gpointer data)
{
	(void)data;
	return a->klass->type == PANGO_ATTR_FONT_FEATURES &&
	       strncmp(((PangoAttrFontFeatures *)a)->features, LINK_FEATURE,
		       strlen(LINK_FEATURE)) == 0;
}

/*
 * Take the link marks out of attrs (no font would understand them) and
 * keep, in p->links, where each stood and its address: p->paras's
 * urls[N], copied into p->urls.
 */
static void take_links(struct pdf *p, PangoAttrList *attrs)
{
	PangoAttrList *marks = pango_attr_list_filter(attrs, is_link, NULL);
	GSList *all, *e;
	unsigned long n;
	struct link *k;

	if (!marks)
		return;
	all = pango_attr_list_get_attributes(marks);
	for (e = all; e; e = e->next) {
		PangoAttribute *a = e->data;

		n = strtoul(((PangoAttrFontFeatures *)a)->features +
				    strlen(LINK_FEATURE),
			    NULL, 10);
		if (p->paras && n < p->paras->nurls) {
			if (p->nurls == p->aurls) {
				p->aurls = p->aurls ? 2 * p->aurls : 8;
				p->urls = kp_xrealloc(
					p->urls, p->aurls * sizeof(*p->urls));
			}
			p->urls[p->nurls] = kp_xstrdup(p->paras->urls[n]);
			if (p->nlinks == p->alinks) {
				p->alinks = p->alinks ? 2 * p->alinks : 8;
				p->links = kp_xrealloc(
					p->links,
					p->alinks * sizeof(*p->links));
			}
			k = &p->links[p->nlinks++];
			k->start = (int)a->start_index;
			k->end = (int)a->end_index;
			k->url = p->nurls++;
		}
		pango_attribute_destroy(a);
	}
	g_slist_free(all);
	pango_attr_list_unref(marks);
}

static PangoLayout *make_layout(struct pdf *p, const char *markup,
				const char *font, double width)
{
	PangoLayout *l = pango_layout_new(p->pc);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	PangoAttrList *attrs = NULL;
	char *text = NULL;

	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	/*
	 * The document reads left to right whatever its first letter:
	 * Arabic and Hebrew runs are ordered within it, not the line.
	 */
	pango_layout_set_auto_dir(l, FALSE);
	if (width > 0) {
		pango_layout_set_width(l, PT(width));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	/* The markup is ours and escaped; parse it without any warning. */
	if (pango_parse_markup(markup, -1, 0, &attrs, &text, NULL, NULL)) {
		/* A word broken at the line's end gets no hyphen added. */
		pango_attr_list_insert(attrs,
				       pango_attr_insert_hyphens_new(FALSE));
		take_links(p, attrs);
		/*
		 * No ligatures: "fl" stays two letters, which every reader
		 * of the text finds (cairo would write a ligature as
		 * ActualText, which poppler's structure text stops at).
		 */
		pango_attr_list_insert_before(
			attrs, pango_attr_font_features_new("liga=0,clig=0"));
		pango_layout_set_text(l, text, -1);
		pango_layout_set_attributes(l, attrs);
		pango_attr_list_unref(attrs);
		g_free(text);
	}
	if (p->missing && pango_layout_get_unknown_glyphs_count(l) > 0)
		find_missing(p, l);
	if (p->nlayouts == p->alayouts) {
		p->alayouts = p->alayouts ? 2 * p->alayouts : 64;
		p->layouts = kp_xrealloc(p->layouts,
					 p->alayouts * sizeof(*p->layouts));
	}
	p->layouts[p->nlayouts++] = l;
	return l;
}

/*
 * Pango draws the space where a line wraps as nothing (an empty glyph);
 * cairo then writes that space as ActualText around no glyph, which
 * breaks the text of the structure element for poppler and leaves
 * nothing to read between the words.  The space becomes the font's own
 * space glyph again, still of no width: the words stay apart in every
 * reader, and nothing moves.
 */
static void spaces_drawn(PangoLayout *l, PangoLayoutLine *pl)
{
	const char *text = pango_layout_get_text(l);
	GSList *r;
	int i;

	for (r = pl->runs; r; r = r->next) {
		PangoGlyphItem *run = r->data;
		PangoGlyphString *gs = run->glyphs;
		hb_codepoint_t space;
		hb_font_t *hb;

		for (i = 0; i < gs->num_glyphs; i++) {
			const char *c =
				text + run->item->offset + gs->log_clusters[i];

			if (gs->glyphs[i].glyph != PANGO_GLYPH_EMPTY ||
			    *c != ' ')
				continue;
			hb = pango_font_get_hb_font(run->item->analysis.font);
			if (hb && hb_font_get_nominal_glyph(hb, ' ', &space))
				gs->glyphs[i].glyph = space;
		}
	}
}

/* Append the lines of layout l, its left edge at x, to f. */
static void flow_add_layout(struct pdf *p, struct flow *f, PangoLayout *l,
			    double x, double gap, int start, PangoLayout *mark,
			    double mx, size_t link0)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	int first = 1;

	do {
		PangoRectangle logical;
		struct line *ln = flow_push(f);
		int y0, y1;

		pango_layout_iter_get_line_yrange(it, &y0, &y1);
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		ln->pl = pango_layout_iter_get_line_readonly(it);
		spaces_drawn(l, ln->pl);
		ln->x = x + UN(logical.x);
		ln->height = UN(y1 - y0);
		ln->baseline = UN(pango_layout_iter_get_baseline(it) - y0);
		ln->tag = p->tag;
		ln->depth = p->depth;
		ln->item = p->item;
		ln->link0 = link0;
		ln->nlink = p->nlinks - link0;
		if (first) {
			ln->start = start;
			ln->gap = gap;
			if (mark) {
				ln->mark =
					pango_layout_get_line_readonly(mark, 0);
				ln->mx = mx;
			}
		}
		flow_end(f, ln);
		first = 0;
		p->lines++;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

/*
 * Lay out one paragraph of markup, its left edge at x, into f.  It is
 * cut into layouts of at most CHUNK characters (at a space) and at every
 * line feed, because Pango's cost grows faster than the length of a
 * layout: quadratic in its number of lines, and worse than linear in
 * its length.  Open tags are closed at a cut and opened again after it.
 * A run of more than LONG_WORD characters without a space gets an
 * invisible break opportunity (U+200B) every LONG_WORD characters, since
 * Pango breaks a word wider than the line by trying ever shorter pieces.
 */
#define CHUNK 2000
#define LONG_WORD 40

struct para {
	struct pdf *p;
	struct flow *f;
	const char *font;
	double width, x, gap, mx;
	PangoLayout *mark;
	struct kp_buf chunk;
	const char **open; /* the open tags, pointing into the markup */
	size_t *openlen, nopen, aopen;
	int first;
};

static void para_open(struct para *pa)
{
	size_t i;

	kp_buf_reset(&pa->chunk);
	for (i = 0; i < pa->nopen; i++)
		kp_buf_add(&pa->chunk, pa->open[i], pa->openlen[i]);
}

static void para_flush(struct para *pa)
{
	PangoLayout *l;
	size_t i, link0;

	for (i = pa->nopen; i-- > 0;) {
		/* "<span foo=...>" closes as "</span>" */
		size_t n = strcspn(pa->open[i] + 1, " >");

		kp_buf_addstr(&pa->chunk, "</");
		kp_buf_add(&pa->chunk, pa->open[i] + 1, n);
		kp_buf_addch(&pa->chunk, '>');
	}
	if (pa->p->lines > MAX_LINES) {
		pa->p->over = 1; /* refused: stop spending time */
		return;
	}
	link0 = pa->p->nlinks;
	l = make_layout(pa->p, pa->chunk.buf, pa->font, pa->width);
	flow_add_layout(pa->p, pa->f, l, pa->x, pa->first ? pa->gap : 0,
			pa->first, pa->first ? pa->mark : NULL, pa->mx, link0);
	pa->first = 0;
	para_open(pa);
}

static void add_para(struct para *pa, const char *m)
{
	size_t run = 0, chars = 0, n;

	pa->first = 1;
	kp_buf_init(&pa->chunk);
	while (*m && !pa->p->over) {
		if (*m == '<') {
			n = strcspn(m, ">");
			n += m[n] == '>';
			if (m[1] == '/') {
				if (pa->nopen)
					pa->nopen--;
			} else {
				if (pa->nopen == pa->aopen) {
					pa->aopen =
						pa->aopen ? 2 * pa->aopen : 8;
					pa->open = kp_xrealloc(
						pa->open,
						pa->aopen * sizeof(*pa->open));
					pa->openlen = kp_xrealloc(
						pa->openlen,
						pa->aopen * sizeof(size_t));
				}
				pa->open[pa->nopen] = m;
				pa->openlen[pa->nopen++] = n;
			}
			kp_buf_add(&pa->chunk, m, n);
			m += n;
			continue;
		}
		if (*m == '\n') {
			/*
			 * A line break: a space ends the line, so that a
			 * reader of the text does not join its last word
			 * to the next line's first.
			 */
			kp_buf_addch(&pa->chunk, ' ');
			para_flush(pa);
			run = chars = 0;
			m++;
			continue;
		}
		if (*m == ' ' || *m == '\t') {
			kp_buf_addch(&pa->chunk, *m++);
			run = 0;
			if (++chars >= CHUNK) {
				para_flush(pa);
				chars = 0;
			}
			continue;
		}
		if (*m == '&') {
			n = strcspn(m, ";");
			n += m[n] == ';';
		} else {
			n = (size_t)(g_utf8_next_char(m) - m);
		}
		if (++run > LONG_WORD) {
			kp_buf_addstr(&pa->chunk, "\xe2\x80\x8b"); /* U+200B */
			run = 1;
			if (chars >= CHUNK) {
				para_flush(pa);
				chars = 0;
			}
		}
		kp_buf_add(&pa->chunk, m, n);
		m += n;
		chars++;
	}
	pa->nopen = 0;
	para_flush(pa);
	kp_buf_release(&pa->chunk);
}

static void add_text(struct pdf *p, struct flow *f, const char *markup,
		     const char *font, double width, double x, double gap,
		     PangoLayout *mark, double mx)
{
	struct para pa;

	memset(&pa, 0, sizeof(pa));
	pa.p = p;
	pa.f = f;
	pa.font = font;
	pa.width = width;
	pa.x = x;
	pa.gap = gap;
	pa.mark = mark;
	pa.mx = mx;
	add_para(&pa, markup);
	free(pa.open);
	free(pa.openlen);
}

/* The font and colour of a text with KP_CELL_* flags. */
static const char *flags_font(unsigned flags)
{
	if (flags & (KP_CELL_HEADER | KP_CELL_LABEL))
		return FONT_LABEL;
	if (flags & KP_CELL_EMPH)
		return FONT_EMPH;
	return FONT_TEXT;
}

/* Wrap markup in the colour of flags; into out. */
static void flags_wrap(struct kp_buf *out, unsigned flags, const char *m,
		       size_t len)
{
	if (flags & KP_CELL_EMPH)
		kp_buf_addstr(out, "<span foreground=\"" MUTED "\">");
	kp_buf_add(out, m, len);
	if (flags & KP_CELL_EMPH)
		kp_buf_addstr(out, "</span>");
}

/*
 * The guidance in a label (the template's italics) is italic but not
 * bold, as in Bilag 1: into out, the markup m with <i> made so.
 */
static void label_emph(struct kp_buf *out, const char *m)
{
	kp_buf_reset(out);
	while (*m) {
		if (strncmp(m, "<i>", 3) == 0) {
			kp_buf_addstr(out,
				      "<span style=\"italic\" "
				      "weight=\"normal\" foreground=\"" MUTED
				      "\">");
			m += 3;
		} else if (strncmp(m, "</i>", 4) == 0) {
			kp_buf_addstr(out, "</span>");
			m += 4;
		} else {
			kp_buf_addch(out, *m++);
		}
	}
}

/*
 * Lay out text (CommonMark, or plain with KP_CELL_PLAIN) width points
 * wide into f.  An empty text gives no lines.
 */
static void build_flow(struct pdf *p, struct flow *f, const char *text,
		       unsigned flags, double width)
{
	const char *font = flags_font(flags);
	struct kp_buf m = KP_BUF_INIT, esc = KP_BUF_INIT;
	struct kp_pdf_paras paras = KP_PDF_PARAS_INIT;
	size_t i, len = text ? strlen(text) : 0;
	int hl;

	if (width < 20)
		width = 20;
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;
	if (!len)
		return;
	p->tag = "P";
	p->depth = p->item = 0;
	if (flags & KP_CELL_PLAIN) {
		kp_pdf_escape(&esc, text, len);
		flags_wrap(&m, flags, esc.buf, esc.len);
		add_text(p, f, m.buf, font, width, 0, 0, NULL, 0);
		goto done;
	}
	kp_pdf_paras_from_md(&paras, text, len, width / 2);
	/* for make_layout() while this runs; NULL again at done */
	/* cppcheck-suppress autoVariables */
	p->paras = &paras;
	/*
	 * A field's headings stand under the part's H2: # is an H3, ## an
	 * H4, and no level is skipped ("#" then "###" is H3 then H4).
	 */
	hl = 2;
	for (i = 0; i < paras.len; i++) {
		const struct kp_pdf_para *pa = &paras.v[i];
		PangoLayout *mark = NULL;
		struct line *ln;

		if (pa->kind == KP_PDF_PARA_HEADING) {
			hl = 2 + pa->level > hl + 1 ? hl + 1 : 2 + pa->level;
			hl = hl > 6 ? 6 : hl < 3 ? 3 : hl;
			p->tag = heading_tags[hl - 1];
		} else {
			p->tag = "P";
		}
		p->depth = pa->depth;
		p->item = pa->marker != NULL;
		if (pa->kind == KP_PDF_PARA_RULE) {
			ln = flow_push(f);
			ln->x = pa->x;
			ln->gap = pa->gap;
			ln->height = 6;
			ln->start = 1;
			ln->depth = pa->depth;
			flow_end(f, ln);
			continue;
		}
		kp_buf_reset(&m);
		if (flags & (KP_CELL_LABEL | KP_CELL_HEADER)) {
			label_emph(&esc, pa->markup);
			flags_wrap(&m, flags, esc.buf, esc.len);
		} else {
			flags_wrap(&m, flags, pa->markup, strlen(pa->markup));
		}
		if (pa->marker) {
			kp_buf_reset(&esc);
			kp_pdf_escape(&esc, pa->marker, strlen(pa->marker));
			mark = make_layout(p, esc.buf, font, 0);
		}
		add_text(p, f, m.buf,
			 pa->kind == KP_PDF_PARA_CODE ? FONT_MONO : font,
			 width - pa->x, pa->x, pa->gap, mark, pa->mx);
	}
done:
	p->paras = NULL;
	p->tag = "P";
	p->depth = p->item = 0;
	kp_pdf_paras_release(&paras);
	kp_buf_release(&m);
	kp_buf_release(&esc);
}

/*
 * A label once more, where the row it labels goes on onto another page:
 * its first paragraph and "(fortsat)", into f.
 */
static void build_cont(struct pdf *p, struct flow *f, const char *text,
		       unsigned flags, double width)
{
	struct kp_pdf_paras paras = KP_PDF_PARAS_INIT;
	struct kp_buf m = KP_BUF_INIT, e = KP_BUF_INIT;
	size_t len =
		text ? strcspn(text, (flags & KP_CELL_PLAIN) ? "\n" : "") : 0;

	if (!len)
		return;
	if (flags & KP_CELL_PLAIN) {
		kp_pdf_escape(&e, text, len);
	} else {
		kp_pdf_paras_from_md(&paras, text, len, width / 2);
		if (!paras.len || paras.v[0].kind == KP_PDF_PARA_RULE)
			goto done;
		label_emph(&e, paras.v[0].markup);
	}
	kp_buf_addstr(&e, " <span style=\"italic\" weight=\"normal\">"
			  "(fortsat)</span>");
	flags_wrap(&m, flags, e.buf, e.len);
	add_text(p, f, m.buf, flags_font(flags), width < 20 ? 20 : width, 0, 0,
		 NULL, 0);
done:
	kp_pdf_paras_release(&paras);
	kp_buf_release(&m);
	kp_buf_release(&e);
}

static void flow_release(struct flow *f)
{
	free(f->v);
	f->v = NULL;
	f->len = f->alloc = 0;
}

/* The height of one line of the text font: the least a row is high. */
static double line_height(struct pdf *p)
{
	PangoLayout *l = make_layout(p, "Ag", FONT_TEXT, 0);
	int h;

	pango_layout_get_size(l, NULL, &h);
	return UN(h);
}

/* How much lower the text font's first baseline is than the label's. */
static double label_lead(struct pdf *p)
{
	int text =
		pango_layout_get_baseline(make_layout(p, "Ag", FONT_TEXT, 0));
	int label =
		pango_layout_get_baseline(make_layout(p, "Ag", FONT_LABEL, 0));

	return text > label ? UN(text - label) : 0;
}

/* ------------------------------------------------------------------ */
/* Text blocks and headings                                            */
/* ------------------------------------------------------------------ */

/*
 * Put f at the left margin, breaking it between lines across pages; a
 * paragraph leaves no single line at the bottom of a page.
 */
/*
 * Where to break f when lines [a, b) fit on the page: b, or earlier so
 * that no paragraph leaves a single line on either side of the break.
 */
static size_t keep_lines(const struct flow *f, size_t a, size_t b)
{
	size_t s = b, e = b + 1, k;

	if (b >= f->len || f->v[b].start)
		return b;
	while (s > a && !f->v[s].start)
		s--;
	while (e < f->len && !f->v[e].start)
		e++;
	k = b - s;	/* lines of the paragraph above the break */
	if (e - b == 1) /* a widow: take one more line down */
		return k >= 3 ? b - 1 : s;
	return k == 1 ? s : b; /* an orphan: take it down */
}

static void put_flow(struct pdf *p, const struct flow *f, double gap)
{
	size_t a = 0, n, fit;

	if (!p->fresh)
		p->y += gap;
	while (a < f->len) {
		fit = flow_fit(f, a, room(p));
		n = a + fit < f->len ? keep_lines(f, a, a + fit) - a : fit;
		if (!n) {
			if (!p->fresh) {
				new_page(p);
				continue;
			}
			n = fit ? fit : 1;
		}
		p->y += put_lines(p, f, a, a + n, MARGIN_X, p->y);
		p->fresh = 0;
		a += n;
		if (a < f->len)
			new_page(p);
	}
}

/* ------------------------------------------------------------------ */
/* Tables                                                              */
/* ------------------------------------------------------------------ */

struct tcell {
	struct flow f;
	struct flow cont; /* a label, a title: itself and "(fortsat)" */
	size_t next;	  /* first line not yet put on a page */
	size_t row, col;
	size_t rs, cs;
	unsigned flags;
	double lead; /* drop of the first line, to share a baseline */
};

struct table {
	const struct kp_block *b;
	size_t nrows, ncols;
	size_t hdr;	     /* header rows, repeated on each page */
	double *colx;	     /* ncols + 1 edges */
	struct tcell *cells; /* the cells that are not covered */
	size_t ncells;
	size_t *first;	 /* index of the first cell of each row */
	double *h, *top; /* nrows heights and tops, scratch */
	double minh;	 /* least height of a row */
	double hh;	 /* height of the header rows */
	int hdr_done;	 /* the header rows are in the structure */
};

static void table_build(struct pdf *p, struct table *t,
			const struct kp_block *b)
{
	double sum = 0, x = MARGIN_X;
	size_t r, c;

	memset(t, 0, sizeof(*t));
	t->b = b;
	t->ncols = b->ncols;
	t->nrows = b->cells ? b->nrows : 0;
	t->colx = kp_xcalloc(t->ncols + 1, sizeof(double));
	for (c = 0; c < t->ncols; c++)
		sum += b->widths && b->widths[c] > 0 ? b->widths[c] : 1;
	for (c = 0; c < t->ncols; c++) {
		t->colx[c] = x;
		x += CONTENT_W *
		     (b->widths && b->widths[c] > 0 ? b->widths[c] : 1) / sum;
	}
	t->colx[t->ncols] = MARGIN_X + CONTENT_W;
	t->cells = kp_xcalloc(t->nrows * t->ncols + 1, sizeof(*t->cells));
	t->first = kp_xcalloc(t->nrows + 1, sizeof(size_t));
	t->h = kp_xcalloc(t->nrows + 1, sizeof(double));
	t->top = kp_xcalloc(t->nrows + 2, sizeof(double));
	for (r = 0; r < t->nrows; r++) {
		t->first[r] = t->ncells;
		for (c = 0; c < t->ncols; c++) {
			const struct kp_cell *kc = &b->cells[r * t->ncols + c];
			struct tcell *tc;

			if (kc->skip)
				continue;
			tc = &t->cells[t->ncells++];
			tc->row = r;
			tc->col = c;
			/* Spans are clamped to the table, whatever the model.
			 */
			tc->cs = kc->colspan ? kc->colspan : 1;
			if (tc->cs > t->ncols - c)
				tc->cs = t->ncols - c;
			tc->rs = kc->rowspan ? kc->rowspan : 1;
			if (tc->rs > t->nrows - r)
				tc->rs = t->nrows - r;
			tc->flags = kc->flags;
			if (p->lines > MAX_LINES)
				p->over = 1;
			if (p->over)
				continue;
			if (kc->flags &
			    (KP_CELL_HEADER | KP_CELL_LABEL | KP_CELL_EMPH))
				tc->lead = p->lead;
			build_flow(p, &tc->f, kc->text, kc->flags,
				   t->colx[c + tc->cs] - t->colx[c] -
					   2 * PAD_X);
			/*
			 * A label, and a title across the table's top (a
			 * goal's), are shown again with "(fortsat)".
			 */
			if ((kc->flags & KP_CELL_LABEL) ||
			    (!r && (kc->flags & KP_CELL_HEADER) &&
			     tc->cs == t->ncols && b->header_rows > 1))
				build_cont(p, &tc->cont, kc->text, kc->flags,
					   t->colx[c + tc->cs] - t->colx[c] -
						   2 * PAD_X);
		}
	}
	t->first[t->nrows] = t->ncells;
	p->lines += t->nrows;
}

static void table_release(struct table *t)
{
	size_t i;

	for (i = 0; i < t->ncells; i++) {
		flow_release(&t->cells[i].f);
		flow_release(&t->cells[i].cont);
	}
	free(t->cells);
	free(t->colx);
	free(t->first);
	free(t->h);
	free(t->top);
}

/* The end of the group of rows from s that spans keep together. */
static size_t group_end(const struct table *t, size_t s)
{
	size_t e = s + 1, r, i;

	for (r = s; r < e && r < t->nrows; r++)
		for (i = t->first[r]; i < t->first[r + 1]; i++)
			if (t->cells[i].row + t->cells[i].rs > e)
				e = t->cells[i].row + t->cells[i].rs;
	return e;
}

/* Cells that reach into rows [s, e): those starting in them, and those
 * above s whose span comes down into them. */
static int cell_in(const struct tcell *c, size_t s, size_t e)
{
	return c->row < e && c->row + c->rs > s;
}

/*
 * A label whose lines are all on earlier pages, in a row that goes on:
 * it is shown again, as "(fortsat)", rather than left empty.
 */
static int continued(const struct tcell *c)
{
	return c->cont.len && c->f.len && c->next >= c->f.len;
}

static double cell_need(const struct tcell *c, int fresh)
{
	size_t a = fresh ? 0 : c->next;
	double f, k;

	/* A title: as high as its repetition, "(fortsat)" and all. */
	if (fresh && (c->flags & KP_CELL_HEADER) && c->cont.len) {
		f = flow_height(&c->f, 0, c->f.len);
		k = flow_height(&c->cont, 0, c->cont.len);
		return 2 * PAD_Y + c->lead + (f > k ? f : k);
	}

	if (!fresh && continued(c))
		return 2 * PAD_Y + c->lead +
		       flow_height(&c->cont, 0, c->cont.len);
	return 2 * PAD_Y + (a ? 0 : c->lead) + flow_height(&c->f, a, c->f.len);
}

/*
 * Heights of rows [s, e) for what is left of their cells (or all of it
 * when fresh), in t->h; tops from 0 in t->top[s..e].  A cell spanning
 * rows gives what its rows lack to the last of them.  Returns the sum.
 */
static double table_heights(struct table *t, size_t s, size_t e, size_t lo,
			    int fresh)
{
	size_t r, i, last;
	double sum;

	for (r = s; r < e; r++)
		t->h[r] = t->minh;
	for (i = t->first[lo]; i < t->first[e]; i++) {
		const struct tcell *c = &t->cells[i];

		if (!cell_in(c, s, e))
			continue;
		last = c->row + c->rs - 1;
		if (last == (c->row > s ? c->row : s) &&
		    cell_need(c, fresh) > t->h[last])
			t->h[last] = cell_need(c, fresh);
	}
	for (i = t->first[lo]; i < t->first[e]; i++) {
		const struct tcell *c = &t->cells[i];
		size_t from = c->row > s ? c->row : s;

		if (!cell_in(c, s, e))
			continue;
		last = c->row + c->rs - 1;
		if (last == from)
			continue;
		sum = 0;
		for (r = from; r <= last; r++)
			sum += t->h[r];
		if (cell_need(c, fresh) > sum)
			t->h[last] += cell_need(c, fresh) - sum;
	}
	t->top[s] = 0;
	for (r = s; r < e; r++)
		t->top[r + 1] = t->top[r] + t->h[r];
	return t->top[e];
}

/*
 * Put rows [s, e) at p->y: cells that end before row cut end at their
 * row; the others end at bottom, and get the lines that fit above it.
 * With must, each cell gets at least one line (the page is empty).  With
 * keep (header rows), lines are not consumed.  t->top must hold tops.
 */
/*
 * Put cell c, its top at row from of the rows whose tops t->top holds
 * from y0: see table_put().  A header cell or a label is a TH, the others
 * TDs; a cell's paragraphs are inside it.
 */
static void put_cell(struct pdf *p, struct table *t, struct tcell *c, double y0,
		     size_t from, size_t cut, double bottom, int must, int keep)
{
	double x = t->colx[c->col], w = t->colx[c->col + c->cs] - x;
	double top = t->top[from], bot, lead;
	size_t next = keep ? 0 : c->next, n;
	int th = (c->flags & (KP_CELL_HEADER | KP_CELL_LABEL)) != 0;

	bot = c->row + c->rs - 1 < cut ? t->top[c->row + c->rs] : bottom;
	if (c->flags & KP_CELL_HEADER)
		put_fill(p, x, y0 + top, w, bot - top, FILL_HEADER);
	else if (c->flags & KP_CELL_LABEL)
		put_fill(p, x, y0 + top, w, bot - top, FILL_LABEL);
	if (th)
		tag_th(p, (c->flags & KP_CELL_HEADER) ? 'C' : 'R');
	else
		tag(p, OP_BEGIN, "TD");
	if ((!keep && continued(c)) ||
	    (keep && t->hdr_done && (c->flags & KP_CELL_HEADER) &&
	     c->cont.len)) {
		put_lines(p, &c->cont, 0, c->cont.len, x + PAD_X,
			  y0 + top + PAD_Y + c->lead);
	} else {
		lead = next ? 0 : c->lead;
		n = flow_fit(&c->f, next, bot - top - 2 * PAD_Y - lead);
		if (next + n < c->f.len &&
		    keep_lines(&c->f, next, next + n) > next)
			n = keep_lines(&c->f, next, next + n) - next;
		if (!n && must && next < c->f.len)
			n = 1;
		put_lines(p, &c->f, next, next + n, x + PAD_X,
			  y0 + top + PAD_Y + lead);
		if (!keep)
			c->next = next + n;
	}
	tag(p, OP_END, th ? "TH" : "TD");
	put_box(p, x, y0 + top, w, bot - top);
}

/*
 * Put rows [s, e) at p->y, each a TR: cells that end before row cut end
 * at their row; the others end at bottom, and get the lines that fit
 * above it.  A cell that starts above s (a span) is in the TR of row s.
 * With must, each cell gets at least one line (the page is empty).  With
 * keep (header rows), lines are not consumed.  t->top must hold tops.
 */
static void table_put(struct pdf *p, struct table *t, size_t s, size_t e,
		      size_t lo, size_t cut, double bottom, int must, int keep)
{
	size_t r, k, i, from, n;
	double y0 = p->y;

	for (r = s; r < e; r++) {
		n = 0;
		for (k = 0; k < t->ncols; k++)
			for (i = t->first[lo]; i < t->first[e]; i++) {
				struct tcell *c = &t->cells[i];

				from = c->row > s ? c->row : s;
				if (c->col != k || from != r ||
				    !cell_in(c, s, e))
					continue;
				if (!n++)
					tag(p, OP_BEGIN, "TR");
				put_cell(p, t, c, y0, from, cut, bottom, must,
					 keep);
			}
		if (n)
			tag(p, OP_END, "TR");
	}
}

/*
 * The header rows: in the structure the first time, and as artifacts
 * where they are repeated at the top of later pages.
 */
static void table_header(struct pdf *p, struct table *t)
{
	if (!t->hdr)
		return;
	table_heights(t, 0, t->hdr, 0, 1);
	p->quiet = t->hdr_done;
	table_put(p, t, 0, t->hdr, 0, t->hdr, 0, 0, 1);
	p->quiet = 0;
	t->hdr_done = 1;
	p->y += t->hh;
}

static void table_page(struct pdf *p, struct table *t)
{
	new_page(p);
	table_header(p, t);
	p->fresh = 0;
}

/*
 * The header rows, repeated on each page, and their height: none when a
 * span ties them to the body or they would take a third of a page.
 */
static void table_setup(struct pdf *p, struct table *t)
{
	size_t i;

	t->minh = 2 * PAD_Y + line_height(p);
	t->hdr = t->b->header_rows < t->nrows ? t->b->header_rows : 0;
	for (i = 0; t->hdr && i < t->first[t->hdr]; i++)
		if (t->cells[i].row + t->cells[i].rs > t->hdr)
			t->hdr = 0; /* a span ties them to the body */
	t->hh = t->hdr ? table_heights(t, 0, t->hdr, 0, 1) : 0;
	if (t->hh > BODY_H / 3) {
		t->hdr = 0; /* too tall to repeat */
		t->hh = 0;
	}
}

/*
 * How much of a page t needs to begin where avail points are left: its
 * header rows and its first group of rows, whole when they fit there,
 * or when they fit on a page of their own and little would be left
 * empty here; else the header rows and MIN_SPLIT, for the group is then
 * split.  put_table() begins a new page when this does not fit.
 */
static double table_start(struct table *t, double avail)
{
	double hgt;

	if (t->nrows <= t->hdr)
		return t->hh;
	hgt = table_heights(t, t->hdr, group_end(t, t->hdr), t->hdr, 1);
	if (t->hh + hgt <= avail + 0.001 ||
	    (hgt <= BODY_H - t->hh && avail < KEEP_WASTE))
		return t->hh + hgt;
	return t->hh + MIN_SPLIT;
}

static void put_table(struct pdf *p, struct table *t)
{
	size_t s, e, gs, r, c;
	double hgt, avail, body_top;
	int split;

	table_setup(p, t);
	if (!p->fresh)
		p->y += TABLE_GAP;
	/* Keep the header rows with the start of the body. */
	if (!p->fresh && table_start(t, room(p)) > room(p) + 0.001)
		new_page(p);
	tag(p, OP_BEGIN, "Table");
	table_header(p, t);
	body_top = p->y;
	p->fresh = 0;
	s = t->hdr;
	while (s < t->nrows) {
		gs = s;
		e = group_end(t, s);
		split = 0;
		while (s < e) {
			/* Rows from s on may hold cells that start above. */
			hgt = table_heights(t, s, e, gs, 0);
			avail = room(p);
			if (hgt <= avail + 0.001) {
				table_put(p, t, s, e, gs, e, 0, 0, 0);
				p->y += hgt;
				s = e;
				break;
			}
			/*
			 * A group that fits on the next page goes there
			 * whole, unless that leaves much of this one empty.
			 */
			if (!split && p->y > body_top &&
			    hgt <= BODY_H - t->hh && avail < KEEP_WASTE) {
				table_page(p, t);
				body_top = p->y;
				continue;
			}
			for (r = s; r < e && t->top[r + 1] <= avail + 0.001;
			     r++)
				;
			c = r; /* the first row that does not fit */
			if (avail - t->top[c] < MIN_SPLIT && c == s &&
			    p->y > body_top) {
				table_page(p, t);
				body_top = p->y;
				continue;
			}
			if (avail - t->top[c] >= MIN_SPLIT || c == s)
				table_put(p, t, s, c + 1, gs, c, avail,
					  p->y == body_top, 0);
			else
				table_put(p, t, s, c, gs, c, t->top[c], 0, 0);
			s = c;
			split = 1;
			table_page(p, t);
			body_top = p->y;
		}
	}
	tag(p, OP_END, "Table");
}

/* ------------------------------------------------------------------ */
/* The document                                                        */
/* ------------------------------------------------------------------ */

/* What a block is made of, between the layout pass and pagination. */
struct prep {
	struct flow f; /* headings and text */
	struct table t;
};

static void prepare(struct pdf *p, struct prep *pr, const struct kp_block *b)
{
	struct kp_buf m = KP_BUF_INIT;
	int lv = b->level < 1 ? 1 : b->level > 3 ? 3 : b->level;

	switch (b->type) {
	case KP_BLOCK_HEADING:
		kp_pdf_escape(&m, b->text ? b->text : "",
			      b->text ? strlen(b->text) : 0);
		p->tag = heading_tags[lv - 1];
		add_text(p, &pr->f, m.buf, heading_fonts[lv - 1], CONTENT_W, 0,
			 0, NULL, 0);
		p->tag = "P";
		break;
	case KP_BLOCK_TEXT:
		build_flow(p, &pr->f, b->text, b->flags, CONTENT_W);
		break;
	case KP_BLOCK_TABLE: table_build(p, &pr->t, b); break;
	}
	kp_buf_release(&m);
}

/*
 * The least of block pr that must follow a heading on its page, where
 * avail points are left for it: the first two lines of a text, the
 * start of a table (table_start()).
 */
static double keep_need(struct pdf *p, struct prep *pr,
			const struct kp_block *b, double avail)
{
	if (b->type != KP_BLOCK_TABLE)
		return flow_height(&pr->f, 0, pr->f.len < 2 ? pr->f.len : 2);
	if (!pr->t.nrows)
		return 0;
	table_setup(p, &pr->t);
	return TABLE_GAP + table_start(&pr->t, avail - TABLE_GAP);
}

/*
 * What must stand on one page from block i on: the headings, the
 * guidance and the short texts (two lines at most) in a row, and then
 * the first rows or lines of the block they lead into, when avail
 * points are left on the page.
 */
static double keep_chain(struct pdf *p, struct prep *prs, size_t i,
			 double avail)
{
	const struct kp_rdoc *doc = p->doc;
	double need = 0;
	int lv;

	for (; i < doc->nblocks; i++) {
		const struct kp_block *b = &doc->blocks[i];
		const struct flow *f = &prs[i].f;

		switch (b->type) {
		case KP_BLOCK_HEADING:
			lv = b->level < 1 ? 1 : b->level > 3 ? 3 : b->level;
			need += heading_gap[lv - 1] + flow_height(f, 0, f->len);
			continue;
		case KP_BLOCK_TEXT:
			if ((b->flags & KP_CELL_EMPH) || f->len <= 2) {
				need += TEXT_GAP + flow_height(f, 0, f->len);
				continue;
			}
			return need + TEXT_GAP +
			       keep_need(p, &prs[i], b, avail - need);
		case KP_BLOCK_TABLE:
			return need + keep_need(p, &prs[i], b, avail - need);
		}
	}
	return need;
}

static void add_mark(struct pdf *p, const char *text, int level, double y)
{
	struct mark *m;

	if (!text || !*text)
		return;
	if (p->nmarks == p->amarks) {
		p->amarks = p->amarks ? 2 * p->amarks : 16;
		p->marks = kp_xrealloc(p->marks, p->amarks * sizeof(*p->marks));
	}
	m = &p->marks[p->nmarks++];
	m->text = text;
	m->level = level;
	m->page = p->npages - 1;
	m->y = y < BODY_TOP ? BODY_TOP : y;
}

/*
 * Bookmarks: each heading under the nearest heading of a higher level
 * before it; the top level open.
 */
static void add_outline(cairo_surface_t *s, const struct pdf *p)
{
	int parent[4] = { CAIRO_PDF_OUTLINE_ROOT, CAIRO_PDF_OUTLINE_ROOT,
			  CAIRO_PDF_OUTLINE_ROOT, CAIRO_PDF_OUTLINE_ROOT };
	struct kp_buf dest = KP_BUF_INIT;
	size_t i;
	int lv, id, k;
	char *name;

	for (i = 0; i < p->nmarks; i++) {
		const struct mark *m = &p->marks[i];

		lv = m->level < 1 ? 1 : m->level > 3 ? 3 : m->level;
		kp_buf_reset(&dest);
		kp_buf_addf(&dest, "page=%zu pos=[%.1f %.1f]", m->page + 1,
			    MARGIN_X, m->y);
		name = g_utf8_make_valid(m->text, -1);
		id = cairo_pdf_surface_add_outline(
			s, parent[lv - 1], name, dest.buf,
			lv == 1 ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
		g_free(name);
		for (k = lv; k < 4; k++)
			parent[k] = id;
	}
	kp_buf_release(&dest);
}

static void paginate(struct pdf *p, struct prep *prs)
{
	const struct kp_rdoc *doc = p->doc;
	size_t i;

	new_page(p);
	tag(p, OP_BEGIN, "Document");
	for (i = 0; i < doc->nblocks; i++) {
		const struct kp_block *b = &doc->blocks[i];
		struct prep *pr = &prs[i];
		int lv = b->level < 1 ? 1 : b->level > 3 ? 3 : b->level;
		double need, chain;

		switch (b->type) {
		case KP_BLOCK_HEADING:
			/*
			 * Never the last thing on a page: with the guidance
			 * under it and the first row or lines of what it
			 * heads; failing that, with the block after it.
			 */
			need = heading_gap[lv - 1] +
			       flow_height(&pr->f, 0, pr->f.len);
			chain = keep_chain(p, prs, i + 1, room(p) - need);
			if (chain > BODY_H * 0.6 && i + 1 < doc->nblocks)
				chain = keep_need(p, &prs[i + 1],
						  &doc->blocks[i + 1],
						  room(p) - need);
			need += chain;
			if (!p->fresh && need > room(p) && need < BODY_H * 0.8)
				new_page(p);
			put_flow(p, &pr->f, heading_gap[lv - 1]);
			add_mark(p, b->text, lv,
				 p->y - flow_height(&pr->f, 0, pr->f.len));
			p->y += lv == 1 ? 6 : 3;
			break;
		case KP_BLOCK_TEXT:
			/* A short text that leads into a table goes with it. */
			need = keep_chain(p, prs, i, room(p));
			if (!p->fresh && pr->f.len <= 2 && need > room(p) &&
			    need < BODY_H * 0.6 && i + 1 < doc->nblocks &&
			    doc->blocks[i + 1].type == KP_BLOCK_TABLE)
				new_page(p);
			put_flow(p, &pr->f, TEXT_GAP);
			break;
		case KP_BLOCK_TABLE: put_table(p, &pr->t); break;
		}
	}
	tag(p, OP_END, "Document");
}

/* ------------------------------------------------------------------ */
/* Drawing                                                             */
/* ------------------------------------------------------------------ */

static void show_line(cairo_t *cr, PangoLayout *l, double x, double y)
{
	PangoLayoutLine *pl = pango_layout_get_line_readonly(l, 0);
	PangoLayoutIter *it = pango_layout_get_iter(l);
	double base = UN(pango_layout_iter_get_baseline(it));

	pango_layout_iter_free(it);
	cairo_move_to(cr, x, y + base);
	pango_cairo_show_layout_line(cr, pl);
}

static double layout_w(PangoLayout *l)
{
	int w;

	pango_layout_get_size(l, &w, NULL);
	return UN(w);
}

/*
 * A framed label (the state and invalid marks) ending at right: red for
 * a warning, ink for a sent revision's state.
 */
static double draw_mark(cairo_t *cr, PangoLayout *l, double right, double y,
			int warn)
{
	double w = layout_w(l), h, x;
	int ih;

	pango_layout_get_size(l, NULL, &ih);
	h = UN(ih);
	x = right - w - 8;
	if (warn)
		cairo_set_source_rgb(cr, RED_R, RED_G, RED_B);
	else
		cairo_set_source_rgb(cr, INK, INK, INK);
	cairo_set_line_width(cr, 1.2);
	cairo_rectangle(cr, x, y, w + 8, h + 4);
	cairo_stroke(cr);
	cairo_move_to(cr, x + 4, y + 2);
	pango_cairo_show_layout(cr, l);
	return x;
}

static void draw_chrome(struct pdf *p, cairo_t *cr, size_t n)
{
	const struct kp_rdoc *doc = p->doc;
	struct kp_buf m = KP_BUF_INIT;
	PangoLayout *l;
	double right = MARGIN_X + CONTENT_W, left_w, y = HEAD_Y;
	double x = right, xi;

	/*
	 * Marks first, one above the other; the header gets what is left.
	 * Their words are kiplan.h's, the same in every format.
	 */
	if (kp_rdoc_mark(doc)) {
		kp_pdf_escape(&m, kp_rdoc_mark(doc), strlen(kp_rdoc_mark(doc)));
		l = make_layout(p, m.buf, FONT_MARK, 0);
		x = draw_mark(cr, l, right, y - 3, doc->draft);
		y += 19;
	}
	if (doc->invalid) {
		kp_buf_reset(&m);
		kp_pdf_escape(&m, KP_RENDER_INVALID, strlen(KP_RENDER_INVALID));
		l = make_layout(p, m.buf, FONT_MARK, 0);
		xi = draw_mark(cr, l, right, y - 3, 1);
		x = xi < x ? xi : x;
	}
	kp_buf_reset(&m);
	y = HEAD_Y;
	left_w = x - MARGIN_X - 12;
	if (left_w < 60)
		left_w = 60;
	cairo_set_source_rgb(cr, INK, INK, INK);
	kp_pdf_escape(&m, doc->header ? doc->header : "",
		      doc->header ? strlen(doc->header) : 0);
	l = make_layout(p, m.buf, FONT_HEADER, left_w);
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	show_line(cr, l, MARGIN_X, y);
	kp_buf_reset(&m);
	kp_buf_addstr(&m, "<span foreground=\"" MUTED "\">");
	kp_pdf_escape(&m, doc->stamp ? doc->stamp : "",
		      doc->stamp ? strlen(doc->stamp) : 0);
	kp_buf_addstr(&m, "</span>");
	/*
	 * The stamp's line is below a single mark's frame, so it may run
	 * under it; a second mark (invalid) reaches down to it.
	 */
	l = make_layout(p, m.buf, FONT_SMALL,
			doc->invalid ? left_w : CONTENT_W);
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	show_line(cr, l, MARGIN_X, y + 14);

	cairo_set_source_rgb(cr, RULE_GREY, RULE_GREY, RULE_GREY);
	cairo_set_line_width(cr, 0.5);
	cairo_move_to(cr, MARGIN_X, BODY_TOP - 14);
	cairo_line_to(cr, MARGIN_X + CONTENT_W, BODY_TOP - 14);
	cairo_move_to(cr, MARGIN_X, FOOT_RULE);
	cairo_line_to(cr, MARGIN_X + CONTENT_W, FOOT_RULE);
	cairo_stroke(cr);

	cairo_set_source_rgb(cr, INK, INK, INK);
	kp_buf_reset(&m);
	kp_buf_addf(&m, "Side %zu af %zu", n, p->npages);
	l = make_layout(p, m.buf, FONT_SMALL, 0);
	show_line(cr, l, MARGIN_X + CONTENT_W - layout_w(l), FOOT_RULE + 6);
	kp_buf_reset(&m);
	kp_buf_addstr(&m, "<span foreground=\"" MUTED "\">");
	kp_pdf_escape(&m, doc->footer ? doc->footer : "",
		      doc->footer ? strlen(doc->footer) : 0);
	kp_buf_addstr(&m, "</span>");
	l = make_layout(p, m.buf, FONT_SMALL, CONTENT_W - 80);
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	show_line(cr, l, MARGIN_X, FOOT_RULE + 6);
	kp_buf_release(&m);
}

static void add_scope(struct pdf *p, char scope)
{
	if (p->nscopes == p->ascopes) {
		p->ascopes = p->ascopes ? 2 * p->ascopes : 32;
		p->scopes = kp_xrealloc(p->scopes, p->ascopes);
	}
	p->scopes[p->nscopes++] = scope;
}

/* The link of line o that the text at byte i is in: its index, or -1. */
static long link_at(const struct pdf *p, const struct op *o, int i)
{
	size_t j;

	for (j = o->link0; j < o->link0 + o->nlink; j++)
		if (p->links[j].start <= i && i < p->links[j].end)
			return (long)j;
	return -1;
}

/* Run r's foreground, or ink; whether it is underlined. */
static int run_colour(cairo_t *cr, const PangoGlyphItem *r)
{
	double red = INK, green = INK, blue = INK;
	int under = 0;
	GSList *e;

	for (e = r->item->analysis.extra_attrs; e; e = e->next) {
		const PangoAttribute *a = e->data;

		if (a->klass->type == PANGO_ATTR_FOREGROUND) {
			const PangoColor *c =
				&((const PangoAttrColor *)a)->color;

			red = c->red / 65535.0;
			green = c->green / 65535.0;
			blue = c->blue / 65535.0;
		} else if (a->klass->type == PANGO_ATTR_UNDERLINE) {
			under = ((const PangoAttrInt *)a)->value !=
				PANGO_UNDERLINE_NONE;
		}
	}
	cairo_set_source_rgb(cr, red, green, blue);
	return under;
}

/* Draw run r with its origin at x, y, and its underline as Pango would. */
static void draw_run(cairo_t *cr, const char *text, PangoGlyphItem *r, double x,
		     double y, double w)
{
	PangoFontMetrics *m;
	int under = run_colour(cr, r);

	cairo_move_to(cr, x, y);
	pango_cairo_show_glyph_item(cr, text, r);
	if (!under)
		return;
	m = pango_font_get_metrics(r->item->analysis.font,
				   r->item->analysis.language);
	cairo_rectangle(cr, x,
			y - UN(pango_font_metrics_get_underline_position(m)), w,
			UN(pango_font_metrics_get_underline_thickness(m)));
	cairo_fill(cr);
	pango_font_metrics_unref(m);
}

/*
 * A line of a paragraph with links, run by run.  cairo 1.16 gives marked
 * content only to the leaves of the structure, so such a paragraph holds
 * nothing but Span and Link elements: a link's runs go into a Link
 * element (CAIRO_TAG_LINK), which then holds the link's text with its
 * annotation, over the runs' area and the line's height; the text around
 * them into Spans.  In a string attribute, ' and \ are escaped with a
 * backslash.
 */
static void draw_links(struct pdf *p, cairo_t *cr, const struct op *o)
{
	const char *text = pango_layout_get_text(o->pl->layout);
	struct kp_buf a = KP_BUF_INIT;
	GSList *r, *q;
	double x = o->x, w, span;
	const char *u;
	long k;

	for (r = o->pl->runs; r; r = q) {
		PangoGlyphItem *run = r->data;

		/* The runs of the same link, or of none, and their width. */
		k = link_at(p, o, run->item->offset);
		span = 0;
		for (q = r; q; q = q->next) {
			PangoGlyphItem *g = q->data;

			if (link_at(p, o, g->item->offset) != k)
				break;
			span += UN(pango_glyph_string_get_width(g->glyphs));
		}
		kp_buf_reset(&a);
		if (k >= 0) {
			kp_buf_addstr(&a, "uri='");
			for (u = p->urls[p->links[k].url]; *u; u++) {
				if (*u == '\'' || *u == '\\')
					kp_buf_addch(&a, '\\');
				kp_buf_addch(&a, *u);
			}
			kp_buf_addf(&a, "' rect=[%.2f %.2f %.2f %.2f]", x,
				    o->y - o->w, span, o->h);
		}
		cairo_tag_begin(cr, k >= 0 ? CAIRO_TAG_LINK : "Span",
				k >= 0 ? a.buf : NULL);
		for (; r != q; r = r->next) {
			run = r->data;
			w = UN(pango_glyph_string_get_width(run->glyphs));
			draw_run(cr, text, run, x, o->y, w);
			x += w;
		}
		cairo_tag_end(cr, k >= 0 ? CAIRO_TAG_LINK : "Span");
	}
	kp_buf_release(&a);
}

static void draw_page(struct pdf *p, cairo_t *cr, size_t n)
{
	const struct page *pg = &p->pages[n];
	size_t i;
	int pass;

	draw_chrome(p, cr, n + 1);
	/*
	 * Fills, then text, then borders, so that nothing hides a border;
	 * the structure's tags go with the text, in its order.
	 */
	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < pg->len; i++) {
			const struct op *o = &pg->v[i];

			if ((int)o->type != pass &&
			    !(pass == OP_TEXT && o->type > OP_STROKE))
				continue;
			switch (o->type) {
			case OP_BEGIN:
				cairo_tag_begin(cr, o->tag, NULL);
				if (o->scope)
					add_scope(p, o->scope);
				break;
			case OP_END: cairo_tag_end(cr, o->tag); break;
			case OP_FILL:
				cairo_set_source_rgb(cr, o->grey, o->grey,
						     o->grey);
				cairo_rectangle(cr, o->x, o->y, o->w, o->h);
				cairo_fill(cr);
				break;
			case OP_TEXT:
				cairo_set_source_rgb(cr, INK, INK, INK);
				if (o->spans) {
					draw_links(p, cr, o);
					break;
				}
				cairo_move_to(cr, o->x, o->y);
				pango_cairo_show_layout_line(cr, o->pl);
				break;
			case OP_STROKE:
				cairo_set_source_rgb(cr, o->grey, o->grey,
						     o->grey);
				cairo_set_line_width(cr, BORDER);
				cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
				cairo_move_to(cr, o->x, o->y);
				cairo_line_to(cr, o->x + o->w, o->y + o->h);
				cairo_stroke(cr);
				break;
			}
		}
}

static cairo_status_t write_buf(void *closure, const unsigned char *data,
				unsigned int len)
{
	kp_buf_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

static void set_meta(cairo_surface_t *s, cairo_pdf_metadata_t key,
		     const char *v)
{
	char *valid;

	if (!v || !*v)
		return;
	valid = g_utf8_make_valid(v, -1);
	cairo_pdf_surface_set_metadata(s, key, valid);
	g_free(valid);
}

/*
 * One Pango context per render, from a font map made once per process:
 * fontconfig is read only the first time.
 */
static PangoContext *make_context(void)
{
	static PangoFontMap *map;
	PangoContext *pc;
	cairo_font_options_t *fo;

	if (!map)
		map = pango_cairo_font_map_new();
	pc = pango_font_map_create_context(map);
	pango_cairo_context_set_resolution(pc, 72);
	fo = cairo_font_options_create();
	/* Unhinted metrics: the same layout at any size, on any machine. */
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(pc, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_round_glyph_positions(pc, FALSE);
	pango_context_set_language(pc, pango_language_from_string("da-dk"));
	pango_context_set_base_dir(pc, PANGO_DIRECTION_LTR);
	return pc;
}

/*
 * What cairo has no API for, as an update of the file it wrote
 * (pdfpost.c): language, XMP metadata with the document's identity,
 * artifacts, the scope of table headers.
 */
static int finish(struct pdf *p, struct kp_buf *out, size_t start,
		  long long created, struct kp_error *err)
{
	const struct kp_rdoc *doc = p->doc;
	struct kp_pdf_meta m;
	struct kp_buf ident = KP_BUF_INIT, producer = KP_BUF_INIT;
	int error;

	memset(&m, 0, sizeof(m));
	m.title = doc->title;
	m.author = doc->author;
	m.subject = doc->subject;
	m.creator = "kiplan " KP_VERSION;
	/* as cairo writes it into the Info dictionary */
	kp_buf_addf(&producer, "cairo %s (https://cairographics.org)",
		    cairo_version_string());
	m.producer = producer.buf;
	m.created = created;
	m.lang = "da";
	m.pdfa = 'U';
	kp_ident_xmp(&ident, doc);
	m.ident = ident.buf;
	m.scopes = p->scopes;
	m.nscopes = p->nscopes;
	error = kp_pdf_finish(out, start, &m, err);
	kp_buf_release(&ident);
	kp_buf_release(&producer);
	return error;
}

int kp_render_pdf(struct kp_buf *out, const struct kp_rdoc *doc,
		  struct kp_chars *missing, struct kp_error *err)
{
	struct pdf p;
	struct prep *prs = NULL;
	cairo_surface_t *s = NULL;
	cairo_t *cr = NULL;
	cairo_status_t st;
	size_t i, start = out->len;
	char date[32];
	struct tm tm;
	time_t t;
	long long created;
	int error = 0;

	memset(&p, 0, sizeof(p));
	p.doc = doc;
	p.missing = missing;
	p.tag = "P";
	p.pc = make_context();
	p.lead = label_lead(&p);
	prs = kp_xcalloc(doc->nblocks + 1, sizeof(*prs));
	for (i = 0; i < doc->nblocks; i++)
		prepare(&p, &prs[i], &doc->blocks[i]);
	if (p.over) {
		error = kp_error_set(err, KP_ELIMIT, NULL, 0, 0,
				     _("the plan is too long for a PDF (more "
				       "than %d lines of text)"),
				     MAX_LINES);
		goto done;
	}
	paginate(&p, prs);

	s = cairo_pdf_surface_create_for_stream(write_buf, out, PAGE_W, PAGE_H);
	set_meta(s, CAIRO_PDF_METADATA_TITLE, doc->title);
	set_meta(s, CAIRO_PDF_METADATA_AUTHOR, doc->author);
	set_meta(s, CAIRO_PDF_METADATA_SUBJECT, doc->subject);
	set_meta(s, CAIRO_PDF_METADATA_CREATOR, "kiplan " KP_VERSION);
	/*
	 * A revision's date is its commit's: the same revision gives the
	 * same bytes.  A working copy's is now.
	 */
	created = doc->created ? doc->created : (long long)time(NULL);
	t = (time_t)created;
	if (gmtime_r(&t, &tm) &&
	    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm))
		set_meta(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
	cr = cairo_create(s);
	add_outline(s, &p);
	for (i = 0; i < p.npages; i++) {
		draw_page(&p, cr, i);
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	st = cairo_surface_status(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		kp_buf_setlen(out, start);
		error = kp_error_set(err, KP_ERENDER, NULL, 0, 0,
				     /* TRANSLATORS: cairo's reason, English */
				     _("cannot write the PDF: %s"),
				     cairo_status_to_string(st));
	}
	cairo_surface_destroy(s);
	if (!error && (error = finish(&p, out, start, created, err)) < 0)
		kp_buf_setlen(out, start);
done:
	for (i = 0; i < doc->nblocks; i++) {
		flow_release(&prs[i].f);
		if (doc->blocks[i].type == KP_BLOCK_TABLE)
			table_release(&prs[i].t);
	}
	free(prs);
	for (i = 0; i < p.npages; i++)
		free(p.pages[i].v);
	free(p.pages);
	free(p.marks);
	for (i = 0; i < p.nurls; i++)
		free(p.urls[i]);
	free(p.urls);
	free(p.links);
	free(p.scopes);
	for (i = 0; i < p.nlayouts; i++)
		g_object_unref(p.layouts[i]);
	free(p.layouts);
	g_object_unref(p.pc);
	return error;
}
