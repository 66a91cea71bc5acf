/*
 * revs.c: the revision of every plan in a repository, from one walk of
 * the history.  kp_plan_open() walks the history once per plan; over
 * thousands of plans that is quadratic, so export asks this map instead.
 */
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "repo/repo.h"
#include "i18n.h"
#include "banned.h"

struct rev {
	char *path; /* NULL: an empty slot */
	unsigned revision;
	int present; /* in HEAD's tree */
	git_oid commit, blob;
	long long time;
	int offset;
};

struct kp_revmap {
	struct rev *v;
	size_t len, cap; /* cap is a power of two */
};

static struct rev *slot(struct kp_revmap *m, const char *path, int create)
{
	size_t mask, i;

	if (create && (m->len + 1) * 2 > m->cap) {
		struct rev *old = m->v;
		size_t oldcap = m->cap, j;

		m->cap = m->cap ? m->cap * 2 : 1024;
		m->v = kp_xcalloc(m->cap, sizeof(*m->v));
		for (j = 0; j < oldcap; j++) {
			if (!old[j].path)
				continue;
			mask = m->cap - 1;
			i = kp_hash64(0, old[j].path, strlen(old[j].path)) &
			    mask;
			while (m->v[i].path)
				i = (i + 1) & mask;
			m->v[i] = old[j];
		}
		free(old);
	}
	if (!m->cap)
		return NULL;
	mask = m->cap - 1;
	i = kp_hash64(0, path, strlen(path)) & mask;
	while (m->v[i].path) {
		if (strcmp(m->v[i].path, path) == 0)
			return &m->v[i];
		i = (i + 1) & mask;
	}
	if (!create)
		return NULL;
	m->v[i].path = kp_xstrdup(path);
	m->len++;
	return &m->v[i];
}

/*
 * A libgit2 failure: fmt is a whole sentence (through _()) with one %s,
 * where libgit2's own message goes.
 */
static int git_fail(struct kp_error *err, const char *fmt)
{
	const git_error *e = git_error_last();

	return kp_error_set(err, KP_EGIT, NULL, 0, 0, fmt,
			    e && e->message ? e->message : _("unknown error"));
}

struct walk_ctx {
	struct kp_revmap *m;
	git_commit *c;
	int mainline; /* on HEAD's first-parent line: it says what is there */
};

static int on_delta(const git_diff_delta *d, float progress, void *payload)
{
	struct walk_ctx *w = payload;
	struct rev *r;

	(void)progress;
	if (d->status == GIT_DELTA_DELETED) {
		if (w->mainline && (r = slot(w->m, d->old_file.path, 0)))
			r->present = 0;
		return 0;
	}
	if (d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_MODIFIED &&
	    d->status != GIT_DELTA_TYPECHANGE)
		return 0;
	if ((d->new_file.mode & 0170000) != 0100000)
		return 0;
	r = slot(w->m, d->new_file.path, 1);
	if (w->mainline)
		r->present = 1;
	/* As kp_repo_history(): a text other than the last revision's. */
	if (r->revision && git_oid_equal(&r->blob, &d->new_file.id))
		return 0;
	r->revision++;
	r->blob = d->new_file.id;
	r->commit = *git_commit_id(w->c);
	r->time = (long long)git_commit_time(w->c);
	r->offset = git_commit_time_offset(w->c);
	return 0;
}

int kp_revmap_build(struct kp_revmap **out, const char *workdir,
		    struct kp_error *err)
{
	struct kp_revmap *m = kp_xcalloc(1, sizeof(*m));
	git_repository *repo = NULL;
	git_diff_options dopts;
	git_oid *ids = NULL;
	unsigned char *mainline = NULL;
	size_t n = 0, i;
	int error = 0;

	*out = NULL;
	git_libgit2_init();
	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	if (git_repository_open(&repo, workdir) < 0) {
		error = git_fail(err, _("cannot read the history: %s"));
		goto done;
	}
	if ((error = kp_repo_linear(&ids, &mainline, &n, repo, err)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		git_commit *c = NULL, *parent = NULL;
		git_tree *tree = NULL, *ptree = NULL;
		git_diff *diff = NULL;
		struct walk_ctx w;

		if (git_commit_lookup(&c, repo, &ids[i]) < 0 ||
		    git_commit_tree(&tree, c) < 0 ||
		    (git_commit_parentcount(c) > 0 &&
		     (git_commit_parent(&parent, c, 0) < 0 ||
		      git_commit_tree(&ptree, parent) < 0)) ||
		    git_diff_tree_to_tree(&diff, repo, ptree, tree, &dopts) <
			    0) {
			error = git_fail(err, _("cannot read a commit: %s"));
		} else {
			w.m = m;
			w.c = c;
			w.mainline = mainline[i];
			if (git_diff_foreach(diff, on_delta, NULL, NULL, NULL,
					     &w) < 0)
				error = git_fail(err,
						 _("cannot read a commit: %s"));
		}
		git_diff_free(diff);
		git_tree_free(ptree);
		git_tree_free(tree);
		git_commit_free(parent);
		git_commit_free(c);
		if (error)
			goto done;
	}
done:
	free(ids);
	free(mainline);
	git_repository_free(repo);
	if (error)
		kp_revmap_free(m); /* and its git_libgit2_init() */
	else
		*out = m;
	return error;
}

void kp_revmap_source(const struct kp_revmap *map, struct kp_source *src,
		      const char *rel, const char *data, size_t len)
{
	const struct rev *r = slot((struct kp_revmap *)map, rel, 0);
	git_oid blob;

	memset(src, 0, sizeof(*src));
	src->in_repo = 1;
	src->modified = 1;
	if (!r || !r->present)
		return;
	src->revision = r->revision;
	git_oid_tostr(src->commit, sizeof(src->commit), &r->commit);
	src->time = r->time;
	src->offset = r->offset;
	if (git_odb_hash(&blob, data, len, GIT_OBJECT_BLOB) == 0)
		src->modified = !git_oid_equal(&blob, &r->blob);
}

void kp_revmap_free(struct kp_revmap *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->cap; i++)
		free(m->v[i].path);
	free(m->v);
	free(m);
	git_libgit2_shutdown();
}
