/*
 * test_export.c: CSV quoting and neutralisation, redaction, the JSON
 * writer, FHIR ids, and the writers on a plan parsed from memory.
 */
#include <string.h>

#include "harness.h"
#include "kiplan.h"

static const char *csv(const char *s, char sep)
{
	static struct kp_buf b = KP_BUF_INIT;

	kp_buf_reset(&b);
	kp_csv_add_field(&b, s, strlen(s), sep);
	return b.buf;
}

void test_export__csv_field(void)
{
	STR_EQ(csv("Anne Larsen", ','), "Anne Larsen");
	STR_EQ(csv("a,b", ','), "\"a,b\"");
	STR_EQ(csv("a,b", ';'), "a,b");
	STR_EQ(csv("a;b", ';'), "\"a;b\"");
	STR_EQ(csv("sagde \"nej\"", ','), "\"sagde \"\"nej\"\"\"");
	STR_EQ(csv("to\nlinjer", ','), "\"to\nlinjer\"");
	STR_EQ(csv("", ','), "");
	/* Formula characters, and only at the start. */
	STR_EQ(csv("=1+2", ','), "'=1+2");
	STR_EQ(csv("+45 12", ','), "'+45 12");
	STR_EQ(csv("-5", ','), "'-5");
	STR_EQ(csv("@SUM(A1)", ','), "'@SUM(A1)");
	STR_EQ(csv("\tx", ','), "'\tx");
	/* A control character drives no terminal that shows the file. */
	STR_EQ(csv("\rx", ','), "\"'\\rx\"");
	STR_EQ(csv("a\x1b[2Jb", ','), "a\\x1b[2Jb");
	STR_EQ(csv("x\xc2\x9by", ','), "x\\u009by");
	STR_EQ(csv("tab\there", ','), "tab\there");
	STR_EQ(csv("=a,b", ','), "\"'=a,b\"");
	STR_EQ(csv("a=b", ','), "a=b");
}

void test_export__uuid_stable(void)
{
	char a[37], b[37], c[37];

	kp_uuid_for(a, "ki-2014-0001/Patient");
	kp_uuid_for(b, "ki-2014-0001/Patient");
	kp_uuid_for(c, "ki-2014-0001/CarePlan");
	STR_EQ(a, b);
	OK(strcmp(a, c) != 0);
	INT_EQ(strlen(a), 36);
	OK(a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-');
	OK(a[14] == '8');				/* version 8 */
	OK(strchr("89ab", a[19]) != NULL);		/* RFC 9562 variant */
}

static const char plan_text[] =
	"---\n"
	"kiplan: 1\n"
	"id: ki-2014-0001\n"
	"status: aktiv\n"
	"borger:\n"
	"  navn: \"=Jens\"\n"
	"  cpr: \"010174-1235\"\n"
	"  telefon: \"+45 12 34 56 78\"\n"
	"koordinator:\n"
	"  navn: Anne Larsen\n"
	"  telefon: \"+45 76 63 00 00\"\n"
	"samtykke:\n"
	"  givet: true\n"
	"moede:\n"
	"  dato: 2014-01-31\n"
	"maal:\n"
	"  - titel: Bolig\n"
	"    indsatser:\n"
	"      - opgave: Find en bolig\n"
	"        ansvarlig: Kommunen\n"
	"        frist: 2014-08-01\n"
	"---\n"
	"Noter.\n";

static struct kp_plan *load(void)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_plan *p = NULL;

	if (kp_plan_parse(&p, "ki-2014-0001.md", plan_text, sizeof(plan_text) - 1,
			  0, &err) < 0)
		harness_fail(__FILE__, __LINE__, "cannot parse: %s", err.msg);
	return p;
}

void test_export__json_keeps_values_and_redacts(void)
{
	struct kp_export_opts o;
	struct kp_buf b = KP_BUF_INIT;
	struct kp_plan *p = load();
	struct kp_doc *doc = NULL;
	struct kp_error err = KP_ERROR_INIT;
	const struct kp_node *r;

	if (!p)
		return;
	memset(&o, 0, sizeof(o));
	o.format = KP_EXPORT_JSON;
	kp_export_begin(&b, &o);
	kp_export_plan(&b, &o, p, NULL, 0);
	kp_export_plan(&b, &o, p, NULL, 1);
	kp_export_end(&b, &o, 2);
	OK(kp_json_parse(&doc, b.buf, b.len, "out", &err) == 0);
	r = kp_doc_root(doc);
	OK(r && r->type == KP_SEQ && r->v.seq.len == 2);
	if (r && r->type == KP_SEQ && r->v.seq.len == 2) {
		r = r->v.seq.items[1];
		STR_EQ(kp_node_str(kp_node_at(r, "borger.navn")), "=Jens");
		STR_EQ(kp_node_str(kp_node_at(r, "borger.cpr")), "010174-1235");
		STR_EQ(kp_node_str(kp_node_at(r, "moede.dato")), "2014-01-31");
		STR_EQ(kp_node_str(kp_map_get(r, "body")), "Noter.\n");
		STR_EQ(kp_node_str(kp_map_get(r, "file")), "ki-2014-0001.md");
	}
	kp_doc_free(doc);
	doc = NULL;

	kp_buf_reset(&b);
	o.format = KP_EXPORT_JSONL;
	o.redact = 1;
	kp_export_plan(&b, &o, p, NULL, 0);
	OK(b.len && b.buf[b.len - 1] == '\n' && !memchr(b.buf, '\n', b.len - 1));
	OK(strstr(b.buf, "1235") == NULL);
	OK(strstr(b.buf, "telefon") == NULL);
	OK(strstr(b.buf, "Anne Larsen") != NULL);
	OK(kp_json_parse(&doc, b.buf, b.len, "out", &err) == 0);
	kp_doc_free(doc);
	kp_buf_release(&b);
	kp_plan_free(p);
}

void test_export__csv_row(void)
{
	struct kp_export_opts o;
	struct kp_buf b = KP_BUF_INIT;
	struct kp_plan *p = load();
	size_t row;

	if (!p)
		return;
	memset(&o, 0, sizeof(o));
	o.format = KP_EXPORT_CSV;
	o.excel = 1;
	o.today.y = 2014;
	o.today.m = 8;
	o.today.d = 5;
	kp_export_begin(&b, &o);
	OK(memcmp(b.buf, "\xef\xbb\xbfid;status;", 13) == 0);
	row = b.len;
	kp_export_plan(&b, &o, p, NULL, 0);
	/* 31 January + 6 months = 31 July: 5 days overdue on 5 August. */
	STR_EQ(b.buf + row, "ki-2014-0001;aktiv;;Anne Larsen;;2014-01-31;2014-07-31;5;0;ja;1;1;"
		    "ki-2014-0001.md;;;2014-01-31;1;;\r\n");
	kp_buf_release(&b);
	kp_plan_free(p);
}

void test_export__fhir_entries(void)
{
	struct kp_export_opts o;
	struct kp_buf b = KP_BUF_INIT;
	struct kp_plan *p = load();
	struct kp_doc *doc = NULL;
	struct kp_error err = KP_ERROR_INIT;
	const struct kp_node *e;
	size_t i, careplans = 0;

	if (!p)
		return;
	memset(&o, 0, sizeof(o));
	o.format = KP_EXPORT_FHIR;
	o.redact = 1;
	kp_export_begin(&b, &o);
	kp_export_plan(&b, &o, p, NULL, 0);
	kp_export_end(&b, &o, 1);
	OK(kp_json_parse(&doc, b.buf, b.len, "out", &err) == 0);
	e = kp_map_get(kp_doc_root(doc), "entry");
	OK(e && e->type == KP_SEQ && e->v.seq.len == 5);
	for (i = 0; e && e->type == KP_SEQ && i < e->v.seq.len; i++) {
		const char *t = kp_node_str(kp_node_at(e->v.seq.items[i],
						       "resource.resourceType"));

		careplans += t && strcmp(t, "CarePlan") == 0;
	}
	INT_EQ(careplans, 1);
	OK(strstr(b.buf, "0101741235") == NULL);
	OK(strstr(b.buf, "\"phone\"") == NULL);
	kp_doc_free(doc);
	kp_buf_release(&b);
	kp_plan_free(p);
}
