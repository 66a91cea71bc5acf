/*
 * duerun.c: what falls due over files, directories or the plan
 * repository, on the batch engine: the cache answers for the plans that
 * have not changed, the others are read on every CPU (with the fast
 * reader when it is sure), and the items are kept in the walk's order.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/report.h"
#include "load/load.h"
#include "repo/repo.h"
#include "banned.h"

struct drun {
	const struct kp_due_run *run;
	struct kp_due_totals *totals;
	struct kp_due_list *out;
	struct kp_due_cache *cache;
};

struct dslot {
	struct kp_file_id id;
	int have_id; /* the plan may be cached */
	struct kp_due_list items;
	struct kp_findings problems;
	int parse_failed;
};

static void file_id(struct dslot *s, const struct kp_batch_item *it)
{
	struct stat st;

	if (it->st) {
		st = *it->st;
	} else if (strcmp(it->path, "-") == 0 || stat(it->path, &st) < 0 ||
		   !S_ISREG(st.st_mode)) {
		return;
	}
	s->id.dev = (unsigned long long)st.st_dev;
	s->id.ino = (unsigned long long)st.st_ino;
	s->id.size = (unsigned long long)st.st_size;
	s->id.mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL +
			 st.st_mtim.tv_nsec;
	s->id.ctime_ns = (long long)st.st_ctim.tv_sec * 1000000000LL +
			 st.st_ctim.tv_nsec;
	s->have_id = 1;
}

static void prepare(void *ctx, struct kp_batch_item *it,
		    struct kp_batch_worker *main)
{
	struct drun *r = ctx;
	struct dslot *s = it->slot;

	if (!r->cache)
		return;
	file_id(s, it);
	s->items.arena = kp_batch_arena(main);
	if (s->have_id &&
	    kp_due_cache_get(r->cache, it->path, &s->id, &s->items) == 1)
		it->skip = 1;
}

static void work(void *ctx, struct kp_batch_item *it, const char *data,
		 size_t len, struct kp_batch_worker *w)
{
	const struct drun *r = ctx;
	struct dslot *s = it->slot;
	int draft_days = r->run->due.draft_days;
	struct kp_plan *plan = NULL;
	struct kp_doc *doc = NULL;
	struct kp_error err = KP_ERROR_INIT;

	/* One arena per thread and batch, not one per plan. */
	s->items.arena = kp_batch_arena(w);
	if (!r->run->full_load && kp_due_fast(&doc, data, len)) {
		kp_due_extract(&s->items, kp_doc_root(doc), it->path,
			       draft_days, &s->problems);
		kp_doc_free(doc);
		if (!s->problems.len)
			return;
		/* Problems are told by the full loader, with its positions. */
		s->items.len = 0;
		kp_findings_release(&s->problems);
	}
	if (kp_plan_parse(&plan, it->path, data, len, 0, &err) < 0) {
		kp_finding_from_error(&s->problems, &err);
		s->parse_failed = 1;
		return;
	}
	kp_due_extract(&s->items, plan->root, it->path, draft_days,
		       &s->problems);
	kp_plan_free(plan);
}

static void finish(void *ctx, struct kp_batch_item *it)
{
	struct drun *r = ctx;
	struct dslot *s = it->slot;
	struct kp_file_report rep;

	memset(&rep, 0, sizeof(rep));
	rep.path = it->path;
	if (it->failed) {
		rep.error = &it->error;
		r->totals->failed++;
	} else {
		r->totals->files++;
		rep.findings = &s->problems;
		if (kp_findings_count(&s->problems, KP_ERROR))
			r->totals->failed++;
		else if (r->cache && s->have_id && !it->skip)
			kp_due_cache_put(r->cache, it->path, &s->id, s->items.v,
					 s->items.len);
		kp_due_keep(r->out, s->items.v, s->items.len, &r->run->due);
	}
	/* Quiet for the plans that are fine: cron mails any output. */
	if (r->run->report && (rep.error || s->problems.len))
		r->run->report(&rep, r->run->payload);
	s->items.arena = NULL; /* the batch's */
	kp_due_release(&s->items);
	kp_findings_release(&s->problems);
}

/* A hash of what shapes the cached items and which plans are walked. */
static unsigned long long cache_key(int draft_days, const char *const *paths,
				    size_t n)
{
	unsigned long long h = kp_hash64(0, "kiplan-due-1", 12);
	char *cwd = getcwd(NULL, 0);
	size_t i;

	if (cwd)
		h = kp_hash64(h, cwd, strlen(cwd) + 1);
	free(cwd);
	h = kp_hash64(h, &draft_days, sizeof(draft_days));
	for (i = 0; i < n; i++)
		h = kp_hash64(h, paths[i], strlen(paths[i]) + 1);
	return h;
}

int kp_due_paths(struct kp_due_list *out, struct kp_due_totals *totals,
		 const char *const *paths, size_t npaths,
		 const struct kp_due_run *run, struct kp_error *err)
{
	static const struct kp_batch_ops ops = { sizeof(struct dslot), prepare,
						 work, finish };
	unsigned long long key;
	char *cache_path = NULL;
	struct drun r;
	int error;

	memset(totals, 0, sizeof(*totals));
	memset(&r, 0, sizeof(r));
	r.run = run;
	r.totals = totals;
	r.out = out;
	if (run->use_cache) {
		key = cache_key(run->due.draft_days, paths, npaths);
		/* The repository's own plans: a cache in its git directory. */
		cache_path = kp_due_cache_path(
			run->repo && run->repo_plans ? kp_repo_gitdir(run->repo)
						     : NULL,
			key);
		/* An unusable cache only makes kiplan slower. */
		if (cache_path &&
		    kp_due_cache_open(&r.cache, cache_path, key, err) < 0)
			r.cache = NULL;
	}
	kp_batch_run(paths, npaths, run->jobs, &ops, &r);
	error = r.cache ? kp_due_cache_commit(r.cache, err) : 0;
	kp_due_cache_free(r.cache);
	free(cache_path);
	return error;
}
