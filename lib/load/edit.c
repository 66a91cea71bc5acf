/*
 * edit.c: surgical changes to a plan's frontmatter.  A person's file is
 * changed the way a careful person would change it: only the value or
 * the lines concerned, every comment, blank line and quote elsewhere
 * left as it was.
 *
 * The frontmatter is read once more with libyaml, for the places of its
 * nodes (libyaml's marks are byte offsets): each node's start, the end
 * of its content (a block scalar's trailing blank lines are not its
 * content), its column, and, for a mapping's value, its key.  A change
 * is then one splice of the text: a scalar replaced in place; a value
 * replaced from after its key's colon to the end of its last line; a
 * key or item appended after its mapping's or list's last line, at the
 * column of its siblings; a key removed with its lines.
 */
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "load/load.h"
#include "i18n.h"
#include "banned.h"

struct span {
	enum kp_type type; /* KP_MAP, KP_SEQ, or KP_STR for any scalar */
	int flow;	   /* a flow collection */
	int block;	   /* a block scalar (| or >) */
	size_t start, end; /* byte offsets in the text */
	size_t last;	   /* end of the content (see content_end()) */
	unsigned col;	   /* 0-based */
	struct span *parent;
	struct span *key;   /* a mapping's value: its key */
	struct span **kids; /* MAP: key, value, key, value...; SEQ: items */
	size_t n, alloc;
};

struct tree {
	struct kp_doc *arena;
	struct span *root;
	const char *text;
	size_t len, fm_start, fm_end;
	/* libyaml counts characters; a cursor turns them into bytes. */
	size_t cur_char, cur_byte;
};

/* The byte offset in the text of the frontmatter's character ch. */
static size_t byte_of(struct tree *t, size_t ch)
{
	const unsigned char *s = (const unsigned char *)t->text;

	while (t->cur_char < ch && t->cur_byte < t->fm_end) {
		t->cur_byte++;
		while (t->cur_byte < t->fm_end &&
		       (s[t->cur_byte] & 0xc0) == 0x80)
			t->cur_byte++;
		t->cur_char++;
	}
	while (t->cur_char > ch && t->cur_byte > t->fm_start) {
		t->cur_byte--;
		while (t->cur_byte > t->fm_start &&
		       (s[t->cur_byte] & 0xc0) == 0x80)
			t->cur_byte--;
		t->cur_char--;
	}
	return t->cur_byte;
}

static struct span *new_span(struct tree *t, struct span *parent,
			     enum kp_type type, const yaml_mark_t *s,
			     const yaml_mark_t *e)
{
	struct span *x = kp_doc_alloc(t->arena, sizeof(*x));

	memset(x, 0, sizeof(*x));
	x->type = type;
	x->start = byte_of(t, s->index);
	x->end = byte_of(t, e->index);
	x->col = (unsigned)s->column;
	x->parent = parent;
	if (parent) {
		if (parent->n == parent->alloc) {
			struct span **v;

			parent->alloc = parent->alloc ? 2 * parent->alloc : 8;
			v = kp_doc_alloc(t->arena, parent->alloc * sizeof(*v));
			if (parent->n)
				memcpy(v, parent->kids, parent->n * sizeof(*v));
			parent->kids = v;
		}
		parent->kids[parent->n++] = x;
		if (parent->type == KP_MAP && parent->n % 2 == 0)
			x->key = parent->kids[parent->n - 2];
	}
	return x;
}

/* The end of a node's content: where a block scalar's text ends. */
static size_t content_end(const struct tree *t, const struct span *x)
{
	size_t e = x->end, i;

	if (x->type == KP_STR) {
		if (!x->block)
			return e;
		while (e > x->start &&
		       (t->text[e - 1] == '\n' || t->text[e - 1] == ' '))
			e--;
		return e;
	}
	if (x->flow || !x->n)
		return e;
	e = x->start;
	for (i = 0; i < x->n; i++) {
		size_t k = content_end(t, x->kids[i]);

		if (k > e)
			e = k;
	}
	return e;
}

/* The offset just after the line that pos is on (pos itself after LF). */
static size_t eol(const struct tree *t, size_t pos)
{
	const char *nl;

	if (pos > 0 && t->text[pos - 1] == '\n')
		return pos;
	nl = memchr(t->text + pos, '\n', t->len - pos);
	return nl ? (size_t)(nl - t->text) + 1 : t->len;
}

static size_t line_start(const struct tree *t, size_t pos)
{
	while (pos > 0 && t->text[pos - 1] != '\n')
		pos--;
	return pos;
}

static int parse_tree(struct tree *t, const char *text, size_t len,
		      struct kp_error *err)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct span *cur = NULL;
	int done = 0, error = 0;

	memset(t, 0, sizeof(*t));
	t->text = text;
	t->len = len;
	if (kp_plan_frontmatter(&t->fm_start, &t->fm_end, text, len) < 0)
		return kp_error_set(err, KP_EPARSE, NULL, 1, 1,
				    _("the plan has no frontmatter between "
				      "'---' lines"));
	t->arena = kp_doc_new();
	t->cur_byte = t->fm_start;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p,
				     (const unsigned char *)text + t->fm_start,
				     t->fm_end - t->fm_start);
	while (!done) {
		struct span *x;

		if (!yaml_parser_parse(&p, &ev)) {
			error = kp_error_set(err, KP_EPARSE, NULL,
					     (unsigned)p.problem_mark.line + 2,
					     (unsigned)p.problem_mark.column +
						     1,
					     "%s", p.problem ? p.problem : "");
			break;
		}
		switch (ev.type) {
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			x = new_span(t, cur,
				     ev.type == YAML_MAPPING_START_EVENT
					     ? KP_MAP
					     : KP_SEQ,
				     &ev.start_mark, &ev.end_mark);
			x->flow = ev.type == YAML_MAPPING_START_EVENT
					  ? ev.data.mapping_start.style ==
						    YAML_FLOW_MAPPING_STYLE
					  : ev.data.sequence_start.style ==
						    YAML_FLOW_SEQUENCE_STYLE;
			if (!t->root)
				t->root = x;
			cur = x;
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			cur->end = byte_of(t, ev.end_mark.index);
			cur = cur->parent;
			break;
		case YAML_SCALAR_EVENT:
			x = new_span(t, cur, KP_STR, &ev.start_mark,
				     &ev.end_mark);
			x->block = ev.data.scalar.style ==
					   YAML_LITERAL_SCALAR_STYLE ||
				   ev.data.scalar.style ==
					   YAML_FOLDED_SCALAR_STYLE;
			if (!t->root)
				t->root = x;
			break;
		case YAML_ALIAS_EVENT:
			error = kp_error_set(err, KP_EPARSE, NULL,
					     (unsigned)ev.start_mark.line + 2,
					     (unsigned)ev.start_mark.column + 1,
					     _("aliases are not allowed"));
			break;
		case YAML_STREAM_END_EVENT: done = 1; break;
		default: break;
		}
		yaml_event_delete(&ev);
		if (error)
			break;
	}
	yaml_parser_delete(&p);
	if (!error && (!t->root || t->root->type != KP_MAP))
		error = kp_error_set(err, KP_EPARSE, NULL, 2, 1,
				     _("the frontmatter is not a mapping"));
	return error;
}

/* The value of key in the block mapping m, or NULL. */
static struct span *map_value(const struct tree *t, const struct span *m,
			      const char *key, size_t keylen)
{
	size_t i;

	for (i = 0; i + 1 < m->n; i += 2) {
		const struct span *k = m->kids[i];
		const char *s = t->text + k->start;
		size_t n = k->end - k->start;

		/* kiplan's keys are plain ASCII; a quoted one is compared
		 * without its quotes. */
		if (n >= 2 && (s[0] == '"' || s[0] == '\'')) {
			s++;
			n -= 2;
		}
		if (n == keylen && memcmp(s, key, n) == 0)
			return m->kids[i + 1];
	}
	return NULL;
}

/* The colon after a mapping value's key. */
static size_t colon_of(const struct tree *t, const struct span *v)
{
	size_t p = v->key->end;

	while (p < t->len && t->text[p] != ':')
		p++;
	return p;
}

static void spaces(struct kp_buf *b, unsigned n)
{
	while (n--)
		kp_buf_addch(b, ' ');
}

/* text[from, to) becomes with. */
static void splice(struct kp_buf *text, size_t from, size_t to,
		   const struct kp_buf *with)
{
	struct kp_buf b = KP_BUF_INIT;

	kp_buf_add(&b, text->buf, from);
	kp_buf_add(&b, with->buf, with->len);
	kp_buf_add(&b, text->buf + to, text->len - to);
	kp_buf_release(text);
	*text = b;
}

static int is_index(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/*
 * The value for the rest of the path: value itself at the last segment,
 * else a mapping (or, for an index 0, a list) around what follows.
 */
static struct kp_node *wrap(struct kp_doc *doc, const char *rest,
			    const struct kp_node *value, struct kp_error *err)
{
	const char *dot = strchr(rest, '.');
	size_t n = dot ? (size_t)(dot - rest) : strlen(rest);
	struct kp_node *inner, *outer;

	if (!*rest)
		return kp_node_copy(doc, value);
	inner = dot ? wrap(doc, dot + 1, value, err) : kp_node_copy(doc, value);
	if (!inner)
		return NULL;
	if (is_index(rest, n)) {
		if (n != 1 || rest[0] != '0') {
			kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				     _("a new list starts at item 0"));
			return NULL;
		}
		outer = kp_node_new(doc, KP_SEQ, 0, 0);
		kp_node_append(doc, outer, inner);
	} else {
		outer = kp_node_new(doc, KP_MAP, 0, 0);
		kp_node_put(doc, outer, rest, n, 0, 0, inner);
	}
	return outer;
}

/* Replace the value v (of a mapping key or a list item) with value. */
static void replace(struct kp_buf *text, const struct tree *t,
		    const struct span *v, const struct kp_node *value)
{
	struct kp_buf w = KP_BUF_INIT;
	int scalar = value->type != KP_MAP && value->type != KP_SEQ;
	size_t from, to;

	if (scalar && v->type == KP_STR && v->start < v->end) {
		/* In place: what follows on the line (a comment) stays. */
		kp_yaml_scalar(&w, value);
		splice(text, v->start, content_end(t, v), &w);
	} else if (v->key) {
		from = colon_of(t, v) + 1;
		to = v->type == KP_STR && v->start == v->end
			     ? v->start
			     : eol(t, content_end(t, v));
		if (to == v->start) {
			/* "key:" and nothing: the value after the colon. */
			kp_buf_addch(&w, ' ');
			kp_yaml_scalar(&w, value);
			if (!scalar) {
				kp_buf_reset(&w);
				kp_yaml_value(&w, value, (int)v->key->col + 2);
				/* The old line's newline follows. */
				kp_buf_setlen(&w, w.len - 1);
			}
		} else {
			kp_yaml_value(&w, value, (int)v->key->col + 2);
		}
		splice(text, from, to, &w);
	} else {
		/* A list item: after its "- ". */
		if (value->type == KP_MAP && value->v.map.len)
			kp_yaml_pairs(&w, value, (int)v->col, 1);
		else if (scalar) {
			kp_yaml_scalar(&w, value);
			kp_buf_addch(&w, '\n');
		} else {
			kp_json_write(&w, value);
			kp_buf_addch(&w, '\n');
		}
		splice(text, v->start, eol(t, content_end(t, v)), &w);
	}
	kp_buf_release(&w);
}

/* Append key: value to the block mapping m. */
static void add_key(struct kp_buf *text, const struct tree *t,
		    const struct span *m, const char *key, size_t keylen,
		    const struct kp_node *value)
{
	struct kp_buf w = KP_BUF_INIT;
	unsigned col = m->n ? m->kids[0]->col : m->col;
	size_t at = m == t->root ? t->fm_end : eol(t, content_end(t, m));

	/* At the end of the frontmatter, after a last line without LF. */
	if (at > 0 && text->buf[at - 1] != '\n')
		kp_buf_addch(&w, '\n');
	spaces(&w, col);
	kp_yaml_key(&w, key, keylen);
	kp_yaml_value(&w, value, (int)col + 2);
	splice(text, at, at, &w);
	kp_buf_release(&w);
}

/* Append an item to the block list s. */
static void add_item(struct kp_buf *text, const struct tree *t,
		     const struct span *s, const struct kp_node *value)
{
	struct kp_buf w = KP_BUF_INIT;
	size_t at = eol(t, content_end(t, s));

	spaces(&w, s->col);
	kp_buf_addstr(&w, "- ");
	if (value->type == KP_MAP && value->v.map.len) {
		kp_yaml_pairs(&w, value, (int)s->col + 2, 1);
	} else if (value->type == KP_MAP || value->type == KP_SEQ) {
		kp_json_write(&w, value);
		kp_buf_addch(&w, '\n');
	} else {
		kp_yaml_scalar(&w, value);
		kp_buf_addch(&w, '\n');
	}
	splice(text, at, at, &w);
	kp_buf_release(&w);
}

/* Remove the pair whose value is v, and a mapping that it leaves empty. */
static int remove_pair(struct kp_buf *text, const struct tree *t,
		       const struct span *v, struct kp_error *err)
{
	const struct span *m = v->parent;
	struct kp_buf none = KP_BUF_INIT;

	if (m->n == 2 && m != t->root) {
		if (!m->key)
			return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
					    _("removing the last key would "
					      "leave an empty list item"));
		return remove_pair(text, t, m, err);
	}
	splice(text, line_start(t, v->key->start),
	       eol(t, v->type == KP_STR && v->start == v->end
			      ? v->start
			      : content_end(t, v)),
	       &none);
	return 0;
}

/* Remove the list item v with its lines; a list left empty becomes []. */
static void remove_item(struct kp_buf *text, const struct tree *t,
			const struct span *v)
{
	const struct span *s = v->parent;
	struct kp_buf none = KP_BUF_INIT;

	if (s->n == 1 && s->key) {
		struct kp_doc *tmp = kp_doc_new();

		replace(text, t, s, kp_node_new(tmp, KP_SEQ, 0, 0));
		kp_doc_free(tmp);
		return;
	}
	splice(text, line_start(t, v->start), eol(t, content_end(t, v)), &none);
}

static int not_there(const char *path, const char *seg, size_t n,
		     struct kp_error *err)
{
	char *k = kp_xstrndup(seg, n);

	kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
		     _("cannot set '%s': '%s' is not a field there (list "
		       "items are numbered from 0, in order)"),
		     path, k);
	free(k);
	return KP_EUSAGE;
}

int kp_yaml_edit(struct kp_buf *text, enum kp_edit_op op, const char *path,
		 const struct kp_node *value, struct kp_error *err)
{
	struct tree t;
	struct span *cur;
	struct kp_doc *tmp = kp_doc_new();
	const char *seg = path;
	int error;

	if ((error = parse_tree(&t, text->buf, text->len, err)) < 0)
		goto done;
	cur = t.root;
	for (;;) {
		const char *dot = strchr(seg, '.');
		size_t n = dot ? (size_t)(dot - seg) : strlen(seg);
		struct span *next = NULL;
		struct kp_node *w;

		if (!n) {
			error = kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
					     _("cannot set '%s': a key is "
					       "empty"),
					     path);
			goto done;
		}
		/* An empty [] or {} is a value to replace, not to edit. */
		if (cur->flow && !cur->n && cur->key && op == KP_EDIT_SET) {
			if (!(w = wrap(tmp, seg, value, err))) {
				error = KP_EUSAGE;
				goto done;
			}
			replace(text, &t, cur, w);
			goto done;
		}
		if (cur->flow) {
			error = kp_error_set(
				err, KP_EUSAGE, NULL, 0, 0,
				_("cannot change '%s': it is written in flow "
				  "style ([...] or {...}); write it as block "
				  "YAML first"),
				path);
			goto done;
		}
		if (cur->type == KP_MAP) {
			next = map_value(&t, cur, seg, n);
		} else if (cur->type == KP_SEQ && is_index(seg, n)) {
			unsigned long ix = strtoul(seg, NULL, 10);

			if (ix < cur->n) {
				next = cur->kids[ix];
			} else if (ix == cur->n && op == KP_EDIT_SET) {
				if (!(w = wrap(tmp, dot ? dot + 1 : "", value,
					       err))) {
					error = KP_EUSAGE;
					goto done;
				}
				add_item(text, &t, cur, w);
				goto done;
			}
		}
		if (!next && cur->type == KP_MAP) {
			if (op != KP_EDIT_SET)
				goto done;
			if (!(w = wrap(tmp, dot ? dot + 1 : "", value, err))) {
				error = KP_EUSAGE;
				goto done;
			}
			add_key(text, &t, cur, seg, n, w);
			goto done;
		}
		if (!next) {
			if (op == KP_EDIT_SET)
				error = not_there(path, seg, n, err);
			goto done;
		}
		if (!dot && op == KP_EDIT_REMOVE_ITEM) {
			if (next->key)
				error = remove_pair(text, &t, next, err);
			else
				remove_item(text, &t, next);
			goto done;
		}
		if (!dot) {
			if (op == KP_EDIT_REMOVE) {
				if (!next->key) {
					error = kp_error_set(
						err, KP_EUSAGE, NULL, 0, 0,
						_("cannot remove '%s': only a "
						  "key is removed, not a list "
						  "item"),
						path);
					goto done;
				}
				error = remove_pair(text, &t, next, err);
			} else {
				replace(text, &t, next, value);
			}
			goto done;
		}
		/* A key with no value ("key:"), given one under it. */
		if (next->type == KP_STR && next->start == next->end &&
		    op == KP_EDIT_SET) {
			if (!(w = wrap(tmp, dot + 1, value, err))) {
				error = KP_EUSAGE;
				goto done;
			}
			replace(text, &t, next, w);
			goto done;
		}
		if (next->type == KP_STR) {
			if (op != KP_EDIT_SET)
				goto done;
			error = not_there(path, dot + 1, strcspn(dot + 1, "."),
					  err);
			goto done;
		}
		cur = next;
		seg = dot + 1;
	}
done:
	kp_doc_free(t.arena);
	kp_doc_free(tmp);
	return error;
}
