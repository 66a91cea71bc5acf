/*
 * validate.c: kiplan validate, the schema and the guideline's rules over
 * files, directories, standard input, or the plan repository.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] = N_(
	"usage: kiplan validate [--schema FILE] [--strict] [--format "
	"text|json]\n"
	"                       [PATH...]\n"
	"\n"
	"Check plans against the schema and the guideline's rules.  PATH is a\n"
	"plan file, a plan id, a directory (every *.md below it), or - for\n"
	"standard input; without PATH, every plan of the plan repository.\n"
	"Inside a plan repository its schema (kiplan init --schema) is used.\n"
	"\n"
	"  --schema FILE        use FILE instead of the repository's or the\n"
	"                       built-in schema\n"
	"  --strict             warnings count as errors\n"
	"  --format text|json   output format (default text)\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 no errors, 1 a plan has errors, 2 usage, 3 a file\n"
	"could not be read.\n");

struct out {
	int json;
	int first; /* no JSON element written yet */
	struct kp_buf buf;
};

static void report(const struct kp_file_report *r, void *payload)
{
	struct out *o = payload;
	size_t i;

	if (r->error) {
		fflush(stdout);
		cmd_report(r->error);
		return;
	}
	for (i = 0; i < r->findings->len; i++) {
		kp_buf_reset(&o->buf);
		if (o->json) {
			kp_buf_addstr(&o->buf, o->first ? "[\n  " : ",\n  ");
			kp_finding_json(&o->buf, r->path, &r->findings->v[i]);
		} else {
			kp_finding_text(&o->buf, r->path, &r->findings->v[i]);
			kp_buf_addch(&o->buf, '\n');
		}
		fwrite(o->buf.buf, 1, o->buf.len, stdout);
		o->first = 0;
	}
}

static void summary(const struct kp_validate_totals *t)
{
	/* TRANSLATORS: the summary of kiplan validate, on standard error. */
	fprintf(stderr,
		Q_("%zu plan checked: %zu with errors; errors: %zu, "
		   "warnings: %zu.\n",
		   "%zu plans checked: %zu with errors; errors: %zu, "
		   "warnings: %zu.\n",
		   t->files),
		t->files, t->invalid, t->errors, t->warnings);
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
	static const char *const formats[] = { "text", "json", NULL };
	struct kp_validate_opts opts;
	struct kp_validate_totals t;
	struct cmd_plans plans = CMD_PLANS_INIT;
	struct out o = { 0, 1, KP_BUF_INIT };
	const char *schema_path = NULL;
	int c, rc;

	memset(&opts, 0, sizeof(opts));
	while ((c = cmd_getopt(argc, argv, "h", lo, usage_str)) != -1) {
		switch (c) {
		case 'h': return cmd_help(usage_str);
		case 'S': schema_path = optarg; break;
		case 's': opts.strict = 1; break;
		case 'f':
			if ((o.json = cmd_choice("--format", optarg, formats)) <
			    0)
				return cmd_usage(usage_str);
			break;
		default: return cmd_usage(usage_str);
		}
	}
	argc -= optind;
	argv += optind;
	if ((rc = cmd_plans_open(&plans, argc, argv, schema_path,
				 CMD_PLANS_SCHEMA | CMD_PLANS_NO_GIT)) !=
	    KP_EXIT_OK)
		return rc;
	opts.schema = plans.schema;
	opts.full_load = cmd_full_load();
	opts.report = report;
	opts.payload = &o;
	kp_validate_paths(&t, (const char *const *)plans.paths, plans.n, &opts);
	if (o.json)
		fputs(o.first ? "[]\n" : "\n]\n", stdout);
	fflush(stdout);
	summary(&t);
	cmd_plans_release(&plans);
	kp_buf_release(&o.buf);
	return t.unreadable ? KP_EXIT_ERROR
	       : t.invalid  ? KP_EXIT_FINDINGS
			    : KP_EXIT_OK;
}
