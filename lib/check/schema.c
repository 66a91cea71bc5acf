/*
 * schema.c: a JSON Schema (2020-12) interpreter for the subset that
 * kiplan's plan format uses (see man/kiplan-plan.5).
 *
 * A schema document is compiled once into a graph of struct sch that
 * owns copies of everything it needs (in an arena), with every pattern
 * compiled by PCRE2.  Keywords outside the subset are refused when the
 * schema is compiled, never ignored, so that a schema author learns at
 * once that a rule of theirs would not be enforced.
 *
 * Validation walks the instance and the graph together.  The properties
 * an in-place subschema evaluated successfully are tracked (one byte per
 * property of the instance object), which is what unevaluatedProperties
 * needs: a regional schema extends the closed base schema with allOf and
 * may add fields while unknown keys stay errors.
 */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "check/check.h"
#include "i18n.h"
#include "schema.h"
#include "banned.h"

/* Generated from schema/kiplan-1.schema.yaml by schema/embed.sh. */
extern const char *const kp_schema_text;
extern const size_t kp_schema_text_len;

#define BUILTIN_URN "urn:kiplan:schema:kiplan-1"
#define BUILTIN_NAME "kiplan-1.schema.yaml"

/* A schema file may be larger than a plan, but not unboundedly. */
#define SCHEMA_FILE_MAX (4 * KP_PLAN_MAX)
/* Nesting of schema objects in a hand-built tree. */
#define COMPILE_DEPTH_MAX 512
/* Nested evaluations (in-place applicators and instance levels). */
#define EVAL_DEPTH_MAX 1024
/* Subschema evaluations per validation, against exponential schemas. */
#define EVAL_STEPS_MAX 5000000UL
/* PCRE2 backtracking budget per match, so no pattern can hang us. */
#define MATCH_LIMIT 100000
#define MATCH_DEPTH_LIMIT 5000
#define MATCH_HEAP_LIMIT 8192 /* KiB */
/* Values quoted in messages are cut to about this many bytes. */
#define QUOTE_MAX 60

enum {
	T_NULL = 1 << 0,
	T_BOOL = 1 << 1,
	T_INT = 1 << 2,
	T_NUM = 1 << 3,
	T_STR = 1 << 4,
	T_ARR = 1 << 5,
	T_OBJ = 1 << 6
};

enum sch_kind { SCH_FALSE, SCH_TRUE, SCH_OBJ };
enum { FMT_NONE, FMT_DATE, FMT_EMAIL };

struct sch;

struct prop {
	const char *name;
	size_t len;
	struct sch *s;
};

struct pat {
	const char *src; /* for messages */
	size_t len;
	pcre2_code *re;
	struct sch *s;
};

struct strs {
	const char **v;
	size_t *len;
	size_t n;
};

struct dep {
	const char *name;
	size_t len;
	struct strs req;
};

struct sch {
	enum sch_kind kind;
	unsigned line, col;
	const char *title, *description;
	unsigned types;		/* 0: no type keyword */
	struct kp_node *enum_v; /* a KP_SEQ */
	struct kp_node *const_v;
	struct kp_node *minimum, *maximum, *exmin, *exmax, *multiple;
	long long min_len, max_len, min_items, max_items;
	long long min_props, max_props; /* -1: not given */
	int unique;
	int format;
	struct pat *pattern;
	struct prop *props;
	struct prop **sorted; /* props by name, for bsearch */
	size_t nprops;
	struct pat *pprops;
	size_t npprops;
	struct sch *additional, *unevaluated, *items, *not_s;
	struct sch *if_s, *then_s, *else_s, *ref;
	struct sch **prefix, **all_of, **any_of, **one_of;
	size_t nprefix, nall, nany, none;
	struct strs required;
	struct dep *deps;
	size_t ndeps;
};

struct kp_schema {
	struct kp_doc *arena;
	struct sch *root;
	pcre2_code **codes;
	size_t ncodes, acodes;
	int has_regex;
};

/* ------------------------------------------------------------------ */
/* Compiling                                                           */
/* ------------------------------------------------------------------ */

/* A document that $ref may point into. */
struct cdoc {
	const struct kp_node *root;
	const char *id; /* its root $id, or NULL */
	size_t idlen;
	struct kp_doc *owned; /* the built-in schema, loaded on demand */
};

struct pending {
	struct sch *s;
	int doc;
	const struct kp_node *ref; /* the $ref string */
	unsigned line, col;
};

struct memo_slot {
	const struct kp_node *node;
	struct sch *s;
};

struct compiler {
	struct kp_schema *schema;
	const char *name;
	struct kp_error *err;
	struct cdoc docs[2];
	int ndocs;
	struct pending *pend;
	size_t npend, apend;
	struct memo_slot *memo;
	size_t nmemo, cap;
	struct kp_buf tmp;
};

/* The first C0 control character or DEL in s, or -1. */
static int first_control(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return (unsigned char)s[i];
	return -1;
}

static void *arena_calloc(struct kp_schema *schema, size_t n, size_t size)
{
	void *p;

	if (!n)
		return NULL;
	p = kp_doc_alloc(schema->arena, n * size);
	memset(p, 0, n * size);
	return p;
}

static char *arena_strdup(struct kp_schema *schema, const char *s, size_t len)
{
	return kp_doc_strndup(schema->arena, s, len);
}

static size_t ptr_hash(const void *p, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)p;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h & (cap - 1);
}

static struct sch *memo_get(struct compiler *c, const struct kp_node *node)
{
	size_t k;

	if (!c->cap)
		return NULL;
	for (k = ptr_hash(node, c->cap); c->memo[k].node;
	     k = (k + 1) & (c->cap - 1))
		if (c->memo[k].node == node)
			return c->memo[k].s;
	return NULL;
}

static void memo_put(struct compiler *c, const struct kp_node *node,
		     struct sch *s)
{
	size_t k, i;

	if (c->nmemo * 2 >= c->cap) {
		struct memo_slot *old = c->memo;
		size_t oldcap = c->cap;

		c->cap = c->cap ? c->cap * 2 : 64;
		c->memo = kp_xcalloc(c->cap, sizeof(*c->memo));
		c->nmemo = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i].node)
				memo_put(c, old[i].node, old[i].s);
		free(old);
	}
	for (k = ptr_hash(node, c->cap); c->memo[k].node;
	     k = (k + 1) & (c->cap - 1))
		;
	c->memo[k].node = node;
	c->memo[k].s = s;
	c->nmemo++;
}

/* Append s, escaped and cut to about QUOTE_MAX bytes, to b. */
static void add_quoted(struct kp_buf *b, const char *s, size_t len)
{
	if (len > QUOTE_MAX) {
		size_t cut = QUOTE_MAX - 3;

		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
		kp_buf_add_escaped(b, s, cut);
		kp_buf_addstr(b, "...");
	} else {
		kp_buf_add_escaped(b, s, len);
	}
}

static int cerr(struct compiler *c, unsigned line, unsigned col,
		const char *fmt, const char *what, size_t len)
{
	kp_buf_reset(&c->tmp);
	add_quoted(&c->tmp, what, len);
	return kp_error_set(c->err, KP_ESCHEMA, c->name, line, col, fmt,
			    c->tmp.buf);
}

static int is_schema_node(const struct kp_node *n)
{
	return n->type == KP_MAP || n->type == KP_BOOL;
}

/* An integer >= 0 (2.0 counts, as JSON Schema says). */
static int count_value(const struct kp_node *n, long long *out)
{
	if (n->type == KP_INT && n->v.integer >= 0) {
		*out = n->v.integer;
		return 0;
	}
	if (n->type == KP_FLOAT && n->v.real >= 0 && n->v.real < 9.2e18 &&
	    floor(n->v.real) == n->v.real) {
		*out = (long long)n->v.real;
		return 0;
	}
	return -1;
}

static int type_bit(const char *s)
{
	static const struct {
		const char *name;
		int bit;
	} types[] = { { "null", T_NULL },   { "boolean", T_BOOL },
		      { "integer", T_INT }, { "number", T_NUM },
		      { "string", T_STR },  { "array", T_ARR },
		      { "object", T_OBJ } };
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(s, types[i].name) == 0)
			return types[i].bit;
	return 0;
}

static int compile_pattern(struct compiler *c, struct pat *out,
			   const struct kp_node *src, unsigned line,
			   unsigned col)
{
	struct kp_buf pcre = KP_BUF_INIT;
	struct kp_schema *schema = c->schema;
	PCRE2_UCHAR msg[120];
	PCRE2_SIZE off;
	int code;
	pcre2_code *re;

	kp_regex_translate(&pcre, src->v.str.ptr, src->v.str.len);
	re = pcre2_compile((PCRE2_SPTR)pcre.buf, pcre.len,
			   PCRE2_UTF | PCRE2_DOLLAR_ENDONLY, &code, &off, NULL);
	kp_buf_release(&pcre);
	if (!re) {
		struct kp_buf m = KP_BUF_INIT;

		pcre2_get_error_message(code, msg, sizeof(msg));
		add_quoted(&m, src->v.str.ptr, src->v.str.len);
		kp_error_set(c->err, KP_ESCHEMA, c->name, line, col,
			     _("invalid pattern '%s': %s"), m.buf, (char *)msg);
		kp_buf_release(&m);
		return KP_ESCHEMA;
	}
	if (schema->ncodes == schema->acodes) {
		schema->acodes = schema->acodes ? schema->acodes * 2 : 8;
		schema->codes = kp_xrealloc(
			schema->codes, schema->acodes * sizeof(*schema->codes));
	}
	schema->codes[schema->ncodes++] = re;
	schema->has_regex = 1;
	/*
	 * Compiled to machine code where PCRE2 can (several times faster:
	 * every text field of a plan is matched); where it cannot, the
	 * interpreter matches, as regex_match() does when the JIT gives up.
	 */
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	out->re = re;
	out->src = arena_strdup(schema, src->v.str.ptr, src->v.str.len);
	out->len = src->v.str.len;
	return 0;
}

static int compile_node(struct compiler *c, int doc, const struct kp_node *n,
			int depth, struct sch **out);

static int compile_strs(struct compiler *c, struct strs *out,
			const struct kp_node *v, const struct kp_pair *kw)
{
	size_t i;

	if (v->type != KP_SEQ)
		return cerr(c, kw->line, kw->col,
			    _("'%s' must be an array of strings"), kw->key,
			    kw->keylen);
	out->n = v->v.seq.len;
	out->v = arena_calloc(c->schema, out->n, sizeof(*out->v));
	out->len = arena_calloc(c->schema, out->n, sizeof(*out->len));
	for (i = 0; i < out->n; i++) {
		const struct kp_node *s = v->v.seq.items[i];

		if (s->type != KP_STR)
			return cerr(c, s->line, s->col,
				    _("'%s' must be an array of strings"),
				    kw->key, kw->keylen);
		out->v[i] = arena_strdup(c->schema, s->v.str.ptr, s->v.str.len);
		out->len[i] = s->v.str.len;
	}
	return 0;
}

static int compile_list(struct compiler *c, int doc, const struct kp_node *v,
			const struct kp_pair *kw, int depth, struct sch ***out,
			size_t *n)
{
	size_t i;
	int error;

	if (v->type != KP_SEQ || v->v.seq.len == 0)
		return cerr(c, kw->line, kw->col,
			    _("'%s' must be a non-empty array of schemas"),
			    kw->key, kw->keylen);
	*n = v->v.seq.len;
	*out = arena_calloc(c->schema, *n, sizeof(**out));
	for (i = 0; i < *n; i++)
		if ((error = compile_node(c, doc, v->v.seq.items[i], depth + 1,
					  &(*out)[i])) < 0)
			return error;
	return 0;
}

static int prop_cmp(const void *a, const void *b)
{
	const struct prop *x = *(const struct prop *const *)a;
	const struct prop *y = *(const struct prop *const *)b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->name, y->name, n);

	if (r)
		return r;
	return x->len < y->len ? -1 : x->len > y->len;
}

static int number_node(struct compiler *c, const struct kp_node *v,
		       const struct kp_pair *kw, struct kp_node **out)
{
	if (v->type != KP_INT && v->type != KP_FLOAT)
		return cerr(c, kw->line, kw->col, _("'%s' must be a number"),
			    kw->key, kw->keylen);
	*out = kp_node_copy(c->schema->arena, v);
	return 0;
}

static int count_kw(struct compiler *c, const struct kp_node *v,
		    const struct kp_pair *kw, long long *out)
{
	if (count_value(v, out) < 0)
		return cerr(c, kw->line, kw->col,
			    _("'%s' must be a non-negative integer"), kw->key,
			    kw->keylen);
	return 0;
}

/* Keywords that are kept or ignored (annotations), with their check. */
static int annotation(struct compiler *c, struct sch *s,
		      const struct kp_pair *kw, int *handled)
{
	const struct kp_node *v = kw->value;
	const char *k = kw->key;

	*handled = 1;
	if (!strcmp(k, "$schema") || !strcmp(k, "$id") ||
	    !strcmp(k, "$comment")) {
		if (v->type != KP_STR)
			return cerr(c, kw->line, kw->col,
				    _("'%s' must be a string"), k, kw->keylen);
	} else if (!strcmp(k, "title") || !strcmp(k, "description")) {
		if (v->type != KP_STR)
			return cerr(c, kw->line, kw->col,
				    _("'%s' must be a string"), k, kw->keylen);
		*(k[0] == 't' ? &s->title : &s->description) =
			arena_strdup(c->schema, v->v.str.ptr, v->v.str.len);
	} else if (!strcmp(k, "default")) {
		/* any value */
	} else if (!strcmp(k, "examples")) {
		if (v->type != KP_SEQ)
			return cerr(c, kw->line, kw->col,
				    _("'%s' must be an array"), k, kw->keylen);
	} else if (!strcmp(k, "deprecated") || !strcmp(k, "readOnly") ||
		   !strcmp(k, "writeOnly")) {
		if (v->type != KP_BOOL)
			return cerr(c, kw->line, kw->col,
				    _("'%s' must be a boolean"), k, kw->keylen);
	} else {
		*handled = 0;
	}
	return 0;
}

static int compile_props(struct compiler *c, int doc, struct sch *s,
			 const struct kp_pair *kw, int depth)
{
	const struct kp_node *v = kw->value;
	size_t i;
	int error;

	if (v->type != KP_MAP)
		return cerr(c, kw->line, kw->col,
			    _("'%s' must be an object of schemas"), kw->key,
			    kw->keylen);
	s->nprops = v->v.map.len;
	s->props = arena_calloc(c->schema, s->nprops, sizeof(*s->props));
	s->sorted = arena_calloc(c->schema, s->nprops, sizeof(*s->sorted));
	for (i = 0; i < s->nprops; i++) {
		const struct kp_pair *p = &v->v.map.pairs[i];

		s->props[i].name = arena_strdup(c->schema, p->key, p->keylen);
		s->props[i].len = p->keylen;
		if ((error = compile_node(c, doc, p->value, depth + 1,
					  &s->props[i].s)) < 0)
			return error;
		s->sorted[i] = &s->props[i];
	}
	if (s->nprops)
		qsort(s->sorted, s->nprops, sizeof(*s->sorted), prop_cmp);
	return 0;
}

static int compile_pprops(struct compiler *c, int doc, struct sch *s,
			  const struct kp_pair *kw, int depth)
{
	const struct kp_node *v = kw->value;
	size_t i;
	int error;

	if (v->type != KP_MAP)
		return cerr(c, kw->line, kw->col,
			    _("'%s' must be an object of schemas"), kw->key,
			    kw->keylen);
	s->npprops = v->v.map.len;
	s->pprops = arena_calloc(c->schema, s->npprops, sizeof(*s->pprops));
	for (i = 0; i < s->npprops; i++) {
		const struct kp_pair *p = &v->v.map.pairs[i];
		struct kp_node key;

		memset(&key, 0, sizeof(key));
		key.type = KP_STR;
		key.v.str.ptr = p->key;
		key.v.str.len = p->keylen;
		if ((error = compile_pattern(c, &s->pprops[i], &key, p->line,
					     p->col)) < 0)
			return error;
		if ((error = compile_node(c, doc, p->value, depth + 1,
					  &s->pprops[i].s)) < 0)
			return error;
	}
	return 0;
}

static int compile_deps(struct compiler *c, struct sch *s,
			const struct kp_pair *kw)
{
	const struct kp_node *v = kw->value;
	size_t i;
	int error;

	if (v->type != KP_MAP)
		return cerr(c, kw->line, kw->col,
			    _("'%s' must be an object of string arrays"),
			    kw->key, kw->keylen);
	s->ndeps = v->v.map.len;
	s->deps = arena_calloc(c->schema, s->ndeps, sizeof(*s->deps));
	for (i = 0; i < s->ndeps; i++) {
		const struct kp_pair *p = &v->v.map.pairs[i];

		s->deps[i].name = arena_strdup(c->schema, p->key, p->keylen);
		s->deps[i].len = p->keylen;
		if ((error = compile_strs(c, &s->deps[i].req, p->value, kw)) <
		    0)
			return error;
	}
	return 0;
}

static int compile_keyword(struct compiler *c, int doc, struct sch *s,
			   const struct kp_pair *kw, int depth)
{
	const struct kp_node *v = kw->value;
	const char *k = kw->key;
	size_t i;
	int error, handled;

	if (strlen(k) != kw->keylen)
		goto unsupported;
	if ((error = annotation(c, s, kw, &handled)) < 0 || handled)
		return error;
	if (!strcmp(k, "type")) {
		if (v->type == KP_STR) {
			if (!(s->types = (unsigned)type_bit(v->v.str.ptr)))
				return cerr(c, v->line, v->col,
					    _("unknown type '%s'"),
					    v->v.str.ptr, v->v.str.len);
			return 0;
		}
		if (v->type != KP_SEQ || !v->v.seq.len)
			return cerr(c, kw->line, kw->col,
				    _("'%s' must be a type name or an array of "
				      "them"),
				    k, kw->keylen);
		for (i = 0; i < v->v.seq.len; i++) {
			const struct kp_node *t = v->v.seq.items[i];
			int bit =
				t->type == KP_STR ? type_bit(t->v.str.ptr) : 0;

			if (!bit)
				return cerr(c, t->line, t->col,
					    _("unknown type in '%s'"), k,
					    kw->keylen);
			if (s->types & (unsigned)bit)
				return cerr(c, t->line, t->col,
					    _("duplicate type in '%s'"), k,
					    kw->keylen);
			s->types |= (unsigned)bit;
		}
		return 0;
	}
	if (!strcmp(k, "enum")) {
		if (v->type != KP_SEQ)
			return cerr(c, kw->line, kw->col,
				    _("'%s' must be an array"), k, kw->keylen);
		s->enum_v = kp_node_copy(c->schema->arena, v);
		return 0;
	}
	if (!strcmp(k, "const")) {
		s->const_v = kp_node_copy(c->schema->arena, v);
		return 0;
	}
	if (!strcmp(k, "required"))
		return compile_strs(c, &s->required, v, kw);
	if (!strcmp(k, "dependentRequired"))
		return compile_deps(c, s, kw);
	if (!strcmp(k, "properties"))
		return compile_props(c, doc, s, kw, depth);
	if (!strcmp(k, "patternProperties"))
		return compile_pprops(c, doc, s, kw, depth);
	if (!strcmp(k, "additionalProperties"))
		return compile_node(c, doc, v, depth + 1, &s->additional);
	if (!strcmp(k, "unevaluatedProperties"))
		return compile_node(c, doc, v, depth + 1, &s->unevaluated);
	if (!strcmp(k, "items"))
		return compile_node(c, doc, v, depth + 1, &s->items);
	if (!strcmp(k, "not"))
		return compile_node(c, doc, v, depth + 1, &s->not_s);
	if (!strcmp(k, "if"))
		return compile_node(c, doc, v, depth + 1, &s->if_s);
	if (!strcmp(k, "then"))
		return compile_node(c, doc, v, depth + 1, &s->then_s);
	if (!strcmp(k, "else"))
		return compile_node(c, doc, v, depth + 1, &s->else_s);
	if (!strcmp(k, "prefixItems"))
		return compile_list(c, doc, v, kw, depth, &s->prefix,
				    &s->nprefix);
	if (!strcmp(k, "allOf"))
		return compile_list(c, doc, v, kw, depth, &s->all_of, &s->nall);
	if (!strcmp(k, "anyOf"))
		return compile_list(c, doc, v, kw, depth, &s->any_of, &s->nany);
	if (!strcmp(k, "oneOf"))
		return compile_list(c, doc, v, kw, depth, &s->one_of, &s->none);
	if (!strcmp(k, "minItems"))
		return count_kw(c, v, kw, &s->min_items);
	if (!strcmp(k, "maxItems"))
		return count_kw(c, v, kw, &s->max_items);
	if (!strcmp(k, "minLength"))
		return count_kw(c, v, kw, &s->min_len);
	if (!strcmp(k, "maxLength"))
		return count_kw(c, v, kw, &s->max_len);
	if (!strcmp(k, "minProperties"))
		return count_kw(c, v, kw, &s->min_props);
	if (!strcmp(k, "maxProperties"))
		return count_kw(c, v, kw, &s->max_props);
	if (!strcmp(k, "uniqueItems")) {
		if (v->type != KP_BOOL)
			return cerr(c, kw->line, kw->col,
				    _("'%s' must be a boolean"), k, kw->keylen);
		s->unique = v->v.boolean;
		return 0;
	}
	if (!strcmp(k, "minimum"))
		return number_node(c, v, kw, &s->minimum);
	if (!strcmp(k, "maximum"))
		return number_node(c, v, kw, &s->maximum);
	if (!strcmp(k, "exclusiveMinimum"))
		return number_node(c, v, kw, &s->exmin);
	if (!strcmp(k, "exclusiveMaximum"))
		return number_node(c, v, kw, &s->exmax);
	if (!strcmp(k, "multipleOf")) {
		if ((error = number_node(c, v, kw, &s->multiple)) < 0)
			return error;
		if ((v->type == KP_INT && v->v.integer <= 0) ||
		    (v->type == KP_FLOAT && !(v->v.real > 0)))
			return cerr(c, kw->line, kw->col,
				    _("'%s' must be greater than 0"), k,
				    kw->keylen);
		return 0;
	}
	if (!strcmp(k, "pattern")) {
		if (v->type != KP_STR)
			return cerr(c, kw->line, kw->col,
				    _("'%s' must be a string"), k, kw->keylen);
		s->pattern = arena_calloc(c->schema, 1, sizeof(*s->pattern));
		return compile_pattern(c, s->pattern, v, kw->line, kw->col);
	}
	if (!strcmp(k, "format")) {
		if (v->type != KP_STR)
			return cerr(c, kw->line, kw->col,
				    _("'%s' must be a string"), k, kw->keylen);
		if (!strcmp(v->v.str.ptr, "date"))
			s->format = FMT_DATE;
		else if (!strcmp(v->v.str.ptr, "email"))
			s->format = FMT_EMAIL;
		else
			return cerr(
				c, v->line, v->col,
				_("unsupported format '%s' (supported: date, "
				  "email)"),
				v->v.str.ptr, v->v.str.len);
		return 0;
	}
	if (!strcmp(k, "$defs")) {
		if (v->type != KP_MAP)
			return cerr(c, kw->line, kw->col,
				    _("'%s' must be an object of schemas"), k,
				    kw->keylen);
		for (i = 0; i < v->v.map.len; i++) {
			struct sch *d;

			if ((error = compile_node(c, doc,
						  v->v.map.pairs[i].value,
						  depth + 1, &d)) < 0)
				return error;
		}
		return 0;
	}
	if (!strcmp(k, "$ref")) {
		struct pending *p;

		if (v->type != KP_STR)
			return cerr(c, kw->line, kw->col,
				    _("'%s' must be a string"), k, kw->keylen);
		if (c->npend == c->apend) {
			c->apend = c->apend ? c->apend * 2 : 16;
			c->pend = kp_xrealloc(c->pend,
					      c->apend * sizeof(*c->pend));
		}
		p = &c->pend[c->npend++];
		p->s = s;
		p->doc = doc;
		p->ref = v;
		p->line = kw->line;
		p->col = kw->col;
		return 0;
	}
unsupported:
	return cerr(c, kw->line, kw->col, _("unsupported keyword '%s'"), k,
		    kw->keylen);
}

static int compile_node(struct compiler *c, int doc, const struct kp_node *n,
			int depth, struct sch **out)
{
	struct sch *s;
	size_t i;
	int error;

	if ((s = memo_get(c, n)) != NULL) {
		*out = s;
		return 0;
	}
	if (!is_schema_node(n))
		return kp_error_set(
			c->err, KP_ESCHEMA, c->name, n->line, n->col,
			_("a schema must be an object or a boolean, not %s"),
			kp_type_name(n->type));
	if (depth > COMPILE_DEPTH_MAX)
		return kp_error_set(c->err, KP_ESCHEMA, c->name, n->line,
				    n->col, _("schema nested too deeply"));
	s = arena_calloc(c->schema, 1, sizeof(*s));
	s->line = n->line;
	s->col = n->col;
	s->min_len = s->max_len = s->min_items = s->max_items = -1;
	s->min_props = s->max_props = -1;
	memo_put(c, n, s);
	*out = s;
	if (n->type == KP_BOOL) {
		s->kind = n->v.boolean ? SCH_TRUE : SCH_FALSE;
		return 0;
	}
	s->kind = SCH_OBJ;
	for (i = 0; i < n->v.map.len; i++)
		if ((error = compile_keyword(c, doc, s, &n->v.map.pairs[i],
					     depth)) < 0)
			return error;
	return 0;
}

static int hexdigit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Follow the JSON pointer in a URI fragment (still %-encoded) from root.
 * NULL when it does not lead anywhere.
 */
static const struct kp_node *follow_pointer(const struct kp_node *root,
					    const char *frag, size_t len)
{
	struct kp_buf dec = KP_BUF_INIT, tok = KP_BUF_INIT;
	const struct kp_node *n = root;
	size_t i;

	for (i = 0; i < len; i++) {
		if (frag[i] == '%') {
			int h, l;

			if (i + 2 >= len)
				goto fail;
			h = hexdigit(frag[i + 1]);
			l = hexdigit(frag[i + 2]);
			if (h < 0 || l < 0)
				goto fail;
			kp_buf_addch(&dec, h * 16 + l);
			i += 2;
		} else {
			kp_buf_addch(&dec, frag[i]);
		}
	}
	i = 0;
	if (dec.len && dec.buf[0] != '/')
		goto fail;
	while (i < dec.len) {
		size_t j;

		i++; /* the '/' */
		kp_buf_reset(&tok);
		for (j = i; j < dec.len && dec.buf[j] != '/'; j++) {
			if (dec.buf[j] == '~') {
				if (j + 1 < dec.len && dec.buf[j + 1] == '0')
					kp_buf_addch(&tok, '~');
				else if (j + 1 < dec.len &&
					 dec.buf[j + 1] == '1')
					kp_buf_addch(&tok, '/');
				else
					goto fail;
				j++;
			} else {
				kp_buf_addch(&tok, dec.buf[j]);
			}
		}
		i = j;
		if (n->type == KP_MAP) {
			const struct kp_node *next = NULL;
			size_t k;

			for (k = 0; k < n->v.map.len; k++)
				if (n->v.map.pairs[k].keylen == tok.len &&
				    memcmp(n->v.map.pairs[k].key, tok.buf,
					   tok.len) == 0)
					next = n->v.map.pairs[k].value;
			if (!next)
				goto fail;
			n = next;
		} else if (n->type == KP_SEQ) {
			size_t idx = 0, k;

			if (!tok.len || tok.len > 9 ||
			    (tok.len > 1 && tok.buf[0] == '0'))
				goto fail;
			for (k = 0; k < tok.len; k++) {
				if (tok.buf[k] < '0' || tok.buf[k] > '9')
					goto fail;
				idx = idx * 10 + (size_t)(tok.buf[k] - '0');
			}
			if (idx >= n->v.seq.len)
				goto fail;
			n = n->v.seq.items[idx];
		} else {
			goto fail;
		}
	}
	kp_buf_release(&dec);
	kp_buf_release(&tok);
	return n;
fail:
	kp_buf_release(&dec);
	kp_buf_release(&tok);
	return NULL;
}

static void set_doc_id(struct cdoc *d)
{
	const struct kp_node *id = kp_map_get(d->root, "$id");

	d->id = kp_node_str(id);
	d->idlen = d->id ? id->v.str.len : 0;
	/* a trailing empty fragment is the same document */
	if (d->id && d->idlen && d->id[d->idlen - 1] == '#')
		d->idlen--;
}

/*
 * The document that a $ref's base (before '#') names; KP_ENOTFOUND when
 * none, another negative code (err set) when the built-in one is broken.
 */
static int ref_doc(struct compiler *c, int from, const char *base, size_t len)
{
	int i;

	if (!len)
		return from;
	for (i = 0; i < c->ndocs; i++)
		if (c->docs[i].id && c->docs[i].idlen == len &&
		    memcmp(c->docs[i].id, base, len) == 0)
			return i;
	if (len == strlen(BUILTIN_URN) && memcmp(base, BUILTIN_URN, len) == 0 &&
	    c->ndocs < 2) {
		struct kp_doc *doc = NULL;
		struct cdoc *d = &c->docs[c->ndocs];

		int error =
			kp_yaml_parse(&doc, kp_schema_text, kp_schema_text_len,
				      1, 0, BUILTIN_NAME, c->err);

		if (error < 0 || !kp_doc_root(doc)) {
			kp_doc_free(doc);
			return error < 0
				       ? error
				       : kp_error_set(c->err, KP_ESCHEMA,
						      BUILTIN_NAME, 0, 0,
						      _("the schema is empty"));
		}
		d->owned = doc;
		d->root = kp_doc_root(doc);
		set_doc_id(d);
		return c->ndocs++;
	}
	return KP_ENOTFOUND;
}

static int resolve_refs(struct compiler *c)
{
	size_t i;
	int error;

	/* compiling a target may add more references: a worklist */
	for (i = 0; i < c->npend; i++) {
		struct pending p = c->pend[i];
		const char *ref = p.ref->v.str.ptr;
		size_t len = p.ref->v.str.len;
		const char *hash = memchr(ref, '#', len);
		size_t blen = hash ? (size_t)(hash - ref) : len;
		const struct kp_node *target;
		int doc = ref_doc(c, p.doc, ref, blen);

		if (doc < 0 && doc != KP_ENOTFOUND)
			return doc;
		if (doc < 0)
			return cerr(c, p.line, p.col,
				    _("cannot resolve $ref '%s' (only "
				      "references within the document and to "
				      "urn:kiplan:schema:kiplan-1 are "
				      "supported)"),
				    ref, len);
		if (hash && hash + 1 < ref + len && hash[1] != '/')
			return cerr(
				c, p.line, p.col,
				_("cannot resolve $ref '%s' (anchors are not "
				  "supported)"),
				ref, len);
		target = hash ? follow_pointer(c->docs[doc].root, hash + 1,
					       len - blen - 1)
			      : c->docs[doc].root;
		if (!target)
			return cerr(c, p.line, p.col,
				    _("cannot resolve $ref '%s'"), ref, len);
		if ((error = compile_node(c, doc, target, 0, &p.s->ref)) < 0)
			return error;
	}
	return 0;
}

int kp_schema_compile(struct kp_schema **out, const struct kp_node *doc,
		      const char *name, struct kp_error *err)
{
	struct compiler c;
	struct kp_schema *schema;
	int error, i;

	*out = NULL;
	if (!doc)
		return kp_error_set(err, KP_ESCHEMA, name, 0, 0,
				    _("the schema is empty"));
	memset(&c, 0, sizeof(c));
	kp_buf_init(&c.tmp);
	schema = kp_xcalloc(1, sizeof(*schema));
	schema->arena = kp_doc_new();
	c.schema = schema;
	c.name = name;
	c.err = err;
	c.docs[0].root = doc;
	if (doc->type == KP_MAP)
		set_doc_id(&c.docs[0]);
	c.ndocs = 1;
	if ((error = compile_node(&c, 0, doc, 0, &schema->root)) < 0)
		goto done;
	if ((error = resolve_refs(&c)) < 0)
		goto done;
	*out = schema;
	schema = NULL;
done:
	kp_schema_free(schema);
	for (i = 0; i < c.ndocs; i++)
		kp_doc_free(c.docs[i].owned);
	free(c.pend);
	free(c.memo);
	kp_buf_release(&c.tmp);
	return error;
}

void kp_schema_free(struct kp_schema *schema)
{
	size_t i;

	if (!schema)
		return;
	for (i = 0; i < schema->ncodes; i++)
		pcre2_code_free(schema->codes[i]);
	free(schema->codes);
	kp_doc_free(schema->arena);
	free(schema);
}

int kp_schema_load(struct kp_schema **out, const char *path,
		   struct kp_error *err)
{
	struct kp_buf text = KP_BUF_INIT;
	struct kp_doc *doc = NULL;
	size_t i;
	int error;

	*out = NULL;
	if ((error = kp_buf_read_file(&text, path, SCHEMA_FILE_MAX, err)) < 0)
		goto done;
	for (i = 0; i < text.len && strchr(" \t\r\n", text.buf[i]); i++)
		;
	if (i < text.len && (text.buf[i] == '{' || text.buf[i] == '['))
		error = kp_json_parse(&doc, text.buf, text.len, path, err);
	else
		error = kp_yaml_parse(&doc, text.buf, text.len, 1, 0, path,
				      err);
	if (error < 0)
		goto done;
	error = kp_schema_compile(out, kp_doc_root(doc), path, err);
done:
	kp_doc_free(doc);
	kp_buf_release(&text);
	return error;
}

const char *kp_schema_builtin_text(size_t *len)
{
	if (len)
		*len = kp_schema_text_len;
	return kp_schema_text;
}

int kp_schema_builtin(struct kp_schema **out, struct kp_error *err)
{
	struct kp_doc *doc = NULL;
	int error;

	*out = NULL;
	if ((error = kp_yaml_parse(&doc, kp_schema_text, kp_schema_text_len, 1,
				   0, BUILTIN_NAME, err)) < 0)
		return error;
	error = kp_schema_compile(out, kp_doc_root(doc), BUILTIN_NAME, err);
	kp_doc_free(doc);
	return error;
}

/* ------------------------------------------------------------------ */
/* Formats                                                             */
/* ------------------------------------------------------------------ */

static int is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int is_atext(char ch)
{
	return is_alpha(ch) || is_digit(ch) ||
	       (ch && strchr("!#$%&'*+-/=?^_`{|}~", ch));
}

/* RFC 5321 Domain: sub-domain *("." sub-domain), at most 255 bytes. */
static int valid_domain(const char *s, size_t len)
{
	size_t i = 0;

	if (!len || len > 255)
		return 0;
	while (i < len) {
		size_t start = i;

		if (!is_alpha(s[i]) && !is_digit(s[i]))
			return 0;
		while (i < len &&
		       (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '-'))
			i++;
		if (s[i - 1] == '-' || i - start > 63)
			return 0;
		if (i < len) {
			if (s[i] != '.' || i + 1 == len)
				return 0;
			i++;
		}
	}
	return 1;
}

static int valid_ipv4(const char *s, size_t len)
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		size_t start = i;
		int v = 0;

		while (i < len && is_digit(s[i]) && i - start < 3)
			v = v * 10 + (s[i++] - '0');
		if (i == start || v > 255)
			return 0;
		if (part < 3) {
			if (i >= len || s[i] != '.')
				return 0;
			i++;
		}
	}
	return i == len;
}

/* RFC 4291 text form, with an optional trailing IPv4 address. */
static int valid_ipv6(const char *s, size_t len)
{
	size_t i = 0;
	int groups = 0, gap = 0;

	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 1;
		i = 2;
	} else if (len && s[0] == ':') {
		return 0;
	}
	while (i < len) {
		size_t start = i;
		const char *dot;

		while (i < len && hexdigit(s[i]) >= 0 && i - start < 4)
			i++;
		if (i == start)
			return 0;
		dot = memchr(s + start, '.', len - start);
		if (dot && (i == len || s[i] == '.')) {
			if (!valid_ipv4(s + start, len - start))
				return 0;
			groups += 2;
			i = len;
			break;
		}
		groups++;
		if (i == len)
			break;
		if (s[i] != ':')
			return 0;
		i++;
		if (i < len && s[i] == ':') {
			if (gap)
				return 0;
			gap = 1;
			i++;
			if (i == len)
				break;
		} else if (i == len) {
			return 0;
		}
	}
	return gap ? groups <= 7 : groups == 8;
}

/* RFC 5321 Mailbox: Local-part "@" ( Domain / address-literal ). */
static int valid_email(const char *s, size_t len)
{
	size_t i = 0, local;

	if (len && s[0] == '"') {
		for (i = 1; i < len && s[i] != '"'; i++) {
			unsigned char ch = (unsigned char)s[i];

			if (ch == '\\') {
				if (++i >= len || (unsigned char)s[i] < 32 ||
				    (unsigned char)s[i] > 126)
					return 0;
			} else if (ch < 32 || ch > 126) {
				return 0;
			}
		}
		if (i >= len)
			return 0;
		i++;
	} else {
		for (;;) {
			size_t start = i;

			while (i < len && is_atext(s[i]))
				i++;
			if (i == start)
				return 0;
			if (i < len && s[i] == '.') {
				i++;
				continue;
			}
			break;
		}
	}
	local = i;
	if (local > 64 || i >= len || s[i] != '@')
		return 0;
	s += i + 1;
	len -= i + 1;
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
		/* ABNF literals are case-insensitive */
		if (len > 5 && (s[0] | 0x20) == 'i' && (s[1] | 0x20) == 'p' &&
		    (s[2] | 0x20) == 'v' && s[3] == '6' && s[4] == ':')
			return valid_ipv6(s + 5, len - 5);
		return valid_ipv4(s, len);
	}
	return valid_domain(s, len);
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */
/* ------------------------------------------------------------------ */

/* A step from the instance's root: a key, or (key NULL) an index. */
struct step {
	const char *key;
	size_t len; /* of the key, or the index */
};

struct vctx {
	const struct kp_schema *schema;
	struct kp_findings *out; /* NULL: only the verdict counts */
	/*
	 * The steps to the value being validated; written out as a field
	 * ("maal[0].titel") only for a message, since most values have none.
	 */
	struct step *steps_to;
	size_t nsteps, asteps;
	struct kp_buf path; /* where() writes the field here */
	pcre2_match_data *md;
	pcre2_match_context *mc;
	unsigned long steps;
	int depth;
	int aborted, abort_reported;
};

static int eval(struct vctx *v, const struct sch *s, const struct kp_node *inst,
		unsigned char *mark);

static void step_in(struct vctx *v, const char *key, size_t len)
{
	if (v->nsteps == v->asteps) {
		v->asteps = v->asteps ? v->asteps * 2 : 16;
		v->steps_to = kp_xrealloc(v->steps_to,
					  v->asteps * sizeof(*v->steps_to));
	}
	v->steps_to[v->nsteps].key = key;
	v->steps_to[v->nsteps].len = len;
	v->nsteps++;
}

/*
 * Every message is one sentence with the field first, so that a finding
 * reads "FILE:LINE:COL: error: schema: borger.cpr: ...": fmt takes the
 * field (where()) as its first argument.
 */
static void report(struct vctx *v, unsigned line, unsigned col, const char *fmt,
		   ...) __attribute__((format(printf, 4, 5)));

static void report(struct vctx *v, unsigned line, unsigned col, const char *fmt,
		   ...)
{
	struct kp_buf m = KP_BUF_INIT;
	va_list ap;

	if (!v->out)
		return;
	va_start(ap, fmt);
	kp_buf_vaddf(&m, fmt, ap);
	va_end(ap);
	kp_findings_add(v->out, "schema", KP_ERROR, line, col, "%s", m.buf);
	kp_buf_release(&m);
}

/*
 * The field being validated: "borger.cpr", "maal[0].titel"; valid until
 * the next call.
 */
static const char *where(struct vctx *v)
{
	size_t i;

	kp_buf_reset(&v->path);
	for (i = 0; i < v->nsteps; i++) {
		const struct step *st = &v->steps_to[i];

		if (!st->key) {
			kp_buf_addf(&v->path, "[%zu]", st->len);
			continue;
		}
		if (v->path.len)
			kp_buf_addch(&v->path, '.');
		add_quoted(&v->path, st->key, st->len);
	}
	/* TRANSLATORS: the field of a message about the whole plan. */
	return v->path.len ? v->path.buf : _("(root)");
}

/* Append a value for a message: 'text', 12, true, null, an array... */
static void add_value(struct kp_buf *b, const struct kp_node *n)
{
	switch (n->type) {
	case KP_STR:
		kp_buf_addch(b, '\'');
		add_quoted(b, n->v.str.ptr, n->v.str.len);
		kp_buf_addch(b, '\'');
		break;
	case KP_SEQ: kp_buf_addstr(b, _("an array")); break;
	case KP_MAP: kp_buf_addstr(b, _("an object")); break;
	default: kp_json_write(b, n);
	}
}

/* A value for a message, in a buffer of its own. */
static const char *value_text(struct kp_buf *b, const struct kp_node *n)
{
	kp_buf_reset(b);
	add_value(b, n);
	return b->buf;
}

/* An enum value in a list: strings bare, others as JSON. */
static void add_choice(struct kp_buf *b, const struct kp_node *n)
{
	struct kp_buf j = KP_BUF_INIT;

	if (n->type == KP_STR) {
		add_quoted(b, n->v.str.ptr, n->v.str.len);
		return;
	}
	kp_json_write(&j, n);
	add_quoted(b, j.buf, j.len);
	kp_buf_release(&j);
}

/*
 * The JSON types in words, for messages: a coordinator reads "expected
 * boolean" in her own language, with the values YAML takes for it.
 */
static const struct {
	unsigned bit;
	const char *name;
} type_names[] = {
	{ T_STR, N_("string") }, { T_INT, N_("integer") },
	{ T_NUM, N_("number") }, { T_BOOL, N_("boolean") },
	{ T_ARR, N_("array") },	 { T_OBJ, N_("object") },
	{ T_NULL, N_("null") },
};

static unsigned type_bit_of(enum kp_type t)
{
	switch (t) {
	case KP_NULL: return T_NULL;
	case KP_BOOL: return T_BOOL;
	case KP_INT: return T_INT;
	case KP_FLOAT: return T_NUM;
	case KP_STR: return T_STR;
	case KP_SEQ: return T_ARR;
	case KP_MAP: return T_OBJ;
	}
	return 0;
}

static const char *type_word(unsigned bit)
{
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].bit == bit)
			return _(type_names[i].name);
	return "?";
}

static const char *inst_type(const struct kp_node *n)
{
	return type_word(type_bit_of(n->type));
}

static int is_integral(const struct kp_node *n)
{
	return n->type == KP_INT ||
	       (n->type == KP_FLOAT && isfinite(n->v.real) &&
		floor(n->v.real) == n->v.real);
}

static int type_ok(unsigned types, const struct kp_node *n)
{
	switch (n->type) {
	case KP_NULL: return (types & T_NULL) != 0;
	case KP_BOOL: return (types & T_BOOL) != 0;
	case KP_INT: return (types & (T_INT | T_NUM)) != 0;
	case KP_FLOAT:
		return (types & T_NUM) || ((types & T_INT) && is_integral(n));
	case KP_STR: return (types & T_STR) != 0;
	case KP_SEQ: return (types & T_ARR) != 0;
	case KP_MAP: return (types & T_OBJ) != 0;
	}
	return 0;
}

/* "string, integer or null", translated. */
static void add_types(struct kp_buf *b, unsigned types)
{
	struct kp_buf list = KP_BUF_INIT, tmp = KP_BUF_INIT;
	size_t i, n = 0, total = 0,
		  count = sizeof(type_names) / sizeof(*type_names);

	for (i = 0; i < count; i++)
		if (types & type_names[i].bit)
			total++;
	for (i = 0; i < count; i++) {
		const char *name = _(type_names[i].name);

		if (!(types & type_names[i].bit))
			continue;
		if (n == 0) {
			kp_buf_addstr(&list, name);
		} else if (n + 1 < total) {
			kp_buf_addstr(&list, ", ");
			kp_buf_addstr(&list, name);
		} else {
			kp_buf_reset(&tmp);
			/* TRANSLATORS: joins the last two of a list of
			   types: "string, integer or null". */
			kp_buf_addf(&tmp, _("%s or %s"), list.buf, name);
			kp_buf_reset(&list);
			kp_buf_add(&list, tmp.buf, tmp.len);
		}
		n++;
	}
	kp_buf_add(b, list.buf, list.len);
	kp_buf_release(&list);
	kp_buf_release(&tmp);
}

/*
 * What people write for yes and no where YAML wants true or false
 * (YAML 1.2 reads only true and false as booleans; yes and no are text).
 */
static int yes_no_word(const struct kp_node *n)
{
	static const char *const words[] = { "ja",  "nej",  "yes",  "no",
					     "j",   "n",    "y",    "on",
					     "off", "sand", "falsk" };
	size_t i, j;

	if (n->type != KP_STR)
		return 0;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strlen(words[i]) != n->v.str.len)
			continue;
		for (j = 0; j < n->v.str.len; j++) {
			char c = n->v.str.ptr[j];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != words[i][j])
				break;
		}
		if (j == n->v.str.len)
			return 1;
	}
	return 0;
}

/* inst is none of types. */
static void type_message(struct vctx *v, unsigned types,
			 const struct kp_node *inst)
{
	struct kp_buf t = KP_BUF_INIT, val = KP_BUF_INIT;

	if ((types & T_BOOL) && yes_no_word(inst)) {
		/* TRANSLATORS: a field and the value written there, in
		   quotes: 'ja'. true and false are YAML's words. */
		report(v, inst->line, inst->col,
		       _("%s: write true (for yes) or false (for no), not %s"),
		       where(v), value_text(&val, inst));
		goto done;
	}
	add_types(&t, types);
	if (inst->type == KP_STR || inst->type == KP_INT ||
	    inst->type == KP_FLOAT)
		/* TRANSLATORS: a field, the types it may have ("string or
		   null"), the type of the value written there and the
		   value: "borger.navn: expected string, got integer 7". */
		report(v, inst->line, inst->col,
		       _("%s: expected %s, got %s %s"), where(v), t.buf,
		       inst_type(inst), value_text(&val, inst));
	else
		/* TRANSLATORS: a field, the types it may have ("string or
		   null") and the type of the value written there:
		   "borger: expected object, got string". */
		report(v, inst->line, inst->col, _("%s: expected %s, got %s"),
		       where(v), t.buf, inst_type(inst));
done:
	kp_buf_release(&t);
	kp_buf_release(&val);
}

static int num_cmp(const struct kp_node *a, const struct kp_node *b)
{
	long double x, y;

	if (a->type == KP_INT && b->type == KP_INT)
		return a->v.integer < b->v.integer
			       ? -1
			       : a->v.integer > b->v.integer;
	x = a->type == KP_INT ? (long double)a->v.integer
			      : (long double)a->v.real;
	y = b->type == KP_INT ? (long double)b->v.integer
			      : (long double)b->v.real;
	return x < y ? -1 : x > y;
}

static int multiple_of(const struct kp_node *inst, const struct kp_node *d)
{
	double x, y, q;

	if (inst->type == KP_INT && d->type == KP_INT)
		return inst->v.integer % d->v.integer == 0;
	x = inst->type == KP_INT ? (double)inst->v.integer : inst->v.real;
	y = d->type == KP_INT ? (double)d->v.integer : d->v.real;
	q = x / y;
	if (!isfinite(q))
		return fmod(x, y) == 0;
	if (fabs(q) >= 9007199254740992.0)
		return floor(q) == q;
	/*
	 * x / y is rounded; decimal fractions such as 0.0075 / 0.0001 are
	 * not exact in binary, so allow the relative error of the
	 * representation and the division.
	 */
	return fabs(q - nearbyint(q)) <= 1e-12 * fmax(1.0, fabs(q));
}

static size_t utf8_count(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* 1 match, 0 no match, -1 the match could not be completed. */
static int regex_match(struct vctx *v, const struct pat *p, const char *s,
		       size_t len)
{
	int rc;

	if (!v->md) {
		v->md = pcre2_match_data_create(1, NULL);
		v->mc = pcre2_match_context_create(NULL);
		if (!v->md || !v->mc)
			kp_oom();
		pcre2_set_match_limit(v->mc, MATCH_LIMIT);
		pcre2_set_depth_limit(v->mc, MATCH_DEPTH_LIMIT);
		pcre2_set_heap_limit(v->mc, MATCH_HEAP_LIMIT);
	}
	rc = pcre2_match(p->re, (PCRE2_SPTR)s, len, 0, 0, v->md, v->mc);
	/*
	 * The JIT has its own stack and counts its own steps: when it gives
	 * up, the interpreter decides, within the depth and heap limits
	 * that the JIT ignores, so the answer never depends on the JIT.
	 */
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
		rc = pcre2_match(p->re, (PCRE2_SPTR)s, len, 0, PCRE2_NO_JIT,
				 v->md, v->mc);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return -1;
}

/* The pattern of p, cut for a message. */
static const char *pattern_text(struct kp_buf *b, const struct pat *p)
{
	kp_buf_reset(b);
	add_quoted(b, p->src, p->len);
	return b->buf;
}

/*
 * Hashing for uniqueItems, consistent with kp_node_equal(): numbers hash
 * by their double value, objects independently of key order.
 */
static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint64_t node_hash(const struct kp_node *n)
{
	uint64_t h = 0;
	size_t i;

	switch (n->type) {
	case KP_NULL: return 0x1234;
	case KP_BOOL: return n->v.boolean ? 0x5678 : 0x9abc;
	case KP_INT:
	case KP_FLOAT: {
		double d = n->type == KP_INT ? (double)n->v.integer : n->v.real;

		if (d == 0)
			d = 0; /* -0.0 */
		memcpy(&h, &d, sizeof(h));
		return mix(h ^ 0x77);
	}
	case KP_STR:
		h = 1469598103934665603ULL;
		for (i = 0; i < n->v.str.len; i++) {
			h ^= (unsigned char)n->v.str.ptr[i];
			h *= 1099511628211ULL;
		}
		return h;
	case KP_SEQ:
		h = 0x31;
		for (i = 0; i < n->v.seq.len; i++)
			h = mix(h * 31 + node_hash(n->v.seq.items[i]));
		return h;
	case KP_MAP:
		h = 0x47;
		for (i = 0; i < n->v.map.len; i++) {
			const struct kp_pair *p = &n->v.map.pairs[i];
			struct kp_node key;

			memset(&key, 0, sizeof(key));
			key.type = KP_STR;
			key.v.str.ptr = p->key;
			key.v.str.len = p->keylen;
			h += mix(node_hash(&key) * 17 + node_hash(p->value));
		}
		return h;
	}
	return 0;
}

/* uniqueItems: report each item equal to an earlier one. */
static int check_unique(struct vctx *v, const struct kp_node *inst)
{
	size_t n = inst->v.seq.len, cap, i, *slots;
	uint64_t *hashes;
	int ok = 1;

	if (n < 2)
		return 1;
	for (cap = 16; cap < n * 2; cap *= 2)
		;
	slots = kp_xcalloc(cap, sizeof(*slots));
	hashes = kp_xmalloc(n * sizeof(*hashes));
	for (i = 0; i < n; i++) {
		const struct kp_node *item = inst->v.seq.items[i];
		size_t k;

		hashes[i] = node_hash(item);
		for (k = hashes[i] & (cap - 1); slots[k];
		     k = (k + 1) & (cap - 1)) {
			size_t j = slots[k] - 1;

			if (hashes[j] == hashes[i] &&
			    kp_node_equal(inst->v.seq.items[j], item)) {
				ok = 0;
				if (!v->out)
					goto done;
				/* TRANSLATORS: a field (a list) and the
				   numbers of two of its items, from 0. */
				report(v, item->line, item->col,
				       _("%s: items %zu and %zu are equal "
					 "(items must be unique)"),
				       where(v), j, i);
				break;
			}
		}
		if (!slots[k])
			slots[k] = i + 1;
	}
done:
	free(slots);
	free(hashes);
	return ok;
}

struct suggest {
	const char *key;
	size_t keylen, keycps;
	const struct prop *best;
	size_t dist;
	const struct sch *seen[64];
	size_t nseen;
};

/* Consider the properties of s and of its in-place subschemas. */
static void suggest_from(struct suggest *sg, const struct sch *s, int depth)
{
	size_t i;

	if (!s || s->kind != SCH_OBJ || depth > 16)
		return;
	for (i = 0; i < sg->nseen; i++)
		if (sg->seen[i] == s)
			return;
	if (sg->nseen < sizeof(sg->seen) / sizeof(sg->seen[0]))
		sg->seen[sg->nseen++] = s;
	for (i = 0; i < s->nprops; i++) {
		const struct prop *p = &s->props[i];
		size_t d =
			kp_text_distance(sg->key, sg->keylen, p->name, p->len);

		if (d < sg->dist) {
			sg->dist = d;
			sg->best = p;
		}
	}
	suggest_from(sg, s->ref, depth + 1);
	for (i = 0; i < s->nall; i++)
		suggest_from(sg, s->all_of[i], depth + 1);
	for (i = 0; i < s->nany; i++)
		suggest_from(sg, s->any_of[i], depth + 1);
	for (i = 0; i < s->none; i++)
		suggest_from(sg, s->one_of[i], depth + 1);
	suggest_from(sg, s->if_s, depth + 1);
	suggest_from(sg, s->then_s, depth + 1);
	suggest_from(sg, s->else_s, depth + 1);
}

/* The known key closest to key (len bytes) in s; distance in sg. */
static void closest(struct suggest *sg, const struct sch *s, const char *key,
		    size_t len, int deep)
{
	size_t i;

	memset(sg, 0, sizeof(*sg));
	sg->key = key;
	sg->keylen = len;
	sg->keycps = utf8_count(key, len);
	sg->dist = (size_t)-1;
	if (deep) {
		suggest_from(sg, s, 0);
		return;
	}
	for (i = 0; i < s->nprops; i++) {
		size_t d = kp_text_distance(key, len, s->props[i].name,
					    s->props[i].len);

		if (d < sg->dist) {
			sg->dist = d;
			sg->best = &s->props[i];
		}
	}
}

/*
 * Keys are ASCII: æ, ø and å are written ae, oe and aa (plan-format).
 * The key as it should have been written, lower case, into out; 0 when
 * it has none of the six letters.
 */
static int transliterate(struct kp_buf *out, const char *key, size_t len)
{
	int found = 0;
	size_t i;

	kp_buf_reset(out);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)key[i];
		unsigned char d = i + 1 < len ? (unsigned char)key[i + 1] : 0;
		const char *to = NULL;

		if (c == 0xc3 && (d == 0xa6 || d == 0x86))
			to = "ae";
		else if (c == 0xc3 && (d == 0xb8 || d == 0x98))
			to = "oe";
		else if (c == 0xc3 && (d == 0xa5 || d == 0x85))
			to = "aa";
		if (to) {
			kp_buf_addstr(out, to);
			found = 1;
			i++;
		} else {
			kp_buf_addch(out,
				     c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		}
	}
	return found;
}

static void unknown_key(struct vctx *v, const struct sch *s,
			const struct kp_pair *p, int deep)
{
	struct kp_buf key = KP_BUF_INIT, best = KP_BUF_INIT, t = KP_BUF_INIT;
	struct suggest sg;

	if (!v->out)
		return;
	add_quoted(&key, p->key, p->keylen);
	if (transliterate(&t, p->key, p->keylen)) {
		closest(&sg, s, t.buf, t.len, deep);
		if (sg.best && sg.dist == 0) {
			add_quoted(&best, sg.best->name, sg.best->len);
			/* TRANSLATORS: a field, the key written there
			   ('mål') and the key meant ('maal'). */
			report(v, p->line, p->col,
			       _("%s: unknown key '%s': keys are written "
				 "without æ, ø and å; did you mean '%s'?"),
			       where(v), key.buf, best.buf);
			goto done;
		}
	}
	closest(&sg, s, p->key, p->keylen, deep);
	if (sg.best && sg.dist > 0 && sg.dist <= 2 && sg.dist * 2 < sg.keycps) {
		add_quoted(&best, sg.best->name, sg.best->len);
		/* TRANSLATORS: a field, an unknown key and the known key
		   that is closest to it. */
		report(v, p->line, p->col,
		       _("%s: unknown key '%s' (did you mean '%s'?)"), where(v),
		       key.buf, best.buf);
	} else {
		/* TRANSLATORS: a field and a key that it does not have. */
		report(v, p->line, p->col, _("%s: unknown key '%s'"), where(v),
		       key.buf);
	}
done:
	kp_buf_release(&key);
	kp_buf_release(&best);
	kp_buf_release(&t);
}

static const struct prop *find_prop(const struct sch *s, const char *key,
				    size_t len)
{
	struct prop want, *wp = &want;
	struct prop **hit;

	if (!s->nprops)
		return NULL;
	want.name = key;
	want.len = len;
	hit = bsearch(&wp, s->sorted, s->nprops, sizeof(*s->sorted), prop_cmp);
	return hit ? *hit : NULL;
}

/* Evaluate sub at a child of the instance (a key or an index). */
static int eval_key(struct vctx *v, const struct sch *sub,
		    const struct kp_pair *p)
{
	int ok;

	step_in(v, p->key, p->keylen);
	ok = eval(v, sub, p->value, NULL);
	v->nsteps--;
	return ok;
}

static int eval_index(struct vctx *v, const struct sch *sub,
		      const struct kp_node *item, size_t i)
{
	int ok;

	step_in(v, NULL, i);
	ok = eval(v, sub, item, NULL);
	v->nsteps--;
	return ok;
}

/* Evaluate quietly, whatever mode v is in. */
static int eval_quiet(struct vctx *v, const struct sch *s,
		      const struct kp_node *inst, unsigned char *mark)
{
	struct kp_findings *out = v->out;
	int ok;

	v->out = NULL;
	ok = eval(v, s, inst, mark);
	v->out = out;
	return ok;
}

static int enum_like(const struct sch *s)
{
	return s->kind == SCH_OBJ && (s->const_v || s->enum_v);
}

/* The allowed values of an enum, or of alternatives that are consts. */
static void add_choices(struct kp_buf *m, const struct sch *const *alts,
			size_t nalts, const struct kp_node *values)
{
	size_t i, j, shown = 0;

	for (i = 0; i < nalts || (values && i == 0); i++) {
		const struct kp_node *vals = values;
		const struct kp_node *one = NULL;
		size_t n;

		if (!values && alts) {
			vals = alts[i]->enum_v;
			one = alts[i]->const_v;
		}
		n = vals ? vals->v.seq.len : 0;
		for (j = 0; j < n + (one != NULL); j++) {
			const struct kp_node *x =
				j < n ? vals->v.seq.items[j] : one;

			if (shown == 12) {
				kp_buf_addstr(m, ", ...");
				return;
			}
			if (shown++)
				kp_buf_addstr(m, ", ");
			add_choice(m, x);
		}
		if (values)
			break;
	}
}

/* inst is none of the allowed values. */
static void not_one_of(struct vctx *v, const struct kp_node *inst,
		       const struct sch *const *alts, size_t nalts,
		       const struct kp_node *values)
{
	struct kp_buf list = KP_BUF_INIT, val = KP_BUF_INIT;

	add_choices(&list, alts, nalts, values);
	/* TRANSLATORS: a field, the value written there, and the values
	   it may have: "status: 'aktivt' is not one of: kladde, aktiv,
	   afsluttet". */
	report(v, inst->line, inst->col, _("%s: %s is not one of: %s"),
	       where(v), value_text(&val, inst), list.buf);
	kp_buf_release(&list);
	kp_buf_release(&val);
}

/*
 * One message for an anyOf or oneOf that no branch matches: the allowed
 * values when every branch is a const or enum; the findings of the one
 * branch whose type fits when there is just one; else a summary.
 */
static void explain_alternatives(struct vctx *v, const struct sch *const *alts,
				 size_t n, const struct kp_node *inst)
{
	struct kp_buf val = KP_BUF_INIT;
	size_t i, fit = 0, typed = 0, last = 0;
	unsigned types = 0;

	for (i = 0; i < n && enum_like(alts[i]); i++)
		;
	if (i == n) {
		not_one_of(v, inst, alts, n, NULL);
		goto done;
	}
	for (i = 0; i < n; i++) {
		const struct sch *a = alts[i];

		if (a->kind == SCH_OBJ && a->types) {
			typed++;
			types |= a->types;
			if (!type_ok(a->types, inst))
				continue;
		}
		if (a->kind == SCH_FALSE)
			continue;
		fit++;
		last = i;
	}
	if (fit == 1) {
		eval(v, alts[last], inst, NULL);
		goto done;
	}
	if (fit == 0 && typed == n) {
		type_message(v, types, inst);
		goto done;
	}
	/* TRANSLATORS: a field and the value written there. */
	report(v, inst->line, inst->col,
	       _("%s: %s does not match any of the allowed forms"), where(v),
	       value_text(&val, inst));
done:
	kp_buf_release(&val);
}

static void or_marks(unsigned char *dst, const unsigned char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] |= src[i];
}

/* The keywords for strings. */
static int eval_string(struct vctx *v, const struct sch *s,
		       const struct kp_node *inst)
{
	struct kp_buf val = KP_BUF_INIT, pat = KP_BUF_INIT;
	const char *str = inst->v.str.ptr;
	size_t len = inst->v.str.len;
	int ok = 1;

	if (s->min_len >= 0 || s->max_len >= 0) {
		size_t cps = utf8_count(str, len);

		if (s->min_len >= 0 && cps < (size_t)s->min_len) {
			ok = 0;
			if (!v->out)
				goto done;
			if (cps == 0)
				report(v, inst->line, inst->col,
				       _("%s: must not be empty"), where(v));
			else
				/* TRANSLATORS: a field, its value and the
				   least number of characters it may have. */
				report(v, inst->line, inst->col,
				       Q_("%s: %s is shorter than %lld "
					  "character",
					  "%s: %s is shorter than %lld "
					  "characters",
					  s->min_len),
				       where(v), value_text(&val, inst),
				       s->min_len);
		}
		if (s->max_len >= 0 && cps > (size_t)s->max_len) {
			ok = 0;
			if (!v->out)
				goto done;
			/* TRANSLATORS: a field, its value and the most
			   characters it may have. */
			report(v, inst->line, inst->col,
			       Q_("%s: %s is longer than %lld character",
				  "%s: %s is longer than %lld characters",
				  s->max_len),
			       where(v), value_text(&val, inst), s->max_len);
		}
	}
	if (s->pattern) {
		int r = regex_match(v, s->pattern, str, len);

		if (r <= 0) {
			ok = 0;
			if (!v->out)
				goto done;
			value_text(&val, inst);
			pattern_text(&pat, s->pattern);
			if (r < 0)
				/* TRANSLATORS: a field, its value and a
				   regular expression. */
				report(v, inst->line, inst->col,
				       _("%s: %s could not be matched against "
					 "the pattern '%s' within the "
					 "matching limit"),
				       where(v), val.buf, pat.buf);
			else if (first_control(str, len) == '\n')
				/* The usual cause, said in words, not regex. */
				report(v, inst->line, inst->col,
				       _("%s: %s holds a line break, which "
					 "this field does not allow"),
				       where(v), val.buf);
			else if (first_control(str, len) >= 0)
				report(v, inst->line, inst->col,
				       _("%s: %s holds a control character, "
					 "which this field does not allow"),
				       where(v), val.buf);
			else
				/* TRANSLATORS: a field, its value and the
				   regular expression it must match. */
				report(v, inst->line, inst->col,
				       _("%s: %s does not match the pattern "
					 "'%s'"),
				       where(v), val.buf, pat.buf);
		}
	}
	if (s->format == FMT_DATE) {
		struct kp_date d;
		char iso[11];

		if (kp_date_parse(&d, str, len) < 0) {
			ok = 0;
			if (!v->out)
				goto done;
			value_text(&val, inst);
			if (kp_date_parse_loose(&d, str, len) == 0) {
				kp_date_format(iso, d);
				/* TRANSLATORS: a field, the date written
				   there ('1/5-2014') and the same date as it
				   must be written (2014-05-01). */
				report(v, inst->line, inst->col,
				       _("%s: dates are written YYYY-MM-DD: "
					 "write %s, not %s"),
				       where(v), iso, val.buf);
			} else {
				report(v, inst->line, inst->col,
				       _("%s: %s is not a valid date "
					 "(YYYY-MM-DD)"),
				       where(v), val.buf);
			}
		}
	} else if (s->format == FMT_EMAIL && !valid_email(str, len)) {
		ok = 0;
		if (!v->out)
			goto done;
		report(v, inst->line, inst->col,
		       _("%s: %s is not a valid e-mail address"), where(v),
		       value_text(&val, inst));
	}
done:
	kp_buf_release(&val);
	kp_buf_release(&pat);
	return ok;
}

/* A number of a message (the instance, or a limit of the schema). */
static const char *number_text(struct kp_buf *b, const struct kp_node *n)
{
	kp_buf_reset(b);
	kp_json_write(b, n);
	return b->buf;
}

static int eval_number(struct vctx *v, const struct sch *s,
		       const struct kp_node *inst)
{
	struct kp_buf x = KP_BUF_INIT, lim = KP_BUF_INIT;
	int ok = 1;

	if (inst->type == KP_FLOAT && !isfinite(inst->v.real))
		return 1;
	/* TRANSLATORS: (all five) a field, its value and a limit. */
	if (s->minimum && num_cmp(inst, s->minimum) < 0) {
		ok = 0;
		if (!v->out)
			goto done;
		report(v, inst->line, inst->col,
		       _("%s: %s is less than the minimum %s"), where(v),
		       number_text(&x, inst), number_text(&lim, s->minimum));
	}
	if (s->exmin && num_cmp(inst, s->exmin) <= 0) {
		ok = 0;
		if (!v->out)
			goto done;
		report(v, inst->line, inst->col,
		       _("%s: %s must be greater than %s"), where(v),
		       number_text(&x, inst), number_text(&lim, s->exmin));
	}
	if (s->maximum && num_cmp(inst, s->maximum) > 0) {
		ok = 0;
		if (!v->out)
			goto done;
		report(v, inst->line, inst->col,
		       _("%s: %s is greater than the maximum %s"), where(v),
		       number_text(&x, inst), number_text(&lim, s->maximum));
	}
	if (s->exmax && num_cmp(inst, s->exmax) >= 0) {
		ok = 0;
		if (!v->out)
			goto done;
		report(v, inst->line, inst->col,
		       _("%s: %s must be less than %s"), where(v),
		       number_text(&x, inst), number_text(&lim, s->exmax));
	}
	if (s->multiple && !multiple_of(inst, s->multiple)) {
		ok = 0;
		if (!v->out)
			goto done;
		report(v, inst->line, inst->col,
		       _("%s: %s is not a multiple of %s"), where(v),
		       number_text(&x, inst), number_text(&lim, s->multiple));
	}
done:
	kp_buf_release(&x);
	kp_buf_release(&lim);
	return ok;
}

static int eval_array(struct vctx *v, const struct sch *s,
		      const struct kp_node *inst)
{
	size_t n = inst->v.seq.len, i;
	int ok = 1;

	if (s->min_items >= 0 && n < (size_t)s->min_items) {
		ok = 0;
		if (!v->out)
			goto done;
		/* TRANSLATORS: a field (a list), its number of items and
		   the least number it may have. */
		report(v, inst->line, inst->col,
		       Q_("%s: has %zu item, at least %lld required",
			  "%s: has %zu items, at least %lld required", n),
		       where(v), n, s->min_items);
	}
	if (s->max_items >= 0 && n > (size_t)s->max_items) {
		ok = 0;
		if (!v->out)
			goto done;
		/* TRANSLATORS: a field (a list), its number of items and
		   the most it may have. */
		report(v, inst->line, inst->col,
		       Q_("%s: has %zu item, at most %lld allowed",
			  "%s: has %zu items, at most %lld allowed", n),
		       where(v), n, s->max_items);
	}
	if (s->unique && !check_unique(v, inst)) {
		ok = 0;
		if (!v->out)
			goto done;
	}
	for (i = 0; i < n; i++) {
		const struct kp_node *item = inst->v.seq.items[i];
		const struct sch *sub =
			i < s->nprefix ? s->prefix[i] : s->items;

		if (!sub)
			continue;
		if (sub->kind == SCH_FALSE && sub == s->items) {
			ok = 0;
			if (!v->out)
				goto done;
			/* TRANSLATORS: a field (a list), its number of
			   items and the most it may have. */
			report(v, item->line, item->col,
			       Q_("%s: has %zu item, at most %zu allowed",
				  "%s: has %zu items, at most %zu allowed", n),
			       where(v), n, s->nprefix);
			break;
		}
		if (!eval_index(v, sub, item, i)) {
			ok = 0;
			if (!v->out)
				goto done;
		}
	}
done:
	return ok;
}

static int eval_object(struct vctx *v, const struct sch *s,
		       const struct kp_node *inst, unsigned char *loc)
{
	struct kp_buf m = KP_BUF_INIT, m2 = KP_BUF_INIT;
	size_t n = inst->v.map.len, i, j;
	int ok = 1;

	if (s->min_props >= 0 && n < (size_t)s->min_props) {
		ok = 0;
		if (!v->out)
			goto done;
		/* TRANSLATORS: a field (a mapping), its number of keys and
		   the least number it may have. */
		report(v, inst->line, inst->col,
		       Q_("%s: has %zu key, at least %lld required",
			  "%s: has %zu keys, at least %lld required", n),
		       where(v), n, s->min_props);
	}
	if (s->max_props >= 0 && n > (size_t)s->max_props) {
		ok = 0;
		if (!v->out)
			goto done;
		/* TRANSLATORS: a field (a mapping), its number of keys and
		   the most it may have. */
		report(v, inst->line, inst->col,
		       Q_("%s: has %zu key, at most %lld allowed",
			  "%s: has %zu keys, at most %lld allowed", n),
		       where(v), n, s->max_props);
	}
	for (i = 0; i < s->required.n; i++) {
		for (j = 0; j < n; j++)
			if (inst->v.map.pairs[j].keylen == s->required.len[i] &&
			    !memcmp(inst->v.map.pairs[j].key, s->required.v[i],
				    s->required.len[i]))
				break;
		if (j < n)
			continue;
		ok = 0;
		if (!v->out)
			goto done;
		kp_buf_reset(&m);
		add_quoted(&m, s->required.v[i], s->required.len[i]);
		/* TRANSLATORS: a field (a mapping) and a key it lacks. */
		report(v, inst->line, inst->col,
		       _("%s: missing required key '%s'"), where(v), m.buf);
	}
	for (i = 0; i < s->ndeps; i++) {
		const struct dep *d = &s->deps[i];
		const struct kp_pair *have = NULL;
		size_t k;

		for (j = 0; j < n; j++)
			if (inst->v.map.pairs[j].keylen == d->len &&
			    !memcmp(inst->v.map.pairs[j].key, d->name, d->len))
				have = &inst->v.map.pairs[j];
		if (!have)
			continue;
		for (k = 0; k < d->req.n; k++) {
			for (j = 0; j < n; j++)
				if (inst->v.map.pairs[j].keylen ==
					    d->req.len[k] &&
				    !memcmp(inst->v.map.pairs[j].key,
					    d->req.v[k], d->req.len[k]))
					break;
			if (j < n)
				continue;
			ok = 0;
			if (!v->out)
				goto done;
			kp_buf_reset(&m);
			kp_buf_reset(&m2);
			add_quoted(&m, d->req.v[k], d->req.len[k]);
			add_quoted(&m2, d->name, d->len);
			/* TRANSLATORS: a field (a mapping), a key it lacks
			   and the key that requires it. */
			report(v, inst->line, inst->col,
			       _("%s: missing key '%s', required when '%s' "
				 "is present"),
			       where(v), m.buf, m2.buf);
		}
	}
	if (!s->nprops && !s->npprops && !s->additional)
		goto done;
	for (i = 0; i < n; i++) {
		const struct kp_pair *p = &inst->v.map.pairs[i];
		const struct prop *pr = find_prop(s, p->key, p->keylen);
		int hit = pr != NULL;

		if (pr && !eval_key(v, pr->s, p)) {
			ok = 0;
			if (!v->out)
				goto done;
		}
		for (j = 0; j < s->npprops; j++) {
			int r = regex_match(v, &s->pprops[j], p->key,
					    p->keylen);

			if (r < 0) {
				ok = 0;
				if (!v->out)
					goto done;
				kp_buf_reset(&m);
				add_quoted(&m, p->key, p->keylen);
				/* TRANSLATORS: a field, a key and a regular
				   expression. */
				report(v, p->line, p->col,
				       _("%s: key '%s' could not be matched "
					 "against the pattern '%s' within the "
					 "matching limit"),
				       where(v), m.buf,
				       pattern_text(&m2, &s->pprops[j]));
				continue;
			}
			if (!r)
				continue;
			hit = 1;
			if (!eval_key(v, s->pprops[j].s, p)) {
				ok = 0;
				if (!v->out)
					goto done;
			}
		}
		if (!hit && s->additional) {
			if (s->additional->kind == SCH_FALSE) {
				ok = 0;
				if (!v->out)
					goto done;
				unknown_key(v, s, p, 0);
			} else if (!eval_key(v, s->additional, p)) {
				ok = 0;
				if (!v->out)
					goto done;
			}
			hit = 1;
		}
		if (hit && loc)
			loc[i] = 1;
	}
done:
	kp_buf_release(&m);
	kp_buf_release(&m2);
	return ok;
}

/* allOf, anyOf, oneOf, not, if/then/else and $ref. */
static int eval_inplace(struct vctx *v, const struct sch *s,
			const struct kp_node *inst, unsigned char *loc)
{
	size_t n = inst->type == KP_MAP ? inst->v.map.len : 0, i;
	unsigned char *tmp = loc ? kp_xmalloc(n ? n : 1) : NULL;
	int ok = 1, r;

	if (s->ref && !eval(v, s->ref, inst, loc)) {
		ok = 0;
		if (!v->out)
			goto done;
	}
	for (i = 0; i < s->nall; i++) {
		if (!eval(v, s->all_of[i], inst, loc)) {
			ok = 0;
			if (!v->out)
				goto done;
		}
	}
	if (s->nany) {
		size_t hits = 0;

		for (i = 0; i < s->nany; i++) {
			if (tmp)
				memset(tmp, 0, n);
			if (eval_quiet(v, s->any_of[i], inst, tmp)) {
				hits++;
				if (!tmp)
					break;
				or_marks(loc, tmp, n);
			}
		}
		if (!hits) {
			ok = 0;
			if (!v->out)
				goto done;
			explain_alternatives(
				v, (const struct sch *const *)s->any_of,
				s->nany, inst);
		}
	}
	if (s->none) {
		size_t hits = 0;

		for (i = 0; i < s->none; i++) {
			if (tmp)
				memset(tmp, 0, n);
			if (eval_quiet(v, s->one_of[i], inst, tmp)) {
				hits++;
				if (tmp)
					or_marks(loc, tmp, n);
				if (hits > 1)
					break;
			}
		}
		if (hits != 1) {
			ok = 0;
			if (!v->out)
				goto done;
			if (hits) {
				struct kp_buf m = KP_BUF_INIT;

				/* TRANSLATORS: a field and its value. */
				report(v, inst->line, inst->col,
				       _("%s: %s matches more than one of the "
					 "allowed forms"),
				       where(v), value_text(&m, inst));
				kp_buf_release(&m);
			} else {
				explain_alternatives(
					v, (const struct sch *const *)s->one_of,
					s->none, inst);
			}
		}
	}
	if (s->not_s && eval_quiet(v, s->not_s, inst, NULL)) {
		ok = 0;
		if (!v->out)
			goto done;
		{
			struct kp_buf m = KP_BUF_INIT;

			/* TRANSLATORS: a field and its value. */
			report(v, inst->line, inst->col,
			       _("%s: %s is not allowed here"), where(v),
			       value_text(&m, inst));
			kp_buf_release(&m);
		}
	}
	if (s->if_s && (s->then_s || s->else_s)) {
		if (tmp)
			memset(tmp, 0, n);
		r = eval_quiet(v, s->if_s, inst, tmp);
		if (r && tmp)
			or_marks(loc, tmp, n);
		if (r && s->then_s && !eval(v, s->then_s, inst, loc))
			ok = 0;
		else if (!r && s->else_s && !eval(v, s->else_s, inst, loc))
			ok = 0;
	} else if (s->if_s && loc) {
		/* annotations of a lone if still count */
		memset(tmp, 0, n);
		if (eval_quiet(v, s->if_s, inst, tmp))
			or_marks(loc, tmp, n);
	}
done:
	free(tmp);
	return ok;
}

static void abort_message(struct vctx *v, const struct kp_node *inst)
{
	report(v, inst->line, inst->col,
	       _("%s: the schema is too complex to validate this value "
		 "(recursion or work limit exceeded)"),
	       where(v));
}

static int eval(struct vctx *v, const struct sch *s, const struct kp_node *inst,
		unsigned char *mark)
{
	struct kp_buf m = KP_BUF_INIT, m2 = KP_BUF_INIT;
	unsigned char *loc = NULL;
	size_t n = inst->type == KP_MAP ? inst->v.map.len : 0, i;
	int ok = 1;

	if (s->kind == SCH_TRUE)
		return 1;
	if (v->aborted)
		return 0;
	if (s->kind == SCH_FALSE) {
		report(v, inst->line, inst->col, _("%s: not allowed here"),
		       where(v));
		return 0;
	}
	if (++v->steps > EVAL_STEPS_MAX || v->depth >= EVAL_DEPTH_MAX) {
		v->aborted = 1;
		if (v->out) {
			abort_message(v, inst);
			v->abort_reported = 1;
		}
		return 0;
	}
	v->depth++;
	if (s->types && !type_ok(s->types, inst)) {
		ok = 0;
		/* the other keywords would only repeat the complaint */
		if (v->out)
			type_message(v, s->types, inst);
		goto done;
	}
	if (inst->type == KP_MAP && (mark || s->unevaluated))
		loc = kp_xcalloc(n ? n : 1, 1);
	if (s->const_v && !kp_node_equal(inst, s->const_v)) {
		ok = 0;
		if (!v->out)
			goto done;
		/* TRANSLATORS: a field, the one value it may have and the
		   value written there. */
		report(v, inst->line, inst->col, _("%s: must be %s, not %s"),
		       where(v), value_text(&m, s->const_v),
		       value_text(&m2, inst));
	}
	if (s->enum_v) {
		for (i = 0; i < s->enum_v->v.seq.len; i++)
			if (kp_node_equal(inst, s->enum_v->v.seq.items[i]))
				break;
		if (i == s->enum_v->v.seq.len) {
			ok = 0;
			if (!v->out)
				goto done;
			if (i == 0)
				report(v, inst->line, inst->col,
				       _("%s: no value is allowed (empty "
					 "enum)"),
				       where(v));
			else
				not_one_of(v, inst, NULL, 0, s->enum_v);
		}
	}
	switch (inst->type) {
	case KP_STR:
		if (!eval_string(v, s, inst))
			ok = 0;
		break;
	case KP_INT:
	case KP_FLOAT:
		if (!eval_number(v, s, inst))
			ok = 0;
		break;
	case KP_SEQ:
		if (!eval_array(v, s, inst))
			ok = 0;
		break;
	case KP_MAP:
		if (!eval_object(v, s, inst, loc))
			ok = 0;
		break;
	default: break;
	}
	if (!ok && !v->out)
		goto done;
	if (!eval_inplace(v, s, inst, loc)) {
		ok = 0;
		if (!v->out)
			goto done;
	}
	if (s->unevaluated && inst->type == KP_MAP) {
		for (i = 0; i < n; i++) {
			const struct kp_pair *p = &inst->v.map.pairs[i];

			if (loc[i])
				continue;
			loc[i] = 1;
			if (s->unevaluated->kind == SCH_FALSE) {
				ok = 0;
				if (!v->out)
					goto done;
				unknown_key(v, s, p, 1);
			} else if (!eval_key(v, s->unevaluated, p)) {
				ok = 0;
				if (!v->out)
					goto done;
			}
		}
	}
	/*
	 * A failed subschema's annotations are dropped (2020-12).  When
	 * reporting, every path taken is one whose failure already fails
	 * the whole instance, so keeping them changes no verdict and spares
	 * an "unknown key" for every key that a failed $ref or allOf branch
	 * did declare.
	 */
	if ((ok || v->out) && mark && loc)
		or_marks(mark, loc, n);
done:
	v->depth--;
	free(loc);
	kp_buf_release(&m);
	kp_buf_release(&m2);
	return ok;
}

static int run(const struct kp_schema *schema, const struct kp_node *inst,
	       struct kp_findings *out)
{
	struct vctx v;
	int ok;

	memset(&v, 0, sizeof(v));
	v.schema = schema;
	v.out = out;
	kp_buf_init(&v.path);
	ok = eval(&v, schema->root, inst, NULL);
	if (v.aborted && !v.abort_reported) {
		/* the limit was hit inside an anyOf, oneOf, not or if */
		v.nsteps = 0;
		abort_message(&v, inst);
	}
	pcre2_match_data_free(v.md);
	pcre2_match_context_free(v.mc);
	kp_buf_release(&v.path);
	free(v.steps_to);
	return ok;
}

static uint64_t finding_hash(const struct kp_finding *f)
{
	uint64_t h = mix(((uint64_t)f->line << 32) ^ f->col);
	const char *p;

	for (p = f->msg; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 1099511628211ULL;
	}
	return h;
}

/*
 * Drop findings (from first on) equal to an earlier one: a base schema
 * and an extension may both say the same thing about a value.
 */
static void drop_repeats(struct kp_findings *out, size_t first)
{
	size_t n = out->len - first, cap, i, k, kept = first, *slots;

	if (n < 2)
		return;
	for (cap = 16; cap < n * 2; cap *= 2)
		;
	slots = kp_xcalloc(cap, sizeof(*slots));
	for (i = first; i < out->len; i++) {
		struct kp_finding *f = &out->v[i];
		int dup = 0;

		for (k = finding_hash(f) & (cap - 1); slots[k];
		     k = (k + 1) & (cap - 1)) {
			const struct kp_finding *g = &out->v[slots[k] - 1];

			if (g->line == f->line && g->col == f->col &&
			    !strcmp(g->msg, f->msg)) {
				dup = 1;
				break;
			}
		}
		if (dup) {
			free(f->msg);
			continue;
		}
		out->v[kept] = *f;
		slots[k] = ++kept;
	}
	out->len = kept;
	free(slots);
}

void kp_schema_validate(const struct kp_schema *schema,
			const struct kp_node *instance, struct kp_findings *out)
{
	size_t first = out->len;

	run(schema, instance, out);
	drop_repeats(out, first);
}

int kp_schema_valid(const struct kp_schema *schema,
		    const struct kp_node *instance)
{
	return run(schema, instance, NULL);
}

/* ------------------------------------------------------------------ */
/* Looking up what the schema says about a location                   */
/* ------------------------------------------------------------------ */

struct slist {
	const struct sch **v;
	size_t n, alloc;
};

static int slist_has(const struct slist *l, const struct sch *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] == s)
			return 1;
	return 0;
}

static void slist_add(struct slist *l, const struct sch *s)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 16;
		l->v = kp_xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	l->v[l->n++] = s;
}

/*
 * s, then (depth first) what its $ref and allOf lead to; with post set,
 * each schema comes after what it leads to, so that a base schema's
 * properties come before those an extension adds.
 */
static void expand(struct slist *l, struct slist *seen, const struct sch *s,
		   int post)
{
	size_t i;

	if (!s || s->kind != SCH_OBJ || slist_has(seen, s))
		return;
	slist_add(seen, s);
	if (!post)
		slist_add(l, s);
	expand(l, seen, s->ref, post);
	for (i = 0; i < s->nall; i++)
		expand(l, seen, s->all_of[i], post);
	if (post)
		slist_add(l, s);
}

/* The schemas that apply at path, in lookup order. */
static void locate(const struct kp_schema *schema, const char *path,
		   struct slist *out, int post)
{
	struct slist cur = { NULL, 0, 0 }, seen = { NULL, 0, 0 };
	size_t i, j;

	expand(&cur, &seen, schema->root, 0);
	while (path && *path) {
		const char *slash = strchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) : strlen(path);
		struct slist next = { NULL, 0, 0 };

		seen.n = 0;
		for (i = 0; i < cur.n; i++) {
			const struct sch *s = cur.v[i];

			if (len == 2 && !memcmp(path, "[]", 2)) {
				for (j = 0; j < s->nprefix; j++)
					expand(&next, &seen, s->prefix[j], 0);
				expand(&next, &seen, s->items, 0);
			} else {
				const struct prop *p = find_prop(s, path, len);

				if (p)
					expand(&next, &seen, p->s, 0);
			}
		}
		free(cur.v);
		cur = next;
		path += len + (slash ? 1 : 0);
	}
	if (post) {
		seen.n = 0;
		for (i = 0; i < cur.n; i++)
			expand(out, &seen, cur.v[i], 1);
		free(cur.v);
	} else {
		*out = cur;
	}
	free(seen.v);
}

static const char *annotation_at(const struct kp_schema *schema,
				 const char *path, int description)
{
	struct slist l = { NULL, 0, 0 };
	const char *text = NULL;
	size_t i;

	if (!schema)
		return NULL;
	locate(schema, path, &l, 0);
	for (i = 0; i < l.n && !text; i++)
		text = description ? l.v[i]->description : l.v[i]->title;
	free(l.v);
	return text;
}

const char *kp_schema_title(const struct kp_schema *schema, const char *path)
{
	return annotation_at(schema, path, 0);
}

const char *kp_schema_description(const struct kp_schema *schema,
				  const char *path)
{
	return annotation_at(schema, path, 1);
}

/* The title of the branch of s's oneOf or anyOf whose const is value. */
static const char *const_title(const struct sch *s, const char *value)
{
	struct sch *const *v[2] = { s->one_of, s->any_of };
	size_t n[2] = { s->none, s->nany }, i, k;

	for (k = 0; k < 2; k++)
		for (i = 0; i < n[k]; i++) {
			const char *c = kp_node_str(v[k][i]->const_v);

			if (v[k][i]->title && c && strcmp(c, value) == 0)
				return v[k][i]->title;
		}
	return NULL;
}

const char *kp_schema_value_title(const struct kp_schema *schema,
				  const char *path, const char *value)
{
	struct slist l = { NULL, 0, 0 };
	const char *text = NULL;
	size_t i;

	if (!schema || !value)
		return NULL;
	locate(schema, path, &l, 0);
	for (i = 0; i < l.n && !text; i++)
		text = const_title(l.v[i], value);
	free(l.v);
	return text;
}

size_t kp_schema_properties(const struct kp_schema *schema, const char *path,
			    void (*fn)(const char *name, void *payload),
			    void *payload)
{
	struct slist l = { NULL, 0, 0 };
	const struct prop **done = NULL;
	size_t i, j, k, n = 0, alloc = 0;

	if (!schema)
		return 0;
	locate(schema, path, &l, 1);
	for (i = 0; i < l.n; i++) {
		const struct sch *s = l.v[i];

		for (j = 0; j < s->nprops; j++) {
			const struct prop *p = &s->props[j];

			for (k = 0; k < n; k++)
				if (done[k]->len == p->len &&
				    !memcmp(done[k]->name, p->name, p->len))
					break;
			if (k < n)
				continue;
			if (n == alloc) {
				alloc = alloc ? alloc * 2 : 16;
				done = kp_xrealloc(done, alloc * sizeof(*done));
			}
			done[n++] = p;
			if (fn)
				fn(p->name, payload);
		}
	}
	free(done);
	free(l.v);
	return n;
}
