/*
 * verify.c: kiplan verify, whether a received PDF or HTML document is
 * exactly what a revision of a plan in this repository renders to.
 *
 * The document says which plan, revision and commit it is (ident.c).
 * That revision is looked up in the plan's history, rendered again as the
 * document says it was rendered (redacted or not), and compared byte for
 * byte: rendering is deterministic, so any change to the document, or a
 * document of another repository, shows.  The history also says when,
 * and to whom, the revision was sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo/repo.h"
#include "render/render.h"
#include "i18n.h"
#include "banned.h"

/* A plan id as kiplan writes them: nothing a path could hide in. */
static int plain_id(const char *s)
{
	if (!*s || *s == '-' || *s == '.')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
	return 1;
}

/* The revision number's own commit in h (not a sending record), or NULL. */
static const struct kp_revision *revision(const struct kp_history *h,
					  unsigned n)
{
	size_t i;

	for (i = 0; i < h->len; i++)
		if (!h->v[i].sending && h->v[i].number == n)
			return &h->v[i];
	return NULL;
}

/* Render revision rev of the plan again, as the document says. */
static int render_again(struct kp_buf *out, struct kp_repo *repo,
			const struct kp_verify *v, struct kp_error *err)
{
	struct kp_plan *plan = NULL;
	struct kp_schema *schema = NULL;
	struct kp_render_opts ro;
	struct kp_source src;
	struct kp_buf spec = KP_BUF_INIT;
	int error;

	memset(&src, 0, sizeof(src));
	kp_buf_addf(&spec, "%s/%s@%s", kp_repo_workdir(repo), v->rel,
		    v->ident.commit);
	if ((error = kp_plan_open(&plan, &src, spec.buf, 0, err)) < 0 ||
	    (error = kp_repo_schema(&schema, repo, err)) < 0)
		goto done;
	memset(&ro, 0, sizeof(ro));
	ro.schema = schema;
	ro.src = &src;
	ro.redact = v->ident.redacted;
	ro.invalid = v->ident.invalid;
	error = kp_render(out, v->ident.format, plan, &ro, err);
done:
	kp_schema_free(schema);
	kp_plan_free(plan);
	kp_buf_release(&spec);
	return error;
}

int kp_verify(struct kp_verify *v, struct kp_repo *repo, const char *data,
	      size_t len, struct kp_error *err)
{
	const struct kp_revision *r;
	struct kp_buf again = KP_BUF_INIT;
	int error;

	memset(v, 0, sizeof(*v));
	if ((error = kp_ident_read(&v->ident, data, len, err)) < 0)
		return error;
	if (!plain_id(v->ident.plan)) {
		v->result = KP_VERIFY_FOREIGN;
		return 0;
	}
	if (!v->ident.revision) {
		v->result = KP_VERIFY_WORKING;
		return 0;
	}
	error = kp_repo_plan_path(&v->rel, repo, v->ident.plan, 0, err);
	if (error == 0)
		error = kp_repo_history(&v->history, repo, v->rel, err);
	if (error == KP_EUSAGE || error == KP_ENOTFOUND) {
		v->result = KP_VERIFY_FOREIGN;
		return 0;
	}
	if (error < 0)
		return error;
	r = revision(&v->history, v->ident.revision);
	if (!r || strcmp(r->commit, v->ident.commit) != 0) {
		if (r)
			snprintf(v->commit, sizeof(v->commit), "%s", r->commit);
		v->result = KP_VERIFY_FOREIGN;
		return 0;
	}
	if ((error = render_again(&again, repo, v, err)) < 0)
		goto done;
	if (again.len == len && memcmp(again.buf, data, len) == 0)
		v->result = KP_VERIFY_SAME;
	else if (strcmp(v->ident.version, KP_VERSION) != 0)
		v->result = KP_VERIFY_VERSION;
	else
		v->result = KP_VERIFY_ALTERED;
done:
	kp_buf_release(&again);
	return error;
}

void kp_verify_release(struct kp_verify *v)
{
	kp_history_release(&v->history);
	free(v->rel);
	v->rel = NULL;
}
