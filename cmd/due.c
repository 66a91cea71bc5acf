/*
 * due.c: kiplan due, what falls due in the plans: follow-up meetings,
 * deadlines of actions and drafts' first meetings.  Made for cron:
 * exit 1 when anything is overdue.
 *
 * Plans are read in batches: the walk fills a batch of paths, the cache
 * answers for the plans that have not changed, the others are parsed by
 * up to --jobs threads, and then the batch is merged in the walk's order,
 * so that the output and the cache never depend on the threads.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] =
	"usage: kiplan due [--today DATE] [--within DAYS] [--overdue]\n"
	"                  [--coordinator NAME] [--by ansvarlig|koordinator]\n"
	"                  [--format text|tsv|json|ics] [--draft-days DAYS]\n"
	"                  [--redact] [--no-cache] [--jobs N] [PATH...]\n"
	"\n"
	"List follow-up meetings, deadlines of actions and drafts' first\n"
	"meetings that are overdue or fall due within DAYS (default 14).\n"
	"Without PATH, the plans of the plan repository.\n"
	"\n"
	"  --today DATE        count from DATE (YYYY-MM-DD), not today\n"
	"  --within DAYS       list what falls due in DAYS days (default 14)\n"
	"  --overdue           list only what is overdue\n"
	"  --coordinator NAME  only the plans of this coordinator\n"
	"  --by WHO            one worklist per responsible party or "
	"coordinator\n"
	"  --format FORMAT     text (default), tsv, json or ics (iCalendar)\n"
	"  --draft-days DAYS   a draft's first meeting is due DAYS days after\n"
	"                      its consent (default: the repository's\n"
	"                      due.kladde-dage; off when unset)\n"
	"  --redact            leave out the citizens' names\n"
	"  --no-cache          neither read nor write the cache\n"
	"  --jobs N            parse with N threads (default: CPUs, at most "
	"8)\n"
	"\n"
	"Exit status: 0 nothing overdue, 1 something overdue, 2 usage,\n"
	"3 a plan could not be read (and nothing is overdue).\n";

enum format { FMT_TEXT, FMT_TSV, FMT_JSON, FMT_ICS };

#define BATCH 1024

struct slot {
	char *path;
	struct stat st; /* from the walk, when have_st */
	int have_st;
	struct kp_file_id id;
	int have_id; /* id is valid: the plan may be cached */
	int hit;     /* items came from the cache */
	int failed;  /* err says why the plan could not be read */
	struct kp_error err;
	struct kp_due_list items;
	struct kp_findings problems;
};

/* What each worker of a batch owns (kp_parallel's worker index). */
struct worker {
	struct kp_buf data;   /* reused between plans */
	struct kp_doc *arena; /* the strings of its plans' items */
};

struct run {
	struct kp_due_opts opts;
	struct kp_due_cache *cache;
	struct kp_due_list kept;
	struct slot slots[BATCH];
	size_t n;
	int jobs;
	struct worker w[KP_JOBS_MAX];
	int full;   /* $KIPLAN_FULL_LOAD: no fast path */
	int failed; /* a plan could not be read or understood */
};

static void parse_slot(struct slot *s, int draft_days, int full,
		       struct kp_buf *data)
{
	struct kp_plan *plan = NULL;
	struct kp_doc *doc = NULL;

	kp_buf_reset(data);
	if (kp_buf_read_file(data, s->path, KP_PLAN_MAX, &s->err) < 0) {
		s->failed = 1;
		return;
	}
	if (!full && kp_due_fast(&doc, data->buf, data->len)) {
		kp_due_extract(&s->items, kp_doc_root(doc), s->path, draft_days,
			       &s->problems);
		kp_doc_free(doc);
		if (!s->problems.len)
			return;
		/* Problems are told by the full loader, with its positions. */
		s->items.len = 0;
		kp_findings_release(&s->problems);
	}
	if (kp_plan_parse(&plan, s->path, data->buf, data->len, 0, &s->err) <
	    0) {
		s->failed = 1;
		return;
	}
	kp_due_extract(&s->items, plan->root, s->path, draft_days,
		       &s->problems);
	kp_plan_free(plan);
}

static void parse_range(void *payload, size_t from, size_t to, int worker)
{
	struct run *r = payload;
	struct worker *w = &r->w[worker];
	size_t i;

	for (i = from; i < to; i++) {
		struct slot *s = &r->slots[i];

		if (s->hit)
			continue;
		/* One arena per thread and batch, not one per plan. */
		s->items.arena = w->arena;
		parse_slot(s, r->opts.draft_days, r->full, &w->data);
	}
}

/* The identity of the plan's file, from st or from stat(). */
static void file_id(struct slot *s)
{
	struct stat st;

	if (!s->have_st) {
		if (strcmp(s->path, "-") == 0 || stat(s->path, &st) < 0 ||
		    !S_ISREG(st.st_mode))
			return;
		s->st = st;
	}
	s->id.dev = (unsigned long long)s->st.st_dev;
	s->id.ino = (unsigned long long)s->st.st_ino;
	s->id.size = (unsigned long long)s->st.st_size;
	s->id.mtime_ns = (long long)s->st.st_mtim.tv_sec * 1000000000LL +
			 s->st.st_mtim.tv_nsec;
	s->id.ctime_ns = (long long)s->st.st_ctim.tv_sec * 1000000000LL +
			 s->st.st_ctim.tv_nsec;
	s->have_id = 1;
}

static void report_problems(struct run *r, const struct slot *s)
{
	size_t i;

	for (i = 0; i < s->problems.len; i++) {
		const struct kp_finding *f = &s->problems.v[i];
		struct kp_buf b = KP_BUF_INIT;

		kp_buf_addf(&b, "%s:%u:%u: %s: %s", s->path, f->line, f->col,
			    kp_severity_name(f->sev), f->msg);
		cmd_warn("%s", b.buf);
		kp_buf_release(&b);
		if (f->sev == KP_ERROR)
			r->failed = 1;
	}
}

static void flush(struct run *r)
{
	size_t i, misses = 0;
	struct kp_doc *hits;
	int t, jobs;

	hits = kp_doc_new();
	for (i = 0; i < r->n; i++) {
		struct slot *s = &r->slots[i];

		if (!r->cache)
			continue;
		file_id(s);
		s->items.arena = hits;
		if (s->have_id &&
		    kp_due_cache_get(r->cache, s->path, &s->id, &s->items) == 1)
			s->hit = 1;
		else
			misses++;
	}
	if (!r->cache)
		misses = r->n;
	/* A thread pays only with enough plans to parse. */
	jobs = misses >= 64 ? r->jobs : 1;
	for (t = 0; t < jobs; t++) {
		kp_buf_init(&r->w[t].data);
		r->w[t].arena = kp_doc_new();
	}
	kp_parallel(r->n, jobs, parse_range, r);
	for (t = 0; t < jobs; t++)
		kp_buf_release(&r->w[t].data);

	for (i = 0; i < r->n; i++) {
		struct slot *s = &r->slots[i];

		if (s->failed) {
			cmd_report(&s->err);
			r->failed = 1;
		} else {
			report_problems(r, s);
			if (r->cache && s->have_id && !s->problems.len)
				kp_due_cache_put(r->cache, s->path, &s->id,
						 s->items.v, s->items.len);
			kp_due_keep(&r->kept, s->items.v, s->items.len,
				    &r->opts);
		}
		s->items.arena = NULL; /* the batch's, freed below */
		kp_due_release(&s->items);
		kp_findings_release(&s->problems);
		free(s->path);
		memset(s, 0, sizeof(*s));
	}
	r->n = 0;
	for (t = 0; t < jobs; t++)
		kp_doc_free(r->w[t].arena);
	kp_doc_free(hits);
}

static int on_file(const char *path, const struct stat *st,
		   const struct kp_error *problem, void *payload)
{
	struct run *r = payload;

	if (problem) {
		flush(r); /* its message after those of the plans before it */
		cmd_report(problem);
		r->failed = 1;
		return 0;
	}
	r->slots[r->n].path = kp_xstrdup(path);
	if (st) {
		r->slots[r->n].st = *st;
		r->slots[r->n].have_st = 1;
	}
	if (++r->n == BATCH)
		flush(r);
	return 0;
}

static void write_out(struct kp_buf *out, void *payload)
{
	(void)payload;
	fwrite(out->buf, 1, out->len, stdout);
	kp_buf_reset(out);
}

static int parse_days(long *out, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 36500)
		return -1;
	*out = v;
	return 0;
}

/* A hash of what shapes the cached items and which plans are walked. */
static unsigned long long cache_key(int draft_days, char **paths, int n)
{
	unsigned long long h = kp_hash64(0, "kiplan-due-1", 12);
	char cwd[4096];
	int i;

	if (getcwd(cwd, sizeof(cwd)))
		h = kp_hash64(h, cwd, strlen(cwd) + 1);
	h = kp_hash64(h, &draft_days, sizeof(draft_days));
	for (i = 0; i < n; i++)
		h = kp_hash64(h, paths[i], strlen(paths[i]) + 1);
	return h;
}

int cmd_due(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "today", required_argument, NULL, 't' },
		{ "within", required_argument, NULL, 'w' },
		{ "overdue", no_argument, NULL, 'o' },
		{ "coordinator", required_argument, NULL, 'c' },
		{ "by", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "draft-days", required_argument, NULL, 'd' },
		{ "redact", no_argument, NULL, 'r' },
		{ "no-cache", no_argument, NULL, 'n' },
		{ "jobs", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct kp_error err = KP_ERROR_INIT;
	struct kp_buf out = KP_BUF_INIT;
	const char *today_arg = NULL;
	enum format fmt = FMT_TEXT;
	struct kp_repo *repo = NULL;
	char *cache_path = NULL, *gitdir = NULL;
	const char *root[1];
	long days, draft_days = -1;
	int c, redact = 0, no_cache = 0, have_draft_days = 0, rc;
	long long stamp;
	size_t overdue;
	struct run *r;

	r = kp_xcalloc(1, sizeof(*r));
	r->opts.within = 14;
	r->opts.draft_days = -1;
	r->jobs = kp_jobs_default();
	r->full = getenv("KIPLAN_FULL_LOAD") && *getenv("KIPLAN_FULL_LOAD");
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage_str, stdout);
			rc = KP_EXIT_OK;
			goto done;
		case 't': today_arg = optarg; break;
		case 'w':
			if (parse_days(&r->opts.within, optarg) < 0) {
				cmd_warn("--within: not a number of days: '%s'",
					 optarg);
				goto usage;
			}
			break;
		case 'o': r->opts.overdue_only = 1; break;
		case 'c': r->opts.coordinator = optarg; break;
		case 'b':
			if (strcmp(optarg, "ansvarlig") == 0)
				r->opts.by = KP_DUE_BY_ANSVARLIG;
			else if (strcmp(optarg, "koordinator") == 0)
				r->opts.by = KP_DUE_BY_KOORDINATOR;
			else {
				cmd_warn("--by: expected ansvarlig or "
					 "koordinator, not '%s'",
					 optarg);
				goto usage;
			}
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				fmt = FMT_TEXT;
			else if (strcmp(optarg, "tsv") == 0)
				fmt = FMT_TSV;
			else if (strcmp(optarg, "json") == 0)
				fmt = FMT_JSON;
			else if (strcmp(optarg, "ics") == 0)
				fmt = FMT_ICS;
			else {
				cmd_warn("--format: expected text, tsv, json "
					 "or ics, not '%s'",
					 optarg);
				goto usage;
			}
			break;
		case 'd':
			if (parse_days(&draft_days, optarg) < 0) {
				cmd_warn("--draft-days: not a number of days: "
					 "'%s'",
					 optarg);
				goto usage;
			}
			have_draft_days = 1;
			break;
		case 'r': redact = 1; break;
		case 'n': no_cache = 1; break;
		case 'j':
			if (parse_days(&days, optarg) < 0 || days < 1 ||
			    days > KP_JOBS_MAX) {
				cmd_warn("--jobs: expected 1 to %d, not '%s'",
					 KP_JOBS_MAX, optarg);
				goto usage;
			}
			r->jobs = (int)days;
			break;
		default: goto usage;
		}
	}
	argc -= optind;
	argv += optind;

	if (today_arg) {
		if (kp_date_parse(&r->opts.today, today_arg,
				  strlen(today_arg)) < 0) {
			cmd_warn("--today: not a date (YYYY-MM-DD): '%s'",
				 today_arg);
			goto usage;
		}
	} else if (kp_today(&r->opts.today, &err) < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(err.code);
		goto done;
	}

	/* The repository: the plans by default, a setting, the cache. */
	if (kp_repo_open(&repo, NULL, &err) < 0) {
		if (err.code != KP_ENOTFOUND || argc == 0) {
			cmd_report(&err);
			rc = KP_EXIT_ERROR;
			goto done;
		}
		repo = NULL;
	}
	if (repo && !have_draft_days) {
		char *v = NULL;

		if (kp_repo_setting(&v, repo, "due.kladde-dage", &err) == 0) {
			if (parse_days(&draft_days, v) < 0) {
				cmd_warn(".kiplan/config: due.kladde-dage: not "
					 "a number of days: '%s'",
					 v);
				free(v);
				rc = KP_EXIT_ERROR;
				goto done;
			}
			free(v);
		} else if (err.code != KP_ENOTFOUND) {
			cmd_report(&err);
			rc = KP_EXIT_ERROR;
			goto done;
		}
	}
	r->opts.draft_days = (int)draft_days;
	if (repo) {
		struct stat st;
		struct kp_buf g = KP_BUF_INIT;

		kp_buf_addf(&g, "%s/.git", kp_repo_workdir(repo));
		if (stat(g.buf, &st) == 0 && S_ISDIR(st.st_mode))
			gitdir = kp_buf_detach(&g, NULL);
		kp_buf_release(&g);
	}
	if (!no_cache) {
		unsigned long long key =
			cache_key(r->opts.draft_days, argv, argc);

		cache_path = kp_due_cache_path(argc ? NULL : gitdir, key);
		/* An unusable cache only makes kiplan slower. */
		if (cache_path &&
		    kp_due_cache_open(&r->cache, cache_path, key, &err) < 0)
			r->cache = NULL;
	}

	if (argc == 0) {
		root[0] = kp_repo_workdir(repo);
		kp_scan_stat(root, 1, on_file, r);
	} else {
		kp_scan_stat((const char *const *)argv, (size_t)argc, on_file,
			     r);
	}
	flush(r);
	if (r->cache && kp_due_cache_commit(r->cache, &err) < 0)
		cmd_report(&err);

	overdue = kp_due_sort(&r->kept, &r->opts);
	r->opts.flush = write_out;
	switch (fmt) {
	case FMT_TEXT:
		kp_due_write_text(&out, &r->kept, &r->opts, redact);
		break;
	case FMT_TSV: kp_due_write_tsv(&out, &r->kept, &r->opts, redact); break;
	case FMT_JSON:
		kp_due_write_json(&out, &r->kept, &r->opts, redact);
		break;
	case FMT_ICS:
		stamp = today_arg || getenv("KIPLAN_TODAY")
				? (long long)kp_date_days(r->opts.today) * 86400
				: (long long)time(NULL);
		kp_due_write_ics(&out, &r->kept, &r->opts, stamp, redact);
		break;
	}
	fwrite(out.buf, 1, out.len, stdout);
	rc = overdue	 ? KP_EXIT_FINDINGS
	     : r->failed ? KP_EXIT_ERROR
			 : KP_EXIT_OK;
	goto done;
usage:
	fputs(usage_str, stderr);
	rc = KP_EXIT_USAGE;
done:
	kp_buf_release(&out);
	kp_due_cache_free(r->cache);
	kp_due_release(&r->kept);
	kp_repo_free(repo);
	free(cache_path);
	free(gitdir);
	free(r);
	return rc;
}
