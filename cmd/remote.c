/*
 * remote.c: kiplan remote, the server that a plan repository is shared
 * through.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] =
	N_("usage: kiplan remote [URL]\n"
	   "\n"
	   "Show the server that the plan repository is shared through, or "
	   "with\n"
	   "URL, set it (the remote named origin), with kiplan's merge "
	   "driver and\n"
	   "an identity for this clone.  Then kiplan sync pushes the "
	   "repository.\n"
	   "\n"
	   "  -h, --help  show this help\n");

int cmd_remote(int argc, char **argv)
{
	static const struct option lo[] = { { "help", no_argument, NULL, 'h' },
					    { NULL, 0, NULL, 0 } };
	struct kp_error err = KP_ERROR_INIT;
	struct kp_repo *repo = NULL;
	char *url = NULL;
	int c, rc;

	while ((c = cmd_getopt(argc, argv, "h", lo, usage_str)) != -1)
		switch (c) {
		case 'h': return cmd_help(usage_str);
		default: return cmd_usage(usage_str);
		}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		return cmd_usage(usage_str);
	if ((rc = cmd_repo_open(&repo)) != KP_EXIT_OK)
		return rc;
	if (kp_repo_remote(&url, repo, argc ? argv[0] : NULL, &err) < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(err.code);
		goto done;
	}
	printf("%s\n", url);
done:
	free(url);
	kp_repo_free(repo);
	return rc;
}
