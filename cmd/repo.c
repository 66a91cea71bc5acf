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
		cmd_warn("not in a plan repository; create one with 'kiplan "
			 "init', "
			 "or use -C DIR or KIPLAN_DIR");
		return KP_EXIT_ERROR;
	}
	if (error < 0) {
		cmd_report(&err);
		return KP_EXIT_ERROR;
	}
	return KP_EXIT_OK;
}

void cmd_repo_findings(const char *file, const struct kp_findings *f)
{
	struct kp_buf b = KP_BUF_INIT;
	size_t i;

	for (i = 0; i < f->len; i++) {
		const struct kp_finding *x = &f->v[i];

		kp_buf_reset(&b);
		kp_buf_add_escaped(&b, file, strlen(file));
		kp_buf_addf(&b, ":%u:%u: %s: %s: ", x->line, x->col,
			    kp_severity_name(x->sev), x->code);
		kp_buf_add_escaped(&b, x->msg, strlen(x->msg));
		fprintf(stderr, "%s\n", b.buf);
	}
	kp_buf_release(&b);
}
