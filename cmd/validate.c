/*
 * validate.c: kiplan validate, the schema and the guideline's rules over
 * files, directories and standard input.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] =
	"usage: kiplan validate [--schema FILE] [--strict] [--format text|json] PATH...\n"
	"\n"
	"Check plans against the schema and the guideline's rules.  PATH is a\n"
	"plan file, a directory (every *.md below it), or - for standard input.\n"
	"\n"
	"  --schema FILE        use FILE instead of the built-in schema\n"
	"  --strict             warnings count as errors\n"
	"  --format text|json   output format (default text)\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 no errors, 1 a plan has errors, 2 usage, 3 a file\n"
	"could not be read.\n";

struct run {
	const struct kp_schema *schema;
	int json;
	int strict;
	size_t files, invalid, errors, warnings;
	int unreadable;
	int first;		/* no JSON element written yet */
	struct kp_buf out;	/* one finding at a time */
};

static void emit(struct run *r, const char *file, unsigned line, unsigned col,
		 enum kp_severity sev, const char *code, const char *msg)
{
	struct kp_buf *b = &r->out;

	kp_buf_reset(b);
	if (r->json) {
		kp_buf_addstr(b, r->first ? "[\n  " : ",\n  ");
		kp_buf_addstr(b, "{\"file\":");
		kp_buf_add_json(b, file, strlen(file));
		kp_buf_addf(b, ",\"line\":%u,\"column\":%u,\"severity\":\"%s\",\"code\":",
			    line, col, kp_severity_name(sev));
		kp_buf_add_json(b, code, strlen(code));
		kp_buf_addstr(b, ",\"message\":");
		kp_buf_add_json(b, msg, strlen(msg));
		kp_buf_addch(b, '}');
	} else {
		kp_buf_add_escaped(b, file, strlen(file));
		kp_buf_addf(b, ":%u:%u: %s: %s: ", line, col,
			    kp_severity_name(sev), code);
		kp_buf_add_escaped(b, msg, strlen(msg));
		kp_buf_addch(b, '\n');
	}
	r->first = 0;
	fwrite(b->buf, 1, b->len, stdout);
}

static void check_file(struct run *r, const char *path)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_findings f = KP_FINDINGS_INIT;
	struct kp_plan *plan = NULL;
	size_t i, errors = 0;
	int error;

	error = kp_plan_load(&plan, path, KP_LOAD_BODY, &err);
	if (error == KP_EIO) {
		cmd_report(&err);
		r->unreadable = 1;
		return;
	}
	r->files++;
	if (error < 0) {
		/* A plan that cannot be parsed is an invalid plan. */
		emit(r, path, err.line ? err.line : 1, err.col ? err.col : 1,
		     KP_ERROR, kp_error_name(error), err.msg);
		r->errors++;
		r->invalid++;
		return;
	}
	kp_validate(plan, r->schema, &f);
	for (i = 0; i < f.len; i++) {
		const struct kp_finding *x = &f.v[i];

		emit(r, path, x->line, x->col, x->sev, x->code, x->msg);
		if (x->sev == KP_ERROR || r->strict)
			errors++;
		if (x->sev == KP_ERROR)
			r->errors++;
		else
			r->warnings++;
	}
	if (errors)
		r->invalid++;
	kp_findings_release(&f);
	kp_plan_free(plan);
}

static int scan_one(const char *path, const struct kp_error *problem,
		    void *payload)
{
	struct run *r = payload;

	if (problem) {
		cmd_report(problem);
		r->unreadable = 1;
	} else {
		check_file(r, path);
	}
	return 0;
}

int cmd_validate(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "schema", required_argument, NULL, 'S' },
		{ "strict", no_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct run r = { NULL, 0, 0, 0, 0, 0, 0, 0, 1, KP_BUF_INIT };
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *schema = NULL;
	const char *schema_path = NULL;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage_str, stdout);
			return KP_EXIT_OK;
		case 'S':
			schema_path = optarg;
			break;
		case 's':
			r.strict = 1;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0) {
				r.json = 1;
			} else if (strcmp(optarg, "text") != 0) {
				cmd_warn("unknown format '%s'", optarg);
				fputs(usage_str, stderr);
				return KP_EXIT_USAGE;
			}
			break;
		default:
			fputs(usage_str, stderr);
			return KP_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		cmd_warn("no plan given");
		fputs(usage_str, stderr);
		return KP_EXIT_USAGE;
	}
	if (schema_path) {
		if (kp_schema_load(&schema, schema_path, &err) < 0) {
			cmd_report(&err);
			return KP_EXIT_ERROR;
		}
		r.schema = schema;
	}
	kp_scan((const char *const *)argv, (size_t)argc, scan_one, &r);
	if (r.json)
		fputs(r.first ? "[]\n" : "\n]\n", stdout);
	fprintf(stderr, "%zu %s checked: %zu %s, %zu %s; %zu invalid\n",
		r.files, r.files == 1 ? "plan" : "plans",
		r.errors, r.errors == 1 ? "error" : "errors",
		r.warnings, r.warnings == 1 ? "warning" : "warnings",
		r.invalid);
	rc = r.unreadable ? KP_EXIT_ERROR
	     : r.invalid ? KP_EXIT_FINDINGS : KP_EXIT_OK;
	kp_buf_release(&r.out);
	kp_schema_free(schema);
	return rc;
}
