/*
 * close.c: kiplan close, close an active plan (kp_close_change()) and
 * commit it through cmd_change_commit().
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] = N_(
	"usage: kiplan close --date DATE --reason TEXT [--to TEXT] [--done]\n"
	"                    [--form fysisk|telefon|video] [--sted PLACE]\n"
	"                    [--deltager NAME]... [--evaluering TEXT]\n"
	"                    [--set KEY.PATH=VALUE]... [--edit] [-m "
	"MESSAGE]... PLAN\n"
	"\n"
	"Close an active PLAN on DATE and commit it: status afsluttet, the\n"
	"date, the reason and what the citizen is closed to (afslutning), "
	"the\n"
	"closing meeting (moeder), no next follow-up.  Every open action is\n"
	"closed as dropped (bortfaldet), or with --done as done "
	"(gennemfoert),\n"
	"unless --set gives its state; the command says which.  The consent\n"
	"stays on record.  Send the closing revision with kiplan send.\n"
	"\n"
	"  --date DATE          the day of closing and of the closing meeting\n"
	"  --reason TEXT        why the plan closes\n"
	"  --to TEXT            what the citizen is closed to, e.g. egen "
	"læge\n"
	"  --done               close open actions as done, not dropped\n"
	"  --form, --sted, --deltager, --evaluering\n"
	"                       the closing meeting, as for kiplan followup\n"
	"  --set KEY.PATH=VALUE any field, as kiplan set does (repeatable)\n"
	"  --edit               open $VISUAL or $EDITOR before the commit\n"
	"  -m MESSAGE           a line for the commit message (repeatable)\n"
	"  -h, --help           show this help\n");

struct args {
	struct cmd_meeting m;
	const char **sets, **body;
	size_t nsets, nbody;
	const char *reason, *to;
	int done, edit, help;
	const char *plan;
};

static int parse(struct args *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "date", required_argument, NULL, 'd' },
		{ "reason", required_argument, NULL, 'r' },
		{ "to", required_argument, NULL, 't' },
		{ "done", no_argument, NULL, 'g' },
		{ "form", required_argument, NULL, 'f' },
		{ "sted", required_argument, NULL, 'p' },
		{ "deltager", required_argument, NULL, 'D' },
		{ "evaluering", required_argument, NULL, 'E' },
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
		case 'r': a->reason = optarg; break;
		case 't': a->to = optarg; break;
		case 'g': a->done = 1; break;
		case 's': a->sets[a->nsets++] = optarg; break;
		case 'e': a->edit = 1; break;
		default: return cmd_usage(usage_str);
		}
	}
	if (optind + 1 != argc || !a->m.have_date || !a->reason) {
		if (optind + 1 == argc)
			cmd_warn(_("a closing needs --date and --reason"));
		return cmd_usage(usage_str);
	}
	a->plan = argv[optind];
	return KP_EXIT_OK;
}

static void add_lines(char **v, size_t *n, const struct kp_moved_actions *l,
		      const char *what)
{
	struct kp_buf b = KP_BUF_INIT;
	size_t i;

	for (i = 0; i < l->len; i++) {
		kp_buf_addf(&b, "%s: %s", what, l->v[i].task);
		v[(*n)++] = kp_buf_detach(&b, NULL);
	}
}

/* The commit message's lines, in Danish; *n of them. */
static char **message(const struct args *a, const struct kp_close_result *r,
		      size_t *n)
{
	char **v = kp_xcalloc(r->done.len + r->dropped.len + a->nbody + 3,
			      sizeof(*v));
	struct kp_buf b = KP_BUF_INIT;
	char ds[11];
	size_t i;

	*n = 0;
	kp_date_format(ds, a->m.o.date);
	kp_buf_addf(&b, "Afsluttet %s: %s", ds, a->reason);
	v[(*n)++] = kp_buf_detach(&b, NULL);
	if (a->to) {
		kp_buf_addf(&b, "Afsluttet til: %s", a->to);
		v[(*n)++] = kp_buf_detach(&b, NULL);
	}
	add_lines(v, n, &r->done, "Indsats gennemført");
	add_lines(v, n, &r->dropped, "Indsats bortfaldet");
	for (i = 0; i < a->nbody; i++)
		v[(*n)++] = kp_xstrdup(a->body[i]);
	return v;
}

static void print_result(const struct kp_close_result *r)
{
	struct kp_buf t = KP_BUF_INIT;
	size_t i;

	for (i = 0; i < r->done.len; i++)
		/* TRANSLATORS: the goal's and the action's numbers (from
		   0), then its task */
		printf(_("Closed as done: maal[%zu].indsatser[%zu] %s\n"),
		       r->done.v[i].goal, r->done.v[i].action,
		       cmd_one_line(&t, r->done.v[i].task));
	for (i = 0; i < r->dropped.len; i++)
		/* TRANSLATORS: the goal's and the action's numbers (from
		   0), then its task */
		printf(_("Closed as dropped: maal[%zu].indsatser[%zu] %s\n"),
		       r->dropped.v[i].goal, r->dropped.v[i].action,
		       cmd_one_line(&t, r->dropped.v[i].task));
	kp_buf_release(&t);
}

int cmd_close(int argc, char **argv)
{
	struct kp_error err = KP_ERROR_INIT;
	struct cmd_plan p;
	struct kp_change *c = NULL;
	struct kp_close_result r;
	struct kp_change_result res;
	struct kp_buf sum = KP_BUF_INIT;
	char **body = NULL;
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
	/* First: a state that --set gives is not closed over. */
	for (i = 0; i < a.nsets; i++)
		if (kp_change_set_arg(c, a.sets[i], &err) < 0)
			goto fail;
	if (kp_close_change(c, &r, p.plan, &a.m.o, a.reason, a.to, a.done,
			    &err) < 0)
		goto fail;
	body = message(&a, &r, &nbody);
	kp_buf_addf(&sum, "Afslut indsatsplan %s", cmd_plan_id(&p));
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
	kp_moved_actions_release(&r.done);
	kp_moved_actions_release(&r.dropped);
	kp_buf_release(&sum);
	kp_change_free(c);
	cmd_plan_release(&p);
	return rc;
}
