/*
 * merge-file.c: kiplan merge-file, a plan-aware three-way merge of one
 * plan file (kp_merge_plan()), also git's merge driver for plans.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

extern char **environ;

static const char usage_str[] = N_(
	"usage: kiplan merge-file [-L OURS [-L BASE [-L THEIRS]]] BASE OURS "
	"THEIRS [PATH]\n"
	"\n"
	"Merge the changes from BASE to THEIRS into OURS, field by field, and\n"
	"write the result to OURS.  A field changed on one side only takes\n"
	"that change; goals, actions, participants and meetings are matched\n"
	"by what they are, not by their place; a field changed differently on\n"
	"both sides is a conflict, written between git's conflict markers and\n"
	"reported as FILE:LINE:COL with both values.  A merge without\n"
	"conflicts is validated.  PATH names the plan in messages.  Exit\n"
	"status 0: merged; 1: conflicts; 3: a file could not be read.\n"
	"\n"
	"git runs it as the merge driver of plans (kiplan init sets it up):\n"
	"  merge.kiplan.driver = kiplan merge-file %O %A %B %P\n"
	"\n"
	"  -L LABEL    the name of a side in the markers and messages, in the\n"
	"              order ours, base, theirs (default: git's branch names)\n"
	"  -h, --help  show this help\n");

/*
 * Under git merge, the name of the branch being merged (git sets
 * GITHEAD_<commit> to it for its merge strategies); NULL elsewhere.
 */
static const char *git_theirs_name(void)
{
	char **e;

	for (e = environ; *e; e++) {
		const char *eq = strchr(*e, '=');

		if (strncmp(*e, "GITHEAD_", 8) == 0 && eq &&
		    eq - *e == 8 + 40 && isxdigit((unsigned char)(*e)[8]))
			return eq + 1;
	}
	return NULL;
}

static int read_side(struct kp_buf *out, const char *path)
{
	struct kp_error err = KP_ERROR_INIT;

	if (kp_buf_read_file(out, path, KP_PLAN_MAX, &err) < 0) {
		cmd_report(&err);
		return -1;
	}
	return 0;
}

int cmd_merge_file(int argc, char **argv)
{
	static const struct option lo[] = { { "help", no_argument, NULL, 'h' },
					    { NULL, 0, NULL, 0 } };
	struct kp_error err = KP_ERROR_INIT;
	struct kp_buf side[3] = { KP_BUF_INIT, KP_BUF_INIT, KP_BUF_INIT };
	struct kp_buf out = KP_BUF_INIT;
	struct kp_findings conflicts = KP_FINDINGS_INIT;
	const char *label[3] = { NULL, NULL, NULL }, *name;
	size_t n;
	int c, nlabels = 0, i, rc = KP_EXIT_OK, error;

	while ((c = cmd_getopt(argc, argv, "hL:", lo, usage_str)) != -1)
		switch (c) {
		case 'h': return cmd_help(usage_str);
		case 'L':
			if (nlabels == 3)
				return cmd_usage(usage_str);
			label[nlabels++] = optarg;
			break;
		default: return cmd_usage(usage_str);
		}
	argc -= optind;
	argv += optind;
	if (argc < 3 || argc > 4)
		return cmd_usage(usage_str);
	name = argc == 4 ? argv[3] : argv[1];
	if (!label[0] && !label[2] && (label[2] = git_theirs_name()))
		label[0] = "HEAD";
	for (i = 0; i < 3; i++)
		if (read_side(&side[i], argv[i]) < 0) {
			rc = KP_EXIT_ERROR;
			goto done;
		}
	error = kp_merge_plan(&out, &conflicts, name, side[0].buf, side[0].len,
			      side[1].buf, side[1].len, side[2].buf,
			      side[2].len, label[0], label[2], &err);
	if (error < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(error);
		goto done;
	}
	/* What a merge-file killed while it wrote OURS left beside it. */
	if ((n = kp_outfile_sweep(argv[1])) > 0)
		cmd_warn(Q_("removed %zu temporary file left by an "
			    "interrupted kiplan",
			    "removed %zu temporary files left by an "
			    "interrupted kiplan",
			    n),
			 n);
	if (kp_write_file_atomic(argv[1], out.buf, out.len, 0600, &err) < 0) {
		cmd_report(&err);
		rc = KP_EXIT_ERROR;
		goto done;
	}
	cmd_print_findings(stderr, name, &conflicts, 0);
	if (error == KP_MERGE_CONFLICT)
		rc = KP_EXIT_FINDINGS;
done:
	for (i = 0; i < 3; i++)
		kp_buf_release(&side[i]);
	kp_buf_release(&out);
	kp_findings_release(&conflicts);
	return rc;
}
