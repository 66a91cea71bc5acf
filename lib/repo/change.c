/*
 * change.c: a changed plan committed as its next revision, the one way
 * that kiplan set, followup and close commit, as one change of the
 * repository (lib/repo/txn.c): the new text is committed first, and only
 * then, after the commit point, put in place of the working file, so
 * that a kill at any moment leaves either the old file and no commit or
 * the commit (and recovery puts the file in place).  Under the lock, the
 * working file must still be what the change was made from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo/repo.h"
#include "i18n.h"
#include "banned.h"

/* What a change asks for: its kind, the plan and the arguments. */
static void change_request(struct kp_change_request *rq, const char *rel,
			   int argc, char *const *argv)
{
	struct kp_buf b = KP_BUF_INIT;
	int i;

	kp_buf_addf(&b, "%s\n%s", rq->kind, rel);
	for (i = 1; i < argc; i++) {
		kp_buf_addch(&b, '\n');
		kp_buf_addstr(&b, argv[i]);
	}
	kp_txn_digest(rq->digest, b.buf, b.len);
	kp_buf_release(&b);
}

int kp_repo_change_replayed(struct kp_change_result *res, struct kp_repo *repo,
			    struct kp_change_request *rq, const char *rel,
			    int argc, char *const *argv, struct kp_error *err)
{
	struct kp_txn_outcome o;
	int error, found;

	memset(res, 0, sizeof(*res));
	change_request(rq, rel, argc, argv);
	/* The lock repairs what an interrupted kiplan left. */
	if ((error = kp_repo_lock(repo, err)) < 0)
		return error;
	found = kp_repo_replayed(&o, repo, rq->kind, rq->digest);
	if (found) {
		res->revision = o.revision;
		snprintf(res->commit, sizeof(res->commit), "%s", o.commit);
		res->committed = 1;
		kp_txn_outcome_release(&o);
	}
	kp_repo_unlock(repo);
	return found;
}

/* The commit message: every line without a CPR number or a line break. */
static int change_message(struct kp_buf *msg, const char *rel,
			  const char *summary, const char *const *body,
			  size_t nbody, unsigned revision, struct kp_error *err)
{
	const char *base_name = strrchr(rel, '/');
	char **lines = kp_xcalloc(nbody + 1, sizeof(*lines));
	size_t i, n;
	char *id;
	int error;

	base_name = base_name ? base_name + 1 : rel;
	n = strlen(base_name);
	if (n > 3 && strcmp(base_name + n - 3, ".md") == 0)
		n -= 3;
	id = kp_xstrndup(base_name, n);
	for (i = 0; i < nbody; i++) {
		char *q;

		lines[i] = kp_xstrdup(body[i]);
		kp_cpr_mask_text(lines[i]);
		/* A task written over several lines is one line here. */
		for (q = lines[i]; *q; q++)
			if ((unsigned char)*q < 0x20 || *q == 0x7f)
				*q = ' ';
	}
	error = kp_repo_message(msg, summary, (const char *const *)lines, nbody,
				id, revision, NULL, 0, err);
	for (i = 0; i < nbody; i++)
		free(lines[i]);
	free(lines);
	free(id);
	return error;
}

int kp_repo_change(struct kp_change_result *res, struct kp_repo *repo,
		   const struct kp_change_request *rq, const char *rel,
		   const struct kp_buf *base, const struct kp_buf *text,
		   const char *summary, const char *const *body, size_t nbody,
		   struct kp_error *err)
{
	struct kp_history h = KP_HISTORY_INIT;
	struct kp_buf now = KP_BUF_INIT, msg = KP_BUF_INIT, out = KP_BUF_INIT;
	struct kp_txn *t = NULL;
	int error;

	memset(res, 0, sizeof(*res));
	if (!kp_repo_locked(repo))
		return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				    _("a change needs the repository lock"));
	if ((error = kp_repo_history(&h, repo, rel, err)) < 0)
		goto done;
	res->revision = h.revisions + 1;
	if ((error = change_message(&msg, rel, summary, body, nbody,
				    res->revision, err)) < 0)
		goto done;
	/* A file with CRLF line ends or a BOM keeps them. */
	kp_buf_add(&out, text->buf, text->len);
	kp_plan_restyle(&out, base->buf, base->len);
	if ((error = kp_txn_begin(&t, repo, rq->kind, rq->digest, err)) < 0 ||
	    (error = kp_txn_put(t, rel, out.buf, out.len, 0, err)) < 0)
		goto done;
	/*
	 * The working file, as the change found it (its hash is in the
	 * journal, so that recovery never replaces a person's text): still
	 * what the change was made from?
	 */
	if ((error = kp_repo_read(&now, repo, rel, err)) < 0)
		goto done;
	if (now.len != base->len || memcmp(now.buf, base->buf, now.len) != 0) {
		error = kp_error_set(
			err, KP_ELOCKED, rel, 0, 0,
			_("the file changed while kiplan worked on "
			  "it; nothing was written, try again"));
		goto done;
	}
	kp_test_crash("change-written");
	kp_txn_describe(t, rel, res->revision);
	if ((error = kp_txn_prepare(t, msg.buf, err)) < 0)
		goto done;
	error = kp_txn_commit(t, err);
	res->committed = kp_txn_committed(t);
	if (res->committed)
		kp_txn_commit_id(t, res->commit);
done:
	kp_txn_free(t);
	kp_history_release(&h);
	kp_buf_release(&now);
	kp_buf_release(&msg);
	kp_buf_release(&out);
	return error;
}
