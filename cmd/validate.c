/*
 * validate.c: kiplan validate, the schema and the guideline's rules over
 * files, directories and standard input.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] =
	"usage: kiplan validate [--schema FILE] [--strict] [--format "
	"text|json] PATH...\n"
	"\n"
	"Check plans against the schema and the guideline's rules.  PATH is a\n"
	"plan file, a directory (every *.md below it), or - for standard "
	"input.\n"
	"\n"
	"  --schema FILE        use FILE instead of the built-in schema\n"
	"  --strict             warnings count as errors\n"
	"  --format text|json   output format (default text)\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 no errors, 1 a plan has errors, 2 usage, 3 a file\n"
	"could not be read.\n";

/*
 * Plans are checked in batches: the walk fills BATCH slots, the slots are
 * checked on every CPU (each writes only its own slot), and then their
 * output is written in the walk's order, so the output never depends on
 * the threads.  Memory is that of one batch, however many plans.
 */
#define BATCH 512

struct slot {
	char *path;
	struct kp_error problem; /* the walk could not read an entry */
	int have_problem;
	int unreadable, counted, invalid;
	size_t errors, warnings;
	struct kp_buf out; /* formatted findings */
};

struct run {
	const struct kp_schema *schema;
	int json;
	int strict;
	int jobs;
	unsigned load_flags;
	size_t files, invalid, errors, warnings;
	int unreadable;
	int first; /* no JSON element written yet */
	struct slot slots[BATCH];
	size_t n;
};

static void emit(const struct run *r, struct slot *s, unsigned line,
		 unsigned col, enum kp_severity sev, const char *code,
		 const char *msg)
{
	struct kp_buf *b = &s->out;
	const char *file = s->path;

	if (r->json) {
		/* The separator before the first is the writer's. */
		if (b->len)
			kp_buf_addstr(b, ",\n  ");
		kp_buf_addstr(b, "{\"file\":");
		kp_buf_add_json(b, file, strlen(file));
		kp_buf_addf(b,
			    ",\"line\":%u,\"column\":%u,\"severity\":\"%s\","
			    "\"code\":",
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
}

static void check_slot(const struct run *r, struct slot *s)
{
	struct kp_findings f = KP_FINDINGS_INIT;
	struct kp_plan *plan = NULL;
	size_t i, errors = 0;
	int error;

	if (s->have_problem)
		return;
	error = kp_plan_load(&plan, s->path, r->load_flags, &s->problem);
	if (error == KP_EIO) {
		s->have_problem = 1;
		return;
	}
	s->counted = 1;
	if (error < 0) {
		/* A plan that cannot be parsed is an invalid plan. */
		emit(r, s, s->problem.line ? s->problem.line : 1,
		     s->problem.col ? s->problem.col : 1, KP_ERROR,
		     kp_error_name(error), s->problem.msg);
		s->errors++;
		s->invalid = 1;
		return;
	}
	kp_validate(plan, r->schema, &f);
	for (i = 0; i < f.len; i++) {
		const struct kp_finding *x = &f.v[i];

		emit(r, s, x->line, x->col, x->sev, x->code, x->msg);
		if (x->sev == KP_ERROR || r->strict)
			errors++;
		if (x->sev == KP_ERROR)
			s->errors++;
		else
			s->warnings++;
	}
	s->invalid = errors > 0;
	kp_findings_release(&f);
	kp_plan_free(plan);
}

static void check_range(void *payload, size_t from, size_t to, int worker)
{
	struct run *r = payload;
	size_t i;

	(void)worker;
	for (i = from; i < to; i++)
		check_slot(r, &r->slots[i]);
}

static void flush(struct run *r)
{
	size_t i;

	kp_parallel(r->n, r->n >= 16 ? r->jobs : 1, check_range, r);
	for (i = 0; i < r->n; i++) {
		struct slot *s = &r->slots[i];

		if (s->have_problem) {
			fflush(stdout);
			cmd_report(&s->problem);
			r->unreadable = 1;
		}
		if (s->out.len) {
			if (r->json)
				fputs(r->first ? "[\n  " : ",\n  ", stdout);
			fwrite(s->out.buf, 1, s->out.len, stdout);
			r->first = 0;
		}
		r->files += (size_t)s->counted;
		r->invalid += (size_t)s->invalid;
		r->errors += s->errors;
		r->warnings += s->warnings;
		kp_buf_release(&s->out);
		free(s->path);
	}
	r->n = 0;
}

static int scan_one(const char *path, const struct kp_error *problem,
		    void *payload)
{
	struct run *r = payload;
	struct slot *s = &r->slots[r->n++];

	memset(s, 0, sizeof(*s));
	s->path = kp_xstrdup(path);
	kp_buf_init(&s->out);
	if (problem) {
		s->problem = *problem;
		s->have_problem = 1;
	}
	if (r->n == BATCH)
		flush(r);
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
	static struct run r;
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *schema = NULL;
	const char *schema_path = NULL;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage_str, stdout); return KP_EXIT_OK;
		case 'S': schema_path = optarg; break;
		case 's': r.strict = 1; break;
		case 'f':
			if (strcmp(optarg, "json") == 0) {
				r.json = 1;
			} else if (strcmp(optarg, "text") != 0) {
				cmd_warn("unknown format '%s'", optarg);
				fputs(usage_str, stderr);
				return KP_EXIT_USAGE;
			}
			break;
		default: fputs(usage_str, stderr); return KP_EXIT_USAGE;
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
	r.first = 1;
	r.jobs = kp_jobs_default();
	/* $KIPLAN_FULL_LOAD: libyaml for every plan, as due and export. */
	r.load_flags = KP_LOAD_BODY;
	if (!getenv("KIPLAN_FULL_LOAD") || !*getenv("KIPLAN_FULL_LOAD"))
		r.load_flags |= KP_LOAD_FAST;
	kp_scan((const char *const *)argv, (size_t)argc, scan_one, &r);
	flush(&r);
	if (r.json)
		fputs(r.first ? "[]\n" : "\n]\n", stdout);
	fprintf(stderr, "%zu %s checked: %zu %s, %zu %s; %zu invalid\n",
		r.files, r.files == 1 ? "plan" : "plans", r.errors,
		r.errors == 1 ? "error" : "errors", r.warnings,
		r.warnings == 1 ? "warning" : "warnings", r.invalid);
	rc = r.unreadable ? KP_EXIT_ERROR
	     : r.invalid  ? KP_EXIT_FINDINGS
			  : KP_EXIT_OK;
	kp_schema_free(schema);
	return rc;
}
