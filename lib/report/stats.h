/*
 * stats.h: private to lib/report/stats*.c: the figures of kiplan stats,
 * as stats.c computes them and the writers (statsout.c, statshtml.c)
 * print them.
 */
#ifndef KP_STATS_H
#define KP_STATS_H

#include "report/report.h"

/* Forløb: none (not given, or before the first), then the three kinds. */
enum { KP_FL_NONE, KP_FL_PARALLEL, KP_FL_KOORDINERET, KP_FL_INTEGRERET };
#define KP_NFL 4

/* The value of forloeb for a kind ("parallel"); "ingen" for none. */
const char *kp_stats_forloeb_name(int fl);

/*
 * A count and the number of different plans (citizens) behind it, which
 * --min-cell judges.  last is the plan counted last, plus one: plans are
 * counted one at a time, so a plan seen again adds to n only.
 */
struct kp_count {
	unsigned long n, plans;
	size_t last;
};

/* Days, for a median: one value per plan. */
struct kp_days {
	long *v;
	size_t len, alloc;
};

struct kp_closed_to {
	size_t to; /* index into st->strings; (size_t)-1: not given */
	struct kp_count count;
};

/* One period of one group. */
struct kp_stats_cell {
	struct kp_count created, activated, closed;
	struct kp_closed_to *closed_to;
	size_t nclosed_to;
	struct kp_count active, drafts, overdue;
	struct kp_count on_time, late, followups;
	struct kp_days consent_days; /* consent to the first meeting */
	struct kp_count referrals, treated, kept, missed;
	struct kp_days referral_days; /* referral to treatment */
	struct kp_count guarantee_overdue;
	struct kp_count trans[KP_NFL][KP_NFL]; /* from, to */
	struct kp_count withdrawn;
	struct kp_count sendings, recipients;
};

struct kp_period {
	char label[24]; /* 2014-05, 2014-Q2, 2014 */
	struct kp_date from, to;
	long first, last; /* the same, in days */
};

struct kp_stats {
	struct kp_stats_opts opts;
	struct kp_period *periods;
	size_t nperiods;
	/* Groups: without --by one, with a NULL name. */
	char **groups; /* NULL: not given */
	size_t ngroups;
	/*
	 * cells[group][period]; cells[group][nperiods] holds the events of
	 * all periods together (and no states).
	 */
	struct kp_stats_cell **cells;
	char **strings; /* the closing destinations */
	size_t nstrings;
	size_t unreadable, unreadable_files;
	size_t plans, commits;
};

/*
 * What a writer may show of a figure: the value, nothing (a median or a
 * share of nothing), or nothing because it rests on fewer than
 * --min-cell plans (but some).
 */
enum kp_shown { KP_SHOWN, KP_EMPTY, KP_SUPPRESSED };

enum kp_shown kp_stats_count(const struct kp_stats *st,
			     const struct kp_count *c);
/* The median of d, in days (a whole number or one half). */
enum kp_shown kp_stats_median(const struct kp_stats *st,
			      const struct kp_days *d, double *out);
/* part of (part and rest) as a share from 0 to 1. */
enum kp_shown kp_stats_share(const struct kp_stats *st,
			     const struct kp_count *part,
			     const struct kp_count *rest, double *out);

#endif
