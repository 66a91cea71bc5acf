/*
 * stats.c: kiplan stats, monitoring figures from the plan repository's
 * history, period by period: plans created, made active and closed,
 * follow-ups, the treatment guarantee, forløb, consents withdrawn and
 * sendings.  The work is kp_stats_compute(); this parses and prints.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] = N_(
	"usage: kiplan stats [--from DATE] [--to DATE] "
	"[--period month|quarter|year]\n"
	"                    [--by organisation|coordinator|forloeb]\n"
	"                    [--format text|csv|json|html] [--min-cell N] "
	"[--jobs N]\n"
	"                    [-o FILE]\n"
	"\n"
	"Monitoring figures from the plan repository's history, period by\n"
	"period.  An event counts in the period of the commit that records it "
	"(a\n"
	"meeting, referral or treatment start in that of its own date, when "
	"later);\n"
	"a state is that of each plan's last version on the period's last day, "
	"so a\n"
	"period that is over never changes.  No citizen's name or CPR number "
	"is\n"
	"ever shown.  The figures, with their JSON and CSV keys:\n"
	"\n"
	"  created, activated, closed\n"
	"                     plans first committed, and versions that make\n"
	"                     status aktiv or afsluttet (closed_to: by\n"
	"                     afslutning.til)\n"
	"  active, drafts     plans aktiv or kladde on the period's last day\n"
	"  followups_on_time, followups_late\n"
	"                     meetings in moeder (not closing ones) held at "
	"most\n"
	"                     six months after the meeting before, or later\n"
	"  overdue            follow-ups overdue on the last day, as kiplan "
	"due\n"
	"                     sees them\n"
	"  consent_to_meeting_days\n"
	"                     median days from samtykke.dato to moede.dato of "
	"the\n"
	"                     plans first made active\n"
	"  referral_to_treatment_days, guarantee_kept, guarantee_missed\n"
	"                     median days from henvisning.dato to "
	"behandling_start,\n"
	"                     and treatments begun within 14 days or later\n"
	"  transitions        forloeb given or changed, from and to\n"
	"  consent_withdrawn, sendings, recipients\n"
	"                     samtykke.tilbagekaldt recorded; kiplan send "
	"commits\n"
	"                     and their recipients\n"
	"\n"
	"kiplan-stats(1) defines every figure.\n"
	"\n"
	"  --from DATE      the first day counted (default: the start of the\n"
	"                   period of the first plan)\n"
	"  --to DATE        the last day counted (default: today)\n"
	"  --period PERIOD  month, quarter (default) or year\n"
	"  --by GROUP       figures per organisation or coordinator (of the\n"
	"                   koordinator field) or per forløb\n"
	"  --format FORMAT  text (default), csv (Danish Excel), json or html\n"
	"                   (a page with charts, in Danish)\n"
	"  --min-cell N     hide every figure that counts fewer than N plans\n"
	"                   (but some), for publication\n"
	"  --jobs N         read with N threads (default: CPUs, at most 8)\n"
	"  -o FILE          write to FILE (atomically) instead of stdout\n"
	"  -h, --help       show this help\n"
	"\n"
	"Exit status: 0 ok, 2 usage, 3 the history could not be read.\n");

enum format { FMT_TEXT, FMT_CSV, FMT_JSON, FMT_HTML };

static int date_opt(struct kp_date *out, const char *opt, const char *arg)
{
	if (kp_date_parse(out, arg, strlen(arg)) < 0) {
		/* TRANSLATORS: the option (--from), then its value */
		cmd_warn(_("%s: not a date (YYYY-MM-DD): '%s'"), opt, arg);
		return -1;
	}
	return 0;
}

static int number_opt(unsigned *out, const char *opt, const char *arg,
		      unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < 1 || v > max) {
		cmd_warn(_("%s: expected a number from %ld to %ld, not '%s'"),
			 opt, 1L, (long)max, arg);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static void write_stats(struct kp_buf *out, const struct kp_stats *st, int fmt)
{
	switch (fmt) {
	case FMT_TEXT: kp_stats_write_text(out, st); break;
	case FMT_CSV: kp_stats_write_csv(out, st); break;
	case FMT_JSON: kp_stats_write_json(out, st); break;
	case FMT_HTML: kp_stats_write_html(out, st); break;
	}
}

/* To FILE (whole or not at all, private) or to standard output. */
static int output(const struct kp_buf *out, const char *file)
{
	struct kp_error err = KP_ERROR_INIT;

	if (!file) {
		fwrite(out->buf, 1, out->len, stdout);
		return KP_EXIT_OK;
	}
	if (kp_write_file_atomic(file, out->buf, out->len, 0600, &err) < 0) {
		cmd_report(&err);
		return KP_EXIT_ERROR;
	}
	return KP_EXIT_OK;
}

static void say_unreadable(const struct kp_stats *st)
{
	size_t files, n = kp_stats_unreadable(st, &files);

	if (n)
		/* TRANSLATORS: versions of files in the git history */
		cmd_warn(Q_("%zu version of a file in the history could not "
			    "be read as a plan; it is left out",
			    "%zu versions of files in the history could not "
			    "be read as plans; they are left out",
			    n),
			 n);
	(void)files;
}

static int run(const struct kp_stats_opts *opts, int fmt, const char *file)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_buf out = KP_BUF_INIT;
	struct kp_stats *st = NULL;
	struct kp_repo *repo = NULL;
	int rc;

	if ((rc = cmd_repo_open(&repo)) != KP_EXIT_OK)
		return rc;
	if (kp_stats_compute(&st, repo, opts, &err) < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(err.code);
		goto done;
	}
	say_unreadable(st);
	write_stats(&out, st, fmt);
	rc = output(&out, file);
done:
	kp_buf_release(&out);
	kp_stats_free(st);
	kp_repo_free(repo);
	return rc;
}

int cmd_stats(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "period", required_argument, NULL, 'p' },
		{ "by", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "min-cell", required_argument, NULL, 'm' },
		{ "jobs", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const formats[] = { "text", "csv", "json", "html",
					       NULL };
	static const char *const periods[] = { "month", "quarter", "year",
					       NULL };
	static const char *const bys[] = { "organisation", "coordinator",
					   "forloeb", NULL };
	struct kp_error err = KP_ERROR_INIT;
	struct kp_stats_opts opts;
	const char *file = NULL;
	unsigned jobs;
	int c, fmt = FMT_TEXT, have_to = 0;

	memset(&opts, 0, sizeof(opts));
	opts.period = KP_STATS_QUARTER;
	while ((c = cmd_getopt(argc, argv, "ho:", lo, usage_str)) != -1) {
		switch (c) {
		case 'h': return cmd_help(usage_str);
		case 'F':
			if (date_opt(&opts.from, "--from", optarg) < 0)
				return cmd_usage(usage_str);
			opts.have_from = 1;
			break;
		case 'T':
			if (date_opt(&opts.to, "--to", optarg) < 0)
				return cmd_usage(usage_str);
			have_to = 1;
			break;
		case 'p':
			if ((c = cmd_choice("--period", optarg, periods)) < 0)
				return cmd_usage(usage_str);
			opts.period = (enum kp_stats_period)c;
			break;
		case 'b':
			if ((c = cmd_choice("--by", optarg, bys)) < 0)
				return cmd_usage(usage_str);
			opts.by = (enum kp_stats_by)(c + 1);
			break;
		case 'f':
			if ((fmt = cmd_choice("--format", optarg, formats)) < 0)
				return cmd_usage(usage_str);
			break;
		case 'm':
			if (number_opt(&opts.min_cell, "--min-cell", optarg,
				       1000000) < 0)
				return cmd_usage(usage_str);
			break;
		case 'j':
			if (number_opt(&jobs, "--jobs", optarg, KP_JOBS_MAX) <
			    0)
				return cmd_usage(usage_str);
			opts.jobs = (int)jobs;
			break;
		case 'o': file = optarg; break;
		default: return cmd_usage(usage_str);
		}
	}
	if (optind < argc) {
		cmd_warn(_("unexpected argument '%s'"), argv[optind]);
		return cmd_usage(usage_str);
	}
	if (kp_today(&opts.generated, &err) < 0) {
		cmd_report(&err);
		return cmd_exit_for(err.code);
	}
	if (!have_to)
		opts.to = opts.generated;
	if (opts.have_from && kp_date_days(opts.from) > kp_date_days(opts.to)) {
		cmd_warn(_("--from comes after --to"));
		return cmd_usage(usage_str);
	}
	return run(&opts, fmt, file);
}
