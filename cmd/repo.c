/*
 * repo.c: what the repository commands (init, new, send, log, show)
 * share in talking to the user.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

int cmd_repo_open(struct kp_repo **out)
{
	struct kp_error err = KP_ERROR_INIT;
	int error = kp_repo_open(out, NULL, &err);

	if (error == KP_ENOTFOUND) {
		cmd_report(&err);
		cmd_warn(_("not in a plan repository; create one with "
			   "'kiplan init', or use -C DIR or KIPLAN_DIR"));
		return KP_EXIT_ERROR;
	}
	if (error < 0) {
		cmd_report(&err);
		return KP_EXIT_ERROR;
	}
	kp_repo_set_notify(*out, cmd_notify, NULL);
	return KP_EXIT_OK;
}

int cmd_repo_end(struct kp_repo *repo)
{
	struct kp_error err = KP_ERROR_INIT;
	int rc = KP_EXIT_OK;

	/* The output is out before the change's journal goes. */
	fflush(stdout);
	if (kp_repo_end(repo, &err) < 0) {
		cmd_report(&err);
		rc = cmd_exit_for(err.code);
	}
	kp_repo_unlock(repo);
	return rc;
}
