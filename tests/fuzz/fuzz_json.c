/*
 * fuzz_json.c: libFuzzer target for the JSON reader and what kiplan new
 * makes of it (new --from -).  An input is read as fields (JSON, or
 * YAML when it does not start with '{'), typed by the built-in schema,
 * and written into a draft from the template of Bilag 1, which is then
 * loaded and validated as kiplan new does.  Every JSON text that parses
 * is also written out and parsed again.
 *
 * It aborts when JSON written by kiplan does not read back as the same
 * tree, when a draft kiplan writes does not load (but for a C1 control,
 * U+2028, U+2029, U+FFFE or U+FFFF in a value, which the loader refuses in any
 * plan, and kiplan new with it), when the fast reader accepts a draft and reads
 * it otherwise than the loader, or when a refusal does not say why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "repo/repo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* a and b are the same tree, lines and columns aside. */
static int same_tree(const struct kp_node *a, const struct kp_node *b)
{
	size_t i;

	if (!a || !b)
		return 0;
	/* JSON has one kind of number: 1.0 is written 1 and reads back so. */
	if ((a->type == KP_INT || a->type == KP_FLOAT) &&
	    (b->type == KP_INT || b->type == KP_FLOAT) && a->type != b->type)
		return (a->type == KP_INT ? (double)a->v.integer : a->v.real) ==
		       (b->type == KP_INT ? (double)b->v.integer : b->v.real);
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case KP_NULL: return 1;
	case KP_BOOL: return !a->v.boolean == !b->v.boolean;
	case KP_INT: return a->v.integer == b->v.integer;
	case KP_FLOAT:
		return a->v.real == b->v.real ||
		       (a->v.real != a->v.real && b->v.real != b->v.real);
	case KP_STR:
		return a->v.str.len == b->v.str.len &&
		       memcmp(a->v.str.ptr, b->v.str.ptr, a->v.str.len) == 0;
	case KP_SEQ:
		if (a->v.seq.len != b->v.seq.len)
			return 0;
		for (i = 0; i < a->v.seq.len; i++)
			if (!same_tree(a->v.seq.items[i], b->v.seq.items[i]))
				return 0;
		return 1;
	case KP_MAP:
		if (a->v.map.len != b->v.map.len)
			return 0;
		for (i = 0; i < a->v.map.len; i++)
			if (a->v.map.pairs[i].keylen !=
				    b->v.map.pairs[i].keylen ||
			    memcmp(a->v.map.pairs[i].key, b->v.map.pairs[i].key,
				   a->v.map.pairs[i].keylen) != 0 ||
			    !same_tree(a->v.map.pairs[i].value,
				       b->v.map.pairs[i].value))
				return 0;
		return 1;
	}
	return 0;
}

/*
 * 1 when s holds a C1 control, U+2028, U+2029, U+FFFE or U+FFFF as
 * they are: the loader refuses them in a plan (and kiplan new with it,
 * nothing written).
 */
static int refused_char(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i + 1 < n; i++) {
		if (p[i] == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			return 1;
		if (i + 2 < n && p[i] == 0xe2 && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0xa8 || p[i + 2] == 0xa9))
			return 1;
		if (i + 2 < n && p[i] == 0xef && p[i + 1] == 0xbf &&
		    (p[i + 2] == 0xbe || p[i + 2] == 0xbf))
			return 1; /* U+FFFE, U+FFFF */
	}
	return 0;
}

static void round_trip(const char *text, size_t size)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = NULL, *again = NULL;
	struct kp_buf out = KP_BUF_INIT;

	if (kp_json_parse(&doc, text, size, "fuzz.json", &err) < 0) {
		if (!err.msg[0] || !err.line)
			abort();
		return;
	}
	kp_json_write(&out, kp_doc_root(doc));
	if (kp_json_parse(&again, out.buf, out.len, "again.json", &err) < 0 ||
	    !same_tree(kp_doc_root(doc), kp_doc_root(again)))
		abort();
	kp_buf_release(&out);
	kp_doc_free(doc);
	kp_doc_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char id[] = "ki-2026-0001";
	static struct kp_schema *schema;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_fields *f = kp_fields_new();
	struct kp_findings found = KP_FINDINGS_INIT;
	struct kp_plan *plan = NULL, *fast = NULL;
	struct kp_buf draft = KP_BUF_INIT;
	const char *text = (const char *)data;

	if (!schema && kp_schema_builtin(&schema, &err) < 0)
		abort();
	round_trip(text, size);
	if (kp_fields_load_text(f, "-", text, size, &err) < 0) {
		if (!err.msg[0])
			abort();
		goto done;
	}
	kp_fields_type(f, schema, NULL);
	if (kp_template_draft(&draft, id, kp_fields_root(f), &err) < 0) {
		if (!err.msg[0])
			abort();
		goto done;
	}
	/*
	 * What kiplan writes, it reads; but for a character that no plan
	 * may hold, which the loader refuses, as kiplan new then does.
	 */
	if (kp_plan_parse(&plan, "ki-2026-0001.md", draft.buf, draft.len, 0,
			  &err) < 0) {
		if (!refused_char(draft.buf, draft.len) || !err.msg[0])
			abort();
		goto done;
	}
	if (kp_plan_fast(&fast, "ki-2026-0001.md", draft.buf, draft.len) &&
	    !same_tree(fast->root, plan->root))
		abort();
	kp_validate(plan, schema, &found);
done:
	kp_findings_release(&found);
	kp_plan_free(plan);
	kp_plan_free(fast);
	kp_buf_release(&draft);
	kp_fields_free(f);
	return 0;
}
