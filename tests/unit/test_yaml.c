/*
 * test_yaml.c: kp_yaml_parse(): core-schema scalars, positions, every
 * refusal with its exact position and message, and hostile inputs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "kiplan.h"
#include "load/load.h"

static char result[1024];

/*
 * Load len bytes of s and describe the result: the tree as JSON, or
 * "<code>: <file:line:col: message>".
 */
static const char *yaml_n(const char *s, size_t len, unsigned first_line,
			  unsigned flags)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = NULL;
	struct kp_buf out = KP_BUF_INIT;
	char msg[600];
	int rc;

	rc = kp_yaml_parse(&doc, s, len, first_line, flags, "t.yaml", &err);
	if (rc < 0) {
		OK(doc == NULL);
		OK(err.code == rc);
		kp_error_format(msg, sizeof(msg), &err);
		snprintf(result, sizeof(result), "%s: %s", kp_error_name(rc),
			 msg);
		return result;
	}
	if (kp_doc_root(doc))
		kp_json_write(&out, kp_doc_root(doc));
	else
		kp_buf_addstr(&out, "(none)");
	snprintf(result, sizeof(result), "%s", out.buf);
	kp_buf_release(&out);
	kp_doc_free(doc);
	return result;
}

static const char *yaml(const char *s, unsigned flags)
{
	return yaml_n(s, strlen(s), 1, flags);
}

static struct kp_doc *load(const char *s, unsigned flags)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = NULL;

	INT_EQ(kp_yaml_parse(&doc, s, strlen(s), 1, flags, "t.yaml", &err), 0);
	return doc;
}

void test_yaml__core_schema_scalars(void)
{
	STR_EQ(yaml("[null, Null, NULL, ~, nULL]", 0),
	       "[null,null,null,null,\"nULL\"]");
	STR_EQ(yaml("a:\nb: !!str\n", 0), "{\"a\":null,\"b\":\"\"}");
	STR_EQ(yaml("[true, True, TRUE, false, False, FALSE, tRUE]", 0),
	       "[true,true,true,false,false,false,\"tRUE\"]");
	/* YAML 1.1 booleans stay strings; so do dates. */
	STR_EQ(yaml("[yes, no, on, off, y, n, 2014-05-01, 12:30]", 0),
	       "[\"yes\",\"no\",\"on\",\"off\",\"y\",\"n\",\"2014-05-01\","
	       "\"12:30\"]");
	STR_EQ(yaml("[0, -12, +7, 007, 0o17, 0x1F, 0xff, 0o8, 0x, 1_000]", 0),
	       "[0,-12,7,7,15,31,255,\"0o8\",\"0x\",\"1_000\"]");
	STR_EQ(yaml("[1.5, -.5, +2., 1e3, 1E-2, .5e+1, 1.2.3, 1e, e3, .]", 0),
	       "[1.5,-0.5,2,1000,0.01,5,\"1.2.3\",\"1e\",\"e3\",\".\"]");
	/* Quoted and block scalars are always strings. */
	STR_EQ(yaml("['1', \"true\", \"~\", '']", 0),
	       "[\"1\",\"true\",\"~\",\"\"]");
	STR_EQ(yaml("a: |\n  12\nb: >\n  null\n", 0),
	       "{\"a\":\"12\\n\",\"b\":\"null\\n\"}");
}

void test_yaml__number_types_and_values(void)
{
	struct kp_doc *doc = load("[9223372036854775807, "
				  "9223372036854775808, -9223372036854775808, "
				  "0x7fffffffffffffff, 0x8000000000000000, "
				  ".inf, -.Inf, +.INF, .nan, .NaN, 2.5]",
				  0);
	struct kp_node **v = kp_doc_root(doc)->v.seq.items;

	INT_EQ(v[0]->type, KP_INT);
	OK(v[0]->v.integer == 9223372036854775807LL);
	INT_EQ(v[1]->type, KP_FLOAT); /* overflow */
	OK(v[1]->v.real == 9223372036854775808.0);
	INT_EQ(v[2]->type, KP_INT);
	OK(v[2]->v.integer == -9223372036854775807LL - 1);
	INT_EQ(v[3]->type, KP_INT);
	INT_EQ(v[4]->type, KP_FLOAT);
	OK(v[4]->v.real == 9223372036854775808.0);
	OK(v[5]->type == KP_FLOAT && isinf(v[5]->v.real) && v[5]->v.real > 0);
	OK(v[6]->type == KP_FLOAT && isinf(v[6]->v.real) && v[6]->v.real < 0);
	OK(v[7]->type == KP_FLOAT && isinf(v[7]->v.real) && v[7]->v.real > 0);
	OK(v[8]->type == KP_FLOAT && isnan(v[8]->v.real));
	OK(v[9]->type == KP_FLOAT && isnan(v[9]->v.real));
	OK(v[10]->type == KP_FLOAT && v[10]->v.real == 2.5);
	kp_doc_free(doc);
}

void test_yaml__tags_outside_plans(void)
{
	STR_EQ(yaml("[!!str 1, ! 2, !!int \"3\", !!float 4, !!bool 'true', "
		    "!!null '', !local 5, !local '6', !!binary 7]",
		    0),
	       "[\"1\",\"2\",3,4,true,null,5,\"6\",7]");
	STR_EQ(yaml("a: !!int abc", 0),
	       "parse: t.yaml:1:4: 'abc' is not a valid !!int");
	STR_EQ(yaml("!!int 99999999999999999999", 0), "1e+20");
}

void test_yaml__keys_are_strings(void)
{
	struct kp_doc *doc = load("1: a\nnull: b\ntrue: c\n'x': d\n", 0);
	const struct kp_node *root = kp_doc_root(doc);

	STR_EQ(kp_node_str(kp_map_get(root, "1")), "a");
	STR_EQ(kp_node_str(kp_map_get(root, "null")), "b");
	STR_EQ(kp_node_str(kp_map_get(root, "true")), "c");
	STR_EQ(kp_node_str(kp_map_get(root, "x")), "d");
	kp_doc_free(doc);
	STR_EQ(yaml("1: a\n\"1\": b\n", 0),
	       "parse: t.yaml:2:1: duplicate key '1' (first at line 1)");
}

void test_yaml__positions(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = NULL;
	const char *s = "id: x\nborger:\n  navn: \"Jens\"\n  tal: [1, 2]\n";
	const struct kp_node *root, *borger;
	const struct kp_pair *p;

	INT_EQ(kp_yaml_parse(&doc, s, strlen(s), 2, KP_YAML_PLAN, "p", &err),
	       0);
	root = kp_doc_root(doc);
	INT_EQ(root->type, KP_MAP);
	INT_EQ(root->line, 2);
	INT_EQ(root->col, 1);
	p = kp_map_pair(root, "borger");
	INT_EQ(p->line, 3);
	INT_EQ(p->col, 1);
	borger = p->value;
	INT_EQ(borger->line, 4);
	INT_EQ(borger->col, 3);
	p = kp_map_pair(borger, "navn");
	INT_EQ(p->line, 4);
	INT_EQ(p->col, 3);
	INT_EQ(p->value->line, 4);
	INT_EQ(p->value->col, 9);
	p = kp_map_pair(borger, "tal");
	INT_EQ(p->value->col, 8);
	INT_EQ(p->value->v.seq.items[1]->line, 5);
	INT_EQ(p->value->v.seq.items[1]->col, 12);
	kp_doc_free(doc);
	/* Columns count characters, as libyaml's do. */
	STR_EQ(yaml("æøå: [\n", 0),
	       "parse: t.yaml:2:1: a value is missing here");
	STR_EQ(yaml("æøå: 1\n b: 2\n", 0),
	       "parse: t.yaml:2:3: a ':' followed by a space cannot stand "
	       "here: put a value that holds ': ' in quotes, and indent a "
	       "key like the keys above it");
}

void test_yaml__syntax_errors(void)
{
	STR_EQ(yaml("a: [1, 2\nb: 3\n", 0),
	       "parse: t.yaml:1:4: this list in [ ] is not closed with ']'");
	STR_EQ(yaml_n("a: 1\n  b: 2\n", 12, 2, KP_YAML_PLAN),
	       "parse: t.yaml:3:4: a ':' followed by a space cannot stand "
	       "here: put a value that holds ': ' in quotes, and indent a "
	       "key like the keys above it");
	STR_EQ(yaml("a: \"x\n", 0),
	       "parse: t.yaml:1:4: the quotation mark here is never closed");
}

/*
 * YAML allows an implicit key (without '?') 1024 characters; libyaml says
 * "could not find expected ':'" beyond, or that a { } is not closed.  The
 * message says what is wrong, at the key.
 */
void test_yaml__long_implicit_key(void)
{
	static const char msg[] =
		"this key is longer than 1024 characters, YAML's limit for a "
		"key written without '?': shorten it";
	struct kp_buf b = KP_BUF_INIT;
	char want[200];
	size_t i;

	/* 1024 characters (here 'æ', two bytes each): a key. */
	kp_buf_addstr(&b, "a: 1\nb:\n  ");
	for (i = 0; i < 1024; i++)
		kp_buf_addstr(&b, "\xc3\xa6");
	kp_buf_addstr(&b, ": 2\n");
	OK(strncmp(yaml(b.buf, 0), "{\"a\":1,\"b\":{\"", 13) == 0);
	/* 1025: too long, in a block mapping, */
	kp_buf_reset(&b);
	kp_buf_addstr(&b, "a: 1\nb:\n  ");
	for (i = 0; i < 1025; i++)
		kp_buf_addstr(&b, "\xc3\xa6");
	kp_buf_addstr(&b, ": 2\n");
	snprintf(want, sizeof(want), "parse: t.yaml:3:3: %s", msg);
	STR_EQ(yaml(b.buf, 0), want);
	/* in a plan's frontmatter, counted from its first line, */
	snprintf(want, sizeof(want), "parse: t.yaml:4:3: %s", msg);
	STR_EQ(yaml_n(b.buf, b.len, 2, KP_YAML_PLAN), want);
	/* after "- ", */
	kp_buf_reset(&b);
	kp_buf_addstr(&b, "a:\n- ");
	for (i = 0; i < 1100; i++)
		kp_buf_addch(&b, 'k');
	kp_buf_addstr(&b, ": 2\n");
	snprintf(want, sizeof(want), "parse: t.yaml:2:3: %s", msg);
	STR_EQ(yaml(b.buf, 0), want);
	/* and in a flow mapping. */
	kp_buf_reset(&b);
	kp_buf_addstr(&b, "a: {x: 1, ");
	for (i = 0; i < 1100; i++)
		kp_buf_addch(&b, 'k');
	kp_buf_addstr(&b, ": 2}\n");
	snprintf(want, sizeof(want), "parse: t.yaml:1:11: %s", msg);
	STR_EQ(yaml(b.buf, 0), want);
	kp_buf_release(&b);
}

void test_yaml__bytes_refused_in_all_modes(void)
{
	unsigned flags[] = { 0, KP_YAML_PLAN, KP_YAML_STREAM };
	size_t i;

	for (i = 0; i < 3; i++) {
		STR_EQ(yaml_n("a: 1\nb: x\0y\n", 11, 1, flags[i]),
		       "parse: t.yaml:2:5: control character U+0000 is not "
		       "allowed");
		STR_EQ(yaml("a: 1\nb: \"\xc3\xa6\x1b[31m\"\n", flags[i]),
		       "parse: t.yaml:2:6: control character U+001B is not "
		       "allowed");
		STR_EQ(yaml("a: x\x7f", flags[i]),
		       "parse: t.yaml:1:5: control character U+007F is not "
		       "allowed");
		STR_EQ(yaml("a: 1\r\nb: \xc3\x28\n", flags[i]),
		       "parse: t.yaml:2:4: invalid UTF-8 (byte 0xc3)");
		STR_EQ(yaml("a: \xed\xa0\x80", flags[i]),
		       "parse: t.yaml:1:4: invalid UTF-8 (byte 0xed)");
		STR_EQ(yaml("a: \xc0\xaf", flags[i]),
		       "parse: t.yaml:1:4: invalid UTF-8 (byte 0xc0)");
		STR_EQ(yaml("a: \xf4\x90\x80\x80", flags[i]),
		       "parse: t.yaml:1:4: invalid UTF-8 (byte 0xf4)");
		STR_EQ(yaml("a: \xe2\x82", flags[i]),
		       "parse: t.yaml:1:4: invalid UTF-8 (byte 0xe2)");
		/* UTF-16 is not UTF-8. */
		STR_EQ(yaml_n("\xff\xfe"
			      "a\0:\0",
			      6, 1, flags[i]),
		       "parse: t.yaml:1:1: invalid UTF-8 (byte 0xff)");
		/* C1 controls too, NEL included (libyaml takes it as a break).
		 */
		STR_EQ(yaml("a: 1\nbb: \xc2\x9b"
			    "2J\n",
			    flags[i]),
		       "parse: t.yaml:2:5: control character U+009B is not "
		       "allowed");
		STR_EQ(yaml("a: \xc3\xa6\xc2\x85", flags[i]),
		       "parse: t.yaml:1:5: control character U+0085 is not "
		       "allowed");
		/* Non-characters: libyaml's reader refuses them (by offset). */
		STR_EQ(yaml("a: 1\nbb: \xc3\xa6\xef\xbf\xbe\n", flags[i]),
		       "parse: t.yaml:2:6: the character U+FFFE is not "
		       "allowed");
	}
	/* Tab, LF, CR are fine; a BOM too. */
	STR_EQ(yaml("\xef\xbb\xbf"
		    "a:\t\"x\ty\"\r\nb: 2\r",
		    0),
	       "{\"a\":\"x\\ty\",\"b\":2}");
}

void test_yaml__duplicate_and_complex_keys(void)
{
	STR_EQ(yaml("navn: a\nx: 1\nnavn: b\n", KP_YAML_PLAN),
	       "parse: t.yaml:3:1: duplicate key 'navn' (first at line 1)");
	STR_EQ(yaml("a:\n  b: 1\n  c: {d: 1, d: 2}\n", 0),
	       "parse: t.yaml:3:13: duplicate key 'd' (first at line 3)");
	STR_EQ(yaml("[1]: a\n", 0),
	       "parse: t.yaml:1:1: a mapping key must be a scalar, not a "
	       "list");
	STR_EQ(yaml("? {a: 1}\n: b\n", KP_YAML_PLAN),
	       "parse: t.yaml:1:3: a mapping key must be a scalar, not a "
	       "mapping");
	/* A long key is shown shortened, and escaped. */
	STR_EQ(yaml("\"\\e0123456789012345678901234567890123456789012345678"
		    "901234567890\": 1\n\"\\e0123456789012345678901234567890"
		    "123456789012345678901234567890\": 2\n",
		    0),
	       "parse: t.yaml:2:1: duplicate key '\\x1b0123456789012345678"
	       "9012345678901234567890123456789012345678...' (first at line "
	       "1)");
}

void test_yaml__plan_mode_refusals(void)
{
	STR_EQ(yaml("a: &x 1\n", KP_YAML_PLAN),
	       "parse: t.yaml:1:4: anchors and aliases are not allowed in a "
	       "plan");
	STR_EQ(yaml("a: 1\nb: *x\n", KP_YAML_PLAN),
	       "parse: t.yaml:2:4: anchors and aliases are not allowed in a "
	       "plan");
	STR_EQ(yaml("a: 1\nb: !!python/object:os.system x\n", KP_YAML_PLAN),
	       "parse: t.yaml:2:4: tags are not allowed in a plan: "
	       "'!!python/object:os.system'");
	STR_EQ(yaml("a: ! 1\n", KP_YAML_PLAN),
	       "parse: t.yaml:1:4: tags are not allowed in a plan: '!'");
	STR_EQ(yaml("a: !!map {}\n", KP_YAML_PLAN),
	       "parse: t.yaml:1:4: tags are not allowed in a plan: '!!map'");
	STR_EQ(yaml("a: 1\n<<: {b: 2}\n", KP_YAML_PLAN),
	       "parse: t.yaml:2:1: merge keys ('<<') are not allowed in a "
	       "plan");
	STR_EQ(yaml("'<<': 1\n", KP_YAML_PLAN), "{\"<<\":1}");
	STR_EQ(yaml("- a\n", KP_YAML_PLAN),
	       "parse: t.yaml:1:1: the frontmatter must be a mapping (key: "
	       "value), not a list");
	STR_EQ(yaml("\n\n  text\n", KP_YAML_PLAN),
	       "parse: t.yaml:3:3: the frontmatter must be a mapping (key: "
	       "value), not a single value");
	STR_EQ(yaml("a: 1\n--- \nb: 2\n", KP_YAML_PLAN),
	       "parse: t.yaml:2:1: a second YAML document is not allowed in "
	       "a plan");
	STR_EQ(yaml_n("# nothing\n", 10, 2, KP_YAML_PLAN),
	       "parse: t.yaml:2:1: the frontmatter is empty");
	STR_EQ(yaml("", KP_YAML_PLAN),
	       "parse: t.yaml:1:1: the frontmatter is empty");
}

void test_yaml__documents_and_streams(void)
{
	STR_EQ(yaml("", 0), "(none)");
	STR_EQ(yaml("", KP_YAML_STREAM), "[]");
	STR_EQ(yaml("a: 1\n---\n- 2\n--- x\n...\n", KP_YAML_STREAM),
	       "[{\"a\":1},[2],\"x\"]");
	STR_EQ(yaml("a: 1\n---\nb: 2\n", 0),
	       "parse: t.yaml:2:1: more than one YAML document");
	STR_EQ(yaml("--- |\n  text\n", 0), "\"text\\n\"");
}

void test_yaml__aliases_outside_plans(void)
{
	struct kp_doc *doc;
	const struct kp_node *a, *b;

	STR_EQ(yaml("a: &x {k: [1, 2]}\nb: *x\n*x : 3\n", 0),
	       "parse: t.yaml:3:1: a mapping key must be a scalar, not a "
	       "mapping");
	STR_EQ(yaml("a: &k key\n*k : 3\n", 0), "{\"a\":\"key\",\"key\":3}");
	STR_EQ(yaml("a: &x 1\nb: &x 2\nc: *x\n", 0),
	       "{\"a\":1,\"b\":2,\"c\":2}");
	STR_EQ(yaml("a: *nope\n", 0),
	       "parse: t.yaml:1:4: undefined alias '*nope'");
	STR_EQ(yaml("a: &x [1, *x]\n", 0),
	       "parse: t.yaml:1:11: alias '*x' refers to a node that "
	       "contains it");
	/* An alias is a deep copy, not a shared node. */
	doc = load("a: &x {k: [1, 2]}\nb: *x\n", 0);
	a = kp_map_get(kp_doc_root(doc), "a");
	b = kp_map_get(kp_doc_root(doc), "b");
	OK(a != b);
	OK(kp_node_equal(a, b));
	OK(kp_map_get(a, "k") != kp_map_get(b, "k"));
	kp_doc_free(doc);
}

void test_yaml__nesting_limit(void)
{
	struct kp_buf b = KP_BUF_INIT;
	int i;

	/* 32 levels load; the 33rd is refused where it opens. */
	for (i = 0; i < KP_DEPTH_MAX; i++)
		kp_buf_addch(&b, '[');
	for (i = 0; i < KP_DEPTH_MAX; i++)
		kp_buf_addch(&b, ']');
	OK(yaml(b.buf, 0)[0] == '[');
	kp_buf_reset(&b);
	for (i = 0; i <= KP_DEPTH_MAX; i++)
		kp_buf_addch(&b, '[');
	STR_EQ(yaml(b.buf, 0),
	       "parse: t.yaml:1:33: nesting deeper than 32 levels");
	kp_buf_reset(&b);
	for (i = 0; i <= KP_DEPTH_MAX; i++)
		kp_buf_addf(&b, "%*sk:\n", 2 * i, "");
	STR_EQ(yaml(b.buf, KP_YAML_PLAN),
	       "parse: t.yaml:33:65: nesting deeper than 32 levels");
	/* An alias may not smuggle in more depth. */
	kp_buf_reset(&b);
	kp_buf_addstr(&b, "a: &x ");
	for (i = 0; i < KP_DEPTH_MAX - 1; i++)
		kp_buf_addch(&b, '[');
	for (i = 0; i < KP_DEPTH_MAX - 1; i++)
		kp_buf_addch(&b, ']');
	kp_buf_addstr(&b, "\nb: *x\nc: [*x]\n");
	STR_EQ(yaml(b.buf, 0),
	       "parse: t.yaml:3:5: nesting deeper than 32 levels");
	kp_buf_release(&b);
}

/* Hostile inputs: each must finish (linear time) with the right result. */

void test_yaml__hostile_many_keys(void)
{
	struct kp_buf b = KP_BUF_INIT;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = NULL;
	int i;

	/* About 1 MiB of 100k distinct keys: loads. */
	for (i = 0; i < 100000; i++)
		kp_buf_addf(&b, "key%06d: %d\n", i, i);
	OK(b.len > 1000000);
	INT_EQ(kp_yaml_parse(&doc, b.buf, b.len, 2, KP_YAML_PLAN, "t", &err),
	       0);
	INT_EQ(kp_doc_root(doc)->v.map.len, 100000);
	kp_doc_free(doc);
	/* The same with one repeated key at the end. */
	kp_buf_addstr(&b, "key000007: x\n");
	INT_EQ(kp_yaml_parse(&doc, b.buf, b.len, 2, KP_YAML_PLAN, "t", &err),
	       KP_EPARSE);
	STR_EQ(err.msg, "duplicate key 'key000007' (first at line 9)");
	INT_EQ(err.line, 100002);
	INT_EQ(err.col, 1);
	/* All keys equal but for their length (long common prefixes). */
	kp_buf_reset(&b);
	for (i = 0; i < 1000; i++)
		kp_buf_addf(&b, "%0*d: 1\n", i + 1, 0);
	kp_buf_addf(&b, "%0*d: 1\n", 500, 0);
	INT_EQ(kp_yaml_parse(&doc, b.buf, b.len, 1, 0, "t", &err), KP_EPARSE);
	INT_EQ(err.line, 1001);
	kp_buf_release(&b);
}

void test_yaml__hostile_deep_and_long(void)
{
	struct kp_buf b = KP_BUF_INIT;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = NULL;
	size_t i;

	/* 1 MiB of '[' stops at the 33rd. */
	for (i = 0; i < 1024 * 1024; i++)
		kp_buf_addch(&b, '[');
	INT_EQ(kp_yaml_parse(&doc, b.buf, b.len, 1, 0, "t", &err), KP_EPARSE);
	INT_EQ(err.col, 33);
	/* 1 MiB of '{a: ' too. */
	kp_buf_reset(&b);
	while (b.len < 1024 * 1024)
		kp_buf_addstr(&b, "{a: ");
	INT_EQ(kp_yaml_parse(&doc, b.buf, b.len, 1, 0, "t", &err), KP_EPARSE);
	STR_EQ(err.msg, "nesting deeper than 32 levels");
	/* A line of 1 MiB. */
	kp_buf_reset(&b);
	kp_buf_addstr(&b, "a: ");
	for (i = 0; i < 1024 * 1024; i++)
		kp_buf_addch(&b, 'x');
	kp_buf_addstr(&b, "\nb: \"");
	for (i = 0; i < 1024 * 1024; i++)
		kp_buf_addstr(&b, i % 2 ? "\\t" : "y ");
	kp_buf_addstr(&b, "\"\n");
	INT_EQ(kp_yaml_parse(&doc, b.buf, b.len, 1, KP_YAML_PLAN, "t", &err),
	       0);
	INT_EQ(kp_node_at(kp_doc_root(doc), "a")->v.str.len, 1024 * 1024);
	kp_doc_free(doc);
	/* A flow sequence of 500k items. */
	kp_buf_reset(&b);
	kp_buf_addstr(&b, "a: [");
	for (i = 0; i < 500000; i++)
		kp_buf_addstr(&b, "x,");
	kp_buf_addstr(&b, "]\n");
	INT_EQ(kp_yaml_parse(&doc, b.buf, b.len, 1, KP_YAML_PLAN, "t", &err),
	       0);
	INT_EQ(kp_node_at(kp_doc_root(doc), "a")->v.seq.len, 500000);
	kp_doc_free(doc);
	kp_buf_release(&b);
}

void test_yaml__hostile_billion_laughs(void)
{
	struct kp_buf b = KP_BUF_INIT;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = NULL;
	int i, j;

	kp_buf_addstr(&b, "a0: &a0 [lol, lol, lol, lol, lol, lol, lol]\n");
	for (i = 1; i < 30; i++) {
		kp_buf_addf(&b, "a%d: &a%d [", i, i);
		for (j = 0; j < 10; j++)
			kp_buf_addf(&b, "%s*a%d", j ? ", " : "", i - 1);
		kp_buf_addstr(&b, "]\n");
	}
	INT_EQ(kp_yaml_parse(&doc, b.buf, b.len, 1, 0, "t", &err), KP_ELIMIT);
	OK(strncmp(err.msg, "alias expansion exceeds the limit", 33) == 0);
	INT_EQ(err.line, 5);
	OK(doc == NULL);
	/* In a plan the first anchor is enough. */
	INT_EQ(kp_yaml_parse(&doc, b.buf, b.len, 2, KP_YAML_PLAN, "t", &err),
	       KP_EPARSE);
	INT_EQ(err.line, 2);
	INT_EQ(err.col, 5);
	/* 100k aliases of a small node are within the budget. */
	kp_buf_reset(&b);
	kp_buf_addstr(&b, "a: &a x\nb: [");
	for (i = 0; i < 100000; i++)
		kp_buf_addstr(&b, "*a, ");
	kp_buf_addstr(&b, "]\n");
	INT_EQ(kp_yaml_parse(&doc, b.buf, b.len, 1, 0, "t", &err), 0);
	INT_EQ(kp_node_at(kp_doc_root(doc), "b")->v.seq.len, 100000);
	kp_doc_free(doc);
	/* ... but not 100k aliases of a node of 50. */
	kp_buf_reset(&b);
	kp_buf_addstr(&b, "a: &a [");
	for (i = 0; i < 50; i++)
		kp_buf_addstr(&b, "1,");
	kp_buf_addstr(&b, "]\nb: [");
	for (i = 0; i < 100000; i++)
		kp_buf_addstr(&b, "*a, ");
	kp_buf_addstr(&b, "]\n");
	INT_EQ(kp_yaml_parse(&doc, b.buf, b.len, 1, 0, "t", &err), KP_ELIMIT);
	kp_buf_release(&b);
}

void test_yaml__hostile_long_string_aliases(void)
{
	struct kp_buf b = KP_BUF_INIT;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_doc *doc = NULL;
	const struct kp_node *seq;
	int i;

	/* 1000 aliases of a 100 kB string: the text is not copied 1000 times.
	 */
	kp_buf_addstr(&b, "a: &k ");
	for (i = 0; i < 100000; i++)
		kp_buf_addch(&b, 'x');
	kp_buf_addstr(&b, "\nb: [");
	for (i = 0; i < 1000; i++)
		kp_buf_addstr(&b, "*k, ");
	kp_buf_addstr(&b, "]\n");
	INT_EQ(kp_yaml_parse(&doc, b.buf, b.len, 1, 0, "t", &err), 0);
	seq = kp_node_at(kp_doc_root(doc), "b");
	INT_EQ(seq->v.seq.len, 1000);
	INT_EQ(seq->v.seq.items[999]->v.str.len, 100000);
	OK(seq->v.seq.items[999] != kp_node_at(kp_doc_root(doc), "a"));
	kp_doc_free(doc);
	/* As keys they would be copied: that is charged, and refused. */
	kp_buf_reset(&b);
	kp_buf_addstr(&b, "a: &k ");
	for (i = 0; i < 100000; i++)
		kp_buf_addch(&b, 'x');
	kp_buf_addstr(&b, "\nb:\n");
	for (i = 0; i < 1000; i++)
		kp_buf_addstr(&b, "- *k : 1\n");
	INT_EQ(kp_yaml_parse(&doc, b.buf, b.len, 1, 0, "t", &err), KP_ELIMIT);
	OK(err.line > 2 && err.line < 1002);
	kp_buf_release(&b);
}

static const char *hint(const char *line)
{
	static char out[64];
	size_t off = 0;
	unsigned cp = 0;
	enum kp_hint h = kp_hint_line(line, line + strlen(line), &off, &cp);

	snprintf(out, sizeof(out), "%d %zu U+%04X", (int)h, off, cp);
	return out;
}

void test_yaml__hints_where_a_token_starts(void)
{
	/* tabs only in the indentation */
	STR_EQ(hint("\tnavn: x"), "1 0 U+0009");
	STR_EQ(hint("  \tnavn: x"), "1 2 U+0009");
	STR_EQ(hint("navn:\tx"), "0 0 U+0000");
	/* a no-break space for a space: indentation, after ':' or '- ' */
	STR_EQ(hint("\xc2\xa0 cpr: x"), "2 0 U+00A0");
	STR_EQ(hint("  navn:\xc2\xa0Jens"), "2 7 U+00A0");
	STR_EQ(hint("  - \xc2\xa0x"), "2 4 U+00A0");
	STR_EQ(hint("  adresse: Vestergade\xc2\xa0"
		    "1"),
	       "0 0 U+0000");
	/* curly quotes where a value or key begins */
	STR_EQ(hint("  navn: \xe2\x80\x9cJens\xe2\x80\x9d"), "3 8 U+201C");
	STR_EQ(hint("- \xe2\x80\x98x\xe2\x80\x99"), "3 2 U+2018");
	STR_EQ(hint("  navn: Jens \xe2\x80\x9cJ\xe2\x80\x9d"), "0 0 U+0000");
	STR_EQ(hint("# \xe2\x80\x9c"), "0 0 U+0000");
}
