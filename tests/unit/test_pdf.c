/*
 * test_pdf.c: the PDF writer.  Models are built by hand; the PDFs are
 * read back with poppler's pdftotext and pdfinfo, page by page.
 */
#include <pango/pango.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "kiplan.h"
#include "render/pdf.h"

/* The PDF written to a temporary file; its name in path[]. */
struct pdfout {
	char path[64];
	int npages;
	char **pages;		/* pdftotext of each page */
	char *info;		/* pdfinfo */
};

static char *run(const char *fmt, const char *path)
{
	struct kp_buf cmd = KP_BUF_INIT, out = KP_BUF_INIT;
	char tmp[4096];
	size_t n;
	FILE *f;

	kp_buf_addf(&cmd, fmt, path);
	f = popen(cmd.buf, "r");
	kp_buf_release(&cmd);
	if (!f)
		return kp_xstrdup("");
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		kp_buf_add(&out, tmp, n);
	pclose(f);
	return kp_buf_detach(&out, NULL);
}

static int render(struct pdfout *o, const struct kp_rdoc *doc)
{
	struct kp_buf pdf = KP_BUF_INIT;
	struct kp_error err = KP_ERROR_INIT;
	char *text, *p, *ff;
	int fd, rc;

	memset(o, 0, sizeof(*o));
	rc = kp_render_pdf(&pdf, doc, &err);
	if (rc < 0) {
		kp_buf_release(&pdf);
		return rc;
	}
	snprintf(o->path, sizeof(o->path), "/tmp/kiplan-test-pdf-XXXXXX");
	fd = mkstemp(o->path);
	if (fd < 0 || write(fd, pdf.buf, pdf.len) != (ssize_t)pdf.len) {
		kp_buf_release(&pdf);
		return -1;
	}
	close(fd);
	kp_buf_release(&pdf);
	o->info = run("pdfinfo '%s' 2>&1", o->path);
	text = run("pdftotext -enc UTF-8 '%s' - 2>&1", o->path);
	/* pdftotext ends every page with a form feed. */
	for (p = text; (ff = strchr(p, '\f')); p = ff + 1) {
		o->pages = kp_xrealloc(o->pages,
				       (size_t)(o->npages + 1) * sizeof(char *));
		o->pages[o->npages++] = kp_xstrndup(p, (size_t)(ff - p));
	}
	free(text);
	return 0;
}

static void pdfout_release(struct pdfout *o)
{
	int i;

	for (i = 0; i < o->npages; i++)
		free(o->pages[i]);
	free(o->pages);
	free(o->info);
	if (*o->path)
		unlink(o->path);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* The number of pages of a PDF in memory (it holds NUL bytes). */
static int pdf_pages(const struct kp_buf *pdf)
{
	static const char key[] = "/Type /Page ";
	size_t i;
	int n = 0;

	for (i = 0; i + sizeof(key) - 1 <= pdf->len; i++)
		if (!memcmp(pdf->buf + i, key, sizeof(key) - 1))
			n++;
	return n;
}

/* Which page (1-based) holds s first; 0 when none. */
static int page_of(const struct pdfout *o, const char *s)
{
	int i;

	for (i = 0; i < o->npages; i++)
		if (strstr(o->pages[i], s))
			return i + 1;
	return 0;
}

static struct kp_rdoc *new_doc(void)
{
	struct kp_rdoc *d = kp_rdoc_new();

	kp_rdoc_set(&d->title, "Koordinerende indsatsplan ki-2014-0001 – "
		    "Jens Ærø Ølgaard");
	kp_rdoc_set(&d->author, "Anne Larsen");
	kp_rdoc_set(&d->subject, "Koordinerende indsatsplan");
	kp_rdoc_set(&d->header, "Jens Ærø Ølgaard · ki-2014-0001");
	kp_rdoc_set(&d->stamp, "Revision 2 · 1a2b3c4 · 1. maj 2014");
	d->created = 1398945600;	/* 2014-05-01T12:00:00Z */
	return d;
}

/*
 * A table: two header rows, "Skema" across and "Felt | Indhold", then
 * rows label | text from row 2.
 */
static struct kp_block *two_cols(struct kp_rdoc *d)
{
	struct kp_block *t = kp_rdoc_table(d, 2, 2);
	static const double w[] = { 1, 3 };

	kp_rdoc_table_widths(t, w);
	kp_rdoc_cell_set(t, 0, 0, "Skema", KP_CELL_HEADER | KP_CELL_PLAIN, 2,
			 1);
	kp_rdoc_cell_set(t, 1, 0, "Felt", KP_CELL_HEADER | KP_CELL_PLAIN, 1,
			 1);
	kp_rdoc_cell_set(t, 1, 1, "Indhold", KP_CELL_HEADER | KP_CELL_PLAIN, 1,
			 1);
	return t;
}

void test_pdf__escape(void)
{
	struct kp_buf b = KP_BUF_INIT;

	kp_pdf_escape(&b, "a<b>&\"'c", 8);
	STR_EQ(b.buf, "a&lt;b&gt;&amp;&quot;&#39;c");
	kp_buf_reset(&b);
	kp_pdf_escape(&b, "æøå ÆØÅ ☒☐", strlen("æøå ÆØÅ ☒☐"));
	STR_EQ(b.buf, "æøå ÆØÅ ☒☐");
	kp_buf_reset(&b);
	kp_pdf_escape(&b, "a\xff\x01z\r\n\t", 7);
	STR_EQ(b.buf, "a\xef\xbf\xbd\xef\xbf\xbdz\n\t");
	kp_buf_reset(&b);
	kp_pdf_escape(&b, "x\xef\xbf\xbe", 4);	/* U+FFFE */
	STR_EQ(b.buf, "x\xef\xbf\xbd");
	kp_buf_release(&b);
}

/* Whatever the bytes, the escaped text is markup that Pango accepts. */
void test_pdf__escape_always_parses(void)
{
	struct kp_buf b = KP_BUF_INIT;
	unsigned char junk[512];
	unsigned seed = 12345;
	int round, i, bad = 0;

	for (round = 0; round < 200; round++) {
		for (i = 0; i < (int)sizeof(junk); i++) {
			seed = seed * 1103515245 + 12345;
			junk[i] = (unsigned char)(seed >> 16);
		}
		kp_buf_reset(&b);
		kp_pdf_escape(&b, (const char *)junk, sizeof(junk));
		if (!g_utf8_validate(b.buf, (gssize)b.len, NULL) ||
		    !pango_parse_markup(b.buf, (int)b.len, 0, NULL, NULL, NULL,
					NULL))
			bad++;
	}
	INT_EQ(bad, 0);
	kp_buf_release(&b);
}

static struct kp_pdf_paras md(const char *s)
{
	struct kp_pdf_paras p = KP_PDF_PARAS_INIT;

	kp_pdf_paras_from_md(&p, s, strlen(s), 100);
	return p;
}

void test_pdf__md_lists_hang(void)
{
	struct kp_pdf_paras p = md("Intro\n\n1) Et\n2) To\n   - indre\n\n"
				   "- punkt\n");

	INT_EQ(p.len, 5);
	if (p.len == 5) {
		STR_EQ(p.v[0].markup, "Intro");
		OK(p.v[0].marker == NULL);
		STR_EQ(p.v[1].marker, "1)");
		STR_EQ(p.v[2].marker, "2)");
		STR_EQ(p.v[3].marker, "◦");	/* nested bullet */
		STR_EQ(p.v[4].marker, "•");
		STR_EQ(p.v[1].markup, "Et");
		/* hanging indent: text right of the marker */
		OK(p.v[1].x > p.v[1].mx);
		OK(p.v[3].mx >= p.v[2].x);
		OK(p.v[3].x > p.v[3].mx);
		OK(p.v[4].mx == 0);
		OK(p.v[0].gap == 0 && p.v[1].gap > 0);
	}
	kp_pdf_paras_release(&p);
}

void test_pdf__md_inlines(void)
{
	struct kp_pdf_paras p = md("*em* **st** `a<b` [web](https://x.dk/?a=1&b=2)"
				   " [bad](javascript:alert(1)) <script>x</script>"
				   " <https://y.dk>");

	INT_EQ(p.len, 1);
	if (p.len == 1) {
		const char *m = p.v[0].markup;

		OK(strstr(m, "<i>em</i>") != NULL);
		OK(strstr(m, "<b>st</b>") != NULL);
		OK(strstr(m, "a&lt;b</span>") != NULL);
		OK(strstr(m, "web (https://x.dk/?a=1&amp;b=2)") != NULL);
		OK(strstr(m, "javascript") == NULL);
		OK(strstr(m, "bad") != NULL);
		OK(strstr(m, "&lt;script&gt;") != NULL);
		OK(strstr(m, "<script") == NULL);
		/* an autolink is shown once */
		INT_EQ(count(m, "https://y.dk"), 1);
		OK(pango_parse_markup(m, -1, 0, NULL, NULL, NULL, NULL));
	}
	kp_pdf_paras_release(&p);
}

void test_pdf__md_deep_nesting_is_bounded(void)
{
	struct kp_buf b = KP_BUF_INIT;
	struct kp_pdf_paras p = KP_PDF_PARAS_INIT;
	size_t i;
	int over = 0;

	for (i = 0; i < 2000; i++)
		kp_buf_addstr(&b, "> ");
	kp_buf_addstr(&b, "dybt\n\n");
	for (i = 0; i < 300; i++) {
		size_t k;

		for (k = 0; k < i * 2; k++)
			kp_buf_addch(&b, ' ');
		kp_buf_addstr(&b, "- x\n");
	}
	kp_pdf_paras_from_md(&p, b.buf, b.len, 100);
	OK(p.len > 1);
	for (i = 0; i < p.len; i++)
		if (p.v[i].x > 100 || p.v[i].mx > 100)
			over++;
	INT_EQ(over, 0);
	kp_pdf_paras_release(&p);
	kp_buf_release(&b);
}

void test_pdf__empty_doc_is_one_page(void)
{
	struct kp_rdoc *d = kp_rdoc_new();
	struct kp_buf pdf = KP_BUF_INIT;
	struct pdfout o;

	INT_EQ(kp_render_pdf(&pdf, d, NULL), 0);
	OK(pdf.len > 100 && !memcmp(pdf.buf, "%PDF-", 5));
	OK(strstr(pdf.buf + pdf.len - 8, "%%EOF") != NULL);
	INT_EQ(render(&o, d), 0);
	INT_EQ(o.npages, 1);
	OK(o.npages == 1 && strstr(o.pages[0], "Side 1 af 1") != NULL);
	pdfout_release(&o);
	kp_buf_release(&pdf);
	kp_rdoc_free(d);
}

void test_pdf__text_marks_and_metadata(void)
{
	struct kp_rdoc *d = new_doc();
	struct kp_block *t;
	struct pdfout o;
	int i;

	d->draft = 1;
	d->invalid = 1;
	kp_rdoc_heading(d, 1, "1. Stamoplysninger");
	t = two_cols(d);
	kp_rdoc_cell_set(t, 2, 0, "Navn", KP_CELL_LABEL | KP_CELL_PLAIN, 1, 1);
	kp_rdoc_cell_set(t, 2, 1, "Jens **Ærø** Ølgaard ☒ Ja ☐ Nej", 0, 1, 1);
	for (i = 0; i < 80; i++)
		kp_rdoc_text(d, "Fyldtekst om *æblegrød* og & <tegn>.", 0);
	INT_EQ(render(&o, d), 0);
	OK(o.npages >= 2);
	for (i = 0; i < o.npages; i++) {
		char side[32];

		snprintf(side, sizeof(side), "Side %d af %d", i + 1, o.npages);
		OK(strstr(o.pages[i], side) != NULL);
		OK(strstr(o.pages[i], KP_RENDER_UNSENT) != NULL);
		OK(strstr(o.pages[i], KP_RENDER_INVALID) != NULL);
		OK(strstr(o.pages[i], "Jens Ærø Ølgaard · ki-2014-0001") != NULL);
		OK(strstr(o.pages[i], "Revision 2 · 1a2b3c4") != NULL);
	}
	INT_EQ(page_of(&o, "1. Stamoplysninger"), 1);
	INT_EQ(page_of(&o, "Jens Ærø Ølgaard ☒ Ja ☐ Nej"), 1);
	INT_EQ(page_of(&o, "Fyldtekst om æblegrød og & <tegn>."), 1);
	OK(strstr(o.info, "Title:") && strstr(o.info, "ki-2014-0001 – Jens Ærø"));
	OK(strstr(o.info, "Author:          Anne Larsen") != NULL);
	OK(strstr(o.info, "Subject:         Koordinerende indsatsplan") != NULL);
	OK(strstr(o.info, "CreationDate:    Thu May  1 12:00:00 2014") != NULL);
	OK(strstr(o.info, "A4") != NULL);
	pdfout_release(&o);
	kp_rdoc_free(d);
}

/*
 * A cell of 400 paragraphs fills many pages: every paragraph comes out
 * exactly once, in order, and each continued page starts with the
 * header row again.
 */
void test_pdf__long_cell_splits_with_header_repeated(void)
{
	struct kp_rdoc *d = new_doc();
	struct kp_block *t;
	struct kp_buf big = KP_BUF_INIT, all = KP_BUF_INIT;
	struct pdfout o;
	char key[32];
	const char *at, *prev;
	int i, lost = 0, twice = 0, order = 0, heads = 0;

	for (i = 1; i <= 400; i++)
		kp_buf_addf(&big, "S%03dx: status for borgeren, som skal "
			    "ombrydes inde i cellen og deles over sider.\n\n", i);
	kp_rdoc_heading(d, 2, "2. Afdækning");
	t = two_cols(d);
	kp_rdoc_cell_set(t, 2, 0, "Status", KP_CELL_LABEL | KP_CELL_PLAIN, 1, 1);
	kp_rdoc_cell_set(t, 2, 1, big.buf, 0, 1, 1);
	kp_rdoc_cell_set(t, 3, 0, "Mål", KP_CELL_LABEL | KP_CELL_PLAIN, 1, 1);
	kp_rdoc_cell_set(t, 3, 1, "Slutningen", 0, 1, 1);
	INT_EQ(render(&o, d), 0);
	OK(o.npages >= 4);
	for (i = 0; i < o.npages; i++) {
		if (strstr(o.pages[i], "Skema") && strstr(o.pages[i], "Felt") &&
		    strstr(o.pages[i], "Indhold"))
			heads++;
		kp_buf_addstr(&all, o.pages[i]);
	}
	INT_EQ(heads, o.npages);
	prev = all.buf;
	for (i = 1; i <= 400; i++) {
		snprintf(key, sizeof(key), "S%03dx", i);
		at = strstr(all.buf, key);
		if (!at)
			lost++;
		else if (strstr(at + 1, key))
			twice++;
		else if (at < prev)
			order++;
		if (at)
			prev = at;
	}
	INT_EQ(lost, 0);
	INT_EQ(twice, 0);
	INT_EQ(order, 0);
	INT_EQ(page_of(&o, "Slutningen"), o.npages);
	pdfout_release(&o);
	kp_buf_release(&big);
	kp_buf_release(&all);
	kp_rdoc_free(d);
}

/* One word longer than a page of lines: broken by characters, kept whole. */
void test_pdf__unbreakable_word(void)
{
	struct kp_rdoc *d = new_doc();
	struct kp_block *t;
	struct kp_buf w = KP_BUF_INIT, all = KP_BUF_INIT;
	struct pdfout o;
	size_t i, letters = 0;

	for (i = 0; i < 30000; i++)
		kp_buf_addch(&w, 'x');
	t = two_cols(d);
	kp_rdoc_cell_set(t, 2, 0, w.buf, KP_CELL_PLAIN, 1, 1);
	kp_rdoc_cell_set(t, 2, 1, w.buf, 0, 1, 1);
	INT_EQ(render(&o, d), 0);
	OK(o.npages >= 2);
	for (i = 0; i < (size_t)o.npages; i++)
		kp_buf_addstr(&all, o.pages[i]);
	for (i = 0; i < all.len; i++)
		letters += all.buf[i] == 'x';
	INT_EQ(letters, 60000);
	pdfout_release(&o);
	kp_buf_release(&w);
	kp_buf_release(&all);
	kp_rdoc_free(d);
}

/*
 * A heading is never the last thing on a page, and a row group held by a
 * span that fits on a page is not split.
 */
void test_pdf__keeps_headings_and_groups(void)
{
	struct kp_rdoc *d = new_doc();
	struct kp_block *t;
	struct pdfout o;
	int i, n;

	/* Fill page 1 so that the heading would land at its bottom. */
	for (n = 1; n < 200; n++) {
		struct kp_rdoc *probe = new_doc();
		struct kp_buf pdf = KP_BUF_INIT;

		for (i = 0; i < n; i++)
			kp_rdoc_text(probe, "Linje", KP_CELL_PLAIN);
		OK(kp_render_pdf(&pdf, probe, NULL) == 0);
		i = pdf_pages(&pdf);
		kp_buf_release(&pdf);
		kp_rdoc_free(probe);
		if (i > 1)
			break;
	}
	/* n lines of text need two pages: n - 3 leave room for two. */
	OK(n > 10 && n < 200);
	for (i = 0; i < n - 3; i++)
		kp_rdoc_text(d, "Linje", KP_CELL_PLAIN);
	kp_rdoc_heading(d, 2, "4. Fælles mål og prioritering");
	t = kp_rdoc_table(d, 3, 0);
	kp_rdoc_cell_set(t, 0, 0, "Planen", KP_CELL_LABEL | KP_CELL_PLAIN, 1, 3);
	kp_rdoc_cell_set(t, 0, 1, "Status", KP_CELL_LABEL, 1, 1);
	kp_rdoc_cell_set(t, 1, 1, "Mål", KP_CELL_LABEL, 1, 1);
	kp_rdoc_cell_set(t, 2, 1, "Indsats", KP_CELL_LABEL, 1, 1);
	kp_rdoc_cell_set(t, 0, 2, "a", 0, 1, 1);
	kp_rdoc_cell_set(t, 1, 2, "b", 0, 1, 1);
	kp_rdoc_cell_set(t, 2, 2, "c", 0, 1, 1);
	INT_EQ(render(&o, d), 0);
	INT_EQ(o.npages, 2);
	INT_EQ(page_of(&o, "4. Fælles mål"), 2);
	INT_EQ(page_of(&o, "Planen"), 2);
	INT_EQ(page_of(&o, "Indsats"), 2);
	pdfout_release(&o);
	kp_rdoc_free(d);
}

/* A model that breaks the builder's promises does not break the writer. */
void test_pdf__odd_models(void)
{
	struct kp_rdoc *d = new_doc();
	struct kp_block *t;
	struct kp_buf pdf = KP_BUF_INIT;
	static const double zero[] = { 0, -1, 0 };
	struct pdfout o;

	kp_rdoc_set(&d->header, "bad \xff\xfe utf-8 <b>");
	kp_rdoc_set(&d->title, "titel \xc3");
	kp_rdoc_heading(d, 7, "");
	kp_rdoc_text(d, "", 0);
	kp_rdoc_text(d, NULL, KP_CELL_EMPH);
	t = kp_rdoc_table(d, 3, 5);		/* more header rows than rows */
	kp_rdoc_table_widths(t, zero);
	kp_rdoc_cell_set(t, 0, 0, NULL, 0, 3, 1);
	t = kp_rdoc_table(d, 2, 1);
	kp_rdoc_cell_set(t, 0, 0, "span", 0, 1, 4);	/* header tied to body */
	kp_rdoc_cell_set(t, 3, 1, "z", 0, 1, 1);
	t = kp_rdoc_table(d, 2, 0);		/* no rows at all */
	t = kp_rdoc_table(d, 2, 0);
	kp_rdoc_cell_set(t, 0, 0, "x", 0, 1, 1);
	t->cells[0].rowspan = 99;		/* past the end */
	t->cells[0].colspan = 99;
	INT_EQ(kp_render_pdf(&pdf, d, NULL), 0);
	INT_EQ(render(&o, d), 0);
	INT_EQ(o.npages, 1);
	OK(o.npages == 1 && strstr(o.pages[0], "utf-8 <b>") != NULL);
	pdfout_release(&o);
	kp_buf_release(&pdf);
	kp_rdoc_free(d);
}

/* The same model gives the same bytes. */
void test_pdf__deterministic(void)
{
	struct kp_rdoc *d = new_doc();
	struct kp_buf a = KP_BUF_INIT, b = KP_BUF_INIT;
	struct kp_block *t;

	d->draft = 1;
	t = two_cols(d);
	kp_rdoc_cell_set(t, 2, 0, "Navn", KP_CELL_LABEL | KP_CELL_PLAIN, 1, 1);
	kp_rdoc_cell_set(t, 2, 1, "- Æ\n- Ø\n- Å", 0, 1, 1);
	INT_EQ(kp_render_pdf(&a, d, NULL), 0);
	INT_EQ(kp_render_pdf(&b, d, NULL), 0);
	INT_EQ(a.len, b.len);
	OK(a.len == b.len && !memcmp(a.buf, b.buf, a.len));
	kp_buf_release(&a);
	kp_buf_release(&b);
	kp_rdoc_free(d);
}
