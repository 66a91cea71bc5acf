/*
 * fuzz_validate.c: libFuzzer target for the whole path of kiplan
 * validate: the plan read as validate reads it (the fast reader first,
 * else libyaml), judged (lint, the built-in schema, the rules), and
 * every finding written as text and as JSON.
 *
 * It aborts when the two readers lead to different findings, when a
 * finding's text holds a control character or a whole CPR number, when
 * findings are not sorted, or when a refusal does not say why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void findings(const char *name, const struct kp_plan *plan,
		     struct kp_findings *f)
{
	struct kp_buf b = KP_BUF_INIT;
	size_t i;

	kp_validate(plan, NULL, f);
	for (i = 0; i < f->len; i++) {
		if (!finding_ok(f, i))
			abort();
		kp_buf_reset(&b);
		kp_finding_text(&b, name, &f->v[i]);
		check_text(b.buf, b.len);
		kp_buf_reset(&b);
		kp_finding_json(&b, name, &f->v[i]);
	}
	kp_buf_release(&b);
}

static int same(const struct kp_findings *a, const struct kp_findings *b)
{
	size_t i;

	if (a->len != b->len)
		return 0;
	for (i = 0; i < a->len; i++)
		if (a->v[i].sev != b->v[i].sev ||
		    a->v[i].line != b->v[i].line ||
		    a->v[i].col != b->v[i].col ||
		    strcmp(a->v[i].code, b->v[i].code) != 0 ||
		    strcmp(a->v[i].msg, b->v[i].msg) != 0)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char name[] = "ki-2026-0001.md";
	struct kp_error err = KP_ERROR_INIT;
	struct kp_findings ff = KP_FINDINGS_INIT, fl = KP_FINDINGS_INIT;
	struct kp_plan *fast = NULL, *full = NULL;
	const char *text = (const char *)data;
	int rc;

	rc = kp_plan_parse(&fast, name, text, size, KP_LOAD_FAST, &err);
	if (rc < 0) {
		struct kp_buf shown = KP_BUF_INIT;
		char line[600];

		if (fast || err.code != rc || !err.msg[0])
			abort();
		/* As cmd_report() shows it. */
		kp_error_format(line, sizeof(line), &err);
		kp_buf_add_escaped(&shown, line, strlen(line));
		check_text(shown.buf, shown.len);
		kp_buf_release(&shown);
		return 0;
	}
	findings(name, fast, &ff);
	/* The loader alone must find the same. */
	if (kp_plan_parse(&full, name, text, size, 0, &err) < 0)
		abort();
	findings(name, full, &fl);
	if (!same(&ff, &fl))
		abort();
	kp_findings_release(&ff);
	kp_findings_release(&fl);
	kp_plan_free(fast);
	kp_plan_free(full);
	return 0;
}
