/*
 * show.c: kiplan show, a plan as it was at one of its revisions.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] = N_(
	"usage: kiplan show [--redact] PLAN[@REV]\n"
	"\n"
	"Print PLAN as it was at revision REV: a revision number (@1 is the\n"
	"first), a commit id (or a unique prefix of 4 or more hex digits), or\n"
	"a date YYYY-MM-DD (the revision in force that day).  Without @REV:\n"
	"the last revision.\n"
	"\n"
	"  --redact    hide CPR numbers and telephone numbers\n"
	"  -h, --help  show this help\n");

int cmd_show(int argc, char **argv)
{
	static const struct option lo[] = { { "help", no_argument, NULL, 'h' },
					    { "redact", no_argument, NULL,
					      'r' },
					    { NULL, 0, NULL, 0 } };
	struct kp_error err = KP_ERROR_INIT;
	struct kp_repo *repo = NULL;
	struct kp_history h = KP_HISTORY_INIT;
	struct kp_buf text = KP_BUF_INIT;
	const struct kp_revision *r = NULL;
	char *rel = NULL, *plan = NULL;
	const char *at, *rev = NULL;
	int c, hide = 0, rc = KP_EXIT_OK, error;
	size_t i;

	while ((c = cmd_getopt(argc, argv, "h", lo, usage_str)) != -1)
		switch (c) {
		case 'h': return cmd_help(usage_str);
		case 'r': hide = 1; break;
		default: return cmd_usage(usage_str);
		}
	if (optind + 1 != argc)
		return cmd_usage(usage_str);
	at = strrchr(argv[optind], '@');
	if (at) {
		plan = kp_xstrndup(argv[optind], (size_t)(at - argv[optind]));
		rev = at + 1;
	} else {
		plan = kp_xstrdup(argv[optind]);
	}
	if ((rc = cmd_repo_open(&repo)) != KP_EXIT_OK)
		goto done;
	if ((error = kp_repo_plan_path(&rel, repo, plan, 0, &err)) < 0 ||
	    (error = kp_repo_history(&h, repo, rel, &err)) < 0)
		goto fail;
	if (rev) {
		if ((error = kp_repo_resolve(&r, repo, &h, rev, &err)) < 0) {
			struct kp_error e = KP_ERROR_INIT;

			kp_error_set(&e, error, rel, 0, 0, "%s", err.msg);
			err = e;
			goto fail;
		}
	} else {
		for (i = h.len; i-- > 0;)
			if (!h.v[i].sending) {
				r = &h.v[i];
				break;
			}
		if (!r) {
			cmd_warn(_("%s has no revision (it was never "
				   "committed)"),
				 rel);
			rc = KP_EXIT_ERROR;
			goto done;
		}
	}
	if ((error = kp_repo_blob(&text, repo, r->commit, rel, &err)) < 0)
		goto fail;
	if (hide)
		kp_redact_text(text.buf);
	if (isatty(STDOUT_FILENO)) {
		/* On a terminal, a hostile plan drives nothing. */
		struct kp_buf safe = KP_BUF_INIT;

		kp_buf_add_text(&safe, text.buf, text.len, "\n\t");
		fwrite(safe.buf, 1, safe.len, stdout);
		kp_buf_release(&safe);
	} else {
		fwrite(text.buf, 1, text.len, stdout);
	}
	goto done;
fail:
	cmd_report(&err);
	rc = cmd_exit_for(error);
done:
	free(plan);
	free(rel);
	kp_history_release(&h);
	kp_buf_release(&text);
	kp_repo_free(repo);
	return rc;
}
