/*
 * node.c: the data tree that YAML and JSON load into, and the arena that
 * holds it.  One arena per document: loading allocates in large blocks and
 * freeing a document is a walk over a few blocks, not over every node.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "banned.h"

#define BLOCK_SIZE 16384

struct block {
	struct block *next;
	size_t used, size;
	max_align_t data[];
};

struct kp_doc {
	struct kp_node *root;
	struct block *blocks;
};

struct kp_doc *kp_doc_new(void)
{
	return kp_xcalloc(1, sizeof(struct kp_doc));
}

void kp_doc_free(struct kp_doc *doc)
{
	struct block *b, *next;

	if (!doc)
		return;
	for (b = doc->blocks; b; b = next) {
		next = b->next;
		free(b);
	}
	free(doc);
}

struct kp_node *kp_doc_root(const struct kp_doc *doc)
{
	return doc ? doc->root : NULL;
}

void kp_doc_set_root(struct kp_doc *doc, struct kp_node *root)
{
	doc->root = root;
}

void *kp_doc_alloc(struct kp_doc *doc, size_t size)
{
	const size_t align = sizeof(max_align_t);
	struct block *b = doc->blocks;
	void *p;

	size = (size + align - 1) / align * align;
	if (!b || b->size - b->used < size) {
		size_t want = size > BLOCK_SIZE / 2 ? size : BLOCK_SIZE;

		b = kp_xmalloc(sizeof(*b) + want);
		b->size = want;
		b->used = 0;
		if (size > BLOCK_SIZE / 2 && doc->blocks) {
			/* A large one-off: keep the current block in front. */
			b->next = doc->blocks->next;
			doc->blocks->next = b;
		} else {
			b->next = doc->blocks;
			doc->blocks = b;
		}
	}
	p = (char *)b->data + b->used;
	b->used += size;
	return p;
}

char *kp_doc_strndup(struct kp_doc *doc, const char *s, size_t len)
{
	char *p = kp_doc_alloc(doc, len + 1);

	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

struct kp_node *kp_node_new(struct kp_doc *doc, enum kp_type type,
			    unsigned line, unsigned col)
{
	struct kp_node *n = kp_doc_alloc(doc, sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->type = type;
	n->line = line;
	n->col = col;
	return n;
}

struct kp_node *kp_node_new_str(struct kp_doc *doc, const char *s, size_t len,
				unsigned line, unsigned col)
{
	struct kp_node *n = kp_node_new(doc, KP_STR, line, col);

	n->v.str.ptr = kp_doc_strndup(doc, s, len);
	n->v.str.len = len;
	return n;
}

/*
 * Arrays of items and pairs grow by doubling inside the arena; the old
 * array is abandoned there, which costs at most as much again.
 */
static int is_pow2(size_t n)
{
	return n && !(n & (n - 1));
}

void kp_node_append(struct kp_doc *doc, struct kp_node *seq,
		    struct kp_node *item)
{
	size_t n = seq->v.seq.len;

	if (n == 0 || (n >= 4 && is_pow2(n))) {
		size_t cap = n ? n * 2 : 4;
		struct kp_node **items =
			kp_doc_alloc(doc, cap * sizeof(*items));

		if (n)
			memcpy(items, seq->v.seq.items, n * sizeof(*items));
		seq->v.seq.items = items;
	}
	seq->v.seq.items[seq->v.seq.len++] = item;
}

void kp_node_put(struct kp_doc *doc, struct kp_node *map, const char *key,
		 size_t keylen, unsigned line, unsigned col,
		 struct kp_node *value)
{
	size_t n = map->v.map.len;
	struct kp_pair *p;

	if (n == 0 || (n >= 4 && is_pow2(n))) {
		size_t cap = n ? n * 2 : 4;
		struct kp_pair *pairs = kp_doc_alloc(doc, cap * sizeof(*pairs));

		if (n)
			memcpy(pairs, map->v.map.pairs, n * sizeof(*pairs));
		map->v.map.pairs = pairs;
	}
	p = &map->v.map.pairs[map->v.map.len++];
	p->key = kp_doc_strndup(doc, key, keylen);
	p->keylen = keylen;
	p->line = line;
	p->col = col;
	p->value = value;
}

const struct kp_pair *kp_map_pair(const struct kp_node *map, const char *key)
{
	size_t i, len;

	if (!map || map->type != KP_MAP)
		return NULL;
	len = strlen(key);
	for (i = 0; i < map->v.map.len; i++) {
		const struct kp_pair *p = &map->v.map.pairs[i];

		if (p->keylen == len && memcmp(p->key, key, len) == 0)
			return p;
	}
	return NULL;
}

struct kp_node *kp_map_get(const struct kp_node *map, const char *key)
{
	const struct kp_pair *p = kp_map_pair(map, key);

	return p ? p->value : NULL;
}

struct kp_node *kp_node_at(const struct kp_node *node, const char *path)
{
	char key[128];

	while (node && *path) {
		const char *dot = strchr(path, '.');
		size_t len = dot ? (size_t)(dot - path) : strlen(path);

		if (len >= sizeof(key))
			return NULL;
		memcpy(key, path, len);
		key[len] = '\0';
		node = kp_map_get(node, key);
		path += len + (dot ? 1 : 0);
	}
	return (struct kp_node *)node;
}

const char *kp_node_str(const struct kp_node *node)
{
	return node && node->type == KP_STR ? node->v.str.ptr : NULL;
}

int kp_node_true(const struct kp_node *node)
{
	return node && node->type == KP_BOOL && node->v.boolean;
}

const char *kp_type_name(enum kp_type type)
{
	switch (type) {
	case KP_NULL: return "null";
	case KP_BOOL: return "boolean";
	case KP_INT: return "integer";
	case KP_FLOAT: return "number";
	case KP_STR: return "string";
	case KP_SEQ: return "array";
	case KP_MAP: return "object";
	}
	return "?";
}

static int is_number(const struct kp_node *n)
{
	return n->type == KP_INT || n->type == KP_FLOAT;
}

static double as_double(const struct kp_node *n)
{
	return n->type == KP_INT ? (double)n->v.integer : n->v.real;
}

int kp_node_equal(const struct kp_node *a, const struct kp_node *b)
{
	size_t i;

	if (is_number(a) && is_number(b)) {
		if (a->type == KP_INT && b->type == KP_INT)
			return a->v.integer == b->v.integer;
		return as_double(a) == as_double(b);
	}
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case KP_NULL: return 1;
	case KP_BOOL: return !a->v.boolean == !b->v.boolean;
	case KP_STR:
		return a->v.str.len == b->v.str.len &&
		       memcmp(a->v.str.ptr, b->v.str.ptr, a->v.str.len) == 0;
	case KP_SEQ:
		if (a->v.seq.len != b->v.seq.len)
			return 0;
		for (i = 0; i < a->v.seq.len; i++)
			if (!kp_node_equal(a->v.seq.items[i],
					   b->v.seq.items[i]))
				return 0;
		return 1;
	case KP_MAP:
		if (a->v.map.len != b->v.map.len)
			return 0;
		for (i = 0; i < a->v.map.len; i++) {
			const struct kp_pair *p = &a->v.map.pairs[i];
			const struct kp_node *o = kp_map_get(b, p->key);

			if (!o || !kp_node_equal(p->value, o))
				return 0;
		}
		return 1;
	default: return 0;
	}
}

struct kp_node *kp_node_copy(struct kp_doc *doc, const struct kp_node *node)
{
	struct kp_node *n;
	size_t i;

	if (node->type == KP_STR)
		return kp_node_new_str(doc, node->v.str.ptr, node->v.str.len,
				       node->line, node->col);
	n = kp_node_new(doc, node->type, node->line, node->col);
	switch (node->type) {
	case KP_SEQ:
		for (i = 0; i < node->v.seq.len; i++)
			kp_node_append(doc, n,
				       kp_node_copy(doc, node->v.seq.items[i]));
		break;
	case KP_MAP:
		for (i = 0; i < node->v.map.len; i++) {
			const struct kp_pair *p = &node->v.map.pairs[i];

			kp_node_put(doc, n, p->key, p->keylen, p->line, p->col,
				    kp_node_copy(doc, p->value));
		}
		break;
	default: n->v = node->v;
	}
	return n;
}

void kp_json_write(struct kp_buf *out, const struct kp_node *node)
{
	size_t i;

	switch (node->type) {
	case KP_NULL: kp_buf_addstr(out, "null"); break;
	case KP_BOOL:
		kp_buf_addstr(out, node->v.boolean ? "true" : "false");
		break;
	case KP_INT: kp_buf_addf(out, "%lld", node->v.integer); break;
	case KP_FLOAT:
		if (isfinite(node->v.real)) {
			char tmp[32];

			/* The shortest of %.15g..%.17g that reads back the
			 * same. */
			snprintf(tmp, sizeof(tmp), "%.15g", node->v.real);
			if (strtod(tmp, NULL) != node->v.real)
				snprintf(tmp, sizeof(tmp), "%.17g",
					 node->v.real);
			kp_buf_addstr(out, tmp);
		} else
			kp_buf_addstr(out, "null");
		break;
	case KP_STR:
		kp_buf_add_json(out, node->v.str.ptr, node->v.str.len);
		break;
	case KP_SEQ:
		kp_buf_addch(out, '[');
		for (i = 0; i < node->v.seq.len; i++) {
			if (i)
				kp_buf_addch(out, ',');
			kp_json_write(out, node->v.seq.items[i]);
		}
		kp_buf_addch(out, ']');
		break;
	case KP_MAP:
		kp_buf_addch(out, '{');
		for (i = 0; i < node->v.map.len; i++) {
			const struct kp_pair *p = &node->v.map.pairs[i];

			if (i)
				kp_buf_addch(out, ',');
			kp_buf_add_json(out, p->key, p->keylen);
			kp_buf_addch(out, ':');
			kp_json_write(out, p->value);
		}
		kp_buf_addch(out, '}');
		break;
	}
}
