/*
 * life.c: the plan over time, as every module reads it: the meetings held
 * (the coordination meeting in moede, the later ones in moeder), the
 * latest of them, from which the six months of §6.2.5 count, and the
 * state of an action.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "i18n.h"
#include "banned.h"

static const char *const act_states[] = { "", "ikke_paabegyndt", "paabegyndt",
					  "gennemfoert", "bortfaldet" };

enum kp_act_state kp_action_state(const struct kp_node *action)
{
	const char *s = kp_node_str(kp_map_get(action, "status"));
	size_t i;

	for (i = 1; s && i < sizeof(act_states) / sizeof(act_states[0]); i++)
		if (strcmp(s, act_states[i]) == 0)
			return (enum kp_act_state)i;
	return KP_ACT_NONE;
}

const char *kp_action_state_name(enum kp_act_state st)
{
	return act_states[st];
}

int kp_action_open(const struct kp_node *action)
{
	enum kp_act_state st = kp_action_state(action);

	return st != KP_ACT_DONE && st != KP_ACT_DROPPED;
}

static int node_date(const struct kp_node *n, struct kp_date *d)
{
	if (!n || n->type != KP_STR)
		return -1;
	return kp_date_parse(d, n->v.str.ptr, n->v.str.len);
}

size_t kp_plan_meetings(struct kp_meeting *out, size_t max,
			const struct kp_node *root)
{
	const struct kp_node *m = kp_map_get(root, "moeder"), *first;
	struct kp_meeting x;
	size_t n = 0, i;

	first = kp_node_at(root, "moede.dato");
	if (node_date(first, &x.date) == 0) {
		x.node = first;
		x.index = -1;
		x.closing = 0;
		if (n < max)
			out[n] = x;
		n++;
	}
	for (i = 0; m && m->type == KP_SEQ && i < m->v.seq.len; i++) {
		const struct kp_node *it = m->v.seq.items[i];
		const struct kp_node *d = kp_map_get(it, "dato");
		const char *type = kp_node_str(kp_map_get(it, "type"));

		if (node_date(d, &x.date) < 0)
			continue;
		x.node = d;
		x.index = (long)i;
		x.closing = type && strcmp(type, "afslutning") == 0;
		if (n < max)
			out[n] = x;
		n++;
	}
	return n;
}

int kp_plan_last_meeting(struct kp_meeting *out, const struct kp_node *root)
{
	const struct kp_node *m = kp_map_get(root, "moeder");
	struct kp_meeting best, x;
	int have;
	size_t i;

	/* The coordination meeting, then each later one that is later. */
	best.node = kp_node_at(root, "moede.dato");
	best.index = -1;
	best.closing = 0;
	have = node_date(best.node, &best.date) == 0;
	for (i = 0; m && m->type == KP_SEQ && i < m->v.seq.len; i++) {
		const struct kp_node *it = m->v.seq.items[i];
		const char *type = kp_node_str(kp_map_get(it, "type"));

		x.node = kp_map_get(it, "dato");
		if (node_date(x.node, &x.date) < 0)
			continue;
		x.index = (long)i;
		x.closing = type && strcmp(type, "afslutning") == 0;
		if (!have || kp_date_cmp(x.date, best.date) >= 0) {
			best = x;
			have = 1;
		}
	}
	if (have)
		*out = best;
	return have ? 0 : -1;
}

void kp_meeting_field(char *out, size_t size, const struct kp_meeting *m)
{
	if (m->index < 0)
		snprintf(out, size, "moede.dato");
	else
		snprintf(out, size, "moeder[%ld].dato", m->index);
}

/* ------------------------------------------------------------------ */
/* A follow-up meeting and a closing, as changes                       */
/* ------------------------------------------------------------------ */

static void put_str(struct kp_doc *doc, struct kp_node *map, const char *key,
		    const char *s)
{
	if (s && *s)
		kp_node_put(doc, map, key, strlen(key), 0, 0,
			    kp_node_new_str(doc, s, strlen(s), 0, 0));
}

/* The meeting of a follow-up or a closing, for moeder. */
static struct kp_node *meeting_node(struct kp_doc *doc,
				    const struct kp_meeting_opts *o,
				    const char *type)
{
	struct kp_node *m = kp_node_new(doc, KP_MAP, 0, 0), *dl, *b;
	char ds[11];
	size_t i;

	kp_date_format(ds, o->date);
	put_str(doc, m, "dato", ds);
	put_str(doc, m, "type", type);
	put_str(doc, m, "form", o->form);
	put_str(doc, m, "sted", o->sted);
	if (o->ndeltagere) {
		dl = kp_node_new(doc, KP_SEQ, 0, 0);
		for (i = 0; i < o->ndeltagere; i++)
			kp_node_append(doc, dl,
				       kp_node_new_str(doc, o->deltagere[i],
						       strlen(o->deltagere[i]),
						       0, 0));
		kp_node_put(doc, m, "deltagere", 9, 0, 0, dl);
	}
	if (o->borger_fravalgt) {
		b = kp_node_new(doc, KP_BOOL, 0, 0);
		b->v.boolean = 1;
		kp_node_put(doc, m, "borger_fravalgt", 15, 0, 0, b);
	}
	put_str(doc, m, "evaluering", o->evaluering);
	return m;
}

/*
 * The plan's status must be aktiv, and the meeting after the latest one.
 */
static int meeting_allowed(const struct kp_node *root,
			   const struct kp_meeting_opts *o, int closing,
			   struct kp_error *err)
{
	const char *st = kp_node_str(kp_map_get(root, "status"));
	struct kp_meeting last;
	char ds[11], ls[11], field[40];

	if (!st || strcmp(st, "aktiv") != 0)
		return kp_error_set(
			err, KP_EINVALID, NULL, 0, 0,
			closing ? _("only an active plan can be closed; this "
				    "one's "
				    "status is '%s'")
				: _("a follow-up meeting belongs to an active "
				    "plan; this one's status is '%s'"),
			st ? st : "");
	if (kp_plan_last_meeting(&last, root) == 0 &&
	    kp_date_cmp(o->date, last.date) <= 0) {
		kp_date_format(ds, o->date);
		kp_date_format(ls, last.date);
		kp_meeting_field(field, sizeof(field), &last);
		return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				    /* TRANSLATORS: the meeting's date, the
				       field of the latest meeting and its
				       date */
				    _("the meeting (%s) must be after the "
				      "latest meeting (%s %s)"),
				    ds, field, ls);
	}
	return 0;
}

/* Call fn for each action of root that is open, with its path. */
static void each_open_action(const struct kp_node *root,
			     void (*fn)(const struct kp_node *act, size_t g,
					size_t a, void *payload),
			     void *payload)
{
	const struct kp_node *maal = kp_map_get(root, "maal");
	size_t g, a;

	for (g = 0; maal && maal->type == KP_SEQ && g < maal->v.seq.len; g++) {
		const struct kp_node *acts =
			kp_map_get(maal->v.seq.items[g], "indsatser");

		for (a = 0; acts && acts->type == KP_SEQ && a < acts->v.seq.len;
		     a++)
			if (acts->v.seq.items[a]->type == KP_MAP &&
			    kp_action_open(acts->v.seq.items[a]))
				fn(acts->v.seq.items[a], g, a, payload);
	}
}

static void add_moved(struct kp_moved_actions *l, size_t g, size_t a,
		      const char *task, const char *was)
{
	struct kp_moved_action *m;

	if (l->len == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 8;
		l->v = kp_xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	m = &l->v[l->len++];
	m->goal = g;
	m->action = a;
	m->task = task ? task : "";
	m->was = was ? was : "";
}

void kp_moved_actions_release(struct kp_moved_actions *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

struct carry {
	struct kp_change *c;
	struct kp_date meeting;
	const char *next;
	struct kp_moved_actions *out;
};

/* An open action whose deadline the meeting has reached moves on. */
static void carry_one(const struct kp_node *act, size_t g, size_t a,
		      void *payload)
{
	struct carry *cy = payload;
	const struct kp_node *fr = kp_map_get(act, "frist");
	struct kp_date d;
	char path[96];

	if (node_date(fr, &d) < 0 || kp_date_cmp(d, cy->meeting) > 0)
		return;
	snprintf(path, sizeof(path), "maal.%zu.indsatser.%zu.frist", g, a);
	kp_change_set_str(cy->c, path, cy->next);
	add_moved(cy->out, g, a, kp_node_str(kp_map_get(act, "opgave")),
		  kp_node_str(fr));
}

int kp_followup_change(struct kp_change *c, struct kp_followup_result *res,
		       const struct kp_plan *plan,
		       const struct kp_meeting_opts *o, const char *next,
		       struct kp_error *err)
{
	const struct kp_node *root = plan->root;
	const struct kp_node *ms = kp_map_get(root, "moeder");
	struct kp_doc *doc = kp_doc_new();
	struct kp_date nd;
	struct carry cy;
	char path[32];
	int error;

	memset(res, 0, sizeof(*res));
	if ((error = meeting_allowed(root, o, 0, err)) < 0)
		goto done;
	if (next) {
		if (kp_date_parse(&nd, next, strlen(next)) < 0) {
			error = kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
					     _("--next: not a date "
					       "(YYYY-MM-DD): '%s'"),
					     next);
			goto done;
		}
	} else {
		/* §6.2.5: at most six months between the meetings. */
		nd = kp_date_add_months(o->date, 6);
	}
	kp_date_format(res->next, nd);
	snprintf(path, sizeof(path), "moeder.%zu",
		 ms && ms->type == KP_SEQ ? ms->v.seq.len : 0);
	kp_change_set(c, path, meeting_node(doc, o, "opfoelgning"));
	kp_change_set_str(c, "opfoelgning.dato", res->next);
	cy.c = c;
	cy.meeting = o->date;
	cy.next = res->next;
	cy.out = &res->carried;
	each_open_action(root, carry_one, &cy);
done:
	kp_doc_free(doc);
	return error;
}

struct closing {
	struct kp_change *c;
	const char *date;
	int done; /* close open actions as done, not dropped */
	struct kp_close_result *res;
};

static void close_one(const struct kp_node *act, size_t g, size_t a,
		      void *payload)
{
	struct closing *cl = payload;
	char path[96];

	/* A state set in the same change (--set) is the person's. */
	snprintf(path, sizeof(path), "maal.%zu.indsatser.%zu.status", g, a);
	if (kp_change_sets(cl->c, path))
		return;
	kp_change_set_str(cl->c, path, cl->done ? "gennemfoert" : "bortfaldet");
	snprintf(path, sizeof(path), "maal.%zu.indsatser.%zu.status_dato", g,
		 a);
	kp_change_set_str(cl->c, path, cl->date);
	add_moved(cl->done ? &cl->res->done : &cl->res->dropped, g, a,
		  kp_node_str(kp_map_get(act, "opgave")),
		  kp_node_str(kp_map_get(act, "status")));
}

int kp_close_change(struct kp_change *c, struct kp_close_result *res,
		    const struct kp_plan *plan, const struct kp_meeting_opts *o,
		    const char *reason, const char *to, int all_done,
		    struct kp_error *err)
{
	const struct kp_node *root = plan->root;
	const struct kp_node *ms = kp_map_get(root, "moeder");
	struct kp_doc *doc = kp_doc_new();
	struct kp_node *a;
	struct closing cl;
	char ds[11], path[32];
	int error;

	memset(res, 0, sizeof(*res));
	if ((error = meeting_allowed(root, o, 1, err)) < 0)
		goto done;
	kp_date_format(ds, o->date);
	kp_change_set_str(c, "status", "afsluttet");
	a = kp_node_new(doc, KP_MAP, 0, 0);
	put_str(doc, a, "dato", ds);
	put_str(doc, a, "aarsag", reason);
	put_str(doc, a, "til", to);
	kp_change_set(c, "afslutning", a);
	/* The closing meeting (Region Syddanmark 2024). */
	snprintf(path, sizeof(path), "moeder.%zu",
		 ms && ms->type == KP_SEQ ? ms->v.seq.len : 0);
	kp_change_set(c, path, meeting_node(doc, o, "afslutning"));
	/* A closed plan has no next follow-up. */
	kp_change_remove(c, "opfoelgning.dato");
	cl.c = c;
	cl.date = ds;
	cl.done = all_done;
	cl.res = res;
	each_open_action(root, close_one, &cl);
done:
	kp_doc_free(doc);
	return error;
}
