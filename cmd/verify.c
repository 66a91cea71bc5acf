/*
 * verify.c: kiplan verify, whether a received PDF or HTML document is
 * exactly what a revision of a plan in this repository renders to, and
 * when and to whom that revision was sent.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] = N_(
	"usage: kiplan verify FILE.pdf|FILE.html\n"
	"\n"
	"Say which plan, revision and commit a document kiplan rendered is,\n"
	"whether it is exactly, byte for byte, what that revision of the "
	"plan\n"
	"in this repository renders to, and when and to whom the revision "
	"was\n"
	"sent.  A document changed after it was rendered, or one from "
	"another\n"
	"repository, is reported as such.\n"
	"\n"
	"  -h, --help  show this help\n"
	"\n"
	"Exit status: 0 the same, 1 not the same (or not kiplan's), 2 usage,\n"
	"3 failure.\n");

/* A document is at most this large: far above any plan's rendering. */
#define DOC_MAX (64u * 1024 * 1024)

/* "YYYY-MM-DD HH:MM" in the commit's own time zone. */
static void when(char *out, size_t size, long long t, int offset)
{
	long long local = t + (long long)offset * 60;
	long long days =
		local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	long long secs = local - days * 86400;
	char date[11];

	kp_date_format(date, kp_date_from_days((long)days));
	snprintf(out, size, "%s %02d:%02d", date, (int)(secs / 3600 % 24),
		 (int)(secs / 60 % 60));
}

static void print_sendings(const struct kp_verify *v)
{
	char at[64];
	size_t i, k, n = 0;

	for (i = 0; i < v->history.len; i++) {
		const struct kp_revision *r = &v->history.v[i];

		if (r->number != v->ident.revision || !r->nrecipients)
			continue;
		when(at, sizeof(at), r->time, r->offset);
		/* TRANSLATORS: %s is a date and time, 2014-05-01 14:30 */
		printf(_("sent %s to:\n"), at);
		for (k = 0; k < r->nrecipients; k++)
			printf("  %s\n", r->recipients[k]);
		n++;
	}
	if (!n)
		printf(_("revision %u has not been sent\n"), v->ident.revision);
}

static int print_result(const char *file, const struct kp_verify *v)
{
	const struct kp_ident *d = &v->ident;

	if (v->result == KP_VERIFY_WORKING) {
		printf(_("%s: plan %s, rendered from a working copy, not from "
			 "a "
			 "revision: it cannot be verified\n"),
		       file, d->plan);
		return KP_EXIT_FINDINGS;
	}
	/* TRANSLATORS: file, plan id, revision number, commit id (hex) */
	printf(_("%s: plan %s, revision %u, commit %s\n"), file, d->plan,
	       d->revision, d->commit);
	if (d->redacted)
		printf(_("%s: rendered with --redact\n"), file);
	switch (v->result) {
	case KP_VERIFY_SAME:
		printf(_("%s: exactly what revision %u renders to, byte for "
			 "byte\n"),
		       file, d->revision);
		print_sendings(v);
		return KP_EXIT_OK;
	case KP_VERIFY_ALTERED:
		printf(_("%s: NOT what revision %u renders to: the document "
			 "was changed after it was rendered\n"),
		       file, d->revision);
		print_sendings(v);
		return KP_EXIT_FINDINGS;
	case KP_VERIFY_VERSION:
		printf(_("%s: not what revision %u renders to now; kiplan %s "
			 "wrote it and this is kiplan %s, so it cannot be "
			 "compared byte for byte\n"),
		       file, d->revision, d->version, KP_VERSION);
		print_sendings(v);
		return KP_EXIT_FINDINGS;
	case KP_VERIFY_FOREIGN:
	default:
		if (v->commit[0])
			printf(_("%s: not from this repository: revision %u "
				 "of plan %s here is commit %s\n"),
			       file, d->revision, d->plan, v->commit);
		else
			printf(_("%s: not from this repository: it has no "
				 "revision %u of plan %s\n"),
			       file, d->revision, d->plan);
		return KP_EXIT_FINDINGS;
	}
}

int cmd_verify(int argc, char **argv)
{
	static const struct option lo[] = { { "help", no_argument, NULL, 'h' },
					    { NULL, 0, NULL, 0 } };
	struct kp_error err = KP_ERROR_INIT;
	struct kp_repo *repo = NULL;
	struct kp_buf data = KP_BUF_INIT;
	struct kp_verify v;
	int c, rc, error;

	memset(&v, 0, sizeof(v));
	while ((c = cmd_getopt(argc, argv, "h", lo, usage_str)) != -1)
		switch (c) {
		case 'h': return cmd_help(usage_str);
		default: return cmd_usage(usage_str);
		}
	if (optind + 1 != argc)
		return cmd_usage(usage_str);
	if ((error = kp_buf_read_file(&data, argv[optind], DOC_MAX, &err)) <
	    0) {
		cmd_report(&err);
		rc = KP_EXIT_ERROR;
		goto done;
	}
	if ((rc = cmd_repo_open(&repo)) != KP_EXIT_OK)
		goto done;
	error = kp_verify(&v, repo, data.buf, data.len, &err);
	if (error == KP_ENOTFOUND) {
		cmd_report(&err);
		rc = KP_EXIT_FINDINGS;
	} else if (error < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(error);
	} else {
		rc = print_result(argv[optind], &v);
	}
done:
	kp_verify_release(&v);
	kp_repo_free(repo);
	kp_buf_release(&data);
	return rc;
}
