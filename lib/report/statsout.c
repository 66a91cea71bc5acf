/*
 * statsout.c: the figures of kiplan stats as text (for people, in their
 * language), JSON and CSV (the same bytes in every language).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "stats.h"
#include "jsonw.h"
#include "i18n.h"
#include "banned.h"

/* ------------------------------------------------------------------ */
/* Text                                                                */
/* ------------------------------------------------------------------ */

/*
 * The rows of one period: labels and values, kept until the widest
 * label is known, so that the values line up in any language.
 */
struct rows {
	struct kp_buf text; /* label NUL value NUL, one after the other */
	size_t n;
	int indent[64];
};

/* The characters (not bytes) of s. */
static size_t chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void row(struct rows *rs, int indent, const char *label,
		const char *value)
{
	if (rs->n == sizeof(rs->indent) / sizeof(rs->indent[0]))
		return; /* never: a period has fewer rows */
	rs->indent[rs->n++] = indent;
	kp_buf_add(&rs->text, label, strlen(label) + 1);
	kp_buf_add(&rs->text, value, strlen(value) + 1);
}

static void rows_flush(struct kp_buf *out, struct rows *rs)
{
	const char *p;
	size_t i, w, width = 0;

	for (i = 0, p = rs->text.buf; i < rs->n; i++) {
		w = (size_t)rs->indent[i] + chars(p);
		if (w > width)
			width = w;
		p += strlen(p) + 1;
		p += strlen(p) + 1;
	}
	for (i = 0, p = rs->text.buf; i < rs->n; i++) {
		kp_buf_addf(out, "%*s%s", rs->indent[i], "", p);
		w = (size_t)rs->indent[i] + chars(p);
		p += strlen(p) + 1;
		if (*p)
			while (w++ < width + 2)
				kp_buf_addch(out, ' ');
		kp_buf_addstr(out, p);
		kp_buf_addch(out, '\n');
		p += strlen(p) + 1;
	}
	kp_buf_reset(&rs->text);
	rs->n = 0;
}

static void text_count(struct kp_buf *v, const struct kp_stats *st,
		       const struct kp_count *c)
{
	kp_buf_reset(v);
	if (kp_stats_count(st, c) == KP_SUPPRESSED)
		kp_buf_addf(v, "<%u", st->opts.min_cell);
	else
		kp_buf_addf(v, "%lu", c->n);
}

static void count_row(struct rows *out, struct kp_buf *v,
		      const struct kp_stats *st, const char *label,
		      const struct kp_count *c)
{
	text_count(v, st, c);
	row(out, 2, label, v->buf);
}

static void share_row(struct rows *out, struct kp_buf *v,
		      const struct kp_stats *st, const char *label,
		      const struct kp_count *part, const struct kp_count *rest)
{
	double share;

	kp_buf_reset(v);
	switch (kp_stats_share(st, part, rest, &share)) {
	case KP_SHOWN:
		/* TRANSLATORS: a percentage, "87%" */
		kp_buf_addf(v, _("%d%%"), (int)(share * 100 + 0.5));
		break;
	case KP_SUPPRESSED: kp_buf_addf(v, "<%u", st->opts.min_cell); break;
	case KP_EMPTY: kp_buf_addstr(v, "\xe2\x80\x93"); break;
	}
	row(out, 2, label, v->buf);
}

static void median_row(struct rows *out, struct kp_buf *v,
		       const struct kp_stats *st, const char *label,
		       const struct kp_days *d)
{
	struct kp_buf num = KP_BUF_INIT;
	double m;

	kp_buf_reset(v);
	switch (kp_stats_median(st, d, &m)) {
	case KP_SHOWN:
		if (m < 0) {
			kp_buf_addch(&num, '-');
			m = -m;
		}
		if (m == (double)(long)m)
			kp_buf_addf(&num, "%ld", (long)m);
		else
			/* TRANSLATORS: a whole number and a half, "14.5" */
			kp_buf_addf(&num, _("%ld.5"), (long)m);
		kp_buf_addf(v,
			    /* TRANSLATORS: a median of days, then of how
			       many plans: "14 (median of 10 plans)" */
			    Q_("%s (median of %zu plan)",
			       "%s (median of %zu plans)", d->len),
			    num.buf, d->len);
		break;
	case KP_SUPPRESSED: kp_buf_addf(v, "<%u", st->opts.min_cell); break;
	case KP_EMPTY: kp_buf_addstr(v, "\xe2\x80\x93"); break;
	}
	row(out, 2, label, v->buf);
	kp_buf_release(&num);
}

static void closed_to_rows(struct rows *out, struct kp_buf *v,
			   const struct kp_stats *st,
			   const struct kp_stats_cell *c)
{
	struct kp_buf label = KP_BUF_INIT, to = KP_BUF_INIT;
	size_t i;

	for (i = 0; i < c->nclosed_to; i++) {
		const struct kp_closed_to *t = &c->closed_to[i];

		/* A rare destination is left out with --min-cell. */
		if (kp_stats_count(st, &t->count) == KP_SUPPRESSED)
			continue;
		kp_buf_reset(&label);
		kp_buf_reset(&to);
		if (t->to == (size_t)-1) {
			kp_buf_addstr(&label, _("closed to: (not given)"));
		} else {
			kp_buf_add_escaped(&to, st->strings[t->to],
					   strlen(st->strings[t->to]));
			/* TRANSLATORS: afslutning.til, what the citizen is
			   closed to ("Egen læge") */
			kp_buf_addf(&label, _("closed to: %s"), to.buf);
		}
		text_count(v, st, &t->count);
		row(out, 4, label.buf, v->buf);
	}
	kp_buf_release(&label);
	kp_buf_release(&to);
}

static void transition_rows(struct rows *out, struct kp_buf *v,
			    const struct kp_stats *st,
			    const struct kp_stats_cell *c)
{
	struct kp_buf label = KP_BUF_INIT;
	int from, to, any = 0;

	for (from = 0; from < KP_NFL; from++)
		for (to = 1; to < KP_NFL; to++) {
			if (!c->trans[from][to].n)
				continue;
			if (!any)
				row(out, 2, _("forløb set or changed"), "");
			any = 1;
			kp_buf_reset(&label);
			if (from == KP_FL_NONE)
				/* TRANSLATORS: a forløb given for the first
				   time: "first: integreret" */
				kp_buf_addf(&label, _("first: %s"),
					    kp_stats_forloeb_name(to));
			else
				kp_buf_addf(&label, "%s \xe2\x86\x92 %s",
					    kp_stats_forloeb_name(from),
					    kp_stats_forloeb_name(to));
			text_count(v, st, &c->trans[from][to]);
			row(out, 4, label.buf, v->buf);
		}
	if (!any)
		row(out, 2, _("forløb set or changed"), "0");
	kp_buf_release(&label);
}

static void text_cell(struct kp_buf *buf, const struct kp_stats *st,
		      const struct kp_period *p, const struct kp_stats_cell *c)
{
	struct kp_buf v = KP_BUF_INIT;
	struct rows rs, *out = &rs;
	char from[11], to[11];

	memset(&rs, 0, sizeof(rs));
	kp_buf_init(&rs.text);
	kp_date_format(from, p->from);
	kp_date_format(to, p->to);
	kp_buf_addf(buf, "%s  %s \xe2\x80\x93 %s\n", p->label, from, to);
	count_row(out, &v, st, _("plans created"), &c->created);
	count_row(out, &v, st, _("made active"), &c->activated);
	count_row(out, &v, st, _("closed"), &c->closed);
	closed_to_rows(out, &v, st, c);
	count_row(out, &v, st, _("active at the end"), &c->active);
	count_row(out, &v, st, _("drafts at the end"), &c->drafts);
	count_row(out, &v, st, _("follow-up meetings within 6 months"),
		  &c->on_time);
	count_row(out, &v, st, _("follow-up meetings later"), &c->late);
	share_row(out, &v, st, _("share within 6 months"), &c->on_time,
		  &c->late);
	count_row(out, &v, st, _("follow-ups overdue at the end"), &c->overdue);
	median_row(out, &v, st, _("days from consent to first meeting"),
		   &c->consent_days);
	count_row(out, &v, st, _("referrals"), &c->referrals);
	count_row(out, &v, st, _("treatments begun"), &c->treated);
	median_row(out, &v, st, _("days from referral to treatment"),
		   &c->referral_days);
	count_row(out, &v, st, _("begun within 14 days"), &c->kept);
	share_row(out, &v, st, _("share begun within 14 days"), &c->kept,
		  &c->missed);
	count_row(out, &v, st, _("treatment guarantee overdue at the end"),
		  &c->guarantee_overdue);
	transition_rows(out, &v, st, c);
	count_row(out, &v, st, _("consent withdrawn"), &c->withdrawn);
	count_row(out, &v, st, _("sendings"), &c->sendings);
	count_row(out, &v, st, _("recipients"), &c->recipients);
	rows_flush(buf, &rs);
	kp_buf_release(&rs.text);
	kp_buf_release(&v);
}

static void text_heading(struct kp_buf *out, const struct kp_stats *st)
{
	char from[11], to[11];

	kp_date_format(from, st->periods[0].from);
	kp_date_format(to, st->periods[st->nperiods - 1].to);
	switch (st->opts.period) {
	case KP_STATS_MONTH:
		kp_buf_addf(out, _("Plans from %s to %s, by month."), from, to);
		break;
	case KP_STATS_QUARTER:
		kp_buf_addf(out, _("Plans from %s to %s, by quarter."), from,
			    to);
		break;
	case KP_STATS_YEAR:
		kp_buf_addf(out, _("Plans from %s to %s, by year."), from, to);
		break;
	}
	kp_buf_addch(out, '\n');
	if (st->opts.min_cell > 1)
		kp_buf_addf(out,
			    _("A figure of fewer than %u plans is shown as "
			      "<%u.\n"),
			    st->opts.min_cell, st->opts.min_cell);
}

static void group_heading(struct kp_buf *out, const struct kp_stats *st,
			  const char *name)
{
	struct kp_buf esc = KP_BUF_INIT;

	if (name)
		kp_buf_add_escaped(&esc, name, strlen(name));
	kp_buf_addch(out, '\n');
	switch (st->opts.by) {
	case KP_STATS_BY_ORGANISATION:
		if (name)
			kp_buf_addf(out, _("Organisation: %s"), esc.buf);
		else
			kp_buf_addstr(out, _("Organisation not given"));
		break;
	case KP_STATS_BY_COORDINATOR:
		if (name)
			kp_buf_addf(out, _("Coordinator: %s"), esc.buf);
		else
			kp_buf_addstr(out, _("Coordinator not given"));
		break;
	default:
		if (name)
			kp_buf_addf(out, _("Forløb: %s"), esc.buf);
		else
			kp_buf_addstr(out, _("Forløb not given"));
		break;
	}
	kp_buf_addch(out, '\n');
	kp_buf_release(&esc);
}

void kp_stats_write_text(struct kp_buf *out, const struct kp_stats *st)
{
	size_t g, k;

	text_heading(out, st);
	for (g = 0; g < st->ngroups; g++) {
		if (st->opts.by != KP_STATS_BY_NONE)
			group_heading(out, st, st->groups[g]);
		for (k = 0; k < st->nperiods; k++) {
			kp_buf_addch(out, '\n');
			text_cell(out, st, &st->periods[k], &st->cells[g][k]);
		}
	}
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

static void json_count(struct kp_jw *w, const struct kp_stats *st,
		       const char *key, const struct kp_count *c)
{
	kp_jw_key(w, key);
	if (kp_stats_count(st, c) == KP_SUPPRESSED)
		kp_jw_null(w);
	else
		kp_jw_int(w, (long long)c->n);
}

/* A number as JSON writes it: 14, 14.5, 0.875. */
static void json_num(struct kp_jw *w, double v, int decimals)
{
	char num[64];
	size_t n;

	snprintf(num, sizeof(num), "%.*f", decimals, v);
	n = strlen(num);
	if (strchr(num, '.')) {
		while (num[n - 1] == '0')
			num[--n] = '\0';
		if (num[n - 1] == '.')
			num[--n] = '\0';
	}
	if (strcmp(num, "-0") == 0)
		snprintf(num, sizeof(num), "0");
	kp_jw_raw(w, num);
}

static void json_share(struct kp_jw *w, const struct kp_stats *st,
		       const char *key, const struct kp_count *part,
		       const struct kp_count *rest)
{
	double v;

	kp_jw_key(w, key);
	if (kp_stats_share(st, part, rest, &v) == KP_SHOWN)
		json_num(w, v, 4);
	else
		kp_jw_null(w);
}

static void json_median(struct kp_jw *w, const struct kp_stats *st,
			const char *key, const char *nkey,
			const struct kp_days *d)
{
	double v;

	kp_jw_key(w, key);
	if (kp_stats_median(st, d, &v) == KP_SHOWN)
		json_num(w, v, 1);
	else
		kp_jw_null(w);
	kp_jw_key(w, nkey);
	if (d->len && d->len < st->opts.min_cell)
		kp_jw_null(w);
	else
		kp_jw_int(w, (long long)d->len);
}

static void json_closed_to(struct kp_jw *w, const struct kp_stats *st,
			   const struct kp_stats_cell *c)
{
	size_t i;

	kp_jw_key(w, "closed_to");
	kp_jw_open(w, '[');
	for (i = 0; i < c->nclosed_to; i++) {
		const struct kp_closed_to *t = &c->closed_to[i];

		if (kp_stats_count(st, &t->count) == KP_SUPPRESSED)
			continue;
		kp_jw_open(w, '{');
		kp_jw_key(w, "to");
		if (t->to == (size_t)-1)
			kp_jw_null(w);
		else
			kp_jw_str(w, st->strings[t->to]);
		json_count(w, st, "plans", &t->count);
		kp_jw_close(w, '}');
	}
	kp_jw_close(w, ']');
}

static void json_transitions(struct kp_jw *w, const struct kp_stats *st,
			     const struct kp_stats_cell *c)
{
	int from, to;

	kp_jw_key(w, "transitions");
	kp_jw_open(w, '{');
	for (from = 0; from < KP_NFL; from++) {
		kp_jw_key(w, kp_stats_forloeb_name(from));
		kp_jw_open(w, '{');
		for (to = 1; to < KP_NFL; to++)
			if (to != from)
				json_count(w, st, kp_stats_forloeb_name(to),
					   &c->trans[from][to]);
		kp_jw_close(w, '}');
	}
	kp_jw_close(w, '}');
}

static void json_cell(struct kp_jw *w, const struct kp_stats *st,
		      const struct kp_period *p, const char *group,
		      const struct kp_stats_cell *c)
{
	char d[11];

	kp_jw_open(w, '{');
	kp_jw_key(w, "period");
	kp_jw_str(w, p->label);
	kp_date_format(d, p->from);
	kp_jw_key(w, "from");
	kp_jw_str(w, d);
	kp_date_format(d, p->to);
	kp_jw_key(w, "to");
	kp_jw_str(w, d);
	kp_jw_key(w, "group");
	if (group)
		kp_jw_str(w, group);
	else
		kp_jw_null(w);
	json_count(w, st, "created", &c->created);
	json_count(w, st, "activated", &c->activated);
	json_count(w, st, "closed", &c->closed);
	json_closed_to(w, st, c);
	json_count(w, st, "active", &c->active);
	json_count(w, st, "drafts", &c->drafts);
	json_count(w, st, "followups_on_time", &c->on_time);
	json_count(w, st, "followups_late", &c->late);
	json_share(w, st, "followups_on_time_share", &c->on_time, &c->late);
	json_count(w, st, "overdue", &c->overdue);
	json_median(w, st, "consent_to_meeting_days",
		    "consent_to_meeting_plans", &c->consent_days);
	json_count(w, st, "referrals", &c->referrals);
	json_count(w, st, "treatment_started", &c->treated);
	json_median(w, st, "referral_to_treatment_days",
		    "referral_to_treatment_plans", &c->referral_days);
	json_count(w, st, "guarantee_kept", &c->kept);
	json_count(w, st, "guarantee_missed", &c->missed);
	json_share(w, st, "guarantee_kept_share", &c->kept, &c->missed);
	json_count(w, st, "guarantee_overdue", &c->guarantee_overdue);
	json_transitions(w, st, c);
	json_count(w, st, "consent_withdrawn", &c->withdrawn);
	json_count(w, st, "sendings", &c->sendings);
	json_count(w, st, "recipients", &c->recipients);
	kp_jw_close(w, '}');
}

void kp_stats_write_json(struct kp_buf *out, const struct kp_stats *st)
{
	struct kp_jw w;
	size_t g, k;
	int first = 1;

	/* One object a line, so that a diff shows the period changed. */
	kp_buf_addch(out, '[');
	for (g = 0; g < st->ngroups; g++)
		for (k = 0; k < st->nperiods; k++) {
			kp_buf_addstr(out, first ? "\n" : ",\n");
			first = 0;
			kp_jw_init(&w, out);
			json_cell(&w, st, &st->periods[k], st->groups[g],
				  &st->cells[g][k]);
		}
	kp_buf_addstr(out, "\n]\n");
}

/* ------------------------------------------------------------------ */
/* CSV for Danish Excel                                                */
/* ------------------------------------------------------------------ */

static void csv(struct kp_buf *out, const char *s)
{
	kp_buf_addch(out, ';');
	if (s)
		kp_csv_add_field(out, s, strlen(s), ';');
}

static void csv_count(struct kp_buf *out, const struct kp_stats *st,
		      const struct kp_count *c)
{
	kp_buf_addch(out, ';');
	if (kp_stats_count(st, c) == KP_SHOWN)
		kp_buf_addf(out, "%lu", c->n);
}

/* A number with a decimal comma, as Danish Excel reads it. */
static void csv_num(struct kp_buf *out, double v, int decimals)
{
	char num[64], *dot;
	size_t n;

	snprintf(num, sizeof(num), "%.*f", decimals, v);
	n = strlen(num);
	while (n && strchr(num, '.') && num[n - 1] == '0')
		num[--n] = '\0';
	if (n && num[n - 1] == '.')
		num[--n] = '\0';
	if ((dot = strchr(num, '.')))
		*dot = ',';
	kp_buf_addch(out, ';');
	kp_buf_addstr(out, num);
}

static void csv_share(struct kp_buf *out, const struct kp_stats *st,
		      const struct kp_count *part, const struct kp_count *rest)
{
	double v;

	if (kp_stats_share(st, part, rest, &v) == KP_SHOWN)
		csv_num(out, v, 4);
	else
		kp_buf_addch(out, ';');
}

static void csv_median(struct kp_buf *out, const struct kp_stats *st,
		       const struct kp_days *d)
{
	double v;

	if (kp_stats_median(st, d, &v) == KP_SHOWN)
		csv_num(out, v, 1);
	else
		kp_buf_addch(out, ';');
	kp_buf_addch(out, ';');
	if (!d->len || d->len >= st->opts.min_cell)
		kp_buf_addf(out, "%zu", d->len);
}

static const char *const csv_columns[] = {
	"period",
	"from",
	"to",
	"group",
	"created",
	"activated",
	"closed",
	"active",
	"drafts",
	"followups_on_time",
	"followups_late",
	"followups_on_time_share",
	"overdue",
	"consent_to_meeting_days",
	"consent_to_meeting_plans",
	"referrals",
	"treatment_started",
	"referral_to_treatment_days",
	"referral_to_treatment_plans",
	"guarantee_kept",
	"guarantee_missed",
	"guarantee_kept_share",
	"guarantee_overdue",
	"consent_withdrawn",
	"sendings",
	"recipients",
};

/* The count of closing destination s in c, or NULL. */
static const struct kp_count *closed_to_count(const struct kp_stats_cell *c,
					      size_t s)
{
	size_t i;

	for (i = 0; i < c->nclosed_to; i++)
		if (c->closed_to[i].to == s)
			return &c->closed_to[i].count;
	return NULL;
}

/*
 * The destinations that get a column: those shown in some cell (a rare
 * one, hidden everywhere by --min-cell, gets none), "not given" last.
 */
static int dest_column(const struct kp_stats *st, size_t s)
{
	size_t g, k;

	for (g = 0; g < st->ngroups; g++)
		for (k = 0; k < st->nperiods; k++) {
			const struct kp_count *c =
				closed_to_count(&st->cells[g][k], s);

			if (c && kp_stats_count(st, c) == KP_SHOWN)
				return 1;
		}
	return 0;
}

static void csv_header(struct kp_buf *out, const struct kp_stats *st,
		       const unsigned char *dest)
{
	struct kp_buf name = KP_BUF_INIT;
	size_t i;
	int from, to;

	kp_buf_addstr(out, "\xef\xbb\xbf");
	for (i = 0; i < sizeof(csv_columns) / sizeof(*csv_columns); i++) {
		if (i)
			kp_buf_addch(out, ';');
		kp_buf_addstr(out, csv_columns[i]);
	}
	for (from = 0; from < KP_NFL; from++)
		for (to = 1; to < KP_NFL; to++) {
			if (from == to)
				continue;
			kp_buf_addf(out, ";transition:%s>%s",
				    kp_stats_forloeb_name(from),
				    kp_stats_forloeb_name(to));
		}
	for (i = 0; i <= st->nstrings; i++) {
		if (!dest[i])
			continue;
		kp_buf_reset(&name);
		kp_buf_addstr(&name, "closed_to:");
		if (i < st->nstrings)
			kp_buf_addstr(&name, st->strings[i]);
		csv(out, name.buf);
	}
	kp_buf_addstr(out, "\r\n");
	kp_buf_release(&name);
}

static void csv_cell(struct kp_buf *out, const struct kp_stats *st,
		     const struct kp_period *p, const char *group,
		     const struct kp_stats_cell *c, const unsigned char *dest)
{
	char d[11];
	size_t i;
	int from, to;

	kp_csv_add_field(out, p->label, strlen(p->label), ';');
	kp_date_format(d, p->from);
	csv(out, d);
	kp_date_format(d, p->to);
	csv(out, d);
	csv(out, group);
	csv_count(out, st, &c->created);
	csv_count(out, st, &c->activated);
	csv_count(out, st, &c->closed);
	csv_count(out, st, &c->active);
	csv_count(out, st, &c->drafts);
	csv_count(out, st, &c->on_time);
	csv_count(out, st, &c->late);
	csv_share(out, st, &c->on_time, &c->late);
	csv_count(out, st, &c->overdue);
	csv_median(out, st, &c->consent_days);
	csv_count(out, st, &c->referrals);
	csv_count(out, st, &c->treated);
	csv_median(out, st, &c->referral_days);
	csv_count(out, st, &c->kept);
	csv_count(out, st, &c->missed);
	csv_share(out, st, &c->kept, &c->missed);
	csv_count(out, st, &c->guarantee_overdue);
	csv_count(out, st, &c->withdrawn);
	csv_count(out, st, &c->sendings);
	csv_count(out, st, &c->recipients);
	for (from = 0; from < KP_NFL; from++)
		for (to = 1; to < KP_NFL; to++)
			if (from != to)
				csv_count(out, st, &c->trans[from][to]);
	for (i = 0; i <= st->nstrings; i++) {
		const struct kp_count *n;
		struct kp_count zero = { 0, 0, 0 };

		if (!dest[i])
			continue;
		n = closed_to_count(c, i < st->nstrings ? i : (size_t)-1);
		csv_count(out, st, n ? n : &zero);
	}
	kp_buf_addstr(out, "\r\n");
}

void kp_stats_write_csv(struct kp_buf *out, const struct kp_stats *st)
{
	unsigned char *dest = kp_xcalloc(st->nstrings + 1, 1);
	size_t g, k, i;

	for (i = 0; i <= st->nstrings; i++)
		dest[i] = (unsigned char)dest_column(
			st, i < st->nstrings ? i : (size_t)-1);
	csv_header(out, st, dest);
	for (g = 0; g < st->ngroups; g++)
		for (k = 0; k < st->nperiods; k++)
			csv_cell(out, st, &st->periods[k], st->groups[g],
				 &st->cells[g][k], dest);
	free(dest);
}
