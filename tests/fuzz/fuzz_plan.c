/*
 * fuzz_plan.c: libFuzzer target for the loader and the validator.
 *
 * Each input is loaded as a plan file (frontmatter, body with libcmark)
 * and, when it loads, validated against the built-in schema and the
 * guideline's rules.  The same bytes are also loaded as a plain YAML
 * stream, so that alias expansion and tags (refused in plans) are
 * exercised too; and as a field's text, through kiplan's text rule
 * (kp_md_from_text, kp_md_parse) and --redact, which must keep its
 * length.  `make fuzz` builds it with clang; tests/fuzz/driver.c
 * replays the corpus with any compiler in `make check`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A refusal must say what and, for a parse error, where. */
static void check_error(int rc, const struct kp_error *err)
{
	if (rc >= 0 || err->code != rc || !err->msg[0])
		abort();
	if (rc == KP_EPARSE && (!err->line || !err->col))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kp_schema *schema;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_findings findings = KP_FINDINGS_INIT;
	struct kp_plan *plan = NULL;
	struct kp_doc *doc = NULL;
	struct kp_buf json = KP_BUF_INIT, md = KP_BUF_INIT;
	const char *text = (const char *)data;
	size_t n;
	int rc;

	/* Compiled once and kept: the built-in schema must always compile. */
	if (!schema && kp_schema_builtin(&schema, &err) < 0)
		abort();
	rc = kp_plan_parse(&plan, "fuzz.md", text, size, KP_LOAD_BODY, &err);
	if (rc == 0) {
		if (!plan->root || plan->root->type != KP_MAP ||
		    !plan->body_doc || plan->body < plan->text.buf ||
		    plan->body + plan->body_len !=
			    plan->text.buf + plan->text.len)
			abort();
		kp_validate(plan, schema, &findings);
		kp_findings_release(&findings);
		kp_plan_free(plan);
	} else {
		if (plan)
			abort();
		check_error(rc, &err);
	}
	memset(&err, 0, sizeof(err));
	rc = kp_yaml_parse(&doc, text, size, 1, KP_YAML_STREAM, "fuzz.yaml",
			   &err);
	if (rc == 0) {
		kp_json_write(&json, kp_doc_root(doc));
		kp_buf_release(&json);
		kp_doc_free(doc);
	} else {
		check_error(rc, &err);
	}
	kp_md_from_text(&md, text, size);
	kp_md_free(kp_md_parse(md.buf, md.len));
	kp_buf_release(&md);
	kp_buf_add(&md, text, size);
	n = strlen(md.buf);
	kp_redact_text(md.buf);
	if (strlen(md.buf) != n)
		abort();
	kp_buf_release(&md);
	return 0;
}
