/*
 * diff.c: kiplan diff, what changed between two revisions of a plan, or
 * since the revision last sent (kp_diff_plans()).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] = N_(
	"usage: kiplan diff [--format text|json] PLAN[@REV] [PLAN@REV]\n"
	"\n"
	"Say what changed in a plan, in its own terms: goals and actions\n"
	"added, actions done or dropped, deadlines and the follow-up moved,\n"
	"participants who joined or left, meetings held, the plan closed.\n"
	"PLAN alone compares the revision last sent with the working copy;\n"
	"PLAN@REV compares that revision with the working copy; two compare\n"
	"the first with the second.  REV is a revision number, a date or a\n"
	"commit, as for kiplan show.\n"
	"\n"
	"  --format text|json  the output format (default: text)\n"
	"  -h, --help          show this help\n");

/* 1 when arg names a revision (PLAN@REV) rather than a file. */
static int has_rev(const char *arg)
{
	return strrchr(arg, '@') && access(arg, F_OK) != 0;
}

/*
 * PLAN@N of the revision last sent; revision 1 when none was, which is
 * said.  *out is the caller's.
 */
static int last_sent(char **out, const char *plan)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_repo *repo = NULL;
	struct kp_history h = KP_HISTORY_INIT;
	const struct kp_revision *r;
	struct kp_buf b = KP_BUF_INIT;
	char *rel = NULL;
	int rc;

	if ((rc = cmd_repo_open(&repo)) != KP_EXIT_OK)
		return rc;
	if (kp_repo_plan_path(&rel, repo, plan, 1, &err) < 0 ||
	    kp_repo_history(&h, repo, rel, &err) < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(err.code);
		goto done;
	}
	if (!h.revisions) {
		cmd_warn(_("%s has no revision (it was never committed)"), rel);
		rc = KP_EXIT_ERROR;
		goto done;
	}
	r = kp_history_last_sent_any(&h);
	if (!r)
		cmd_warn(_("%s was never sent; comparing with revision 1"),
			 rel);
	kp_buf_addf(&b, "%s@%u", plan, r ? r->number : 1);
	*out = kp_buf_detach(&b, NULL);
done:
	free(rel);
	kp_history_release(&h);
	kp_repo_free(repo);
	return rc;
}

static int open_plan(struct kp_plan **out, struct kp_source *src,
		     const char *spec)
{
	struct kp_error err = KP_ERROR_INIT;

	if (kp_plan_open(out, src, spec, 0, &err) < 0) {
		cmd_report(&err);
		return err.code == KP_EPARSE ? KP_EXIT_FINDINGS
					     : cmd_exit_for(err.code);
	}
	return KP_EXIT_OK;
}

static void write_text(const struct kp_diff *d, const struct kp_source *a,
		       const struct kp_source *b, int b_working)
{
	struct kp_buf t = KP_BUF_INIT;
	size_t i;

	if (b_working)
		printf(_("Changes from revision %u to the working copy:\n"),
		       a->revision);
	else
		printf(_("Changes from revision %u to revision %u:\n"),
		       a->revision, b->revision);
	if (!d->len)
		fputs(_("No changes.\n"), stdout);
	for (i = 0; i < d->len; i++) {
		struct kp_buf e = KP_BUF_INIT;

		kp_buf_reset(&t);
		kp_diff_text(&t, &d->v[i]);
		kp_buf_add_escaped(&e, t.buf, t.len);
		printf("  - %s\n", e.buf);
		kp_buf_release(&e);
	}
	kp_buf_release(&t);
}

static void write_json(const struct kp_diff *d, const struct kp_source *a,
		       const struct kp_source *b, int b_working)
{
	struct kp_buf out = KP_BUF_INIT;

	kp_buf_addf(&out, "{\"from\":%u,\"to\":", a->revision);
	if (b_working)
		kp_buf_addstr(&out, "null");
	else
		kp_buf_addf(&out, "%u", b->revision);
	kp_buf_addstr(&out, ",\"changes\":");
	kp_diff_write_json(&out, d);
	kp_buf_addstr(&out, "}\n");
	fwrite(out.buf, 1, out.len, stdout);
	kp_buf_release(&out);
}

int cmd_diff(int argc, char **argv)
{
	static const struct option lo[] = { { "help", no_argument, NULL, 'h' },
					    { "format", required_argument, NULL,
					      'f' },
					    { NULL, 0, NULL, 0 } };
	static const char *const formats[] = { "text", "json", NULL };
	struct kp_plan *pa = NULL, *pb = NULL;
	struct kp_source sa, sb;
	struct kp_diff d;
	char *base = NULL;
	const char *from, *to;
	int c, json = 0, rc;

	memset(&d, 0, sizeof(d));
	while ((c = cmd_getopt(argc, argv, "h", lo, usage_str)) != -1)
		switch (c) {
		case 'h': return cmd_help(usage_str);
		case 'f':
			if ((json = cmd_choice("--format", optarg, formats)) <
			    0)
				return cmd_usage(usage_str);
			break;
		default: return cmd_usage(usage_str);
		}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2 || (argc == 2 && !has_rev(argv[1])))
		return cmd_usage(usage_str);
	from = argv[0];
	to = argc == 2 ? argv[1] : NULL;
	if (!has_rev(from)) {
		if (to)
			return cmd_usage(usage_str);
		if ((rc = last_sent(&base, from)) != KP_EXIT_OK)
			goto done;
		to = from;
		from = base;
	} else if (!to) {
		/* PLAN@REV against its working copy. */
		base = kp_xstrndup(from, (size_t)(strrchr(from, '@') - from));
		to = base;
	}
	if ((rc = open_plan(&pa, &sa, from)) != KP_EXIT_OK ||
	    (rc = open_plan(&pb, &sb, to)) != KP_EXIT_OK)
		goto done;
	kp_diff_plans(&d, pa, pb);
	if (json)
		write_json(&d, &sa, &sb, !has_rev(to));
	else
		write_text(&d, &sa, &sb, !has_rev(to));
done:
	kp_diff_release(&d);
	kp_plan_free(pa);
	kp_plan_free(pb);
	free(base);
	return rc;
}
