/*
 * merge.c: a three-way merge of one plan file that knows what a plan is.
 *
 * The frontmatters of base, ours and theirs are loaded as trees and
 * compared field by field.  What theirs changed and ours did not becomes
 * a surgical edit of ours' text (kp_yaml_edit()), so that every byte
 * theirs did not touch stays as ours has it.  List items are matched by
 * what they are (identity()), not by place.  A field that both sides
 * changed, each its own way, is a conflict: it is written between git's
 * conflict markers, the lines as ours has them against the same lines
 * with theirs' value, and reported as a finding.  The body is merged
 * line by line by libgit2.  A merge without conflicts is loaded and
 * validated before it is given back.
 */
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "repo/repo.h"
#include "i18n.h"
#include "banned.h"

/* One change to make to ours' text: value at path, or the path removed. */
struct edit {
	char *path;
	const struct kp_node *value; /* NULL: remove */
};

/* A field that both sides changed: ours' and theirs' values (NULL: gone). */
struct conflict {
	char *path;
	const struct kp_node *ours, *theirs;
	const char *list;  /* for an item that ours removed: its list's path */
	size_t start, end; /* its lines in the merged text, after marking */
	struct kp_buf lines; /* theirs' version of those lines */
};

struct merge {
	struct edit *edits;
	size_t nedits, aedits;
	struct conflict *conflicts;
	size_t nconflicts, aconflicts;
	struct kp_doc *doc; /* for the paths */
};

static int equal(const struct kp_node *a, const struct kp_node *b)
{
	if (!a || !b)
		return a == b;
	return kp_node_equal(a, b);
}

static const struct kp_node *get(const struct kp_node *map, const char *key)
{
	return map && map->type == KP_MAP ? kp_map_get(map, key) : NULL;
}

static size_t seq_len(const struct kp_node *n)
{
	return n && n->type == KP_SEQ ? n->v.seq.len : 0;
}

static char *child_path(const char *path, const char *key)
{
	struct kp_buf b = KP_BUF_INIT;

	if (*path)
		kp_buf_addf(&b, "%s.", path);
	kp_buf_addstr(&b, key);
	return kp_buf_detach(&b, NULL);
}

static char *index_path(const char *path, size_t i)
{
	struct kp_buf b = KP_BUF_INIT;

	kp_buf_addf(&b, "%s.%zu", path, i);
	return kp_buf_detach(&b, NULL);
}

static void add_edit(struct merge *m, char *path, const struct kp_node *value)
{
	if (m->nedits == m->aedits) {
		m->aedits = m->aedits ? 2 * m->aedits : 16;
		m->edits = kp_xrealloc(m->edits, m->aedits * sizeof(*m->edits));
	}
	m->edits[m->nedits].path = path;
	m->edits[m->nedits].value = value;
	m->nedits++;
}

static void add_conflict(struct merge *m, char *path, const struct kp_node *o,
			 const struct kp_node *t)
{
	struct conflict *c;

	if (m->nconflicts == m->aconflicts) {
		m->aconflicts = m->aconflicts ? 2 * m->aconflicts : 8;
		m->conflicts = kp_xrealloc(
			m->conflicts, m->aconflicts * sizeof(*m->conflicts));
	}
	c = &m->conflicts[m->nconflicts++];
	memset(c, 0, sizeof(*c));
	c->path = path;
	c->ours = o;
	c->theirs = t;
	kp_buf_init(&c->lines);
}

/*
 * What a list item is, whatever its place: its id, a goal's title, an
 * action's task, a person's name, a meeting's date and type, an existing
 * plan's type; a scalar item (a challenge) is its text.  NULL when the
 * item has none of these: it is then matched by place.
 */
static char *identity(const struct kp_node *item)
{
	static const char *const keys[] = { "id", "titel", "opgave", "navn" };
	struct kp_buf b = KP_BUF_INIT;
	const char *s, *type;
	size_t i;

	if (item->type == KP_STR)
		return kp_xstrndup(item->v.str.ptr, item->v.str.len);
	if (item->type != KP_MAP)
		return NULL;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((s = kp_node_str(kp_map_get(item, keys[i]))))
			return kp_xstrdup(s);
	s = kp_node_str(kp_map_get(item, "dato"));
	type = kp_node_str(kp_map_get(item, "type"));
	if (!s && !type)
		return NULL;
	kp_buf_addf(&b, "%s|%s", s ? s : "", type ? type : "");
	return kp_buf_detach(&b, NULL);
}

/* ids[i] of each item of list (NULL entries where it has none). */
static char **identities(const struct kp_node *list)
{
	size_t n = seq_len(list), i;
	char **ids = kp_xcalloc(n + 1, sizeof(*ids));

	for (i = 0; i < n; i++)
		ids[i] = identity(list->v.seq.items[i]);
	return ids;
}

static void free_ids(char **ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

/*
 * Match item i of a (ids ia) in b (ids ib): the first unused item with
 * the same identity; an item without one, the item at the same place
 * when that has none either.  -1 when there is none.
 */
static long match(char **ia, size_t i, char **ib, size_t nb, char *used)
{
	size_t j;

	if (!ia[i])
		return i < nb && !ib[i] && !used[i] ? (long)i : -1;
	for (j = 0; j < nb; j++)
		if (!used[j] && ib[j] && strcmp(ia[i], ib[j]) == 0)
			return (long)j;
	return -1;
}

static void merge_node(struct merge *m, const char *path,
		       const struct kp_node *b, const struct kp_node *o,
		       const struct kp_node *t);

static void merge_map(struct merge *m, const char *path,
		      const struct kp_node *b, const struct kp_node *o,
		      const struct kp_node *t)
{
	size_t i;

	for (i = 0; i < o->v.map.len; i++) {
		const char *k = o->v.map.pairs[i].key;
		char *p = child_path(path, k);

		merge_node(m, p, get(b, k), o->v.map.pairs[i].value, get(t, k));
		free(p);
	}
	for (i = 0; i < t->v.map.len; i++) {
		const char *k = t->v.map.pairs[i].key;
		char *p;

		if (kp_map_get(o, k))
			continue;
		p = child_path(path, k);
		merge_node(m, p, get(b, k), NULL, t->v.map.pairs[i].value);
		free(p);
	}
}

/*
 * Lists: ours' items in ours' order; each matched with base's and
 * theirs' item of the same identity.  Then theirs' new items, appended
 * in theirs' order; then the items that theirs removed, from the last,
 * so that the places of the edits before stay right.
 */
static void merge_seq(struct merge *m, const char *path,
		      const struct kp_node *b, const struct kp_node *o,
		      const struct kp_node *t)
{
	size_t nb = seq_len(b), no = seq_len(o), nt = seq_len(t), i, len;
	char **ib = identities(b), **io = identities(o), **it = identities(t);
	char *ubase = kp_xcalloc(nb + 1, 1), *utheirs = kp_xcalloc(nt + 1, 1);
	char *gone = kp_xcalloc(no + 1, 1);

	for (i = 0; i < no; i++) {
		long bi = match(io, i, ib, nb, ubase);
		long ti = match(io, i, it, nt, utheirs);
		const struct kp_node *bn = bi >= 0 ? b->v.seq.items[bi] : NULL;
		const struct kp_node *on = o->v.seq.items[i];
		char *p = index_path(path, i);

		if (bi >= 0)
			ubase[bi] = 1;
		if (ti >= 0)
			utheirs[ti] = 1;
		if (ti >= 0) {
			merge_node(m, p, bn, on, t->v.seq.items[ti]);
		} else if (bn && equal(bn, on)) {
			gone[i] = 1; /* theirs removed it, ours kept it */
		} else if (bn) {
			add_conflict(m, p, on, NULL); /* changed; removed */
			p = NULL;
		}
		free(p);
	}
	/* Theirs' items that ours has not: new, or removed by ours. */
	len = no;
	for (i = 0; i < nt; i++) {
		long bi;

		if (utheirs[i])
			continue;
		bi = match(it, i, ib, nb, ubase);
		if (bi >= 0) {
			ubase[bi] = 1;
			if (!equal(b->v.seq.items[bi], t->v.seq.items[i])) {
				struct conflict *c;

				add_conflict(m, index_path(path, len), NULL,
					     t->v.seq.items[i]);
				c = &m->conflicts[m->nconflicts - 1];
				c->list = kp_doc_strndup(m->doc, path,
							 strlen(path));
			}
			continue;
		}
		add_edit(m, index_path(path, len++), t->v.seq.items[i]);
	}
	for (i = no; i-- > 0;)
		if (gone[i])
			add_edit(m, index_path(path, i), NULL);
	free_ids(ib, nb);
	free_ids(io, no);
	free_ids(it, nt);
	free(ubase);
	free(utheirs);
	free(gone);
}

static void merge_node(struct merge *m, const char *path,
		       const struct kp_node *b, const struct kp_node *o,
		       const struct kp_node *t)
{
	if (equal(o, t) || equal(b, t))
		return;
	/* Into mappings and lists, so that the edits are small. */
	if (o && t && o->type == KP_MAP && t->type == KP_MAP &&
	    (!b || b->type == KP_MAP)) {
		merge_map(m, path, b, o, t);
		return;
	}
	if (o && t && o->type == KP_SEQ && t->type == KP_SEQ &&
	    (!b || b->type == KP_SEQ)) {
		merge_seq(m, path, b, o, t);
		return;
	}
	if (equal(b, o))
		add_edit(m, kp_xstrdup(path), t);
	else
		add_conflict(m, kp_xstrdup(path), o, t);
}

/* 1 when path is list.N (N a number), with *index N. */
static int item_of(const char *path, const char *list, size_t *index)
{
	size_t n = strlen(list);
	char *end;

	if (strncmp(path, list, n) != 0 || path[n] != '.' ||
	    path[n + 1] < '0' || path[n + 1] > '9')
		return 0;
	*index = strtoul(path + n + 1, &end, 10);
	return 1;
}

/*
 * After list.r went, the conflicts under list.N with N > r are under
 * list.(N-1).
 */
static void shift_conflicts(struct merge *m, const char *item)
{
	const char *dot = strrchr(item, '.');
	char *list = kp_xstrndup(item, (size_t)(dot - item));
	size_t r = strtoul(dot + 1, NULL, 10), i, n;

	for (i = 0; i < m->nconflicts; i++) {
		struct conflict *c = &m->conflicts[i];
		struct kp_buf b = KP_BUF_INIT;
		char *rest;

		if (!item_of(c->path, list, &n) || n <= r)
			continue;
		rest = c->path + strlen(list) + 1;
		rest += strspn(rest, "0123456789");
		kp_buf_addf(&b, "%s.%zu%s", list, n - 1, rest);
		free(c->path);
		c->path = kp_buf_detach(&b, NULL);
	}
	free(list);
}

/* Apply one edit (or a conflict's theirs side) to text. */
static int apply(struct kp_buf *text, const char *path,
		 const struct kp_node *value, struct kp_error *err)
{
	const char *last = strrchr(path, '.');
	int item = last && last[1] >= '0' && last[1] <= '9';

	if (value)
		return kp_yaml_edit(text, KP_EDIT_SET, path, value, err);
	return kp_yaml_edit(text, item ? KP_EDIT_REMOVE_ITEM : KP_EDIT_REMOVE,
			    path, NULL, err);
}

static size_t line_start(const char *s, size_t pos)
{
	while (pos > 0 && s[pos - 1] != '\n')
		pos--;
	return pos;
}

/*
 * Where a and b differ, in whole lines: a's lines [*from, *ato) are b's
 * [*from, *bto).
 */
static void differ(size_t *from, size_t *ato, size_t *bto,
		   const struct kp_buf *a, const struct kp_buf *b)
{
	size_t p = 0, s = 0, min = a->len < b->len ? a->len : b->len;

	while (p < min && a->buf[p] == b->buf[p])
		p++;
	p = line_start(a->buf, p);
	while (s < min - p && a->buf[a->len - 1 - s] == b->buf[b->len - 1 - s])
		s++;
	while (s > 0 && !(a->buf[a->len - s - 1] == '\n' &&
			  b->buf[b->len - s - 1] == '\n'))
		s--;
	*from = p;
	*ato = a->len - s;
	*bto = b->len - s;
}

/* A value as a person reads it: a scalar's text, else compact JSON. */
static void value_text(struct kp_buf *out, const char *path,
		       const struct kp_node *v)
{
	struct kp_buf b = KP_BUF_INIT;
	size_t max = 60;

	if (strstr(path, "cpr")) {
		kp_buf_addstr(out, _("(a CPR number)"));
		return;
	}
	if (v->type == KP_STR)
		kp_buf_add(&b, v->v.str.ptr, v->v.str.len);
	else
		kp_json_write(&b, v);
	if (b.len > max) {
		size_t n = max;

		while (n > 0 && ((unsigned char)b.buf[n] & 0xc0) == 0x80)
			n--;
		kp_buf_setlen(&b, n);
		kp_buf_addstr(&b, "\xe2\x80\xa6");
	}
	kp_buf_addch(out, '"');
	kp_buf_add_escaped(out, b.buf, b.len);
	kp_buf_addch(out, '"');
	kp_buf_release(&b);
}

static unsigned line_of(const char *s, size_t pos)
{
	unsigned line = 1;
	size_t i;

	for (i = 0; i < pos; i++)
		line += s[i] == '\n';
	return line;
}

static void report(struct kp_findings *out, const struct conflict *c,
		   unsigned line, const char *ol, const char *tl)
{
	struct kp_buf o = KP_BUF_INIT, t = KP_BUF_INIT;

	if (c->ours)
		value_text(&o, c->path, c->ours);
	if (c->theirs)
		value_text(&t, c->path, c->theirs);
	if (c->ours && c->theirs)
		/* TRANSLATORS: field, who changed it on one side, the
		 * value there, who on the other side, the value there. */
		kp_findings_add(out, "konflikt", KP_ERROR, line, 1,
				_("'%s' was changed on both sides: %s made "
				  "it %s, %s made it %s; keep one of them "
				  "between the markers"),
				c->path, ol, o.buf, tl, t.buf);
	else if (c->ours)
		/* TRANSLATORS: field, who changed it, the value, who
		 * removed it. */
		kp_findings_add(out, "konflikt", KP_ERROR, line, 1,
				_("'%s' was changed by %s to %s and removed "
				  "by %s; keep it or remove it"),
				c->path, ol, o.buf, tl);
	else
		/* TRANSLATORS: field, who removed it, who changed it,
		 * the value. */
		kp_findings_add(out, "konflikt", KP_ERROR, line, 1,
				_("'%s' was removed by %s and changed by %s "
				  "to %s; keep it or remove it"),
				c->path, ol, tl, t.buf);
	kp_buf_release(&o);
	kp_buf_release(&t);
}

static int cmp_conflict(const void *a, const void *b)
{
	const struct conflict *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * Mark every conflict in text (the clean merge of the frontmatter, ours'
 * values in the conflicts): the lines ours has, then the same lines with
 * theirs' value, between git's markers.  Conflicts whose lines touch are
 * marked as one.
 */
static int mark(struct kp_buf *text, struct merge *m, struct kp_findings *out,
		const char *ol, const char *tl, const char *olabel,
		const char *tlabel, struct kp_error *err)
{
	struct kp_buf res = KP_BUF_INIT, b = KP_BUF_INIT;
	size_t i, j, pos = 0, aend, bend;
	int error = 0;

	for (i = 0; i < m->nconflicts; i++) {
		struct conflict *c = &m->conflicts[i];
		const char *path = c->path;
		const struct kp_node *v = c->theirs;
		char *p = NULL;

		kp_buf_reset(&b);
		kp_buf_add(&b, text->buf, text->len);
		if (!c->ours && c->list) {
			/* Ours removed the item: theirs' at the list's end. */
			const struct kp_node *list = NULL;
			struct kp_plan *plan = NULL;
			struct kp_error e2 = KP_ERROR_INIT;

			if (kp_plan_parse(&plan, "merge", text->buf, text->len,
					  0, &e2) == 0)
				list = kp_node_at(plan->root, c->list);
			p = index_path(c->list, seq_len(list));
			kp_plan_free(plan);
			path = p;
		}
		error = apply(&b, path, v, err);
		free(p);
		if (error < 0)
			goto done;
		differ(&c->start, &aend, &bend, text, &b);
		c->end = aend;
		kp_buf_add(&c->lines, b.buf + c->start, bend - c->start);
	}
	qsort(m->conflicts, m->nconflicts, sizeof(*m->conflicts), cmp_conflict);
	for (i = 0; i < m->nconflicts; i = j) {
		struct conflict *c = &m->conflicts[i];
		size_t end = c->end, k;

		/*
		 * Conflicts on the same lines (two keys that each side
		 * added at the same place) are marked as one: ours' lines,
		 * then theirs' of each.
		 */
		for (j = i + 1;
		     j < m->nconflicts && (m->conflicts[j].start < end ||
					   m->conflicts[j].start == c->start);
		     j++)
			if (m->conflicts[j].end > end)
				end = m->conflicts[j].end;
		kp_buf_add(&res, text->buf + pos, c->start - pos);
		for (k = i; k < j; k++)
			report(out, &m->conflicts[k], line_of(res.buf, res.len),
			       ol, tl);
		kp_buf_addf(&res, "<<<<<<< %s\n", olabel);
		kp_buf_add(&res, text->buf + c->start, end - c->start);
		kp_buf_addstr(&res, "=======\n");
		for (k = i; k < j; k++)
			kp_buf_add(&res, m->conflicts[k].lines.buf,
				   m->conflicts[k].lines.len);
		kp_buf_addf(&res, ">>>>>>> %s\n", tlabel);
		pos = end;
	}
	kp_buf_add(&res, text->buf + pos, text->len - pos);
	kp_buf_release(text);
	*text = res;
	kp_buf_init(&res);
done:
	kp_buf_release(&res);
	kp_buf_release(&b);
	return error;
}

/* The byte where the body starts (after the closing '---' line). */
static size_t body_start(const struct kp_buf *text)
{
	size_t s, e;
	const char *nl;

	if (kp_plan_frontmatter(&s, &e, text->buf, text->len) < 0)
		return text->len;
	nl = memchr(text->buf + e, '\n', text->len - e);
	return nl ? (size_t)(nl - text->buf) + 1 : text->len;
}

/* A line-by-line merge of three texts (libgit2); 1 when they conflict. */
static int text_merge(struct kp_buf *out, const char *const txt[3],
		      const size_t len[3], const char *olabel,
		      const char *tlabel, struct kp_error *err)
{
	git_merge_file_input in[3];
	git_merge_file_options opts;
	git_merge_file_result res;
	int i, rc;

	memset(&res, 0, sizeof(res));
	for (i = 0; i < 3; i++) {
		git_merge_file_input_init(&in[i], GIT_MERGE_FILE_INPUT_VERSION);
		in[i].ptr = txt[i] ? txt[i] : "";
		in[i].size = txt[i] ? len[i] : 0;
	}
	git_merge_file_options_init(&opts, GIT_MERGE_FILE_OPTIONS_VERSION);
	opts.our_label = olabel;
	opts.their_label = tlabel;
	opts.ancestor_label = "base";
	git_libgit2_init();
	rc = git_merge_file(&res, &in[0], &in[1], &in[2], &opts);
	if (rc < 0) {
		const git_error *e = git_error_last();

		rc = kp_error_set(err, KP_EGIT, NULL, 0, 0,
				  _("cannot merge the text: %s"),
				  e && e->message ? e->message
						  : _("unknown error"));
	} else {
		kp_buf_add(out, res.ptr, res.len);
		rc = !res.automergeable;
	}
	git_merge_file_result_free(&res);
	git_libgit2_shutdown();
	return rc;
}

static int merge_body(struct kp_buf *out, const struct kp_plan *b,
		      const struct kp_plan *o, const struct kp_plan *t,
		      const char *olabel, const char *tlabel,
		      struct kp_error *err)
{
	const char *txt[3] = { b ? b->body : NULL, o->body, t->body };
	size_t len[3] = { b ? b->body_len : 0, o->body_len, t->body_len };

	return text_merge(out, txt, len, olabel, tlabel, err);
}

/* Error findings of the merge that neither side has: what the merge made. */
static size_t new_errors(struct kp_findings *out, const struct kp_plan *merged,
			 const struct kp_plan *o, const struct kp_plan *t)
{
	struct kp_findings fm = KP_FINDINGS_INIT, fo = KP_FINDINGS_INIT,
			   ft = KP_FINDINGS_INIT;
	size_t i, j, n = 0;

	kp_validate(merged, NULL, &fm);
	kp_validate(o, NULL, &fo);
	kp_validate(t, NULL, &ft);
	for (i = 0; i < fm.len; i++) {
		int had = 0;

		if (fm.v[i].sev != KP_ERROR)
			continue;
		for (j = 0; j < fo.len && !had; j++)
			had = fo.v[j].sev == KP_ERROR &&
			      strcmp(fo.v[j].code, fm.v[i].code) == 0;
		for (j = 0; j < ft.len && !had; j++)
			had = ft.v[j].sev == KP_ERROR &&
			      strcmp(ft.v[j].code, fm.v[i].code) == 0;
		if (had)
			continue;
		/* TRANSLATORS: the finding's own message follows. */
		kp_findings_add(out, fm.v[i].code, KP_ERROR, fm.v[i].line,
				fm.v[i].col,
				_("the merge made this, which neither side "
				  "had: %s"),
				fm.v[i].msg);
		n++;
	}
	kp_findings_release(&fm);
	kp_findings_release(&fo);
	kp_findings_release(&ft);
	return n;
}

static int load_side(struct kp_plan **out, const char *path, const char *text,
		     size_t len, struct kp_error *err)
{
	*out = NULL;
	if (!text || !len)
		return 0;
	return kp_plan_parse(out, path, text, len, 0, err);
}

/*
 * A side that is not a plan (it does not parse, or is empty): the texts
 * merged line by line, as git would, and the result loaded, so that a
 * merge that breaks the plan (a key twice) does not pass.  problem says
 * why a side is not a plan, or is NULL.
 */
static int fallback(struct kp_buf *out, struct kp_findings *conflicts,
		    const char *path, const char *base, size_t base_len,
		    const char *ours, size_t ours_len, const char *theirs,
		    size_t theirs_len, const char *olabel, const char *tlabel,
		    const struct kp_error *problem, struct kp_error *err)
{
	const char *txt[3] = { base, ours, theirs };
	size_t len[3] = { base_len, ours_len, theirs_len };
	struct kp_plan *merged = NULL;
	struct kp_error e2 = KP_ERROR_INIT;
	int rc;

	if ((rc = text_merge(out, txt, len, olabel, tlabel, err)) < 0)
		return rc;
	if (rc == 0 &&
	    kp_plan_parse(&merged, path, out->buf, out->len, 0, &e2) == 0)
		goto done;
	if (problem)
		kp_findings_add(conflicts, "konflikt", KP_ERROR, problem->line,
				problem->col,
				_("cannot merge field by field, since a side "
				  "is not a plan (%s); merged line by line"),
				problem->msg);
	if (rc == 0)
		kp_finding_from_error(conflicts, &e2);
	else
		kp_findings_add(conflicts, "konflikt", KP_ERROR,
				kp_conflict_line(out->buf, out->len), 1,
				_("both sides changed the same lines; choose "
				  "between them and remove the markers"));
	rc = 1;
done:
	kp_plan_free(merged);
	kp_findings_sort(conflicts);
	return rc;
}

int kp_merge_plan(struct kp_buf *out, struct kp_findings *conflicts,
		  const char *path, const char *base, size_t base_len,
		  const char *ours, size_t ours_len, const char *theirs,
		  size_t theirs_len, const char *ours_label,
		  const char *theirs_label, struct kp_error *err)
{
	struct kp_plan *b = NULL, *o = NULL, *t = NULL, *merged = NULL;
	struct merge m;
	struct kp_buf text = KP_BUF_INIT, body = KP_BUF_INIT;
	struct kp_error e2 = KP_ERROR_INIT;
	const char *olabel = ours_label ? ours_label : "ours";
	const char *tlabel = theirs_label ? theirs_label : "theirs";
	const char *ol = ours_label ? ours_label : _("our side");
	const char *tl = theirs_label ? theirs_label : _("their side");
	size_t i, split;
	int error, body_conflict, result = KP_MERGE_CLEAN;

	memset(&m, 0, sizeof(m));
	m.doc = kp_doc_new();
	if (!path)
		path = "plan.md";
	if (load_side(&o, path, ours, ours_len, &e2) < 0 ||
	    load_side(&t, path, theirs, theirs_len, &e2) < 0 || !o || !t) {
		error = fallback(out, conflicts, path, base, base_len, ours,
				 ours_len, theirs, theirs_len, olabel, tlabel,
				 e2.code ? &e2 : NULL, err);
		goto done;
	}
	/* A base that is not a plan is no base: as if added on both sides. */
	if (load_side(&b, path, base, base_len, &e2) < 0)
		b = NULL;
	merge_node(&m, "", b ? b->root : NULL, o->root, t->root);
	kp_buf_add(&text, o->text.buf, o->text.len);
	for (i = 0; i < m.nedits; i++) {
		if (apply(&text, m.edits[i].path, m.edits[i].value, &e2) < 0) {
			/* An edit kiplan cannot make (flow style): for a
			 * person to make. */
			add_conflict(&m, kp_xstrdup(m.edits[i].path),
				     kp_node_at(o->root, m.edits[i].path),
				     m.edits[i].value);
			continue;
		}
		if (!m.edits[i].value && strrchr(m.edits[i].path, '.'))
			shift_conflicts(&m, m.edits[i].path);
	}
	split = body_start(&text);
	body_conflict = merge_body(&body, b, o, t, olabel, tlabel, err);
	if ((error = body_conflict) < 0)
		goto done;
	kp_buf_setlen(&text, split);
	if (m.nconflicts) {
		error = mark(&text, &m, conflicts, ol, tl, olabel, tlabel, err);
		if (error < 0)
			goto done;
		result = KP_MERGE_CONFLICT;
	}
	if (body_conflict) {
		unsigned line = kp_conflict_line(body.buf, body.len);

		kp_findings_add(conflicts, "konflikt", KP_ERROR,
				line_of(text.buf, text.len) + line - 1, 1,
				_("the notes were changed on both sides in the "
				  "same place; both texts stand between the "
				  "markers (first %s, then %s); keep what is "
				  "right"),
				ol, tl);
		result = KP_MERGE_CONFLICT;
	}
	kp_buf_add(&text, body.buf, body.len);
	kp_plan_restyle(&text, ours, ours_len);
	if (result == KP_MERGE_CLEAN) {
		if (kp_plan_parse(&merged, path, text.buf, text.len, 0, &e2) <
		    0) {
			kp_finding_from_error(conflicts, &e2);
			result = KP_MERGE_CONFLICT;
		} else if (new_errors(conflicts, merged, o, t)) {
			result = KP_MERGE_CONFLICT;
		}
	}
	kp_findings_sort(conflicts);
	kp_buf_add(out, text.buf, text.len);
	error = result;
done:
	for (i = 0; i < m.nedits; i++)
		free(m.edits[i].path);
	free(m.edits);
	for (i = 0; i < m.nconflicts; i++) {
		free(m.conflicts[i].path);
		kp_buf_release(&m.conflicts[i].lines);
	}
	free(m.conflicts);
	kp_doc_free(m.doc);
	kp_buf_release(&text);
	kp_buf_release(&body);
	kp_plan_free(b);
	kp_plan_free(o);
	kp_plan_free(t);
	kp_plan_free(merged);
	return error;
}
