/*
 * test_schema.c: the JSON Schema interpreter (lib/schema.c): compile
 * errors, findings (text and positions), unevaluatedProperties with an
 * allOf extension, lookups of titles, and the bounds on hostile input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "kiplan.h"

static struct kp_schema *compile(const char *text, struct kp_error *err)
{
	struct kp_doc *doc = NULL;
	struct kp_schema *s = NULL;

	if (kp_json_parse(&doc, text, strlen(text), "s.json", err) < 0)
		return NULL;
	kp_schema_compile(&s, kp_doc_root(doc), "s.json", err);
	kp_doc_free(doc);
	return s;
}

/* Compile text that must be refused; check position and message. */
static void refused(const char *text, unsigned line, unsigned col,
		    const char *msg)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *s = compile(text, &err);

	OK(s == NULL);
	INT_EQ(err.code, KP_ESCHEMA);
	STR_EQ(err.file, "s.json");
	INT_EQ(err.line, line);
	INT_EQ(err.col, col);
	if (strncmp(err.msg, msg, strlen(msg)) != 0)
		STR_EQ(err.msg, msg);
	kp_schema_free(s);
}

/*
 * Validate the JSON instance text; return the findings as lines
 * "LINE:COL: MESSAGE\n" (caller frees), and check that the verdict of
 * kp_schema_valid() agrees.
 */
static char *findings(const struct kp_schema *s, const char *text)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_findings f = KP_FINDINGS_INIT;
	struct kp_buf out = KP_BUF_INIT;
	struct kp_doc *doc = NULL;
	size_t i;

	if (kp_json_parse(&doc, text, strlen(text), "i.json", &err) < 0) {
		kp_buf_addf(&out, "parse error: %s\n", err.msg);
		return kp_buf_detach(&out, NULL);
	}
	kp_schema_validate(s, kp_doc_root(doc), &f);
	kp_findings_sort(&f);
	INT_EQ(kp_schema_valid(s, kp_doc_root(doc)), f.len == 0);
	for (i = 0; i < f.len; i++) {
		STR_EQ(f.v[i].code, "schema");
		INT_EQ(f.v[i].sev, KP_ERROR);
		kp_buf_addf(&out, "%u:%u: %s\n", f.v[i].line, f.v[i].col,
			    f.v[i].msg);
	}
	kp_findings_release(&f);
	kp_doc_free(doc);
	return kp_buf_detach(&out, NULL);
}

#define FINDINGS(s, text, expect)                                         \
	do {                                                              \
		char *got_ = findings((s), (text));                       \
		STR_EQ(got_, (expect));                                   \
		free(got_);                                               \
	} while (0)

static const char plan_schema[] =
	"{\n"
	"  \"$defs\": {\n"
	"    \"person\": {\n"
	"      \"title\": \"Person\",\n"
	"      \"type\": \"object\",\n"
	"      \"required\": [\"navn\"],\n"
	"      \"additionalProperties\": false,\n"
	"      \"properties\": {\n"
	"        \"navn\": {\"type\": \"string\", \"minLength\": 1, \"title\": \"Navn\"},\n"
	"        \"cpr\": {\"type\": \"string\", \"pattern\": \"^[0-9]{6}-[0-9]{4}$\"}\n"
	"      }\n"
	"    }\n"
	"  },\n"
	"  \"type\": \"object\",\n"
	"  \"properties\": {\n"
	"    \"status\": {\"enum\": [\"kladde\", \"aktiv\", \"afsluttet\"]},\n"
	"    \"borger\": {\"$ref\": \"#/$defs/person\", \"title\": \"Borger\"},\n"
	"    \"samtykke\": {\"type\": \"object\", \"properties\": {\n"
	"      \"givet\": {\"type\": \"boolean\"}}},\n"
	"    \"moede\": {\"properties\": {\"dato\": {\"type\": \"string\", \"format\": \"date\"}}},\n"
	"    \"deltagere\": {\"type\": \"array\", \"items\": {\"properties\": {\n"
	"      \"rolle\": {\"anyOf\": [{\"const\": \"psykiatri\"}, {\"const\": \"kommune\"}]},\n"
	"      \"email\": {\"type\": [\"string\", \"null\"], \"format\": \"email\"}}}},\n"
	"    \"maal\": {\"type\": \"array\", \"uniqueItems\": true, \"items\": {\n"
	"      \"properties\": {\"indsatser\": {\"items\": {\"properties\": {\n"
	"        \"ansvarlig\": {\"type\": \"string\"},\n"
	"        \"opgave\": {\"title\": \"Opgave\", \"description\": \"Hvad der skal ske\"}}}}}}}\n"
	"  },\n"
	"  \"required\": [\"status\"]\n"
	"}\n";

void test_schema__findings_text_and_positions(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *s = compile(plan_schema, &err);

	OK(s != NULL);
	FINDINGS(s, "{\"status\": \"aktiv\", \"borger\": {\"navn\": \"Jens\"}}",
		 "");
	FINDINGS(s, "{\"status\": \"aktive\"}",
		 "1:12: status: 'aktive' is not one of: kladde, aktiv, afsluttet\n");
	FINDINGS(s, "{\"status\": \"aktiv\",\n \"borger\": {\"nvan\": \"Jens\"}}",
		 "2:12: borger: missing required key 'navn'\n"
		 "2:13: borger: unknown key 'nvan' (did you mean 'navn'?)\n");
	FINDINGS(s, "{\"status\": \"aktiv\", \"borger\": {\"navn\": \"\", \"xyz\": 1}}",
		 "1:40: borger.navn: must not be empty\n"
		 "1:44: borger: unknown key 'xyz'\n");
	FINDINGS(s, "{\"status\": \"aktiv\", \"borger\": {\"navn\": \"J\", \"cpr\": \"0101\"}}",
		 "1:52: borger.cpr: '0101' does not match the pattern '^[0-9]{6}-[0-9]{4}$'\n");
	FINDINGS(s, "{\"status\": \"aktiv\", \"moede\": {\"dato\": \"2014-02-30\"}}",
		 "1:39: moede.dato: '2014-02-30' is not a valid date (YYYY-MM-DD)\n");
	FINDINGS(s, "{\"status\": \"aktiv\", \"samtykke\": {\"givet\": \"yes\"}}",
		 "1:43: samtykke.givet: write true (for yes) or false (for no), not 'yes'\n");
	FINDINGS(s, "{\"status\": \"aktiv\", \"samtykke\": {\"givet\": \"jaa\"}}",
		 "1:43: samtykke.givet: expected boolean, got string 'jaa'\n");
	FINDINGS(s, "{\"status\": \"aktiv\", \"deltagere\": [\n"
		    " {\"rolle\": \"kommune\"},\n"
		    " {\"rolle\": \"psykolog\", \"email\": \"a b@c\"},\n"
		    " {\"email\": 5}]}",
		 "3:12: deltagere[1].rolle: 'psykolog' is not one of: psykiatri, kommune\n"
		 "3:33: deltagere[1].email: 'a b@c' is not a valid e-mail address\n"
		 "4:12: deltagere[2].email: expected string or null, got integer 5\n");
	FINDINGS(s, "{\"status\": \"aktiv\", \"maal\": [{\"indsatser\": "
		    "[{}, {}, {\"ansvarlig\": false}]}, 1, 1]}",
		 "1:67: maal[0].indsatser[2].ansvarlig: expected string, got boolean\n"
		 "1:80: maal: items 1 and 2 are equal (items must be unique)\n");
	FINDINGS(s, "[1]", "1:1: (root): expected object, got array\n");
	FINDINGS(s, "{}", "1:1: (root): missing required key 'status'\n");
	kp_schema_free(s);
}

void test_schema__values_in_messages_are_escaped_and_cut(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *s = compile("{\"properties\": {\"a\": {\"type\": \"integer\"}},"
				      " \"additionalProperties\": false}", &err);
	char *got;

	OK(s != NULL);
	FINDINGS(s, "{\"a\": \"x\\ny\\u001b[31m\"}",
		 "1:7: a: expected integer, got string 'x\\ny\\x1b[31m'\n");
	got = findings(s, "{\"a\": \"0123456789012345678901234567890123456789"
			  "01234567890123456789012345678901234567890123456789\"}");
	STR_EQ(got, "1:7: a: expected integer, got string '012345678901234567890"
		    "123456789012345678901234567890123456...'\n");
	free(got);
	FINDINGS(s, "{\"a\\u0000\\n\": 1}",
		 "1:2: (root): unknown key 'a\\x00\\n'\n");
	FINDINGS(s, "{\"a\": 1.5}", "1:7: a: expected integer, got number 1.5\n");
	FINDINGS(s, "{\"a\": 2.0}", "");
	kp_schema_free(s);
}

void test_schema__did_you_mean_only_when_close(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *s = compile(
		"{\"properties\": {\"telefon\": {}, \"organisation\": {}, \"id\": {},"
		" \"paaroerende\": {}}, \"additionalProperties\": false}", &err);

	OK(s != NULL);
	FINDINGS(s, "{\"telefn\": 1}",
		 "1:2: (root): unknown key 'telefn' (did you mean 'telefon'?)\n");
	FINDINGS(s, "{\"organsiation\": 1}",
		 "1:2: (root): unknown key 'organsiation' (did you mean 'organisation'?)\n");
	FINDINGS(s, "{\"paarørende\": 1}",
		 "1:2: (root): unknown key 'paarørende': keys are written without æ, ø and å; did you mean 'paaroerende'?\n");
	FINDINGS(s, "{\"Pårørende\": 1}",
		 "1:2: (root): unknown key 'Pårørende': keys are written without æ, ø and å; did you mean 'paaroerende'?\n");
	/* no such key: the usual suggestion, from the key as written */
	FINDINGS(s, "{\"pårørnde\": 1}",
		 "1:2: (root): unknown key 'pårørnde'\n");
	/* distance 1, but not less than half the length */
	FINDINGS(s, "{\"ix\": 1}", "1:2: (root): unknown key 'ix'\n");
	FINDINGS(s, "{\"adresse\": 1}", "1:2: (root): unknown key 'adresse'\n");
	kp_schema_free(s);
}

void test_schema__compile_errors_with_positions(void)
{
	refused("{\n  \"type\": \"object\",\n  \"propertyNames\": {\"maxLength\": 3}\n}",
		3, 3, "unsupported keyword 'propertyNames'");
	refused("{\"properties\": {\"a\": {\"unevaluatedItems\": false}}}", 1, 23,
		"unsupported keyword 'unevaluatedItems'");
	refused("{\"$ref\": \"#/$defs/missing\"}", 1, 2,
		"cannot resolve $ref '#/$defs/missing'");
	refused("{\"$ref\": \"http://example.com/x.json\"}", 1, 2,
		"cannot resolve $ref 'http://example.com/x.json'");
	refused("{\"$defs\": {\"a\": {}}, \"$ref\": \"#a\"}", 1, 22,
		"cannot resolve $ref '#a'");
	refused("{\"$ref\": \"other.json\"}", 1, 2,
		"cannot resolve $ref 'other.json': no schema here");
	refused("{\"$defs\": {\"a\": {\"$anchor\": \"1x\"}}}", 1, 29,
		"'1x' is not an anchor name");
	refused("{\"pattern\": \"(\"}", 1, 2, "invalid pattern '(':");
	refused("{\"patternProperties\": {\"[a-\": {}}}", 1, 24,
		"invalid pattern '[a-':");
	refused("{\"format\": \"uri\"}", 1, 12, "unsupported format 'uri'");
	refused("{\"type\": \"int\"}", 1, 10, "unknown type 'int'");
	refused("{\"minLength\": -1}", 1, 2,
		"'minLength' must be a non-negative integer");
	refused("{\"multipleOf\": 0}", 1, 2, "'multipleOf' must be greater than 0");
	refused("{\"allOf\": []}", 1, 2, "'allOf' must be a non-empty array");
	refused("{\"items\": 5}", 1, 11, "a schema must be an object or a boolean");
	refused("{\"required\": [\"a\", 1]}", 1, 20,
		"'required' must be an array of strings");
	refused("\"string\"", 1, 1, "a schema must be an object or a boolean");
}

void test_schema__accepts_annotations_and_boolean_schemas(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *s = compile(
		"{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\","
		" \"$id\": \"urn:x\", \"$comment\": \"c\", \"title\": \"t\","
		" \"description\": \"d\", \"default\": 1, \"examples\": [1],"
		" \"deprecated\": false, \"readOnly\": false, \"writeOnly\": false,"
		" \"$defs\": {\"no\": false},"
		" \"properties\": {\"a\": true, \"b\": {\"$ref\": \"urn:x#/$defs/no\"}}}",
		&err);

	OK(s != NULL);
	FINDINGS(s, "{\"a\": 1}", "");
	FINDINGS(s, "{\"b\": 1}", "1:7: b: not allowed here\n");
	kp_schema_free(s);
}

/*
 * The regional schema's case: the base declares its fields in an open
 * definition; the extension refers to it next to its own fields and
 * closes the object with unevaluatedProperties.
 */
static const char extended_schema[] =
	"{\"$defs\": {\"base\": {\"type\": \"object\", \"properties\": {\n"
	"   \"navn\": {\"type\": \"string\"}, \"status\": {\"type\": \"string\"}},\n"
	"   \"required\": [\"navn\"]}},\n"
	" \"allOf\": [{\"$ref\": \"#/$defs/base\"},\n"
	"   {\"properties\": {\"forloeb\": {\"enum\": [\"parallel\", \"integreret\"]}}}],\n"
	" \"unevaluatedProperties\": false}";

void test_schema__unevaluated_properties_with_allof_extension(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *s = compile(extended_schema, &err);
	struct kp_schema *closed;

	OK(s != NULL);
	FINDINGS(s, "{\"navn\": \"J\", \"forloeb\": \"parallel\"}", "");
	FINDINGS(s, "{\"navn\": \"J\", \"forlob\": \"parallel\"}",
		 "1:15: (root): unknown key 'forlob' (did you mean 'forloeb'?)\n");
	/* a failing branch does not make every key of it "unknown" */
	FINDINGS(s, "{\"navn\": 5, \"status\": \"x\"}",
		 "1:10: navn: expected string, got integer 5\n");
	FINDINGS(s, "{\"navn\": \"J\", \"forloeb\": \"x\", \"stauts\": 1}",
		 "1:26: forloeb: 'x' is not one of: parallel, integreret\n"
		 "1:31: (root): unknown key 'stauts' (did you mean 'status'?)\n");
	kp_schema_free(s);

	/* a closed base cannot be extended: its own scope does not see c */
	closed = compile("{\"$defs\": {\"b\": {\"properties\": {\"a\": {}},"
			 " \"unevaluatedProperties\": false}},"
			 " \"allOf\": [{\"$ref\": \"#/$defs/b\"}],"
			 " \"properties\": {\"c\": {}}}", &err);
	OK(closed != NULL);
	FINDINGS(closed, "{\"a\": 1}", "");
	FINDINGS(closed, "{\"a\": 1, \"c\": 2}",
		 "1:10: (root): unknown key 'c'\n");
	kp_schema_free(closed);
}

void test_schema__unevaluated_sees_only_successful_branches(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *s = compile(
		"{\"anyOf\": [{\"properties\": {\"a\": {\"type\": \"integer\"}}, \"required\": [\"a\"]},"
		"           {\"properties\": {\"b\": {\"type\": \"integer\"}}, \"required\": [\"b\"]}],"
		" \"if\": {\"properties\": {\"k\": {\"const\": 1}}, \"required\": [\"k\"]},"
		" \"then\": {\"properties\": {\"t\": {}}},"
		" \"else\": {\"properties\": {\"e\": {}, \"k\": {}}},"
		" \"unevaluatedProperties\": false}", &err);

	OK(s != NULL);
	FINDINGS(s, "{\"a\": 1, \"b\": 2}", "");
	FINDINGS(s, "{\"a\": 1, \"k\": 1, \"t\": 0}", "");
	FINDINGS(s, "{\"a\": 1, \"k\": 2, \"e\": 0}", "");
	/* b is declared by a branch that failed: unevaluated */
	FINDINGS(s, "{\"a\": 1, \"b\": \"x\", \"e\": 0}",
		 "1:10: (root): unknown key 'b'\n");
	FINDINGS(s, "{\"a\": 1, \"k\": 2, \"t\": 0}",
		 "1:18: (root): unknown key 't'\n");
	kp_schema_free(s);
}

void test_schema__alternatives_give_one_message(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *s = compile(
		"{\"properties\": {"
		" \"d\": {\"anyOf\": [{\"type\": \"string\", \"format\": \"date\"}, {\"type\": \"null\"}]},"
		" \"n\": {\"oneOf\": [{\"type\": \"integer\"}, {\"type\": \"string\"}]},"
		" \"x\": {\"anyOf\": [{\"minimum\": 5}, {\"multipleOf\": 3}]},"
		" \"o\": {\"oneOf\": [{\"minimum\": 1}, {\"maximum\": 10}]},"
		" \"e\": {\"oneOf\": [{\"const\": \"a\", \"title\": \"A\"}, {\"enum\": [\"b\", 3]}]},"
		" \"no\": {\"not\": {\"type\": \"string\"}}}}", &err);

	OK(s != NULL);
	FINDINGS(s, "{\"d\": \"2014-13-01\"}",
		 "1:7: d: '2014-13-01' is not a valid date (YYYY-MM-DD)\n");
	FINDINGS(s, "{\"d\": null, \"n\": true}",
		 "1:18: n: expected string or integer, got boolean\n");
	FINDINGS(s, "{\"x\": 4}",
		 "1:7: x: 4 does not match any of the allowed forms\n");
	FINDINGS(s, "{\"o\": 5}",
		 "1:7: o: 5 matches more than one of the allowed forms\n");
	FINDINGS(s, "{\"e\": \"c\"}", "1:7: e: 'c' is not one of: a, b, 3\n");
	FINDINGS(s, "{\"no\": \"s\"}", "1:8: no: 's' is not allowed here\n");
	kp_schema_free(s);
}

void test_schema__email_format(void)
{
	static const char *const good[] = {
		"joe.bloggs@example.com", "a!#$%&'*+-/=?^_`{|}~@x",
		"\"a b\\\"c\"@example.com", "x@[127.0.0.1]", "x@[IPv6:::1]",
		"x@[ipv6:2001:db8::8:800:200c:417a]",
		"x@[IPv6:::ffff:192.0.2.1]", "x@localhost", NULL
	};
	static const char *const bad[] = {
		"", "x", "@x", "x@", "x@@y", "a..b@x", ".a@x", "a.@x", "a b@x",
		"x@-y", "x@y-", "x@y..z", "x@y.", "x@[1.2.3]", "x@[1.2.3.256]",
		"x@[IPv6:1::2::3]", "x@[IPv6:1:2:3:4:5:6:7]", "x@[foo:bar]",
		"\"a@x", "x@\xc3\xa6.dk", NULL
	};
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *s = compile("{\"format\": \"email\"}", &err);
	struct kp_doc *doc = kp_doc_new();
	size_t i;

	OK(s != NULL);
	for (i = 0; good[i]; i++) {
		struct kp_node *n = kp_node_new_str(doc, good[i], strlen(good[i]), 1, 1);

		if (!kp_schema_valid(s, n))
			STR_EQ(good[i], "(a valid address)");
	}
	for (i = 0; bad[i]; i++) {
		struct kp_node *n = kp_node_new_str(doc, bad[i], strlen(bad[i]), 1, 1);

		if (kp_schema_valid(s, n))
			STR_EQ(bad[i], "(an invalid address)");
	}
	kp_doc_free(doc);
	kp_schema_free(s);
}

void test_schema__numbers(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *s = compile(
		"{\"properties\": {"
		" \"m\": {\"multipleOf\": 0.0001},"
		" \"f\": {\"multipleOf\": 0.123456789},"
		" \"i\": {\"type\": \"integer\", \"multipleOf\": 1e-8},"
		" \"r\": {\"minimum\": 1, \"exclusiveMaximum\": 10.5},"
		" \"big\": {\"maximum\": 9007199254740992}}}", &err);

	OK(s != NULL);
	FINDINGS(s, "{\"m\": 0.0075, \"i\": 12391239123, \"r\": 10}", "");
	FINDINGS(s, "{\"m\": 0.00751}",
		 "1:7: m: 0.00751 is not a multiple of 0.0001\n");
	FINDINGS(s, "{\"f\": 1e308}",
		 "1:7: f: 1e+308 is not a multiple of 0.123456789\n");
	FINDINGS(s, "{\"r\": 0.5}", "1:7: r: 0.5 is less than the minimum 1\n");
	FINDINGS(s, "{\"r\": 10.5}", "1:7: r: 10.5 must be less than 10.5\n");
	FINDINGS(s, "{\"big\": 9007199254740993}",
		 "1:9: big: 9007199254740993 is greater than the maximum 9007199254740992\n");
	kp_schema_free(s);
}

static void collect(const char *name, void *payload)
{
	struct kp_buf *b = payload;

	kp_buf_addstr(b, name);
	kp_buf_addch(b, ' ');
}

void test_schema__titles_through_ref_and_allof(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *s = compile(plan_schema, &err);
	struct kp_schema *x = compile(
		"{\"title\": \"Udvidet\", \"allOf\": [{\"$ref\": \"#/$defs/b\"},"
		" {\"properties\": {\"ekstra\": {\"title\": \"Ekstra\"},"
		"   \"borger\": {\"properties\": {\"region\": {}}}}}],"
		" \"properties\": {\"egen\": {}},"
		" \"$defs\": {\"b\": {\"title\": \"Basis\", \"properties\": {"
		"   \"id\": {\"title\": \"Id\"}, \"borger\": {\"title\": \"Borger\","
		"   \"properties\": {\"navn\": {}, \"cpr\": {}}}}}}}", &err);
	struct kp_buf b = KP_BUF_INIT;

	OK(s != NULL);
	OK(x != NULL);
	STR_EQ(kp_schema_title(s, "borger"), "Borger");
	STR_EQ(kp_schema_title(s, "borger/navn"), "Navn");
	STR_EQ(kp_schema_title(s, "maal/[]/indsatser/[]/opgave"), "Opgave");
	STR_EQ(kp_schema_description(s, "maal/[]/indsatser/[]/opgave"),
	       "Hvad der skal ske");
	OK(kp_schema_title(s, "maal/[]/indsatser/[]/ansvarlig") == NULL);
	OK(kp_schema_title(s, "nothing/here") == NULL);
	OK(kp_schema_title(s, "") == NULL);
	INT_EQ(kp_schema_properties(s, "borger", collect, &b), 2);
	STR_EQ(b.buf, "navn cpr ");
	kp_buf_reset(&b);
	STR_EQ(kp_schema_title(x, ""), "Udvidet");
	STR_EQ(kp_schema_title(x, "id"), "Id");
	STR_EQ(kp_schema_title(x, "ekstra"), "Ekstra");
	INT_EQ(kp_schema_properties(x, "", collect, &b), 4);
	STR_EQ(b.buf, "id borger ekstra egen ");
	kp_buf_reset(&b);
	INT_EQ(kp_schema_properties(x, "borger", collect, &b), 3);
	STR_EQ(b.buf, "navn cpr region ");
	kp_buf_release(&b);
	kp_schema_free(s);
	kp_schema_free(x);
}

void test_schema__pathological_pattern_is_bounded(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *s = compile(
		"{\"properties\": {\"p\": {\"pattern\": \"^(a|a)*$\"}},"
		" \"patternProperties\": {\"^(x+x+)+$\": {}}}", &err);
	struct kp_buf text = KP_BUF_INIT;
	clock_t t0 = clock();
	char *got;
	int i;

	OK(s != NULL);
	kp_buf_addstr(&text, "{\"p\": \"");
	for (i = 0; i < 40; i++)
		kp_buf_addch(&text, 'a');
	kp_buf_addstr(&text, "!\", \"");
	for (i = 0; i < 40; i++)
		kp_buf_addch(&text, 'x');
	kp_buf_addstr(&text, "!\": 1}");
	got = findings(s, text.buf);
	OK(strstr(got, "within the matching limit") != NULL);
	OK(strstr(got, "1:7: p: 'aaaa") != NULL);
	OK(strstr(got, "1:52: (root): key 'xxxx") != NULL);
	OK((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	free(got);
	kp_buf_release(&text);
	kp_schema_free(s);
}

void test_schema__ecma_regex_translation(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *s = compile(
		"{\"properties\": {"
		" \"l\": {\"pattern\": \"^\\\\p{Letter}+$\"},"
		" \"g\": {\"pattern\": \"^\\\\p{General_Category=Uppercase_Letter}\\\\P{Lu}$\"},"
		" \"d\": {\"pattern\": \"^\\\\d+$\"},"
		" \"s\": {\"pattern\": \"^a\\\\sb$\"},"
		" \"u\": {\"pattern\": \"^\\\\u00e6\\\\ud83d\\\\ude00$\"},"
		" \"e\": {\"pattern\": \"a$\"},"
		" \"c\": {\"pattern\": \"^[^]$\"}}}", &err);

	OK(s != NULL);
	FINDINGS(s, "{\"l\": \"\xc3\xa6\xc3\xb8\xc3\xa5\", \"g\": \"\xc3\x86x\","
		    " \"d\": \"123\", \"s\": \"a\\u00a0b\","
		    " \"u\": \"\xc3\xa6\xf0\x9f\x98\x80\", \"e\": \"ba\", \"c\": \"\\n\"}", "");
	/* \d is ASCII only (ECMA-262); $ does not match before a newline */
	FINDINGS(s, "{\"d\": \"\xd9\xa3\", \"e\": \"a\\n\", \"l\": \"a1\"}",
		 "1:7: d: '\xd9\xa3' does not match the pattern '^\\d+$'\n"
		 "1:17: e: 'a\\n' holds a line break, which this field does not allow\n"
		 "1:29: l: 'a1' does not match the pattern '^\\p{Letter}+$'\n");
	kp_schema_free(s);
}

void test_schema__unique_items_is_not_quadratic(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *s = compile("{\"uniqueItems\": true}", &err);
	struct kp_buf text = KP_BUF_INIT;
	clock_t t0 = clock();
	char *got;
	int i;

	OK(s != NULL);
	kp_buf_addch(&text, '[');
	for (i = 0; i < 20000; i++)
		kp_buf_addf(&text, "{\"a\": [%d, \"x\"]}, ", i);
	kp_buf_addstr(&text, "{\"a\": [7.0, \"x\"]}]");
	got = findings(s, text.buf);
	OK(strstr(got, "(root): items 7 and 20000 are equal") != NULL);
	OK((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	free(got);
	kp_buf_release(&text);
	kp_schema_free(s);
}

void test_schema__recursion_is_bounded(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *loop = compile("{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"},"
					 " \"b\": {\"$ref\": \"#/$defs/a\"}},"
					 " \"$ref\": \"#/$defs/a\"}", &err);
	struct kp_schema *tree = compile("{\"type\": \"array\", \"items\": {\"$ref\": \"#\"}}",
					 &err);
	char *got;

	OK(loop != NULL);
	got = findings(loop, "1");
	OK(strstr(got, "recursion or work limit exceeded") != NULL);
	free(got);
	OK(tree != NULL);
	FINDINGS(tree, "[[[], [[]]], []]", "");
	FINDINGS(tree, "[[[], [1]]]",
		 "1:8: [0][1][0]: expected array, got integer 1\n");
	kp_schema_free(loop);
	kp_schema_free(tree);
}

void test_schema__exponential_schema_is_bounded(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_buf text = KP_BUF_INIT;
	struct kp_schema *s;
	clock_t t0 = clock();
	char *got;
	int i;

	/* each level tries the next one three times: 3^40 without a budget */
	kp_buf_addstr(&text, "{\"$ref\": \"#/$defs/d0\", \"$defs\": {");
	for (i = 0; i < 40; i++)
		kp_buf_addf(&text, "\"d%d\": {\"anyOf\": [{\"$ref\": \"#/$defs/d%d\"},"
			    " {\"$ref\": \"#/$defs/d%d\"}], \"not\": {\"$ref\": \"#/$defs/d%d\"}},",
			    i, i + 1, i + 1, i + 1);
	kp_buf_addstr(&text, "\"d40\": {\"type\": \"string\"}}}");
	s = compile(text.buf, &err);
	OK(s != NULL);
	got = findings(s, "1");
	OK(strstr(got, "1:1: (root): the schema is too complex") != NULL);
	OK((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
	free(got);
	kp_schema_free(s);
	kp_buf_release(&text);
}

void test_schema__builtin_and_urn_reference(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *b = NULL, *x;
	struct kp_doc *doc = NULL;
	size_t len = 0;
	const char *text = kp_schema_builtin_text(&len);

	OK(text != NULL && len > 0);
	INT_EQ(strlen(text), len);
	INT_EQ(kp_schema_builtin(&b, &err), 0);
	OK(b != NULL);
	OK(kp_schema_title(b, "") != NULL);
	x = compile("{\"$ref\": \"urn:kiplan:schema:kiplan-1\"}", &err);
	OK(x != NULL);
	INT_EQ(kp_json_parse(&doc, "{}", 2, "i.json", &err), 0);
	INT_EQ(kp_schema_valid(b, kp_doc_root(doc)), 0);
	INT_EQ(kp_schema_valid(x, kp_doc_root(doc)), 0);
	STR_EQ(kp_schema_title(x, ""), kp_schema_title(b, ""));
	kp_doc_free(doc);
	kp_schema_free(x);
	kp_schema_free(b);
	refused("{\"$ref\": \"urn:kiplan:schema:kiplan-1#/$defs/nothing-here\"}", 1, 2,
		"cannot resolve $ref 'urn:kiplan:schema:kiplan-1#/$defs/nothing-here'");
}

static char *write_temp(const char *dir, const char *name, const char *text)
{
	struct kp_buf path = KP_BUF_INIT;
	struct kp_error err = KP_ERROR_INIT;

	kp_buf_addf(&path, "%s/%s", dir, name);
	INT_EQ(kp_write_file_atomic(path.buf, text, strlen(text), 0600, &err), 0);
	return kp_buf_detach(&path, NULL);
}

void test_schema__load_json_and_yaml_files(void)
{
	char dir[] = "/tmp/kp-schema-XXXXXX";
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *s = NULL;
	char *json, *yaml, *bad;

	OK(mkdtemp(dir) != NULL);
	json = write_temp(dir, "s.json", "  {\"title\": \"J\", \"type\": \"object\"}");
	yaml = write_temp(dir, "s.yaml", "# c\ntitle: Y\nproperties:\n  a: {type: string}\n");
	bad = write_temp(dir, "bad.yaml", "title: Y\nproperties:\n  a:\n    minLenght: 2\n");
	INT_EQ(kp_schema_load(&s, json, &err), 0);
	STR_EQ(kp_schema_title(s, ""), "J");
	kp_schema_free(s);
	INT_EQ(kp_schema_load(&s, yaml, &err), 0);
	STR_EQ(kp_schema_title(s, ""), "Y");
	kp_schema_free(s);
	INT_EQ(kp_schema_load(&s, bad, &err), KP_ESCHEMA);
	OK(s == NULL);
	STR_EQ(err.file, bad);
	INT_EQ(err.line, 4);
	INT_EQ(err.col, 5);
	STR_EQ(err.msg, "unsupported keyword 'minLenght'");
	unlink(json);
	unlink(yaml);
	unlink(bad);
	rmdir(dir);
	free(json);
	free(yaml);
	free(bad);
}

/* A schema written as several files in one directory, by $ref and $anchor. */
void test_schema__refs_between_files(void)
{
	char dir[] = "/tmp/kp-schema-XXXXXX";
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *s = NULL;
	struct kp_buf t = KP_BUF_INIT;
	char *main_s, *felles, *sub, *outside, *escape;

	OK(mkdtemp(dir) != NULL);
	kp_buf_addf(&t, "%s-outside.yaml", dir);
	outside = kp_buf_detach(&t, NULL);
	INT_EQ(kp_write_file_atomic(outside, "type: string\n", 13, 0600, &err),
	       0);
	felles = write_temp(dir, "felles.yaml",
			    "$defs:\n"
			    "  adresse: {type: string, minLength: 3}\n"
			    "  navn:\n"
			    "    $anchor: navn\n"
			    "    type: string\n"
			    "    maxLength: 5\n");
	sub = write_temp(dir, "sub.json",
			 "{\"$id\": \"sub/inner.json\", \"type\": \"integer\"}");
	main_s = write_temp(dir, "main.yaml",
			    "type: object\n"
			    "properties:\n"
			    "  adresse: {$ref: 'felles.yaml#/$defs/adresse'}\n"
			    "  navn: {$ref: 'felles.yaml#navn'}\n"
			    "  tal: {$ref: 'sub.json'}\n");
	INT_EQ(kp_schema_load(&s, main_s, &err), 0);
	OK(s != NULL);
	if (s) {
		FINDINGS(s, "{\"adresse\":\"Vej 1\",\"navn\":\"Jens\",\"tal\":3}",
			 "");
		FINDINGS(s,
			 "{\"adresse\":\"V\",\"navn\":\"Johannes\",\"tal\":\"3\"}",
			 "1:12: adresse: 'V' is shorter than 3 characters\n"
			 "1:23: navn: 'Johannes' is longer than 5 characters\n"
			 "1:40: tal: expected integer, got string '3'\n");
		kp_schema_free(s);
		s = NULL;
	}
	/* Only files in the directory of the schema, or below it. */
	kp_buf_addf(&t, "$ref: '../%s'\n", strrchr(outside, '/') + 1);
	escape = write_temp(dir, "escape.yaml", t.buf);
	INT_EQ(kp_schema_load(&s, escape, &err), KP_ESCHEMA);
	OK(s == NULL);
	OK(strstr(err.msg, "cannot resolve $ref") != NULL);
	unlink(escape);
	unlink(main_s);
	unlink(felles);
	unlink(sub);
	unlink(outside);
	rmdir(dir);
	kp_buf_release(&t);
	free(escape);
	free(main_s);
	free(felles);
	free(sub);
	free(outside);
}
