/*
 * followup.c: kiplan followup, the revision after a follow-up meeting
 * (kp_followup_change()), committed through cmd_change_commit().
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] = N_(
	"usage: kiplan followup --date DATE [--form fysisk|telefon|video]\n"
	"                       [--sted PLACE] [--deltager NAME]... "
	"[--borger-fravalgt]\n"
	"                       [--evaluering TEXT] [--next DATE]\n"
	"                       [--set KEY.PATH=VALUE]... [--edit] [-m "
	"MESSAGE]...\n"
	"                       PLAN\n"
	"\n"
	"Record the follow-up meeting held on DATE in an active PLAN (moeder)\n"
	"and commit the revision: the next follow-up is six months later (the\n"
	"day clamped to the month's end) unless --next says another; open\n"
	"actions whose deadline has come are carried over to it; done ones\n"
	"stay, shown as done.\n"
	"\n"
	"  --date DATE          the day of the meeting (YYYY-MM-DD)\n"
	"  --form FORM          fysisk, telefon or video\n"
	"  --sted PLACE         where it was held\n"
	"  --deltager NAME      one who took part (repeatable)\n"
	"  --borger-fravalgt    the citizen has said no to taking part\n"
	"  --evaluering TEXT    the evaluation against part 4\n"
	"  --next DATE          the next follow-up (default: six months on)\n"
	"  --set KEY.PATH=VALUE any field, as kiplan set does (repeatable)\n"
	"  --edit               open $VISUAL or $EDITOR before the commit\n"
	"  -m MESSAGE           a line for the commit message (repeatable)\n"
	"  -h, --help           show this help\n");

struct args {
	struct cmd_meeting m;
	const char **sets, **body;
	size_t nsets, nbody;
	const char *next;
	int edit, help;
	const char *plan;
};

static int parse(struct args *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "date", required_argument, NULL, 'd' },
		{ "form", required_argument, NULL, 'f' },
		{ "sted", required_argument, NULL, 'p' },
		{ "deltager", required_argument, NULL, 'D' },
		{ "borger-fravalgt", no_argument, NULL, 'B' },
		{ "evaluering", required_argument, NULL, 'E' },
		{ "next", required_argument, NULL, 'n' },
		{ "set", required_argument, NULL, 's' },
		{ "edit", no_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	int c, r;

	a->sets = kp_xcalloc((size_t)argc + 1, sizeof(*a->sets));
	a->body = kp_xcalloc((size_t)argc + 1, sizeof(*a->body));
	cmd_meeting_init(&a->m, argc);
	while ((c = cmd_getopt(argc, argv, "hm:", lo, usage_str)) != -1) {
		if ((r = cmd_meeting_opt(&a->m, c, optarg)) != 0) {
			if (r < 0)
				return cmd_usage(usage_str);
			continue;
		}
		switch (c) {
		case 'h': a->help = 1; return cmd_help(usage_str);
		case 'm': a->body[a->nbody++] = optarg; break;
		case 'n': a->next = optarg; break;
		case 's': a->sets[a->nsets++] = optarg; break;
		case 'e': a->edit = 1; break;
		default: return cmd_usage(usage_str);
		}
	}
	if (optind + 1 != argc || !a->m.have_date) {
		if (!a->m.have_date && optind + 1 == argc)
			cmd_warn(_("the meeting's --date is required"));
		return cmd_usage(usage_str);
	}
	a->plan = argv[optind];
	return KP_EXIT_OK;
}

/* The commit message's lines, in Danish; *n of them. */
static char **message(const struct args *a, const struct kp_followup_result *r,
		      size_t *n)
{
	char **v = kp_xcalloc(r->carried.len + a->nbody + 2, sizeof(*v));
	struct kp_buf b = KP_BUF_INIT;
	size_t i;

	*n = 0;
	kp_buf_addf(&b, "Næste opfølgning: %s.", r->next);
	v[(*n)++] = kp_buf_detach(&b, NULL);
	for (i = 0; i < r->carried.len; i++) {
		kp_buf_addf(&b, "Overført til næste opfølgning: %s (frist %s).",
			    r->carried.v[i].task, r->carried.v[i].was);
		v[(*n)++] = kp_buf_detach(&b, NULL);
	}
	for (i = 0; i < a->nbody; i++)
		v[(*n)++] = kp_xstrdup(a->body[i]);
	return v;
}

static void print_result(const struct kp_followup_result *r)
{
	struct kp_buf t = KP_BUF_INIT;
	size_t i;

	printf(_("Next follow-up: %s\n"), r->next);
	for (i = 0; i < r->carried.len; i++)
		/* TRANSLATORS: the next follow-up's date, the goal's and the
		   action's numbers (from 0), its task and old deadline */
		printf(_("Carried over to %s: maal[%zu].indsatser[%zu] %s "
			 "(deadline %s)\n"),
		       r->next, r->carried.v[i].goal, r->carried.v[i].action,
		       cmd_one_line(&t, r->carried.v[i].task),
		       r->carried.v[i].was);
	kp_buf_release(&t);
}

int cmd_followup(int argc, char **argv)
{
	struct kp_error err = KP_ERROR_INIT;
	struct cmd_plan p;
	struct kp_change *c = NULL;
	struct kp_followup_result r;
	struct kp_change_result res;
	struct kp_buf sum = KP_BUF_INIT;
	char **body = NULL, date[11];
	struct args a;
	size_t i, nbody = 0;
	int rc;

	memset(&a, 0, sizeof(a));
	memset(&p, 0, sizeof(p));
	memset(&r, 0, sizeof(r));
	if ((rc = parse(&a, argc, argv)) != KP_EXIT_OK || a.help ||
	    (rc = cmd_plan_open(&p, a.plan)) != KP_EXIT_OK)
		goto done;
	c = kp_change_new();
	if (kp_followup_change(c, &r, p.plan, &a.m.o, a.next, &err) < 0)
		goto fail;
	/* After the meeting's own: --set may say otherwise. */
	for (i = 0; i < a.nsets; i++)
		if (kp_change_set_arg(c, a.sets[i], &err) < 0)
			goto fail;
	kp_date_format(date, a.m.o.date);
	body = message(&a, &r, &nbody);
	kp_buf_addf(&sum, "Opfølgningsmøde %s i indsatsplan %s", date,
		    cmd_plan_id(&p));
	if ((rc = cmd_meeting_commit(&p, c, &a.m, sum.buf, body, nbody, a.edit,
				     &res)) == KP_EXIT_OK &&
	    res.committed)
		print_result(&r);
	goto done;
fail:
	cmd_report(&err);
	rc = cmd_exit_for(err.code);
done:
	for (i = 0; body && i < nbody; i++)
		free(body[i]);
	free(body);
	free(a.sets);
	free(a.body);
	cmd_meeting_release(&a.m);
	kp_moved_actions_release(&r.carried);
	kp_buf_release(&sum);
	kp_change_free(c);
	cmd_plan_release(&p);
	return rc;
}
