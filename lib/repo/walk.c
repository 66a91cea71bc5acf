/*
 * walk.c: the history of a plan repository as the changes to its plan
 * files, commit by commit, for stats.  The first-parent history of HEAD
 * is walked once with libgit2's revwalk; each commit's tree is compared
 * with its parent's, entry by entry in git's order, descending only into
 * subtrees whose ids differ.  The commits are cut into contiguous ranges,
 * one per thread, each with its own git_repository (libgit2 objects are
 * not shared between threads), and the ranges are joined in order, so the
 * result never depends on the threads.  The blobs are read the same way.
 */
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "repo/repo.h"
#include "i18n.h"
#include "banned.h"

/* As revs.c: fmt is a whole sentence with one %s for libgit2's message. */
static int git_fail(struct kp_error *err, const char *fmt)
{
	const git_error *e = git_error_last();

	return kp_error_set(err, KP_EGIT, NULL, 0, 0, fmt,
			    e && e->message ? e->message : _("unknown error"));
}

/* ------------------------------------------------------------------ */
/* Paths                                                               */
/* ------------------------------------------------------------------ */

struct pathset {
	size_t *slot; /* index + 1 into walk->paths; 0: empty */
	size_t cap;   /* a power of two */
};

static size_t intern(struct kp_walk *w, struct pathset *s, const char *path,
		     size_t len)
{
	size_t mask, i;

	if ((w->npaths + 1) * 2 > s->cap) {
		size_t *old = s->slot, oldcap = s->cap, j;

		s->cap = s->cap ? s->cap * 2 : 256;
		s->slot = kp_xcalloc(s->cap, sizeof(*s->slot));
		for (j = 0; j < oldcap; j++) {
			const char *p;

			if (!old[j])
				continue;
			p = w->paths[old[j] - 1];
			i = kp_hash64(0, p, strlen(p)) & (s->cap - 1);
			while (s->slot[i])
				i = (i + 1) & (s->cap - 1);
			s->slot[i] = old[j];
		}
		free(old);
	}
	mask = s->cap - 1;
	i = kp_hash64(0, path, len) & mask;
	while (s->slot[i]) {
		const char *p = w->paths[s->slot[i] - 1];

		if (strncmp(p, path, len) == 0 && p[len] == '\0')
			return s->slot[i] - 1;
		i = (i + 1) & mask;
	}
	w->paths = kp_xrealloc(w->paths, (w->npaths + 1) * sizeof(*w->paths));
	w->paths[w->npaths] = kp_xstrndup(path, len);
	s->slot[i] = ++w->npaths;
	return w->npaths - 1;
}

/* ------------------------------------------------------------------ */
/* Comparing two trees                                                 */
/* ------------------------------------------------------------------ */

/* A change as a worker finds it: its path is in the worker's names. */
struct wchange {
	size_t commit; /* index in the walk */
	size_t name;   /* offset in names */
	size_t len;
	struct kp_oid blob;
	int deleted;
};

struct worker {
	git_repository *git;
	struct wchange *v;
	size_t len, alloc;
	struct kp_buf names;
	struct kp_buf prefix; /* the directory being compared, with '/' */
	size_t commit;
	struct kp_error err;
	int error;
};

static int is_tree(const git_tree_entry *e)
{
	return git_tree_entry_type(e) == GIT_OBJECT_TREE;
}

static int is_plan(const git_tree_entry *e)
{
	git_filemode_t m = git_tree_entry_filemode(e);
	const char *name = git_tree_entry_name(e);
	size_t n = strlen(name);

	return (m == GIT_FILEMODE_BLOB || m == GIT_FILEMODE_BLOB_EXECUTABLE) &&
	       n > 3 && strcmp(name + n - 3, ".md") == 0;
}

/* Hidden entries (.kiplan, .gitignore) are never plans, as in kp_scan. */
static int hidden(const git_tree_entry *e)
{
	return git_tree_entry_name(e)[0] == '.';
}

/* git's order of tree entries: a tree sorts as if its name ended in '/'. */
static int entry_cmp(const git_tree_entry *a, const git_tree_entry *b)
{
	const char *x = git_tree_entry_name(a), *y = git_tree_entry_name(b);
	size_t lx = strlen(x), ly = strlen(y), n = lx < ly ? lx : ly;
	int c = memcmp(x, y, n);
	unsigned cx, cy;

	if (c)
		return c;
	cx = lx > n ? (unsigned char)x[n] : is_tree(a) ? '/' : 0;
	cy = ly > n ? (unsigned char)y[n] : is_tree(b) ? '/' : 0;
	return cx < cy ? -1 : cx > cy;
}

static void add_change(struct worker *w, const git_tree_entry *e, int deleted)
{
	struct wchange *c;

	if (w->len == w->alloc) {
		w->alloc = w->alloc ? 2 * w->alloc : 256;
		w->v = kp_xrealloc(w->v, w->alloc * sizeof(*w->v));
	}
	c = &w->v[w->len++];
	c->commit = w->commit;
	c->name = w->names.len;
	kp_buf_add(&w->names, w->prefix.buf, w->prefix.len);
	kp_buf_addstr(&w->names, git_tree_entry_name(e));
	c->len = w->names.len - c->name;
	kp_buf_addch(&w->names, '\0');
	memcpy(c->blob.id, git_tree_entry_id(e)->id, sizeof(c->blob.id));
	c->deleted = deleted;
}

static int diff_trees(struct worker *w, const git_tree *a, const git_tree *b);

/* A subtree on one side or both: compare below it. */
static int descend(struct worker *w, const git_tree_entry *ea,
		   const git_tree_entry *eb)
{
	git_tree *ta = NULL, *tb = NULL;
	const git_tree_entry *e = eb ? eb : ea;
	size_t plen = w->prefix.len;
	int error = 0;

	if ((ea && git_tree_lookup(&ta, w->git, git_tree_entry_id(ea)) < 0) ||
	    (eb && git_tree_lookup(&tb, w->git, git_tree_entry_id(eb)) < 0)) {
		error = -1;
		goto done;
	}
	kp_buf_addstr(&w->prefix, git_tree_entry_name(e));
	kp_buf_addch(&w->prefix, '/');
	error = diff_trees(w, ta, tb);
	kp_buf_setlen(&w->prefix, plen);
done:
	git_tree_free(ta);
	git_tree_free(tb);
	return error;
}

/* One side's entry with nothing on the other: added or deleted. */
static int one_side(struct worker *w, const git_tree_entry *e, int deleted)
{
	if (hidden(e))
		return 0;
	if (is_tree(e))
		return deleted ? descend(w, e, NULL) : descend(w, NULL, e);
	if (is_plan(e))
		add_change(w, e, deleted);
	return 0;
}

static int both_sides(struct worker *w, const git_tree_entry *ea,
		      const git_tree_entry *eb)
{
	int pa, pb;

	if (hidden(ea) ||
	    git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)))
		return 0;
	if (is_tree(ea)) /* so is eb: they compared equal */
		return descend(w, ea, eb);
	pa = is_plan(ea);
	pb = is_plan(eb);
	if (pb)
		add_change(w, eb, 0);
	else if (pa)
		add_change(w, ea, 1);
	return 0;
}

/* Either tree may be NULL (empty). */
static int diff_trees(struct worker *w, const git_tree *a, const git_tree *b)
{
	size_t na = a ? git_tree_entrycount(a) : 0;
	size_t nb = b ? git_tree_entrycount(b) : 0;
	size_t i = 0, j = 0;
	int error = 0;

	while (!error && (i < na || j < nb)) {
		const git_tree_entry *ea =
			i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb =
			j < nb ? git_tree_entry_byindex(b, j) : NULL;
		int c = !ea ? 1 : !eb ? -1 : entry_cmp(ea, eb);

		if (c < 0) {
			error = one_side(w, ea, 1);
			i++;
		} else if (c > 0) {
			error = one_side(w, eb, 0);
			j++;
		} else {
			error = both_sides(w, ea, eb);
			i++;
			j++;
		}
	}
	return error;
}

/* ------------------------------------------------------------------ */
/* The walk                                                            */
/* ------------------------------------------------------------------ */

struct walk_ctx {
	const char *workdir;
	struct kp_walk *walk;
	git_oid *ids;
	struct worker w[KP_JOBS_MAX];
};

static void trailers(struct kp_walk_commit *c, const char *message)
{
	git_message_trailer_array tr = { NULL, 0, NULL };
	size_t i;

	if (git_message_trailers(&tr, message) < 0)
		return;
	for (i = 0; i < tr.count; i++) {
		if (strcmp(tr.trailers[i].key, "Plan-Id") == 0 && !c->plan_id)
			c->plan_id = kp_xstrdup(tr.trailers[i].value);
		else if (strcmp(tr.trailers[i].key, "Sendt-til") == 0)
			c->recipients++;
	}
	git_message_trailer_array_free(&tr);
}

static int commit_tree(git_tree **out, struct worker *w, const git_oid *id,
		       struct kp_walk_commit *info)
{
	git_commit *c = NULL;
	int error = 0;

	if (git_commit_lookup(&c, w->git, id) < 0 ||
	    git_commit_tree(out, c) < 0) {
		error = -1;
	} else if (info) {
		memcpy(info->id.id, id->id, sizeof(info->id.id));
		info->time = (long long)git_commit_time(c);
		info->offset = git_commit_time_offset(c);
		trailers(info, git_commit_message(c));
	}
	git_commit_free(c);
	return error;
}

static void walk_range(void *payload, size_t from, size_t to, int worker)
{
	struct walk_ctx *x = payload;
	struct worker *w = &x->w[worker];
	git_tree *prev = NULL, *tree = NULL;
	size_t i;

	if (git_repository_open(&w->git, x->workdir) < 0 ||
	    (from > 0 && commit_tree(&prev, w, &x->ids[from - 1], NULL) < 0))
		goto fail;
	for (i = from; i < to; i++) {
		w->commit = i;
		if (commit_tree(&tree, w, &x->ids[i], &x->walk->commits[i]) <
			    0 ||
		    diff_trees(w, prev, tree) < 0)
			goto fail;
		git_tree_free(prev);
		prev = tree;
		tree = NULL;
	}
	goto done;
fail:
	w->error = git_fail(&w->err, _("cannot read a commit: %s"));
done:
	git_tree_free(tree);
	git_tree_free(prev);
	git_repository_free(w->git);
	w->git = NULL;
}

static int revwalk(git_oid **ids, size_t *n, const char *workdir,
		   struct kp_error *err)
{
	git_repository *git = NULL;
	git_revwalk *walk = NULL;
	size_t alloc = 0;
	git_oid oid;
	int rc, error = 0;

	*ids = NULL;
	*n = 0;
	if (git_repository_open(&git, workdir) < 0 ||
	    git_revwalk_new(&walk, git) < 0) {
		error = git_fail(err, _("cannot read the history: %s"));
		goto done;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	git_revwalk_simplify_first_parent(walk);
	rc = git_revwalk_push_head(walk);
	if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH)
		goto done;
	if (rc < 0) {
		error = git_fail(err, _("cannot read the history: %s"));
		goto done;
	}
	while ((rc = git_revwalk_next(&oid, walk)) == 0) {
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 1024;
			*ids = kp_xrealloc(*ids, alloc * sizeof(**ids));
		}
		(*ids)[(*n)++] = oid;
	}
	if (rc != GIT_ITEROVER)
		error = git_fail(err, _("cannot read the history: %s"));
done:
	git_revwalk_free(walk);
	git_repository_free(git);
	return error;
}

/* Join the workers' changes, in the order of their ranges. */
static void join_changes(struct kp_walk *walk, struct walk_ctx *x, int jobs)
{
	struct pathset set = { NULL, 0 };
	size_t total = 0, k, i;
	int t;

	for (t = 0; t < jobs; t++)
		total += x->w[t].len;
	walk->changes = kp_xcalloc(total ? total : 1, sizeof(*walk->changes));
	for (t = 0; t < jobs; t++) {
		struct worker *w = &x->w[t];

		for (i = 0; i < w->len; i++) {
			struct kp_walk_change *c =
				&walk->changes[walk->nchanges++];
			struct kp_walk_commit *cm =
				&walk->commits[w->v[i].commit];

			c->path =
				intern(walk, &set, w->names.buf + w->v[i].name,
				       w->v[i].len);
			c->blob = w->v[i].blob;
			c->deleted = w->v[i].deleted;
			if (!cm->nchanges)
				cm->first = walk->nchanges - 1;
			cm->nchanges++;
		}
	}
	for (k = 0; k < walk->ncommits; k++)
		if (!walk->commits[k].nchanges)
			walk->commits[k].first = walk->nchanges;
	free(set.slot);
}

/*
 * Objects are read as git reads them, without hashing each again to check
 * its id: libgit2 does by default, and for a walk over every tree of the
 * history that was half the time.  (The option is the process's; kiplan
 * stats is the only reader in its process.)
 */
static void fast_reads(void)
{
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

int kp_repo_walk(struct kp_walk **out, struct kp_repo *repo, int jobs,
		 struct kp_error *err)
{
	struct kp_walk *walk = kp_xcalloc(1, sizeof(*walk));
	struct walk_ctx x;
	size_t n = 0;
	int t, error;

	*out = NULL;
	fast_reads();
	memset(&x, 0, sizeof(x));
	x.workdir = kp_repo_workdir(repo);
	x.walk = walk;
	if ((error = revwalk(&x.ids, &n, x.workdir, err)) < 0)
		goto done;
	if (jobs < 1)
		jobs = kp_jobs_default();
	if (jobs > KP_JOBS_MAX)
		jobs = KP_JOBS_MAX;
	/* A thread takes at least a few hundred commits. */
	if ((size_t)jobs > n / 256 + 1)
		jobs = (int)(n / 256 + 1);
	walk->commits = kp_xcalloc(n ? n : 1, sizeof(*walk->commits));
	walk->ncommits = n;
	for (t = 0; t < jobs; t++) {
		struct kp_error e = KP_ERROR_INIT;

		x.w[t].names = (struct kp_buf)KP_BUF_INIT;
		x.w[t].prefix = (struct kp_buf)KP_BUF_INIT;
		x.w[t].err = e;
	}
	kp_parallel(n, jobs, walk_range, &x);
	for (t = 0; t < jobs && !error; t++)
		if (x.w[t].error) {
			if (err)
				*err = x.w[t].err;
			error = x.w[t].error;
		}
	if (!error)
		join_changes(walk, &x, jobs);
	for (t = 0; t < jobs; t++) {
		free(x.w[t].v);
		kp_buf_release(&x.w[t].names);
		kp_buf_release(&x.w[t].prefix);
	}
done:
	free(x.ids);
	if (error)
		kp_walk_free(walk);
	else
		*out = walk;
	return error;
}

void kp_walk_free(struct kp_walk *walk)
{
	size_t i;

	if (!walk)
		return;
	for (i = 0; i < walk->ncommits; i++)
		free(walk->commits[i].plan_id);
	for (i = 0; i < walk->npaths; i++)
		free(walk->paths[i]);
	free(walk->commits);
	free(walk->changes);
	free(walk->paths);
	free(walk);
}

/* ------------------------------------------------------------------ */
/* Blobs                                                               */
/* ------------------------------------------------------------------ */

struct blobs_ctx {
	const char *workdir;
	const struct kp_oid *blobs;
	void (*fn)(void *payload, size_t i, const char *data, size_t len,
		   int worker);
	void *payload;
	struct kp_error err[KP_JOBS_MAX];
	int error[KP_JOBS_MAX];
};

static void blobs_range(void *payload, size_t from, size_t to, int worker)
{
	struct blobs_ctx *x = payload;
	git_repository *git = NULL;
	size_t i;

	if (git_repository_open(&git, x->workdir) < 0)
		goto fail;
	for (i = from; i < to; i++) {
		git_blob *b = NULL;
		git_oid oid;

		memcpy(oid.id, x->blobs[i].id, sizeof(oid.id));
		if (git_blob_lookup(&b, git, &oid) < 0)
			goto fail;
		x->fn(x->payload, i, git_blob_rawcontent(b),
		      (size_t)git_blob_rawsize(b), worker);
		git_blob_free(b);
	}
	goto done;
fail:
	x->error[worker] = git_fail(&x->err[worker],
				    _("cannot read a plan in the history: %s"));
done:
	git_repository_free(git);
}

int kp_repo_blobs(struct kp_repo *repo, const struct kp_oid *blobs, size_t n,
		  int jobs,
		  void (*fn)(void *payload, size_t i, const char *data,
			     size_t len, int worker),
		  void *payload, struct kp_error *err)
{
	struct blobs_ctx x;
	int t;

	fast_reads();
	memset(&x, 0, sizeof(x));
	x.workdir = kp_repo_workdir(repo);
	x.blobs = blobs;
	x.fn = fn;
	x.payload = payload;
	if (jobs < 1)
		jobs = kp_jobs_default();
	if (jobs > KP_JOBS_MAX)
		jobs = KP_JOBS_MAX;
	if ((size_t)jobs > n / 64 + 1)
		jobs = (int)(n / 64 + 1);
	kp_parallel(n, jobs, blobs_range, &x);
	for (t = 0; t < jobs; t++)
		if (x.error[t]) {
			if (err)
				*err = x.err[t];
			return x.error[t];
		}
	return 0;
}
