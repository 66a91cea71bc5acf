/*
 * fields.c: a plan's fields given on the command line ("borger.navn=Jens
 * Hansen", "deltagere.0.rolle=psykiatri") or in a YAML or JSON file, as
 * a tree for the template, each value typed as the schema wants it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "i18n.h"
#include "banned.h"

/* Values given on the command line get lines from here, to be found. */
#define SET_LINE 1000000u

struct kp_fields {
	struct kp_doc *doc;
	struct kp_node *root;
	struct kp_node **typed; /* values to type by the schema */
	char **raw;		/* their text */
	size_t ntyped, alloc;
};

/* 1 when s, up to its end or the next '.', is a list index. */
static int is_index(const char *s)
{
	if (!*s || *s == '.')
		return 0;
	for (; *s && *s != '.'; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

struct kp_fields *kp_fields_new(void)
{
	struct kp_fields *f = kp_xcalloc(1, sizeof(*f));

	f->doc = kp_doc_new();
	f->root = kp_node_new(f->doc, KP_MAP, 1, 1);
	kp_doc_set_root(f->doc, f->root);
	return f;
}

void kp_fields_free(struct kp_fields *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->ntyped; i++)
		free(f->raw[i]);
	free(f->raw);
	free(f->typed);
	kp_doc_free(f->doc);
	free(f);
}

const struct kp_node *kp_fields_root(const struct kp_fields *f)
{
	return f->root;
}

/*
 * The value of seg in cur, created (a mapping, or a list when seq_next)
 * when missing; NULL when seg cannot stand there.
 */
static struct kp_node *step(struct kp_doc *doc, struct kp_node *cur,
			    const char *seg, int seq_next)
{
	size_t i;

	if (cur->type == KP_MAP) {
		struct kp_node *n;

		for (i = 0; i < cur->v.map.len; i++)
			if (strcmp(cur->v.map.pairs[i].key, seg) == 0) {
				n = cur->v.map.pairs[i].value;
				/* "key:" without a value, given fields. */
				if (n->type == KP_NULL) {
					memset(&n->v, 0, sizeof(n->v));
					n->type = seq_next ? KP_SEQ : KP_MAP;
				}
				return n;
			}
		n = kp_node_new(doc, seq_next ? KP_SEQ : KP_MAP, 0, 0);
		kp_node_put(doc, cur, seg, strlen(seg), 0, 0, n);
		return n;
	}
	if (cur->type == KP_SEQ && is_index(seg)) {
		unsigned long ix = strtoul(seg, NULL, 10);

		if (ix < cur->v.seq.len)
			return cur->v.seq.items[ix];
		if (ix == cur->v.seq.len) {
			struct kp_node *n = kp_node_new(
				doc, seq_next ? KP_SEQ : KP_MAP, 0, 0);

			kp_node_append(doc, cur, n);
			return n;
		}
	}
	return NULL;
}

static int not_there(const char *path, const char *seg, struct kp_error *err)
{
	return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
			    _("cannot set '%s': '%s' is not a field there "
			      "(list items are numbered from 0, in order)"),
			    path, seg);
}

static int put(struct kp_doc *doc, struct kp_node *root, const char *path,
	       struct kp_node *val, struct kp_error *err)
{
	char *copy = kp_xstrdup(path), *seg = copy, *dot;
	struct kp_node *cur = root;
	int error = 0;
	size_t i;

	for (;;) {
		dot = strchr(seg, '.');
		if (dot)
			*dot = '\0';
		if (!*seg) {
			error = kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
					     _("cannot set '%s': a key is "
					       "empty"),
					     path);
			goto done;
		}
		if (!dot)
			break;
		if (!(cur = step(doc, cur, seg, is_index(dot + 1)))) {
			error = not_there(path, seg, err);
			goto done;
		}
		seg = dot + 1;
	}
	if (cur->type == KP_MAP) {
		for (i = 0; i < cur->v.map.len; i++)
			if (strcmp(cur->v.map.pairs[i].key, seg) == 0) {
				cur->v.map.pairs[i].value = val;
				goto done;
			}
		kp_node_put(doc, cur, seg, strlen(seg), 0, 0, val);
	} else if (cur->type == KP_SEQ && is_index(seg) &&
		   strtoul(seg, NULL, 10) <= cur->v.seq.len) {
		unsigned long ix = strtoul(seg, NULL, 10);

		if (ix == cur->v.seq.len)
			kp_node_append(doc, cur, val);
		else
			cur->v.seq.items[ix] = val;
	} else {
		error = not_there(path, seg, err);
	}
done:
	free(copy);
	return error;
}

/* The value as YAML's core schema reads it: boolean, integer or string. */
static struct kp_node *typed_node(struct kp_doc *doc, const char *v,
				  unsigned line)
{
	struct kp_node *n;
	const char *p = v;

	if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0) {
		n = kp_node_new(doc, KP_BOOL, line, 1);
		n->v.boolean = v[0] == 't';
		return n;
	}
	if (*p == '-' || *p == '+')
		p++;
	if (*p && strlen(p) < 18 && is_index(p) && (p[0] != '0' || !p[1])) {
		n = kp_node_new(doc, KP_INT, line, 1);
		n->v.integer = strtoll(v, NULL, 10);
		return n;
	}
	return kp_node_new_str(doc, v, strlen(v), line, 1);
}

int kp_fields_set(struct kp_fields *f, const char *path, const char *value,
		  int typed, struct kp_error *err)
{
	unsigned line = SET_LINE + (unsigned)f->ntyped;
	struct kp_node *n =
		typed ? typed_node(f->doc, value, line)
		      : kp_node_new_str(f->doc, value, strlen(value), line, 1);
	int error;

	if ((error = put(f->doc, f->root, path, n, err)) < 0)
		return error;
	if (typed && n->type != KP_STR) {
		if (f->ntyped == f->alloc) {
			f->alloc = f->alloc ? f->alloc * 2 : 8;
			f->typed = kp_xrealloc(f->typed,
					       f->alloc * sizeof(*f->typed));
			f->raw =
				kp_xrealloc(f->raw, f->alloc * sizeof(*f->raw));
		}
		f->typed[f->ntyped] = n;
		f->raw[f->ntyped++] = kp_xstrdup(value);
	}
	return 0;
}

int kp_fields_set_arg(struct kp_fields *f, const char *arg,
		      struct kp_error *err)
{
	const char *eq = strchr(arg, '=');
	char *path;
	int error;

	if (!eq || eq == arg)
		return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				    _("--set wants KEY.PATH=VALUE, not '%s'"),
				    arg);
	path = kp_xstrndup(arg, (size_t)(eq - arg));
	error = kp_fields_set(f, path, eq + 1, 1, err);
	free(path);
	return error;
}

int kp_fields_load(struct kp_fields *f, const char *path, struct kp_error *err)
{
	struct kp_buf text = KP_BUF_INIT;
	int error;

	if ((error = kp_buf_read_file(&text, path, KP_PLAN_MAX, err)) == 0)
		error = kp_fields_load_text(f, path, text.buf, text.len, err);
	kp_buf_release(&text);
	return error;
}

/* 1 when key, as kp_yaml_key() writes it (quoted and escaped where it
 * must be), is over the 1024 characters that YAML allows an implicit key:
 * a plan that holds it would not load. */
static int key_too_long(const char *key, size_t len)
{
	struct kp_buf w = KP_BUF_INIT;
	size_t i, chars = 0;

	if (len < 1024 / 6)
		return 0;
	kp_yaml_key(&w, key, len);
	for (i = 0; i + 1 < w.len; i++)
		if (((unsigned char)w.buf[i] & 0xc0) != 0x80)
			chars++;
	kp_buf_release(&w);
	return chars > 1024;
}

/*
 * The first character of s that no plan can hold, because the loader
 * refuses it wherever it stands (NUL, which JSON can write as \u0000; a
 * C1 control; U+2028 and U+2029, line breaks to libyaml; U+FFFE and
 * U+FFFF), or -1.
 */
static long unheld_char(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == 0)
			return 0;
		if (i + 1 < n && p[i] == 0xc2 && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f)
			return p[i + 1];
		if (i + 2 < n && p[i] == 0xe2 && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0xa8 || p[i + 2] == 0xa9))
			return 0x2028 + (p[i + 2] - 0xa8);
		if (i + 2 < n && p[i] == 0xef && p[i + 1] == 0xbf &&
		    (p[i + 2] == 0xbe || p[i + 2] == 0xbf))
			return 0xfffe + (p[i + 2] - 0xbe);
	}
	return -1;
}

static int unheld(struct kp_error *err, const char *name, unsigned line,
		  unsigned col, long c)
{
	/* TRANSLATORS: a Unicode code point, as U+0085 */
	return kp_error_set(err, KP_EPARSE, name, line, col,
			    _("a value holds the character U+%04lX, which a "
			      "plan cannot hold"),
			    (unsigned long)c);
}

/*
 * A character that no plan can hold, or a key too long to write: refused
 * where it stands, not in a draft the person never saw.
 */
static int find_unheld(const struct kp_node *n, const char *name,
		       struct kp_error *err)
{
	size_t i;
	long c;
	int error = 0;

	switch (n->type) {
	case KP_STR:
		if ((c = unheld_char(n->v.str.ptr, n->v.str.len)) >= 0)
			return unheld(err, name, n->line, n->col, c);
		break;
	case KP_SEQ:
		for (i = 0; i < n->v.seq.len && !error; i++)
			error = find_unheld(n->v.seq.items[i], name, err);
		break;
	case KP_MAP:
		for (i = 0; i < n->v.map.len && !error; i++) {
			const struct kp_pair *p = &n->v.map.pairs[i];

			if ((c = unheld_char(p->key, p->keylen)) >= 0)
				return unheld(err, name, p->line, p->col, c);
			if (key_too_long(p->key, p->keylen))
				return kp_error_set(
					err, KP_EPARSE, name, p->line, p->col,
					_("this key is longer than 1024 "
					  "characters as a plan would hold "
					  "it, YAML's limit for a key: "
					  "shorten it"));
			error = find_unheld(p->value, name, err);
		}
		break;
	default: break;
	}
	return error;
}

int kp_fields_load_text(struct kp_fields *f, const char *name, const char *data,
			size_t len, struct kp_error *err)
{
	struct kp_doc *from = NULL;
	const struct kp_node *fr;
	const char *p = data, *end = data + len;
	const char *path = name;
	size_t i;
	int error;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	if (p < end && *p == '{')
		error = kp_json_parse(&from, data, len, path, err);
	else
		error = kp_yaml_parse(&from, data, len, 1, KP_YAML_PLAN, path,
				      err);
	if (error < 0)
		goto done;
	fr = kp_doc_root(from);
	if (fr && (error = find_unheld(fr, name, err)) < 0)
		goto done;
	if (!fr || fr->type != KP_MAP) {
		error = kp_error_set(err, KP_EPARSE, path, 1, 1,
				     _("expected a mapping of the plan's "
				       "fields"));
		goto done;
	}
	for (i = 0; i < fr->v.map.len; i++)
		kp_node_put(f->doc, f->root, fr->v.map.pairs[i].key,
			    fr->v.map.pairs[i].keylen, fr->v.map.pairs[i].line,
			    fr->v.map.pairs[i].col,
			    kp_node_copy(f->doc, fr->v.map.pairs[i].value));
done:
	kp_doc_free(from);
	return error;
}

void kp_fields_type(struct kp_fields *f, const struct kp_schema *schema,
		    const struct kp_node *base)
{
	struct kp_findings fs = KP_FINDINGS_INIT;
	struct kp_node *inst = kp_node_new(f->doc, KP_MAP, 0, 0), *one;
	size_t i, j;

	if (!base) {
		/* A new draft: what kiplan new sets itself. */
		one = kp_node_new(f->doc, KP_INT, 0, 0);
		one->v.integer = KP_FORMAT_VERSION;
		kp_node_put(f->doc, inst, "kiplan", 6, 0, 0, one);
		kp_node_put(f->doc, inst, "id", 2, 0, 0,
			    kp_node_new_str(f->doc, "ki-2000-0001", 12, 0, 0));
		kp_node_put(f->doc, inst, "status", 6, 0, 0,
			    kp_node_new_str(f->doc, "kladde", 6, 0, 0));
	}
	/* The fields over base, as the plan will hold them. */
	for (i = 0; base && i < base->v.map.len; i++) {
		const struct kp_pair *p = &base->v.map.pairs[i];

		if (!kp_map_get(f->root, p->key))
			kp_node_put(f->doc, inst, p->key, p->keylen, 0, 0,
				    p->value);
	}
	for (i = 0; i < f->root->v.map.len; i++) {
		const struct kp_pair *p = &f->root->v.map.pairs[i];

		if (base || (strcmp(p->key, "kiplan") && strcmp(p->key, "id") &&
			     strcmp(p->key, "status")))
			kp_node_put(f->doc, inst, p->key, p->keylen, 0, 0,
				    p->value);
	}
	kp_schema_validate(schema, inst, &fs);
	for (i = 0; i < f->ntyped; i++) {
		struct kp_node *nd = f->typed[i];

		for (j = 0; j < fs.len; j++)
			if (fs.v[j].line == nd->line) {
				nd->type = KP_STR;
				nd->v.str.ptr = kp_doc_strndup(
					f->doc, f->raw[i], strlen(f->raw[i]));
				nd->v.str.len = strlen(f->raw[i]);
				break;
			}
	}
	kp_findings_release(&fs);
}

/* ------------------------------------------------------------------ */
/* Changes to a plan                                                   */
/* ------------------------------------------------------------------ */

struct op {
	enum kp_edit_op op;
	char *path;
	struct kp_node *value; /* in the change's arena */
	char *raw;	       /* a typed value's text, or NULL */
};

struct kp_change {
	struct kp_doc *doc;
	struct op *v;
	size_t len, alloc;
};

struct kp_change *kp_change_new(void)
{
	struct kp_change *c = kp_xcalloc(1, sizeof(*c));

	c->doc = kp_doc_new();
	return c;
}

void kp_change_free(struct kp_change *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->len; i++) {
		free(c->v[i].path);
		free(c->v[i].raw);
	}
	free(c->v);
	kp_doc_free(c->doc);
	free(c);
}

size_t kp_change_count(const struct kp_change *c)
{
	return c->len;
}

static struct op *add_op(struct kp_change *c, enum kp_edit_op op,
			 const char *path)
{
	struct op *o;

	if (c->len == c->alloc) {
		c->alloc = c->alloc ? 2 * c->alloc : 8;
		c->v = kp_xrealloc(c->v, c->alloc * sizeof(*c->v));
	}
	o = &c->v[c->len++];
	memset(o, 0, sizeof(*o));
	o->op = op;
	o->path = kp_xstrdup(path);
	return o;
}

void kp_change_set(struct kp_change *c, const char *path,
		   const struct kp_node *value)
{
	add_op(c, KP_EDIT_SET, path)->value = kp_node_copy(c->doc, value);
}

void kp_change_set_str(struct kp_change *c, const char *path, const char *s)
{
	add_op(c, KP_EDIT_SET, path)->value =
		kp_node_new_str(c->doc, s, strlen(s), 0, 0);
}

int kp_change_set_arg(struct kp_change *c, const char *arg,
		      struct kp_error *err)
{
	const char *eq = strchr(arg, '=');
	char *path;
	struct op *o;

	if (!eq || eq == arg)
		return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				    _("--set wants KEY.PATH=VALUE, not '%s'"),
				    arg);
	path = kp_xstrndup(arg, (size_t)(eq - arg));
	o = add_op(c, KP_EDIT_SET, path);
	free(path);
	/* A line of its own, so that the schema's finding can name it. */
	o->value = typed_node(c->doc, eq + 1, SET_LINE + (unsigned)c->len);
	if (o->value->type != KP_STR)
		o->raw = kp_xstrdup(eq + 1);
	return 0;
}

void kp_change_remove(struct kp_change *c, const char *path)
{
	add_op(c, KP_EDIT_REMOVE, path);
}

int kp_change_sets(const struct kp_change *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->len; i++)
		if (strcmp(c->v[i].path, path) == 0)
			return 1;
	return 0;
}

/*
 * Remove the key at path from the tree at root, and a mapping that it
 * leaves empty (not the root).  A missing key is nothing to do.
 */
static void tree_remove(struct kp_node *root, const char *path)
{
	struct kp_node *cur = root, *parent = NULL;
	const char *seg = path, *dot;
	char *key = NULL, *pkey = NULL;
	size_t i, n;

	for (;;) {
		struct kp_node *next = NULL;

		dot = strchr(seg, '.');
		n = dot ? (size_t)(dot - seg) : strlen(seg);
		free(pkey);
		pkey = key;
		key = kp_xstrndup(seg, n);
		if (cur->type == KP_MAP)
			next = kp_map_get(cur, key);
		else if (cur->type == KP_SEQ && is_index(key) &&
			 strtoul(key, NULL, 10) < cur->v.seq.len)
			next = cur->v.seq.items[strtoul(key, NULL, 10)];
		if (!next)
			goto done;
		if (!dot)
			break;
		parent = cur;
		cur = next;
		seg = dot + 1;
	}
	if (cur->type != KP_MAP)
		goto done;
	for (i = 0; i < cur->v.map.len; i++)
		if (strcmp(cur->v.map.pairs[i].key, key) == 0) {
			memmove(&cur->v.map.pairs[i], &cur->v.map.pairs[i + 1],
				(cur->v.map.len - i - 1) *
					sizeof(*cur->v.map.pairs));
			cur->v.map.len--;
			break;
		}
	/* As the text edit does: an emptied mapping goes too. */
	if (!cur->v.map.len && parent && parent->type == KP_MAP && pkey) {
		char *up = kp_xstrndup(path, strlen(path) - strlen(key) - 1);

		tree_remove(root, up);
		free(up);
	}
done:
	free(key);
	free(pkey);
}

/* Type the values given by a person, as kp_fields_type() does. */
static void type_values(struct kp_change *c, const struct kp_schema *schema,
			const struct kp_node *root)
{
	struct kp_findings fs = KP_FINDINGS_INIT;
	size_t i, j;

	kp_schema_validate(schema, root, &fs);
	for (i = 0; i < c->len; i++) {
		struct kp_node *nd = c->v[i].value;

		if (!c->v[i].raw)
			continue;
		for (j = 0; j < fs.len; j++)
			if (fs.v[j].line == nd->line) {
				nd->type = KP_STR;
				nd->v.str.ptr =
					kp_doc_strndup(c->doc, c->v[i].raw,
						       strlen(c->v[i].raw));
				nd->v.str.len = strlen(c->v[i].raw);
				break;
			}
	}
	kp_findings_release(&fs);
}

int kp_change_apply(struct kp_buf *out, struct kp_plan **changed,
		    const struct kp_plan *plan, struct kp_change *c,
		    const struct kp_schema *schema, struct kp_error *err)
{
	struct kp_schema *builtin = NULL;
	struct kp_node *want;
	struct kp_plan *got = NULL;
	size_t i;
	int error = 0;

	*changed = NULL;
	kp_buf_reset(out);
	if (!schema) {
		if ((error = kp_schema_builtin(&builtin, err)) < 0)
			return error;
		schema = builtin;
	}
	/* The tree that the text must load as. */
	want = kp_node_copy(c->doc, plan->root);
	for (i = 0; i < c->len; i++) {
		if (c->v[i].op == KP_EDIT_REMOVE)
			tree_remove(want, c->v[i].path);
		else if ((error = put(c->doc, want, c->v[i].path, c->v[i].value,
				      err)) < 0)
			goto done;
	}
	type_values(c, schema, want);
	kp_buf_add(out, plan->text.buf, plan->text.len);
	for (i = 0; i < c->len; i++)
		if ((error = kp_yaml_edit(out, c->v[i].op, c->v[i].path,
					  c->v[i].value, err)) < 0)
			goto done;
	if ((error = kp_plan_parse(&got, plan->path, out->buf, out->len, 0,
				   err)) < 0)
		goto done;
	if (!kp_node_equal(got->root, want)) {
		error = kp_error_set(err, KP_EPARSE, plan->path, 0, 0,
				     _("the change could not be written "
				       "safely into the file's YAML; nothing "
				       "was changed"));
		goto done;
	}
	*changed = got;
	got = NULL;
done:
	kp_plan_free(got);
	kp_schema_free(builtin);
	if (error)
		kp_buf_reset(out);
	return error;
}

void kp_change_date_states(struct kp_change *c, const struct kp_plan *plan,
			   const char *date)
{
	const struct kp_node *root = plan->root;
	size_t i, n = c->len;

	for (i = 0; i < n; i++) {
		const char *p = c->v[i].path;
		unsigned long g, a;
		int end = 0;
		char dpath[96];
		const struct kp_node *act, *old;

		if (c->v[i].op != KP_EDIT_SET ||
		    sscanf(p, "maal.%lu.indsatser.%lu.status%n", &g, &a,
			   &end) != 2 ||
		    p[end] != '\0' || !is_index(p + 5))
			continue;
		act = kp_node_at(root, "maal");
		act = act && act->type == KP_SEQ && g < act->v.seq.len
			      ? kp_map_get(act->v.seq.items[g], "indsatser")
			      : NULL;
		act = act && act->type == KP_SEQ && a < act->v.seq.len
			      ? act->v.seq.items[a]
			      : NULL;
		old = kp_map_get(act, "status");
		if (old && kp_node_equal(old, c->v[i].value))
			continue;
		snprintf(dpath, sizeof(dpath),
			 "maal.%lu.indsatser.%lu.status_dato", g, a);
		if (!kp_change_sets(c, dpath))
			kp_change_set_str(c, dpath, date);
	}
}
