/*
 * fuzz_fast.c: libFuzzer target that holds the fast reader to the
 * loader.  validate, due and export read a plan with kp_plan_fast() (and
 * due with kp_due_fast()) first, and load it with libyaml only when the
 * fast reader declines; so whenever the fast reader accepts an input,
 * its answer must be the loader's: the same tree, node for node, with
 * the same types, values, keys, lines and columns, and the same body.
 * Any difference aborts.  tests/fuzz/driver.c replays the corpus in
 * `make check`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "load/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void differ(void)
{
	abort();
}

static int same_str(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

/*
 * a (the fast reader's) equals b (the loader's).  With subset, a may
 * leave out keys of a mapping (kp_due_fast() keeps only due's fields).
 */
static void compare(const struct kp_node *a, const struct kp_node *b,
		    int subset)
{
	size_t i, j;

	if (!a || !b || a->type != b->type || a->line != b->line ||
	    a->col != b->col)
		differ();
	switch (a->type) {
	case KP_NULL: break;
	case KP_BOOL:
		if (!a->v.boolean != !b->v.boolean)
			differ();
		break;
	case KP_INT:
		if (a->v.integer != b->v.integer)
			differ();
		break;
	case KP_FLOAT:
		if (a->v.real != b->v.real)
			differ();
		break;
	case KP_STR:
		if (!same_str(a->v.str.ptr, a->v.str.len, b->v.str.ptr,
			      b->v.str.len))
			differ();
		break;
	case KP_SEQ:
		if (a->v.seq.len != b->v.seq.len)
			differ();
		for (i = 0; i < a->v.seq.len; i++)
			compare(a->v.seq.items[i], b->v.seq.items[i], subset);
		break;
	case KP_MAP:
		if (!subset && a->v.map.len != b->v.map.len)
			differ();
		for (i = 0, j = 0; i < a->v.map.len; i++, j++) {
			const struct kp_pair *p = &a->v.map.pairs[i], *q;

			/* The same keys in the same order, some left out. */
			while (j < b->v.map.len &&
			       !same_str(p->key, p->keylen,
					 b->v.map.pairs[j].key,
					 b->v.map.pairs[j].keylen)) {
				if (!subset)
					differ();
				j++;
			}
			if (j == b->v.map.len)
				differ();
			q = &b->v.map.pairs[j];
			if (p->line != q->line || p->col != q->col)
				differ();
			compare(p->value, q->value, subset);
		}
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_plan *fast = NULL, *full = NULL;
	struct kp_doc *due = NULL;
	const char *text = (const char *)data;
	int has_fast, has_due;

	has_fast = kp_plan_fast(&fast, "fuzz.md", text, size);
	has_due = kp_due_fast(&due, text, size);
	if (!has_fast && !has_due)
		return 0;
	/* What the fast reader accepts, the loader loads. */
	if (kp_plan_parse(&full, "fuzz.md", text, size, 0, &err) < 0)
		differ();
	if (has_fast) {
		compare(fast->root, full->root, 0);
		if (fast->body_line != full->body_line ||
		    !same_str(fast->body, fast->body_len, full->body,
			      full->body_len) ||
		    !same_str(fast->text.buf, fast->text.len, full->text.buf,
			      full->text.len))
			differ();
	}
	if (has_due)
		compare(kp_doc_root(due), full->root, 1);
	kp_plan_free(fast);
	kp_plan_free(full);
	kp_doc_free(due);
	return 0;
}
