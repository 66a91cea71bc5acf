/*
 * validate.c: judge a loaded plan: the schema, the id against the file
 * name, and the guideline's rules.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "i18n.h"
#include "lint.h"
#include "banned.h"

/*
 * The built-in schema is compiled once per process and kept until exit:
 * due and export may validate plans from several threads at once.
 */
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static struct kp_schema *builtin;
static struct kp_error builtin_err = KP_ERROR_INIT;

static void builtin_compile(void)
{
	if (kp_schema_builtin(&builtin, &builtin_err) < 0)
		builtin = NULL;
}

static int is_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* 1 when s (len bytes) is ki-NNNN-NNNN. */
static int id_form(const char *s, size_t len)
{
	return len == 12 && memcmp(s, "ki-", 3) == 0 && s[7] == '-' &&
	       is_digits(s + 3, 4) && is_digits(s + 8, 4);
}

/*
 * The id that the file name demands, or 0 when it demands none.  Only a
 * base name of the id form, ki-NNNN-NNNN.md, ties the file to its id, as
 * kiplan new names files; any other name is exempt: the examples
 * (bilag2.md), test cases (case-1.md), standard input ("-").  A revision
 * suffix (ki-2014-0001.md@3, as kp_plan_open() is given) is ignored.
 */
static int id_from_name(char out[13], const char *path)
{
	const char *base = strrchr(path, '/'), *at;
	size_t len;

	base = base ? base + 1 : path;
	at = strchr(base, '@');
	len = at ? (size_t)(at - base) : strlen(base);
	if (len != 15 || memcmp(base + 12, ".md", 3) != 0 || !id_form(base, 12))
		return 0;
	memcpy(out, base, 12);
	out[12] = '\0';
	return 1;
}

/*
 * A missing, non-string or malformed id is the schema's to report; a
 * well-formed but different one in a file named for an id is ours.
 */
static void check_id(const struct kp_plan *plan, struct kp_findings *out)
{
	const struct kp_node *id;
	char want[13];

	if (!plan->path || !id_from_name(want, plan->path))
		return;
	id = kp_map_get(plan->root, "id");
	if (!id || id->type != KP_STR ||
	    !id_form(id->v.str.ptr, id->v.str.len) ||
	    memcmp(id->v.str.ptr, want, 12) == 0)
		return;
	kp_findings_add(out, "id", KP_ERROR, id->line, id->col,
			/* TRANSLATORS: the plan's id and the id that the
			   file's name gives. */
			_("id: '%s' does not match the file name %s.md; the "
			  "file of a plan is named <id>.md"),
			id->v.str.ptr, want);
}

/*
 * Schema messages quote the offending value ("borger.cpr: '0101741235'
 * does not match the pattern ..."), but a CPR number is never printed
 * whole: every occurrence of the text of borger.cpr in the findings
 * from start on is masked.  The message is then masked as every message
 * is (kp_cpr_mask_text()) once more: an occurrence glued to more digits
 * ("010174-12352222222222") leaves, once masked, a run of digits after
 * it that may itself be shaped like a CPR number.
 */
static void mask_cpr(const struct kp_plan *plan, struct kp_findings *out,
		     size_t start)
{
	const struct kp_node *n = kp_node_at(plan->root, "borger.cpr");
	char num[32], masked[12];
	const char *text;
	size_t len, i;

	if (n && n->type == KP_STR) {
		text = n->v.str.ptr;
		len = strlen(text);
	} else if (n && n->type == KP_INT) {
		snprintf(num, sizeof(num), "%lld", n->v.integer);
		text = num;
		len = strlen(num);
	} else {
		return;
	}
	if (len < 4)
		return;
	kp_cpr_mask(masked, text, len);
	for (i = start; i < out->len; i++) {
		struct kp_buf b = KP_BUF_INIT;
		const char *p = out->v[i].msg, *hit;

		if (!strstr(p, text))
			continue;
		while ((hit = strstr(p, text))) {
			kp_buf_add(&b, p, (size_t)(hit - p));
			kp_buf_addstr(&b, masked);
			p = hit + len;
		}
		kp_buf_addstr(&b, p);
		kp_cpr_mask_text(b.buf);
		free(out->v[i].msg);
		out->v[i].msg = kp_buf_detach(&b, NULL);
	}
}

/* 1 when n is a CPR number written without its dash: 0101741235. */
static int cpr_without_dash(const struct kp_node *n)
{
	size_t i;

	if (n->type == KP_INT)
		return n->v.integer >= 100000000LL &&
		       n->v.integer <= 9999999999LL;
	if (n->type != KP_STR || n->v.str.len != 10)
		return 0;
	for (i = 0; i < 10; i++)
		if (n->v.str.ptr[i] < '0' || n->v.str.ptr[i] > '9')
			return 0;
	return 1;
}

/*
 * A CPR number typed without its dash gets one finding that says so, in
 * place of the schema's (a pattern, or a number where text belongs),
 * which would have to show the number to explain itself.
 */
static void cpr_dash(const struct kp_plan *plan, struct kp_findings *out,
		     size_t start)
{
	const struct kp_node *n = kp_node_at(plan->root, "borger.cpr");
	size_t i, kept = start;

	if (!n || !cpr_without_dash(n))
		return;
	for (i = start; i < out->len; i++) {
		struct kp_finding *f = &out->v[i];

		if (f->line == n->line && f->col == n->col &&
		    !strcmp(f->code, "schema")) {
			free(f->msg);
			continue;
		}
		out->v[kept++] = *f;
	}
	out->len = kept;
	if (n->type == KP_INT)
		kp_findings_add(out, "cpr", KP_ERROR, n->line, n->col, "%s",
				_("borger.cpr: the CPR number lacks its dash: "
				  "write it DDMMYY-SSSS, in quotes (YAML "
				  "reads digits alone as a number)"));
	else
		kp_findings_add(out, "cpr", KP_ERROR, n->line, n->col, "%s",
				_("borger.cpr: the CPR number lacks its dash: "
				  "write it DDMMYY-SSSS"));
}

size_t kp_validate(const struct kp_plan *plan, const struct kp_schema *schema,
		   struct kp_findings *out)
{
	size_t start = out->len, i, errors = 0;

	if (!schema) {
		pthread_once(&builtin_once, builtin_compile);
		schema = builtin;
		/* A build defect, but never a silently accepted plan. */
		if (!schema)
			kp_findings_add(
				out, "schema", KP_ERROR, 1, 1,
				_("the built-in schema does not compile: %s"),
				builtin_err.msg);
	}
	/* First, so that at one position it explains what follows. */
	kp_lint(plan, out);
	if (schema && plan->root) {
		size_t first = out->len;

		kp_schema_validate(schema, plan->root, out);
		cpr_dash(plan, out, first);
		mask_cpr(plan, out, start);
	}
	check_id(plan, out);
	kp_rules_check(plan, out);
	for (i = start; i < out->len; i++)
		if (out->v[i].sev == KP_ERROR)
			errors++;
	kp_findings_sort(out);
	return errors;
}
