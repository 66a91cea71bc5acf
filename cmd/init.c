/*
 * init.c: kiplan init, create a plan repository.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "banned.h"

static const char usage_str[] = N_(
	"usage: kiplan init [--schema FILE] [DIR]\n"
	"\n"
	"Create a plan repository in DIR (default: the current directory): a\n"
	"git repository, private (0700), whose first commit records the "
	"schema\n"
	"in use (.kiplan/schema.yaml), the settings (.kiplan/config) and a\n"
	".gitignore for outbox/.  On a plan repository nothing is changed.\n"
	"\n"
	"  --schema FILE  record this schema instead of the built-in kiplan-1\n"
	"  -h, --help     show this help\n");

int cmd_init(int argc, char **argv)
{
	static const struct option lo[] = { { "help", no_argument, NULL, 'h' },
					    { "schema", required_argument, NULL,
					      's' },
					    { NULL, 0, NULL, 0 } };
	struct kp_error err = KP_ERROR_INIT;
	struct kp_buf text = KP_BUF_INIT;
	struct kp_schema *schema = NULL;
	struct kp_repo *repo = NULL;
	const char *schema_path = NULL, *dir = ".";
	int c, created = 0, error, rc = KP_EXIT_OK;

	while ((c = cmd_getopt(argc, argv, "h", lo, usage_str)) != -1)
		switch (c) {
		case 'h': return cmd_help(usage_str);
		case 's': schema_path = optarg; break;
		default: return cmd_usage(usage_str);
		}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		return cmd_usage(usage_str);
	if (argc == 1)
		dir = argv[0];
	if (schema_path) {
		/* Record only a schema that compiles. */
		if ((error = kp_buf_read_file(&text, schema_path, KP_PLAN_MAX,
					      &err)) < 0 ||
		    (error = kp_schema_load(&schema, schema_path, &err)) < 0) {
			cmd_report(&err);
			rc = KP_EXIT_ERROR;
			goto done;
		}
	}
	error = kp_repo_init(&repo, &created, dir,
			     schema_path ? text.buf : NULL, text.len,
			     cmd_notify, NULL, &err);
	if (error == KP_EAFTER) {
		cmd_report(&err);
		cmd_warn(_("the plan repository is created, but the step above "
			   "failed; the next kiplan command that changes it "
			   "finishes it"));
		rc = KP_EXIT_COMMITTED;
	} else if (error < 0) {
		cmd_report(&err);
		rc = KP_EXIT_ERROR;
		goto done;
	}
	if (created)
		printf(_("Created a plan repository in %s\n"),
		       kp_repo_workdir(repo));
	else
		printf(_("%s is already a plan repository\n"),
		       kp_repo_workdir(repo));
done:
	kp_repo_free(repo);
	kp_schema_free(schema);
	kp_buf_release(&text);
	return rc;
}
