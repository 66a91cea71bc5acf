/*
 * export.c: kiplan export, plans as JSON, JSON lines, CSV or a FHIR R4
 * Bundle, for calendars, spreadsheets, other systems and statistics.
 *
 * The work is kp_export_paths(), on the batch engine.  With -o the
 * output goes to a temporary file beside FILE that is renamed over it at
 * the end (kp_outfile): FILE is either the old or the complete new
 * export, never half of one.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] = N_(
	"usage: kiplan export [--format json|jsonl|csv|fhir] [--excel] "
	"[--redact]\n"
	"                     [--valid-only] [--today DATE] [-o FILE] "
	"[PATH...]\n"
	"\n"
	"Export plans: json (an array), jsonl (one plan per line), csv (one\n"
	"row per plan) or fhir (a FHIR R4 Bundle).  Without PATH, the plans "
	"of\n"
	"the plan repository.\n"
	"\n"
	"  --format FORMAT  json (default), jsonl, csv or fhir\n"
	"  --excel          CSV for Danish Excel: ';', a byte order mark, "
	"CRLF\n"
	"  --redact         leave out CPR numbers and telephone numbers\n"
	"  --valid-only     leave out plans with errors (still listed on "
	"stderr)\n"
	"  --today DATE     count overdue days from DATE (YYYY-MM-DD)\n"
	"  -o FILE          write to FILE (atomically) instead of stdout\n"
	"  -h, --help       show this help\n"
	"\n"
	"Exit status: 0 ok, 1 a plan has errors, 2 usage, 3 a file could not\n"
	"be read or written.\n");

struct sink {
	struct kp_outfile file; /* with -o */
	int to_file;
	struct kp_error err;
};

static int write_out(const char *data, size_t len, void *payload)
{
	struct sink *k = payload;

	if (k->to_file)
		return kp_outfile_write(&k->file, data, len, &k->err);
	return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

static void report(const struct kp_file_report *r, void *payload)
{
	(void)payload;
	cmd_print_file_report(r, 1);
}

/* The repository's schema and revisions, when there is a repository. */
static int open_repo(struct kp_export_run *run, const struct cmd_plans *p)
{
	struct kp_error err = KP_ERROR_INIT;

	run->schema = p->schema;
	run->repo = p->repo;
	if (p->repo &&
	    kp_revmap_build(&run->revs, kp_repo_workdir(p->repo), &err) < 0) {
		cmd_report(&err);
		return -1;
	}
	return 0;
}

static int finish(struct sink *k, const struct kp_export_totals *t)
{
	if (k->to_file) {
		if (t->write_failed || t->failed) {
			if (t->write_failed)
				cmd_report(&k->err);
			kp_outfile_abort(&k->file);
			return KP_EXIT_ERROR;
		}
		if (kp_outfile_commit(&k->file, &k->err) < 0) {
			cmd_report(&k->err);
			return KP_EXIT_ERROR;
		}
	} else if (t->write_failed) {
		return KP_EXIT_ERROR;
	}
	return t->failed    ? KP_EXIT_ERROR
	       : t->invalid ? KP_EXIT_FINDINGS
			    : KP_EXIT_OK;
}

int cmd_export(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "format", required_argument, NULL, 'f' },
		{ "excel", no_argument, NULL, 'x' },
		{ "redact", no_argument, NULL, 'r' },
		{ "valid-only", no_argument, NULL, 'v' },
		{ "today", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const formats[] = { "json", "jsonl", "csv", "fhir",
					       NULL };
	static const enum kp_export_format fmts[] = {
		KP_EXPORT_JSON, KP_EXPORT_JSONL, KP_EXPORT_CSV, KP_EXPORT_FHIR
	};
	struct kp_error err = KP_ERROR_INIT;
	struct cmd_plans plans = CMD_PLANS_INIT;
	struct kp_export_totals t;
	struct kp_export_run run;
	struct sink k;
	const char *output = NULL, *today_arg = NULL;
	int c, rc, have_format = 0;

	memset(&run, 0, sizeof(run));
	memset(&k, 0, sizeof(k));
	run.opts.format = KP_EXPORT_JSON;
	while ((c = cmd_getopt(argc, argv, "ho:", lo, usage_str)) != -1) {
		switch (c) {
		case 'h': return cmd_help(usage_str);
		case 'f':
			if ((c = cmd_choice("--format", optarg, formats)) < 0)
				return cmd_usage(usage_str);
			run.opts.format = fmts[c];
			have_format = 1;
			break;
		case 'x': run.opts.excel = 1; break;
		case 'r': run.opts.redact = 1; break;
		case 'v': run.valid_only = 1; break;
		case 't': today_arg = optarg; break;
		case 'o': output = optarg; break;
		default: return cmd_usage(usage_str);
		}
	}
	argc -= optind;
	argv += optind;
	if (run.opts.excel) {
		if (have_format && run.opts.format != KP_EXPORT_CSV) {
			cmd_warn(_("--excel goes with --format csv only"));
			return cmd_usage(usage_str);
		}
		run.opts.format = KP_EXPORT_CSV;
	}
	if (today_arg) {
		if (kp_date_parse(&run.opts.today, today_arg,
				  strlen(today_arg)) < 0) {
			cmd_warn(_("--today: not a date (YYYY-MM-DD): '%s'"),
				 today_arg);
			return cmd_usage(usage_str);
		}
	} else if (kp_today(&run.opts.today, &err) < 0) {
		cmd_report(&err);
		return cmd_exit_for(err.code);
	}
	if ((rc = cmd_plans_open(&plans, argc, argv, NULL, CMD_PLANS_SCHEMA)) !=
	    KP_EXIT_OK)
		return rc;
	if (open_repo(&run, &plans) < 0) {
		rc = KP_EXIT_ERROR;
		goto done;
	}
	if (output) {
		if (kp_outfile_open(&k.file, output, 0600, &err) < 0) {
			cmd_report(&err);
			rc = KP_EXIT_ERROR;
			goto done;
		}
		k.to_file = 1;
	}
	run.full_load = cmd_full_load();
	run.write = write_out;
	run.report = report;
	run.payload = &k;
	kp_export_paths(&t, (const char *const *)plans.paths, plans.n, &run);
	rc = finish(&k, &t);
done:
	kp_revmap_free(run.revs);
	cmd_plans_release(&plans);
	return rc;
}
