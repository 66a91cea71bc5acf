/*
 * drafts.c: a new plan, from the template of Bilag 1 to its first
 * commit: the id is allocated under the repository lock, the draft may
 * wait in the git directory while a person edits it (its id stays
 * reserved: kp_repo_next_id() looks there), and is then written and
 * committed as revision 1.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "repo/repo.h"
#include "i18n.h"
#include "banned.h"

int kp_repo_new_draft(struct kp_buf *text, char id[13], struct kp_repo *repo,
		      const struct kp_node *fields, int year,
		      struct kp_error *err)
{
	const struct kp_node *status = kp_map_get(fields, "status");
	const char *st = kp_node_str(status);
	int error;

	id[0] = '\0';
	if (kp_map_get(fields, "id") || kp_map_get(fields, "kiplan"))
		return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				    _("'id' and 'kiplan' are set by kiplan "
				      "new, not given"));
	if (status && (!st || strcmp(st, "kladde") != 0))
		return kp_error_set(err, KP_EUSAGE, NULL, 0, 0,
				    _("a new plan is a draft (status: "
				      "kladde)"));
	if ((error = kp_repo_next_id(id, repo, year, err)) < 0)
		return error;
	return kp_template_draft(text, id, fields, err);
}

int kp_repo_edit_path(char **out, struct kp_repo *repo, const char *rel,
		      struct kp_error *err)
{
	struct kp_buf b = KP_BUF_INIT;

	*out = NULL;
	/* From libgit2: in a worktree .git is a file, not a directory. */
	kp_buf_addf(&b, "%skiplan-edit", kp_repo_gitdir(repo));
	if (mkdir(b.buf, 0700) < 0 && errno != EEXIST) {
		int e = errno;

		kp_error_set(err, KP_EIO, b.buf, 0, 0,
			     _("cannot create the directory: %s"), strerror(e));
		kp_buf_release(&b);
		return KP_EIO;
	}
	kp_buf_addf(&b, "/%s", rel);
	*out = kp_buf_detach(&b, NULL);
	return 0;
}

/*
 * What a kiplan new asks for, whatever id it gets: the text with its id
 * written as ki-0000-0000, and the lines of the message.
 */
static void new_request(char out[41], const char *id, const struct kp_buf *text,
			const char *const *body, size_t nbody)
{
	struct kp_buf b = KP_BUF_INIT;
	size_t idlen = strlen(id), i;
	const char *p = text->buf, *hit;

	kp_buf_addstr(&b, "new\n");
	while (idlen && (hit = strstr(p, id))) {
		kp_buf_add(&b, p, (size_t)(hit - p));
		kp_buf_addstr(&b, "ki-0000-0000");
		p = hit + idlen;
	}
	kp_buf_add(&b, p, (size_t)(text->buf + text->len - p));
	for (i = 0; i < nbody; i++)
		kp_buf_addf(&b, "\n-m %s", body[i]);
	kp_txn_digest(out, b.buf, b.len);
	kp_buf_release(&b);
}

int kp_repo_new_replayed(char **done, struct kp_repo *repo, const char *id,
			 const struct kp_buf *text, const char *const *body,
			 size_t nbody, struct kp_error *err)
{
	struct kp_txn_outcome o;
	char req[41];

	(void)err;
	*done = NULL;
	new_request(req, id, text, body, nbody);
	if (!kp_repo_replayed(&o, repo, "new", req))
		return 0;
	*done = o.plan;
	o.plan = NULL;
	kp_txn_outcome_release(&o);
	return 1;
}

int kp_repo_new_commit(char commit[41], struct kp_repo *repo, const char *id,
		       const struct kp_buf *text, const char *const *body,
		       size_t nbody, struct kp_error *err)
{
	struct kp_buf msg = KP_BUF_INIT, sum = KP_BUF_INIT;
	struct kp_txn *t = NULL;
	char rel[32], req[41];
	int error;

	commit[0] = '\0';
	snprintf(rel, sizeof(rel), "%s.md", id);
	/* The commit message is Danish, as everything the parties see. */
	kp_buf_addf(&sum, "Opret indsatsplan %s", id);
	if ((error = kp_repo_message(&msg, sum.buf, body, nbody, id, 1, NULL, 0,
				     err)) < 0)
		goto done;
	new_request(req, id, text, body, nbody);
	kp_test_crash("new-before-write");
	if ((error = kp_txn_begin(&t, repo, "new", req, err)) < 0 ||
	    (error = kp_txn_put(t, rel, text->buf, text->len, KP_TXN_CREATE,
				err)) < 0)
		goto done;
	kp_test_crash("new-written");
	kp_txn_describe(t, rel, 1);
	if ((error = kp_txn_prepare(t, msg.buf, err)) < 0)
		goto done;
	error = kp_txn_commit(t, err);
	if (kp_txn_committed(t))
		kp_txn_commit_id(t, commit);
done:
	kp_txn_free(t);
	kp_buf_release(&msg);
	kp_buf_release(&sum);
	return error;
}
