/*
 * diff.c: what changed between two revisions of a plan, in the plan's
 * own terms: a goal added, an action done, the follow-up moved, a
 * participant joined, a meeting held, the plan closed.  Goals are
 * matched by title, then by place; actions within a goal by task, then
 * by place; participants by name; challenges by text.  What has no term
 * of its own is a field that changed, by its path.
 *
 * Each change is data (kind, path, subject, old and new value); it is
 * worded twice: for the person at the terminal in their language
 * (kp_diff_text(), gettext), and in Danish for the documents and the
 * machine formats (kp_diff_text_da()), the same in every locale.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/check.h"
#include "i18n.h"
#include "banned.h"

/* ------------------------------------------------------------------ */
/* The list                                                            */
/* ------------------------------------------------------------------ */

static struct kp_diff_item *add(struct kp_diff *d, enum kp_diff_kind kind,
				const char *path, const char *subject,
				const char *from, const char *to, unsigned goal)
{
	struct kp_diff_item *it;

	if (d->len == d->alloc) {
		d->alloc = d->alloc ? 2 * d->alloc : 16;
		d->v = kp_xrealloc(d->v, d->alloc * sizeof(*d->v));
	}
	it = &d->v[d->len++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->path = kp_xstrdup(path ? path : "");
	it->subject = subject ? kp_xstrdup(subject) : NULL;
	it->from = from ? kp_xstrdup(from) : NULL;
	it->to = to ? kp_xstrdup(to) : NULL;
	it->goal = goal;
	return it;
}

void kp_diff_release(struct kp_diff *d)
{
	size_t i;

	for (i = 0; i < d->len; i++) {
		free(d->v[i].path);
		free(d->v[i].subject);
		free(d->v[i].from);
		free(d->v[i].to);
		free(d->v[i].extra);
		free(d->v[i].label);
		free(d->v[i].from_label);
		free(d->v[i].to_label);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* ------------------------------------------------------------------ */
/* Comparing                                                           */
/* ------------------------------------------------------------------ */

static const char *str(const struct kp_node *n, const char *key)
{
	return kp_node_str(kp_map_get(n, key));
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static size_t seq_len(const struct kp_node *n)
{
	return n && n->type == KP_SEQ ? n->v.seq.len : 0;
}

static const struct kp_node *item(const struct kp_node *n, size_t i)
{
	return i < seq_len(n) ? n->v.seq.items[i] : NULL;
}

/*
 * Pair the items of a and b: first those whose key (key(item)) is the
 * same, then the rest by place.  match[i] is the index in b of a's item
 * i, or -1 when it went.
 */
static void pair(long *match, const struct kp_node *a, const struct kp_node *b,
		 const char *(*key)(const struct kp_node *))
{
	size_t na = seq_len(a), nb = seq_len(b), i, j;
	char *used = kp_xcalloc(nb + 1, 1);

	for (i = 0; i < na; i++) {
		match[i] = -1;
		for (j = 0; j < nb; j++)
			if (!used[j] && key(item(a, i)) &&
			    same_str(key(item(a, i)), key(item(b, j)))) {
				match[i] = (long)j;
				used[j] = 1;
				break;
			}
	}
	/* Unmatched by key: by place, when that place is free. */
	for (i = 0; i < na; i++)
		if (match[i] < 0 && i < nb && !used[i]) {
			match[i] = (long)i;
			used[i] = 1;
		}
	free(used);
}

static const char *goal_key(const struct kp_node *g)
{
	return str(g, "titel");
}

static const char *action_key(const struct kp_node *a)
{
	return str(a, "opgave");
}

static const char *name_key(const struct kp_node *p)
{
	return str(p, "navn");
}

static const char *text_key(const struct kp_node *s)
{
	return kp_node_str(s);
}

/* A scalar as text for a change: strings as they are, others as JSON. */
static char *scalar_text(const struct kp_node *n)
{
	struct kp_buf b = KP_BUF_INIT;

	if (!n || n->type == KP_NULL)
		return NULL;
	if (n->type == KP_STR)
		kp_buf_add(&b, n->v.str.ptr, n->v.str.len);
	else
		kp_json_write(&b, n);
	return kp_buf_detach(&b, NULL);
}

static void add_nodes(struct kp_diff *d, enum kp_diff_kind kind,
		      const char *path, const char *subject,
		      const struct kp_node *from, const struct kp_node *to,
		      unsigned goal)
{
	char *f = scalar_text(from), *t = scalar_text(to);

	add(d, kind, path, subject, f, t, goal);
	free(f);
	free(t);
}

static int is_coll(const struct kp_node *n)
{
	return n && (n->type == KP_MAP || n->type == KP_SEQ);
}

static const struct kp_node empty_map = { .type = KP_MAP };
static const struct kp_node empty_seq = { .type = KP_SEQ };

/*
 * Any field, compared leaf by leaf: a scalar changed, added or removed
 * is one KP_DIFF_FIELD at its path; lists are compared by place.
 */
static void fields(struct kp_diff *d, struct kp_buf *path,
		   const struct kp_node *a, const struct kp_node *b)
{
	size_t len = path->len, i, n;

	if ((!a || a->type == KP_NULL) && (!b || b->type == KP_NULL))
		return;
	if (a && b && kp_node_equal(a, b))
		return;
	if (a && b && a->type == KP_MAP && b->type == KP_MAP) {
		for (i = 0; i < a->v.map.len; i++) {
			const struct kp_pair *p = &a->v.map.pairs[i];

			kp_buf_addf(path, "%s%s", len ? "." : "", p->key);
			fields(d, path, p->value, kp_map_get(b, p->key));
			kp_buf_setlen(path, len);
		}
		for (i = 0; i < b->v.map.len; i++) {
			const struct kp_pair *p = &b->v.map.pairs[i];

			if (kp_map_get(a, p->key))
				continue;
			kp_buf_addf(path, "%s%s", len ? "." : "", p->key);
			fields(d, path, NULL, p->value);
			kp_buf_setlen(path, len);
		}
		return;
	}
	if (a && b && a->type == KP_SEQ && b->type == KP_SEQ) {
		n = a->v.seq.len > b->v.seq.len ? a->v.seq.len : b->v.seq.len;
		for (i = 0; i < n; i++) {
			kp_buf_addf(path, "[%zu]", i);
			fields(d, path, item(a, i), item(b, i));
			kp_buf_setlen(path, len);
		}
		return;
	}
	/* A structure that came or went: its fields, one by one. */
	if ((!a || a->type == KP_NULL) && is_coll(b)) {
		fields(d, path, b->type == KP_MAP ? &empty_map : &empty_seq, b);
		return;
	}
	if ((!b || b->type == KP_NULL) && is_coll(a)) {
		fields(d, path, a, a->type == KP_MAP ? &empty_map : &empty_seq);
		return;
	}
	if (is_coll(a) || is_coll(b)) {
		/* A structure in place of a value: one change for it. */
		add(d, KP_DIFF_FIELD, path->buf, NULL, NULL, NULL, 0);
		return;
	}
	add_nodes(d, KP_DIFF_FIELD, path->buf, NULL, a, b, 0);
}

/* An action's state by its name; NULL when it has none. */
static const char *state_or_null(const struct kp_node *action)
{
	enum kp_act_state st = kp_action_state(action);

	return st == KP_ACT_NONE ? NULL : kp_action_state_name(st);
}

static void actions(struct kp_diff *d, const struct kp_node *ga,
		    const struct kp_node *gb, size_t ia, size_t ib)
{
	static const char *const other[] = { "opgave", "succeskriterier",
					     "ansvarlig", "tidsplan",
					     "forloeb" };
	const struct kp_node *a = kp_map_get(ga, "indsatser");
	const struct kp_node *b = kp_map_get(gb, "indsatser");
	size_t na = seq_len(a), nb = seq_len(b), i, j, k;
	long *m = kp_xcalloc(na + 1, sizeof(*m));
	char *seen = kp_xcalloc(nb + 1, 1);
	char path[96];

	pair(m, a, b, action_key);
	for (i = 0; i < na; i++) {
		const struct kp_node *x = item(a, i), *y;
		struct kp_buf changed = KP_BUF_INIT;

		if (m[i] < 0) {
			snprintf(path, sizeof(path), "maal[%zu].indsatser[%zu]",
				 ia, i);
			add(d, KP_DIFF_ACTION_REMOVED, path, action_key(x),
			    NULL, NULL, (unsigned)ia + 1);
			continue;
		}
		j = (size_t)m[i];
		seen[j] = 1;
		y = item(b, j);
		if (kp_action_state(x) != kp_action_state(y)) {
			snprintf(path, sizeof(path),
				 "maal[%zu].indsatser[%zu].status", ib, j);
			add(d, KP_DIFF_ACTION_STATE, path, action_key(y),
			    state_or_null(x), state_or_null(y),
			    (unsigned)ib + 1);
		}
		if (!same_str(str(x, "frist"), str(y, "frist"))) {
			snprintf(path, sizeof(path),
				 "maal[%zu].indsatser[%zu].frist", ib, j);
			add(d, KP_DIFF_ACTION_DEADLINE, path, action_key(y),
			    str(x, "frist"), str(y, "frist"), (unsigned)ib + 1);
		}
		for (k = 0; k < sizeof(other) / sizeof(other[0]); k++) {
			const struct kp_node *p = kp_map_get(x, other[k]);
			const struct kp_node *q = kp_map_get(y, other[k]);

			if ((!p && !q) || (p && q && kp_node_equal(p, q)))
				continue;
			kp_buf_addf(&changed, "%s%s", changed.len ? ", " : "",
				    other[k]);
		}
		if (changed.len) {
			snprintf(path, sizeof(path), "maal[%zu].indsatser[%zu]",
				 ib, j);
			add(d, KP_DIFF_ACTION_CHANGED, path, action_key(y),
			    NULL, changed.buf, (unsigned)ib + 1);
		}
		kp_buf_release(&changed);
	}
	for (j = 0; j < nb; j++) {
		if (seen[j])
			continue;
		snprintf(path, sizeof(path), "maal[%zu].indsatser[%zu]", ib, j);
		add(d, KP_DIFF_ACTION_ADDED, path, action_key(item(b, j)), NULL,
		    NULL, (unsigned)ib + 1);
	}
	free(m);
	free(seen);
}

static void goals(struct kp_diff *d, const struct kp_node *a,
		  const struct kp_node *b)
{
	size_t na = seq_len(a), nb = seq_len(b), i, j;
	long *m = kp_xcalloc(na + 1, sizeof(*m));
	char *seen = kp_xcalloc(nb + 1, 1);
	char path[64];

	pair(m, a, b, goal_key);
	for (i = 0; i < na; i++) {
		const struct kp_node *x = item(a, i), *y;

		if (m[i] < 0) {
			snprintf(path, sizeof(path), "maal[%zu]", i);
			add(d, KP_DIFF_GOAL_REMOVED, path, goal_key(x), NULL,
			    NULL, (unsigned)i + 1);
			continue;
		}
		j = (size_t)m[i];
		seen[j] = 1;
		y = item(b, j);
		snprintf(path, sizeof(path), "maal[%zu]", j);
		if (!same_str(goal_key(x), goal_key(y)))
			add(d, KP_DIFF_GOAL_RENAMED, path, goal_key(y),
			    goal_key(x), goal_key(y), (unsigned)j + 1);
		if (!same_str(str(x, "beskrivelse"), str(y, "beskrivelse")))
			add(d, KP_DIFF_GOAL_CHANGED, path, goal_key(y), NULL,
			    "beskrivelse", (unsigned)j + 1);
		actions(d, x, y, i, j);
	}
	for (j = 0; j < nb; j++)
		if (!seen[j]) {
			snprintf(path, sizeof(path), "maal[%zu]", j);
			add(d, KP_DIFF_GOAL_ADDED, path, goal_key(item(b, j)),
			    NULL, NULL, (unsigned)j + 1);
			actions(d, NULL, item(b, j), j, j);
		}
	free(m);
	free(seen);
}

static void participants(struct kp_diff *d, const struct kp_node *a,
			 const struct kp_node *b)
{
	size_t na = seq_len(a), nb = seq_len(b), i, j;
	char path[64];
	int found;

	for (i = 0; i < na; i++) {
		const struct kp_node *x = item(a, i);

		for (found = 0, j = 0; j < nb && !found; j++) {
			const struct kp_node *y = item(b, j);
			struct kp_buf changed = KP_BUF_INIT;
			size_t k;

			if (!name_key(x) || !name_key(y) ||
			    strcasecmp(name_key(x), name_key(y)) != 0)
				continue;
			found = 1;
			for (k = 0; x->type == KP_MAP && k < x->v.map.len; k++)
				if (!kp_map_get(y, x->v.map.pairs[k].key) ||
				    !kp_node_equal(
					    x->v.map.pairs[k].value,
					    kp_map_get(y,
						       x->v.map.pairs[k].key)))
					kp_buf_addf(&changed, "%s%s",
						    changed.len ? ", " : "",
						    x->v.map.pairs[k].key);
			for (k = 0; y->type == KP_MAP && k < y->v.map.len; k++)
				if (!kp_map_get(x, y->v.map.pairs[k].key))
					kp_buf_addf(&changed, "%s%s",
						    changed.len ? ", " : "",
						    y->v.map.pairs[k].key);
			if (changed.len) {
				snprintf(path, sizeof(path), "deltagere[%zu]",
					 j);
				add(d, KP_DIFF_PARTICIPANT_CHANGED, path,
				    name_key(y), NULL, changed.buf, 0);
			}
			kp_buf_release(&changed);
		}
		if (!found) {
			snprintf(path, sizeof(path), "deltagere[%zu]", i);
			add(d, KP_DIFF_LEFT, path, name_key(x), NULL, NULL, 0);
		}
	}
	for (j = 0; j < nb; j++) {
		const struct kp_node *y = item(b, j);

		for (found = 0, i = 0; i < na && !found; i++)
			found = name_key(y) && name_key(item(a, i)) &&
				strcasecmp(name_key(y), name_key(item(a, i))) ==
					0;
		if (!found) {
			snprintf(path, sizeof(path), "deltagere[%zu]", j);
			add(d, KP_DIFF_JOINED, path, name_key(y), NULL, NULL,
			    0);
		}
	}
}

/* The same text in a list of scalars, anywhere. */
static int has_text(const struct kp_node *list, const char *s)
{
	size_t i;

	for (i = 0; s && i < seq_len(list); i++)
		if (same_str(text_key(item(list, i)), s))
			return 1;
	return 0;
}

static void challenges(struct kp_diff *d, const struct kp_node *a,
		       const struct kp_node *b)
{
	char path[64];
	size_t i;

	for (i = 0; i < seq_len(b); i++)
		if (!has_text(a, text_key(item(b, i)))) {
			snprintf(path, sizeof(path), "udfordringer[%zu]", i);
			add(d, KP_DIFF_CHALLENGE_ADDED, path,
			    text_key(item(b, i)), NULL, NULL, 0);
		}
	for (i = 0; i < seq_len(a); i++)
		if (!has_text(b, text_key(item(a, i)))) {
			snprintf(path, sizeof(path), "udfordringer[%zu]", i);
			add(d, KP_DIFF_CHALLENGE_REMOVED, path,
			    text_key(item(a, i)), NULL, NULL, 0);
		}
}

/* A meeting of b that a does not have (by date and type). */
static int has_meeting(const struct kp_node *list, const struct kp_node *m)
{
	size_t i;

	for (i = 0; i < seq_len(list); i++)
		if (same_str(str(item(list, i), "dato"), str(m, "dato")) &&
		    same_str(str(item(list, i), "type"), str(m, "type")))
			return 1;
	return 0;
}

static void meetings(struct kp_diff *d, const struct kp_node *a,
		     const struct kp_node *b)
{
	char path[64];
	size_t i;

	for (i = 0; i < seq_len(b); i++) {
		const struct kp_node *m = item(b, i);

		if (has_meeting(a, m))
			continue;
		snprintf(path, sizeof(path), "moeder[%zu]", i);
		add(d, KP_DIFF_MEETING, path,
		    str(m, "type") ? str(m, "type") : "opfoelgning", NULL,
		    str(m, "dato"), 0)
			->extra =
			str(m, "form") ? kp_xstrdup(str(m, "form")) : NULL;
	}
}

/* The top-level keys that have terms of their own above. */
static int has_terms(const char *key)
{
	static const char *const keys[] = { "status",	    "afslutning",
					    "moeder",	    "opfoelgning",
					    "maal",	    "deltagere",
					    "udfordringer", "kiplan" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i]) == 0)
			return 1;
	return 0;
}

/* "maal[0].indsatser[1].frist" as the schema's "maal/[]/indsatser/[]/frist". */
static void schema_path(struct kp_buf *b, const char *path)
{
	kp_buf_reset(b);
	for (; *path; path++) {
		if (*path == '.') {
			kp_buf_addch(b, '/');
		} else if (*path == '[') {
			kp_buf_addstr(b, "/[]");
			while (*path && *path != ']')
				path++;
			if (!*path)
				break;
		} else {
			kp_buf_addch(b, *path);
		}
	}
}

/* A value's title by the schema; yes and no for booleans. */
static char *value_label(const struct kp_schema *s, const char *path,
			 const char *v)
{
	const char *t = kp_schema_value_title(s, path, v);

	if (!t && v && strcmp(v, "true") == 0)
		t = "ja";
	else if (!t && v && strcmp(v, "false") == 0)
		t = "nej";
	return t ? kp_xstrdup(t) : NULL;
}

/*
 * The title of the field at path, without the full stop of a title that
 * is a sentence (grundlag.psykiatri's; "Cpr. nr." keeps its own).
 */
static char *field_title(const struct kp_schema *s, const char *path)
{
	const char *t = kp_schema_title(s, path);
	size_t n = t ? strlen(t) : 0;

	if (!n)
		return NULL;
	if (n > 20 && t[n - 1] == '.')
		n--;
	return kp_xstrndup(t, n);
}

/* The Danish titles of the fields that have no term of their own. */
static void label_fields(struct kp_diff *d)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *s = NULL;
	struct kp_buf p = KP_BUF_INIT;
	size_t i;

	for (i = 0; i < d->len; i++) {
		struct kp_diff_item *it = &d->v[i];

		if (it->kind != KP_DIFF_FIELD)
			continue;
		if (!s && kp_schema_builtin(&s, &err) < 0)
			break;
		schema_path(&p, it->path);
		it->label = field_title(s, p.buf);
		it->from_label = value_label(s, p.buf, it->from);
		it->to_label = value_label(s, p.buf, it->to);
	}
	kp_schema_free(s);
	kp_buf_release(&p);
}

void kp_diff_plans(struct kp_diff *out, const struct kp_plan *pa,
		   const struct kp_plan *pb)
{
	const struct kp_node *a = pa->root, *b = pb->root;
	const struct kp_node *ca = kp_map_get(a, "afslutning");
	const struct kp_node *cb = kp_map_get(b, "afslutning");
	struct kp_node *ra, *rb;
	struct kp_doc *doc = kp_doc_new();
	struct kp_buf path = KP_BUF_INIT;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (cb && !ca)
		add(out, KP_DIFF_CLOSED, "afslutning", str(cb, "aarsag"), NULL,
		    str(cb, "dato"), 0)
			->extra =
			str(cb, "til") ? kp_xstrdup(str(cb, "til")) : NULL;
	else if (!same_str(str(a, "status"), str(b, "status")))
		add(out, KP_DIFF_STATUS, "status", NULL, str(a, "status"),
		    str(b, "status"), 0);
	meetings(out, kp_map_get(a, "moeder"), kp_map_get(b, "moeder"));
	/* A closing ends the follow-ups: that needs no word of its own. */
	if (!same_str(kp_node_str(kp_node_at(a, "opfoelgning.dato")),
		      kp_node_str(kp_node_at(b, "opfoelgning.dato"))) &&
	    !(cb && !ca && !kp_node_at(b, "opfoelgning.dato")))
		add(out, KP_DIFF_FOLLOWUP, "opfoelgning.dato", NULL,
		    kp_node_str(kp_node_at(a, "opfoelgning.dato")),
		    kp_node_str(kp_node_at(b, "opfoelgning.dato")), 0);
	goals(out, kp_map_get(a, "maal"), kp_map_get(b, "maal"));
	participants(out, kp_map_get(a, "deltagere"),
		     kp_map_get(b, "deltagere"));
	challenges(out, kp_map_get(a, "udfordringer"),
		   kp_map_get(b, "udfordringer"));
	/*
	 * Everything else, field by field: the rest of opfoelgning
	 * (evaluering), a closing changed afterwards, and the fields with
	 * no term of their own.
	 */
	ra = kp_node_new(doc, KP_MAP, 0, 0);
	rb = kp_node_new(doc, KP_MAP, 0, 0);
	for (i = 0; a->type == KP_MAP && i < a->v.map.len; i++)
		if (!has_terms(a->v.map.pairs[i].key))
			kp_node_put(doc, ra, a->v.map.pairs[i].key,
				    a->v.map.pairs[i].keylen, 0, 0,
				    a->v.map.pairs[i].value);
	for (i = 0; b->type == KP_MAP && i < b->v.map.len; i++)
		if (!has_terms(b->v.map.pairs[i].key))
			kp_node_put(doc, rb, b->v.map.pairs[i].key,
				    b->v.map.pairs[i].keylen, 0, 0,
				    b->v.map.pairs[i].value);
	kp_buf_addstr(&path, "opfoelgning.evaluering");
	fields(out, &path, kp_node_at(a, "opfoelgning.evaluering"),
	       kp_node_at(b, "opfoelgning.evaluering"));
	kp_buf_reset(&path);
	if (ca && cb) {
		kp_buf_addstr(&path, "afslutning");
		fields(out, &path, ca, cb);
		kp_buf_reset(&path);
	}
	fields(out, &path, ra, rb);
	if (pa->body_len != pb->body_len ||
	    memcmp(pa->body, pb->body, pa->body_len) != 0)
		add(out, KP_DIFF_NOTES, "", NULL, NULL, NULL, 0);
	label_fields(out);
	kp_buf_release(&path);
	kp_doc_free(doc);
}

/* ------------------------------------------------------------------ */
/* Words                                                               */
/* ------------------------------------------------------------------ */

#define SHORT_MAX 70

/* The first line of s, at most SHORT_MAX characters, with an ellipsis. */
static const char *shorten(struct kp_buf *b, const char *s)
{
	int whole;
	size_t n;

	kp_buf_reset(b);
	if (!s)
		return "";
	n = kp_text_shorten(s, SHORT_MAX, &whole);
	kp_buf_add(b, s, n);
	if (!whole)
		kp_buf_addstr(b, "\xe2\x80\xa6");
	return b->buf;
}

static const char *const months[] = { "januar",	 "februar",  "marts",
				      "april",	 "maj",	     "juni",
				      "juli",	 "august",   "september",
				      "oktober", "november", "december" };

/* "1. oktober 2014" for a date, anything else as it is. */
static const char *da_date(struct kp_buf *b, const char *iso)
{
	struct kp_date d;

	kp_buf_reset(b);
	if (iso && kp_date_parse(&d, iso, strlen(iso)) == 0)
		kp_buf_addf(b, "%d. %s %d", d.d, months[d.m - 1], d.y);
	else
		kp_buf_addstr(b, iso ? iso : "");
	return b->buf;
}

/* A value worth showing: one line, not long, not a CPR number. */
static int showable(const struct kp_diff_item *it, const char *v)
{
	return v && !strchr(v, '\n') && strlen(v) <= 60 &&
	       !strstr(it->path, "cpr");
}

void kp_diff_text(struct kp_buf *out, const struct kp_diff_item *it)
{
	struct kp_buf s = KP_BUF_INIT;
	const char *subj = shorten(&s, it->subject);
	size_t start = out->len;

	switch (it->kind) {
	case KP_DIFF_STATUS:
		kp_buf_addf(out, _("Status changed from %s to %s"),
			    it->from ? it->from : "-", it->to ? it->to : "-");
		break;
	case KP_DIFF_CLOSED:
		if (it->subject)
			/* TRANSLATORS: the closing date and the reason */
			kp_buf_addf(out, _("Plan closed on %s: %s"), it->to,
				    subj);
		else
			kp_buf_addf(out, _("Plan closed on %s"), it->to);
		break;
	case KP_DIFF_MEETING:
		if (strcmp(it->subject, "afslutning") == 0)
			kp_buf_addf(out, _("Closing meeting held on %s"),
				    it->to);
		else
			kp_buf_addf(out, _("Follow-up meeting held on %s"),
				    it->to);
		break;
	case KP_DIFF_FOLLOWUP:
		if (it->from && it->to)
			kp_buf_addf(out, _("Follow-up moved from %s to %s"),
				    it->from, it->to);
		else if (it->to)
			kp_buf_addf(out, _("Follow-up set to %s"), it->to);
		else
			kp_buf_addf(out, _("Follow-up removed (was %s)"),
				    it->from);
		break;
	case KP_DIFF_GOAL_ADDED:
		/* TRANSLATORS: the goal's number (from 1), its title */
		kp_buf_addf(out, _("Goal %u added: %s"), it->goal, subj);
		break;
	case KP_DIFF_GOAL_REMOVED:
		kp_buf_addf(out, _("Goal %u removed: %s"), it->goal, subj);
		break;
	case KP_DIFF_GOAL_RENAMED:
		kp_buf_addf(out, _("Goal %u renamed: %s"), it->goal, subj);
		break;
	case KP_DIFF_GOAL_CHANGED:
		kp_buf_addf(out, _("Goal %u changed (%s): %s"), it->goal,
			    it->to, subj);
		break;
	case KP_DIFF_ACTION_ADDED:
		/* TRANSLATORS: the action's task, the goal's number */
		kp_buf_addf(out, _("Action \"%s\" added to goal %u"), subj,
			    it->goal);
		break;
	case KP_DIFF_ACTION_REMOVED:
		kp_buf_addf(out, _("Action \"%s\" removed"), subj);
		break;
	case KP_DIFF_ACTION_STATE:
		if (!it->to)
			kp_buf_addf(out, _("Action \"%s\" open again"), subj);
		else if (strcmp(it->to, "gennemfoert") == 0)
			kp_buf_addf(out, _("Action \"%s\" done"), subj);
		else if (strcmp(it->to, "bortfaldet") == 0)
			kp_buf_addf(out, _("Action \"%s\" dropped"), subj);
		else if (strcmp(it->to, "paabegyndt") == 0)
			kp_buf_addf(out, _("Action \"%s\" started"), subj);
		else
			kp_buf_addf(out, _("Action \"%s\" not started"), subj);
		break;
	case KP_DIFF_ACTION_DEADLINE:
		if (it->from && it->to)
			kp_buf_addf(out,
				    /* TRANSLATORS: the task, two dates */
				    _("Deadline of action \"%s\" moved from "
				      "%s to %s"),
				    subj, it->from, it->to);
		else if (it->to)
			kp_buf_addf(out,
				    _("Deadline of action \"%s\" set to %s"),
				    subj, it->to);
		else
			kp_buf_addf(out, _("Deadline of action \"%s\" removed"),
				    subj);
		break;
	case KP_DIFF_ACTION_CHANGED:
		/* TRANSLATORS: the task, then the fields changed */
		kp_buf_addf(out, _("Action \"%s\" changed (%s)"), subj, it->to);
		break;
	case KP_DIFF_JOINED: kp_buf_addf(out, _("%s joined"), subj); break;
	case KP_DIFF_LEFT: kp_buf_addf(out, _("%s left"), subj); break;
	case KP_DIFF_PARTICIPANT_CHANGED:
		/* TRANSLATORS: a participant's name, the fields changed */
		kp_buf_addf(out, _("Participant %s changed (%s)"), subj,
			    it->to);
		break;
	case KP_DIFF_CHALLENGE_ADDED:
		kp_buf_addf(out, _("Challenge added: %s"), subj);
		break;
	case KP_DIFF_CHALLENGE_REMOVED:
		kp_buf_addf(out, _("Challenge removed: %s"), subj);
		break;
	case KP_DIFF_FIELD:
		if (showable(it, it->from) && showable(it, it->to))
			/* TRANSLATORS: a field, its old and new value */
			kp_buf_addf(out, _("%s changed from %s to %s"),
				    it->path, it->from, it->to);
		else if (!it->from && showable(it, it->to))
			kp_buf_addf(out, _("%s set to %s"), it->path, it->to);
		else if (!it->to && showable(it, it->from))
			kp_buf_addf(out, _("%s removed (was %s)"), it->path,
				    it->from);
		else
			kp_buf_addf(out, _("%s changed"), it->path);
		break;
	case KP_DIFF_NOTES: kp_buf_addstr(out, _("The notes changed")); break;
	}
	/* Whatever field a CPR number was typed into. */
	kp_cpr_mask_text(out->buf + start);
	kp_buf_release(&s);
}

/* The Danish word of a state, for documents. */
static const char *da_state(const char *st)
{
	if (!st)
		return "åben igen";
	if (strcmp(st, "gennemfoert") == 0)
		return "gennemført";
	if (strcmp(st, "bortfaldet") == 0)
		return "bortfaldet";
	if (strcmp(st, "paabegyndt") == 0)
		return "påbegyndt";
	return "ikke påbegyndt";
}

/* A value in the words of the documents: its title, or a long date. */
static const char *da_value(struct kp_buf *b, const char *v, const char *label)
{
	if (label) {
		kp_buf_reset(b);
		kp_buf_addstr(b, label);
		return b->buf;
	}
	return da_date(b, v);
}

/*
 * A field with no term of its own, by its title when the schema gives
 * one ("Mødeform er ændret fra Fysisk fremmøde til Telefonmøde"), else
 * by its path.  The citizen's own data by name only: the letter goes to
 * every party.
 */
static void field_da(struct kp_buf *out, const struct kp_diff_item *it)
{
	struct kp_buf f = KP_BUF_INIT, t = KP_BUF_INIT;
	const char *name = it->label ? it->label : it->path;

	if (strncmp(it->path, "borger.", 7) == 0) {
		if (it->label)
			kp_buf_addf(out, "Borgerens oplysninger er ændret: %s",
				    name);
		else
			kp_buf_addf(out, "%s er ændret", name);
	} else if (showable(it, it->from) && showable(it, it->to)) {
		kp_buf_addf(out, "%s er ændret fra %s til %s", name,
			    da_value(&f, it->from, it->from_label),
			    da_value(&t, it->to, it->to_label));
	} else if (!it->from && showable(it, it->to)) {
		kp_buf_addf(out, "%s: %s", name,
			    da_value(&t, it->to, it->to_label));
	} else if (!it->to && it->from) {
		kp_buf_addf(out, "%s er fjernet", name);
	} else {
		kp_buf_addf(out, "%s er ændret", name);
	}
	kp_buf_release(&f);
	kp_buf_release(&t);
}

void kp_diff_text_da(struct kp_buf *out, const struct kp_diff_item *it)
{
	struct kp_buf s = KP_BUF_INIT, d1 = KP_BUF_INIT, d2 = KP_BUF_INIT;
	const char *subj = shorten(&s, it->subject);
	size_t start = out->len;

	switch (it->kind) {
	case KP_DIFF_STATUS:
		kp_buf_addf(out, "Status ændret fra %s til %s",
			    it->from ? it->from : "-", it->to ? it->to : "-");
		break;
	case KP_DIFF_CLOSED:
		kp_buf_addf(out, "Planen er afsluttet %s",
			    da_date(&d1, it->to));
		if (it->subject)
			kp_buf_addf(out, ": %s", subj);
		if (it->extra)
			kp_buf_addf(out, " (afsluttet til %s)", it->extra);
		break;
	case KP_DIFF_MEETING:
		kp_buf_addf(out, "%s holdt %s",
			    strcmp(it->subject, "afslutning") == 0
				    ? "Afsluttende møde"
				    : "Opfølgende møde",
			    da_date(&d1, it->to));
		break;
	case KP_DIFF_FOLLOWUP:
		if (it->from && it->to)
			kp_buf_addf(
				out, "Opfølgningen er flyttet fra %s til %s",
				da_date(&d1, it->from), da_date(&d2, it->to));
		else if (it->to)
			kp_buf_addf(out, "Næste opfølgning er %s",
				    da_date(&d1, it->to));
		else
			kp_buf_addstr(out, "Der er ingen næste opfølgning");
		break;
	case KP_DIFF_GOAL_ADDED:
		kp_buf_addf(out, "Mål %u tilføjet: %s", it->goal, subj);
		break;
	case KP_DIFF_GOAL_REMOVED:
		kp_buf_addf(out, "Mål %u fjernet: %s", it->goal, subj);
		break;
	case KP_DIFF_GOAL_RENAMED:
		kp_buf_addf(out, "Mål %u har fået ny titel: %s", it->goal,
			    subj);
		break;
	case KP_DIFF_GOAL_CHANGED:
		kp_buf_addf(out, "Mål %u er ændret (%s): %s", it->goal, it->to,
			    subj);
		break;
	case KP_DIFF_ACTION_ADDED:
		kp_buf_addf(out, "Indsats »%s« tilføjet under mål %u", subj,
			    it->goal);
		break;
	case KP_DIFF_ACTION_REMOVED:
		kp_buf_addf(out, "Indsats »%s« fjernet", subj);
		break;
	case KP_DIFF_ACTION_STATE:
		kp_buf_addf(out, "Indsats »%s«: %s", subj, da_state(it->to));
		break;
	case KP_DIFF_ACTION_DEADLINE:
		if (it->from && it->to)
			kp_buf_addf(out,
				    "Fristen for indsats »%s« er flyttet fra "
				    "%s til %s",
				    subj, da_date(&d1, it->from),
				    da_date(&d2, it->to));
		else if (it->to)
			kp_buf_addf(out, "Indsats »%s« har fået frist %s", subj,
				    da_date(&d1, it->to));
		else
			kp_buf_addf(out,
				    "Indsats »%s« har ikke længere en "
				    "frist",
				    subj);
		break;
	case KP_DIFF_ACTION_CHANGED:
		kp_buf_addf(out, "Indsats »%s« er ændret (%s)", subj, it->to);
		break;
	case KP_DIFF_JOINED: kp_buf_addf(out, "%s deltager nu", subj); break;
	case KP_DIFF_LEFT:
		kp_buf_addf(out, "%s deltager ikke længere", subj);
		break;
	case KP_DIFF_PARTICIPANT_CHANGED:
		kp_buf_addf(out, "Oplysningerne om %s er ændret (%s)", subj,
			    it->to);
		break;
	case KP_DIFF_CHALLENGE_ADDED:
		kp_buf_addf(out, "Udfordring tilføjet: %s", subj);
		break;
	case KP_DIFF_CHALLENGE_REMOVED:
		kp_buf_addf(out, "Udfordring fjernet: %s", subj);
		break;
	case KP_DIFF_FIELD: field_da(out, it); break;
	case KP_DIFF_NOTES: kp_buf_addstr(out, "Noterne er ændret"); break;
	}
	kp_cpr_mask_text(out->buf + start);
	kp_buf_release(&s);
	kp_buf_release(&d1);
	kp_buf_release(&d2);
}

static const char *kind_name(enum kp_diff_kind k)
{
	static const char *const names[] = { "status",
					     "closed",
					     "meeting",
					     "followup",
					     "goal_added",
					     "goal_removed",
					     "goal_renamed",
					     "goal_changed",
					     "action_added",
					     "action_removed",
					     "action_state",
					     "action_deadline",
					     "action_changed",
					     "joined",
					     "left",
					     "participant_changed",
					     "challenge_added",
					     "challenge_removed",
					     "field",
					     "notes" };

	return names[k];
}

static void json_str(struct kp_buf *out, const char *key, const char *s)
{
	kp_buf_addf(out, ",\"%s\":", key);
	if (s)
		kp_buf_add_json(out, s, strlen(s));
	else
		kp_buf_addstr(out, "null");
}

void kp_diff_write_json(struct kp_buf *out, const struct kp_diff *d)
{
	struct kp_buf t = KP_BUF_INIT;
	size_t i;

	kp_buf_addch(out, '[');
	for (i = 0; i < d->len; i++) {
		const struct kp_diff_item *it = &d->v[i];
		int hide = strstr(it->path, "cpr") != NULL;

		kp_buf_addf(out, "%s{\"change\":\"%s\"", i ? ",\n" : "\n",
			    kind_name(it->kind));
		json_str(out, "path", it->path);
		json_str(out, "subject", it->subject);
		json_str(out, "from", hide ? NULL : it->from);
		json_str(out, "to", hide ? NULL : it->to);
		if (it->extra)
			json_str(out, "detail", it->extra);
		if (it->goal)
			kp_buf_addf(out, ",\"goal\":%u", it->goal);
		kp_buf_reset(&t);
		kp_diff_text_da(&t, it);
		json_str(out, "text", t.buf);
		kp_buf_addch(out, '}');
	}
	kp_buf_addstr(out, d->len ? "\n]\n" : "]\n");
	kp_buf_release(&t);
}
