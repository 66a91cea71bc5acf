/*
 * export.c: kiplan export, plans as JSON, JSON lines, CSV or a FHIR R4
 * Bundle, for calendars, spreadsheets, other systems and statistics.
 *
 * Plans are written as they are read, one at a time, so memory does not
 * grow with the number of plans.  With -o the output goes to a temporary
 * file beside FILE that is renamed over it at the end: FILE is either the
 * old or the complete new export, never half of one.
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

static const char usage_str[] =
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
	"\n"
	"Exit status: 0 ok, 1 a plan has errors, 2 usage, 3 a file could not\n"
	"be read or written.\n";

#define FLUSH_AT 65536
#define BATCH 1024

/*
 * Plans are exported in batches: the walk fills a batch of paths, the
 * CPUs read, validate and write their shares of it (kp_parallel) into
 * the plans' own buffers, and the batch is then written out in the
 * walk's order.  Memory is one batch, whatever the number of plans.
 */
struct slot {
	char *path;
	char *rel;	   /* relative to the repository, or NULL */
	struct kp_buf out; /* the plan as exported */
	struct kp_buf err; /* what to say on stderr */
	int exported;
	int invalid;
	int failed;
};

struct run {
	struct kp_export_opts opts;
	const struct kp_schema *schema;
	struct kp_revmap *revs; /* NULL outside a repository */
	struct kp_repo *repo;
	const char *workdir;
	int valid_only;
	int jobs;
	int full; /* $KIPLAN_FULL_LOAD: no fast reader */
	FILE *out;
	struct kp_buf buf;
	struct kp_buf data[KP_JOBS_MAX]; /* each worker's file buffer */
	struct slot slots[BATCH];
	size_t n;
	size_t count;
	int invalid; /* a plan had errors */
	int failed;  /* a file could not be read or written */
};

static void drain(struct run *r, int all)
{
	if (r->buf.len < (all ? 1 : FLUSH_AT))
		return;
	if (fwrite(r->buf.buf, 1, r->buf.len, r->out) != r->buf.len)
		r->failed = 1;
	kp_buf_reset(&r->buf);
}

/* As cmd_report(), into a buffer: "kiplan: FILE:LINE:COL: MSG". */
static void add_error(struct kp_buf *b, const struct kp_error *err)
{
	char line[600];

	kp_error_format(line, sizeof(line), err);
	kp_buf_addstr(b, "kiplan: ");
	kp_buf_add_escaped(b, line, strlen(line));
	kp_buf_addch(b, '\n');
}

static void add_findings(struct kp_buf *b, const char *path,
			 const struct kp_findings *f)
{
	size_t i;

	for (i = 0; i < f->len; i++) {
		size_t start;

		if (f->v[i].sev != KP_ERROR)
			continue;
		kp_buf_addstr(b, "kiplan: ");
		start = b->len;
		kp_buf_addf(b, "%s:%u:%u: error: %s: %s", path, f->v[i].line,
			    f->v[i].col, f->v[i].code, f->v[i].msg);
		/* Escaped as cmd_report() does: a message is one line. */
		{
			char *raw = kp_xstrdup(b->buf + start);

			kp_buf_setlen(b, start);
			kp_buf_add_escaped(b, raw, strlen(raw));
			free(raw);
		}
		kp_buf_addch(b, '\n');
	}
}

/* Read, validate and export one plan into its slot.  Thread-safe. */
static void export_slot(const struct run *r, struct slot *s,
			struct kp_buf *data)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_findings f = KP_FINDINGS_INIT;
	struct kp_plan *plan = NULL;
	struct kp_source src;

	kp_buf_reset(data);
	if (kp_buf_read_file(data, s->path, KP_PLAN_MAX, &err) < 0) {
		add_error(&s->err, &err);
		s->failed = 1;
		return;
	}
	/* The fast reader when it is sure, else the full loader. */
	if (kp_plan_parse(&plan, s->path, data->buf, data->len,
			  r->full ? 0 : KP_LOAD_FAST, &err) < 0) {
		/* Not a plan at all: nothing to export; it counts as invalid.
		 */
		add_error(&s->err, &err);
		s->invalid = 1;
		return;
	}
	if (kp_validate(plan, r->schema, &f)) {
		add_findings(&s->err, s->path, &f);
		s->invalid = 1;
	}
	if (!s->invalid || !r->valid_only) {
		memset(&src, 0, sizeof(src));
		if (r->revs && s->rel)
			kp_revmap_source(r->revs, &src, s->rel, data->buf,
					 data->len);
		/* Index 0: the separators are the writer's (flush()). */
		kp_export_plan(&s->out, &r->opts, plan,
			       src.in_repo ? &src : NULL, 0);
		s->exported = 1;
	}
	kp_findings_release(&f);
	kp_plan_free(plan);
}

static void export_range(void *payload, size_t from, size_t to, int worker)
{
	struct run *r = payload;
	size_t i;

	for (i = from; i < to; i++)
		export_slot(r, &r->slots[i], &r->data[worker]);
}

/* The plan's path relative to the repository's working directory. */
static char *relative(const struct run *r, const char *path)
{
	struct kp_error err = KP_ERROR_INIT;
	char *rel = NULL;

	if (kp_repo_plan_path(&rel, r->repo, path, 1, &err) < 0)
		return NULL;
	return rel;
}

static void flush(struct run *r)
{
	size_t i;

	for (i = 0; r->revs && i < r->n; i++)
		r->slots[i].rel = relative(r, r->slots[i].path);
	kp_parallel(r->n, r->n >= 16 ? r->jobs : 1, export_range, r);
	for (i = 0; i < r->n; i++) {
		struct slot *s = &r->slots[i];

		if (s->err.len)
			fwrite(s->err.buf, 1, s->err.len, stderr);
		r->failed |= s->failed;
		r->invalid |= s->invalid;
		if (s->exported) {
			if (r->count++ && (r->opts.format == KP_EXPORT_JSON ||
					   r->opts.format == KP_EXPORT_FHIR))
				kp_buf_addch(&r->buf, ',');
			kp_buf_add(&r->buf, s->out.buf, s->out.len);
			drain(r, 0);
		}
		kp_buf_release(&s->out);
		kp_buf_release(&s->err);
		free(s->path);
		free(s->rel);
		memset(s, 0, sizeof(*s));
		kp_buf_init(&s->out);
		kp_buf_init(&s->err);
	}
	r->n = 0;
}

static int on_file(const char *path, const struct kp_error *problem,
		   void *payload)
{
	struct run *r = payload;

	if (problem) {
		flush(r); /* in order with the plans before it */
		cmd_report(problem);
		r->failed = 1;
		return 0;
	}
	r->slots[r->n].path = kp_xstrdup(path);
	if (++r->n == BATCH)
		flush(r);
	return 0;
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
	struct kp_error err = KP_ERROR_INIT;
	struct kp_schema *schema = NULL;
	struct kp_repo *repo = NULL;
	const char *output = NULL, *today_arg = NULL, *root[1];
	struct kp_buf tmpname = KP_BUF_INIT;
	int c, rc, have_format = 0, fd = -1;
	struct run r;

	memset(&r, 0, sizeof(r));
	kp_buf_init(&r.buf);
	for (c = 0; c < BATCH; c++) {
		kp_buf_init(&r.slots[c].out);
		kp_buf_init(&r.slots[c].err);
	}
	r.jobs = kp_jobs_default();
	for (c = 0; c < KP_JOBS_MAX; c++)
		kp_buf_init(&r.data[c]);
	r.full = getenv("KIPLAN_FULL_LOAD") && *getenv("KIPLAN_FULL_LOAD");
	r.opts.format = KP_EXPORT_JSON;
	r.out = stdout;
	while ((c = getopt_long(argc, argv, "ho:", lo, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage_str, stdout);
			rc = KP_EXIT_OK;
			goto done;
		case 'f':
			have_format = 1;
			if (strcmp(optarg, "json") == 0)
				r.opts.format = KP_EXPORT_JSON;
			else if (strcmp(optarg, "jsonl") == 0)
				r.opts.format = KP_EXPORT_JSONL;
			else if (strcmp(optarg, "csv") == 0)
				r.opts.format = KP_EXPORT_CSV;
			else if (strcmp(optarg, "fhir") == 0)
				r.opts.format = KP_EXPORT_FHIR;
			else {
				cmd_warn("--format: expected json, jsonl, csv "
					 "or fhir, not '%s'",
					 optarg);
				goto usage;
			}
			break;
		case 'x': r.opts.excel = 1; break;
		case 'r': r.opts.redact = 1; break;
		case 'v': r.valid_only = 1; break;
		case 't': today_arg = optarg; break;
		case 'o': output = optarg; break;
		default: goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (r.opts.excel) {
		if (have_format && r.opts.format != KP_EXPORT_CSV) {
			cmd_warn("--excel goes with --format csv only");
			goto usage;
		}
		r.opts.format = KP_EXPORT_CSV;
	}
	if (today_arg) {
		if (kp_date_parse(&r.opts.today, today_arg, strlen(today_arg)) <
		    0) {
			cmd_warn("--today: not a date (YYYY-MM-DD): '%s'",
				 today_arg);
			goto usage;
		}
	} else if (kp_today(&r.opts.today, &err) < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(err.code);
		goto done;
	}

	if (kp_repo_open(&repo, NULL, &err) < 0) {
		if (err.code != KP_ENOTFOUND || argc == 0) {
			cmd_report(&err);
			rc = KP_EXIT_ERROR;
			goto done;
		}
		repo = NULL;
	}
	if (repo) {
		r.repo = repo;
		r.workdir = kp_repo_workdir(repo);
		if (kp_repo_schema(&schema, repo, &err) < 0 ||
		    kp_revmap_build(&r.revs, r.workdir, &err) < 0) {
			cmd_report(&err);
			rc = KP_EXIT_ERROR;
			goto done;
		}
	}
	r.schema = schema;

	if (output) {
		kp_buf_addf(&tmpname, "%s.tmp-XXXXXX", output);
		if ((fd = mkstemp(tmpname.buf)) < 0 || fchmod(fd, 0600) < 0 ||
		    !(r.out = fdopen(fd, "wb"))) {
			cmd_warn("%s: cannot write: %s", output,
				 strerror(errno));
			if (fd >= 0) {
				close(fd);
				unlink(tmpname.buf);
			}
			r.out = NULL;
			rc = KP_EXIT_ERROR;
			goto done;
		}
	}
	kp_export_begin(&r.buf, &r.opts);
	if (argc == 0) {
		root[0] = r.workdir;
		kp_scan(root, 1, on_file, &r);
	} else {
		kp_scan((const char *const *)argv, (size_t)argc, on_file, &r);
	}
	flush(&r);
	kp_export_end(&r.buf, &r.opts, r.count);
	drain(&r, 1);
	if (output) {
		int bad = r.failed;

		if (fflush(r.out) != 0 || fsync(fileno(r.out)) < 0)
			bad = 1;
		if (fclose(r.out) != 0)
			bad = 1;
		r.out = NULL;
		if (bad || rename(tmpname.buf, output) < 0) {
			cmd_warn("%s: cannot write: %s", output,
				 strerror(errno));
			unlink(tmpname.buf);
			r.failed = 1;
		}
	}
	rc = r.failed	 ? KP_EXIT_ERROR
	     : r.invalid ? KP_EXIT_FINDINGS
			 : KP_EXIT_OK;
	goto done;
usage:
	fputs(usage_str, stderr);
	rc = KP_EXIT_USAGE;
done:
	if (r.out && r.out != stdout) {
		fclose(r.out);
		unlink(tmpname.buf);
	}
	kp_buf_release(&r.buf);
	for (c = 0; c < KP_JOBS_MAX; c++)
		kp_buf_release(&r.data[c]);
	kp_buf_release(&tmpname);
	kp_revmap_free(r.revs);
	kp_schema_free(schema);
	kp_repo_free(repo);
	return rc;
}
