/*
 * clone.c: kiplan clone, a private clone of a shared plan repository.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] = N_(
	"usage: kiplan clone URL [DIR]\n"
	"\n"
	"Clone the shared plan repository at URL (file://, ssh:// or "
	"https://)\n"
	"into DIR (default: the last part of URL), private: directories "
	"0700,\n"
	"files 0600.  The clone gets kiplan's merge driver for plans and an\n"
	"identity of its own, from which its plan ids are taken; then work in "
	"it\n"
	"and run kiplan sync.\n"
	"\n"
	"  -h, --help  show this help\n");

int cmd_clone(int argc, char **argv)
{
	static const struct option lo[] = { { "help", no_argument, NULL, 'h' },
					    { NULL, 0, NULL, 0 } };
	struct kp_error err = KP_ERROR_INIT;
	struct kp_repo *repo = NULL;
	int c;

	while ((c = cmd_getopt(argc, argv, "h", lo, usage_str)) != -1)
		switch (c) {
		case 'h': return cmd_help(usage_str);
		default: return cmd_usage(usage_str);
		}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2)
		return cmd_usage(usage_str);
	if (kp_repo_clone(&repo, argv[0], argc == 2 ? argv[1] : NULL, &err) <
	    0) {
		cmd_report(&err);
		return cmd_exit_for(err.code);
	}
	printf(_("Cloned the plan repository into %s\n"),
	       kp_repo_workdir(repo));
	kp_repo_free(repo);
	return KP_EXIT_OK;
}
