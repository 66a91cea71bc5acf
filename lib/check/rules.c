/*
 * rules.c: the guideline's rules (Sundhedsstyrelsen 2014, "Retningslinjer
 * for udarbejdelse af koordinerende indsatsplaner", and the Region
 * Syddanmark agreement of 2024), one table entry and one function each.
 *
 * Severity depends on the plan's status.  A draft (kladde) is written
 * before the coordination meeting and needs only part 1 of Bilag 1, so the
 * rules about the meeting's results are silent for it, or warn where that
 * helps; aktiv and afsluttet plans get errors.  A status that is missing
 * or not one of the three is judged as beyond a draft (the schema reports
 * the status itself).
 *
 * The rules run on any tree, also one that the schema rejects: a value of
 * the wrong type is the schema's to report, and a rule skips it.  So is a
 * date that is not a date.
 *
 * Positions: a finding about a value stands at that value; about a whole
 * mapping (grundlag), at its key; about a missing key, at the key of the
 * enclosing mapping ("samtykke:" for a missing samtykke.givet), or at the
 * `status` key when the missing key belongs at the top level (severity
 * follows status); about a missing field of an array item, at the item.
 * A null value counts as missing and is reported at its own key.
 *
 * Messages start with the field ("samtykke.givet: ...", array items
 * numbered from 0: "maal[0].indsatser[1].ansvarlig") and end with the
 * source in parentheses.  They never contain a whole CPR number.
 */
#include <stdio.h>
#include <string.h>

#include "check/check.h"
#include "i18n.h"
#include "banned.h"

enum level {
	DRAFT,	/* status: kladde */
	ACTIVE, /* status: aktiv, or missing, or unknown */
	CLOSED	/* status: afsluttet */
};

struct ctx {
	const struct kp_node *root;
	enum level level;
	unsigned sline, scol; /* the status key: for missing top-level keys */
};

/*
 * -1 when the plan has no root mapping: then nothing can be judged, and
 * the schema says why.
 */
static int ctx_init(struct ctx *c, const struct kp_plan *plan)
{
	const struct kp_pair *st;
	const char *s;

	c->root = plan ? plan->root : NULL;
	if (c->root && c->root->type != KP_MAP)
		c->root = NULL;
	st = kp_map_pair(c->root, "status");
	s = st ? kp_node_str(st->value) : NULL;
	if (s && strcmp(s, "kladde") == 0)
		c->level = DRAFT;
	else if (s && strcmp(s, "afsluttet") == 0)
		c->level = CLOSED;
	else
		c->level = ACTIVE;
	if (st) {
		c->sline = st->line;
		c->scol = st->col;
	} else if (c->root) {
		c->sline = c->root->line;
		c->scol = c->root->col;
	} else {
		c->sline = c->scol = 1;
	}
	return c->root ? 0 : -1;
}

static int is_bool(const struct kp_node *n)
{
	return n && n->type == KP_BOOL;
}

/* 1 for NULL and for a null node: a key without value counts as missing. */
static int is_missing(const struct kp_node *n)
{
	return !n || n->type == KP_NULL;
}

/* 1 for a mapping or a missing one: not one of the wrong type. */
static int map_or_missing(const struct kp_node *n)
{
	return is_missing(n) || n->type == KP_MAP;
}

/* 1 for a string of nothing but white space. */
static int is_blank(const struct kp_node *n)
{
	size_t i;

	if (!n || n->type != KP_STR)
		return 0;
	for (i = 0; i < n->v.str.len; i++) {
		char ch = n->v.str.ptr[i];

		if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')
			return 0;
	}
	return 1;
}

/* A valid YYYY-MM-DD string into *d; -1 for anything else. */
static int node_date(const struct kp_node *n, struct kp_date *d)
{
	if (!n || n->type != KP_STR)
		return -1;
	return kp_date_parse(d, n->v.str.ptr, n->v.str.len);
}

/*
 * Where to report that key is missing from the mapping at the top-level
 * key parent (NULL: from the root): at key itself when it is there with a
 * null value, else at the key parent, else at the status key.
 */
static void missing_at(const struct ctx *c, const char *parent, const char *key,
		       unsigned *line, unsigned *col)
{
	const struct kp_node *map =
		parent ? kp_map_get(c->root, parent) : c->root;
	const struct kp_pair *p = kp_map_pair(map, key);

	if (!p && parent)
		p = kp_map_pair(c->root, parent);
	if (p) {
		*line = p->line;
		*col = p->col;
	} else {
		*line = c->sline;
		*col = c->scol;
	}
}

/* ------------------------------------------------------------------ */

static void check_grundlag(const struct kp_plan *plan, struct kp_findings *out)
{
	const struct kp_pair *g;
	const struct kp_node *psyk, *rus;
	struct ctx c;
	unsigned line, col;

	if (ctx_init(&c, plan) < 0)
		return;
	g = kp_map_pair(c.root, "grundlag");
	if (!g || is_missing(g->value)) {
		if (c.level == DRAFT)
			return;
		missing_at(&c, NULL, "grundlag", &line, &col);
		kp_findings_add(
			out, "grundlag", KP_ERROR, line, col,
			_("grundlag: the basis of the plan is required: "
			  "grundlag.psykiatri or grundlag.rusmiddelbehandling "
			  "must be true (guideline Bilag 1)"));
		return;
	}
	if (g->value->type != KP_MAP)
		return;
	psyk = kp_map_get(g->value, "psykiatri");
	rus = kp_map_get(g->value, "rusmiddelbehandling");
	if ((!is_missing(psyk) && !is_bool(psyk)) ||
	    (!is_missing(rus) && !is_bool(rus)))
		return;
	if (kp_node_true(psyk) || kp_node_true(rus))
		return;
	kp_findings_add(out, "grundlag",
			c.level == DRAFT ? KP_WARNING : KP_ERROR, g->line,
			g->col,
			_("grundlag: at least one of grundlag.psykiatri and "
			  "grundlag.rusmiddelbehandling must be true "
			  "(guideline Bilag 1)"));
}

static void check_samtykke(const struct kp_plan *plan, struct kp_findings *out)
{
	const struct kp_node *s, *givet, *tk;
	struct kp_date d;
	struct ctx c;
	unsigned line, col;

	if (ctx_init(&c, plan) < 0)
		return;
	s = kp_map_get(c.root, "samtykke");
	if (!map_or_missing(s))
		return;
	givet = kp_map_get(s, "givet");
	if (c.level != DRAFT &&
	    (is_missing(givet) || (is_bool(givet) && !givet->v.boolean))) {
		if (givet && !is_missing(givet)) {
			line = givet->line;
			col = givet->col;
		} else {
			missing_at(&c, "samtykke", "givet", &line, &col);
		}
		kp_findings_add(
			out, "samtykke", KP_ERROR, line, col,
			_("samtykke.givet: consent is required beyond a "
			  "draft (guideline §5)"));
	}
	/*
	 * A draft's first coordination meeting falls due counted from the
	 * consent (kiplan due): without its date, say so here, once, rather
	 * than in due's report every morning.
	 */
	if (c.level == DRAFT && kp_node_true(givet) &&
	    is_missing(kp_map_get(s, "dato"))) {
		missing_at(&c, "samtykke", "dato", &line, &col);
		kp_findings_add(out, "samtykke", KP_WARNING, line, col,
				_("samtykke.dato: the consent has no date, so "
				  "kiplan due cannot tell when the first "
				  "coordination meeting falls due"));
	}
	if (c.level == DRAFT && is_bool(givet) && !givet->v.boolean &&
	    is_missing(kp_map_get(s, "dato"))) {
		missing_at(&c, "samtykke", "dato", &line, &col);
		kp_findings_add(out, "samtykke", KP_WARNING, line, col,
				_("samtykke.dato: the citizen said no to "
				  "consent, but without a date kiplan due "
				  "cannot tell when to offer the plan again "
				  "(guideline §5)"));
	}
	/*
	 * Withdrawn consent ends the plan: a closed plan may record it, an
	 * active one may not; a draft cannot go ahead without new consent.
	 */
	tk = kp_map_get(s, "tilbagekaldt");
	if (c.level == CLOSED || node_date(tk, &d) < 0)
		return;
	if (c.level == DRAFT)
		kp_findings_add(out, "samtykke", KP_WARNING, tk->line, tk->col,
				_("samtykke.tilbagekaldt: consent was "
				  "withdrawn; the plan cannot go ahead without "
				  "new consent (guideline §5)"));
	else
		kp_findings_add(out, "samtykke", KP_ERROR, tk->line, tk->col,
				_("samtykke.tilbagekaldt: consent was "
				  "withdrawn; close the plan (status: "
				  "afsluttet) or record new consent "
				  "(guideline §5)"));
}

static void check_paaroerende(const struct kp_plan *plan,
			      struct kp_findings *out)
{
	const struct kp_node *dl, *consent;
	struct ctx c;
	size_t i;

	if (ctx_init(&c, plan) < 0)
		return;
	dl = kp_map_get(c.root, "deltagere");
	if (!dl || dl->type != KP_SEQ ||
	    !map_or_missing(kp_map_get(c.root, "samtykke")))
		return;
	consent = kp_node_at(c.root, "samtykke.paaroerende");
	if (kp_node_true(consent) ||
	    (!is_missing(consent) && !is_bool(consent)))
		return;
	for (i = 0; i < dl->v.seq.len; i++) {
		const struct kp_node *rolle =
			kp_map_get(dl->v.seq.items[i], "rolle");
		const char *r = kp_node_str(rolle);

		if (!r || strcmp(r, "paaroerende") != 0)
			continue;
		kp_findings_add(
			out, "paaroerende", KP_ERROR, rolle->line, rolle->col,
			/* TRANSLATORS: %zu is the number of the participant,
			   counted from 0. */
			_("deltagere[%zu].rolle: a relative takes part, but "
			  "samtykke.paaroerende is not true: the citizen must "
			  "consent to involving relatives (guideline §6.2.1)"),
			i);
	}
}

static void check_godkendt(const struct kp_plan *plan, struct kp_findings *out)
{
	const struct kp_node *g;
	struct ctx c;
	unsigned line, col;

	if (ctx_init(&c, plan) < 0)
		return;
	if (c.level == DRAFT)
		return;
	g = kp_map_get(c.root, "godkendt_af_borger");
	if (!is_missing(g) && (!is_bool(g) || g->v.boolean))
		return;
	if (g && !is_missing(g)) {
		line = g->line;
		col = g->col;
	} else {
		missing_at(&c, NULL, "godkendt_af_borger", &line, &col);
	}
	kp_findings_add(out, "godkendt", KP_ERROR, line, col,
			_("godkendt_af_borger: a plan beyond a draft must be "
			  "approved by the citizen (guideline §5, Bilag 1)"));
}

static void check_opfoelgning(const struct kp_plan *plan,
			      struct kp_findings *out)
{
	const struct kp_node *mn, *fn;
	struct kp_meeting last;
	struct kp_date m, f, limit;
	char ms[11], fs[11], ls[11], field[40];
	struct ctx c;
	unsigned line, col;
	enum kp_severity sev;

	if (ctx_init(&c, plan) < 0)
		return;
	if (!map_or_missing(kp_map_get(c.root, "moede")) ||
	    !map_or_missing(kp_map_get(c.root, "opfoelgning")))
		return;
	sev = c.level == DRAFT ? KP_WARNING : KP_ERROR;
	mn = kp_node_at(c.root, "moede.dato");
	fn = kp_node_at(c.root, "opfoelgning.dato");
	if (is_missing(mn)) {
		if (c.level == DRAFT)
			return;
		missing_at(&c, "moede", "dato", &line, &col);
		kp_findings_add(
			out, "opfoelgning", KP_ERROR, line, col,
			_("moede.dato: the date of the coordination meeting "
			  "is required beyond a draft (guideline Bilag 1 "
			  "part 1)"));
		return;
	}
	/* A closed plan has no next follow-up to judge. */
	if (node_date(mn, &m) < 0 || c.level == CLOSED)
		return;
	/* §6.2.5: the six months count from the latest meeting. */
	if (kp_plan_last_meeting(&last, c.root) == 0 && last.index >= 0)
		m = last.date;
	else
		last.index = -1;
	if (is_missing(fn)) {
		if (c.level != ACTIVE)
			return;
		missing_at(&c, "opfoelgning", "dato", &line, &col);
		kp_findings_add(out, "opfoelgning", KP_WARNING, line, col,
				_("opfoelgning.dato: no follow-up date; due "
				  "will assume six months after the meeting "
				  "(guideline §6.2.5)"));
		return;
	}
	if (node_date(fn, &f) < 0)
		return;
	kp_date_format(ms, m);
	kp_date_format(fs, f);
	kp_meeting_field(field, sizeof(field), &last);
	if (kp_date_cmp(f, m) <= 0) {
		if (last.index < 0)
			kp_findings_add(
				out, "opfoelgning", sev, fn->line, fn->col,
				/* TRANSLATORS: the dates of the follow-up and
				   of the meeting, YYYY-MM-DD. */
				_("opfoelgning.dato: the follow-up (%s) must "
				  "be after the meeting (moede.dato %s) "
				  "(guideline §6.2.5)"),
				fs, ms);
		else
			kp_findings_add(
				out, "opfoelgning", sev, fn->line, fn->col,
				/* TRANSLATORS: the date of the follow-up, the
				   field of the latest meeting
				   (moeder[1].dato) and its date. */
				_("opfoelgning.dato: the next follow-up (%s) "
				  "must be after the latest meeting (%s %s) "
				  "(guideline §6.2.5)"),
				fs, field, ms);
		return;
	}
	limit = kp_date_add_months(m, 6);
	if (kp_date_cmp(f, limit) <= 0)
		return;
	kp_date_format(ls, limit);
	if (last.index < 0)
		kp_findings_add(
			out, "opfoelgning", sev, fn->line, fn->col,
			/* TRANSLATORS: the dates of the follow-up, of the
			   meeting and the latest allowed, YYYY-MM-DD. */
			_("opfoelgning.dato: the follow-up (%s) is more than "
			  "6 months after the meeting (moede.dato %s); at "
			  "the latest %s (guideline §6.2.5, Bilag 1 part 5)"),
			fs, ms, ls);
	else
		kp_findings_add(
			out, "opfoelgning", sev, fn->line, fn->col,
			/* TRANSLATORS: the date of the follow-up, the field
			   of the latest meeting (moeder[1].dato), its date,
			   and the latest date allowed. */
			_("opfoelgning.dato: the next follow-up (%s) is more "
			  "than 6 months after the latest meeting (%s %s); "
			  "at the latest %s (guideline §6.2.5)"),
			fs, field, ms, ls);
}

/*
 * The meetings held after the coordination meeting (moeder): each after
 * it and after the one before, and a follow-up meeting by telephone only
 * when the citizen has said no to a meeting (§6.2.5).
 */
static void check_moeder(const struct kp_plan *plan, struct kp_findings *out)
{
	const struct kp_node *ms, *it, *dn, *form;
	struct kp_date first, prev, d;
	char ds[11], ps[11];
	const char *f;
	int have_first, have_prev = 0;
	struct ctx c;
	enum kp_severity sev;
	size_t i;

	if (ctx_init(&c, plan) < 0)
		return;
	ms = kp_map_get(c.root, "moeder");
	if (!ms || ms->type != KP_SEQ)
		return;
	sev = c.level == DRAFT ? KP_WARNING : KP_ERROR;
	have_first = node_date(kp_node_at(c.root, "moede.dato"), &first) == 0;
	for (i = 0; i < ms->v.seq.len; i++) {
		it = ms->v.seq.items[i];
		dn = kp_map_get(it, "dato");
		form = kp_map_get(it, "form");
		f = kp_node_str(form);
		if (f && strcmp(f, "telefon") == 0 &&
		    !kp_node_true(kp_map_get(it, "borger_fravalgt")))
			kp_findings_add(
				out, "moeder", KP_WARNING, form->line,
				form->col,
				/* TRANSLATORS: %zu is the meeting's number,
				   counted from 0. */
				_("moeder[%zu].form: a follow-up meeting is "
				  "held "
				  "by telephone only when the citizen has said "
				  "they will not take part in a meeting "
				  "(borger_fravalgt: true) (guideline §6.2.5)"),
				i);
		if (node_date(dn, &d) < 0)
			continue;
		kp_date_format(ds, d);
		if (have_first && kp_date_cmp(d, first) <= 0) {
			kp_date_format(ps, first);
			kp_findings_add(
				out, "moeder", sev, dn->line, dn->col,
				/* TRANSLATORS: the meeting's number (from 0),
				   its date and the coordination meeting's. */
				_("moeder[%zu].dato: the meeting (%s) must be "
				  "after the coordination meeting (moede.dato "
				  "%s)"),
				i, ds, ps);
		} else if (have_prev && kp_date_cmp(d, prev) < 0) {
			kp_date_format(ps, prev);
			kp_findings_add(
				out, "moeder", sev, dn->line, dn->col,
				/* TRANSLATORS: the meeting's number (from 0),
				   its date and the date of the one before. */
				_("moeder[%zu].dato: the meetings are not in "
				  "order: %s is before the meeting above it "
				  "(%s); the oldest comes first"),
				i, ds, ps);
		}
		prev = d;
		have_prev = 1;
	}
}

/*
 * A closing (afslutning) belongs to a closed plan, and a plan closed with
 * one has no open action left (Region Syddanmark 2024,
 * Færdigbehandlet/udskrevet).  A closed plan written before kiplan knew
 * the closing has none, and is not judged here.
 */
static void check_afslutning(const struct kp_plan *plan,
			     struct kp_findings *out)
{
	const struct kp_pair *a;
	const struct kp_node *maal, *dn;
	struct kp_date d, m;
	char ds[11], ms[11];
	struct ctx c;
	size_t i, j;

	if (ctx_init(&c, plan) < 0)
		return;
	a = kp_map_pair(c.root, "afslutning");
	if (!a || a->value->type != KP_MAP)
		return;
	if (c.level != CLOSED) {
		kp_findings_add(out, "afslutning", KP_ERROR, a->line, a->col,
				_("afslutning: the plan is closed, but its "
				  "status is not afsluttet"));
		return;
	}
	dn = kp_map_get(a->value, "dato");
	if (node_date(dn, &d) == 0 &&
	    node_date(kp_node_at(c.root, "moede.dato"), &m) == 0 &&
	    kp_date_cmp(d, m) < 0) {
		kp_date_format(ds, d);
		kp_date_format(ms, m);
		kp_findings_add(out, "afslutning", KP_ERROR, dn->line, dn->col,
				/* TRANSLATORS: the closing date and the
				   coordination meeting's, YYYY-MM-DD. */
				_("afslutning.dato: the plan cannot close (%s) "
				  "before its coordination meeting "
				  "(moede.dato %s)"),
				ds, ms);
	}
	maal = kp_map_get(c.root, "maal");
	for (i = 0; maal && maal->type == KP_SEQ && i < maal->v.seq.len; i++) {
		const struct kp_node *ind =
			kp_map_get(maal->v.seq.items[i], "indsatser");

		for (j = 0; ind && ind->type == KP_SEQ && j < ind->v.seq.len;
		     j++) {
			const struct kp_node *act = ind->v.seq.items[j];

			if (act->type != KP_MAP || !kp_action_open(act))
				continue;
			kp_findings_add(
				out, "afslutning", KP_ERROR, act->line,
				act->col,
				/* TRANSLATORS: the numbers of the goal and of
				   the action, counted from 0. */
				_("maal[%zu].indsatser[%zu]: the plan is "
				  "closed, but the action is still open; its "
				  "status must be gennemfoert or bortfaldet"),
				i, j);
		}
	}
}

/* §5: where children are involved, inform the children's department? */
static void check_boern(const struct kp_plan *plan, struct kp_findings *out)
{
	const struct kp_node *b, *inv;
	struct ctx c;

	if (ctx_init(&c, plan) < 0)
		return;
	b = kp_map_get(c.root, "boern");
	if (!b || b->type != KP_MAP || c.level == CLOSED)
		return;
	inv = kp_map_get(b, "involveret");
	if (!kp_node_true(inv) || !is_missing(kp_map_get(b, "orientering")))
		return;
	kp_findings_add(out, "boern", KP_WARNING, inv->line, inv->col,
			_("boern.orientering: children are involved; consider "
			  "whether to inform the municipality's children and "
			  "youth department, and record it (orienteret or "
			  "ikke_grundlag) (guideline §5)"));
}

/*
 * The treatment guarantee: treatment begins at the latest 14 days after
 * the request is received (Region Syddanmark 2024, Henvisning).
 */
#define GUARANTEE_DAYS 14

static void check_henvisning(const struct kp_plan *plan,
			     struct kp_findings *out)
{
	const struct kp_node *h, *sn;
	struct kp_date d, s, limit;
	char ds[11], ss[11], ls[11];
	struct ctx c;

	if (ctx_init(&c, plan) < 0)
		return;
	h = kp_map_get(c.root, "henvisning");
	sn = kp_map_get(h, "behandling_start");
	if (!h || h->type != KP_MAP ||
	    node_date(kp_map_get(h, "dato"), &d) < 0 || node_date(sn, &s) < 0)
		return;
	kp_date_format(ds, d);
	kp_date_format(ss, s);
	if (kp_date_cmp(s, d) < 0) {
		kp_findings_add(out, "henvisning", KP_ERROR, sn->line, sn->col,
				/* TRANSLATORS: the dates the treatment began
				   and the request was received. */
				_("henvisning.behandling_start: the treatment "
				  "(%s) cannot begin before the request was "
				  "received (henvisning.dato %s)"),
				ss, ds);
		return;
	}
	limit = kp_date_from_days(kp_date_days(d) + GUARANTEE_DAYS);
	if (kp_date_cmp(s, limit) <= 0)
		return;
	kp_date_format(ls, limit);
	kp_findings_add(out, "henvisning", KP_WARNING, sn->line, sn->col,
			/* TRANSLATORS: the date the treatment began, the
			   latest date the guarantee allowed, and the date
			   the request was received. */
			_("henvisning.behandling_start: the treatment began "
			  "%s, after the treatment guarantee's %s (14 days "
			  "after the request of %s) (Region Syddanmark 2024, "
			  "Henvisning)"),
			ss, ls, ds);
}

/*
 * One field of one action: missing, null or blank is reported with msg,
 * a format that takes the goal's and the action's numbers (%zu, %zu).
 */
static void action_field(const struct ctx *c, const struct kp_node *action,
			 size_t i, size_t j, const char *key, const char *msg,
			 struct kp_findings *out)
{
	const struct kp_pair *p = kp_map_pair(action, key);
	unsigned line, col;

	if (!p || p->value->type == KP_NULL) {
		line = p ? p->line : action->line;
		col = p ? p->col : action->col;
	} else if (is_blank(p->value)) {
		line = p->value->line;
		col = p->value->col;
	} else {
		return;
	}
	kp_findings_add(out, "ansvarlig",
			c->level == DRAFT ? KP_WARNING : KP_ERROR, line, col,
			msg, i, j);
}

static void check_ansvarlig(const struct kp_plan *plan, struct kp_findings *out)
{
	const struct kp_node *maal;
	struct ctx c;
	size_t i, j;

	if (ctx_init(&c, plan) < 0)
		return;
	maal = kp_map_get(c.root, "maal");
	if (!maal || maal->type != KP_SEQ)
		return;
	for (i = 0; i < maal->v.seq.len; i++) {
		const struct kp_node *ind =
			kp_map_get(maal->v.seq.items[i], "indsatser");

		if (!ind || ind->type != KP_SEQ)
			continue;
		for (j = 0; j < ind->v.seq.len; j++) {
			const struct kp_node *a = ind->v.seq.items[j];

			if (a->type != KP_MAP)
				continue;
			/* TRANSLATORS: the numbers of the goal and of
			   the action, counted from 0. */
			action_field(&c, a, i, j, "ansvarlig",
				     _("maal[%zu].indsatser[%zu].ansvarlig: "
				       "every action needs a responsible "
				       "party (guideline §6.2.4)"),
				     out);
			/* TRANSLATORS: the numbers of the goal and of
			   the action, counted from 0. */
			action_field(&c, a, i, j, "succeskriterier",
				     _("maal[%zu].indsatser[%zu]."
				       "succeskriterier: every action needs "
				       "success criteria (guideline §6.2.4)"),
				     out);
		}
	}
}

static void check_udfordringer(const struct kp_plan *plan,
			       struct kp_findings *out)
{
	const struct kp_pair *p;
	struct ctx c;
	unsigned line, col;
	size_t i;

	if (ctx_init(&c, plan) < 0)
		return;
	if (c.level == DRAFT)
		return;
	p = kp_map_pair(c.root, "udfordringer");
	if (p && !is_missing(p->value)) {
		const struct kp_node *u = p->value;

		if (u->type != KP_SEQ)
			return;
		for (i = 0; i < u->v.seq.len; i++)
			if (!is_missing(u->v.seq.items[i]) &&
			    !is_blank(u->v.seq.items[i]))
				return;
		line = u->line;
		col = u->col;
	} else {
		missing_at(&c, NULL, "udfordringer", &line, &col);
	}
	kp_findings_add(
		out, "udfordringer", KP_ERROR, line, col,
		_("udfordringer: a plan beyond a draft names at least one "
		  "primary or acute challenge (guideline Bilag 1 part 3)"));
}

static void check_cpr(const struct kp_plan *plan, struct kp_findings *out)
{
	const struct kp_node *n;
	char masked[12];
	struct ctx c;

	if (ctx_init(&c, plan) < 0)
		return;
	n = kp_node_at(c.root, "borger.cpr");
	if (!n || n->type != KP_STR)
		return;
	kp_cpr_mask(masked, n->v.str.ptr, n->v.str.len);
	switch (kp_cpr_check(n->v.str.ptr, n->v.str.len, NULL)) {
	case KP_CPR_OK: break;
	case KP_CPR_FORMAT:
		/*
		 * The schema's pattern for borger.cpr reports the form; one
		 * finding for one fault.
		 */
		break;
	case KP_CPR_DATE:
		kp_findings_add(
			out, "cpr", KP_ERROR, n->line, n->col,
			/* TRANSLATORS: %s is the CPR number with its last
			   four digits masked: 010174-xxxx. */
			_("borger.cpr: %s does not begin with a real date "
			  "of birth (DDMMYY; day + 60 for a replacement "
			  "number)"),
			masked);
		break;
	case KP_CPR_MOD11:
		kp_findings_add(
			out, "cpr", KP_WARNING, n->line, n->col,
			/* TRANSLATORS: %s is the CPR number with its last
			   four digits masked: 010174-xxxx. */
			_("borger.cpr: %s fails the modulus-11 check; "
			  "numbers issued since 2007 may, but check for a "
			  "typing error"),
			masked);
		break;
	}
}

/* 1 when the citizen born on birth is not yet 15 on date. */
static int under_15(struct kp_date birth, struct kp_date date)
{
	struct kp_date b15 = birth;

	/*
	 * Born on 29 February: 15 on 1 March in a common year, the later
	 * of the two readings, so that parental consent is asked for the
	 * longer.
	 */
	b15.y += 15;
	if (!kp_date_valid(b15.y, b15.m, b15.d)) {
		b15.m = 3;
		b15.d = 1;
	}
	return kp_date_cmp(date, b15) < 0;
}

static void check_samtykke_alder(const struct kp_plan *plan,
				 struct kp_findings *out)
{
	static const char *const by_parents[] = { "foraeldre", "vaerge" };
	const struct kp_node *cpr, *s, *dn, *by;
	struct kp_date birth, date;
	enum kp_cpr_status st;
	char ds[11];
	const char *b, *from = "samtykke.dato";
	struct ctx c;
	unsigned line, col;
	size_t i;

	if (ctx_init(&c, plan) < 0)
		return;
	cpr = kp_node_at(c.root, "borger.cpr");
	if (!cpr || cpr->type != KP_STR)
		return;
	st = kp_cpr_check(cpr->v.str.ptr, cpr->v.str.len, &birth);
	if (st != KP_CPR_OK && st != KP_CPR_MOD11)
		return;
	s = kp_map_get(c.root, "samtykke");
	if (!map_or_missing(s))
		return;
	/* The consent date; a draft before consent has the meeting's. */
	dn = kp_map_get(s, "dato");
	if (!is_missing(dn)) {
		if (node_date(dn, &date) < 0)
			return;
	} else {
		from = "moede.dato";
		if (node_date(kp_node_at(c.root, "moede.dato"), &date) < 0)
			return;
	}
	if (!under_15(birth, date))
		return;
	by = kp_map_get(s, "givet_af");
	b = kp_node_str(by);
	if (!is_missing(by) && !b)
		return;
	for (i = 0; b && i < sizeof(by_parents) / sizeof(by_parents[0]); i++)
		if (strcmp(b, by_parents[i]) == 0)
			return;
	if (b) {
		line = by->line;
		col = by->col;
	} else {
		missing_at(&c, "samtykke", "givet_af", &line, &col);
	}
	kp_date_format(ds, date);
	kp_findings_add(
		out, "samtykke_alder", c.level == DRAFT ? KP_WARNING : KP_ERROR,
		line, col,
		/* TRANSLATORS: a date (YYYY-MM-DD) and the field it is
		   from, samtykke.dato or moede.dato. */
		_("samtykke.givet_af: the citizen is under 15 on %s (%s); "
		  "consent must be given by the parents "
		  "(givet_af: foraeldre or vaerge) "
		  "(Region Syddanmark 2024, Samtykke)"),
		ds, from);
}

/* ------------------------------------------------------------------ */

static const struct kp_rule rules[] = {
	{ "grundlag", N_("Bilag 1"),
	  N_("at least one of grundlag.psykiatri and "
	     "grundlag.rusmiddelbehandling is true"),
	  check_grundlag },
	{ "samtykke", N_("§5"),
	  N_("no plan beyond a draft without consent (samtykke.givet), nor "
	     "an active one after it is withdrawn"),
	  check_samtykke },
	{ "paaroerende", N_("§6.2.1"),
	  N_("a relative among the participants needs samtykke.paaroerende: "
	     "true"),
	  check_paaroerende },
	{ "godkendt", N_("§5, Bilag 1"),
	  N_("a plan beyond a draft is approved by the citizen "
	     "(godkendt_af_borger)"),
	  check_godkendt },
	{ "opfoelgning", N_("§6.2.5, Bilag 1 part 5"),
	  N_("the follow-up is after the meeting and at most 6 months after "
	     "it"),
	  check_opfoelgning },
	{ "ansvarlig", N_("§6.2.4"),
	  N_("every action has a responsible party and success criteria"),
	  check_ansvarlig },
	{ "udfordringer", N_("Bilag 1 part 3"),
	  N_("a plan beyond a draft names at least one challenge"),
	  check_udfordringer },
	{ "cpr", N_("Bilag 1 part 1"),
	  N_("borger.cpr is DDMMYY-SSSS with a real date; modulus 11 is a "
	     "warning"),
	  check_cpr },
	{ "samtykke_alder", N_("Region Syddanmark 2024, Samtykke"),
	  N_("a citizen under 15 at the consent date has consent from the "
	     "parents"),
	  check_samtykke_alder },
	{ "moeder", N_("§6.2.5"),
	  N_("meetings after the coordination meeting come in order; one by "
	     "telephone only when the citizen said no to a meeting"),
	  check_moeder },
	{ "afslutning", N_("Region Syddanmark 2024, Færdigbehandlet"),
	  N_("a closing belongs to a closed plan, which has no open action"),
	  check_afslutning },
	{ "boern", N_("§5"),
	  N_("where children are involved, informing the children's "
	     "department is considered"),
	  check_boern },
	{ "henvisning", N_("Region Syddanmark 2024, Henvisning"),
	  N_("treatment begins at the latest 14 days after the request"),
	  check_henvisning },
};

const struct kp_rule *kp_rules(size_t *n)
{
	if (n)
		*n = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

void kp_rules_check(const struct kp_plan *plan, struct kp_findings *out)
{
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		rules[i].check(plan, out);
}
