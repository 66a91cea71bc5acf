/*
 * change.c: a changed plan committed as its next revision, the one way
 * that kiplan set, followup and close commit (and so the one place where
 * the repository's commit discipline applies to them).  Under the lock:
 * the working file must still be what the change was made from; it is
 * replaced atomically (0600) and committed with kp_repo_commit(); when
 * no commit was made, the file is put back as it was.
 */
#include <stdlib.h>
#include <string.h>

#include "repo/repo.h"
#include "i18n.h"
#include "banned.h"

int kp_repo_change(struct kp_change_result *res, struct kp_repo *repo,
		   const char *rel, const struct kp_buf *base,
		   const struct kp_buf *text, const char *summary,
		   const char *const *body, size_t nbody, struct kp_error *err)
{
	struct kp_history h = KP_HISTORY_INIT;
	struct kp_buf now = KP_BUF_INIT, msg = KP_BUF_INIT, path = KP_BUF_INIT;
	struct kp_buf out = KP_BUF_INIT;
	char *id = NULL;
	const char *base_name = strrchr(rel, '/');
	char **lines = NULL;
	size_t i;
	int error;

	memset(res, 0, sizeof(*res));
	if ((error = kp_repo_lock(repo, err)) < 0)
		return error;
	if ((error = kp_repo_read(&now, repo, rel, err)) < 0)
		goto done;
	if (now.len != base->len || memcmp(now.buf, base->buf, now.len) != 0) {
		error = kp_error_set(
			err, KP_ELOCKED, rel, 0, 0,
			_("the file changed while kiplan worked on "
			  "it; nothing was written, try again"));
		goto done;
	}
	if ((error = kp_repo_history(&h, repo, rel, err)) < 0)
		goto done;
	res->revision = h.revisions + 1;
	base_name = base_name ? base_name + 1 : rel;
	id = kp_xstrndup(
		base_name,
		strlen(base_name) > 3 &&
				strcmp(base_name + strlen(base_name) - 3,
				       ".md") == 0
			? strlen(base_name) - 3
			: strlen(base_name));
	/* No CPR number in the history: every line masked. */
	lines = kp_xcalloc(nbody + 1, sizeof(*lines));
	for (i = 0; i < nbody; i++) {
		char *q;

		lines[i] = kp_xstrdup(body[i]);
		kp_cpr_mask_text(lines[i]);
		/* A task written over several lines is one line here. */
		for (q = lines[i]; *q; q++)
			if ((unsigned char)*q < 0x20 || *q == 0x7f)
				*q = ' ';
	}
	if ((error = kp_repo_message(&msg, summary, (const char *const *)lines,
				     nbody, id, res->revision, NULL, 0, err)) <
	    0)
		goto done;
	/* A file with CRLF line ends or a BOM keeps them. */
	kp_buf_add(&out, text->buf, text->len);
	kp_plan_restyle(&out, base->buf, base->len);
	kp_buf_addf(&path, "%s/%s", kp_repo_workdir(repo), rel);
	if ((error = kp_write_file_atomic(path.buf, out.buf, out.len, 0600,
					  err)) < 0)
		goto done;
	kp_test_crash("change-written");
	error = kp_repo_commit(res->commit, repo, rel, out.buf, out.len,
			       msg.buf, err);
	res->committed = res->commit[0] != '\0';
	if (error < 0 && !res->committed)
		/* Nothing committed: the file as it was. */
		kp_write_file_atomic(path.buf, base->buf, base->len, 0600,
				     NULL);
done:
	kp_repo_unlock(repo);
	kp_history_release(&h);
	kp_buf_release(&now);
	kp_buf_release(&msg);
	kp_buf_release(&path);
	kp_buf_release(&out);
	for (i = 0; lines && i < nbody; i++)
		free(lines[i]);
	free(lines);
	free(id);
	return error;
}
