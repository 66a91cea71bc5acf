/*
 * set.c: kiplan set, change fields of a plan from a script, without an
 * editor (kp_change_set_arg()), and commit the result
 * (cmd_change_commit()).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] = N_(
	"usage: kiplan set [--date DATE] [--unset KEY.PATH]... [-m "
	"MESSAGE]...\n"
	"                  [--dry-run] PLAN KEY.PATH=VALUE...\n"
	"\n"
	"Change fields of PLAN and commit it as its next revision.  Only the\n"
	"values concerned change in the file; comments and everything else\n"
	"stay.  Values are typed as the schema wants them, as with new --set\n"
	"(maal.0.indsatser.1.status=gennemfoert; list items from 0).  "
	"Setting an\n"
	"action's status sets its status_dato too.  Refused (exit 1, nothing\n"
	"committed): a change that would give the plan errors.\n"
	"\n"
	"  --date DATE       the status_dato of states set (default: today)\n"
	"  --unset KEY.PATH  remove a field (repeatable)\n"
	"  -m MESSAGE        a line for the commit message (repeatable)\n"
	"  --dry-run         print the changed plan; commit nothing\n"
	"  -h, --help        show this help\n");

struct args {
	const char **body, **unset;
	size_t nbody, nunset;
	const char *date;
	int dry_run;
	int help;
	char **sets; /* KEY.PATH=VALUE */
	size_t nsets;
	const char *plan;
};

static int parse(struct args *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "date", required_argument, NULL, 'd' },
		{ "unset", required_argument, NULL, 'u' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	a->body = kp_xcalloc((size_t)argc + 1, sizeof(*a->body));
	a->unset = kp_xcalloc((size_t)argc + 1, sizeof(*a->unset));
	while ((c = cmd_getopt(argc, argv, "hm:", lo, usage_str)) != -1) {
		switch (c) {
		case 'h': a->help = 1; return cmd_help(usage_str);
		case 'm': a->body[a->nbody++] = optarg; break;
		case 'd': a->date = optarg; break;
		case 'u': a->unset[a->nunset++] = optarg; break;
		case 'n': a->dry_run = 1; break;
		default: return cmd_usage(usage_str);
		}
	}
	if (optind >= argc || (optind + 1 == argc && !a->nunset))
		return cmd_usage(usage_str);
	a->plan = argv[optind];
	a->sets = argv + optind + 1;
	a->nsets = (size_t)(argc - optind - 1);
	return KP_EXIT_OK;
}

/* The date of the states set: --date, or today. */
static int state_date(char out[11], const char *arg)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_date d;

	if (arg && kp_date_parse(&d, arg, strlen(arg)) < 0) {
		cmd_warn(_("--date: not a date (YYYY-MM-DD): '%s'"), arg);
		return KP_EXIT_USAGE;
	}
	if (!arg && kp_today(&d, &err) < 0) {
		cmd_report(&err);
		return cmd_exit_for(err.code);
	}
	kp_date_format(out, d);
	return KP_EXIT_OK;
}

/* The commit message: what was set and removed, then -m. */
static const char **message(const struct args *a, size_t *n)
{
	const char **v =
		kp_xcalloc(a->nsets + a->nunset + a->nbody + 1, sizeof(*v));
	size_t i;

	*n = 0;
	for (i = 0; i < a->nsets; i++) {
		struct kp_buf b = KP_BUF_INIT;

		kp_buf_addf(&b, "Sat: %s", a->sets[i]);
		v[(*n)++] = kp_buf_detach(&b, NULL);
	}
	for (i = 0; i < a->nunset; i++) {
		struct kp_buf b = KP_BUF_INIT;

		kp_buf_addf(&b, "Fjernet: %s", a->unset[i]);
		v[(*n)++] = kp_buf_detach(&b, NULL);
	}
	for (i = 0; i < a->nbody; i++)
		v[(*n)++] = kp_xstrdup(a->body[i]);
	return v;
}

int cmd_set(int argc, char **argv)
{
	struct kp_error err = KP_ERROR_INIT;
	struct cmd_plan p;
	struct kp_change *c = NULL;
	struct kp_change_result res;
	struct cmd_commit co;
	struct kp_buf sum = KP_BUF_INIT;
	const char **body = NULL;
	struct args a;
	char date[11];
	size_t i, nbody = 0;
	int rc;

	memset(&a, 0, sizeof(a));
	memset(&p, 0, sizeof(p));
	if ((rc = parse(&a, argc, argv)) != KP_EXIT_OK || a.help ||
	    (rc = state_date(date, a.date)) != KP_EXIT_OK ||
	    (rc = cmd_plan_open(&p, a.plan, "set", argc, argv)) != KP_EXIT_OK ||
	    p.replayed)
		goto done;
	c = kp_change_new();
	for (i = 0; i < a.nsets; i++)
		if (kp_change_set_arg(c, a.sets[i], &err) < 0) {
			cmd_report(&err);
			rc = cmd_exit_for(err.code);
			goto done;
		}
	for (i = 0; i < a.nunset; i++)
		kp_change_remove(c, a.unset[i]);
	kp_change_date_states(c, p.plan, date);
	body = message(&a, &nbody);
	kp_buf_addf(&sum, "Ret indsatsplan %s", cmd_plan_id(&p));
	memset(&co, 0, sizeof(co));
	co.summary = sum.buf;
	co.body = body;
	co.nbody = nbody;
	co.dry_run = a.dry_run;
	rc = cmd_change_commit(&p, c, &co, &res);
done:
	for (i = 0; body && i < nbody; i++)
		free((char *)body[i]);
	free(body);
	free(a.body);
	free(a.unset);
	kp_buf_release(&sum);
	kp_change_free(c);
	rc = cmd_plan_end(&p, rc);
	cmd_plan_release(&p);
	return rc;
}
