/*
 * stats.c: the figures of kiplan stats, from a plan repository's history.
 *
 * kp_repo_walk() gives, commit by commit, the plan files each commit
 * changed and their blobs.  Every distinct blob is read and parsed once,
 * on every CPU, into the few facts the figures need (struct facts): a
 * blob that comes back (a plan changed and changed back, a file copied)
 * is not parsed again.  Then each plan, a file name without ".md"
 * (ki-2014-0001, whatever its directory, so that a plan moved stays one
 * plan), is followed through its versions in the order of the commits:
 * what changed from one version to the next is an event in the period of
 * its commit, and the version in force on each period's last day gives
 * that period's states.  Plans are followed one at a time, so a count
 * knows how many different plans (citizens) it holds, which --min-cell
 * needs.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "stats.h"
#include "i18n.h"
#include "banned.h"

#define NODATE LONG_MIN
#define GUARANTEE_DAYS 14
#define FOLLOWUP_MONTHS 6
#define PERIODS_MAX 1200

enum { ST_NONE, ST_KLADDE, ST_AKTIV, ST_AFSLUTTET, ST_OTHER };

static const char *const fl_names[KP_NFL] = { "ingen", "parallel",
					      "koordineret", "integreret" };

const char *kp_stats_forloeb_name(int fl)
{
	return fl >= 0 && fl < KP_NFL ? fl_names[fl] : "";
}

/* What the figures need of one version of a plan. */
struct facts {
	int ok; /* it parsed */
	unsigned char status, forloeb, withdrawn;
	long consent, meeting;	  /* samtykke.dato, moede.dato */
	long followup;		  /* due's follow-up of an active plan */
	long guarantee;		  /* due's treatment guarantee, not begun */
	long referral, treatment; /* henvisning.dato, .behandling_start */
	long *moeder;		  /* moeder[].dato; NODATE: not a date */
	unsigned char *closing;	  /* moeder[].type is afslutning */
	size_t nmoeder;
	char *org, *coord, *closed_to; /* NULL: not given */
};

/* ------------------------------------------------------------------ */
/* Reading a version                                                   */
/* ------------------------------------------------------------------ */

static long node_days(const struct kp_node *n)
{
	struct kp_date d;

	if (!n || n->type != KP_STR ||
	    kp_date_parse(&d, n->v.str.ptr, n->v.str.len) < 0)
		return NODATE;
	return kp_date_days(d);
}

static long days_at(const struct kp_node *root, const char *path)
{
	return node_days(kp_node_at(root, path));
}

/* A string field, without surrounding blanks; NULL when empty. */
static char *str_at(const struct kp_node *root, const char *path)
{
	const char *s = kp_node_str(kp_node_at(root, path));
	size_t len;
	char *r;

	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	len = strlen(s);
	while (len &&
	       (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n'))
		len--;
	if (!len)
		return NULL;
	r = kp_xstrndup(s, len);
	/* A stray CPR number never reaches a report. */
	kp_cpr_mask_text(r);
	return r;
}

static int choice(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; s && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static void read_due(struct facts *f, const struct kp_node *root)
{
	struct kp_due_list items = KP_DUE_LIST_INIT;
	size_t i;

	/* The same follow-up and guarantee that kiplan due lists. */
	kp_due_extract(&items, root, "", -1, NULL);
	for (i = 0; i < items.len; i++) {
		long d = kp_date_days(items.v[i].date);

		if (items.v[i].kind == KP_DUE_OPFOELGNING)
			f->followup = d;
		else if (items.v[i].kind == KP_DUE_GARANTI)
			f->guarantee = d;
	}
	kp_due_release(&items);
}

static void read_meetings(struct facts *f, const struct kp_node *root)
{
	const struct kp_node *m = kp_map_get(root, "moeder");
	size_t i;

	if (!m || m->type != KP_SEQ || !m->v.seq.len)
		return;
	f->nmoeder = m->v.seq.len;
	f->moeder = kp_xcalloc(f->nmoeder, sizeof(*f->moeder));
	f->closing = kp_xcalloc(f->nmoeder, sizeof(*f->closing));
	for (i = 0; i < f->nmoeder; i++) {
		const struct kp_node *it = m->v.seq.items[i];
		const char *type = kp_node_str(kp_map_get(it, "type"));

		f->moeder[i] = node_days(kp_map_get(it, "dato"));
		f->closing[i] = type && strcmp(type, "afslutning") == 0;
	}
}

static void read_facts(struct facts *f, const struct kp_node *root)
{
	static const char *const status[] = { "kladde", "aktiv", "afsluttet" };
	const char *st = kp_node_str(kp_map_get(root, "status"));
	int c;

	f->ok = 1;
	c = choice(st, status, 3);
	f->status = c >= 0 ? (unsigned char)(ST_KLADDE + c)
		    : st   ? ST_OTHER
			   : ST_NONE;
	c = choice(kp_node_str(kp_map_get(root, "forloeb")), fl_names + 1,
		   KP_NFL - 1);
	f->forloeb = c >= 0 ? (unsigned char)(c + 1) : KP_FL_NONE;
	f->withdrawn = days_at(root, "samtykke.tilbagekaldt") != NODATE;
	f->consent = days_at(root, "samtykke.dato");
	f->meeting = days_at(root, "moede.dato");
	f->referral = days_at(root, "henvisning.dato");
	f->treatment = days_at(root, "henvisning.behandling_start");
	f->followup = f->guarantee = NODATE;
	read_due(f, root);
	read_meetings(f, root);
	f->org = str_at(root, "koordinator.organisation");
	f->coord = str_at(root, "koordinator.navn");
	f->closed_to = str_at(root, "afslutning.til");
}

static void facts_release(struct facts *f)
{
	free(f->moeder);
	free(f->closing);
	free(f->org);
	free(f->coord);
	free(f->closed_to);
}

/* ------------------------------------------------------------------ */
/* Tables: blobs, plans, strings                                       */
/* ------------------------------------------------------------------ */

/* Open addressing over indexes + 1 into some array; 0 is empty. */
struct index {
	size_t *slot;
	size_t cap; /* a power of two */
};

static void index_release(struct index *x)
{
	free(x->slot);
	x->slot = NULL;
	x->cap = 0;
}

/*
 * Find key (hash h) in x, or make room for it: returns the slot, which
 * holds 0 when key is new.  eq(ctx, i, key) compares the entry i.
 */
static size_t *index_find(struct index *x, size_t used, unsigned long long h,
			  int (*eq)(const void *ctx, size_t i, const void *key),
			  unsigned long long (*hash)(const void *ctx, size_t i),
			  const void *ctx, const void *key)
{
	size_t mask, i;

	if ((used + 1) * 2 > x->cap) {
		size_t *old = x->slot, oldcap = x->cap, j;

		x->cap = x->cap ? x->cap * 2 : 1024;
		x->slot = kp_xcalloc(x->cap, sizeof(*x->slot));
		for (j = 0; j < oldcap; j++) {
			if (!old[j])
				continue;
			i = hash(ctx, old[j] - 1) & (x->cap - 1);
			while (x->slot[i])
				i = (i + 1) & (x->cap - 1);
			x->slot[i] = old[j];
		}
		free(old);
	}
	mask = x->cap - 1;
	for (i = h & mask; x->slot[i]; i = (i + 1) & mask)
		if (eq(ctx, x->slot[i] - 1, key))
			break;
	return &x->slot[i];
}

struct strtab {
	char **v;
	size_t len;
	struct index x;
};

static unsigned long long str_hash(const void *ctx, size_t i)
{
	const struct strtab *t = ctx;

	return kp_hash64(0, t->v[i], strlen(t->v[i]));
}

static int str_eq(const void *ctx, size_t i, const void *key)
{
	const struct strtab *t = ctx;

	return strcmp(t->v[i], key) == 0;
}

static size_t str_intern(struct strtab *t, const char *s)
{
	size_t *slot = index_find(&t->x, t->len, kp_hash64(0, s, strlen(s)),
				  str_eq, str_hash, t, s);

	if (!*slot) {
		t->v = kp_xrealloc(t->v, (t->len + 1) * sizeof(*t->v));
		t->v[t->len++] = kp_xstrdup(s);
		*slot = t->len;
	}
	return *slot - 1;
}

struct blobtab {
	struct kp_oid *v;
	size_t *path; /* a path of each, for messages */
	size_t len, alloc;
	struct index x;
};

static unsigned long long oid_hash(const struct kp_oid *o)
{
	unsigned long long h;

	memcpy(&h, o->id, sizeof(h));
	return h;
}

static unsigned long long blob_hash(const void *ctx, size_t i)
{
	const struct blobtab *t = ctx;

	return oid_hash(&t->v[i]);
}

static int blob_eq(const void *ctx, size_t i, const void *key)
{
	const struct blobtab *t = ctx;

	return memcmp(t->v[i].id, key, sizeof(t->v[i].id)) == 0;
}

static size_t blob_intern(struct blobtab *t, const struct kp_oid *o,
			  size_t path)
{
	size_t *slot = index_find(&t->x, t->len, oid_hash(o), blob_eq,
				  blob_hash, t, o->id);

	if (!*slot) {
		if (t->len == t->alloc) {
			t->alloc = t->alloc ? 2 * t->alloc : 1024;
			t->v = kp_xrealloc(t->v, t->alloc * sizeof(*t->v));
			t->path = kp_xrealloc(t->path,
					      t->alloc * sizeof(*t->path));
		}
		t->v[t->len] = *o;
		t->path[t->len++] = path;
		*slot = t->len;
	}
	return *slot - 1;
}

/* An event of a plan's history, in the order of the commits. */
enum { EV_CHANGE, EV_DELETE, EV_SENDING };

struct ev {
	size_t commit;
	size_t blob; /* EV_CHANGE */
	int kind;
};

struct plan {
	struct ev *v;
	size_t len, alloc;
};

struct plantab {
	struct strtab keys; /* the plan ids */
	struct plan *v;	    /* like keys.v */
	size_t alloc;
};

static struct plan *plan_of(struct plantab *t, const char *key, size_t len)
{
	char *k = kp_xstrndup(key, len);
	size_t i = str_intern(&t->keys, k);

	free(k);
	if (i >= t->alloc) {
		size_t old = t->alloc;

		t->alloc = t->alloc ? 2 * t->alloc : 1024;
		while (t->alloc <= i)
			t->alloc *= 2;
		t->v = kp_xrealloc(t->v, t->alloc * sizeof(*t->v));
		memset(t->v + old, 0, (t->alloc - old) * sizeof(*t->v));
	}
	return &t->v[i];
}

static void plan_add(struct plan *p, size_t commit, int kind, size_t blob)
{
	if (p->len == p->alloc) {
		p->alloc = p->alloc ? 2 * p->alloc : 8;
		p->v = kp_xrealloc(p->v, p->alloc * sizeof(*p->v));
	}
	p->v[p->len].commit = commit;
	p->v[p->len].kind = kind;
	p->v[p->len++].blob = blob;
}

/* The plan of a path: its file name without ".md". */
static struct plan *plan_of_path(struct plantab *t, const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return plan_of(t, base, strlen(base) - 3);
}

/* ------------------------------------------------------------------ */
/* Periods                                                             */
/* ------------------------------------------------------------------ */

static struct kp_date period_start(struct kp_date d, enum kp_stats_period p)
{
	d.d = 1;
	if (p == KP_STATS_QUARTER)
		d.m = (d.m - 1) / 3 * 3 + 1;
	else if (p == KP_STATS_YEAR)
		d.m = 1;
	return d;
}

static int period_months(enum kp_stats_period p)
{
	return p == KP_STATS_MONTH ? 1 : p == KP_STATS_QUARTER ? 3 : 12;
}

static int make_periods(struct kp_stats *st, struct kp_date from,
			struct kp_error *err)
{
	const struct kp_stats_opts *o = &st->opts;
	long first = kp_date_days(from), last = kp_date_days(o->to);
	struct kp_date s = period_start(from, o->period);
	size_t alloc = 0;

	if (first > last)
		return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				    _("the first day counted comes after the "
				      "last"));
	while (kp_date_days(s) <= last) {
		struct kp_date next =
			kp_date_add_months(s, period_months(o->period));
		struct kp_period *p;

		if (st->nperiods == PERIODS_MAX)
			return kp_error_set(
				err, KP_ELIMIT, NULL, 0, 0,
				_("more than %d periods: choose a longer "
				  "period or fewer years"),
				PERIODS_MAX);
		if (st->nperiods == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			st->periods = kp_xrealloc(st->periods,
						  alloc * sizeof(*st->periods));
		}
		p = &st->periods[st->nperiods++];
		p->first = kp_date_days(s) > first ? kp_date_days(s) : first;
		p->last = kp_date_days(next) - 1 < last ? kp_date_days(next) - 1
							: last;
		p->from = kp_date_from_days(p->first);
		p->to = kp_date_from_days(p->last);
		if (o->period == KP_STATS_MONTH)
			snprintf(p->label, sizeof(p->label), "%04d-%02d", s.y,
				 s.m);
		else if (o->period == KP_STATS_QUARTER)
			snprintf(p->label, sizeof(p->label), "%04d-Q%d", s.y,
				 (s.m - 1) / 3 + 1);
		else
			snprintf(p->label, sizeof(p->label), "%04d", s.y);
		s = next;
	}
	return 0;
}

/* The period of day, or -1 outside them all. */
static long period_of(const struct kp_stats *st, long day)
{
	size_t lo = 0, hi = st->nperiods;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (day < st->periods[mid].first)
			hi = mid;
		else if (day > st->periods[mid].last)
			lo = mid + 1;
		else
			return (long)mid;
	}
	return -1;
}

/* The day of a commit, on its own clock. */
static long commit_day(const struct kp_walk_commit *c)
{
	long long t = c->time + (long long)c->offset * 60;
	long long d = t / 86400;

	if (t % 86400 < 0)
		d--;
	return (long)d;
}

/* ------------------------------------------------------------------ */
/* Counting                                                            */
/* ------------------------------------------------------------------ */

struct run {
	struct kp_stats *st;
	struct kp_walk *walk;
	struct blobtab blobs;
	struct facts *facts;
	struct plantab plans;
	struct strtab groups;	   /* names of the groups given */
	size_t *gidx;		   /* the group of each name */
	struct strtab strings;	   /* closing destinations */
	long *days;		   /* of each commit */
	size_t plan;		   /* the plan being followed */
	struct kp_stats_cell *tot; /* the total of the cell at() gave */
	size_t nullgroup;	   /* the group "not given", or (size_t)-1 */
};

static void count_add(struct kp_count *c, size_t plan, unsigned long n)
{
	c->n += n;
	if (c->last != plan + 1) {
		c->plans++;
		c->last = plan + 1;
	}
}

static void days_add(struct kp_days *d, long v)
{
	if (d->len == d->alloc) {
		d->alloc = d->alloc ? 2 * d->alloc : 8;
		d->v = kp_xrealloc(d->v, d->alloc * sizeof(*d->v));
	}
	d->v[d->len++] = v;
}

static size_t new_group(struct run *r, const char *name)
{
	struct kp_stats *st = r->st;
	size_t g = st->ngroups++;

	st->groups = kp_xrealloc(st->groups, st->ngroups * sizeof(*st->groups));
	st->cells = kp_xrealloc(st->cells, st->ngroups * sizeof(*st->cells));
	st->groups[g] = name ? kp_xstrdup(name) : NULL;
	st->cells[g] = kp_xcalloc(st->nperiods + 1, sizeof(**st->cells));
	return g;
}

/* The group of a version (NULL: the plan is unknown), made on demand. */
static size_t group_of(struct run *r, const struct facts *f)
{
	const char *name = NULL;
	size_t n = r->groups.len, i;

	if (r->st->opts.by == KP_STATS_BY_NONE)
		return 0;
	if (f && r->st->opts.by == KP_STATS_BY_ORGANISATION)
		name = f->org;
	else if (f && r->st->opts.by == KP_STATS_BY_COORDINATOR)
		name = f->coord;
	else if (f && f->forloeb != KP_FL_NONE)
		name = fl_names[f->forloeb];
	if (!name) {
		if (r->nullgroup == (size_t)-1)
			r->nullgroup = new_group(r, NULL);
		return r->nullgroup;
	}
	i = str_intern(&r->groups, name);
	if (r->groups.len > n) {
		r->gidx =
			kp_xrealloc(r->gidx, r->groups.len * sizeof(*r->gidx));
		r->gidx[i] = new_group(r, name);
	}
	return r->gidx[i];
}

/* The cell of an event, or NULL outside the periods; r->tot its total. */
static struct kp_stats_cell *at(struct run *r, const struct facts *f, long day)
{
	long p = period_of(r->st, day);
	size_t g;

	if (p < 0)
		return NULL;
	g = group_of(r, f);
	r->tot = &r->st->cells[g][r->st->nperiods];
	return &r->st->cells[g][p];
}

/* An event: in its period's cell c and in the total. */
#define EVENT(r, c, member, k)                                                 \
	do {                                                                   \
		count_add(&(c)->member, (r)->plan, (k));                       \
		count_add(&(r)->tot->member, (r)->plan, (k));                  \
	} while (0)

static void closed_to1(struct run *r, struct kp_stats_cell *c, const char *to)
{
	size_t s = to ? str_intern(&r->strings, to) : (size_t)-1, i;

	for (i = 0; i < c->nclosed_to; i++)
		if (c->closed_to[i].to == s)
			break;
	if (i == c->nclosed_to) {
		c->closed_to = kp_xrealloc(c->closed_to,
					   (i + 1) * sizeof(*c->closed_to));
		memset(&c->closed_to[i], 0, sizeof(c->closed_to[i]));
		c->closed_to[i].to = s;
		c->nclosed_to++;
	}
	count_add(&c->closed_to[i].count, r->plan, 1);
}

static void closed_to(struct run *r, struct kp_stats_cell *c, const char *to)
{
	closed_to1(r, c, to);
	closed_to1(r, r->tot, to);
}

/* A plan followed through its versions. */
struct follow {
	const struct facts *cur; /* in force; NULL before a readable one */
	int present;		 /* the file exists */
	int seen, activated, referral, treatment, withdrawn;
	unsigned char status, forloeb; /* the last known */
	size_t moeder;		       /* entries of moeder counted */
};

static long later(long a, long b)
{
	return a > b ? a : b;
}

/* The states of the plan on the last day of period k. */
static void snapshot(struct run *r, const struct follow *fo, size_t k)
{
	const struct facts *f = fo->cur;
	long end = r->st->periods[k].last;
	struct kp_stats_cell *c;
	size_t g;

	if (!fo->present || !f)
		return;
	g = group_of(r, f);
	c = &r->st->cells[g][k];
	if (f->status == ST_AKTIV)
		count_add(&c->active, r->plan, 1);
	if (f->status == ST_KLADDE)
		count_add(&c->drafts, r->plan, 1);
	/* As kiplan due --today END: overdue is before that day. */
	if (f->followup != NODATE && f->followup < end)
		count_add(&c->overdue, r->plan, 1);
	if (f->guarantee != NODATE && f->guarantee < end)
		count_add(&c->guarantee_overdue, r->plan, 1);
}

/*
 * Each follow-up meeting counts once, when an entry of moeder is first
 * seen at its position: a date corrected later is not a new meeting.
 */
static void meetings(struct run *r, struct follow *fo, const struct facts *f,
		     long day)
{
	size_t i, j;

	for (i = fo->moeder; i < f->nmoeder; i++) {
		long prev = f->meeting, limit;
		struct kp_stats_cell *c;

		if (f->closing[i] || f->moeder[i] == NODATE)
			continue;
		for (j = 0; j < i; j++)
			if (f->moeder[j] != NODATE)
				prev = f->moeder[j];
		if (prev == NODATE || !(c = at(r, f, later(f->moeder[i], day))))
			continue;
		limit = kp_date_days(kp_date_add_months(kp_date_from_days(prev),
							FOLLOWUP_MONTHS));
		if (f->moeder[i] <= limit)
			EVENT(r, c, on_time, 1);
		else
			EVENT(r, c, late, 1);
		EVENT(r, c, followups, 1);
	}
	if (f->nmoeder > fo->moeder)
		fo->moeder = f->nmoeder;
}

static void referral(struct run *r, struct follow *fo, const struct facts *f,
		     long day)
{
	struct kp_stats_cell *c;
	long days;

	if (f->referral != NODATE && !fo->referral) {
		fo->referral = 1;
		if ((c = at(r, f, later(f->referral, day))))
			EVENT(r, c, referrals, 1);
	}
	if (f->referral == NODATE || f->treatment == NODATE || fo->treatment)
		return;
	fo->treatment = 1;
	if (!(c = at(r, f, later(f->treatment, day))))
		return;
	days = f->treatment - f->referral;
	EVENT(r, c, treated, 1);
	if (days <= GUARANTEE_DAYS)
		EVENT(r, c, kept, 1);
	else
		EVENT(r, c, missed, 1);
	days_add(&c->referral_days, days);
	days_add(&r->tot->referral_days, days);
}

static void change(struct run *r, struct follow *fo, const struct facts *f,
		   long day)
{
	struct kp_stats_cell *c;

	fo->present = 1;
	if (!f->ok)
		return; /* counted as unreadable; the last version stands */
	c = at(r, f, day);
	if (!fo->seen) {
		fo->seen = 1;
		if (c)
			EVENT(r, c, created, 1);
	}
	if (f->status == ST_AKTIV && fo->status != ST_AKTIV) {
		if (c)
			EVENT(r, c, activated, 1);
		if (!fo->activated && c && f->consent != NODATE &&
		    f->meeting != NODATE) {
			days_add(&c->consent_days, f->meeting - f->consent);
			days_add(&r->tot->consent_days,
				 f->meeting - f->consent);
		}
		fo->activated = 1;
	}
	if (f->status == ST_AFSLUTTET && fo->status != ST_AFSLUTTET && c) {
		EVENT(r, c, closed, 1);
		closed_to(r, c, f->closed_to);
	}
	if (f->withdrawn && !fo->withdrawn && c)
		EVENT(r, c, withdrawn, 1);
	if (f->forloeb != KP_FL_NONE && f->forloeb != fo->forloeb) {
		if (c)
			EVENT(r, c, trans[fo->forloeb][f->forloeb], 1);
		fo->forloeb = f->forloeb;
	}
	meetings(r, fo, f, day);
	referral(r, fo, f, day);
	fo->withdrawn = f->withdrawn;
	fo->status = f->status;
	fo->cur = f;
}

static void follow_plan(struct run *r, size_t plan)
{
	const struct plan *pl = &r->plans.v[plan];
	struct kp_stats *st = r->st;
	struct follow fo;
	size_t i, k = 0;

	memset(&fo, 0, sizeof(fo));
	r->plan = plan;
	for (i = 0; i < pl->len; i++) {
		const struct ev *e = &pl->v[i];
		long day = r->days[e->commit];
		struct kp_stats_cell *c;

		while (k < st->nperiods && st->periods[k].last < day)
			snapshot(r, &fo, k++);
		if (k == st->nperiods)
			return; /* after the last day counted */
		switch (e->kind) {
		case EV_CHANGE: change(r, &fo, &r->facts[e->blob], day); break;
		case EV_DELETE: fo.present = 0; break;
		default:
			if ((c = at(r, fo.cur, day))) {
				EVENT(r, c, sendings, 1);
				EVENT(r, c, recipients, e->blob);
			}
		}
	}
	while (k < st->nperiods)
		snapshot(r, &fo, k++);
}

/* ------------------------------------------------------------------ */
/* The history                                                         */
/* ------------------------------------------------------------------ */

static void parse_blob(void *payload, size_t i, const char *data, size_t len,
		       int worker)
{
	struct run *r = payload;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_plan *plan = NULL;

	(void)worker;
	if (kp_plan_parse(&plan, r->walk->paths[r->blobs.path[i]], data, len,
			  KP_LOAD_FAST, &err) == 0)
		read_facts(&r->facts[i], plan->root);
	kp_plan_free(plan);
}

/* Every plan's events, in the order of the commits. */
static void gather(struct run *r)
{
	const struct kp_walk *w = r->walk;
	size_t c, i;

	r->days = kp_xcalloc(w->ncommits ? w->ncommits : 1, sizeof(*r->days));
	for (c = 0; c < w->ncommits; c++) {
		const struct kp_walk_commit *cm = &w->commits[c];
		const struct kp_walk_change *ch = w->changes + cm->first;

		r->days[c] = commit_day(cm);
		/* Deletions first: a plan moved is one plan. */
		for (i = 0; i < cm->nchanges; i++)
			if (ch[i].deleted)
				plan_add(plan_of_path(&r->plans,
						      w->paths[ch[i].path]),
					 c, EV_DELETE, 0);
		for (i = 0; i < cm->nchanges; i++)
			if (!ch[i].deleted)
				plan_add(plan_of_path(&r->plans,
						      w->paths[ch[i].path]),
					 c, EV_CHANGE,
					 blob_intern(&r->blobs, &ch[i].blob,
						     ch[i].path));
		if (cm->plan_id && cm->recipients)
			plan_add(plan_of(&r->plans, cm->plan_id,
					 strlen(cm->plan_id)),
				 c, EV_SENDING, cm->recipients);
	}
}

/* The first day counted: --from, else the period of the first plan. */
static struct kp_date first_day(const struct run *r)
{
	const struct kp_stats_opts *o = &r->st->opts;
	const struct kp_walk *w = r->walk;
	long to = kp_date_days(o->to), day = to;
	size_t c;

	if (o->have_from)
		return o->from;
	for (c = 0; c < w->ncommits; c++)
		if (w->commits[c].nchanges) {
			day = r->days[c];
			break;
		}
	if (day > to)
		day = to;
	return period_start(kp_date_from_days(day), o->period);
}

static const struct kp_stats *sort_st;

static int by_name(const void *pa, const void *pb)
{
	const char *a = sort_st->groups[*(const size_t *)pa];
	const char *b = sort_st->groups[*(const size_t *)pb];

	if (!a || !b)
		return !a - !b;
	return strcmp(a, b);
}

/* Groups by name, "not given" last. */
static void sort_groups(struct kp_stats *st)
{
	size_t *order = kp_xcalloc(st->ngroups + 1, sizeof(*order)), i;
	char **names = kp_xcalloc(st->ngroups + 1, sizeof(*names));
	struct kp_stats_cell **cells =
		kp_xcalloc(st->ngroups + 1, sizeof(*cells));

	for (i = 0; i < st->ngroups; i++)
		order[i] = i;
	sort_st = st;
	qsort(order, st->ngroups, sizeof(*order), by_name);
	for (i = 0; i < st->ngroups; i++) {
		names[i] = st->groups[order[i]];
		cells[i] = st->cells[order[i]];
	}
	free(st->groups);
	free(st->cells);
	st->groups = names;
	st->cells = cells;
	free(order);
}

static int by_string(const void *pa, const void *pb)
{
	return strcmp(sort_st->strings[*(const size_t *)pa],
		      sort_st->strings[*(const size_t *)pb]);
}

/* Most plans first, then by name, "not given" last. */
static int by_count(const void *pa, const void *pb)
{
	const struct kp_closed_to *a = pa, *b = pb;

	if (a->count.n != b->count.n)
		return a->count.n > b->count.n ? -1 : 1;
	return a->to < b->to ? -1 : a->to > b->to;
}

/* The closing destinations by name; each cell's list by count. */
static void sort_strings(struct kp_stats *st)
{
	size_t *order = kp_xcalloc(st->nstrings + 1, sizeof(*order));
	size_t *rank = kp_xcalloc(st->nstrings + 1, sizeof(*rank));
	char **v = kp_xcalloc(st->nstrings + 1, sizeof(*v));
	size_t i, g, k;

	for (i = 0; i < st->nstrings; i++)
		order[i] = i;
	sort_st = st;
	qsort(order, st->nstrings, sizeof(*order), by_string);
	for (i = 0; i < st->nstrings; i++) {
		v[i] = st->strings[order[i]];
		rank[order[i]] = i;
	}
	free(st->strings);
	st->strings = v;
	for (g = 0; g < st->ngroups; g++)
		for (k = 0; k <= st->nperiods; k++) {
			struct kp_stats_cell *c = &st->cells[g][k];

			for (i = 0; i < c->nclosed_to; i++)
				if (c->closed_to[i].to != (size_t)-1)
					c->closed_to[i].to =
						rank[c->closed_to[i].to];
			if (c->nclosed_to > 1) /* closed_to may be NULL */
				qsort(c->closed_to, c->nclosed_to,
				      sizeof(*c->closed_to), by_count);
		}
	free(order);
	free(rank);
}

static void run_release(struct run *r)
{
	size_t i;

	for (i = 0; r->facts && i < r->blobs.len; i++)
		facts_release(&r->facts[i]);
	free(r->facts);
	free(r->blobs.v);
	free(r->blobs.path);
	index_release(&r->blobs.x);
	for (i = 0; i < r->plans.keys.len; i++) {
		free(r->plans.keys.v[i]);
		free(r->plans.v[i].v);
	}
	free(r->plans.keys.v);
	free(r->plans.v);
	index_release(&r->plans.keys.x);
	for (i = 0; i < r->groups.len; i++)
		free(r->groups.v[i]);
	free(r->groups.v);
	index_release(&r->groups.x);
	free(r->gidx);
	index_release(&r->strings.x); /* the strings go to the stats */
	free(r->days);
	kp_walk_free(r->walk);
}

static void count_unreadable(struct run *r)
{
	struct kp_stats *st = r->st;
	unsigned char *seen = kp_xcalloc(r->walk->npaths + 1, 1);
	size_t i;

	for (i = 0; i < r->blobs.len; i++) {
		if (r->facts[i].ok)
			continue;
		st->unreadable++;
		if (!seen[r->blobs.path[i]]) {
			seen[r->blobs.path[i]] = 1;
			st->unreadable_files++;
		}
	}
	free(seen);
}

int kp_stats_compute(struct kp_stats **out, struct kp_repo *repo,
		     const struct kp_stats_opts *opts, struct kp_error *err)
{
	struct kp_stats *st = kp_xcalloc(1, sizeof(*st));
	struct run r;
	size_t i;
	int error;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	r.st = st;
	r.nullgroup = (size_t)-1;
	st->opts = *opts;
	if ((error = kp_repo_walk(&r.walk, repo, opts->jobs, err)) < 0)
		goto done;
	gather(&r);
	if ((error = make_periods(st, first_day(&r), err)) < 0)
		goto done;
	r.facts = kp_xcalloc(r.blobs.len ? r.blobs.len : 1, sizeof(*r.facts));
	if ((error = kp_repo_blobs(repo, r.blobs.v, r.blobs.len, opts->jobs,
				   parse_blob, &r, err)) < 0)
		goto done;
	count_unreadable(&r);
	if (opts->by == KP_STATS_BY_NONE)
		new_group(&r, NULL);
	for (i = 0; i < r.plans.keys.len; i++)
		follow_plan(&r, i);
	sort_groups(st);
	st->strings = r.strings.v;
	st->nstrings = r.strings.len;
	r.strings.v = NULL;
	sort_strings(st);
	st->plans = r.plans.keys.len;
	st->commits = r.walk->ncommits;
done:
	run_release(&r);
	if (error)
		kp_stats_free(st);
	else
		*out = st;
	return error;
}

size_t kp_stats_unreadable(const struct kp_stats *st, size_t *files)
{
	if (files)
		*files = st->unreadable_files;
	return st->unreadable;
}

static void cell_release(struct kp_stats_cell *c)
{
	free(c->closed_to);
	free(c->consent_days.v);
	free(c->referral_days.v);
}

void kp_stats_free(struct kp_stats *st)
{
	size_t g, k;

	if (!st)
		return;
	for (g = 0; g < st->ngroups; g++) {
		for (k = 0; k <= st->nperiods; k++)
			cell_release(&st->cells[g][k]);
		free(st->cells[g]);
		free(st->groups[g]);
	}
	for (k = 0; k < st->nstrings; k++)
		free(st->strings[k]);
	free(st->strings);
	free(st->groups);
	free(st->cells);
	free(st->periods);
	free(st);
}

/* ------------------------------------------------------------------ */
/* What may be shown                                                   */
/* ------------------------------------------------------------------ */

enum kp_shown kp_stats_count(const struct kp_stats *st,
			     const struct kp_count *c)
{
	return c->plans && c->plans < st->opts.min_cell ? KP_SUPPRESSED
							: KP_SHOWN;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

enum kp_shown kp_stats_median(const struct kp_stats *st,
			      const struct kp_days *d, double *out)
{
	long *v;

	*out = 0;
	if (!d->len)
		return KP_EMPTY;
	if (d->len < st->opts.min_cell)
		return KP_SUPPRESSED;
	v = kp_xmalloc(d->len * sizeof(*v));
	memcpy(v, d->v, d->len * sizeof(*v));
	qsort(v, d->len, sizeof(*v), cmp_long);
	*out = d->len % 2
		       ? (double)v[d->len / 2]
		       : ((double)v[d->len / 2 - 1] + (double)v[d->len / 2]) /
				 2;
	free(v);
	return KP_SHOWN;
}

enum kp_shown kp_stats_share(const struct kp_stats *st,
			     const struct kp_count *part,
			     const struct kp_count *rest, double *out)
{
	*out = 0;
	if (!part->n && !rest->n)
		return KP_EMPTY;
	/* Either count could be worked out from the other and the share. */
	if (kp_stats_count(st, part) == KP_SUPPRESSED ||
	    kp_stats_count(st, rest) == KP_SUPPRESSED)
		return KP_SUPPRESSED;
	*out = (double)part->n / (double)(part->n + rest->n);
	return KP_SHOWN;
}
