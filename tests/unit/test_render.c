/*
 * test_render.c: the document model, its builder, bounded and safe
 * CommonMark, and the HTML writer, on plans built by hand.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmark.h>

#include "kiplan.h"
#include "harness.h"

static const char plan_text[] =
    "---\n"
    "kiplan: 1\n"
    "id: ki-2014-0007\n"
    "status: aktiv\n"
    "borger:\n"
    "  navn: Jens <b>Hansen</b>\n"
    "  cpr: \"010174-1235\"\n"
    "  telefon: \"+45 12 34 56 78\"\n"
    "grundlag:\n"
    "  psykiatri: true\n"
    "samtykke:\n"
    "  givet: true\n"
    "moede:\n"
    "  dato: 2014-05-01\n"
    "planer:\n"
    "  - type: alkohol\n"
    "    status: \"<script>alert(1)</script> [x](javascript:alert(1))\"\n"
    "udfordringer:\n"
    "  - Første\n"
    "  - Anden, cpr 010174-1235\n"
    "maal:\n"
    "  - titel: Fastholdelse\n"
    "    indsatser:\n"
    "      - opgave: Samtaler\n"
    "        frist: 2014-10-01\n"
    "        forloeb: parallel\n"
    "opfoelgning:\n"
    "  dato: 2014-10-01\n"
    "---\n"
    "Noter med ![spor](http://example.com/x.png) og <img src=x onerror=y>.\n";

static struct kp_plan *load(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_plan *plan = NULL;

	OK(kp_plan_parse(&plan, "ki-2014-0007.md", plan_text, strlen(plan_text),
			 0, &err) == 0);
	return plan;
}

/* The text of every block and cell, joined by newlines. */
static char *all_text(const struct kp_rdoc *doc)
{
	struct kp_buf b = KP_BUF_INIT;
	size_t i, k;

	for (i = 0; i < doc->nblocks; i++) {
		const struct kp_block *blk = &doc->blocks[i];

		if (blk->text)
			kp_buf_addf(&b, "%s\n", blk->text);
		for (k = 0; k < blk->nrows * blk->ncols; k++)
			if (blk->cells[k].text)
				kp_buf_addf(&b, "%s\n", blk->cells[k].text);
	}
	return kp_buf_detach(&b, NULL);
}

void test_render__builder_spans(void)
{
	struct kp_rdoc *doc = kp_rdoc_new();
	struct kp_block *t;

	kp_rdoc_heading(doc, 7, "x");
	INT_EQ(doc->blocks[0].level, 3);
	t = kp_rdoc_table(doc, 3, 1);
	INT_EQ(kp_rdoc_cell_set(t, 0, 0, "a", KP_CELL_LABEL, 1, 3), 0);
	INT_EQ(t->nrows, 3);
	OK(kp_rdoc_cell(t, 2, 0)->skip);
	OK(!kp_rdoc_cell(t, 2, 1)->skip);
	OK(kp_rdoc_cell(t, 2, 1)->text == NULL);
	/* Overlapping a span or leaving the table is refused. */
	INT_EQ(kp_rdoc_cell_set(t, 1, 0, "b", 0, 1, 1), KP_EUSAGE);
	INT_EQ(kp_rdoc_cell_set(t, 0, 1, "b", 0, 3, 1), KP_EUSAGE);
	INT_EQ(kp_rdoc_cell_set(t, 0, 1, "b", 0, 2, 1), 0);
	INT_EQ(kp_rdoc_cell_set(t, 0, 2, "c", 0, 1, 1), KP_EUSAGE);
	STR_EQ(kp_rdoc_cell(t, 0, 1)->text, "b");
	INT_EQ(kp_rdoc_cell(t, 0, 1)->colspan, 2);
	OK(kp_rdoc_cell(t, 3, 0) == NULL);
	kp_rdoc_free(doc);
	kp_rdoc_free(NULL);
}

void test_render__url_safe(void)
{
	OK(kp_md_url_safe("https://example.dk/a"));
	OK(kp_md_url_safe("mailto:a@example.dk"));
	OK(kp_md_url_safe("#del-2"));
	OK(!kp_md_url_safe("a/b:c"));
	OK(!kp_md_url_safe("plan.md"));
	OK(!kp_md_url_safe(""));
	OK(!kp_md_url_safe("#"));
	OK(!kp_md_url_safe("javascript:alert(1)"));
	OK(!kp_md_url_safe("JavaScript:alert(1)"));
	OK(!kp_md_url_safe(" java\tscript:alert(1)"));
	OK(!kp_md_url_safe("vbscript:x"));
	OK(!kp_md_url_safe("data:text/html,x"));
	OK(!kp_md_url_safe("file:///etc/passwd"));
}

static char *md_html(const char *text)
{
	cmark_node *doc = kp_md_parse(text, strlen(text));
	char *html = cmark_render_html(doc, CMARK_OPT_SAFE);

	kp_md_free(doc);
	return html;
}

void test_render__md_safe(void)
{
	char *h;

	h = md_html("a <script>x</script> [l](javascript:alert(1)) "
		    "![i](http://example.com/t.png) [ok](https://example.dk)\n"
		    "\n<div onclick=\"x\">\n");
	OK(!strstr(h, "<script"));
	OK(strstr(h, "&lt;script&gt;"));
	OK(!strstr(h, "javascript"));
	OK(!strstr(h, "<img"));
	OK(!strstr(h, "example.com"));
	OK(strstr(h, "<a href=\"https://example.dk\">ok</a>"));
	OK(strstr(h, "&lt;div onclick=&quot;x&quot;&gt;"));
	free(h);
}

void test_render__md_chunked(void)
{
	struct kp_buf b = KP_BUF_INIT;
	char *h;
	size_t i;

	/* Long texts are cut at blank lines; every paragraph survives. */
	for (i = 0; i < 2000; i++)
		kp_buf_addf(&b, "Afsnit *%zu*.\n\n", i);
	OK(b.len > KP_MD_CHUNK);
	h = md_html(b.buf);
	OK(strstr(h, "<p>Afsnit <em>0</em>.</p>"));
	OK(strstr(h, "<p>Afsnit <em>1999</em>.</p>"));
	free(h);
	/* Fenced code with blank lines is not cut. */
	kp_buf_reset(&b);
	kp_buf_addstr(&b, "```\n");
	for (i = 0; i < 1000; i++)
		kp_buf_addf(&b, "linje %zu\n\n", i);
	kp_buf_addstr(&b, "```\nefter\n");
	h = md_html(b.buf);
	OK(strstr(h, "<pre><code>linje 0\n"));
	OK(strstr(h, "linje 999\n\n</code></pre>"));
	OK(strstr(h, "<p>efter</p>"));
	free(h);
	/* A single block longer than a chunk is kept as plain text. */
	kp_buf_reset(&b);
	for (i = 0; i < 3000; i++)
		kp_buf_addstr(&b, "*a <b>");
	h = md_html(b.buf);
	OK(!strstr(h, "<em>"));
	OK(!strstr(h, "<b>"));
	OK(strstr(h, "*a &lt;b&gt;*a"));
	free(h);
	kp_buf_release(&b);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * libcmark 0.30.2's quadratic inputs, 1 MiB each, cut into groups just
 * under the chunk size (the worst case): each takes well under a second
 * (measured: see bench/README-render.md); 10 s is the bound that cannot
 * flake, against minutes unbounded.
 */
void test_render__md_bounded_time(void)
{
	static const char *const units[] = {"![[]()", "*![[]()", "a*", "*_",
					    "[a](",   "**a*_b_", "` ", "<"};
	struct kp_buf b = KP_BUF_INIT;
	size_t u, block;
	double t0;
	void *doc;

	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		kp_buf_reset(&b);
		block = 0;
		while (b.len < KP_PLAN_MAX) {
			kp_buf_addstr(&b, units[u]);
			block += strlen(units[u]);
			if (block > KP_MD_CHUNK - 16) {
				kp_buf_addstr(&b, "\n\n");
				block = 0;
			}
		}
		t0 = now();
		doc = kp_md_parse(b.buf, b.len);
		kp_md_free(doc);
		OK(now() - t0 < 10.0);
	}
	kp_buf_release(&b);
}

void test_render__model(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_render_opts opts;
	struct kp_rdoc *doc = NULL;
	struct kp_plan *plan = load();
	const struct kp_block *t = NULL;
	char *text;
	size_t i, h2 = 0;

	if (!plan)
		return;
	memset(&opts, 0, sizeof(opts));
	INT_EQ(kp_render_model(&doc, plan, &opts, &err), 0);
	STR_EQ(doc->title, "Koordinerende indsatsplan ki-2014-0007 – "
			   "Jens <b>Hansen</b> (Ikke afsendt)");
	OK(doc->draft);
	STR_EQ(doc->stamp, "ki-2014-0007");
	STR_EQ(doc->mark, "Ikke afsendt");
	for (i = 0; i < doc->nblocks; i++) {
		if (doc->blocks[i].type == KP_BLOCK_HEADING &&
		    doc->blocks[i].level == 2) {
			static const char *const want[] = {
			    "1. Stamoplysninger",
			    "2. Afdækning af status, mål og indsatser i "
			    "eksisterende planer",
			    "3. Identifikation af primære og/eller akutte "
			    "udfordringer",
			    "4. Fælles mål og prioritering",
			    "5. Opfølgning",
			    "Noter"};
			if (h2 < 6)
				STR_EQ(doc->blocks[i].text, want[h2]);
			if (h2 == 1)
				t = &doc->blocks[i + 2];
			h2++;
		}
	}
	INT_EQ(h2, 6);
	/* Part 2: all eight kinds of plan, three rows each. */
	OK(t && t->type == KP_BLOCK_TABLE);
	if (t) {
		INT_EQ(t->nrows, 24);
		INT_EQ(kp_rdoc_cell(t, 3, 0)->rowspan, 3);
		OK(strstr(kp_rdoc_cell(t, 3, 0)->text, "alkoholafh"));
	}
	text = all_text(doc);
	OK(strstr(text, "010174-1235"));
	OK(strstr(text, "1\\. maj 2014"));
	OK(strstr(text, "\u2612 Ja \u2610 Nej"));
	OK(strstr(text, "Opfølgende møde afholdes den **1\\. oktober 2014**"));
	OK(strstr(text, "Parallel \\(samtidig\\)"));
	free(text);
	kp_rdoc_free(doc);

	/* Redacted: no CPR's last four anywhere, no phone number. */
	opts.redact = 1;
	opts.invalid = 1;
	INT_EQ(kp_render_model(&doc, plan, &opts, &err), 0);
	OK(doc->invalid);
	text = all_text(doc);
	OK(!strstr(text, "1235"));
	OK(strstr(text, "010174-xxxx"));
	OK(!strstr(text, "12 34 56 78"));
	free(text);
	kp_rdoc_free(doc);
	kp_plan_free(plan);
}

void test_render__stamp(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_render_opts opts;
	struct kp_source src;
	struct kp_rdoc *doc = NULL;
	struct kp_plan *plan = load();

	if (!plan)
		return;
	memset(&opts, 0, sizeof(opts));
	memset(&src, 0, sizeof(src));
	src.in_repo = 1;
	src.revision = 3;
	memcpy(src.commit, "0123456789abcdef0123456789abcdef01234567", 41);
	src.time = 1398945600; /* 2014-05-01 12:00 UTC */
	src.offset = 120;
	opts.src = &src;
	INT_EQ(kp_render_model(&doc, plan, &opts, &err), 0);
	STR_EQ(doc->stamp, "ki-2014-0007 · revision 3 · 0123456 · "
			   "1. maj 2014 kl. 14.00");
	/* Committed, never sent. */
	OK(doc->draft);
	STR_EQ(doc->mark, "Ikke afsendt");
	kp_rdoc_free(doc);
	/* Sent the next day: the mark says when, in the local date. */
	src.sent = 1;
	src.sent_time = 1399071540; /* 2014-05-02 22:59 UTC */
	src.sent_offset = 120;
	INT_EQ(kp_render_model(&doc, plan, &opts, &err), 0);
	OK(!doc->draft);
	STR_EQ(doc->mark, "Sendt 3. maj 2014");
	STR_EQ(doc->title, "Koordinerende indsatsplan ki-2014-0007 – "
			   "Jens <b>Hansen</b> (Sendt 3. maj 2014)");
	kp_rdoc_free(doc);
	src.modified = 1;
	INT_EQ(kp_render_model(&doc, plan, &opts, &err), 0);
	STR_EQ(doc->stamp, "ki-2014-0007 · ændret efter revision 3");
	STR_EQ(doc->mark, "Ikke afsendt");
	OK(doc->draft);
	kp_rdoc_free(doc);
	kp_plan_free(plan);
}

void test_render__html(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_buf out = KP_BUF_INIT;
	struct kp_rdoc *doc = NULL;
	struct kp_plan *plan = load();
	char *low;
	size_t i;

	if (!plan)
		return;
	INT_EQ(kp_render_model(&doc, plan, NULL, &err), 0);
	INT_EQ(kp_render_html(&out, doc, &err), 0);
	OK(strstr(out.buf, "<html lang=\"da\">"));
	OK(strstr(out.buf, "<title>Koordinerende indsatsplan ki-2014-0007 – "
			   "Jens &lt;b&gt;Hansen&lt;/b&gt; (Ikke "
			   "afsendt)</title>"));
	OK(strstr(out.buf, "<h2>1. Stamoplysninger</h2>"));
	OK(strstr(out.buf, "<th scope=\"row\" class=\"label\" rowspan=\"3\">"));
	OK(strstr(out.buf, "@page{size:A4"));
	low = kp_xstrdup(out.buf);
	for (i = 0; low[i]; i++)
		if (low[i] >= 'A' && low[i] <= 'Z')
			low[i] = (char)(low[i] + 32);
	OK(!strstr(low, "<script"));
	OK(!strstr(low, "<img"));
	OK(strstr(low, "&lt;img src=x onerror=y&gt;"));
	OK(!strstr(low, "href=\"javascript"));
	OK(!strstr(low, "http://example.com"));
	free(low);
	kp_buf_release(&out);
	kp_rdoc_free(doc);
	kp_plan_free(plan);
}
