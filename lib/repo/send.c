/*
 * send.c: a sending, the one change that reaches the parties.  The plan
 * text is committed as a new revision (or, unchanged since its last
 * revision, as a record that the revision in force was sent again) with
 * one Sendt-til trailer per recipient; then the documents of exactly
 * that revision are rendered and put into outbox/, each written whole
 * under a temporary name and renamed into place only once the commit
 * exists, so that the outbox never holds a revision the history lacks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "repo/repo.h"
#include "render/render.h"
#include "i18n.h"
#include "banned.h"

/* The last revision that changed the text, or NULL. */
static const struct kp_revision *last_text(const struct kp_history *h)
{
	size_t i;

	for (i = h->len; i-- > 0;)
		if (!h->v[i].sending)
			return &h->v[i];
	return NULL;
}

static char **recipient_lines(const struct kp_recipients *to)
{
	char **v = kp_xcalloc(to->len + 1, sizeof(*v));
	size_t i;

	for (i = 0; i < to->len; i++) {
		struct kp_buf b = KP_BUF_INIT;

		kp_buf_addstr(&b, to->v[i].name);
		if (to->v[i].email)
			kp_buf_addf(&b, " <%s>", to->v[i].email);
		v[i] = kp_buf_detach(&b, NULL);
	}
	return v;
}

static void free_lines(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Render the revision into outbox/<id>-r<N>.html and .pdf. */
static int write_outbox(struct kp_send_result *res, struct kp_repo *repo,
			const struct kp_plan *plan, const struct kp_source *src,
			const struct kp_send_opts *opts, struct kp_error *err)
{
	static const char *const formats[] = { "html", "pdf" };
	struct kp_outfile files[2];
	int open[2] = { 0, 0 };
	struct kp_render_opts ro;
	struct kp_buf out = KP_BUF_INIT, path = KP_BUF_INIT;
	size_t i;
	int error = 0;

	memset(&ro, 0, sizeof(ro));
	ro.schema = opts->schema;
	ro.src = src;
	ro.warnings = opts->warnings;
	kp_buf_addf(&path, "%s/outbox", kp_repo_workdir(repo));
	if (mkdir(path.buf, 0700) < 0 && errno != EEXIST) {
		error = kp_error_set(err, KP_EIO, path.buf, 0, 0,
				     _("cannot create the directory: %s"),
				     strerror(errno));
		goto done;
	}
	for (i = 0; i < 2; i++) {
		kp_buf_reset(&out);
		kp_buf_reset(&path);
		kp_buf_addf(&path, "%s/outbox/%s-r%u.%s", kp_repo_workdir(repo),
			    res->id, res->revision, formats[i]);
		if ((error = kp_render(&out, formats[i], plan, &ro, err)) < 0 ||
		    (error = kp_outfile_open(&files[i], path.buf, 0600, err)) <
			    0)
			goto done;
		open[i] = 1;
		if ((error = kp_outfile_write(&files[i], out.buf, out.len,
					      err)) < 0)
			goto done;
	}
	/* Both rendered and written: now into place. */
	for (i = 0; i < 2; i++) {
		char *final = kp_xstrdup(files[i].path);

		open[i] = 0;
		if ((error = kp_outfile_commit(&files[i], err)) < 0) {
			free(final);
			goto done;
		}
		res->outbox[i] = final;
	}
done:
	for (i = 0; i < 2; i++)
		if (open[i])
			kp_outfile_abort(&files[i]);
	kp_buf_release(&out);
	kp_buf_release(&path);
	return error;
}

int kp_repo_send(struct kp_send_result *res, struct kp_repo *repo,
		 const char *rel, const struct kp_plan *plan,
		 const struct kp_send_opts *opts, struct kp_error *err)
{
	struct kp_history h = KP_HISTORY_INIT;
	struct kp_buf old = KP_BUF_INIT, msg = KP_BUF_INIT, sum = KP_BUF_INIT;
	const struct kp_revision *last;
	struct kp_source src;
	const char *id = kp_plan_str(plan, "id");
	char **lines = NULL;
	int error;

	memset(res, 0, sizeof(*res));
	snprintf(res->id, sizeof(res->id), "%s", id ? id : "");
	if ((error = kp_repo_lock(repo, err)) < 0)
		return error;
	kp_test_crash("send-locked");
	if ((error = kp_repo_history(&h, repo, rel, err)) < 0)
		goto done;
	last = last_text(&h);
	res->changed = 1;
	if (last) {
		if ((error = kp_repo_blob(&old, repo, last->commit, rel, err)) <
		    0)
			goto done;
		res->changed = old.len != plan->text.len ||
			       memcmp(old.buf, plan->text.buf, old.len) != 0;
	}
	res->revision = res->changed ? h.revisions + 1 : last->number;
	lines = recipient_lines(opts->to);
	/* The commit message is Danish, as everything the parties see. */
	kp_buf_addf(&sum, "Send indsatsplan %s, revision %u", res->id,
		    res->revision);
	if ((error = kp_repo_message(&msg, sum.buf, opts->body, opts->nbody,
				     res->id, res->revision,
				     (const char *const *)lines, opts->to->len,
				     err)) < 0 ||
	    (error = kp_repo_commit(res->commit, repo, rel,
				    res->changed ? plan->text.buf : NULL,
				    plan->text.len, msg.buf, err)) < 0)
		goto done;
	res->committed = 1;
	/* Still under the lock: no other kiplan tidies the outbox now. */
	if (!opts->outbox)
		goto done;
	/* Exactly the committed revision, stamped with its own commit. */
	memset(&src, 0, sizeof(src));
	src.in_repo = 1;
	src.revision = res->revision;
	memcpy(src.commit, res->changed ? res->commit : last->commit,
	       sizeof(src.commit));
	if ((error = kp_repo_commit_time(&src.time, &src.offset, repo,
					 src.commit, err)) < 0 ||
	    (error = write_outbox(res, repo, plan, &src, opts, err)) < 0)
		goto done;
done:
	kp_repo_unlock(repo);
	free_lines(lines);
	kp_history_release(&h);
	kp_buf_release(&old);
	kp_buf_release(&msg);
	kp_buf_release(&sum);
	return error;
}

void kp_send_result_release(struct kp_send_result *res)
{
	free(res->outbox[0]);
	free(res->outbox[1]);
	res->outbox[0] = res->outbox[1] = NULL;
}
