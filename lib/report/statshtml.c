/*
 * statshtml.c: the figures of kiplan stats as one Danish HTML page for a
 * monitoring group: inline SVG charts (plans active over time, follow-up
 * meetings within six months, the changes of forløb), a table of every
 * figure, and how each is counted.  No script, no external reference, the
 * same bytes in every language (the page is always Danish), and a layout
 * that prints on A4.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "stats.h"
#include "banned.h"

/* The chart's drawing area, in SVG units (the page scales it). */
#define CH_W 680
#define CH_H 230
#define CH_LEFT 44
#define CH_RIGHT 10
#define CH_TOP 22
#define CH_BOTTOM 44
#define TABLE_PERIODS 8 /* columns of periods in one table, for A4 */

#define DARK "#1f5f8b"
#define LIGHT "#9cc3e0"

static void esc(struct kp_buf *out, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': kp_buf_addstr(out, "&amp;"); break;
		case '<': kp_buf_addstr(out, "&lt;"); break;
		case '>': kp_buf_addstr(out, "&gt;"); break;
		case '"': kp_buf_addstr(out, "&quot;"); break;
		default: kp_buf_addch(out, *s); break;
		}
}

/* A number the Danish way: 14, 14,5. */
static void danish_num(struct kp_buf *out, double v)
{
	long whole = (long)(v < 0 ? -v : v);

	if (v < 0)
		kp_buf_addch(out, '-');
	kp_buf_addf(out, "%ld", whole);
	if ((v < 0 ? -v : v) - (double)whole >= 0.25)
		kp_buf_addstr(out, ",5");
}

static void html_count(struct kp_buf *out, const struct kp_stats *st,
		       const struct kp_count *c)
{
	if (kp_stats_count(st, c) == KP_SUPPRESSED)
		kp_buf_addf(out, "&lt;%u", st->opts.min_cell);
	else
		kp_buf_addf(out, "%lu", c->n);
}

static void html_share(struct kp_buf *out, const struct kp_stats *st,
		       const struct kp_count *part, const struct kp_count *rest)
{
	double v;

	switch (kp_stats_share(st, part, rest, &v)) {
	case KP_SHOWN:
		kp_buf_addf(out, "%d&#160;%%", (int)(v * 100 + 0.5));
		break;
	case KP_SUPPRESSED:
		kp_buf_addf(out, "&lt;%u", st->opts.min_cell);
		break;
	case KP_EMPTY: kp_buf_addstr(out, "&#8211;"); break;
	}
}

static void html_median(struct kp_buf *out, const struct kp_stats *st,
			const struct kp_days *d)
{
	double v;

	switch (kp_stats_median(st, d, &v)) {
	case KP_SHOWN: danish_num(out, v); break;
	case KP_SUPPRESSED:
		kp_buf_addf(out, "&lt;%u", st->opts.min_cell);
		break;
	case KP_EMPTY: kp_buf_addstr(out, "&#8211;"); break;
	}
}

/* ------------------------------------------------------------------ */
/* Charts                                                              */
/* ------------------------------------------------------------------ */

/* The top of the y axis and its step: 1, 2 or 5 times a power of ten. */
static unsigned long axis_step(unsigned long max, unsigned long *top)
{
	unsigned long step = 1;

	for (;;) {
		if (max <= step * 5)
			break;
		if (max <= step * 10) {
			step *= 2;
			break;
		}
		if (max <= step * 25) {
			step *= 5;
			break;
		}
		step *= 10;
	}
	*top = max ? (max + step - 1) / step * step : step * 5;
	return step;
}

static double bar_x(size_t k, size_t n)
{
	return CH_LEFT +
	       (double)(CH_W - CH_LEFT - CH_RIGHT) * (double)k / (double)n;
}

static double bar_y(unsigned long v, unsigned long top)
{
	return CH_TOP + (double)(CH_H - CH_TOP - CH_BOTTOM) *
				(1.0 - (double)v / (double)top);
}

/* The frame of a chart: grid lines, the y axis, the periods below. */
static void chart_open(struct kp_buf *out, const struct kp_stats *st,
		       const char *label, unsigned long max, unsigned long *top)
{
	unsigned long v, step = axis_step(max, top);
	size_t k, every = (st->nperiods + 11) / 12;
	double w = bar_x(1, st->nperiods) - bar_x(0, st->nperiods);

	kp_buf_addf(out,
		    "<svg xmlns=\"http://www.w3.org/2000/svg\" "
		    "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
		    CH_W, CH_H);
	esc(out, label);
	kp_buf_addstr(out, "\">\n");
	for (v = 0; v <= *top; v += step)
		kp_buf_addf(out,
			    "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
			    "class=\"grid\"/><text x=\"%d\" y=\"%.1f\" "
			    "class=\"y\">%lu</text>\n",
			    CH_LEFT, CH_W - CH_RIGHT, bar_y(v, *top),
			    bar_y(v, *top), CH_LEFT - 6, bar_y(v, *top) + 4, v);
	for (k = 0; k < st->nperiods; k += every)
		kp_buf_addf(out,
			    "<text x=\"%.1f\" y=\"%d\" class=\"x\">%s</text>\n",
			    bar_x(k, st->nperiods) + w / 2,
			    CH_H - CH_BOTTOM + 16, st->periods[k].label);
}

/* A value written above its bar (or at the foot, for a hidden one). */
static void bar_label(struct kp_buf *out, double x, double y, const char *s)
{
	kp_buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"v\">%s</text>\n",
		    x, y - 4, s);
}

static void chart_active(struct kp_buf *out, const struct kp_stats *st,
			 const struct kp_stats_cell *cells)
{
	struct kp_buf v = KP_BUF_INIT;
	unsigned long top, max = 0;
	size_t k, n = st->nperiods;
	double w = bar_x(1, n) - bar_x(0, n), gap = w > 8 ? w * 0.15 : 0.5;

	for (k = 0; k < n; k++)
		if (kp_stats_count(st, &cells[k].active) == KP_SHOWN &&
		    cells[k].active.n > max)
			max = cells[k].active.n;
	chart_open(out, st, "Aktive planer ved periodens udgang", max, &top);
	for (k = 0; k < n; k++) {
		const struct kp_count *c = &cells[k].active;
		int shown = kp_stats_count(st, c) == KP_SHOWN;
		double x = bar_x(k, n) + gap, y = bar_y(shown ? c->n : 0, top);

		if (shown && c->n)
			kp_buf_addf(
				out,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				"height=\"%.1f\" fill=\"" DARK "\"/>\n",
				x, y, w - 2 * gap, bar_y(0, top) - y);
		if (n <= 24) {
			kp_buf_reset(&v);
			html_count(&v, st, c);
			bar_label(out, x + (w - 2 * gap) / 2, y, v.buf);
		}
	}
	kp_buf_addstr(out, "</svg>\n");
	kp_buf_release(&v);
}

static void chart_followups(struct kp_buf *out, const struct kp_stats *st,
			    const struct kp_stats_cell *cells)
{
	struct kp_buf v = KP_BUF_INIT;
	unsigned long top, max = 0;
	size_t k, n = st->nperiods;
	double w = bar_x(1, n) - bar_x(0, n), gap = w > 8 ? w * 0.15 : 0.5;

	for (k = 0; k < n; k++) {
		unsigned long sum = cells[k].on_time.n + cells[k].late.n;
		double s;

		if (kp_stats_share(st, &cells[k].on_time, &cells[k].late, &s) ==
			    KP_SHOWN &&
		    sum > max)
			max = sum;
	}
	chart_open(out, st, "Opfølgningsmøder inden for seks måneder og senere",
		   max, &top);
	for (k = 0; k < n; k++) {
		const struct kp_stats_cell *c = &cells[k];
		double s, x = bar_x(k, n) + gap, bw = w - 2 * gap;
		double y1, y2 = bar_y(0, top);
		enum kp_shown shown =
			kp_stats_share(st, &c->on_time, &c->late, &s);

		if (shown == KP_SHOWN) {
			y1 = bar_y(c->on_time.n, top);
			y2 = bar_y(c->on_time.n + c->late.n, top);
			kp_buf_addf(
				out,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				"height=\"%.1f\" fill=\"" DARK "\"/>\n"
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				"height=\"%.1f\" fill=\"" LIGHT "\"/>\n",
				x, y1, bw, bar_y(0, top) - y1, x, y2, bw,
				y1 - y2);
		}
		if (n <= 24 && shown != KP_EMPTY) {
			kp_buf_reset(&v);
			html_share(&v, st, &c->on_time, &c->late);
			bar_label(out, x + bw / 2, y2, v.buf);
		}
	}
	kp_buf_addstr(out, "</svg>\n<p class=\"legend\"><span class=\"key\" "
			   "style=\"background:" DARK "\"></span> inden for "
			   "seks måneder efter det forrige møde "
			   "<span class=\"key\" style=\"background:" LIGHT
			   "\"></span> senere. Tallet over søjlen er andelen "
			   "inden for seks måneder.</p>\n");
	kp_buf_release(&v);
}

/* The changes of forløb of all the periods, as a grid: from, to. */
static void chart_transitions(struct kp_buf *out, const struct kp_stats *st,
			      const struct kp_stats_cell *all)
{
	static const char *const rows[KP_NFL] = { "intet forløb", "parallel",
						  "koordineret", "integreret" };
	struct kp_buf v = KP_BUF_INIT;
	unsigned long max = 0;
	int from, to;
	const int cw = 120, rh = 34, left = 150, head = 30;

	for (from = 0; from < KP_NFL; from++)
		for (to = 1; to < KP_NFL; to++)
			if (from != to &&
			    kp_stats_count(st, &all->trans[from][to]) ==
				    KP_SHOWN &&
			    all->trans[from][to].n > max)
				max = all->trans[from][to].n;
	kp_buf_addf(out,
		    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
		    "%d %d\" class=\"matrix\" role=\"img\" aria-label=\"Skift "
		    "af forløb\">\n<text x=\"%d\" y=\"18\" class=\"h\">fra "
		    "\xe2\x86\x93 til \xe2\x86\x92</text>\n",
		    left + 3 * cw + 10, head + KP_NFL * rh + 4, left - 8);
	for (to = 1; to < KP_NFL; to++)
		kp_buf_addf(out,
			    "<text x=\"%d\" y=\"18\" class=\"c\">%s</text>\n",
			    left + (to - 1) * cw + cw / 2,
			    kp_stats_forloeb_name(to));
	for (from = 0; from < KP_NFL; from++) {
		int y = head + from * rh;

		kp_buf_addf(out,
			    "<text x=\"%d\" y=\"%d\" class=\"h\">%s</text>\n",
			    left - 8, y + rh / 2 + 5, rows[from]);
		for (to = 1; to < KP_NFL; to++) {
			const struct kp_count *c = &all->trans[from][to];
			int x = left + (to - 1) * cw;
			double op = 0;

			if (from == to) {
				kp_buf_addf(
					out,
					"<rect x=\"%d\" y=\"%d\" width=\"%d\" "
					"height=\"%d\" class=\"same\"/>\n",
					x + 1, y + 1, cw - 2, rh - 2);
				continue;
			}
			if (max && kp_stats_count(st, c) == KP_SHOWN)
				op = 0.1 + 0.9 * (double)c->n / (double)max;
			kp_buf_reset(&v);
			html_count(&v, st, c);
			kp_buf_addf(out,
				    "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
				    "height=\"%d\" fill=\"" DARK "\" "
				    "fill-opacity=\"%.2f\" class=\"cell\"/>"
				    "<text x=\"%d\" y=\"%d\" class=\"%s\">%s"
				    "</text>\n",
				    x + 1, y + 1, cw - 2, rh - 2, op,
				    x + cw / 2, y + rh / 2 + 5,
				    op > 0.55 ? "c light" : "c", v.buf);
		}
	}
	kp_buf_addstr(out, "</svg>\n");
	kp_buf_release(&v);
}

/* ------------------------------------------------------------------ */
/* The table                                                           */
/* ------------------------------------------------------------------ */

enum kind { COUNT, SHARE, MEDIAN };

struct figure {
	const char *label;
	enum kind kind;
	size_t a, b; /* offsetof the count(s) or days in a cell */
	int indent;
};

#define CNT(l, f)                                                              \
	{                                                                      \
		l, COUNT, offsetof(struct kp_stats_cell, f), 0, 0              \
	}
#define SHR(l, f, g)                                                           \
	{                                                                      \
		l, SHARE, offsetof(struct kp_stats_cell, f),                   \
			offsetof(struct kp_stats_cell, g), 1                   \
	}
#define MED(l, f)                                                              \
	{                                                                      \
		l, MEDIAN, offsetof(struct kp_stats_cell, f), 0, 0             \
	}

static const struct figure figures_before[] = {
	CNT("Oprettede planer", created),
	CNT("Gjort aktive", activated),
	CNT("Afsluttede", closed),
};

static const struct figure figures_after[] = {
	CNT("Aktive ved periodens udgang", active),
	CNT("Kladder ved periodens udgang", drafts),
	CNT("Opfølgningsmøder inden for 6 måneder", on_time),
	CNT("Opfølgningsmøder senere", late),
	SHR("andel inden for 6 måneder", on_time, late),
	CNT("Opfølgninger over fristen ved periodens udgang", overdue),
	MED("Dage fra samtykke til første møde (median)", consent_days),
	CNT("Henvisninger", referrals),
	CNT("Behandlinger påbegyndt", treated),
	MED("Dage fra henvisning til behandling (median)", referral_days),
	CNT("Påbegyndt inden for 14 dage", kept),
	CNT("Påbegyndt senere end 14 dage", missed),
	SHR("andel inden for 14 dage", kept, missed),
	CNT("Behandlingsgaranti overskredet ved periodens udgang",
	    guarantee_overdue),
	CNT("Samtykker tilbagekaldt", withdrawn),
	CNT("Forsendelser", sendings),
	CNT("Modtagere", recipients),
};

static const struct kp_count *count_at(const struct kp_stats_cell *c,
				       size_t off)
{
	return (const struct kp_count *)(const void *)((const char *)c + off);
}

static void figure_value(struct kp_buf *out, const struct kp_stats *st,
			 const struct figure *f, const struct kp_stats_cell *c)
{
	switch (f->kind) {
	case COUNT: html_count(out, st, count_at(c, f->a)); break;
	case SHARE:
		html_share(out, st, count_at(c, f->a), count_at(c, f->b));
		break;
	case MEDIAN:
		html_median(
			out, st,
			(const struct kp_days *)(const void *)((const char *)c +
							       f->a));
		break;
	}
}

static void figure_row(struct kp_buf *out, const struct kp_stats *st,
		       const struct figure *f,
		       const struct kp_stats_cell *cells, size_t k0, size_t k1)
{
	size_t k;

	kp_buf_addstr(out, f->indent ? "<tr><th class=\"sub\">" : "<tr><th>");
	esc(out, f->label);
	kp_buf_addstr(out, "</th>");
	for (k = k0; k < k1; k++) {
		kp_buf_addstr(out, "<td>");
		figure_value(out, st, f, &cells[k]);
		kp_buf_addstr(out, "</td>");
	}
	kp_buf_addstr(out, "</tr>\n");
}

/* The count of closing destination s (SIZE_MAX: not given) in c. */
static const struct kp_count *closed_to(const struct kp_stats_cell *c, size_t s)
{
	size_t i;

	for (i = 0; i < c->nclosed_to; i++)
		if (c->closed_to[i].to == s)
			return &c->closed_to[i].count;
	return NULL;
}

/* A destination gets a row when some cell of the group shows it. */
static int dest_shown(const struct kp_stats *st,
		      const struct kp_stats_cell *cells, size_t s)
{
	size_t k;

	for (k = 0; k < st->nperiods; k++) {
		const struct kp_count *c = closed_to(&cells[k], s);

		if (c && kp_stats_count(st, c) == KP_SHOWN)
			return 1;
	}
	return 0;
}

static void dest_rows(struct kp_buf *out, const struct kp_stats *st,
		      const struct kp_stats_cell *cells, size_t k0, size_t k1)
{
	static const struct kp_count zero;
	size_t i, k;

	for (i = 0; i <= st->nstrings; i++) {
		size_t s = i < st->nstrings ? i : (size_t)-1;

		if (!dest_shown(st, cells, s))
			continue;
		kp_buf_addstr(out, "<tr><th class=\"sub\">afsluttet til: ");
		if (i < st->nstrings)
			esc(out, st->strings[i]);
		else
			kp_buf_addstr(out, "ikke angivet");
		kp_buf_addstr(out, "</th>");
		for (k = k0; k < k1; k++) {
			const struct kp_count *c = closed_to(&cells[k], s);

			kp_buf_addstr(out, "<td>");
			html_count(out, st, c ? c : &zero);
			kp_buf_addstr(out, "</td>");
		}
		kp_buf_addstr(out, "</tr>\n");
	}
}

static void table(struct kp_buf *out, const struct kp_stats *st,
		  const struct kp_stats_cell *cells)
{
	size_t i, k, k0;

	for (k0 = 0; k0 < st->nperiods; k0 += TABLE_PERIODS) {
		size_t k1 = k0 + TABLE_PERIODS < st->nperiods
				    ? k0 + TABLE_PERIODS
				    : st->nperiods;

		kp_buf_addstr(out, "<table>\n<thead><tr><th></th>");
		for (k = k0; k < k1; k++)
			kp_buf_addf(out, "<th>%s</th>", st->periods[k].label);
		kp_buf_addstr(out, "</tr></thead>\n<tbody>\n");
		for (i = 0;
		     i < sizeof(figures_before) / sizeof(*figures_before); i++)
			figure_row(out, st, &figures_before[i], cells, k0, k1);
		dest_rows(out, st, cells, k0, k1);
		for (i = 0; i < sizeof(figures_after) / sizeof(*figures_after);
		     i++)
			figure_row(out, st, &figures_after[i], cells, k0, k1);
		kp_buf_addstr(out, "</tbody>\n</table>\n");
	}
}

/* ------------------------------------------------------------------ */
/* The page                                                            */
/* ------------------------------------------------------------------ */

static const char style[] =
	"<style>\n"
	"@page { size: A4; margin: 16mm 14mm; }\n"
	"body { font-family: \"DejaVu Sans\", Arial, sans-serif; "
	"font-size: 10pt; color: #111; max-width: 182mm; margin: 0 auto; "
	"padding: 8px; }\n"
	"h1 { font-size: 17pt; margin: 0 0 4px; }\n"
	"h2 { font-size: 14pt; margin: 18px 0 4px; border-bottom: 1px solid "
	"#999; break-after: avoid; }\n"
	"h3 { font-size: 11pt; margin: 14px 0 2px; break-after: avoid; }\n"
	".meta { color: #444; margin: 0 0 8px; }\n"
	"figure { margin: 0 0 6px; break-inside: avoid; }\n"
	"svg { width: 100%; height: auto; display: block; }\n"
	"svg.matrix { max-width: 130mm; }\n"
	"svg text { font-family: inherit; font-size: 12px; fill: #222; }\n"
	"svg .y { text-anchor: end; }\n"
	"svg .x, svg .v, svg .c { text-anchor: middle; }\n"
	"svg .h { text-anchor: end; }\n"
	"svg .light { fill: #fff; }\n"
	"svg .grid { stroke: #ccc; stroke-width: 1; }\n"
	"svg .same { fill: #eee; }\n"
	"svg .cell { stroke: #fff; }\n"
	".legend { font-size: 9pt; color: #333; margin: 2px 0 0; }\n"
	".key { display: inline-block; width: 10px; height: 10px; "
	"vertical-align: baseline; print-color-adjust: exact; "
	"-webkit-print-color-adjust: exact; }\n"
	"table { border-collapse: collapse; margin: 6px 0 10px; "
	"font-size: 9pt; break-inside: avoid; }\n"
	"th, td { padding: 2px 6px; border-bottom: 1px solid #ddd; }\n"
	"td { text-align: right; font-variant-numeric: tabular-nums; "
	"white-space: nowrap; }\n"
	"tbody th { text-align: left; font-weight: normal; }\n"
	"thead th { text-align: right; border-bottom: 1px solid #999; "
	"white-space: nowrap; }\n"
	"th.sub { padding-left: 18px; color: #333; }\n"
	"dl { font-size: 9pt; } dt { font-weight: bold; margin-top: 4px; }\n"
	"dd { margin: 0 0 0 14px; }\n"
	".section { break-before: auto; }\n"
	"@media print { .section + .section { break-before: page; } }\n"
	"</style>\n";

static const char explained[] =
	"<h2>Sådan er tallene opgjort</h2>\n<dl>\n"
	"<dt>Oprettede, gjort aktive, afsluttede</dt><dd>Planer, der "
	"kom til, fik status aktiv eller afsluttet ved en ændring "
	"(commit) i perioden. Afsluttet til er feltet afslutning.til.</dd>\n"
	"<dt>Aktive og kladder ved periodens udgang</dt><dd>Planernes "
	"status i den seneste version på periodens sidste dag.</dd>\n"
	"<dt>Opfølgningsmøder</dt><dd>Et møde i moeder (ikke et "
	"afslutningsmøde) tæller i perioden for sin dato, eller for "
	"ændringen, hvis det er registreret senere. Det er holdt inden "
	"for seks måneder, når det ligger højst seks måneder efter det "
	"forrige møde (det koordinerende møde for det første).</dd>\n"
	"<dt>Opfølgninger over fristen</dt><dd>Planer, hvis næste "
	"opfølgning lå før periodens sidste dag, som kiplan due ville vise "
	"dem den dag.</dd>\n"
	"<dt>Dage fra samtykke til første møde</dt><dd>Medianen af dage "
	"fra samtykke.dato til moede.dato for de planer, der blev gjort "
	"aktive første gang i perioden.</dd>\n"
	"<dt>Henvisning og behandlingsgaranti</dt><dd>Kun hvor planen "
	"angiver henvisning.dato. Henvisninger og behandlingsstarter tæller "
	"i perioden for deres dato. Medianen af dage fra henvisning til "
	"behandlingsstart, og hvor mange der begyndte inden for 14 dage. "
	"Behandlingsgaranti overskredet: planer, der på periodens sidste "
	"dag havde ventet mere end 14 dage uden behandlingsstart.</dd>\n"
	"<dt>Skift af forløb</dt><dd>Første angivelse af forløb og skift "
	"mellem parallelt, koordineret og integreret forløb i alle "
	"perioderne.</dd>\n"
	"<dt>Forsendelser</dt><dd>Afsendelser af planen, og modtagerne i "
	"dem.</dd>\n"
	"</dl>\n"
	"<p class=\"meta\">Siden viser ingen navne og ingen CPR-numre. "
	"Tallene bygger på planarkivets historik, så en afsluttet periode "
	"ændrer sig ikke, når planerne rettes senere.</p>\n";

static void page_head(struct kp_buf *out, const struct kp_stats *st)
{
	static const char *const per[] = { "måned", "kvartal", "år" };
	char from[11], to[11], made[11];

	kp_date_format(from, st->periods[0].from);
	kp_date_format(to, st->periods[st->nperiods - 1].to);
	kp_date_format(made, st->opts.generated);
	kp_buf_addstr(out, "<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n"
			   "<meta charset=\"utf-8\">\n"
			   "<title>Monitorering af koordinerende "
			   "indsatsplaner</title>\n");
	kp_buf_addstr(out, style);
	kp_buf_addstr(out, "</head>\n<body>\n<h1>Monitorering af "
			   "koordinerende indsatsplaner</h1>\n");
	kp_buf_addf(out,
		    "<p class=\"meta\">Perioden %s til %s, opgjort pr. %s. "
		    "Dannet %s fra planarkivets historik",
		    from, to, per[st->opts.period], made);
	/* The number of plans is a figure like the others. */
	if (st->plans >= st->opts.min_cell)
		kp_buf_addf(out, " (%zu planer, %zu ændringer)", st->plans,
			    st->commits);
	kp_buf_addch(out, '.');
	if (st->opts.min_cell > 1)
		kp_buf_addf(out,
			    " Tal, der bygger på færre end %u borgere, er "
			    "skjult og vist som &lt;%u.",
			    st->opts.min_cell, st->opts.min_cell);
	kp_buf_addstr(out, "</p>\n");
}

static void group_head(struct kp_buf *out, const struct kp_stats *st,
		       const char *name)
{
	static const char *const what[] = { "", "Organisation", "Koordinator",
					    "Forløb" };

	kp_buf_addf(out, "<h2>%s: ", what[st->opts.by]);
	if (name)
		esc(out, name);
	else
		kp_buf_addstr(out, "ikke angivet");
	kp_buf_addstr(out, "</h2>\n");
}

static void section(struct kp_buf *out, const struct kp_stats *st, size_t g)
{
	const struct kp_stats_cell *cells = st->cells[g];

	kp_buf_addstr(out, "<div class=\"section\">\n");
	if (st->opts.by != KP_STATS_BY_NONE)
		group_head(out, st, st->groups[g]);
	kp_buf_addstr(out, "<figure>\n<h3>Aktive planer ved periodens "
			   "udgang</h3>\n");
	chart_active(out, st, cells);
	kp_buf_addstr(out, "</figure>\n<figure>\n<h3>Opfølgningsmøder holdt "
			   "inden for seks måneder</h3>\n");
	chart_followups(out, st, cells);
	kp_buf_addstr(out, "</figure>\n<figure>\n<h3>Skift af forløb i hele "
			   "perioden</h3>\n");
	chart_transitions(out, st, &cells[st->nperiods]);
	kp_buf_addstr(out, "</figure>\n<h3>Tal pr. periode</h3>\n");
	table(out, st, cells);
	kp_buf_addstr(out, "</div>\n");
}

void kp_stats_write_html(struct kp_buf *out, const struct kp_stats *st)
{
	size_t g;

	page_head(out, st);
	for (g = 0; g < st->ngroups; g++)
		section(out, st, g);
	if (!st->ngroups)
		kp_buf_addstr(out, "<p>Ingen planer i perioden.</p>\n");
	kp_buf_addstr(out, explained);
	kp_buf_addstr(out, "</body>\n</html>\n");
}
