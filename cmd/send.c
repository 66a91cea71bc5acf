/*
 * send.c: kiplan send, record that a revision of a plan is sent to the
 * parties of the coordination meeting.  What may be sent is
 * kp_send_check()'s to say, the sending itself kp_repo_send()'s.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] = N_(
	"usage: kiplan send [--to RECIPIENT]... [-m MESSAGE]... [--strict]\n"
	"                   [--no-outbox] PLAN\n"
	"\n"
	"Validate PLAN (not a draft) and commit it as a new revision (or, "
	"when it is\n"
	"unchanged since its last revision, record the sending of that\n"
	"revision) with one Sendt-til trailer per recipient.  Refused (exit "
	"1,\n"
	"no commit): a plan with errors, without consent or with consent\n"
	"withdrawn, and a relative as recipient without "
	"samtykke.paaroerende.\n"
	"The rendered revision goes to outbox/<id>-r<N>.html and .pdf, and a\n"
	"cover letter that names every recipient and, for each, what changed\n"
	"since the revision they last received, to "
	"outbox/<id>-r<N>-foelgebrev.txt.\n"
	"\n"
	"  --to RECIPIENT  a participant's name or e-mail, 'borger' or 'alle'\n"
	"                  (the default: every participant and the citizen)\n"
	"  -m MESSAGE      a line for the commit message (repeatable)\n"
	"  --strict        warnings refuse the sending too\n"
	"  --no-outbox     do not render into outbox/\n"
	"  -h, --help      show this help\n");

struct args {
	const char **to, **body;
	size_t nto, nbody;
	int strict, outbox;
	int help; /* --help was printed: nothing more to do */
	const char *plan;
};

static int parse(struct args *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "to", required_argument, NULL, 't' },
		{ "strict", no_argument, NULL, 's' },
		{ "no-outbox", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	a->to = kp_xcalloc((size_t)argc + 1, sizeof(*a->to));
	a->body = kp_xcalloc((size_t)argc + 1, sizeof(*a->body));
	a->outbox = 1;
	while ((c = cmd_getopt(argc, argv, "hm:", lo, usage_str)) != -1) {
		switch (c) {
		case 'h': a->help = 1; return cmd_help(usage_str);
		case 't': a->to[a->nto++] = optarg; break;
		case 'm': a->body[a->nbody++] = optarg; break;
		case 's': a->strict = 1; break;
		case 'n': a->outbox = 0; break;
		default: return cmd_usage(usage_str);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage(usage_str);
	if (!a->nto)
		a->to[a->nto++] = "alle";
	a->plan = argv[optind];
	return KP_EXIT_OK;
}

/* The plan's file, text and schema, or an exit status. */
static int load(struct kp_repo *repo, const char *arg, char **rel,
		struct kp_schema **schema, struct kp_plan **plan)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_buf text = KP_BUF_INIT;
	int error;

	if ((error = kp_repo_plan_path(rel, repo, arg, 1, &err)) < 0 ||
	    (error = kp_repo_schema(schema, repo, &err)) < 0 ||
	    (error = kp_repo_read(&text, repo, *rel, &err)) < 0 ||
	    (error = kp_repo_busy(repo, *rel, text.buf, text.len, &err)) < 0 ||
	    (error = kp_plan_parse(plan, *rel, text.buf, text.len, 0, &err)) <
		    0) {
		kp_buf_release(&text);
		cmd_report(&err);
		return error == KP_EPARSE ? KP_EXIT_FINDINGS
					  : cmd_exit_for(error);
	}
	kp_buf_release(&text);
	return KP_EXIT_OK;
}

static void print_result(const struct kp_send_result *res, size_t n)
{
	/* TRANSLATORS: ki-2026-0001 revision 2 (fae4c18dd40d) sent to 5
	 * recipients */
	printf(Q_("%s revision %u (%.12s) sent to %zu recipient\n",
		  "%s revision %u (%.12s) sent to %zu recipients\n", n),
	       res->id, res->revision, res->commit, n);
}

int cmd_send(int argc, char **argv)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_repo *repo = NULL;
	struct kp_schema *schema = NULL;
	struct kp_plan *plan = NULL;
	struct kp_findings f = KP_FINDINGS_INIT, warn = KP_FINDINGS_INIT;
	struct kp_recipients to = KP_RECIPIENTS_INIT;
	struct kp_send_result res;
	struct kp_send_opts so;
	struct args a;
	char *rel = NULL;
	size_t refusals, i;
	int rc, error;

	memset(&a, 0, sizeof(a));
	memset(&res, 0, sizeof(res));
	if ((rc = parse(&a, argc, argv)) != KP_EXIT_OK || a.help)
		goto done;
	if ((rc = cmd_repo_open(&repo)) != KP_EXIT_OK ||
	    (rc = load(repo, a.plan, &rel, &schema, &plan)) != KP_EXIT_OK)
		goto done;
	refusals = kp_send_check(plan, schema, a.strict, &f);
	cmd_print_findings(stderr, rel, &f, 0);
	if (refusals) {
		cmd_warn(Q_("%s: not sent: %zu finding refuses it.",
			    "%s: not sent: %zu findings refuse it.", refusals),
			 rel, refusals);
		rc = KP_EXIT_FINDINGS;
		goto done;
	}
	if (kp_recipients_resolve(&to, plan, a.to, a.nto, &err) < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(err.code);
		goto done;
	}
	memset(&so, 0, sizeof(so));
	so.to = &to;
	so.body = a.body;
	so.nbody = a.nbody;
	so.schema = schema;
	so.outbox = a.outbox;
	so.warnings = &warn;
	if (kp_repo_lock(repo, &err) < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(err.code);
		goto done;
	}
	error = kp_repo_send(&res, repo, rel, plan, &so, &err);
	cmd_print_findings(stderr, rel, &warn, 0);
	if (res.committed)
		cmd_committed();
	if (error == KP_EAFTER) {
		cmd_report(&err);
		/* TRANSLATORS: ki-2026-0001, revision 2, a commit id */
		cmd_warn(_("%s was committed as revision %u (%.12s) and its "
			   "sending recorded, but the step above failed; do "
			   "not send it again: the next kiplan command that "
			   "changes the repository finishes it"),
			 res.id, res.revision, res.commit);
		rc = KP_EXIT_COMMITTED;
		goto done;
	}
	if (error < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(error);
		goto done;
	}
	if (res.replayed)
		cmd_warn(_("an interrupted kiplan send had already recorded "
			   "this sending; it is not recorded again"));
	print_result(&res, to.len);
	for (i = 0; i < 3; i++)
		if (res.outbox[i])
			printf("%s\n", res.outbox[i]);
	rc = cmd_repo_end(repo);
done:
	kp_send_result_release(&res);
	kp_recipients_release(&to);
	free(a.to);
	free(a.body);
	free(rel);
	kp_findings_release(&f);
	kp_findings_release(&warn);
	kp_plan_free(plan);
	kp_schema_free(schema);
	kp_repo_free(repo);
	return rc;
}
