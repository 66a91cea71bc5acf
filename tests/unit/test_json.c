/*
 * test_json.c: the strict JSON reader (lib/json.c).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "kiplan.h"

static struct kp_doc *parse(const char *text, struct kp_error *err)
{
	struct kp_doc *doc = NULL;

	if (kp_json_parse(&doc, text, strlen(text), "t.json", err) < 0)
		return NULL;
	return doc;
}

/* Parse text that must fail; check the position and message start. */
#define R(lit, ...) refused(lit, sizeof(lit) - 1, __VA_ARGS__)

static void refused(const char *text, size_t len, unsigned line,
		    unsigned col, const char *msg)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = NULL;

	INT_EQ(kp_json_parse(&doc, text, len, "t.json", &err), KP_EPARSE);
	OK(doc == NULL);
	STR_EQ(err.file, "t.json");
	INT_EQ(err.line, line);
	INT_EQ(err.col, col);
	if (strncmp(err.msg, msg, strlen(msg)) != 0)
		STR_EQ(err.msg, msg);
}

void test_json__tree_and_positions(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = parse("{\n  \"borger\": {\"navn\": \"Jens\"},\n"
				   "  \"l\": [1, -2.5, true, null]\n}", &err);
	struct kp_node *root, *l;
	const struct kp_pair *p;

	OK(doc != NULL);
	root = kp_doc_root(doc);
	INT_EQ(root->type, KP_MAP);
	INT_EQ(root->line, 1);
	INT_EQ(root->col, 1);
	p = kp_map_pair(root, "borger");
	OK(p != NULL);
	INT_EQ(p->line, 2);
	INT_EQ(p->col, 3);
	INT_EQ(p->value->line, 2);
	INT_EQ(p->value->col, 13);
	STR_EQ(kp_node_str(kp_node_at(root, "borger.navn")), "Jens");
	INT_EQ(kp_node_at(root, "borger.navn")->col, 22);
	l = kp_map_get(root, "l");
	INT_EQ(l->v.seq.len, 4);
	INT_EQ(l->v.seq.items[0]->type, KP_INT);
	INT_EQ(l->v.seq.items[0]->v.integer, 1);
	INT_EQ(l->v.seq.items[1]->type, KP_FLOAT);
	OK(l->v.seq.items[1]->v.real == -2.5);
	INT_EQ(l->v.seq.items[1]->col, 12);
	OK(kp_node_true(l->v.seq.items[2]));
	INT_EQ(l->v.seq.items[3]->type, KP_NULL);
	INT_EQ(l->v.seq.items[3]->line, 3);
	INT_EQ(l->v.seq.items[3]->col, 24);
	kp_doc_free(doc);
}

void test_json__columns_count_characters(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = parse("{\"\xc3\xa6\xc3\xb8\": 1, \"x\": 2}", &err);

	OK(doc != NULL);
	INT_EQ(kp_map_pair(kp_doc_root(doc), "x")->col, 11);
	kp_doc_free(doc);
}

void test_json__numbers(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = parse("[0, -0, 1.0, 9223372036854775807, "
				   "9223372036854775808, -9223372036854775808, "
				   "1e2, 1E-2, 0.0075]", &err);
	struct kp_node **v;

	OK(doc != NULL);
	v = kp_doc_root(doc)->v.seq.items;
	INT_EQ(v[0]->type, KP_INT);
	INT_EQ(v[1]->type, KP_INT);
	INT_EQ(v[2]->type, KP_FLOAT);	/* 1.0 stays a float */
	OK(v[2]->v.real == 1.0);
	INT_EQ(v[3]->type, KP_INT);
	OK(v[3]->v.integer == 9223372036854775807LL);
	INT_EQ(v[4]->type, KP_FLOAT);	/* overflows long long */
	INT_EQ(v[5]->type, KP_INT);
	INT_EQ(v[6]->type, KP_FLOAT);
	OK(v[6]->v.real == 100.0);
	OK(v[7]->v.real == 0.01);
	OK(v[8]->v.real == 0.0075);
	kp_doc_free(doc);
	R("[01]", 1, 3, "expected ','");
	R("-", 1, 2, "unexpected end of input");
	R("1.", 1, 3, "unexpected end of input");
	R("[.5]", 1, 2, "unexpected '.'");
	R("+1", 1, 1, "unexpected '+'");
	R("1e400", 1, 1, "number out of range");
	R("[NaN]", 1, 2, "unexpected 'N'");
}

void test_json__strings_and_escapes(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = parse("[\"a\\u0000b\", \"\\ud83d\\ude00\", "
				   "\"\\u00e6\\/\\\"\\\\\\b\\f\\n\\r\\t\"]", &err);
	struct kp_node **v;

	OK(doc != NULL);
	v = kp_doc_root(doc)->v.seq.items;
	INT_EQ(v[0]->v.str.len, 3);
	OK(memcmp(v[0]->v.str.ptr, "a\0b", 3) == 0);
	STR_EQ(v[1]->v.str.ptr, "\xf0\x9f\x98\x80");
	STR_EQ(v[2]->v.str.ptr, "\xc3\xa6/\"\\\b\f\n\r\t");
	kp_doc_free(doc);
	R("\"\\ud83d\"", 1, 2, "lone high surrogate");
	R("\"x\\ude00\"", 1, 3, "lone low surrogate");
	R("\"\\ud83dx\"", 1, 2, "lone high surrogate");
	R("\"\\x\"", 1, 3, "invalid escape");
	R("\"\\u12g4\"", 1, 2, "invalid \\u escape");
	R("\"a\tb\"", 1, 3, "control character in string");
	R("\"\xff\"", 1, 2, "invalid UTF-8");
	R("\"\xed\xa0\x80\"", 1, 2, "invalid UTF-8");
	R("\"abc", 1, 5, "unterminated string");
}

void test_json__structure_errors(void)
{
	R("", 1, 1, "no JSON value");
	R("  \n ", 2, 2, "no JSON value");
	R("{\"a\": 1,}", 1, 9, "expected a string key");
	R("[1,]", 1, 4, "unexpected ']'");
	R("[1 2]", 1, 4, "expected ',' or ']'");
	R("{\"a\" 1}", 1, 6, "expected ':'");
	R("{'a': 1}", 1, 2, "expected a string key");
	R("[1] x", 1, 5, "trailing data");
	R("{\"a\": tru}", 1, 7, "unexpected 't'");
	R("[1,\n  2", 2, 4, "unterminated array");
	R("\xef\xbb\xbf{}", 1, 1, "unexpected 0xef");
	R("{\"a\":1}\0", 1, 8, "trailing data");
}

void test_json__duplicate_key_refused_at_the_key(void)
{
	struct kp_buf b = KP_BUF_INIT;
	int i;

	R("{\"a\": 1,\n \"b\": 2,\n   \"a\": 3}", 3, 4,
		"duplicate key 'a'");
	/* many keys: the hashed check */
	kp_buf_addch(&b, '{');
	for (i = 0; i < 1000; i++)
		kp_buf_addf(&b, "\"k%d\": %d,\n", i, i);
	kp_buf_addstr(&b, "\"k500\": 0}");
	refused(b.buf, b.len, 1001, 1, "duplicate key 'k500'");
	/* keys that differ only after a NUL are different */
	R("{\"a\\u0000\": 1, \"a\": 2, \"a\\u0000\": 3}", 1, 24,
		"duplicate key 'a\\x00'");
	kp_buf_release(&b);
}

void test_json__nesting_limit(void)
{
	struct kp_buf b = KP_BUF_INIT;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = NULL;
	int i;

	for (i = 0; i < KP_DEPTH_MAX * 4; i++)
		kp_buf_addch(&b, '[');
	for (i = 0; i < KP_DEPTH_MAX * 4; i++)
		kp_buf_addch(&b, ']');
	INT_EQ(kp_json_parse(&doc, b.buf, b.len, "t.json", &err), 0);
	kp_doc_free(doc);
	kp_buf_reset(&b);
	for (i = 0; i < 100000; i++)
		kp_buf_addstr(&b, "{\"a\":[");
	refused(b.buf, b.len, 1, KP_DEPTH_MAX * 4 * 3 + 1, "nesting deeper than");
	kp_buf_release(&b);
}

void test_json__large_input_is_fast(void)
{
	struct kp_buf b = KP_BUF_INIT;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = NULL;
	clock_t t0 = clock();
	int i;

	kp_buf_addch(&b, '{');
	for (i = 0; i < 200000; i++)
		kp_buf_addf(&b, "%s\"key%d\": [\"v\", %d, 1.5]", i ? "," : "", i,
			    i);
	kp_buf_addch(&b, '}');
	INT_EQ(kp_json_parse(&doc, b.buf, b.len, "t.json", &err), 0);
	INT_EQ(kp_doc_root(doc)->v.map.len, 200000);
	OK((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
	kp_doc_free(doc);
	kp_buf_release(&b);
}

void test_json__round_trip(void)
{
	static const char text[] = "{\"a\":[1,2.5,\"x\\ny\",null,true,{}],"
				   "\"b\\u0000\":\"\xc3\xa6\"}";
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = parse(text, &err);
	struct kp_buf out = KP_BUF_INIT;

	OK(doc != NULL);
	kp_json_write(&out, kp_doc_root(doc));
	STR_EQ(out.buf, text);
	kp_buf_release(&out);
	kp_doc_free(doc);
}
