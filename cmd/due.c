/*
 * due.c: kiplan due, what falls due in the plans: follow-up meetings,
 * deadlines of actions and drafts' first meetings.  Made for cron: quiet
 * when nothing is due and every plan is fine; exit 1 when anything is
 * overdue.  The reading is kp_due_paths(), on the batch engine.
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

static const char usage_str[] = N_(
	"usage: kiplan due [--today DATE] [--within DAYS] [--overdue]\n"
	"                  [--coordinator NAME] [--by ansvarlig|koordinator]\n"
	"                  [--format text|tsv|json|ics] [--draft-days DAYS]\n"
	"                  [--offer-days DAYS] [--redact] [--no-cache] "
	"[--jobs N]\n"
	"                  [PATH...]\n"
	"\n"
	"List follow-up meetings, deadlines of open actions, treatment\n"
	"guarantees, drafts' first meetings and renewed offers that are\n"
	"overdue or fall due within DAYS (default 14).  Without PATH, the\n"
	"plans of the plan repository.\n"
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
	"  --offer-days DAYS   offer the plan again DAYS days after the "
	"citizen\n"
	"                      said no (default: due.tilbud-dage; off when\n"
	"                      unset)\n"
	"  --redact            leave out the citizens' names\n"
	"  --no-cache          neither read nor write the cache\n"
	"  --jobs N            parse with N threads (default: CPUs, at most "
	"8)\n"
	"  -h, --help          show this help\n"
	"\n"
	"Exit status: 0 nothing overdue, 1 something overdue, 2 usage,\n"
	"3 a plan could not be read (and nothing is overdue).\n");

enum format { FMT_TEXT, FMT_TSV, FMT_JSON, FMT_ICS };

static void report(const struct kp_file_report *r, void *payload)
{
	(void)payload;
	fflush(stdout);
	cmd_print_file_report(r, 0);
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

/* A number of days in .kiplan/config (due.kladde-dage, due.tilbud-dage). */
static int days_setting(long *out, struct kp_repo *repo, const char *key)
{
	struct kp_error err = KP_ERROR_INIT;
	char *v = NULL;

	if (kp_repo_setting(&v, repo, key, &err) < 0) {
		if (err.code == KP_ENOTFOUND)
			return 0;
		cmd_report(&err);
		return -1;
	}
	if (parse_days(out, v) < 0) {
		/* TRANSLATORS: the setting (due.kladde-dage), its value */
		cmd_warn(_(".kiplan/config: %s is not a number of days: '%s'"),
			 key, v);
		free(v);
		return -1;
	}
	free(v);
	return 0;
}

static void write_list(const struct kp_due_list *list,
		       const struct kp_due_opts *opts, int fmt, int redact,
		       long long stamp)
{
	struct kp_buf out = KP_BUF_INIT;

	switch (fmt) {
	case FMT_TEXT: kp_due_write_text(&out, list, opts, redact); break;
	case FMT_TSV: kp_due_write_tsv(&out, list, opts, redact); break;
	case FMT_JSON: kp_due_write_json(&out, list, opts, redact); break;
	case FMT_ICS: kp_due_write_ics(&out, list, opts, stamp, redact); break;
	}
	fwrite(out.buf, 1, out.len, stdout);
	kp_buf_release(&out);
}

static int number_opt(long *out, const char *opt, const char *arg, long min,
		      long max)
{
	if (parse_days(out, arg) < 0 || *out < min || *out > max) {
		cmd_warn(_("%s: expected a number from %ld to %ld, not '%s'"),
			 opt, min, max, arg);
		return -1;
	}
	return 0;
}

/* What the command line asks for. */
struct due_cli {
	struct kp_due_run run;
	const char *today_arg;
	long draft_days, offer_days;
	int fmt, redact, have_draft_days, have_offer_days;
};

/* The options into cli; KP_EXIT_OK, or the exit status of a usage error
 * or of --help (*done set). */
static int parse_opts(struct due_cli *cli, int *done, int argc, char **argv)
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
		{ "offer-days", required_argument, NULL, 'O' },
		{ "redact", no_argument, NULL, 'r' },
		{ "no-cache", no_argument, NULL, 'n' },
		{ "jobs", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const formats[] = { "text", "tsv", "json", "ics",
					       NULL };
	static const char *const bys[] = { "ansvarlig", "koordinator", NULL };
	struct kp_due_opts *due = &cli->run.due;
	long n;
	int c;

	*done = 1;
	while ((c = cmd_getopt(argc, argv, "h", lo, usage_str)) != -1) {
		switch (c) {
		case 'h': return cmd_help(usage_str);
		case 't': cli->today_arg = optarg; break;
		case 'w':
			if (number_opt(&due->within, "--within", optarg, 0,
				       36500) < 0)
				return cmd_usage(usage_str);
			break;
		case 'o': due->overdue_only = 1; break;
		case 'c': due->coordinator = optarg; break;
		case 'b':
			if ((c = cmd_choice("--by", optarg, bys)) < 0)
				return cmd_usage(usage_str);
			due->by = c == 0 ? KP_DUE_BY_ANSVARLIG
					 : KP_DUE_BY_KOORDINATOR;
			break;
		case 'f':
			if ((cli->fmt = cmd_choice("--format", optarg,
						   formats)) < 0)
				return cmd_usage(usage_str);
			break;
		case 'd':
			if (number_opt(&cli->draft_days, "--draft-days", optarg,
				       0, 36500) < 0)
				return cmd_usage(usage_str);
			cli->have_draft_days = 1;
			break;
		case 'O':
			if (number_opt(&cli->offer_days, "--offer-days", optarg,
				       0, 36500) < 0)
				return cmd_usage(usage_str);
			cli->have_offer_days = 1;
			break;
		case 'r': cli->redact = 1; break;
		case 'n': cli->run.use_cache = 0; break;
		case 'j':
			if (number_opt(&n, "--jobs", optarg, 1, KP_JOBS_MAX) <
			    0)
				return cmd_usage(usage_str);
			cli->run.jobs = (int)n;
			break;
		default: return cmd_usage(usage_str);
		}
	}
	*done = 0;
	return KP_EXIT_OK;
}

/* The day to count from: --today, else the clock (or KIPLAN_TODAY). */
static int today(struct due_cli *cli)
{
	struct kp_error err = KP_ERROR_INIT;
	const char *arg = cli->today_arg;

	if (arg) {
		if (kp_date_parse(&cli->run.due.today, arg, strlen(arg)) < 0) {
			cmd_warn(_("--today: not a date (YYYY-MM-DD): '%s'"),
				 arg);
			return cmd_usage(usage_str);
		}
	} else if (kp_today(&cli->run.due.today, &err) < 0) {
		cmd_report(&err);
		return cmd_exit_for(err.code);
	}
	return KP_EXIT_OK;
}

/* The repository's settings where the command line gave none, and its
 * identity for the calendar's UIDs. */
static int settings(struct due_cli *cli, struct kp_repo *repo)
{
	struct kp_error err = KP_ERROR_INIT;

	if (!repo)
		return KP_EXIT_OK;
	if ((!cli->have_draft_days &&
	     days_setting(&cli->draft_days, repo, "due.kladde-dage") < 0) ||
	    (!cli->have_offer_days &&
	     days_setting(&cli->offer_days, repo, "due.tilbud-dage") < 0))
		return KP_EXIT_ERROR;
	if (kp_repo_uuid(cli->run.due.ns, repo, &err) < 0) {
		cmd_report(&err);
		return KP_EXIT_ERROR;
	}
	return KP_EXIT_OK;
}

int cmd_due(int argc, char **argv)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_due_list kept = KP_DUE_LIST_INIT;
	struct kp_due_totals totals;
	struct cmd_plans plans = CMD_PLANS_INIT;
	struct due_cli cli;
	struct kp_due_run *run = &cli.run;
	long long stamp;
	size_t overdue;
	int rc, done;

	memset(&cli, 0, sizeof(cli));
	cli.fmt = FMT_TEXT;
	cli.draft_days = cli.offer_days = -1;
	run->due.within = 14;
	run->use_cache = 1;
	if ((rc = parse_opts(&cli, &done, argc, argv)) != KP_EXIT_OK || done)
		return rc;
	argc -= optind;
	argv += optind;
	if ((rc = today(&cli)) != KP_EXIT_OK)
		return rc;
	if ((rc = cmd_plans_open(&plans, argc, argv, NULL, 0)) != KP_EXIT_OK)
		return rc;
	if ((rc = settings(&cli, plans.repo)) != KP_EXIT_OK)
		goto done;
	run->due.draft_days = (int)cli.draft_days;
	run->due.offer_days = (int)cli.offer_days;
	run->repo = plans.repo;
	run->repo_plans = argc == 0;
	run->full_load = cmd_full_load();
	run->report = report;
	if (kp_due_paths(&kept, &totals, (const char *const *)plans.paths,
			 plans.n, run, &err) < 0)
		cmd_report(&err);

	overdue = kp_due_sort(&kept, &run->due);
	run->due.flush = write_out;
	stamp = cli.today_arg || getenv("KIPLAN_TODAY")
			? (long long)kp_date_days(run->due.today) * 86400
			: (long long)time(NULL);
	write_list(&kept, &run->due, cli.fmt, cli.redact, stamp);
	rc = overdue	     ? KP_EXIT_FINDINGS
	     : totals.failed ? KP_EXIT_ERROR
			     : KP_EXIT_OK;
done:
	kp_due_release(&kept);
	cmd_plans_release(&plans);
	return rc;
}
