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
#include <strings.h>
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

/* The name part of a recipient line, "Name <email>": its length. */
static size_t name_len(const char *r)
{
	const char *lt = strstr(r, " <");

	return lt ? (size_t)(lt - r) : strlen(r);
}

/*
 * The revision that recipient r last received, by name, in h (which
 * does not hold this sending yet); 0 when never.
 */
static unsigned last_received(const struct kp_history *h, const char *r)
{
	size_t i, j, n = name_len(r);

	for (i = h->len; i-- > 0;)
		for (j = 0; h->v[i].sent && j < h->v[i].nrecipients; j++)
			if (name_len(h->v[i].recipients[j]) == n &&
			    strncasecmp(h->v[i].recipients[j], r, n) == 0)
				return h->v[i].number;
	return 0;
}

static const char *const months[] = { "januar",	 "februar",  "marts",
				      "april",	 "maj",	     "juni",
				      "juli",	 "august",   "september",
				      "oktober", "november", "december" };

/* The changes from revision number (of h) to plan, as Danish lines. */
static int changes_since(struct kp_buf *out, struct kp_repo *repo,
			 const char *rel, const struct kp_history *h,
			 unsigned number, const struct kp_plan *plan,
			 struct kp_error *err)
{
	struct kp_buf text = KP_BUF_INIT;
	struct kp_plan *old = NULL;
	struct kp_diff d;
	size_t i;
	int error;

	memset(&d, 0, sizeof(d));
	for (i = 0; i < h->len; i++)
		if (!h->v[i].sending && h->v[i].number == number)
			break;
	if (i == h->len)
		return 0;
	if ((error = kp_repo_blob(&text, repo, h->v[i].commit, rel, err)) < 0 ||
	    (error = kp_plan_parse(&old, rel, text.buf, text.len, 0, err)) < 0)
		goto done;
	kp_diff_plans(&d, old, plan);
	if (!d.len)
		kp_buf_addf(out, "Ingen ændringer siden revision %u.\n",
			    number);
	else
		kp_buf_addf(out, "Ændringer siden revision %u:\n", number);
	for (i = 0; i < d.len; i++) {
		kp_buf_addstr(out, "- ");
		kp_diff_text_da(out, &d.v[i]);
		kp_buf_addstr(out, ".\n");
	}
done:
	kp_diff_release(&d);
	kp_plan_free(old);
	kp_buf_release(&text);
	return error;
}

/*
 * The cover letter (følgebrev): who the plan goes to, and for each of
 * them what changed since the revision they last received.  Danish, as
 * everything the parties see.
 */
static int letter(struct kp_buf *out, struct kp_repo *repo, const char *rel,
		  const struct kp_history *h, const struct kp_plan *plan,
		  const struct kp_send_result *res, const struct kp_source *src,
		  const struct kp_send_opts *opts, char **lines,
		  struct kp_error *err)
{
	const struct kp_recipients *to = opts->to;
	unsigned *base = kp_xcalloc(to->len + 1, sizeof(*base));
	char *done = kp_xcalloc(to->len + 1, 1);
	const char *s;
	long long t = src->sent_time + (long long)src->sent_offset * 60;
	struct kp_date d =
		kp_date_from_days((long)(t / 86400 - (t % 86400 < 0)));
	size_t i, j;
	int error = 0;

	kp_buf_addf(out,
		    "Følgebrev til koordinerende indsatsplan %s, "
		    "revision %u\n\n",
		    res->id, res->revision);
	if ((s = kp_plan_str(plan, "borger.navn")))
		kp_buf_addf(out, "Borger: %s\n", s);
	kp_buf_addf(out, "Sendt: %d. %s %d\n", d.d, months[d.m - 1], d.y);
	if ((s = kp_plan_str(plan, "koordinator.navn"))) {
		kp_buf_addf(out, "Fra: %s", s);
		if ((s = kp_plan_str(plan, "koordinator.stilling")))
			kp_buf_addf(out, ", %s", s);
		if ((s = kp_plan_str(plan, "koordinator.organisation")))
			kp_buf_addf(out, ", %s", s);
		kp_buf_addch(out, '\n');
	}
	kp_buf_addstr(out, "\nPlanen sendes til:\n");
	for (i = 0; i < to->len; i++) {
		kp_buf_addf(out, "- %s\n", lines[i]);
		base[i] = last_received(h, lines[i]);
	}
	/* One section per revision last received, its recipients named. */
	for (i = 0; i < to->len; i++) {
		if (done[i])
			continue;
		kp_buf_addstr(out, "\nTil ");
		for (j = i; j < to->len; j++) {
			if (done[j] || base[j] != base[i])
				continue;
			kp_buf_addf(out, "%s%.*s", j > i ? ", " : "",
				    (int)name_len(lines[j]), lines[j]);
			done[j] = 1;
		}
		kp_buf_addstr(out, ":\n");
		if (!base[i])
			kp_buf_addstr(out,
				      "Første forsendelse: planen er vedlagt "
				      "i sin helhed.\n");
		else if ((error = changes_since(out, repo, rel, h, base[i],
						plan, err)) < 0)
			goto done;
	}
	if (opts->nbody) {
		kp_buf_addch(out, '\n');
		for (i = 0; i < opts->nbody; i++)
			kp_buf_addf(out, "%s\n", opts->body[i]);
	}
	kp_buf_addstr(out, "\nDen koordinerende indsatsplan skal vedlægges som "
			   "bilag til behandlingsplan,\nhandleplan m.v., og "
			   "beslutninger skal indskrives i eksisterende "
			   "planer.\n");
done:
	free(base);
	free(done);
	return error;
}

/*
 * Render the revision into outbox/<id>-r<N>.html and .pdf, and write its
 * cover letter, <id>-r<N>-foelgebrev.txt.
 */
static int write_outbox(struct kp_send_result *res, struct kp_repo *repo,
			const char *rel, const struct kp_plan *plan,
			const struct kp_source *src,
			const struct kp_send_opts *opts,
			const struct kp_history *h, char **lines,
			struct kp_error *err)
{
	static const char *const formats[] = { "html", "pdf",
					       "foelgebrev.txt" };
	struct kp_outfile files[3];
	int open[3] = { 0, 0, 0 };
	struct kp_render_opts ro;
	struct kp_buf out = KP_BUF_INIT, path = KP_BUF_INIT;
	size_t i;
	int error = 0;

	memset(&ro, 0, sizeof(ro));
	ro.schema = opts->schema;
	ro.src = src;
	kp_buf_addf(&path, "%s/outbox", kp_repo_workdir(repo));
	if (mkdir(path.buf, 0700) < 0 && errno != EEXIST) {
		error = kp_error_set(err, KP_EIO, path.buf, 0, 0,
				     _("cannot create the directory: %s"),
				     strerror(errno));
		goto done;
	}
	for (i = 0; i < 3; i++) {
		kp_buf_reset(&out);
		kp_buf_reset(&path);
		kp_buf_addf(&path, "%s/outbox/%s-r%u%s%s",
			    kp_repo_workdir(repo), res->id, res->revision,
			    i < 2 ? "." : "-", formats[i]);
		error = i < 2 ? kp_render(&out, formats[i], plan, &ro, err)
			      : letter(&out, repo, rel, h, plan, res, src, opts,
				       lines, err);
		if (error < 0 || (error = kp_outfile_open(&files[i], path.buf,
							  0600, err)) < 0)
			goto done;
		open[i] = 1;
		if ((error = kp_outfile_write(&files[i], out.buf, out.len,
					      err)) < 0)
			goto done;
	}
	/* All rendered and written: now into place. */
	for (i = 0; i < 3; i++) {
		char *final = kp_xstrdup(files[i].path);

		open[i] = 0;
		if ((error = kp_outfile_commit(&files[i], err)) < 0) {
			free(final);
			goto done;
		}
		res->outbox[i] = final;
	}
done:
	for (i = 0; i < 3; i++)
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
	src.sent = 1; /* now */
	src.revision = res->revision;
	memcpy(src.commit, res->changed ? res->commit : last->commit,
	       sizeof(src.commit));
	if ((error = kp_repo_commit_time(&src.time, &src.offset, repo,
					 src.commit, err)) < 0 ||
	    (error = kp_repo_commit_time(&src.sent_time, &src.sent_offset, repo,
					 res->commit, err)) < 0 ||
	    (error = write_outbox(res, repo, rel, plan, &src, opts, &h, lines,
				  err)) < 0)
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
	size_t i;

	for (i = 0; i < sizeof(res->outbox) / sizeof(res->outbox[0]); i++) {
		free(res->outbox[i]);
		res->outbox[i] = NULL;
	}
}
