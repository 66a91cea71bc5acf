/*
 * sync.c: kiplan sync, fetch, integrate, validate and push, for a person
 * or for cron.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

/* The server could not be reached, or kept refusing: try again later. */
#define KP_EXIT_OFFLINE 4

static const char usage_str[] = N_(
	"usage: kiplan sync [--no-push] [--quiet] [--retries N]\n"
	"\n"
	"Bring the plan repository and the server (kiplan remote) in step:\n"
	"fetch, take the server's commits (a merge commit when both sides "
	"have\n"
	"new ones), check every merged plan, and push.  Nothing that was "
	"pushed\n"
	"is ever rewritten; when sync cannot finish, the repository is left "
	"as\n"
	"it was.  Exit status: 0 done, 1 plans need a person (a conflict, a\n"
	"merged plan with errors, an unfinished merge), 3 an error, 4 the\n"
	"server could not be reached (try again later).\n"
	"\n"
	"  --no-push      fetch and integrate only\n"
	"  -q, --quiet    print nothing when all went well, or when the "
	"server\n"
	"                 could not be reached (for cron)\n"
	"  --retries N    attempts after the first (default 4)\n"
	"  -h, --help     show this help\n");

struct args {
	int push, quiet, retries, help;
};

static int parse(struct args *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "no-push", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "retries", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int c;

	a->push = 1;
	a->retries = -1;
	while ((c = cmd_getopt(argc, argv, "hq", lo, usage_str)) != -1)
		switch (c) {
		case 'h': a->help = 1; return cmd_help(usage_str);
		case 'n': a->push = 0; break;
		case 'q': a->quiet = 1; break;
		case 'r':
			a->retries = (int)strtol(optarg, &end, 10);
			if (*end || a->retries < 0 || a->retries > 100) {
				cmd_warn(_("--retries wants a number from 0 "
					   "to 100, not '%s'"),
					 optarg);
				return KP_EXIT_USAGE;
			}
			break;
		default: return cmd_usage(usage_str);
		}
	if (optind != argc)
		return cmd_usage(usage_str);
	return KP_EXIT_OK;
}

static void print_result(const struct kp_sync_result *r)
{
	if (r->incoming)
		printf(Q_("%u commit from the server\n",
			  "%u commits from the server\n", r->incoming),
		       r->incoming);
	if (r->merged)
		printf(_("merged with the server's history\n"));
	if (r->pushed)
		printf(Q_("%u commit pushed to the server\n",
			  "%u commits pushed to the server\n",
			  r->outgoing ? r->outgoing : 1),
		       r->outgoing ? r->outgoing : 1);
	if (!r->incoming && !r->merged && !r->pushed)
		printf(_("already in step with the server\n"));
}

int cmd_sync(int argc, char **argv)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_repo *repo = NULL;
	struct kp_sync_opts so = KP_SYNC_OPTS_INIT;
	struct kp_sync_result res;
	struct args a = { 0, 0, 0, 0 };
	const char *env;
	size_t i;
	int rc, error;

	memset(&res, 0, sizeof(res));
	if ((rc = parse(&a, argc, argv)) != KP_EXIT_OK || a.help)
		return rc;
	if ((rc = cmd_repo_open(&repo)) != KP_EXIT_OK)
		return rc;
	so.push = a.push;
	so.retries = a.retries;
	if ((env = getenv("KIPLAN_SYNC_DELAY_MS")) && *env)
		so.delay_ms = atoi(env);
	error = kp_repo_sync(&res, repo, &so, &err);
	/* Merged or fast-forwarded here: a failed output is exit 4. */
	if (res.merged || res.fast_forward)
		cmd_committed();
	for (i = 0; i < res.nfiles; i++) {
		if (!res.files[i].findings.len)
			cmd_warn(_("%s: changed on both sides; merge it by "
				   "hand (git pull), or ask the colleague"),
				 res.files[i].path);
		cmd_print_findings(stderr, res.files[i].path,
				   &res.files[i].findings, 1);
	}
	if (error < 0) {
		/* Cron stays quiet while the server is away. */
		if (!(a.quiet && res.offline))
			cmd_report(&err);
		rc = res.offline ? KP_EXIT_OFFLINE : cmd_exit_for(error);
		goto done;
	}
	if (!a.quiet)
		print_result(&res);
done:
	kp_sync_result_release(&res);
	kp_repo_free(repo);
	return rc;
}
